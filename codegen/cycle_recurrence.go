// The recurrence cycle: one state stepped by its model, one step an
// iteration, until the condition until holds or max_iters iterations have
// been made. The condition is tested on the initial state too, so a state
// that already satisfies it needs no iteration. Stopping at max_iters
// without the condition holding is an error of the run.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// recurrenceCycle emits a recurrence.
type recurrenceCycle struct{}

func (recurrenceCycle) check(g *gen, c *ir.Cycle) {
	if !g.checkCycleCommon(c) {
		return
	}
	d, ok := c.Def.(*ir.Recurrence)
	switch {
	case !ok:
		g.internal(c.Pos, "cycle %s is not a recurrence", c.SourceName)
	case d.MaxIters < 1:
		g.internal(c.Pos, "recurrence %s has max_iters = %d", c.SourceName, d.MaxIters)
	case c.Checkpoint != 0:
		g.internal(c.Pos, "recurrence %s has checkpoint = every(%d), which the checker does not accept", c.SourceName, c.Checkpoint)
	default:
		if err := checkCond(d.Until, len(d.Step.Carrier.Dims)); err != nil {
			g.internal(c.Pos, "until of recurrence %s: %v", c.SourceName, err)
		}
	}
}

func (recurrenceCycle) emit(g *gen, c *ir.Cycle) { g.newCycleGen(c).emitRecurrence() }

// emitRecurrence declares a recurrence cycle.
func (cg *cycleGen) emitRecurrence() {
	g, c := cg.g, cg.c
	d := c.Def.(*ir.Recurrence)
	id := jen.Id
	until := condText(d.Until)
	g.f.Add(doc("%s is the cycle %s declared at %s: the recurrence x ← %s(x) from a draw of %s, "+
		"repeated until %s holds or Steps (max_iters) iterations have been made. The condition "+
		"is tested before the first iteration too. Stopping at max_iters without it is an error. "+
		"Summary.Residual is the max-norm of the last update, max_i |x_i - x'_i| with x' the "+
		"state before it.\n\n"+
		"Call Start, then Next (one iteration) until Done, or Run. It is not safe for "+
		"concurrent use.%s", c.Name, c.SourceName, g.at(c.Pos), cg.fwd.SourceName, cg.initText(), until, userDoc(c.Doc)))
	fields := []jen.Code{
		id("Steps").Int().Comment(fmt.Sprintf("the most iterations, one step of %s each (max_iters, default %d)", cg.fwd.SourceName, d.MaxIters)),
		id("Seed").Uint64().Comment(fmt.Sprintf("keys the draw of the initial state (default %d)", cg.seed())),
		id("Dir").String().Comment(`directory that data-file paths are relative to (default ".")`),
		jen.Line(),
		cg.modelField(),
		jen.Line(),
		id("X").Id(cg.st).Comment("the state"),
		jen.Line(),
		id("prev").Id(cg.st).Comment("the state before the last iteration"),
		id("residual").Float64().Comment("max |X - prev| after the last iteration, NaN before the first"),
		id("converged").Bool().Comment("whether until holds for X"),
		id("step").Int().Comment("iterations made"),
		id("started").Bool(),
	}
	fields = append(fields, cg.handoverFields()...)
	g.f.Type().Id(c.Name).Struct(append(fields, cg.historyFields()...)...)

	g.f.Add(doc("New%s returns cycle %s with the settings written in the source.", c.Name, c.Name))
	g.f.Func().Id("New" + c.Name).Params().Op("*").Id(c.Name).Block(
		jen.Return(jen.Op("&").Id(c.Name).Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true},
			id("Steps").Op(":").Lit(d.MaxIters),
			id("Seed").Op(":").Op(fmt.Sprint(cg.seed())),
			id("Dir").Op(":").Lit("."),
			id(cg.model).Op(":").Op("*").Id("New"+cg.fwd.Name).Call(),
		)),
	)
	cg.emitName()
	cg.emitSet()
	cg.emitUntil(d.Until, until)

	// Start.
	nm := g.top.fork()
	nm.take(cg.recv)
	err := nm.name("err")
	mean, pre := cg.initMean(nm)
	body := []jen.Code{
		jen.If(cg.self("Steps").Op("<").Lit(1)).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: steps = %%d, want at least 1 (it is max_iters)", c.SourceName), cg.self("Steps"))),
		),
	}
	body = append(body, cg.modelLoad(err, jen.Lit(1))...)
	body = append(body, pre...)
	body = append(body, cg.drawOrTakeOver([]jen.Code{
		jen.Qual(rtPath, "InitNormal").Call(cg.self("X").Index(jen.Op(":")), mean, cg.initStd(),
			jen.Qual(rtPath, "NewStream").Call(cg.self("Seed"), jen.Qual(rtPath, "PurposeTruthInit"), jen.Lit(0))),
	}, cg.takeState(err, cg.self("X").Index(jen.Op(":"))))...)
	body = append(body,
		jen.List(cg.self("step"), cg.self("residual"), cg.self("started")).Op("=").List(jen.Lit(0), jen.Qual("math", "NaN").Call(), jen.True()),
		cg.self("converged").Op("=").Add(cg.self("untilHolds")).Call(),
	)
	if c.History > 0 {
		body = append(body, cg.ifRecording(
			cg.recorder("State", cg.self("X").Index(jen.Op(":"))),
			jen.Return(cg.self("record").Call()),
		))
	}
	body = append(body, jen.Return(jen.Nil()))
	g.f.Add(doc("Start validates the settings, draws the initial state from the stream (Seed, " +
		"PurposeTruthInit, 0) and tests the condition on it."))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Start").Params().Error().Block(body...)

	// Next.
	nm = g.top.fork()
	nm.take(cg.recv)
	err, i, v := nm.name("err"), nm.name("i"), nm.name("v")
	body = []jen.Code{
		jen.Switch().Block(
			jen.Case(jen.Op("!").Add(cg.self("started"))).Block(
				jen.Return(jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("cycle %s: Next called before Start", c.SourceName)))),
			),
			jen.Case(cg.self("Done").Call()).Block(
				jen.Return(jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("cycle %s: Next called after the recurrence stopped", c.SourceName)))),
			),
		),
		cg.self("prev").Op("=").Add(cg.self("X")),
		cg.stepState(cg.self(cg.model), jen.Op("&").Add(cg.self("X")), jen.Float64().Call(cg.self("step")).Op("*").Id(cg.dt), err, "iteration"),
		cg.self("step").Op("++"),
		cg.self("residual").Op("=").Lit(0),
		jen.For(jen.List(id(i), id(v)).Op(":=").Range().Add(cg.self("X")).Index(jen.Op(":"))).Block(
			jen.Comment("v-v is 0 for every finite v and NaN for ±Inf and NaN."),
			jen.If(id(v).Op("-").Id(v).Op("!=").Lit(0)).Block(
				jen.Return(errorf(fmt.Sprintf("cycle %s: non-finite values in the state after iteration %%d (has the recurrence diverged?)", c.SourceName), cg.self("step"))),
			),
			cg.self("residual").Op("=").Max(cg.self("residual"), jen.Qual("math", "Abs").Call(id(v).Op("-").Add(cg.self("prev")).Index(id(i)))),
		),
		cg.self("converged").Op("=").Add(cg.self("untilHolds")).Call(),
	}
	if c.History > 0 {
		body = append(body, jen.If(cg.historyDue(c.History)).Block(
			cg.recorder("State", cg.self("X").Index(jen.Op(":"))),
			jen.If(id(err).Op(":=").Add(cg.self("record")).Call(), id(err).Op("!=").Nil()).Block(jen.Return(id(err))),
		))
	}
	body = append(body,
		jen.If(jen.Op("!").Add(cg.self("converged")).Op("&&").Add(cg.self("step")).Op(">=").Add(cg.self("Steps"))).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: did not converge after %%d iterations: %s does not hold (residual %%.3g; max_iters is the setting steps)", c.SourceName, until),
				cg.self("step"), cg.self("residual"))),
		),
		jen.Return(jen.Nil()),
	)
	g.f.Add(doc("Next makes one iteration: one step of %s, the residual and the condition. "+
		"Non-finite values (a diverged recurrence) are an error, and so is the last iteration "+
		"Steps allows when the condition still does not hold. It allocates nothing.", cg.fwd.SourceName))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Next").Params().Error().Block(body...)

	g.f.Add(doc("Done reports whether the condition holds or Steps iterations have been made."))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Done").Params().Bool().Block(
		jen.Return(cg.self("converged").Op("||").Add(cg.self("step")).Op(">=").Add(cg.self("Steps"))),
	)
	cg.emitHandover("the state X", "the state", cg.handoverState)
	cg.emitHistory("", false)
	cg.emitRun("step", string(c.Kind()), func(sum, _ string) []jen.Code {
		return []jen.Code{
			jen.List(id(sum).Dot("HasRecurrence"), id(sum).Dot("Iterations"), id(sum).Dot("Converged"), id(sum).Dot("Residual")).Op("=").
				List(jen.True(), cg.self("step"), cg.self("converged"), cg.self("residual")),
			id(sum).Dot("FinalState").Op("=").Append(jen.Index().Float64().Parens(jen.Nil()), cg.self("X").Index(jen.Op(":")).Op("...")),
		}
	})
}

// emitUntil writes untilHolds, the recurrence's condition as Go.
func (cg *cycleGen) emitUntil(until ir.Expr, text string) {
	g, c := cg.g, cg.c
	nm := g.top.fork()
	nm.take(cg.recv)
	x := nm.name(cg.fwd.Var)
	car := cg.fwd.Carrier
	env := &exprEnv{in: cg.fwd.Var, arr: x, dims: car.Dims, bounds: car.Bounds, g: g}
	cond, _ := env.cond(until)
	g.f.Add(doc("untilHolds reports whether the stop condition of %s holds for X: until = %s.", c.Name, text))
	g.f.Func().Params(jen.Id(cg.recv).Op("*").Id(c.Name)).Id("untilHolds").Params().Bool().Block(
		jen.Id(x).Op(":=").Op("&").Add(cg.self("X")),
		jen.Return(cond),
	)
}
