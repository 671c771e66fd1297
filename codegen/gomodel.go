// User Go code: forward models given as a function or a type, observation
// operators given as a function (with an optional Jacobian) and analyses
// given by a constructor. The generated wrappers adapt the user's slices
// to the program's fixed-size carriers, and a compile-time backstop keeps
// the signature the compiler checked checked when the user's code changes.
package codegen

import (
	"fmt"
	"path"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// qualGo refers to the user's Go name ref, importing its package under the
// package's own name.
func (g *gen) qualGo(ref *ir.GoRef) *jen.Statement {
	g.f.ImportName(ref.ImportPath, goPackageName(ref))
	return jen.Qual(ref.ImportPath, ref.Name)
}

// goPackageName is the name of ref's package: what the resolver found, or
// the last element of the import path.
func goPackageName(ref *ir.GoRef) string {
	if ref.Package != "" {
		return ref.Package
	}
	return sanitize(strings.ReplaceAll(path.Base(ref.ImportPath), "-", "_"))
}

// goText is "ocean.Step (example.com/ocean)" for comments.
func goText(ref *ir.GoRef) string {
	return fmt.Sprintf("%s.%s (%s)", goPackageName(ref), ref.Name, ref.ImportPath)
}

// goForwardModel emits a wrapper of a user Go forward model.
type goForwardModel struct{}

func (goForwardModel) check(g *gen, m *ir.Forward) {
	if m.Def.(*ir.GoForward).Ref == nil {
		g.internal(m.Pos, "go forward %s has no reference", m.SourceName)
	}
	if !(m.DT > 0) {
		g.internal(m.Pos, "forward %s has dt = %v", m.SourceName, m.DT)
	}
}

// goTypeField is the field of the wrapper that holds a user type: embedded
// (so its parameters are promoted) unless its name would clash with a
// method of the wrapper.
func goTypeField(d *ir.GoForward) (name string, embedded bool) {
	switch d.Ref.Name {
	case "Step", "StepEnsemble", "Load":
		return "Impl", false
	}
	return d.Ref.Name, true
}

func (goForwardModel) emit(g *gen, m *ir.Forward) {
	d := m.Def.(*ir.GoForward)
	st, dtName := m.Carrier.Name, m.Name+"DT"
	id := jen.Id
	user := g.qualGo(d.Ref)
	nm := g.top.fork()
	recv, x, t := nm.name("m"), nm.name(m.Var), nm.name("t")

	if !d.Type {
		g.f.Add(doc("%s is the forward model %s declared at %s: the Go function %s, which "+
			"advances a state in place by %s from model time t. It holds no state of its own.%s%s",
			m.Name, m.SourceName, g.at(m.Pos), goText(d.Ref), dtName, goDerivDoc(d), userDoc(m.Doc)))
		g.f.Type().Id(m.Name).Struct()
	} else {
		field, embedded := goTypeField(d)
		params := "it has no float64 fields, so no run-time parameters"
		if len(d.Fields) > 0 {
			params = "its exported float64 fields (" + strings.Join(d.Fields, ", ") + ") are the run-time parameters"
		}
		g.f.Add(doc("%s is the forward model %s declared at %s: the Go type %s, whose Step "+
			"advances a state in place by %s from model time t; %s. It is not safe for "+
			"concurrent use.%s", m.Name, m.SourceName, g.at(m.Pos), goText(d.Ref), dtName, params, userDoc(m.Doc)))
		var f *jen.Statement
		if embedded {
			f = jen.Op("*").Add(g.qualGo(d.Ref))
		} else {
			f = id(field).Op("*").Add(g.qualGo(d.Ref))
		}
		g.f.Type().Id(m.Name).Struct(f.Comment("the user's model"))
		for _, p := range m.Params {
			if embedded {
				g.fields[p] = p.Name
			} else {
				g.fields[p] = field + "." + p.Name
			}
		}
	}

	g.f.Add(doc("%s is the model time advanced by one %s.Step.", dtName, m.Name))
	dt, _ := num(m.DT, true)
	g.f.Const().Id(dtName).Op("=").Add(dt)

	if !d.Type {
		g.f.Add(doc("New%s returns %s.", m.Name, m.Name))
		g.f.Func().Id("New" + m.Name).Params().Op("*").Id(m.Name).Block(jen.Return(jen.Op("&").Id(m.Name).Values()))
		call := user.Clone().Call(id(x).Index(jen.Op(":")), id(t), id(dtName))
		g.f.Add(doc("Step advances %s by one step of %s from model time %s with %s.", x, dtName, t, goText(d.Ref)))
		fn := g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("Step").Params(id(x).Op("*").Id(st), id(t).Float64())
		var backstop *jen.Statement
		if d.ReturnsError {
			fn.Error().Block(jen.Return(call))
			backstop = jen.Func().Params(jen.Index().Float64(), jen.Float64(), jen.Float64()).Error()
		} else {
			fn.Block(call)
			backstop = jen.Func().Params(jen.Index().Float64(), jen.Float64(), jen.Float64())
		}
		if !hasDerivatives(m) {
			g.f.Add(doc("The compiler checked the signature of %s; this keeps it checked when the Go code changes.", goText(d.Ref)))
			g.f.Var().Id("_").Add(backstop).Op("=").Add(user.Clone())
			return
		}
		g.emitGoForwardDerivatives(m, d)
		deriv := jen.Func().Params(jen.Index().Float64(), jen.Index().Float64(), jen.Float64(), jen.Float64())
		g.f.Add(doc("The compiler checked the signatures of %s, %s and %s; these keep them checked when the Go code changes.",
			goText(d.Ref), goText(d.Tangent), goText(d.Adjoint)))
		g.f.Var().Defs(
			jen.Id("_").Add(backstop).Op("=").Add(user.Clone()),
			jen.Id("_").Add(deriv.Clone()).Op("=").Add(g.qualGo(d.Tangent)),
			jen.Id("_").Add(deriv.Clone()).Op("=").Add(g.qualGo(d.Adjoint)),
		)
		g.emitModelChecks(m)
		return
	}

	field, _ := goTypeField(d)
	newUser := jen.New(g.qualGo(d.Ref))
	how := "its zero value"
	if d.HasNew {
		newUser = jen.Qual(d.Ref.ImportPath, "New"+d.Ref.Name).Call()
		how = fmt.Sprintf("%s.New%s", goPackageName(d.Ref), d.Ref.Name)
	}
	g.f.Add(doc("New%s returns %s holding %s, with the parameters it gives.", m.Name, m.Name, how))
	g.f.Func().Id("New" + m.Name).Params().Op("*").Id(m.Name).Block(
		jen.Return(jen.Op("&").Id(m.Name).Values(id(field).Op(":").Add(newUser))),
	)
	g.f.Add(doc("Step advances %s by one step of %s from model time %s with the user's Step.", x, dtName, t))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("Step").Params(id(x).Op("*").Id(st), id(t).Float64()).Error().Block(
		jen.Return(id(recv).Dot(field).Dot("Step").Call(id(x).Index(jen.Op(":")), id(t), id(dtName))),
	)
	g.f.Add(doc("The compiler checked %s; these keep it checked when the Go code changes.", goText(d.Ref)))
	defs := []jen.Code{
		jen.Id("_").Interface(jen.Id("Step").Params(jen.Index().Float64(), jen.Float64(), jen.Float64()).Error()).Op("=").Parens(jen.Op("*").Add(g.qualGo(d.Ref))).Call(jen.Nil()),
	}
	if d.HasNew {
		defs = append(defs, jen.Id("_").Func().Params().Op("*").Add(g.qualGo(d.Ref)).Op("=").Qual(d.Ref.ImportPath, "New"+d.Ref.Name))
	}
	g.f.Var().Defs(defs...)
}

// goDerivDoc is the sentence a go forward function's doc comment gains
// when the user gives its derivatives.
func goDerivDoc(d *ir.GoForward) string {
	if d.Type || d.Tangent == nil || d.Adjoint == nil {
		return ""
	}
	return fmt.Sprintf(" Tangent and Adjoint are the user's tangent-linear %s and adjoint %s, "+
		"which the variational analyses use; the generated tests check them against each other and against Step.",
		goText(d.Tangent), goText(d.Adjoint))
}

// emitGoForwardDerivatives writes Tangent and Adjoint of a go forward
// function that has the user's: they call them with the model's dt, as
// Step calls the model.
func (g *gen) emitGoForwardDerivatives(m *ir.Forward, d *ir.GoForward) {
	st, dtName := m.Carrier.Name, m.Name+"DT"
	id := jen.Id
	nm := g.top.fork()
	recv, x, dx, ax, t := nm.name("m"), nm.name(m.Var), nm.name("d"+m.Var), nm.name("a"+m.Var), nm.name("t")
	g.f.Add(doc("Tangent replaces %s by M %s, M the Jacobian of Step at %s (which is left unchanged), with %s.",
		dx, dx, x, goText(d.Tangent)))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("Tangent").Params(jen.List(id(x), id(dx)).Op("*").Id(st), id(t).Float64()).Block(
		g.qualGo(d.Tangent).Call(id(x).Index(jen.Op(":")), id(dx).Index(jen.Op(":")), id(t), id(dtName)))
	g.f.Add(doc("Adjoint replaces %s by Mᵀ %s, M the Jacobian of Step at %s (which is left unchanged), with %s.",
		ax, ax, x, goText(d.Adjoint)))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("Adjoint").Params(jen.List(id(x), id(ax)).Op("*").Id(st), id(t).Float64()).Block(
		g.qualGo(d.Adjoint).Call(id(x).Index(jen.Op(":")), id(ax).Index(jen.Op(":")), id(t), id(dtName)))
}

// goObs emits a wrapper of a user Go observation operator.
type goObs struct{}

func (goObs) check(g *gen, o *ir.ObsOp) {
	if g.checkObsEnds(o) && o.Def.(*ir.GoObs).Ref == nil {
		g.internal(o.Pos, "go obs %s has no reference", o.SourceName)
	}
}

func (goObs) emit(g *gen, o *ir.ObsOp) {
	d := o.Def.(*ir.GoObs)
	op := g.newObsParts(o)
	id := jen.Id
	op.what = "the Go function " + goText(d.Ref)
	if d.Jacobian != nil {
		op.what += ", with its Jacobian " + goText(d.Jacobian) + ", which Tangent and Adjoint apply"
	} else {
		op.what += ", which Tangent and Adjoint linearise by finite differences (a Jacobian built column by column, " +
			o.In.Name + "Size+1 evaluations at each new state)"
	}
	op.fields = append(op.fields, goObsFields(o, d)...)
	op.body = append(op.body, g.qualGo(d.Ref).Call(id(op.y).Index(jen.Op(":")), id(op.x).Index(jen.Op(":"))))
	g.emitObsType(o, op)
	sig := jen.Func().Params(jen.Index().Float64(), jen.Index().Float64())
	if d.Jacobian != nil {
		nm := g.top.fork()
		recv, jac, x := nm.name("h"), nm.name("J"), nm.name(o.Var)
		g.f.Add(doc("Jacobian writes into %s (%sSize×%sSize, row-major) the Jacobian of the operator at %s, with %s.",
			jac, o.Out.Name, o.In.Name, x, goText(d.Jacobian)))
		g.f.Func().Params(id(recv).Op("*").Id(o.Name)).Id("Jacobian").Params(id(jac).Index().Float64(), id(x).Op("*").Id(o.In.Name)).Block(
			g.qualGo(d.Jacobian).Call(id(jac), id(x).Index(jen.Op(":"))),
		)
	}
	g.emitGoObsLinearise(o, d)
	g.f.Add(doc("The compiler checked the signatures of %s; this keeps them checked when the Go code changes.", o.Name))
	defs := []jen.Code{jen.Id("_").Add(sig.Clone()).Op("=").Add(g.qualGo(d.Ref))}
	if d.Jacobian != nil {
		defs = append(defs, jen.Id("_").Add(sig.Clone()).Op("=").Add(g.qualGo(d.Jacobian)))
	}
	g.f.Var().Defs(defs...)
}

// goAnalysis emits the constructor of a user Go analysis.
type goAnalysis struct{}

func (goAnalysis) check(g *gen, a *ir.Analysis) {
	if a.Method.(*ir.GoAnalysis).Ref == nil {
		g.internal(a.Pos, "go analysis %s has no reference", a.SourceName)
	}
}

func (goAnalysis) emit(g *gen, a *ir.Analysis) {
	m := a.Method.(*ir.GoAnalysis)
	nm := g.top.fork()
	members, dim, obs, r, seed := nm.name("members"), nm.name("dim"), nm.name("obs"), nm.name("r"), nm.name("seed")
	id := jen.Id
	g.f.Add(doc("New%s returns the analysis %s declared at %s: the user's filter built by %s. "+
		"members, dim and obs size the ensemble, the state and the observation; %s is the "+
		"observation-error covariance and %s the run's seed.%s",
		a.Name, a.SourceName, g.at(a.Pos), goText(m.Ref), r, seed, userDoc(a.Doc)))
	g.f.Func().Id("New"+a.Name).Params(
		jen.List(id(members), id(dim), id(obs)).Int(),
		id(r).Op("*").Qual(rtPath, "ObsError"),
		id(seed).Uint64(),
	).Params(jen.Qual(rtPath, "Analysis"), jen.Error()).Block(
		jen.Return(g.qualGo(m.Ref).Call(jen.Qual(rtPath, "GoAnalysisConfig").Values(
			id("Members").Op(":").Id(members), id("Dim").Op(":").Id(dim), id("Obs").Op(":").Id(obs),
			id("R").Op(":").Id(r), id("Seed").Op(":").Id(seed),
		))),
	)
	g.f.Add(doc("The compiler checked the signature of %s; this keeps it checked when the Go code changes.", goText(m.Ref)))
	g.f.Var().Id("_").Func().Params(jen.Qual(rtPath, "GoAnalysisConfig")).Params(jen.Qual(rtPath, "Analysis"), jen.Error()).Op("=").Add(g.qualGo(m.Ref))
}

// fdStep is the relative step of the finite-difference Jacobian of a go
// obs without one, √ε of float64 as Go source: element j is stepped by
// fdStep·(1+|x_j|), which balances the truncation error (of order the
// step) against rounding (of order ε over the step) for an operator whose
// values and curvature are of order 1 on the element's scale.
const fdStep = "0x1p-26"

// goObsFields are the fields of a go obs's derivatives: its Jacobian,
// allocated on first use so that cycles that never linearise the operator
// do not carry it, the state it was taken at and, without the user's
// Jacobian, the finite differences' work arrays.
func goObsFields(o *ir.ObsOp, d *ir.GoObs) []jen.Code {
	in, out := o.In.Name, o.Out.Name
	id := jen.Id
	fields := []jen.Code{
		id("jac").Index().Float64().Comment(fmt.Sprintf("the Jacobian at jacAt (%sSize×%sSize, row-major), allocated on first use", out, in)),
		id("jacAt").Id(in).Comment("the state jac was taken at"),
	}
	if d.Jacobian == nil {
		fields = append(fields,
			id("xe").Id(in).Comment("the state with one element stepped"),
			jen.List(id("y0"), id("ye")).Id(out).Comment("the observations of jacAt and of xe"))
	}
	return fields
}

// goObsDerivBodies are the blocks of a go obs's Tangent and Adjoint: the
// Jacobian at x (linearise), applied or transposed.
func (g *gen) goObsDerivBodies(o *ir.ObsOp, s obsDerivSig, nm *namer) (tl, ad *jen.Statement) {
	id := jen.Id
	in := o.In.Name
	row := func(recv, i string) jen.Code {
		return id(recv).Dot("jac").Index(id(i).Op("*").Id(in + "Size").Op(":").Parens(id(i).Op("+").Lit(1)).Op("*").Id(in + "Size"))
	}
	t := nm.fork()
	i, r, sum, j, v := t.name("i"), t.name("row"), t.name("s"), t.name("j"), t.name("v")
	tl = jen.Block(
		id(s.recv).Dot("linearise").Call(id(s.x)),
		jen.For(id(i).Op(":=").Range().Id(s.dy)).Block(
			id(r).Op(":=").Add(row(s.recv, i)),
			id(sum).Op(":=").Lit(0.0),
			jen.For(jen.List(id(j), id(v)).Op(":=").Range().Id(r)).Block(
				id(sum).Op("+=").Id(v).Op("*").Id(s.dx).Index(id(j))),
			id(s.dy).Index(id(i)).Op("=").Id(sum),
		),
	)
	a := nm.fork()
	i, r, w, j, v := a.name("i"), a.name("row"), a.name("w"), a.name("j"), a.name("v")
	ad = jen.Block(
		id(s.recv).Dot("linearise").Call(id(s.x)),
		jen.For(jen.List(id(i), id(w)).Op(":=").Range().Id(s.ay)).Block(
			id(r).Op(":=").Add(row(s.recv, i)),
			jen.For(jen.List(id(j), id(v)).Op(":=").Range().Id(r)).Block(
				id(s.ax).Index(id(j)).Op("+=").Id(v).Op("*").Id(w)),
		),
	)
	return tl, ad
}

// emitGoObsLinearise writes the method that sets a go obs's Jacobian to
// the one at a state: the user's, or by forward differences. The last
// state is remembered, so that the column-by-column Jacobian the
// analyses take through Tangent (n calls at one state) costs one
// evaluation, not n.
func (g *gen) emitGoObsLinearise(o *ir.ObsOp, d *ir.GoObs) {
	in, out := o.In.Name, o.Out.Name
	id := jen.Id
	nm := g.top.fork()
	recv, x := nm.name("h"), nm.name(o.Var)
	body := []jen.Code{
		jen.If(id(recv).Dot("jac").Op("!=").Nil().Op("&&").Id(recv).Dot("jacAt").Op("==").Op("*").Id(x)).Block(jen.Return()),
		jen.If(id(recv).Dot("jac").Op("==").Nil()).Block(
			id(recv).Dot("jac").Op("=").Make(jen.Index().Float64(), id(out+"Size").Op("*").Id(in+"Size"))),
		id(recv).Dot("jacAt").Op("=").Op("*").Id(x),
	}
	if d.Jacobian != nil {
		body = append(body,
			jen.Comment("Zeroed first, so that a Jacobian may write only its nonzeros."),
			jen.Clear(id(recv).Dot("jac")),
			id(recv).Dot("Jacobian").Call(id(recv).Dot("jac"), id(x)))
		g.f.Add(doc("linearise sets %s.jac to the Jacobian at %s, with %s, unless it holds that one already. "+
			"Tangent and Adjoint share it, so they are not safe for concurrent use (Apply is).",
			recv, x, goText(d.Jacobian)))
	} else {
		rel, j, v, step, i, yv := nm.name("rel"), nm.name("j"), nm.name("v"), nm.name("step"), nm.name("i"), nm.name("yv")
		body = append(body,
			id(recv).Dot("Apply").Call(jen.Op("&").Id(recv).Dot("y0"), id(x)),
			id(recv).Dot("xe").Op("=").Op("*").Id(x),
			jen.Const().Id(rel).Op("=").Op(fdStep).Comment("√ε of float64"),
			jen.For(jen.List(id(j), id(v)).Op(":=").Range().Id(x)).Block(
				id(step).Op(":=").Id(rel).Op("*").Parens(jen.Lit(1).Op("+").Qual("math", "Abs").Call(id(v))),
				id(recv).Dot("xe").Index(id(j)).Op("=").Id(v).Op("+").Id(step),
				id(step).Op("=").Id(recv).Dot("xe").Index(id(j)).Op("-").Id(v).Comment("the step as rounded"),
				id(recv).Dot("Apply").Call(jen.Op("&").Id(recv).Dot("ye"), jen.Op("&").Id(recv).Dot("xe")),
				id(recv).Dot("xe").Index(id(j)).Op("=").Id(v),
				jen.For(jen.List(id(i), id(yv)).Op(":=").Range().Id(recv).Dot("ye")).Block(
					id(recv).Dot("jac").Index(id(i).Op("*").Id(in+"Size").Op("+").Id(j)).Op("=").
						Parens(id(yv).Op("-").Id(recv).Dot("y0").Index(id(i))).Op("/").Id(step)),
			))
		g.f.Add(doc("linearise sets %s.jac to the Jacobian of %s at %s by forward differences, "+
			"unless it holds that one already: column j is (H(%s + δ e_j) − H(%s)) / δ with "+
			"δ = √ε·(1+|%s_j|) (√ε = 2⁻²⁶ for float64), which balances truncation (of order δ) "+
			"against rounding (of order ε/δ) for an operator of order 1 on each element's scale. "+
			"It costs %sSize+1 evaluations of %s. Tangent and Adjoint share the result, so they "+
			"are not safe for concurrent use (Apply is).", recv, o.Name, x, x, x, x, in, goText(d.Ref)))
	}
	g.f.Func().Params(id(recv).Op("*").Id(o.Name)).Id("linearise").Params(id(x).Op("*").Id(in)).Block(body...)
}
