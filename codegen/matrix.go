// Covariance matrices (R and B) as run-time values: the statements that
// build a variance table at compile time or read a file at run time, and
// apply the source's scale factor k of `k * M`.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// covariance is the run-time form of a matrix m: either its diagonal, in
// the variable vars, or the full matrix, in cov.
type covariance struct {
	code  []jen.Code
	diag  bool   // the variable holds the diagonal only
	name  string // the variable: variances or cov
	table bool   // name is an array table, referred to as name[:]
}

// covarianceCode returns the statements that put the values of m (a
// size×size covariance, size the Go expression of its order) into a new
// variable: the variances of a diagonal form, or the row-major matrix of
// a file. Data files are read relative to dir; a read error returns
// fail(err). A diag([…]) with one variance per row is compiled to the
// package-level table t. The scale k of `k * M` is left to the caller
// unless applyScale is set, when it multiplies the values.
func (g *gen) covarianceCode(nm *namer, m *ir.Matrix, size jen.Code, dir jen.Code, t varianceTable, applyScale bool, err string, fail func(err jen.Code) jen.Code) covariance {
	id := jen.Id
	scale := 1.0
	if applyScale && m.Scale != 0 {
		scale = m.Scale
	}
	scaled := func(v float64) float64 {
		if scale == 1 {
			return v
		}
		return scale * v
	}
	switch m.Kind {
	case ir.MatrixDiag, ir.MatrixScaledIdentity:
		if m.Values != nil {
			vals := make([]float64, len(m.Values))
			for i, v := range m.Values {
				vals[i] = scaled(v)
			}
			typ := t.typ
			if typ == nil {
				typ = jen.Index().Float64()
			}
			g.f.Add(doc("%s", t.doc))
			g.f.Var().Id(t.name).Op("=").Add(typ).Add(floatRows(vals))
			return covariance{diag: true, name: t.name, table: t.typ != nil}
		}
		vars, i := nm.name("variances"), nm.fork().name("i") // i is scoped to its loop
		v, _ := num(scaled(m.Value), true)
		return covariance{diag: true, name: vars, code: []jen.Code{
			id(vars).Op(":=").Make(jen.Index().Float64(), size),
			jen.For(id(i).Op(":=").Range().Id(vars)).Block(id(vars).Index(id(i)).Op("=").Add(v)),
		}}
	case ir.MatrixDiagFile:
		vars := nm.name("variances")
		code := []jen.Code{
			jen.List(id(vars), id(err)).Op(":=").Qual(rtPath, "ReadVectorCSV").Call(dataPath(dir, m.Path), size),
			ifErr(err, fail(id(err))),
		}
		return covariance{diag: true, name: vars, code: append(code, scaleLoop(nm, vars, scale)...)}
	}
	cov := nm.name("cov")
	code := []jen.Code{
		jen.List(id(cov), id(err)).Op(":=").Qual(rtPath, "ReadMatrixCSV").Call(dataPath(dir, m.Path), size, jen.Add(size)),
		ifErr(err, fail(id(err))),
	}
	return covariance{name: cov, code: append(code, scaleLoop(nm, cov, scale)...)}
}

// varianceTable is the package-level table of a diag([…]) form: its
// name, Go type (nil for []float64) and doc comment.
type varianceTable struct {
	name, doc string
	typ       jen.Code
}

// ref is the table as a slice: name[:] for an array type.
func (c covariance) ref() jen.Code {
	if c.table {
		return jen.Id(c.name).Index(jen.Op(":"))
	}
	return jen.Id(c.name)
}

// scaleLoop multiplies every value of the slice v by k (nothing for 1).
func scaleLoop(nm *namer, v string, k float64) []jen.Code {
	if k == 1 {
		return nil
	}
	i := nm.fork().name("i")
	kv, _ := num(k, true)
	return []jen.Code{
		jen.For(jen.Id(i).Op(":=").Range().Id(v)).Block(jen.Id(v).Index(jen.Id(i)).Op("*=").Add(kv)),
	}
}

// scaledMatrixText describes m for comments with its scale: "0.02 ×
// "cov.csv"" for 0.02 * "cov.csv".
func scaledMatrixText(m *ir.Matrix) string {
	if m.Scale == 0 || m.Scale == 1 {
		return matrixText(m)
	}
	return fmt.Sprintf("%s * %s", floatText(m.Scale, false), matrixText(m))
}

// checkMatrix reports a matrix the checker would not have let through.
func (g *gen) checkMatrix(pos ir.Pos, what string, m *ir.Matrix, size int) {
	switch {
	case m == nil:
		g.internal(pos, "%s has no matrix", what)
		return
	case m.Kind < ir.MatrixDiag || m.Kind > ir.MatrixScaledIdentity:
		g.internal(m.Pos, "%s has an unknown form", what)
	case m.Size != 0 && m.Size != size:
		g.internal(m.Pos, "%s is %d×%d for %d values", what, m.Size, m.Size, size)
	case !(m.Scale > 0) && m.Scale != 0:
		g.internal(m.Pos, "%s has scale %v", what, m.Scale)
	case m.Values != nil && (m.Kind != ir.MatrixDiag || len(m.Values) != size):
		g.internal(m.Pos, "%s has %d variances for %d values", what, len(m.Values), size)
	}
}
