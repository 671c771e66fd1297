// Forward models: a struct per model holding its run-time parameters and
// preallocated integrator stages, a constructor with the defaults, the
// time step as a constant, Step, and the inlined right-hand side
// (tendency for ODEs, next for maps).
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// schemeName names an integrator for doc comments.
func schemeName(s ir.Scheme) string {
	switch s {
	case ir.SchemeRK2:
		return "RK2 (Heun)"
	case ir.SchemeEuler:
		return "forward Euler"
	}
	return "RK4"
}

// stages lists the work arrays of a scheme.
func stages(m *ir.Forward) []string {
	if isMap(m) {
		return []string{"nx"}
	}
	switch odeOf(m).Scheme {
	case ir.SchemeRK2:
		return []string{"k1", "k2", "tmp"}
	case ir.SchemeEuler:
		return []string{"k1"}
	}
	return []string{"k1", "k2", "k3", "k4", "tmp"}
}

// odeOf is the ODE definition of m, or nil when m is not an ODE.
func odeOf(m *ir.Forward) *ir.ODE {
	d, _ := m.Def.(*ir.ODE)
	return d
}

// isMap reports whether m is a next map.
func isMap(m *ir.Forward) bool {
	_, ok := m.Def.(*ir.Map)
	return ok
}

// equationModel emits a model given by equations: ddt (an ODE) or next (a
// map).
type equationModel struct{}

func (equationModel) check(g *gen, m *ir.Forward) {
	g.checkEquations(m.Pos, m.Carrier, m.Carrier, m.Equations(), true)
	if !(m.DT > 0) {
		g.internal(m.Pos, "forward %s has dt = %v", m.SourceName, m.DT)
	}
	if ode := odeOf(m); ode != nil {
		switch ode.Scheme {
		case ir.SchemeRK4, ir.SchemeRK2, ir.SchemeEuler:
		default:
			g.internal(m.Pos, "forward %s has unknown scheme %d", m.SourceName, ode.Scheme)
		}
		if ode.Substeps < 1 {
			g.internal(m.Pos, "forward %s has %d substeps", m.SourceName, ode.Substeps)
		}
	}
}

// emit declares the model's struct, constructor, time step, Step and
// right-hand side.
func (equationModel) emit(g *gen, m *ir.Forward) {
	st := m.Carrier.Name
	dtName := m.Name + "DT"
	var what string
	if isMap(m) {
		what = fmt.Sprintf("a discrete map on %s", st)
	} else {
		steps := "one substep"
		if odeOf(m).Substeps > 1 {
			steps = fmt.Sprintf("%d substeps", odeOf(m).Substeps)
		}
		what = fmt.Sprintf("an ODE on %s integrated with %s, %s per step of %s", st, schemeName(odeOf(m).Scheme), steps, dtName)
	}

	// The struct: parameters, then the work arrays.
	fieldNames := newNamer()
	fieldNames.take("Step")
	var fields []jen.Code
	var defaults []jen.Code
	for _, p := range m.Params {
		name := fieldNames.name(exported(p.Name))
		g.fields[p] = name
		fields = append(fields, jen.Id(name).Float64().Comment(fmt.Sprintf("param %s (default %s)", p.Name, commentNum(p.Default))))
		d, _ := num(p.Default, true)
		defaults = append(defaults, jen.Id(name).Op(":").Add(d))
	}
	if len(fields) > 0 {
		fields = append(fields, jen.Line())
	}
	work := "RK4 stages"
	switch {
	case isMap(m):
		work = "the next state"
	case odeOf(m).Scheme == ir.SchemeRK2:
		work = "RK2 stages"
	case odeOf(m).Scheme == ir.SchemeEuler:
		work = "the tendency"
	}
	ids := make([]jen.Code, 0, 5)
	for _, s := range stages(m) {
		ids = append(ids, jen.Id(s))
	}
	fields = append(fields, jen.List(ids...).Id(st).Comment(work+", allocated once"))
	fields = append(fields, derivFields(m)...)
	fields = append(fields, g.hoistFields(m)...)

	g.f.Add(doc("%s is the forward model %s declared at %s: %s. Its exported fields are the "+
		"run-time parameters; the zero value has them all 0, so use %s for the defaults.%s "+
		"It is not safe for concurrent use.%s", m.Name, m.SourceName, g.at(m.Pos), what, "New"+m.Name, derivDoc(m), userDoc(m.Doc)))
	g.f.Type().Id(m.Name).Struct(fields...)

	g.f.Add(doc("%s is the model time advanced by one %s.Step.", dtName, m.Name))
	dt, _ := num(m.DT, true)
	g.f.Const().Id(dtName).Op("=").Add(dt)

	g.f.Add(doc("New%s returns %s with its parameters at their defaults.", m.Name, m.Name))
	g.f.Func().Id("New" + m.Name).Params().Op("*").Id(m.Name).Block(
		jen.Return(jen.Op("&").Id(m.Name).Values(defaults...)),
	)

	if isMap(m) {
		g.emitMapStep(m)
	} else {
		g.emitODEStep(m)
	}
	g.emitRHS(m)
	if hasDerivatives(m) {
		g.emitDerivatives(m)
	}
	g.emitComputeTerms(m)
}

// emitODEStep writes Step for an ODE: the scheme's stages around calls of
// tendency, substeps inside.
func (g *gen) emitODEStep(m *ir.Forward) {
	st := m.Carrier.Name
	nm := g.top.fork()
	recv, x, t := nm.name("m"), nm.name(m.Var), nm.name("t")
	h := nm.name("h")
	names := map[string]string{}
	for _, s := range stages(m) {
		names[s] = nm.name(s)
	}
	i := nm.name("i")
	id := jen.Id
	stage := func(dst string, src jen.Code, tt jen.Code) jen.Code {
		return id(recv).Dot("tendency").Call(id(names[dst]), src, tt)
	}
	// loop writes for i := range x { body }.
	loop := func(body jen.Code) jen.Code {
		return jen.For(id(i).Op(":=").Range().Id(x)).Block(body)
	}
	at := func(name string) *jen.Statement { return id(name).Index(id(i)) }

	var body []jen.Code
	switch odeOf(m).Scheme {
	case ir.SchemeEuler:
		body = []jen.Code{
			stage("k1", id(x), id(t)),
			loop(at(x).Op("+=").Id(h).Op("*").Add(at(names["k1"]))),
		}
	case ir.SchemeRK2:
		body = []jen.Code{
			stage("k1", id(x), id(t)),
			loop(at(names["tmp"]).Op("=").Add(at(x)).Op("+").Id(h).Op("*").Add(at(names["k1"]))),
			stage("k2", id(names["tmp"]), id(t).Op("+").Id(h)),
			loop(at(x).Op("+=").Id(h).Op("/").Lit(2).Op("*").Parens(at(names["k1"]).Op("+").Add(at(names["k2"])))),
		}
	default:
		tmp := names["tmp"]
		body = []jen.Code{
			stage("k1", id(x), id(t)),
			loop(at(tmp).Op("=").Add(at(x)).Op("+").Id(h).Op("/").Lit(2).Op("*").Add(at(names["k1"]))),
			stage("k2", id(tmp), id(t).Op("+").Id(h).Op("/").Lit(2)),
			loop(at(tmp).Op("=").Add(at(x)).Op("+").Id(h).Op("/").Lit(2).Op("*").Add(at(names["k2"]))),
			stage("k3", id(tmp), id(t).Op("+").Id(h).Op("/").Lit(2)),
			loop(at(tmp).Op("=").Add(at(x)).Op("+").Id(h).Op("*").Add(at(names["k3"]))),
			stage("k4", id(tmp), id(t).Op("+").Id(h)),
			loop(at(x).Op("+=").Id(h).Op("/").Lit(6).Op("*").Parens(
				at(names["k1"]).Op("+").Lit(2).Op("*").Add(at(names["k2"])).Op("+").Lit(2).Op("*").Add(at(names["k3"])).Op("+").Add(at(names["k4"])))),
		}
	}
	var block []jen.Code
	hval := jen.Id(m.Name + "DT")
	subs := odeOf(m).Substeps
	if subs > 1 {
		hval = hval.Op("/").Lit(subs)
	}
	block = append(block, jen.Const().Id(h).Op("=").Add(hval))
	var lhs, rhs []jen.Code
	for _, s := range stages(m) {
		lhs = append(lhs, id(names[s]))
		rhs = append(rhs, jen.Op("&").Id(recv).Dot(s))
	}
	sig := jen.Params(jen.List(id(x)).Op("*").Id(st), id(t).Float64())
	if subs > 1 {
		// One substep is a method of its own, which the derivatives
		// (tangent.go) also step the substeps' states with.
		sub := append(append([]jen.Code{}, block...), jen.List(lhs...).Op(":=").List(rhs...))
		sub = append(sub, body...)
		g.f.Add(doc("substep advances %s by one substep of %s from model time %s with %s.", x, "h = "+m.Name+"DT/"+fmt.Sprint(subs), t, schemeName(odeOf(m).Scheme)))
		g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("substep").Add(sig).Block(sub...)
		if c := g.hoistCheck(m, recv); c != nil {
			block = append(block, c)
		}
		block = append(block, jen.For(jen.Range().Lit(subs)).Block(
			id(recv).Dot("substep").Call(id(x), id(t)),
			id(t).Op("+=").Id(h),
		))
		g.f.Add(doc("Step advances %s by one step of %s from model time %s with %s in %d substeps.", x, m.Name+"DT", t, schemeName(odeOf(m).Scheme), subs))
		g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("Step").Add(sig).Block(block...)
		return
	}
	if c := g.hoistCheck(m, recv); c != nil {
		block = append(block, c)
	}
	block = append(block, jen.List(lhs...).Op(":=").List(rhs...))
	block = append(block, body...)
	g.f.Add(doc("Step advances %s by one step of %s from model time %s with %s.", x, m.Name+"DT", t, schemeName(odeOf(m).Scheme)))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("Step").Add(sig).Block(block...)
}

// emitMapStep writes Step for a discrete map: next into the work array,
// then a copy.
func (g *gen) emitMapStep(m *ir.Forward) {
	st := m.Carrier.Name
	nm := g.top.fork()
	recv, x, t := nm.name("m"), nm.name(m.Var), nm.name("t")
	g.f.Add(doc("Step replaces %s by its image under the map at model time %s.", x, t))
	var block []jen.Code
	if c := g.hoistCheck(m, recv); c != nil {
		block = append(block, c)
	}
	block = append(block,
		jen.Id(recv).Dot("next").Call(jen.Op("&").Id(recv).Dot("nx"), jen.Id(x), jen.Id(t)),
		jen.Op("*").Id(x).Op("=").Id(recv).Dot("nx"),
	)
	g.f.Func().Params(jen.Id(recv).Op("*").Id(m.Name)).Id("Step").Params(jen.Id(x).Op("*").Id(st), jen.Id(t).Float64()).Block(block...)
}

// emitRHS writes tendency (ODE) or next (map): parameters read into
// locals, then every equation with the periodic wrap peeled.
func (g *gen) emitRHS(m *ir.Forward) {
	st := m.Carrier.Name
	nm := g.top.fork()
	recv, x := nm.name("m"), nm.name(m.Var)
	var out, fn string
	if isMap(m) {
		out, fn = nm.name("dst"), "next"
	} else {
		out, fn = nm.name("d"+m.Var), "tendency"
	}
	t := nm.name("t")
	env := g.rhsEnv(m, nm, recv, x, t)
	loopName := nm.memo()
	body := g.rhsBody(m, env, recv, func(grp *jen.Group) {
		env.emitEquations(grp, m.Equations(), eqTarget{arr: out, dims: m.Carrier.Dims}, loopName)
	})
	var what string
	if isMap(m) {
		what = fmt.Sprintf("next writes into %s the image of %s under %s at model time %s, as declared at %s.", out, x, m.Name, t, g.at(eqPos(m)))
	} else {
		what = fmt.Sprintf("tendency writes into %s the time derivative of %s under %s at model time %s, as declared at %s.", out, x, m.Name, t, g.at(eqPos(m)))
	}
	switch {
	case !periodic(m.Equations()):
	case m.Carrier.Periodic():
		what += " The periodic wrap is resolved here: edge elements whose indices wrap are written one by one, so loops read plain offsets with no modulo."
	default:
		what += " The boundary rules are resolved here: edge elements whose indices wrap or leave the carrier (reading the clamped edge element or the fixed value instead) are written one by one, so loops read plain offsets with no modulo and no branches."
	}
	g.f.Add(doc("%s", what))
	sig := jen.Params(jen.List(jen.Id(out), jen.Id(x)).Op("*").Id(st), jen.Id(t).Float64())
	g.f.Func().Params(jen.Id(recv).Op("*").Id(m.Name)).Id(fn).Add(sig).Add(body)
}

// eqPos is the position of a model's first equation, or the model's.
func eqPos(m *ir.Forward) ir.Pos {
	if len(m.Equations()) > 0 && m.Equations()[0].Pos.IsValid() {
		return m.Equations()[0].Pos
	}
	return m.Pos
}

// periodic reports whether any equation loops over a dimension (and so may
// read across the periodic boundary).
func periodic(eqs []*ir.Equation) bool {
	for _, eq := range eqs {
		if len(eq.Loops()) > 0 {
			return true
		}
	}
	return false
}
