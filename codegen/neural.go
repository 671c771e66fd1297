// Neural forward models: a struct holding the runtime's dense network,
// whose weights Load reads once; Step evaluates one state and
// StepEnsemble the whole ensemble, one matrix product per layer.
package codegen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// neuralModel emits neural "weights.safetensors".
type neuralModel struct{}

func (neuralModel) check(g *gen, m *ir.Forward) {
	d := m.Def.(*ir.Neural)
	if d.Path == "" {
		g.internal(m.Pos, "neural forward %s has no weights file", m.SourceName)
	}
	if !(m.DT > 0) {
		g.internal(m.Pos, "forward %s has dt = %v", m.SourceName, m.DT)
	}
}

// networkText describes a network for comments: "40→64→64→40 (tanh,
// tanh, linear)", or the file when the header was not read.
func networkText(d *ir.Neural) string {
	if len(d.Widths) == 0 {
		return fmt.Sprintf("a dense network read from %q", d.Path)
	}
	ws := make([]string, len(d.Widths))
	for i, w := range d.Widths {
		ws[i] = fmt.Sprint(w)
	}
	return fmt.Sprintf("the dense network %s (%s) read from %q", strings.Join(ws, "→"), strings.Join(d.Activations, ", "), d.Path)
}

func (neuralModel) emit(g *gen, m *ir.Forward) {
	d := m.Def.(*ir.Neural)
	st, dtName := m.Carrier.Name, m.Name+"DT"
	id := jen.Id
	apply := "net(x)"
	if d.Residual {
		apply = "x + net(x)"
	}
	g.f.Add(doc("%s is the forward model %s declared at %s: %s by Load, one step of %s being "+
		"%s. It is not safe for concurrent use.%s",
		m.Name, m.SourceName, g.at(m.Pos), networkText(d), dtName, apply, userDoc(m.Doc)))
	g.f.Type().Id(m.Name).Struct(
		id("net").Op("*").Qual(rtPath, "Network").Comment("the weights, read by Load"),
	)

	g.f.Add(doc("%s is the model time advanced by one %s.Step.", dtName, m.Name))
	dt, _ := num(m.DT, true)
	g.f.Const().Id(dtName).Op("=").Add(dt)

	g.f.Add(doc("New%s returns %s without its weights: call Load before stepping it.", m.Name, m.Name))
	g.f.Func().Id("New" + m.Name).Params().Op("*").Id(m.Name).Block(
		jen.Return(jen.Op("&").Id(m.Name).Values()),
	)

	notLoaded := func(recv string) jen.Code {
		return jen.If(id(recv).Dot("net").Op("==").Nil()).Block(
			jen.Return(jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("forward %s: stepped before Load", m.SourceName)))),
		)
	}

	// Load.
	nm := g.top.fork()
	recv, dir, members, net, err := nm.name("m"), nm.name("dir"), nm.name("members"), nm.name("net"), nm.name("err")
	g.f.Add(doc("Load reads the weights from %q under %s, the directory that data-file paths are "+
		"relative to, and prepares to step up to %s states at once. The widths are checked "+
		"against %s again, in case the file changed since it was compiled.", d.Path, dir, members, st))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("Load").Params(id(dir).String(), id(members).Int()).Error().Block(
		jen.List(id(net), id(err)).Op(":=").Qual(rtPath, "NewNetwork").Call(dataPath(id(dir), d.Path), id(st+"Size"), id(members), jen.Lit(d.Residual)),
		jen.If(id(err).Op("!=").Nil()).Block(
			jen.Return(errorf(fmt.Sprintf("forward %s: %%w", m.SourceName), id(err))),
		),
		id(recv).Dot("net").Op("=").Id(net),
		jen.Return(jen.Nil()),
	)

	// Step.
	nm = g.top.fork()
	recv, x, t := nm.name("m"), nm.name(m.Var), nm.name("t")
	g.f.Add(doc("Step advances %s by one step of %s: %s ← %s. The network does not read the "+
		"model time %s.", x, dtName, x, strings.ReplaceAll(apply, "x", x), t))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("Step").Params(id(x).Op("*").Id(st), id(t).Float64()).Error().Block(
		notLoaded(recv),
		jen.Return(id(recv).Dot("net").Dot("Step").Call(id(x).Index(jen.Op(":")))),
	)

	// StepEnsemble.
	nm = g.top.fork()
	recv, e, t := nm.name("m"), nm.name("E"), nm.name("t")
	g.f.Add(doc("StepEnsemble advances every member of %s by one step of %s, with one matrix "+
		"product per layer for the whole ensemble.", e, dtName))
	g.f.Func().Params(id(recv).Op("*").Id(m.Name)).Id("StepEnsemble").Params(id(e).Op("*").Qual(rtPath, "Ensemble"), id(t).Float64()).Error().Block(
		notLoaded(recv),
		jen.Return(id(recv).Dot("net").Dot("StepEnsemble").Call(id(e))),
	)
}
