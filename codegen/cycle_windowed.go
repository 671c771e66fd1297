// The windowed cycle, "any step over rolling windows": a reference run of
// the step model, and every stride steps a forecast of window steps by the
// step model started from the reference state, scored against the
// reference at each lead time. The reference runs with the model's
// parameters as the source writes them (the field Reference) and the
// forecasts with the run-time ones (the model's settings), so that a
// forecast model set apart from the reference (--set F=8.5) is scored
// against it; with the same parameters the forecasts are the reference to
// the bit. Next advances the reference and every window in flight by one
// model step.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// windowedCycle emits a windowed cycle.
type windowedCycle struct{}

func (windowedCycle) check(g *gen, c *ir.Cycle) {
	if !g.checkCycleCommon(c) {
		return
	}
	d, ok := c.Def.(*ir.Windowed)
	switch {
	case !ok:
		g.internal(c.Pos, "cycle %s is not windowed", c.SourceName)
	case d.Window < 1 || d.Stride < 1 || d.Stride > d.Window:
		g.internal(c.Pos, "windowed %s has window = %d and stride = %d", c.SourceName, d.Window, d.Stride)
	}
}

func (windowedCycle) emit(g *gen, c *ir.Cycle) { g.newCycleGen(c).emitWindowed() }

// emitWindowed declares a windowed cycle.
func (cg *cycleGen) emitWindowed() {
	g, c := cg.g, cg.c
	d := c.Def.(*ir.Windowed)
	id := jen.Id
	w, s := d.Window, d.Stride
	slots := (w + s - 1) / s // windows in flight at once
	ref := "Reference"
	if cg.model == ref || cg.model == "Forecasts" {
		cg.model = "Model"
	}
	g.f.Add(doc("%s is the cycle %s declared at %s: a reference run of %s from a draw of %s and, "+
		"every %d steps while it fits in the run, a forecast of %d steps by %s started from the "+
		"reference state, scored against the reference at each lead time (Summary.RMSEByLead; "+
		"cycrt.LeadScores). The reference runs with Reference, the model's parameters as the "+
		"source writes them, and the forecasts with %s, whose parameters are the run-time "+
		"settings: with the same parameters the forecasts are the reference to the bit.\n\n"+
		"Call Start, then Next (one model step of the reference and of every window in flight) "+
		"until Done, or Run. It is not safe for concurrent use.%s",
		c.Name, c.SourceName, g.at(c.Pos), cg.fwd.SourceName, cg.initText(), s, w, cg.fwd.SourceName, cg.model, userDoc(c.Doc)))
	fields := []jen.Code{
		id("Steps").Int().Comment(fmt.Sprintf("model steps of the reference run (default %d)", c.Steps)),
		id("Seed").Uint64().Comment(fmt.Sprintf("keys the draw of the initial state (default %d)", cg.seed())),
		id("Dir").String().Comment(`directory that data-file paths are relative to (default ".")`),
		jen.Line(),
		cg.modelField(),
		id(ref).Id(cg.fwd.Name).Comment(fmt.Sprintf("the model the reference runs with: %s with the parameters the source writes, unless changed here", cg.fwd.SourceName)),
		jen.Line(),
		id("X").Id(cg.st).Comment("the reference state"),
		id("Forecasts").Op("*").Qual(rtPath, "Ensemble").Comment(fmt.Sprintf("the forecasts in flight: the window started at step %d·k in row k mod %d; allocated by Start", s, slots)),
		jen.Line(),
		id("scores").Op("*").Qual(rtPath, "LeadScores").Comment("the RMSE against the reference by lead time"),
		id("step").Int().Comment("model steps of the reference done"),
		id("started").Bool(),
	}
	fields = append(fields, cg.handoverFields()...)
	g.f.Type().Id(c.Name).Struct(append(fields, cg.historyFields()...)...)
	cg.g.f.Add(doc("New%s returns cycle %s with the settings written in the source.", c.Name, c.Name))
	cg.g.f.Func().Id("New" + c.Name).Params().Op("*").Id(c.Name).Block(
		jen.Return(jen.Op("&").Id(c.Name).Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true},
			id("Steps").Op(":").Lit(c.Steps),
			id("Seed").Op(":").Op(fmt.Sprint(cg.seed())),
			id("Dir").Op(":").Lit("."),
			id(cg.model).Op(":").Op("*").Id("New"+cg.fwd.Name).Call(),
			id(ref).Op(":").Op("*").Id("New"+cg.fwd.Name).Call(),
		)),
	)
	cg.emitName()
	cg.emitSet()

	// Start.
	nm := g.top.fork()
	nm.take(cg.recv)
	err := nm.name("err")
	mean, pre := cg.initMean(nm)
	body := []jen.Code{
		jen.If(cg.self("Steps").Op("<").Lit(w)).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: steps = %%d leaves no window of %d steps", c.SourceName, w), cg.self("Steps"))),
		),
	}
	body = append(body, cg.modelLoad(err, jen.Lit(1))...)
	if apiOf(cg.fwd).load {
		body = append(body, jen.If(id(err).Op(":=").Add(cg.self(ref)).Dot("Load").Call(cg.self("Dir"), jen.Lit(1)), id(err).Op("!=").Nil()).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: reference: %%w", c.SourceName), id(err))),
		))
	}
	body = append(body, pre...)
	body = append(body, cg.drawOrTakeOver([]jen.Code{
		jen.Qual(rtPath, "InitNormal").Call(cg.self("X").Index(jen.Op(":")), mean, cg.initStd(),
			jen.Qual(rtPath, "NewStream").Call(cg.self("Seed"), jen.Qual(rtPath, "PurposeTruthInit"), jen.Lit(0))),
	}, cg.takeState(err, cg.self("X").Index(jen.Op(":"))))...)
	body = append(body,
		cg.self("Forecasts").Op("=").Qual(rtPath, "NewEnsemble").Call(jen.Lit(slots), id(cg.fwd.Carrier.Name+"Size")),
		cg.self("scores").Op("=").Qual(rtPath, "NewLeadScores").Call(jen.Lit(w)),
		jen.List(cg.self("step"), cg.self("started")).Op("=").List(jen.Lit(0), jen.True()),
	)
	if c.History > 0 {
		body = append(body, cg.ifRecording(
			cg.recorder("State", cg.self("X").Index(jen.Op(":"))),
			jen.Return(cg.self("record").Call()),
		))
	}
	body = append(body, jen.Return(jen.Nil()))
	g.f.Add(doc("Start validates the settings, draws the reference's initial state from the stream " +
		"(Seed, PurposeTruthInit, 0) and allocates the forecasts and the scores once."))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Start").Params().Error().Block(body...)

	// Next.
	nm = g.top.fork()
	nm.take(cg.recv)
	err, t, k, x, v, e := nm.name("err"), nm.name("t"), nm.name("k"), nm.name("x"), nm.name("v"), nm.name("e")
	lead := cg.self("step").Op("-").Lit(s).Op("*").Id(k)
	body = []jen.Code{
		jen.If(jen.Op("!").Add(cg.self("started"))).Block(
			jen.Return(jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("cycle %s: Next called before Start", c.SourceName)))),
		),
		id(t).Op(":=").Float64().Call(cg.self("step")).Op("*").Id(cg.dt),
		jen.Comment(fmt.Sprintf("A window starts from the reference state every %d steps, while it fits in the run.", s)),
		jen.If(cg.self("step").Op("%").Lit(s).Op("==").Lit(0).Op("&&").Add(cg.self("step")).Op("+").Lit(w).Op("<=").Add(cg.self("Steps"))).Block(
			jen.Copy(cg.self("Forecasts").Dot("Member").Call(cg.self("step").Op("/").Lit(s).Op("%").Lit(slots)), cg.self("X").Index(jen.Op(":"))),
		),
		cg.stepWith(cg.fwd, cg.self(ref), jen.Op("&").Add(cg.self("X")), id(t), err, "reference"),
		cg.self("step").Op("++"),
		jen.Comment("v-v is 0 for every finite v and NaN for ±Inf and NaN."),
		jen.For(jen.List(jen.Id("_"), id(v)).Op(":=").Range().Add(cg.self("X")).Index(jen.Op(":"))).Block(
			jen.If(id(v).Op("-").Id(v).Op("!=").Lit(0)).Block(
				jen.Return(errorf(fmt.Sprintf("cycle %s: non-finite values in the reference at step %%d (has the model diverged?)", c.SourceName), cg.self("step"))),
			),
		),
		jen.Line(),
		jen.Comment(fmt.Sprintf("Advance every window in flight, the newest first: window k started at step %d·k", s)),
		jen.Comment(fmt.Sprintf("and is now at lead step - %d·k (1…%d); windows that did not fit never started.", s, w)),
		jen.For(id(k).Op(":=").Parens(cg.self("step").Op("-").Lit(1)).Op("/").Lit(s), id(k).Op(">=").Lit(0).Op("&&").Add(lead.Clone()).Op("<=").Lit(w), id(k).Op("--")).Block(
			jen.If(jen.Lit(s).Op("*").Id(k).Op("+").Lit(w).Op(">").Add(cg.self("Steps"))).Block(jen.Continue()),
			id(x).Op(":=").Parens(jen.Op("*").Id(cg.st)).Call(cg.self("Forecasts").Dot("Member").Call(id(k).Op("%").Lit(slots))),
			cg.stepState(cg.self(cg.model), id(x), id(t), err, "forecast"),
			jen.If(id(e).Op(":=").Add(cg.self("scores")).Dot("Add").Call(lead.Clone(), id(x).Index(jen.Op(":")), cg.self("X").Index(jen.Op(":"))), id(e).Op("-").Id(e).Op("!=").Lit(0)).Block(
				jen.Return(errorf(fmt.Sprintf("cycle %s: non-finite values in the forecast started at step %%d, at lead %%d (has the model diverged?)", c.SourceName), jen.Lit(s).Op("*").Id(k), lead.Clone())),
			),
		),
	}
	if c.History > 0 {
		body = append(body, jen.If(cg.historyDue(c.History)).Block(
			cg.recorder("State", cg.self("X").Index(jen.Op(":"))),
			jen.Return(cg.self("record").Call()),
		))
	}
	body = append(body, jen.Return(jen.Nil()))
	g.f.Add(doc("Next advances the reference by one model step, starting a window from it first "+
		"when one is due, and every window in flight by one step of %s, scoring it at its lead "+
		"time. Non-finite values (a diverged model) are an error. It allocates nothing.", cg.fwd.SourceName))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Next").Params().Error().Block(body...)

	cg.emitStepDone()
	cg.emitHandover("the reference state X", "the reference state", cg.handoverState)
	cg.emitHistory("", false)
	cg.emitCheckpoint("model steps",
		statePart{name: "counters", counters: []string{"step"}, what: "the model steps done"},
		statePart{name: "state", floats: cg.self("X").Index(jen.Op(":")), what: "the reference state"},
		statePart{name: "forecasts", floats: cg.self("Forecasts").Dot("Data"), what: "the forecasts in flight"},
		statePart{name: "scores", stats: "scores", what: "the scores by lead time"},
	)
	cg.emitRun("step", string(c.Kind()), func(sum, _ string) []jen.Code {
		return []jen.Code{cg.self("scores").Dot("Fill").Call(id(sum), jen.Lit(s))}
	})
}
