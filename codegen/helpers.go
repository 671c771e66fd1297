// Package-level helpers of generated files (cycWrap, cycClamp, cycIn,
// cycPick, cycSquare, cycCube, cycPresent),
// each emitted only when the file uses it.
package codegen

import (
	"github.com/dave/jennifer/jen"
)

// helperOrder fixes the order helpers appear in, so output never depends
// on map iteration.
var helperOrder = []string{"cycWrap", "cycClamp", "cycIn", "cycPick", "cycSquare", "cycCube", "cycPresent"}

// emitHelpers appends the helpers the file uses.
func (g *gen) emitHelpers() {
	id := jen.Id
	for _, h := range helperOrder {
		if !g.helpers[h] {
			continue
		}
		switch h {
		case "cycWrap":
			g.f.Add(doc("cycWrap returns a modulo n in [0, n): the periodic wrap of an index that " +
				"could not be resolved at generation time."))
			g.f.Func().Id(h).Params(jen.List(id("a"), id("n")).Int()).Int().Block(
				id("a").Op("%=").Id("n"),
				jen.If(id("a").Op("<").Lit(0)).Block(id("a").Op("+=").Id("n")),
				jen.Return(id("a")),
			)
		case "cycClamp":
			g.f.Add(doc("cycClamp returns a clamped to [0, n): the nearest element of a dimension whose " +
				"boundary is clamped or fixed, for an index that could not be resolved at generation time."))
			g.f.Func().Id(h).Params(jen.List(id("a"), id("n")).Int()).Int().Block(
				jen.Return(jen.Max(jen.Lit(0), jen.Min(id("a"), id("n").Op("-").Lit(1)))),
			)
		case "cycIn":
			g.f.Add(doc("cycIn reports whether index a is inside a dimension of n elements."))
			g.f.Func().Id(h).Params(jen.List(id("a"), id("n")).Int()).Bool().Block(
				jen.Return(id("a").Op(">=").Lit(0).Op("&&").Id("a").Op("<").Id("n")),
			)
		case "cycPick":
			g.f.Add(doc("cycPick returns v when in is true, else the fixed boundary value b."))
			g.f.Func().Id(h).Params(id("in").Bool(), jen.List(id("v"), id("b")).Float64()).Float64().Block(
				jen.If(id("in")).Block(jen.Return(id("v"))),
				jen.Return(id("b")),
			)
		case "cycSquare":
			g.f.Add(doc("cycSquare returns v², evaluating v once."))
			g.f.Func().Id(h).Params(id("v").Float64()).Float64().Block(jen.Return(id("v").Op("*").Id("v")))
		case "cycCube":
			g.f.Add(doc("cycCube returns v³, evaluating v once."))
			g.f.Func().Id(h).Params(id("v").Float64()).Float64().Block(jen.Return(id("v").Op("*").Id("v").Op("*").Id("v")))
		case "cycPresent":
			g.f.Add(doc("cycPresent reports whether some value of y is present, not NaN (a missing value)."))
			g.f.Func().Id(h).Params(id("y").Index().Float64()).Bool().Block(
				jen.For(jen.List(id("_"), id("v")).Op(":=").Range().Id("y")).Block(
					jen.If(id("v").Op("==").Id("v")).Block(jen.Return(jen.True())),
				),
				jen.Return(jen.False()),
			)
		}
	}
}
