// What the derivatives are used and checked through: an adapter per model
// and operator to the runtime's slice-based interfaces (cycrt.TangentModel,
// cycrt.TangentObs), and the generated test file <stem>.cyc_test.go, whose
// tests run the dot-product and Taylor tests of every generated
// tangent-linear and adjoint (cycrt.CheckModelDerivatives,
// cycrt.CheckObsDerivatives).
package codegen

import (
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// sliceAdapter is the name of the type that adapts a model or operator to
// the runtime's slice-based interfaces.
func sliceAdapter(name string) string { return prefix + name + "Slices" }

// testFile returns the generated test file, created on first use.
func (g *gen) testFile() *jen.File {
	if g.tf == nil {
		g.tf = jen.NewFile(packageName(g.p))
		g.tf.ImportAlias(rtPath, rtName)
	}
	return g.tf
}

// emitModelChecks writes the adapter of m to cycrt.TangentModel and the
// test of its derivatives.
func (g *gen) emitModelChecks(m *ir.Forward) {
	st := m.Carrier.Name
	a := sliceAdapter(m.Name)
	id := jen.Id
	conv := func(v string) jen.Code { return jen.Parens(jen.Op("*").Id(st)).Call(id(v)) }
	slices := jen.Index().Float64()
	g.f.Add(doc("%s adapts %s to cycrt.TangentModel, whose methods take slices of %sSize values.", a, m.Name, st))
	g.f.Type().Id(a).Struct(id("m").Op("*").Id(m.Name))
	g.f.Add(doc("Step implements cycrt.TangentModel."))
	g.f.Func().Params(id("a").Id(a)).Id("Step").Params(id("x").Add(slices.Clone()), id("t").Float64()).Block(
		id("a").Dot("m").Dot("Step").Call(conv("x"), id("t")))
	g.f.Add(doc("Tangent implements cycrt.TangentModel."))
	g.f.Func().Params(id("a").Id(a)).Id("Tangent").Params(jen.List(id("x"), id("dx")).Add(slices.Clone()), id("t").Float64()).Block(
		id("a").Dot("m").Dot("Tangent").Call(conv("x"), conv("dx"), id("t")))
	g.f.Add(doc("Adjoint implements cycrt.TangentModel."))
	g.f.Func().Params(id("a").Id(a)).Id("Adjoint").Params(jen.List(id("x"), id("ax")).Add(slices.Clone()), id("t").Float64()).Block(
		id("a").Dot("m").Dot("Adjoint").Call(conv("x"), conv("ax"), id("t")))

	tf := g.testFile()
	name := "Test" + m.Name + "Derivatives"
	tf.Add(doc("%s checks %s's Tangent and Adjoint at a random state (its parameters at their "+
		"defaults, t = 0): the dot-product test of the adjoint against the tangent-linear and the "+
		"Taylor test of the tangent-linear against Step.%s", name, m.Name, userDerivatives(m)))
	tf.Func().Id(name).Params(id("t").Op("*").Qual("testing", "T")).Block(
		id("x").Op(":=").Make(jen.Index().Float64(), id(st+"Size")),
		jen.Qual(rtPath, "DerivativeTestState").Call(id("x"), jen.Lit(1)),
		jen.If(id("err").Op(":=").Qual(rtPath, "CheckModelDerivatives").Call(id(a).Values(id("New"+m.Name).Call()), id("x"), jen.Lit(0)),
			id("err").Op("!=").Nil()).Block(id("t").Dot("Error").Call(id("err"))),
	)
}

// emitObsChecks writes the adapter of o to cycrt.TangentObs and, unless
// building it reads a data file, the test of its derivatives.
func (g *gen) emitObsChecks(o *ir.ObsOp) {
	in, out := o.In.Name, o.Out.Name
	a := sliceAdapter(o.Name)
	id := jen.Id
	conv := func(car, v string) jen.Code { return jen.Parens(jen.Op("*").Id(car)).Call(id(v)) }
	slices := jen.Index().Float64()
	g.f.Add(doc("%s adapts %s to cycrt.TangentObs, whose methods take slices of %sSize and %sSize values.", a, o.Name, in, out))
	g.f.Type().Id(a).Struct(id("h").Op("*").Id(o.Name))
	g.f.Add(doc("Apply implements cycrt.TangentObs."))
	g.f.Func().Params(id("a").Id(a)).Id("Apply").Params(jen.List(id("y"), id("x")).Add(slices.Clone())).Block(
		id("a").Dot("h").Dot("Apply").Call(conv(out, "y"), conv(in, "x")))
	g.f.Add(doc("Tangent implements cycrt.TangentObs."))
	g.f.Func().Params(id("a").Id(a)).Id("Tangent").Params(jen.List(id("dy"), id("x"), id("dx")).Add(slices.Clone())).Block(
		id("a").Dot("h").Dot("Tangent").Call(conv(out, "dy"), conv(in, "x"), conv(in, "dx")))
	g.f.Add(doc("Adjoint implements cycrt.TangentObs."))
	g.f.Func().Params(id("a").Id(a)).Id("Adjoint").Params(jen.List(id("ax"), id("x"), id("ay")).Add(slices.Clone())).Block(
		id("a").Dot("h").Dot("Adjoint").Call(conv(in, "ax"), conv(in, "x"), conv(out, "ay")))

	if obsNeedsDir(o) {
		return // its matrix's products are the runtime's, tested there
	}
	tf := g.testFile()
	name := "Test" + o.Name + "Derivatives"
	tf.Add(doc("%s checks %s's Tangent and Adjoint at a random state: the dot-product test of "+
		"the adjoint against the tangent-linear and the Taylor test of the tangent-linear "+
		"against Apply.%s", name, o.Name, goObsTestDoc(o)))
	tf.Func().Id(name).Params(id("t").Op("*").Qual("testing", "T")).Block(
		id("x").Op(":=").Make(jen.Index().Float64(), id(in+"Size")),
		jen.Qual(rtPath, "DerivativeTestState").Call(id("x"), jen.Lit(1)),
		jen.If(id("err").Op(":=").Qual(rtPath, "CheckObsDerivatives").Call(id(a).Values(jen.Op("&").Id(o.Name).Values()), id("x"), id(out+"Size")),
			id("err").Op("!=").Nil()).Block(id("t").Dot("Error").Call(id("err"))),
	)
}

// userDerivatives is the sentence a model's derivative test gains when
// the derivatives it checks are, or include, the user's Go code.
func userDerivatives(m *ir.Forward) string {
	var refs []string
	var collect func(m *ir.Forward)
	seen := map[*ir.Forward]bool{}
	collect = func(m *ir.Forward) {
		if seen[m] {
			return
		}
		seen[m] = true
		switch d := m.Def.(type) {
		case *ir.GoForward:
			if d.Tangent != nil && d.Adjoint != nil {
				refs = append(refs, goText(d.Tangent)+" and "+goText(d.Adjoint))
			}
		case *ir.Compose:
			for _, p := range d.Parts {
				collect(p.Model)
			}
		}
	}
	collect(m)
	if len(refs) == 0 {
		return ""
	}
	return " The derivatives it checks are the user's code (" + strings.Join(refs, "; ") +
		"): a failure is a bug there, or a tangent-linear and adjoint that are not those of the user's step."
}

// goObsTestDoc is the sentence an operator's derivative test gains when
// its linearisation is a go operator's: the user's Jacobian, which the
// test checks, or finite differences, which it checks are fit to use.
func goObsTestDoc(o *ir.ObsOp) string {
	d, ok := o.Def.(*ir.GoObs)
	switch {
	case !ok:
		return ""
	case d.Jacobian != nil:
		return " Both apply the user's Jacobian " + goText(d.Jacobian) + ", so the Taylor test checks it against " +
			goText(d.Ref) + ": a failure is a bug in one of them."
	}
	return " " + o.SourceName + " has no Jacobian, so both apply one taken by finite differences: the " +
		"dot-product test holds to rounding (the adjoint is the same matrix, transposed), and the Taylor " +
		"test holds because the differences' error, of order √ε relative, is far below the residuals it " +
		"judges (at steps of 1e-1 down to about 1e-5); a failure says that " + goText(d.Ref) +
		" is not smooth enough at the test's state to be linearised that way."
}
