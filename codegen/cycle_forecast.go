// The forecast and ensemble_forecast cycles: one trajectory, or an
// ensemble, stepped from the initial distribution with no observations.
// Next advances one model step.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// emitEnsembleForecast declares an ensemble_forecast cycle.
func (cg *cycleGen) emitEnsembleForecast() {
	g, c := cg.g, cg.c
	id := jen.Id
	cg.emitMembersConst()
	g.f.Add(doc("%s is the cycle %s declared at %s: an ensemble of %s members of %s drawn from "+
		"%s and stepped forward with no observations. Summary.SpreadForecast is the time mean "+
		"of the ensemble spread after each step.\n\n"+
		"Call Start, then Next (one model step) until Done, or Run. It is not safe for "+
		"concurrent use.%s", c.Name, c.SourceName, g.at(c.Pos), cg.membersConst(), cg.fwd.SourceName, cg.initText(), userDoc(c.Doc)))
	fields := []jen.Code{
		id("Steps").Int().Comment(fmt.Sprintf("model steps (default %d)", c.Steps)),
		id("Seed").Uint64().Comment(fmt.Sprintf("keys the draws of the members (default %d)", cg.seed())),
		id("Dir").String().Comment(`directory that data-file paths are relative to (default ".")`),
		jen.Line(),
		cg.modelField(),
		jen.Line(),
		id("E").Op("*").Qual(rtPath, "Ensemble").Comment("the ensemble, one member per row; allocated by Start"),
		jen.Line(),
		id("spreadSum").Float64().Comment("sum of the spread after each step"),
		id("step").Int().Comment("model steps done"),
		id("started").Bool(),
	}
	fields = append(fields, cg.handoverFields()...)
	g.f.Type().Id(c.Name).Struct(append(fields, cg.historyFields()...)...)
	cg.emitConstructor()
	cg.emitName()
	cg.emitSet()

	// Start.
	nm := g.top.fork()
	nm.take(cg.recv)
	s, k := nm.name("s"), nm.name("k")
	mean, pre := cg.initMean(nm)
	std := cg.initStd()
	body := []jen.Code{
		jen.If(cg.self("Steps").Op("<").Lit(0)).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: steps = %%d, want at least 0", c.SourceName), cg.self("Steps"))),
		),
		cg.self("E").Op("=").Qual(rtPath, "NewEnsemble").Call(id(cg.membersConst()), id(cg.fwd.Carrier.Name+"Size")),
	}
	err := nm.name("err")
	body = append(body, cg.modelLoad(err, id(cg.membersConst()))...)
	body = append(body, pre...)
	body = append(body, cg.drawOrTakeOver([]jen.Code{
		id(s).Op(":=").Qual(rtPath, "NewStream").Call(cg.self("Seed"), jen.Qual(rtPath, "PurposeEnsembleInit"), jen.Lit(0)),
		jen.For(id(k).Op(":=").Range().Id(cg.membersConst())).Block(
			id(s).Dot("Reset").Call(cg.self("Seed"), jen.Qual(rtPath, "PurposeEnsembleInit"), jen.Uint64().Call(id(k))),
			jen.Qual(rtPath, "InitNormal").Call(cg.self("E").Dot("Member").Call(id(k)), mean, std, id(s)),
		),
	}, cg.takeEnsemble(err, std))...)
	body = append(body,
		jen.List(cg.self("step"), cg.self("spreadSum"), cg.self("started")).Op("=").List(jen.Lit(0), jen.Lit(0), jen.True()),
	)
	if c.History > 0 {
		body = append(body, cg.ifRecording(
			cg.recorder("Forecast", cg.self("E")),
			jen.Return(cg.self("record").Call()),
		))
	}
	body = append(body, jen.Return(jen.Nil()))
	g.f.Add(doc("Start validates the settings, allocates the ensemble E once and draws member k " +
		"from the stream (Seed, PurposeEnsembleInit, k)."))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Start").Params().Error().Block(body...)

	// Next.
	nm = g.top.fork()
	nm.take(cg.recv)
	m, t := nm.name("m"), nm.name("t")
	k = nm.name("k")
	err = nm.name("err")
	spread := nm.name("spread")
	body = []jen.Code{
		jen.If(jen.Op("!").Add(cg.self("started"))).Block(
			jen.Return(jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("cycle %s: Next called before Start", c.SourceName)))),
		),
		id(m).Op(":=").Op("&").Add(cg.self(cg.model)),
		id(t).Op(":=").Float64().Call(cg.self("step")).Op("*").Id(cg.dt),
	}
	body = append(body, cg.stepMembers(nm, m, id(t), nil, err, "", k)...)
	body = append(body,
		cg.self("step").Op("++"),
		id(spread).Op(":=").Add(cg.self("E")).Dot("Spread").Call(),
		jen.If(jen.Qual("math", "IsNaN").Call(id(spread)).Op("||").Qual("math", "IsInf").Call(id(spread), jen.Lit(0))).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: non-finite values in the ensemble at step %%d (has the model diverged?)", c.SourceName), cg.self("step"))),
		),
		cg.self("spreadSum").Op("+=").Id(spread),
	)
	if c.History > 0 {
		body = append(body, jen.If(cg.historyDue(c.History)).Block(
			cg.recorder("Forecast", cg.self("E")),
			jen.Return(cg.self("record").Call()),
		))
	}
	body = append(body, jen.Return(jen.Nil()))
	g.f.Add(doc("Next advances every member by one model step and accumulates the spread; " +
		"non-finite values (a diverged model) are an error. It allocates nothing."))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Next").Params().Error().Block(body...)

	cg.emitStepDone()
	cg.emitHandover("the ensemble E and its mean", "the members", func(h string) []jen.Code {
		return []jen.Code{jen.Id(h).Dot("SetEnsemble").Call(cg.self("E"))}
	})
	cg.emitHistory("", false)
	cg.emitCheckpoint("model steps",
		statePart{name: "counters", counters: []string{"step"}, what: "the model steps done"},
		statePart{name: "spread_sum", scalars: []string{"spreadSum"}, what: "the sum of the spreads"},
		statePart{name: "ensemble", floats: cg.self("E").Dot("Data"), what: "the ensemble"},
	)
	cg.emitRun("step", string(c.Kind()), func(sum, err string) []jen.Code {
		return []jen.Code{jen.If(cg.self("step").Op(">").Lit(0)).Block(
			id(sum).Dot("SpreadForecast").Op("=").Add(cg.self("spreadSum")).Op("/").Float64().Call(cg.self("step")),
		)}
	})
}

// emitForecast declares a forecast cycle.
func (cg *cycleGen) emitForecast() {
	g, c := cg.g, cg.c
	id := jen.Id
	f, _ := c.Def.(*ir.Forecast)
	var clim *ir.Climatology
	if f != nil {
		clim = f.Climatology
	}
	climDoc := ""
	if clim != nil {
		climDoc = "\n\nIts climatology is the sample of the states after model steps Spinup+1 … " +
			"Steps. When Next makes the last of the Steps model steps it writes the sample mean " +
			"to ClimMean and the unbiased sample covariance to ClimCov, for an oi or var3d " +
			"analysis to read as its mean and B; each file replaces any file of its name atomically."
	}
	g.f.Add(doc("%s is the cycle %s declared at %s: one trajectory of %s drawn from %s and "+
		"stepped forward with no observations.%s\n\n"+
		"Call Start, then Next (one model step) until Done, or Run. It is not safe for "+
		"concurrent use.%s", c.Name, c.SourceName, g.at(c.Pos), cg.fwd.SourceName, cg.initText(), climDoc, userDoc(c.Doc)))
	fields := []jen.Code{
		id("Steps").Int().Comment(fmt.Sprintf("model steps (default %d)", c.Steps)),
	}
	var settings []jen.Code
	if clim != nil {
		fields = append(fields,
			id("Spinup").Int().Comment(fmt.Sprintf("model steps left out of the climatology (default %d)", f.Spinup)),
			id("ClimMean").String().Comment(fmt.Sprintf("file the climatological mean is written to, relative to Dir unless absolute (default %q)", clim.MeanPath)),
			id("ClimCov").String().Comment(fmt.Sprintf("file the climatological covariance is written to, likewise (default %q)", clim.CovPath)),
		)
		settings = []jen.Code{
			id("Spinup").Op(":").Lit(f.Spinup),
			id("ClimMean").Op(":").Lit(clim.MeanPath),
			id("ClimCov").Op(":").Lit(clim.CovPath),
		}
	}
	fields = append(fields,
		id("Seed").Uint64().Comment(fmt.Sprintf("keys the draw of the initial state (default %d)", cg.seed())),
		id("Dir").String().Comment(`directory that data-file paths are relative to (default ".")`),
		jen.Line(),
		cg.modelField(),
		jen.Line(),
		id("X").Id(cg.st).Comment("the state"),
		jen.Line(),
	)
	if clim != nil {
		fields = append(fields, id("clim").Op("*").Qual(rtPath, "Climatology").Comment("the sample of the states after step Spinup; allocated by Start"))
	}
	fields = append(fields,
		id("step").Int().Comment("model steps done"),
		id("started").Bool(),
	)
	fields = append(fields, cg.handoverFields()...)
	g.f.Type().Id(c.Name).Struct(append(fields, cg.historyFields()...)...)
	cg.emitConstructor(settings...)
	cg.emitName()
	cg.emitSet()

	// Start.
	nm := g.top.fork()
	nm.take(cg.recv)
	mean, pre := cg.initMean(nm)
	body := []jen.Code{
		jen.If(cg.self("Steps").Op("<").Lit(0)).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: steps = %%d, want at least 0", c.SourceName), cg.self("Steps"))),
		),
	}
	startDoc := "Start validates the settings and draws the initial state from the stream (Seed, PurposeTruthInit, 0)."
	if clim != nil {
		body = append(body,
			jen.If(cg.self("Spinup").Op("<").Lit(0).Op("||").Add(cg.self("Steps")).Op("-").Add(cg.self("Spinup")).Op("<").Lit(2)).Block(
				jen.Return(errorf(fmt.Sprintf("cycle %s: steps = %%d and spinup = %%d leave %%d states for the climatology, "+
					"but a sample covariance needs at least 2", c.SourceName),
					cg.self("Steps"), cg.self("Spinup"), cg.self("Steps").Op("-").Add(cg.self("Spinup")))),
			),
			cg.self("clim").Op("=").Qual(rtPath, "NewClimatology").Call(id(cg.fwd.Carrier.Name+"Size")),
		)
		startDoc = "Start validates the settings, makes an empty climatology and draws the initial " +
			"state from the stream (Seed, PurposeTruthInit, 0)."
	}
	err := nm.name("err")
	body = append(body, cg.modelLoad(err, jen.Lit(1))...)
	body = append(body, pre...)
	body = append(body, cg.drawOrTakeOver([]jen.Code{
		jen.Qual(rtPath, "InitNormal").Call(cg.self("X").Index(jen.Op(":")), mean, cg.initStd(),
			jen.Qual(rtPath, "NewStream").Call(cg.self("Seed"), jen.Qual(rtPath, "PurposeTruthInit"), jen.Lit(0))),
	}, cg.takeState(err, cg.self("X").Index(jen.Op(":"))))...)
	body = append(body,
		jen.List(cg.self("step"), cg.self("started")).Op("=").List(jen.Lit(0), jen.True()),
	)
	if c.History > 0 {
		body = append(body, cg.ifRecording(
			cg.recorder("State", cg.self("X").Index(jen.Op(":"))),
			jen.Return(cg.self("record").Call()),
		))
	}
	body = append(body, jen.Return(jen.Nil()))
	g.f.Add(doc("%s", startDoc))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Start").Params().Error().Block(body...)

	// Next.
	nm = g.top.fork()
	nm.take(cg.recv)
	err, v := nm.name("err"), nm.name("v")
	body = []jen.Code{
		jen.If(jen.Op("!").Add(cg.self("started"))).Block(
			jen.Return(jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("cycle %s: Next called before Start", c.SourceName)))),
		),
		cg.stepState(cg.self(cg.model), jen.Op("&").Add(cg.self("X")), jen.Float64().Call(cg.self("step")).Op("*").Id(cg.dt), err, "forecast"),
		cg.self("step").Op("++"),
		jen.Comment("v-v is 0 for every finite v and NaN for ±Inf and NaN."),
		jen.For(jen.List(jen.Id("_"), id(v)).Op(":=").Range().Add(cg.self("X")).Index(jen.Op(":"))).Block(
			jen.If(id(v).Op("-").Id(v).Op("!=").Lit(0)).Block(
				jen.Return(errorf(fmt.Sprintf("cycle %s: non-finite values in the state at step %%d (has the model diverged?)", c.SourceName), cg.self("step"))),
			),
		),
	}
	nextDoc := "Next advances the state by one model step; non-finite values (a diverged " +
		"model) are an error. It allocates nothing."
	if clim != nil {
		body = append(body,
			jen.If(cg.self("step").Op(">").Add(cg.self("Spinup"))).Block(
				cg.self("clim").Dot("Add").Call(cg.self("X").Index(jen.Op(":"))),
			),
			jen.If(cg.self("step").Op("==").Add(cg.self("Steps"))).Block(
				jen.If(id(err).Op(":=").Add(cg.self("writeClimatology")).Call(), id(err).Op("!=").Nil()).Block(
					jen.Return(id(err)),
				),
			),
		)
		nextDoc = "Next advances the state by one model step and, past step Spinup, adds it to " +
			"the climatology; the last of the Steps model steps writes the climatology's files. " +
			"Non-finite values (a diverged model) and a file that cannot be written are errors. " +
			"Only the last step allocates."
	}
	if c.History > 0 {
		body = append(body, jen.If(cg.historyDue(c.History)).Block(
			cg.recorder("State", cg.self("X").Index(jen.Op(":"))),
			jen.Return(cg.self("record").Call()),
		))
	}
	body = append(body, jen.Return(jen.Nil()))
	g.f.Add(doc("%s", nextDoc))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Next").Params().Error().Block(body...)

	if clim != nil {
		cg.emitWriteClimatology()
	}
	cg.emitStepDone()
	cg.emitHandover("the state X", "the state", cg.handoverState)
	cg.emitHistory("", false)
	parts := []statePart{
		{name: "counters", counters: []string{"step"}, what: "the model steps done"},
		{name: "state", floats: cg.self("X").Index(jen.Op(":")), what: "the state"},
	}
	if clim != nil {
		parts = append(parts, statePart{name: "climatology", stats: "clim", what: "the climatology's sample",
			restored: cg.checkClimatologyCount()})
	}
	cg.emitCheckpoint("model steps", parts...)
	// The summary's Spinup counts analyses; a forecast has none, and
	// its text form would misreport the climatology's spin-up.
	cg.emitRun("step", string(c.Kind()), func(sum, err string) []jen.Code { return nil })
}

// emitWriteClimatology writes the method a climatology forecast's last
// Next calls, and the one place its files' paths are worked out.
func (cg *cycleGen) emitWriteClimatology() {
	g, c := cg.g, cg.c
	id := jen.Id
	p := "p"
	g.f.Add(doc("underDir is the path p under Dir, or p itself when it is absolute."))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("underDir").Params(id(p).String()).String().Block(
		jen.If(jen.Qual("path/filepath", "IsAbs").Call(id(p))).Block(jen.Return(id(p))),
		jen.Return(jen.Qual("path/filepath", "Join").Call(cg.self("Dir"), id(p))),
	)

	nm := g.top.fork()
	nm.take(cg.recv)
	err := nm.name("err")
	g.f.Add(doc("writeClimatology writes the sample mean to ClimMean and the sample covariance " +
		"to ClimCov; both are written in full before either replaces its file, so a failure " +
		"leaves the previous files as they were."))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("writeClimatology").Params().Error().Block(
		jen.If(id(err).Op(":=").Add(cg.self("clim")).Dot("WriteFiles").Call(
			cg.self("underDir").Call(cg.self("ClimMean")), cg.self("underDir").Call(cg.self("ClimCov")),
		), id(err).Op("!=").Nil()).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: %%w", c.SourceName), id(err))),
		),
		jen.Return(jen.Nil()),
	)
}

// checkClimatologyCount is what RestoreState runs after restoring a
// climatology: the sample must hold exactly the states after step Spinup
// of the steps done, or the files the run writes would be wrong (a
// checkpoint of another spin-up, say).
func (cg *cycleGen) checkClimatologyCount() []jen.Code {
	c := cg.c
	want := jen.Max(cg.self("step").Op("-").Add(cg.self("Spinup")), jen.Lit(0))
	return []jen.Code{
		jen.If(jen.List(jen.Id("have"), jen.Id("want")).Op(":=").List(cg.self("clim").Dot("Count").Call(), want),
			jen.Id("have").Op("!=").Id("want")).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: the checkpoint's climatology holds %%d states, but %%d model steps "+
				"after spinup = %%d make %%d", c.SourceName), jen.Id("have"), cg.self("step"), cg.self("Spinup"), jen.Id("want"))),
		),
	}
}

// emitStepDone writes Done for the cycles whose Next is one model step.
func (cg *cycleGen) emitStepDone() {
	cg.g.f.Add(doc("Done reports whether all Steps model steps have been made."))
	cg.g.f.Func().Params(jen.Id(cg.recv).Op("*").Id(cg.c.Name)).Id("Done").Params().Bool().Block(
		jen.Return(cg.self("step").Op(">=").Add(cg.self("Steps"))),
	)
}

// historyDue is the condition under which a forecast cycle records history
// after a model step: a history writer is set and the step is a multiple
// of every (always, when every is 1).
func (cg *cycleGen) historyDue(every int) *jen.Statement {
	cond := cg.self("history").Op("!=").Nil()
	if every == 1 {
		return cond
	}
	return cond.Op("&&").Add(cg.self("step")).Op("%").Lit(every).Op("==").Lit(0)
}
