// Package-level helpers of generated files (cycWrap, cycSquare, cycCube),
// each emitted only when the file uses it.
package codegen

import (
	"github.com/dave/jennifer/jen"
)

// helperOrder fixes the order helpers appear in, so output never depends
// on map iteration.
var helperOrder = []string{"cycWrap", "cycSquare", "cycCube"}

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
		case "cycSquare":
			g.f.Add(doc("cycSquare returns v², evaluating v once."))
			g.f.Func().Id(h).Params(id("v").Float64()).Float64().Block(jen.Return(id("v").Op("*").Id("v")))
		case "cycCube":
			g.f.Add(doc("cycCube returns v³, evaluating v once."))
			g.f.Func().Id(h).Params(id("v").Float64()).Float64().Block(jen.Return(id("v").Op("*").Id("v").Op("*").Id("v")))
		}
	}
}
