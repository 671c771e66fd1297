// Hoisting: the parts of a model's equations that depend on the element
// and the parameters but neither on the state nor on the time (a forcing
// S*sin(0.26*i)) are computed once into a table of the model, not at every
// stage of every member's every step. The table is recomputed when a
// parameter it reads changes, so Set and direct field writes still take
// effect at the next step, and the numbers are the bits the inline
// expression gives.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// hoist is one hoisted term: expression e of equation eq, tabulated
// over the equation's elements in field.
type hoist struct {
	eq    *ir.Equation
	e     ir.Expr
	field string
}

// hoists returns the terms of m's equations worth tabulating: maximal
// subexpressions that read an index variable but neither the state nor
// the time, and call a function (the arithmetic alone is cheaper than a
// load from a table).
func (g *gen) hoists(m *ir.Forward) []hoist {
	if hs, ok := g.hoisted[m]; ok {
		return hs
	}
	var hs []hoist
	for _, eq := range m.Equations() {
		if len(eq.Loops()) == 0 {
			continue
		}
		walkExpr(eq.RHS, func(e ir.Expr) bool {
			if invariant(e) && readsIndexVar(e) && costly(e) {
				hs = append(hs, hoist{eq: eq, e: e, field: fmt.Sprintf("term%d", len(hs))})
				return false
			}
			return true
		})
	}
	g.hoisted[m] = hs
	return hs
}

// invariant reports whether e reads neither the state nor the time (and
// is plain arithmetic).
func invariant(e ir.Expr) bool {
	return !anyExpr(e, func(x ir.Expr) bool {
		switch x.(type) {
		case *ir.Num, *ir.ParamRef, *ir.Step, *ir.IndexVar, *ir.Unary, *ir.Binary, *ir.Call:
			return false
		}
		return true
	})
}

// readsIndexVar reports whether e reads an index variable.
func readsIndexVar(e ir.Expr) bool {
	return anyExpr(e, func(x ir.Expr) bool { _, ok := x.(*ir.IndexVar); return ok })
}

// costly reports whether e calls a function or raises to a power that is
// not multiplied out.
func costly(e ir.Expr) bool {
	return anyExpr(e, func(x ir.Expr) bool {
		switch x := x.(type) {
		case *ir.Call:
			return true
		case *ir.Binary:
			if x.Op == "^" {
				n, ok := x.R.(*ir.Num)
				return !ok || (n.Value != 2 && n.Value != 3)
			}
		}
		return false
	})
}

// hoistParams returns the parameters the hoisted terms of m read, in
// declaration order.
func hoistParams(m *ir.Forward, hs []hoist) []*ir.Param {
	read := map[string]bool{}
	for _, h := range hs {
		walkExpr(h.e, func(x ir.Expr) bool {
			if p, ok := x.(*ir.ParamRef); ok {
				read[p.Name] = true
			}
			return true
		})
	}
	var ps []*ir.Param
	for _, p := range m.Params {
		if read[p.Name] {
			ps = append(ps, p)
		}
	}
	return ps
}

// hoistFields are the struct fields of m's tables, each with the values
// of the parameters it was computed for.
func (g *gen) hoistFields(m *ir.Forward) []jen.Code {
	hs := g.hoists(m)
	if len(hs) == 0 {
		return nil
	}
	fields := []jen.Code{jen.Line()}
	for _, h := range hs {
		fields = append(fields, jen.Id(h.field).Id(m.Carrier.Name).Comment(
			fmt.Sprintf("a term of the equation at %s that reads neither the state nor the time, by element", g.at(h.eq.Pos))))
	}
	for _, p := range hoistParams(m, hs) {
		fields = append(fields, jen.Id("termsFor"+g.fields[p]).Float64().Comment(fmt.Sprintf("the %s the terms were computed for", g.fields[p])))
	}
	fields = append(fields, jen.Id("termsReady").Bool().Comment("the terms have been computed"))
	return fields
}

// hoistCheck is the statement at the start of Step that recomputes the
// tables when a parameter they read has changed (nil without tables).
func (g *gen) hoistCheck(m *ir.Forward, recv string) jen.Code {
	hs := g.hoists(m)
	if len(hs) == 0 {
		return nil
	}
	cond := jen.Op("!").Id(recv).Dot("termsReady")
	for _, p := range hoistParams(m, hs) {
		f := g.fields[p]
		cond = cond.Op("||").Id(recv).Dot("termsFor" + f).Op("!=").Id(recv).Dot(f)
	}
	return jen.If(cond).Block(jen.Id(recv).Dot("computeTerms").Call())
}

// emitComputeTerms writes computeTerms, which fills the tables with the
// hoisted expressions rendered exactly as the equations would.
func (g *gen) emitComputeTerms(m *ir.Forward) {
	hs := g.hoists(m)
	if len(hs) == 0 {
		return
	}
	nm := g.top.fork()
	recv := nm.name("m")
	env := &exprEnv{in: m.Var, dims: m.Carrier.Dims, bounds: m.Carrier.Bounds, dt: m.Name + "DT", g: g}
	for _, p := range m.Params {
		env.pnames = append(env.pnames, p.Name)
		env.params = append(env.params, nm.name(p.Name))
	}
	env.used = make([]bool, len(m.Params))
	loopName := nm.memo()
	eqs := func(grp *jen.Group) {
		for _, h := range hs {
			env.emitEquations(grp, []*ir.Equation{{Pos: h.eq.Pos, LHS: h.eq.LHS, RHS: h.e}},
				eqTarget{arr: recv + "." + h.field, dims: m.Carrier.Dims}, loopName)
		}
	}
	jen.BlockFunc(eqs) // a first pass finds the parameters read
	body := jen.BlockFunc(func(grp *jen.Group) {
		for i, p := range m.Params {
			if env.used[i] {
				grp.Id(env.params[i]).Op(":=").Id(recv).Dot(g.fields[p])
			}
		}
		eqs(grp)
		for _, p := range hoistParams(m, hs) {
			grp.Id(recv).Dot("termsFor" + g.fields[p]).Op("=").Id(recv).Dot(g.fields[p])
		}
		grp.Id(recv).Dot("termsReady").Op("=").True()
	})
	g.f.Add(doc("computeTerms fills the tables of the terms of %s's equations that read neither "+
		"the state nor the time, for the parameters as they are now; Step calls it when they change.", m.Name))
	g.f.Func().Params(jen.Id(recv).Op("*").Id(m.Name)).Id("computeTerms").Params().Add(body)
}

// hoistedRead renders the read of hoisted term e at the element the
// equation being emitted assigns, or returns nil when e is not hoisted.
func (env *exprEnv) hoistedRead(e ir.Expr, loops []binding) jen.Code {
	f, ok := env.hoisted[e]
	if !ok || env.site == nil {
		return nil
	}
	return jen.Id(env.recv).Dot(f).Index(env.site(loops))
}
