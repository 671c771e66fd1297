// Tangent-linear and adjoint models of equation models, generated from
// the symbolic partials of their right-hand sides (derive.go): the
// derivative of the discrete step as Step computes it, stage by stage for
// the Runge–Kutta schemes and substep by substep, so that the adjoint is
// the exact transpose of the tangent-linear and the tangent-linear the
// exact derivative of Step. The right-hand side's derivatives are stencils
// like the right-hand side itself: the tangent-linear gathers the
// perturbation at the offsets the equation reads, the adjoint scatters to
// them, with the periodic wrap and the boundary rules resolved in the same
// peeled loops.
package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// eqPartials are the partials of every equation of a set, in order.
type eqPartials [][]partial

// equationPartials returns the partials of each equation's right-hand
// side, or false when one cannot be differentiated (the checker then has
// refused every analysis that needs the derivatives).
func equationPartials(eqs []*ir.Equation) (eqPartials, bool) {
	out := make(eqPartials, len(eqs))
	for i, eq := range eqs {
		ps, err := partials(eq.RHS)
		if err != nil {
			return nil, false
		}
		out[i] = ps
	}
	return out, true
}

// hasDerivatives reports whether the generator emits Tangent and Adjoint
// for m: generated for equation models, the user's for a go function that
// names them, chained for a composite whose parts all have them.
func hasDerivatives(m *ir.Forward) bool {
	switch d := m.Def.(type) {
	case *ir.ODE, *ir.Map:
		_, ok := equationPartials(m.Equations())
		return ok
	case *ir.GoForward:
		return !d.Type && d.Tangent != nil && d.Adjoint != nil
	case *ir.Compose:
		for _, p := range d.Parts {
			if !hasDerivatives(p.Model) {
				return false
			}
		}
		return true
	}
	return false
}

// signed splits a coefficient into its sign and magnitude; a nil
// magnitude means 1.
func signed(c ir.Expr) (neg bool, mag ir.Expr) {
	switch c := c.(type) {
	case *ir.Num:
		switch {
		case c.Value == 1:
			return false, nil
		case c.Value == -1:
			return true, nil
		case c.Value < 0:
			return true, &ir.Num{Value: -c.Value}
		}
	case *ir.Unary:
		if c.Op == "-" {
			return true, c.X
		}
	}
	return false, c
}

// emitTangentEquations appends the statements that write into out the
// equations' Jacobian at the state applied to the perturbation dir: for
// every element e, out[e] = Σ_r ∂f/∂x_r(e) · dir[r] over the elements r
// it reads. A read that falls on a fixed boundary value contributes
// nothing.
func (env *exprEnv) emitTangentEquations(grp *jen.Group, eqs []*ir.Equation, parts eqPartials, out eqTarget, dir string, loopName func(string) string) {
	env.forEachElement(grp, eqs, out, loopName, func(g *jen.Group, k int, lhs jen.Code, bound []binding) {
		sum := &jen.Statement{}
		for _, p := range parts[k] {
			read, ok := env.perturbation(dir, p.read.Idx, bound)
			if !ok {
				continue
			}
			neg, mag := signed(p.coef)
			term := read
			if mag != nil {
				term = jen.Add(env.factor(mag, bound)).Op("*").Add(read)
			}
			switch {
			case len(*sum) == 0 && neg:
				sum.Op("-").Add(term)
			case len(*sum) == 0:
				sum.Add(term)
			case neg:
				sum.Op("-").Add(term)
			default:
				sum.Op("+").Add(term)
			}
		}
		if len(*sum) == 0 {
			sum.Lit(0)
		}
		g.Id(out.arr).Index(lhs).Op("=").Add(sum)
	})
}

// perturbation renders the read of the perturbation dir at a state read's
// element, or false when the element is a fixed boundary value (whose
// perturbation is 0) over the whole piece.
func (env *exprEnv) perturbation(dir string, idx []ir.Affine, bound []binding) (jen.Code, bool) {
	if env.periodic() {
		return jen.Id(dir).Index(env.index(idx, bound)), true
	}
	r := env.resolve(idx, bound)
	if r.outside {
		return nil, false
	}
	for i := range r.tests {
		r.tests[i].value = 0
	}
	read, _ := r.pick(jen.Id(dir).Index(r.flat), precPrimary)
	return read, true
}

// factor renders a coefficient as the left operand of a product.
func (env *exprEnv) factor(c ir.Expr, bound []binding) jen.Code {
	code, prec := env.expr(c, bound)
	if prec < precMul {
		return jen.Parens(code)
	}
	return code
}

// forEachElement emits the peeled loops of each equation over the
// elements it assigns and calls leaf at each with the equation's number
// and the flat index of the element.
func (env *exprEnv) forEachElement(grp *jen.Group, eqs []*ir.Equation, out eqTarget, loopName func(string) string, leaf func(g *jen.Group, k int, lhs jen.Code, bound []binding)) {
	for k, eq := range eqs {
		var reads []*ir.Index
		collectIndexes(eq.RHS, &reads)
		vars := eq.Loops()
		ranges := make([][2]int, 0, len(vars))
		for d, l := range eq.LHS {
			if l.Var != "" {
				lo, hi := l.Span(out.dims[d])
				ranges = append(ranges, [2]int{lo, hi})
			}
		}
		w := &eqWriter{env: env, eq: eq, out: out, reads: reads, vars: vars, ranges: ranges, loopName: loopName}
		w.leaf = func(g *jen.Group, bound []binding) { leaf(g, k, w.lhsIndex(bound), bound) }
		w.emit(grp, make([]binding, 0, len(vars)))
	}
}

// emitAdjointEquations appends the statements that add to the array dst
// the transpose of the equations' Jacobian applied to src (an array of
// the equations' output carrier): for every element e an equation
// assigns and every element r it reads, dst[r] += ∂f/∂x_r(e) · src[e].
// A read that falls on a fixed boundary value scatters nothing.
func (env *exprEnv) emitAdjointEquations(grp *jen.Group, eqs []*ir.Equation, parts eqPartials, src eqTarget, dst string, loopName func(string) string) {
	env.forEachElement(grp, eqs, src, loopName, func(g *jen.Group, k int, lhs jen.Code, bound []binding) {
		at := jen.Id(src.arr).Index(lhs)
		for _, p := range parts[k] {
			env.emitScatter(g, dst, p, at, bound)
		}
	})
}

// emitScatter appends dst[r] += coef · at for the element r that the
// partial's read reads under the bindings.
func (env *exprEnv) emitScatter(grp *jen.Group, dst string, p partial, at jen.Code, bound []binding) {
	var index jen.Code
	var tests []fixedTest
	if env.periodic() {
		index = env.index(p.read.Idx, bound)
	} else {
		r := env.resolve(p.read.Idx, bound)
		if r.outside {
			return // a fixed value: no derivative
		}
		index, tests = r.flat, r.tests
	}
	neg, mag := signed(p.coef)
	var rhs jen.Code = at
	if mag != nil {
		rhs = jen.Add(env.factor(mag, bound)).Op("*").Add(at)
	}
	op := "+="
	if neg {
		op = "-="
	}
	stmt := jen.Id(dst).Index(index).Op(op).Add(rhs)
	if len(tests) == 0 {
		grp.Add(stmt)
		return
	}
	cond := jen.Add(tests[0].cond)
	for _, t := range tests[1:] {
		cond = cond.Op("&&").Add(t.cond)
	}
	grp.If(cond).Block(stmt)
}

// rhsEnv is the expression environment of m's right-hand side in a method
// with receiver recv, state array x and time t, its parameters named by
// nm.
func (g *gen) rhsEnv(m *ir.Forward, nm *namer, recv, x, t string) *exprEnv {
	env := &exprEnv{in: m.Var, arr: x, dims: m.Carrier.Dims, bounds: m.Carrier.Bounds, time: t, dt: m.Name + "DT", g: g, recv: recv}
	if hs := g.hoists(m); len(hs) > 0 {
		env.hoisted = map[ir.Expr]string{}
		for _, h := range hs {
			env.hoisted[h.e] = h.field
		}
	}
	for _, p := range m.Params {
		env.pnames = append(env.pnames, p.Name)
		env.params = append(env.params, nm.name(p.Name))
	}
	env.used = make([]bool, len(m.Params))
	return env
}

// rhsBody is the block of a right-hand-side method: the parameters the
// equations read copied into locals, then the equations. A first pass
// over eqs finds which parameters they read.
func (g *gen) rhsBody(m *ir.Forward, env *exprEnv, recv string, eqs func(grp *jen.Group)) *jen.Statement {
	jen.BlockFunc(eqs)
	return jen.BlockFunc(func(grp *jen.Group) {
		for i, p := range m.Params {
			if env.used[i] {
				grp.Id(env.params[i]).Op(":=").Id(recv).Dot(g.fields[p])
			}
		}
		eqs(grp)
	})
}

// rhsNames are the method and function names of m's right-hand side
// (tendency or next) and what its output is, for doc comments.
func rhsNames(m *ir.Forward) (fn, what string) {
	if isMap(m) {
		return "next", "the map"
	}
	return "tendency", "the tendency"
}

// rhsVar names the derivative's array of the right-hand side's values:
// df or af for a tendency f, dn or an for a map's next state.
func rhsVar(prefix string, m *ir.Forward) string {
	if isMap(m) {
		return prefix + "n"
	}
	return prefix + "f"
}

// emitRHSDerivatives writes the tangent-linear and the adjoint of m's
// right-hand side: <rhs>Tangent(out, x, dx, t) writes J dx into out and
// <rhs>Adjoint(ax, x, in, t) adds Jᵀ in to ax, J the Jacobian at x.
func (g *gen) emitRHSDerivatives(m *ir.Forward, parts eqPartials) {
	st := m.Carrier.Name
	fn, what := rhsNames(m)
	id := jen.Id

	nm := g.top.fork()
	recv, x := nm.name("m"), nm.name(m.Var)
	dx, out, t := nm.name("d"+m.Var), nm.name(rhsVar("d", m)), nm.name("t")
	env := g.rhsEnv(m, nm, recv, x, t)
	loopName := nm.memo()
	body := g.rhsBody(m, env, recv, func(grp *jen.Group) {
		env.emitTangentEquations(grp, m.Equations(), parts, eqTarget{arr: out, dims: m.Carrier.Dims}, dx, loopName)
	})
	g.f.Add(doc("%sTangent writes into %s the derivative of %s at %s in the direction %s (its "+
		"Jacobian at %s times %s), from the symbolic partials of the equations declared at %s.",
		fn, out, what, x, dx, x, dx, g.at(eqPos(m))))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id(fn+"Tangent").
		Params(jen.List(id(out), id(x), id(dx)).Op("*").Id(st), id(t).Float64()).Add(body)

	nm = g.top.fork()
	recv, x = nm.name("m"), nm.name(m.Var)
	ax, in, t := nm.name("a"+m.Var), nm.name(rhsVar("a", m)), nm.name("t")
	env = g.rhsEnv(m, nm, recv, x, t)
	loopName = nm.memo()
	body = g.rhsBody(m, env, recv, func(grp *jen.Group) {
		env.emitAdjointEquations(grp, m.Equations(), parts, eqTarget{arr: in, dims: m.Carrier.Dims}, ax, loopName)
	})
	g.f.Add(doc("%sAdjoint adds to %s the transpose of the Jacobian of %s at %s applied to %s: "+
		"each element's partials scattered to the elements it reads.", fn, ax, what, x, in))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id(fn+"Adjoint").
		Params(jen.List(id(ax), id(x), id(in)).Op("*").Id(st), id(t).Float64()).Add(body)
}

// derivFields are the work arrays m's Tangent and Adjoint need beyond
// Step's: one for the Runge–Kutta schemes and, with substeps, the state
// and time at the start of each substep.
func derivFields(m *ir.Forward) []jen.Code {
	if !hasDerivatives(m) {
		return nil
	}
	st := m.Carrier.Name
	var out []jen.Code
	ode := odeOf(m)
	if ode == nil {
		return nil
	}
	if ode.Scheme != ir.SchemeEuler {
		out = append(out, jen.Id("adj").Id(st).Comment("adjoint work, allocated once"))
	}
	if ode.Substeps > 1 {
		out = append(out,
			jen.Id("subs").Index(jen.Lit(ode.Substeps)).Id(st).Comment("the state at the start of each substep (Tangent, Adjoint)"),
			jen.Id("times").Index(jen.Lit(ode.Substeps)).Float64().Comment("and the model time there"))
	}
	return out
}

// emitDerivatives writes Tangent and Adjoint for an equation model with
// the derivatives of its right-hand side.
func (g *gen) emitDerivatives(m *ir.Forward) {
	parts, ok := equationPartials(m.Equations())
	if !ok {
		return
	}
	g.emitRHSDerivatives(m, parts)
	if isMap(m) {
		g.emitMapDerivatives(m)
	} else {
		g.emitODEDerivatives(m)
	}
	g.emitModelChecks(m)
}

// emitMapDerivatives writes Tangent and Adjoint of a next map.
func (g *gen) emitMapDerivatives(m *ir.Forward) {
	st := m.Carrier.Name
	id := jen.Id
	nm := g.top.fork()
	recv, x, dx, t := nm.name("m"), nm.name(m.Var), nm.name("d"+m.Var), nm.name("t")
	var body []jen.Code
	if c := g.hoistCheck(m, recv); c != nil {
		body = append(body, c)
	}
	body = append(body,
		id(recv).Dot("nextTangent").Call(jen.Op("&").Id(recv).Dot("nx"), id(x), id(dx), id(t)),
		jen.Op("*").Id(dx).Op("=").Id(recv).Dot("nx"))
	g.f.Add(doc("Tangent replaces %s by M %s, M the Jacobian of Step at %s (which is left "+
		"unchanged): the tangent-linear model of %s.", dx, dx, x, m.Name))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("Tangent").
		Params(jen.List(id(x), id(dx)).Op("*").Id(st), id(t).Float64()).Block(body...)

	nm = g.top.fork()
	recv, x, ax, t := nm.name("m"), nm.name(m.Var), nm.name("a"+m.Var), nm.name("t")
	body = nil
	if c := g.hoistCheck(m, recv); c != nil {
		body = append(body, c)
	}
	body = append(body,
		id(recv).Dot("nx").Op("=").Id(st).Values(),
		id(recv).Dot("nextAdjoint").Call(jen.Op("&").Id(recv).Dot("nx"), id(x), id(ax), id(t)),
		jen.Op("*").Id(ax).Op("=").Id(recv).Dot("nx"))
	g.f.Add(doc("Adjoint replaces %s by Mᵀ %s, M the Jacobian of Step at %s (which is left "+
		"unchanged): the adjoint model of %s.", ax, ax, x, m.Name))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("Adjoint").
		Params(jen.List(id(x), id(ax)).Op("*").Id(st), id(t).Float64()).Block(body...)
}

// vecOps builds the element loops of the schemes' derivatives.
type vecOps struct {
	i, over string // the loop variable and the array it ranges over
}

// loop is for i := range over { stmts }.
func (v vecOps) loop(stmts ...jen.Code) jen.Code {
	return jen.For(jen.Id(v.i).Op(":=").Range().Id(v.over)).Block(stmts...)
}

// at is a[i].
func (v vecOps) at(a string) *jen.Statement { return jen.Id(a).Index(jen.Id(v.i)) }

// axpy is dst[i] = x[i] + c*y[i], c a Go expression of the step h.
func (v vecOps) axpy(dst, x string, c jen.Code, y string) jen.Code {
	return v.at(dst).Op("=").Add(v.at(x)).Op("+").Add(c).Op("*").Add(v.at(y))
}

// stepConsts are h and its fractions as Go expressions.
func stepConst(h string, div int) jen.Code {
	if div == 1 {
		return jen.Id(h)
	}
	return jen.Id(h).Op("/").Lit(div)
}

// emitODEDerivatives writes Tangent and Adjoint of an ODE model: one
// substep's derivatives stage by stage (tangentSubstep and adjointSubstep
// when there are several substeps, which Tangent and Adjoint then chain).
func (g *gen) emitODEDerivatives(m *ir.Forward) {
	st := m.Carrier.Name
	ode := odeOf(m)
	id := jen.Id
	subs := ode.Substeps
	h := "h"
	hval := jen.Id(m.Name + "DT")
	if subs > 1 {
		hval = hval.Op("/").Lit(subs)
	}

	tlName, adName := "Tangent", "Adjoint"
	if subs > 1 {
		tlName, adName = "tangentSubstep", "adjointSubstep"
	}
	span := "Step"
	if subs > 1 {
		span = "one substep of Step"
	}

	// The tangent-linear of one substep.
	nm := g.top.fork()
	recv, x, dx, t := nm.name("m"), nm.name(m.Var), nm.name("d"+m.Var), nm.name("t")
	v := vecOps{i: nm.name("i"), over: x}
	body := []jen.Code{jen.Const().Id(h).Op("=").Add(hval.Clone())}
	if c := g.hoistCheck(m, recv); c != nil && subs == 1 {
		body = append(body, c)
	}
	tend := func(out, at string, tt jen.Code) jen.Code {
		return id(recv).Dot("tendency").Call(id(out), id(at), tt)
	}
	tang := func(out, at, dir string, tt jen.Code) jen.Code {
		return id(recv).Dot("tendencyTangent").Call(id(out), id(at), id(dir), tt)
	}
	adjo := func(into, at, from string, tt jen.Code) jen.Code {
		return id(recv).Dot("tendencyAdjoint").Call(id(into), id(at), id(from), tt)
	}
	tPlus := func(div int) jen.Code {
		if div == 0 {
			return id(t)
		}
		return id(t).Op("+").Add(stepConst(h, div))
	}
	alias := func(names []string, fields []string) jen.Code {
		l, r := make([]jen.Code, len(names)), make([]jen.Code, len(names))
		for k := range names {
			l[k], r[k] = id(names[k]), jen.Op("&").Id(recv).Dot(fields[k])
		}
		return jen.List(l...).Op(":=").List(r...)
	}
	switch ode.Scheme {
	case ir.SchemeEuler:
		dd := nm.name("df")
		body = append(body,
			alias([]string{dd}, []string{"k1"}),
			tang(dd, x, dx, id(t)),
			v.loop(v.at(dx).Op("+=").Id(h).Op("*").Add(v.at(dd))))
	case ir.SchemeRK2:
		k, xs, dk1, dxs, dk2 := nm.name("k"), nm.name("xs"), nm.name("dk1"), nm.name("dxs"), nm.name("dk2")
		body = append(body,
			jen.Comment("The stage arrays of Step hold the stages' base states and their perturbations."),
			alias([]string{k, xs, dk1, dxs}, []string{"k1", "tmp", "k2", "adj"}),
			tend(k, x, id(t)),
			tang(dk1, x, dx, id(t)),
			v.loop(v.axpy(xs, x, id(h), k), v.axpy(dxs, dx, id(h), dk1)),
			id(dk2).Op(":=").Id(k).Comment("k is not needed again"),
			tang(dk2, xs, dxs, tPlus(1)),
			v.loop(v.at(dx).Op("+=").Id(h).Op("/").Lit(2).Op("*").Parens(v.at(dk1).Op("+").Add(v.at(dk2)))))
	default:
		k, xs, dk, dxs, dsum := nm.name("k"), nm.name("xs"), nm.name("dk"), nm.name("dxs"), nm.name("dsum")
		body = append(body,
			jen.Comment("The stage arrays of Step hold the stages' base states and their perturbations."),
			alias([]string{k, xs, dk, dxs, dsum}, []string{"k1", "tmp", "k2", "k3", "k4"}),
			tend(k, x, id(t)),
			tang(dk, x, dx, id(t)),
			v.loop(v.axpy(xs, x, stepConst(h, 2), k), v.axpy(dxs, dx, stepConst(h, 2), dk), v.at(dsum).Op("=").Add(v.at(dk))),
			tend(k, xs, tPlus(2)),
			tang(dk, xs, dxs, tPlus(2)),
			v.loop(v.axpy(xs, x, stepConst(h, 2), k), v.axpy(dxs, dx, stepConst(h, 2), dk), v.at(dsum).Op("+=").Lit(2).Op("*").Add(v.at(dk))),
			tend(k, xs, tPlus(2)),
			tang(dk, xs, dxs, tPlus(2)),
			v.loop(v.axpy(xs, x, id(h), k), v.axpy(dxs, dx, id(h), dk), v.at(dsum).Op("+=").Lit(2).Op("*").Add(v.at(dk))),
			tang(dk, xs, dxs, tPlus(1)),
			v.loop(v.at(dx).Op("+=").Id(h).Op("/").Lit(6).Op("*").Parens(v.at(dsum).Op("+").Add(v.at(dk)))))
	}
	g.f.Add(doc("%s replaces %s by M %s, M the Jacobian of %s at %s (the state at model time %s, "+
		"which is left unchanged): the exact derivative of the %s stages as Step computes them.",
		tlName, dx, dx, span, x, t, schemeName(ode.Scheme)))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id(tlName).
		Params(jen.List(id(x), id(dx)).Op("*").Id(st), id(t).Float64()).Block(body...)

	// The adjoint of one substep.
	nm = g.top.fork()
	recv, x, t = nm.name("m"), nm.name(m.Var), nm.name("t")
	ax := nm.name("a" + m.Var)
	v = vecOps{i: nm.name("i"), over: x}
	body = []jen.Code{jen.Const().Id(h).Op("=").Add(hval.Clone())}
	if c := g.hoistCheck(m, recv); c != nil && subs == 1 {
		body = append(body, c)
	}
	// tend, adjo and tPlus read recv and t, now the adjoint's.
	zero := func(a string) jen.Code { return jen.Op("*").Id(a).Op("=").Id(st).Values() }
	switch ode.Scheme {
	case ir.SchemeEuler:
		l := nm.name("l")
		body = append(body,
			alias([]string{l}, []string{"k1"}),
			v.loop(v.at(l).Op("=").Id(h).Op("*").Add(v.at(ax))),
			adjo(ax, x, l, id(t)))
	case ir.SchemeRK2:
		k, x2, a0, l, w := nm.name("k"), nm.name("x2"), nm.name("a0"), nm.name("l"), nm.name("w")
		body = append(body,
			jen.Comment("The base state of the second stage, as Step computes it."),
			alias([]string{k, x2}, []string{"k1", "tmp"}),
			tend(k, x, id(t)),
			v.loop(v.axpy(x2, x, id(h), k)),
			jen.Comment("Back through the stages: a0 is the adjoint of the result, l that of a stage's"),
			jen.Comment("tendency and w that of its input."),
			alias([]string{a0, l, w}, []string{"k1", "k2", "adj"}),
			jen.Op("*").Id(a0).Op("=").Op("*").Id(ax),
			v.loop(v.at(l).Op("=").Add(stepConst(h, 2)).Op("*").Add(v.at(a0))),
			zero(w),
			adjo(w, x2, l, tPlus(1)),
			v.loop(v.at(ax).Op("+=").Add(v.at(w)), v.at(l).Op("=").Add(stepConst(h, 2)).Op("*").Add(v.at(a0)).Op("+").Id(h).Op("*").Add(v.at(w))),
			adjo(ax, x, l, id(t)))
	default:
		k, x2, x3, x4 := nm.name("k"), nm.name("x2"), nm.name("x3"), nm.name("x4")
		a0, l, w := nm.name("a0"), nm.name("l"), nm.name("w")
		back := func(at string, tt jen.Code, lDiv int, wDiv int) []jen.Code {
			return []jen.Code{
				zero(w),
				adjo(w, at, l, tt),
				v.loop(v.at(ax).Op("+=").Add(v.at(w)),
					v.at(l).Op("=").Add(stepConst(h, lDiv)).Op("*").Add(v.at(a0)).Op("+").Add(stepConst(h, wDiv)).Op("*").Add(v.at(w))),
			}
		}
		body = append(body,
			jen.Comment("The base states of the later stages, as Step computes them."),
			alias([]string{k, x2, x3, x4}, []string{"k1", "k2", "k3", "k4"}),
			tend(k, x, id(t)),
			v.loop(v.axpy(x2, x, stepConst(h, 2), k)),
			tend(k, x2, tPlus(2)),
			v.loop(v.axpy(x3, x, stepConst(h, 2), k)),
			tend(k, x3, tPlus(2)),
			v.loop(v.axpy(x4, x, id(h), k)),
			jen.Comment("Back through the stages: a0 is the adjoint of the result, l that of a stage's"),
			jen.Comment("tendency and w that of its input."),
			alias([]string{a0, l, w}, []string{"k1", "tmp", "adj"}),
			jen.Op("*").Id(a0).Op("=").Op("*").Id(ax),
			v.loop(v.at(l).Op("=").Add(stepConst(h, 6)).Op("*").Add(v.at(a0))))
		body = append(body, back(x4, tPlus(1), 3, 1)...)
		body = append(body, back(x3, tPlus(2), 3, 2)...)
		body = append(body, back(x2, tPlus(2), 6, 2)...)
		body = append(body, adjo(ax, x, l, id(t)))
	}
	g.f.Add(doc("%s replaces %s by Mᵀ %s, M the Jacobian of %s at %s (the state at model time %s, "+
		"which is left unchanged): the transpose of %s, stage by stage in reverse.",
		adName, ax, ax, span, x, t, tlName))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id(adName).
		Params(jen.List(id(x), id(ax)).Op("*").Id(st), id(t).Float64()).Block(body...)

	if subs > 1 {
		g.emitSubstepChain(m)
	}
}

// emitSubstepChain writes Tangent and Adjoint of a model with several
// substeps: the substep derivatives chained along the substeps' states,
// which Step's own substep computes.
func (g *gen) emitSubstepChain(m *ir.Forward) {
	st := m.Carrier.Name
	subs := odeOf(m).Substeps
	id := jen.Id
	hval := jen.Id(m.Name + "DT").Op("/").Lit(subs)

	nm := g.top.fork()
	recv, x, dx, t := nm.name("m"), nm.name(m.Var), nm.name("d"+m.Var), nm.name("t")
	prologue := func(recv string) []jen.Code {
		out := []jen.Code{jen.Const().Id("h").Op("=").Add(hval.Clone())}
		if c := g.hoistCheck(m, recv); c != nil {
			out = append(out, c)
		}
		return out
	}
	base := nm.name("base")
	body := prologue(recv)
	body = append(body,
		id(base).Op(":=").Op("&").Id(recv).Dot("subs").Index(jen.Lit(0)).Comment("the state at the start of each substep in turn"),
		jen.Op("*").Id(base).Op("=").Op("*").Id(x),
		jen.For(jen.Range().Lit(subs)).Block(
			id(recv).Dot("tangentSubstep").Call(id(base), id(dx), id(t)),
			id(recv).Dot("substep").Call(id(base), id(t)),
			id(t).Op("+=").Id("h"),
		))
	g.f.Add(doc("Tangent replaces %s by M %s, M the Jacobian of Step at %s (which is left unchanged): "+
		"the substeps' tangent-linears chained along the substeps' states.", dx, dx, x))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("Tangent").
		Params(jen.List(id(x), id(dx)).Op("*").Id(st), id(t).Float64()).Block(body...)

	nm = g.top.fork()
	recv, x, t = nm.name("m"), nm.name(m.Var), nm.name("t")
	s, ax := nm.name("s"), nm.name("a"+m.Var)
	body = prologue(recv)
	body = append(body,
		jen.Comment("The state at the start of every substep, as Step computes them."),
		jen.List(id(recv).Dot("subs").Index(jen.Lit(0)), id(recv).Dot("times").Index(jen.Lit(0))).Op("=").List(jen.Op("*").Id(x), id(t)),
		jen.For(id(s).Op(":=").Lit(1), id(s).Op("<").Lit(subs), id(s).Op("++")).Block(
			id(recv).Dot("subs").Index(id(s)).Op("=").Id(recv).Dot("subs").Index(id(s).Op("-").Lit(1)),
			id(recv).Dot("substep").Call(jen.Op("&").Id(recv).Dot("subs").Index(id(s)), id(recv).Dot("times").Index(id(s).Op("-").Lit(1))),
			id(recv).Dot("times").Index(id(s)).Op("=").Id(recv).Dot("times").Index(id(s).Op("-").Lit(1)).Op("+").Id("h"),
		),
		jen.For(id(s).Op(":=").Lit(subs-1), id(s).Op(">=").Lit(0), id(s).Op("--")).Block(
			id(recv).Dot("adjointSubstep").Call(jen.Op("&").Id(recv).Dot("subs").Index(id(s)), id(ax), id(recv).Dot("times").Index(id(s))),
		))
	g.f.Add(doc("Adjoint replaces %s by Mᵀ %s, M the Jacobian of Step at %s (which is left unchanged): "+
		"the substeps' adjoints in reverse order.", ax, ax, x))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("Adjoint").
		Params(jen.List(id(x), id(ax)).Op("*").Id(st), id(t).Float64()).Block(body...)
}

// derivDoc is the sentence the model's doc comment gains when it has
// derivatives.
func derivDoc(m *ir.Forward) string {
	if !hasDerivatives(m) {
		return ""
	}
	return " Tangent and Adjoint are the exact tangent-linear and adjoint of Step, which the variational analyses use; the generated tests check them."
}
