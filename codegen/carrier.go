// Carriers and constants: fixed-size array types with their sizes, and the
// folded constants of the program.
package codegen

import (
	"fmt"
	"math"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// emitConsts declares the program's constants: scalars as untyped Go
// constants, vectors as arrays.
func (g *gen) emitConsts() {
	for _, c := range g.p.Consts {
		if c.Vec == nil && (math.IsNaN(c.Value) || math.IsInf(c.Value, 0)) {
			// math.NaN() and math.Inf are not Go constants.
			g.f.Add(doc("%s is the constant %s declared at %s (a variable only because Go has no "+
				"constant for it: do not modify it).%s", c.Name, c.SourceName, g.at(c.Pos), userDoc(c.Doc)))
			v, _ := num(c.Value, true)
			g.f.Var().Id(c.Name).Op("=").Add(v)
			continue
		}
		if c.Vec == nil {
			g.f.Add(doc("%s is the constant %s declared at %s.%s", c.Name, c.SourceName, g.at(c.Pos), userDoc(c.Doc)))
			var v jen.Code
			if c.IsInt && c.Value == float64(int64(c.Value)) {
				v = jen.Lit(int(c.Value))
			} else {
				v, _ = num(c.Value, true)
			}
			g.f.Const().Id(c.Name).Op("=").Add(v)
			continue
		}
		g.f.Add(doc("%s is the constant %s declared at %s, a vector of %d values. "+
			"It is a variable only because Go has no array constants: do not modify it.%s",
			c.Name, c.SourceName, g.at(c.Pos), len(c.Vec), userDoc(c.Doc)))
		g.f.Var().Id(c.Name).Op("=").Index(jen.Lit(len(c.Vec))).Float64().Add(floatRows(c.Vec))
	}
}

// floatRows renders {v0, v1, …} with ten values a line for long vectors.
func floatRows(vs []float64) jen.Code {
	var b strings.Builder
	b.WriteString("{")
	long := len(vs) > 10
	for i, v := range vs {
		if long && i%10 == 0 {
			b.WriteString("\n")
		} else if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(floatText(v, false))
		if long || i < len(vs)-1 {
			b.WriteString(",")
		}
	}
	if long {
		b.WriteString("\n")
	}
	b.WriteString("}")
	return jen.Op(b.String())
}

// emitCarrier declares a carrier's array type and its size constants.
func (g *gen) emitCarrier(c *ir.Carrier) {
	shape := fmt.Sprintf("vec[%d]", c.Dims[0])
	if c.Grid() {
		shape = fmt.Sprintf("grid[%d, %d]", c.Dims[0], c.Dims[1])
	}
	text := fmt.Sprintf("%s is the carrier %s declared at %s: %s.", c.Name, c.SourceName, g.at(c.Pos), shape)
	if c.Grid() {
		text += fmt.Sprintf(" It is stored flat in row-major order: element [i, j] is at index i*%d + j.", c.Dims[1])
	}
	text += boundaryDoc(c)
	g.f.Add(doc("%s%s", text, userDoc(c.Doc)))
	g.f.Type().Id(c.Name).Index(jen.Lit(c.Size())).Float64()
	g.f.Add(doc("%sSize is the number of elements of %s.", c.Name, c.Name))
	g.f.Const().Id(c.Name + "Size").Op("=").Lit(c.Size())
	if c.Grid() {
		g.f.Add(doc("%sRows and %sCols are the dimensions of %s.", c.Name, c.Name, c.Name))
		g.f.Const().Defs(
			jen.Id(c.Name+"Rows").Op("=").Lit(c.Dims[0]),
			jen.Id(c.Name+"Cols").Op("=").Lit(c.Dims[1]),
		)
	}
}

// boundaryDoc says what the generated reads give past the ends of a
// carrier that is not periodic, or "" for a periodic one.
func boundaryDoc(c *ir.Carrier) string {
	if c.Periodic() {
		return ""
	}
	rule := func(b ir.Boundary) string {
		switch b.Kind {
		case ir.BoundaryClamp:
			return "read the nearest element (clamp)"
		case ir.BoundaryFixed:
			return "give " + floatText(b.Value, false) + " (fixed)"
		}
		return "wrap around (periodic)"
	}
	if !c.Grid() || c.Boundary(0) == c.Boundary(1) {
		return " Reads past its ends " + rule(c.Boundary(0)) + "."
	}
	return " Reads past its first or last row " + rule(c.Boundary(0)) + "; past its first or last column they " + rule(c.Boundary(1)) + "."
}
