// Carrier boundaries (docs/language.md §3): what a read past the ends of a
// dimension gives, written `{ boundary = periodic | clamp | fixed(v) }`,
// or for a grid one rule per dimension, `boundary = [periodic, fixed(0)]`.
package check

import (
	"math"

	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/ir"
	"github.com/cyclec/cyclec/lang"
)

// boundaryNames are the rules a boundary may name, as messages list them.
var boundaryNames = []string{"periodic", "clamp", "fixed"}

const boundaryForms = "periodic, clamp or fixed(v)"

// carrierOptions reads the option block of a carrier (only `boundary`)
// into car.Bounds, leaving it nil when every dimension is periodic.
func (c *checker) carrierOptions(o *object, d *lang.CarrierDecl, car *ir.Carrier) bool {
	if d.Options == nil {
		return true
	}
	s := c.options(o, d.Options.Options, "carrier "+d.Name, []string{"boundary"})
	val := s.value("boundary")
	if val == nil {
		return len(s.m) == len(d.Options.Options)
	}
	e := c.valueExpr(val, "boundary", boundaryForms)
	if e == nil {
		return false
	}
	kind := d.Kind.Text()
	var rules []*lang.Expr
	if p := soloPrimary(e); p != nil && p.Vector != nil {
		rules = p.Vector
		switch {
		case !car.Grid():
			c.diags.Add(lang.Pos(e.Pos), "boundary", "one rule per dimension is for grid carriers; %s is a vec with one dimension: write boundary = %s",
				d.Name, exprString(rules[0]))
			return false
		case len(rules) != len(car.Dims):
			c.diags.Add(lang.Pos(e.Pos), "boundary", "boundary gives %d %s, but %s %s has %s (rows, columns)",
				len(rules), plural(len(rules), "rule", "rules"), kind, d.Name, dimsWord(len(car.Dims)))
			return false
		}
	} else {
		for range car.Dims {
			rules = append(rules, e)
		}
	}
	v := c.constEnv(o)
	v.where = "a boundary"
	bounds := make([]ir.Boundary, len(rules))
	ok := true
	for i, r := range rules {
		if i > 0 && r == rules[0] {
			bounds[i] = bounds[0]
			continue
		}
		b, good := c.boundary(v, r)
		bounds[i] = b
		ok = ok && good
	}
	if !ok {
		return false
	}
	for _, b := range bounds {
		if b.Kind != ir.BoundaryPeriodic {
			car.Bounds = bounds
			break
		}
	}
	return true
}

// boundary reads one rule: periodic, clamp or fixed(v) with v a constant
// number.
func (c *checker) boundary(v *env, e *lang.Expr) (ir.Boundary, bool) {
	p := lang.Pos(e.Pos)
	pr := soloPrimary(e)
	var cl *lang.Call
	if pr != nil {
		cl = pr.Call
	}
	if cl == nil || cl.Name == nil || len(cl.Name.Parts) != 1 {
		c.diags.Add(p, "boundary", "boundary must be %s, not %s", boundaryForms, exprString(e))
		return ir.Boundary{}, false
	}
	name := cl.Name.Parts[0]
	switch name {
	case "periodic", "clamp":
		if cl.Args != nil {
			c.diags.Add(p, "boundary", "%s takes no arguments: write boundary = %s", name, name)
			return ir.Boundary{}, false
		}
		if name == "clamp" {
			return ir.Boundary{Kind: ir.BoundaryClamp}, true
		}
		return ir.Boundary{Kind: ir.BoundaryPeriodic}, true
	case "fixed":
		return c.fixedBoundary(v, cl, p)
	}
	d := c.diags.Add(p, "boundary", "unknown boundary %s (want %s)", name, boundaryForms)
	if near := nearest(name, boundaryNames); near != "" {
		d.Msg += "; did you mean " + near + "?"
	}
	return ir.Boundary{}, false
}

// fixedBoundary reads fixed(v): one positional constant, a finite number.
func (c *checker) fixedBoundary(v *env, cl *lang.Call, p diag.Pos) (ir.Boundary, bool) {
	if cl.Args == nil || len(cl.Args.Args) != 1 || cl.Args.Args[0] == nil || cl.Args.Args[0].Name != "" {
		n := 0
		if cl.Args != nil {
			n = len(cl.Args.Args)
		}
		what := "the value read outside the carrier"
		if n == 1 {
			what = "its value positionally, not by name"
		}
		c.diags.Add(p, "boundary", "fixed takes one argument, %s, as in fixed(0); got %s", what, argsText(n))
		return ir.Boundary{}, false
	}
	a := cl.Args.Args[0]
	x, ok := c.numberOf(v, a.Value, "the value of fixed")
	if !ok {
		return ir.Boundary{}, false
	}
	if math.IsInf(x, 0) || math.IsNaN(x) {
		c.diags.Add(lang.Pos(a.Pos), "boundary", "the value of fixed must be a finite number, not %s", fmtNum(x))
		return ir.Boundary{}, false
	}
	return ir.Boundary{Kind: ir.BoundaryFixed, Value: x}, true
}

// argsText says "no arguments", "1 argument", "3 arguments".
func argsText(n int) string {
	if n == 0 {
		return "no arguments"
	}
	return itoa(n) + " " + plural(n, "argument", "arguments")
}

// boundaryText describes a rule for messages: "periodic", "clamped",
// "fixed at 0".
func boundaryText(b ir.Boundary) string {
	switch b.Kind {
	case ir.BoundaryClamp:
		return "clamped"
	case ir.BoundaryFixed:
		return "fixed at " + fmtNum(b.Value)
	}
	return "periodic"
}
