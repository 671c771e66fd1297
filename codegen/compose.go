// Composed forward models: a struct holding each distinct component, whose
// Step applies the components in order, each for as many of its own steps
// as make one step of the composite.
package codegen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// composeModel emits compose(A, B, …).
type composeModel struct{}

func (composeModel) check(g *gen, m *ir.Forward) {
	d := m.Def.(*ir.Compose)
	if len(d.Parts) == 0 {
		g.internal(m.Pos, "composed forward %s has no components", m.SourceName)
	}
	if !(m.DT > 0) {
		g.internal(m.Pos, "forward %s has dt = %v", m.SourceName, m.DT)
	}
	for _, p := range d.Parts {
		switch {
		case p.Model == nil || p.Model.Carrier == nil:
			g.internal(m.Pos, "composed forward %s has a component without a model", m.SourceName)
		case p.Model.Carrier != m.Carrier:
			g.internal(m.Pos, "component %s of %s steps %s, not %s", p.Model.SourceName, m.SourceName, p.Model.Carrier.SourceName, m.Carrier.SourceName)
		case p.Steps < 1:
			g.internal(m.Pos, "component %s of %s has %d steps", p.Model.SourceName, m.SourceName, p.Steps)
		}
	}
}

// components lists the distinct component models in first-use order.
func components(d *ir.Compose) []*ir.Forward {
	var out []*ir.Forward
	seen := map[*ir.Forward]bool{}
	for _, p := range d.Parts {
		if !seen[p.Model] {
			seen[p.Model] = true
			out = append(out, p.Model)
		}
	}
	return out
}

func (composeModel) emit(g *gen, m *ir.Forward) {
	d := m.Def.(*ir.Compose)
	st, dtName := m.Carrier.Name, m.Name+"DT"
	api := apiOf(m)
	id := jen.Id

	var fields, defaults []jen.Code
	for _, c := range components(d) {
		fields = append(fields, id(c.Name).Id(c.Name).Comment(fmt.Sprintf("the component %s; its exported fields are its parameters", c.SourceName)))
		defaults = append(defaults, id(c.Name).Op(":").Op("*").Id("New"+c.Name).Call())
	}
	if hasDerivatives(m) {
		total := 0
		for _, p := range d.Parts {
			total += p.Steps
		}
		fields = append(fields, jen.Line(),
			id("cur").Id(st).Comment("the state Tangent and Adjoint step through"),
			id("subs").Index(jen.Lit(total)).Id(st).Comment("the state before each component step (Adjoint)"))
	}
	var order []string
	for _, p := range d.Parts {
		order = append(order, fmt.Sprintf("%s of %s", plural(p.Steps, "step"), p.Model.SourceName))
	}
	g.f.Add(doc("%s is the forward model %s declared at %s: the composite that applies, in "+
		"one step of %s, %s, each component with its own time step.%s It is not safe for "+
		"concurrent use.%s", m.Name, m.SourceName, g.at(m.Pos), dtName, strings.Join(order, ", then "), derivDoc(m), userDoc(m.Doc)))
	g.f.Type().Id(m.Name).Struct(fields...)

	g.f.Add(doc("%s is the model time advanced by one %s.Step.", dtName, m.Name))
	dt, _ := num(m.DT, true)
	g.f.Const().Id(dtName).Op("=").Add(dt)

	g.f.Add(doc("New%s returns %s with every component's parameters at their defaults.", m.Name, m.Name))
	g.f.Func().Id("New" + m.Name).Params().Op("*").Id(m.Name).Block(
		jen.Return(jen.Op("&").Id(m.Name).Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}, defaults...)),
	)

	// Step.
	nm := g.top.fork()
	recv, x, t, s, err := nm.name("m"), nm.name(m.Var), nm.name("t"), nm.name("s"), nm.name("err")
	var body []jen.Code
	for _, p := range d.Parts {
		at := id(t)
		if p.Steps > 1 {
			at = id(t).Op("+").Float64().Call(id(s)).Op("*").Id(p.Model.Name + "DT")
		}
		call := id(recv).Dot(p.Model.Name).Dot("Step").Call(id(x), at)
		var stmt jen.Code = call
		if apiOf(p.Model).stepErr {
			stmt = jen.If(id(err).Op(":=").Add(call), id(err).Op("!=").Nil()).Block(
				jen.Return(errorf(fmt.Sprintf("%s: %%w", p.Model.SourceName), id(err))))
		}
		if p.Steps > 1 {
			stmt = jen.For(id(s).Op(":=").Range().Lit(p.Steps)).Block(stmt)
		}
		body = append(body, stmt)
	}
	sig := jen.Params(id(x).Op("*").Id(st), id(t).Float64())
	g.f.Add(doc("Step advances %s by one step of %s from model time %s: the components in order.", x, dtName, t))
	if api.stepErr {
		body = append(body, jen.Return(jen.Nil()))
		g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("Step").Add(sig).Error().Block(body...)
	} else {
		g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("Step").Add(sig).Block(body...)
	}

	if hasDerivatives(m) {
		g.emitComposeDerivatives(m, d)
	}
	if api.ensemble {
		g.emitComposeEnsemble(m, d)
	}
	if api.load {
		nm := g.top.fork()
		recv, dir, members, err := nm.name("m"), nm.name("dir"), nm.name("members"), nm.name("err")
		var body []jen.Code
		for _, c := range components(d) {
			if apiOf(c).load {
				body = append(body, jen.If(id(err).Op(":=").Id(recv).Dot(c.Name).Dot("Load").Call(id(dir), id(members)), id(err).Op("!=").Nil()).Block(
					jen.Return(id(err))))
			}
		}
		body = append(body, jen.Return(jen.Nil()))
		g.f.Add(doc("Load reads the data of the components that have any, for up to %s states at once; "+
			"data-file paths are relative to %s.", members, dir))
		g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("Load").Params(id(dir).String(), id(members).Int()).Error().Block(body...)
	}
}

// emitComposeDerivatives writes Tangent and Adjoint of a composite whose
// components have theirs: the components' derivatives chained along the
// states Step passes through, each at the time Step gives it.
func (g *gen) emitComposeDerivatives(m *ir.Forward, d *ir.Compose) {
	st := m.Carrier.Name
	id := jen.Id
	nm := g.top.fork()
	recv, x, dx, t, s := nm.name("m"), nm.name(m.Var), nm.name("d"+m.Var), nm.name("t"), nm.name("s")
	at := func(p *ir.Component) jen.Code {
		if p.Steps > 1 {
			return id(t).Op("+").Float64().Call(id(s)).Op("*").Id(p.Model.Name + "DT")
		}
		return id(t)
	}
	cur := jen.Op("&").Id(recv).Dot("cur")
	last := len(d.Parts) - 1
	body := []jen.Code{id(recv).Dot("cur").Op("=").Op("*").Id(x)}
	for i, p := range d.Parts {
		part := id(recv).Dot(p.Model.Name)
		stmts := []jen.Code{part.Clone().Dot("Tangent").Call(cur, id(dx), at(p))}
		if i < last || p.Steps > 1 {
			stmts = append(stmts, part.Clone().Dot("Step").Call(cur, at(p)))
		}
		if p.Steps > 1 {
			body = append(body, jen.For(id(s).Op(":=").Range().Lit(p.Steps)).Block(stmts...))
		} else {
			body = append(body, stmts...)
		}
	}
	g.f.Add(doc("Tangent replaces %s by M %s, M the Jacobian of Step at %s (which is left unchanged): "+
		"the components' tangent-linears chained along the states Step passes through.", dx, dx, x))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("Tangent").
		Params(jen.List(id(x), id(dx)).Op("*").Id(st), id(t).Float64()).Block(body...)

	nm = g.top.fork()
	recv, x, t, s = nm.name("m"), nm.name(m.Var), nm.name("t"), nm.name("s")
	ax := nm.name("a" + m.Var)
	cur = jen.Op("&").Id(recv).Dot("cur")
	sub := func(off int, p *ir.Component) jen.Code {
		if p.Steps > 1 {
			if off == 0 {
				return id(recv).Dot("subs").Index(id(s))
			}
			return id(recv).Dot("subs").Index(jen.Lit(off).Op("+").Id(s))
		}
		return id(recv).Dot("subs").Index(jen.Lit(off))
	}
	body = []jen.Code{
		jen.Comment("The state before every component step, as Step computes them."),
		id(recv).Dot("cur").Op("=").Op("*").Id(x),
	}
	var back []jen.Code
	off := 0
	for i, p := range d.Parts {
		part := id(recv).Dot(p.Model.Name)
		stmts := []jen.Code{jen.Add(sub(off, p)).Op("=").Id(recv).Dot("cur")}
		if i < last || p.Steps > 1 {
			stmts = append(stmts, part.Clone().Dot("Step").Call(cur, at(p)))
		}
		adj := part.Clone().Dot("Adjoint").Call(jen.Op("&").Add(sub(off, p)), id(ax), at(p))
		if p.Steps > 1 {
			body = append(body, jen.For(id(s).Op(":=").Range().Lit(p.Steps)).Block(stmts...))
			adj = jen.For(id(s).Op(":=").Lit(p.Steps-1), id(s).Op(">=").Lit(0), id(s).Op("--")).Block(adj)
		} else {
			body = append(body, stmts...)
		}
		back = append([]jen.Code{adj}, back...)
		off += p.Steps
	}
	body = append(body, jen.Comment("Back through the component steps in reverse."))
	body = append(body, back...)
	g.f.Add(doc("Adjoint replaces %s by Mᵀ %s, M the Jacobian of Step at %s (which is left unchanged): "+
		"the components' adjoints in reverse order.", ax, ax, x))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("Adjoint").
		Params(jen.List(id(x), id(ax)).Op("*").Id(st), id(t).Float64()).Block(body...)
	g.emitModelChecks(m)
}

// emitComposeEnsemble writes StepEnsemble for a composite with a
// component that advances a whole ensemble at once: each component in
// order, by its StepEnsemble or member by member.
func (g *gen) emitComposeEnsemble(m *ir.Forward, d *ir.Compose) {
	nm := g.top.fork()
	recv, e, t, s, k, err := nm.name("m"), nm.name("E"), nm.name("t"), nm.name("s"), nm.name("k"), nm.name("err")
	id := jen.Id
	var body []jen.Code
	for _, p := range d.Parts {
		at := id(t)
		if p.Steps > 1 {
			at = id(t).Op("+").Float64().Call(id(s)).Op("*").Id(p.Model.Name + "DT")
		}
		pa := apiOf(p.Model)
		var stmt jen.Code
		if pa.ensemble {
			stmt = jen.If(id(err).Op(":=").Id(recv).Dot(p.Model.Name).Dot("StepEnsemble").Call(id(e), at), id(err).Op("!=").Nil()).Block(
				jen.Return(errorf(fmt.Sprintf("%s: %%w", p.Model.SourceName), id(err))))
		} else {
			call := id(recv).Dot(p.Model.Name).Dot("Step").Call(jen.Parens(jen.Op("*").Id(m.Carrier.Name)).Call(id(e).Dot("Member").Call(id(k))), at)
			var inner jen.Code = call
			if pa.stepErr {
				inner = jen.If(id(err).Op(":=").Add(call), id(err).Op("!=").Nil()).Block(
					jen.Return(errorf(fmt.Sprintf("%s: member %%d: %%w", p.Model.SourceName), id(k), id(err))))
			}
			stmt = jen.For(id(k).Op(":=").Range().Id(e).Dot("Members")).Block(inner)
		}
		if p.Steps > 1 {
			stmt = jen.For(id(s).Op(":=").Range().Lit(p.Steps)).Block(stmt)
		}
		body = append(body, stmt)
	}
	body = append(body, jen.Return(jen.Nil()))
	g.f.Add(doc("StepEnsemble advances every member of %s by one step of %sDT from model time %s: "+
		"the components in order, each over the whole ensemble.", e, m.Name, t))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("StepEnsemble").Params(id(e).Op("*").Qual(rtPath, "Ensemble"), id(t).Float64()).Error().Block(body...)
}

// plural is "1 step", "2 steps".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// modelPath is the chain of struct fields from the generated type of root
// to the component m (nil when m is root), and whether m is reached.
func modelPath(root, m *ir.Forward) ([]string, bool) {
	if root == m {
		return nil, true
	}
	if d, ok := root.Def.(*ir.Compose); ok {
		for _, c := range components(d) {
			if rest, ok := modelPath(c, m); ok {
				return append([]string{c.Name}, rest...), true
			}
		}
	}
	return nil, false
}
