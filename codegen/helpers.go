// Package-level helpers of generated files (cycWrap, cycSquare, the
// setting parsers), each emitted only when the file uses it.
package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// helperOrder fixes the order helpers appear in, so output never depends
// on map iteration.
var helperOrder = []string{"cycWrap", "cycSquare", "cycCube", "cycSetInt", "cycSetSeed", "cycSetFloat", "cycSetPath"}

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
		case "cycSetInt":
			g.f.Add(doc("cycSetInt parses the value of setting name as %s into dst.", ir.SettingInt))
			g.f.Func().Id(h).Params(id("dst").Op("*").Int(), jen.List(id("name"), id("value")).String()).Error().Block(
				jen.List(id("v"), id("err")).Op(":=").Qual("strconv", "Atoi").Call(id("value")),
				jen.If(id("err").Op("!=").Nil().Op("||").Id("v").Op("<").Lit(0)).Block(
					jen.Return(errorf("setting %s wants "+ir.SettingInt.String()+", not %q", id("name"), id("value"))),
				),
				jen.Op("*").Id("dst").Op("=").Id("v"),
				jen.Return(jen.Nil()),
			)
		case "cycSetSeed":
			g.f.Add(doc("cycSetSeed parses the value of setting name as %s into dst.", ir.SettingSeed))
			g.f.Func().Id(h).Params(id("dst").Op("*").Uint64(), jen.List(id("name"), id("value")).String()).Error().Block(
				jen.List(id("v"), id("err")).Op(":=").Qual("strconv", "ParseUint").Call(id("value"), jen.Lit(10), jen.Lit(64)),
				jen.If(id("err").Op("!=").Nil()).Block(
					jen.Return(errorf("setting %s wants "+ir.SettingSeed.String()+", not %q", id("name"), id("value"))),
				),
				jen.Op("*").Id("dst").Op("=").Id("v"),
				jen.Return(jen.Nil()),
			)
		case "cycSetFloat":
			g.f.Add(doc("cycSetFloat parses the value of setting name as %s (finite) into dst.", ir.SettingFloat))
			g.f.Func().Id(h).Params(id("dst").Op("*").Float64(), jen.List(id("name"), id("value")).String()).Error().Block(
				jen.List(id("v"), id("err")).Op(":=").Qual("strconv", "ParseFloat").Call(id("value"), jen.Lit(64)),
				jen.If(id("err").Op("!=").Nil().Op("||").Qual("math", "IsNaN").Call(id("v")).Op("||").Qual("math", "IsInf").Call(id("v"), jen.Lit(0))).Block(
					jen.Return(errorf("setting %s wants "+ir.SettingFloat.String()+", not %q", id("name"), id("value"))),
				),
				jen.Op("*").Id("dst").Op("=").Id("v"),
				jen.Return(jen.Nil()),
			)
		case "cycSetPath":
			g.f.Add(doc("cycSetPath sets the value of setting name, %s, into dst.", ir.SettingPath))
			g.f.Func().Id(h).Params(id("dst").Op("*").String(), jen.List(id("name"), id("value")).String()).Error().Block(
				jen.If(id("value").Op("==").Lit("")).Block(
					jen.Return(errorf("setting %s wants "+ir.SettingPath.String()+", not an empty string", id("name"))),
				),
				jen.Op("*").Id("dst").Op("=").Id("value"),
				jen.Return(jen.Nil()),
			)
		}
	}
}
