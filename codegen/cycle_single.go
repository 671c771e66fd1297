// The da cycle: one state stepped, observed and analysed by kf, ekf, oi,
// var3d, var4d or a user Go analysis, its observations from a twin truth
// run, a file or the user's Go (source.go). The state is held as a
// one-member ensemble, so that the sources, the history, the checkpoints
// and the hand-over of a sequence treat it as they treat an ensemble_da
// cycle's.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// daCycle emits a `da` cycle.
type daCycle struct{}

func (daCycle) check(g *gen, c *ir.Cycle) {
	if !g.checkCycleCommon(c) {
		return
	}
	a := c.Assimilation()
	g.checkAssimilation(c, a, 1)
	if a.Analysis == nil || a.Analysis.Method == nil {
		return
	}
	e, ok := analysisEmitters[a.Analysis.Kind()]
	if !ok {
		return
	}
	sa, ok := e.(stateAnalysis)
	if !ok {
		g.internal(c.Pos, "cycle %s: analysis %s does not analyse one state", c.SourceName, a.Analysis.SourceName)
		return
	}
	switch sa.form() {
	case formKalman, formWindow:
		if !hasDerivatives(a.Model) {
			g.internal(c.Pos, "cycle %s: model %s has no derivatives for analysis %s", c.SourceName, a.Model.SourceName, a.Analysis.SourceName)
		}
		fallthrough
	case formStatic, formClimatology:
		if a.Obs != nil && !obsHasDerivatives(a.Obs) {
			g.internal(c.Pos, "cycle %s: obs %s has no derivatives for analysis %s", c.SourceName, a.Obs.SourceName, a.Analysis.SourceName)
		}
	}
}

func (daCycle) emit(g *gen, c *ir.Cycle) { g.newCycleGen(c).emitDA() }

// single reports whether the cycle holds one state (a da or smoother
// cycle) rather than an ensemble.
func (cg *cycleGen) single() bool {
	return cg.c.Kind() == ir.CycleDA || cg.c.Kind() == ir.CycleSmoother
}

// method is the emitter of a da cycle's analysis.
func (cg *cycleGen) method() stateAnalysis {
	return analysisEmitters[cg.as.Analysis.Kind()].(stateAnalysis)
}

// stateWord names what the cycle corrects, for comments.
func (cg *cycleGen) stateWord() string {
	if cg.single() {
		return "state"
	}
	return "ensemble"
}

// forecastWhat names what the cycle steps beside the truth, for comments.
func (cg *cycleGen) forecastWhat() string {
	if cg.single() {
		return "the state"
	}
	return "every member"
}

// analysedWhat names what the analysis updates, for comments: "state" or
// "members".
func (cg *cycleGen) analysedWhat() string {
	if cg.single() {
		return "state"
	}
	return "members"
}

// stateX is the state of a da cycle as a slice: the one member of E.
func (cg *cycleGen) stateX() jen.Code { return cg.self("E").Dot("Member").Call(jen.Lit(0)) }

// hasVariance reports whether the da cycle's analysis reports an
// element-wise error variance (the spread of its scores).
func (cg *cycleGen) hasVariance() bool {
	switch cg.method().form() {
	case formKalman, formStatic, formClimatology:
		return true
	}
	return false
}

// variance is the variance argument of the state scores and records:
// c.variance[:], or nil for an analysis without one.
func (cg *cycleGen) variance() jen.Code {
	if !cg.hasVariance() {
		return jen.Nil()
	}
	return cg.self("variance").Index(jen.Op(":"))
}

// fillVariance returns the statement that sets c.variance to the
// analysis's variance before (forecast) or after the analysis, or nil.
func (cg *cycleGen) fillVariance(forecast bool) jen.Code {
	switch cg.method().form() {
	case formKalman:
		return cg.self("filter").Dot("Variance").Call(cg.variance())
	case formStatic, formClimatology:
		if forecast {
			return cg.self("filter").Dot("ForecastVariance").Call(cg.variance())
		}
		return cg.self("filter").Dot("Variance").Call(cg.variance())
	}
	return nil
}

// recordForecast and recordAnalysis hand the ensemble, or the state and
// its variance, to the history recorder.
func (cg *cycleGen) recordForecast() jen.Code {
	if cg.single() {
		return cg.recorder("ForecastState", cg.stateX(), cg.variance())
	}
	return cg.recorder("Forecast", cg.self("E"))
}

func (cg *cycleGen) recordAnalysis() jen.Code {
	if cg.single() {
		return cg.recorder("AnalysisState", cg.stateX(), cg.variance())
	}
	return cg.recorder("Analysis", cg.self("E"))
}

// modelSlices is the model m (a pointer) as a cycrt.TangentModel.
func (cg *cycleGen) modelSlices(m jen.Code) jen.Code {
	return jen.Id(sliceAdapter(cg.fwd.Name)).Values(m)
}

// obsSlices is the cycle's operator as a cycrt.TangentObs.
func (cg *cycleGen) obsSlices() jen.Code {
	return jen.Id(sliceAdapter(cg.as.Obs.Name)).Values(cg.self("obs"))
}

// zeroInitMean reports whether the initial distribution's mean is zero
// (initMean then gives nil).
func (cg *cycleGen) zeroInitMean() bool {
	in := cg.init
	if in == nil || len(in.Mean) == 0 {
		return true
	}
	for _, v := range in.Mean {
		if v != 0 || signbit(v) {
			return false
		}
	}
	return true
}

// emitDA declares a da cycle.
func (cg *cycleGen) emitDA() {
	g, c := cg.g, cg.c
	a, o := cg.as.Analysis, cg.as.Obs
	sa := cg.method()
	src := cg.daSource()
	_, twin := src.(twinSource)
	n := cg.fwd.Carrier.Name + "Size"

	g.f.Add(doc("%s\n\n"+
		"Call Start, then Next until Done, or Run for the whole experiment. E holds the state "+
		"as a one-member ensemble (the state is E.Member(0)) and HE its observed image between "+
		"calls. It is not safe for concurrent use.%s", cg.daIntro(src, sa), userDoc(c.Doc)))
	fields := cg.daFields(src, sa.stateType(),
		"the state, E.Member(0); allocated by Start",
		"its observed image, HE.Member(0) = H(E.Member(0))")
	if cg.hasVariance() {
		fields = append(fields, jen.Id("variance").Index(jen.Id(n)).Float64().Comment("the element-wise error variance the analysis reports, for the spread"))
	}
	if sa.form() == formWindow {
		fields = append(fields,
			jen.Id("start").Index(jen.Id(n)).Float64().Comment("the state at the start of the window, which the analysis replaces by its own"),
			jen.Id("ys").Index().Index().Float64().Comment("the observations of the window: y, at its end"),
			jen.Id("vstats").Op("*").Qual(rtPath, "VarStats").Comment("what the minimisations did"),
		)
	}
	fields = append(fields, src.state(cg)...)
	fields = append(fields,
		jen.Id("step").Op(",").Id("analyses").Int().Comment("model steps and analyses done"),
		jen.Id("started").Bool(),
	)
	fields = append(fields, cg.handoverFields()...)
	g.f.Type().Id(c.Name).Struct(append(fields, cg.historyFields()...)...)
	src.declare(cg)
	cg.emitConstructor(append([]jen.Code{
		jen.Id("ObsEvery").Op(":").Lit(cg.as.ObsEvery),
		jen.Id("Spinup").Op(":").Lit(cg.as.Spinup),
	}, src.defaults(cg)...)...)
	cg.emitName()
	cg.emitSet()
	cg.emitSingleStart(src, sa, twin)
	cg.emitSingleNext(src, sa, twin)
	g.f.Add(doc("Done reports whether the run has no whole assimilation cycle left: the run " +
		"makes Steps/ObsEvery cycles, and trailing steps that would not reach an analysis are " +
		"not run."))
	g.f.Func().Params(jen.Id("c").Op("*").Id(c.Name)).Id("Done").Params().Bool().Block(
		jen.Return(cg.self("step").Op("+").Add(cg.self("ObsEvery")).Op(">").Add(cg.self("Steps"))),
	)
	cg.emitHandover(cg.singleHandoverText(twin, sa.form() == formKalman))
	cg.emitHistory(o.Out.Name+"Size", twin)
	parts := []statePart{{name: "counters", counters: []string{"step", "analyses"}, what: "the model steps and analyses done"}}
	if twin {
		parts = append(parts, statePart{name: "truth", floats: cg.self("Truth").Index(jen.Op(":")), what: "the truth"})
	}
	state := statePart{name: "state", floats: cg.self("E").Dot("Data"), what: "the state"}
	if sa.form() == formKalman {
		state.restored = []jen.Code{jen.Copy(cg.self("filter").Dot("Mean").Call(), cg.stateX())}
	}
	parts = append(parts, state)
	if sa.form() == formKalman {
		parts = append(parts, statePart{name: "covariance", floats: cg.self("filter").Dot("Cov").Call(), what: "the filter's covariance"})
	}
	parts = append(parts, statePart{name: "stats", stats: "stats", what: "the running scores"})
	if sa.form() == formWindow {
		parts = append(parts, statePart{name: "vstats", stats: "vstats", what: "the minimisation scores"})
	}
	if !twin {
		parts = append(parts, statePart{name: "ostats", stats: "ostats", what: "the observation-space scores"})
	}
	cg.emitCheckpoint("analyses", parts...)
	cg.emitRun("analyses", string(a.Kind()), func(sum, err string) []jen.Code {
		fill := []jen.Code{
			cg.self("stats").Dot("Fill").Call(jen.Id(sum)),
			jen.If(jen.Id(err).Op(":=").Add(cg.self("stats")).Dot("Err").Call(), jen.Id(err).Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), errorf(fmt.Sprintf("cycle %s: %%w", c.SourceName), jen.Id(err))),
			),
		}
		if sa.form() == formWindow {
			fill = append(fill, cg.self("vstats").Dot("Fill").Call(jen.Id(sum)))
		}
		return append(fill, src.summary(cg, sum, err)...)
	})
}

// singleHandoverText returns the words and the put of the hand-over of a
// da cycle: the state, a Kalman filter's covariance (if kalman) and the
// truth of a twin experiment.
func (cg *cycleGen) singleHandoverText(twin, kalman bool) (string, string, func(h string) []jen.Code) {
	what, from := "the state", "the state"
	switch {
	case twin && kalman:
		what, from = "the state, the filter's covariance and the truth", "the truth, the state and the covariance"
	case twin:
		what, from = "the state and the truth", "the truth and the state"
	case kalman:
		what, from = "the state and the filter's covariance", "the state and the covariance"
	}
	return what, from, func(h string) []jen.Code {
		out := []jen.Code{jen.Id(h).Dot("SetState").Call(cg.stateX())}
		if kalman {
			out = append(out, jen.Id(h).Dot("SetCovariance").Call(cg.self("filter").Dot("Cov").Call()))
		}
		if twin {
			out = append(out, jen.Id(h).Dot("SetTruth").Call(cg.self("Truth").Index(jen.Op(":"))))
		}
		return out
	}
}

// daIntro opens the doc comment of a da cycle's type.
func (cg *cycleGen) daIntro(src daSource, sa stateAnalysis) string {
	c := cg.c
	start := fmt.Sprintf("One state of %s, started at the mean of %s, is corrected every ObsEvery steps by the %s analysis %s",
		cg.fwd.SourceName, cg.initText(), sa.stateName(), cg.as.Analysis.SourceName)
	switch sa.form() {
	case formClimatology:
		start = fmt.Sprintf("Every ObsEvery steps the %s analysis %s corrects the climatological mean (nothing is cycled: the forecast is that mean)",
			sa.stateName(), cg.as.Analysis.SourceName)
	case formWindow:
		start += " over the window of the ObsEvery steps before each observation (the background at its start, the observation at its end)"
	}
	var from string
	if rs, ok := src.(readSource); ok {
		from = fmt.Sprintf(" from the observations of %s, seen through %s with error covariance %s. There is no truth: the scores are "+
			"the spread the analysis reports and the observation-space scores (O−F, O−A and the consistency ratio).",
			rs.feed.what(cg), cg.as.Obs.SourceName, scaledMatrixText(cg.as.ObsErr))
	} else {
		truth := cg.truthName()
		from = fmt.Sprintf(" from a truth run of %s drawn from that distribution, observed through %s with error covariance %s: a twin experiment.",
			truth, cg.as.Obs.SourceName, scaledMatrixText(cg.as.ObsErr)) + cg.imperfectText()
	}
	spread := " The spread is the square root of the mean error variance the analysis reports."
	if !cg.hasVariance() {
		spread = " The analysis reports no error variance, so the spread is not available."
	}
	return fmt.Sprintf("%s is the cycle %s declared at %s. %s%s%s", c.Name, c.SourceName, cg.g.at(c.Pos), start, from, spread)
}

// emitSingleStart writes Start for a da cycle.
func (cg *cycleGen) emitSingleStart(src daSource, sa stateAnalysis, twin bool) {
	g, c := cg.g, cg.c
	nm := g.top.fork()
	nm.take(cg.recv)
	name := c.SourceName
	n, p := cg.fwd.Carrier.Name+"Size", cg.as.Obs.Out.Name+"Size"
	r, h, filter, err, s, x := nm.name("r"), nm.name("h"), nm.name("filter"), nm.name("err"), nm.name("s"), nm.name("x")
	id := jen.Id
	var body []jen.Code
	body = append(body, cg.daPrelude(src, nm, r, h, err)...)
	body = append(body,
		cg.self("E").Op("=").Qual(rtPath, "NewEnsemble").Call(jen.Lit(1), id(n)),
		cg.self("HE").Op("=").Qual(rtPath, "NewEnsemble").Call(jen.Lit(1), id(p)),
		cg.self("stats").Op("=").Qual(rtPath, "NewStats").Call(id(n), cg.self("Spinup")),
	)
	body = append(body, src.setup(cg, err, r)...)
	body = append(body, cg.modelLoad(err, jen.Lit(1))...)

	// The initial truth and state.
	mean, pre := cg.initMean(nm)
	body = append(body, pre...)
	std := cg.initStd()
	var draw []jen.Code
	if twin {
		draw = append(draw, src.draw(cg, s, mean, std)...)
		draw[0] = jen.Comment(fmt.Sprintf("The truth is a draw from %s; the state starts at its mean.", cg.initText()))
	}
	if !cg.zeroInitMean() {
		if !twin {
			draw = append(draw, jen.Comment(fmt.Sprintf("The state starts at the mean of %s.", cg.initText())))
		}
		draw = append(draw, jen.Copy(cg.stateX(), mean))
	}
	var take []jen.Code
	if twin {
		take = append(take, cg.takeTruth(err))
	}
	take = append(take, cg.takeState(err, cg.stateX()))
	if len(draw) == 0 {
		draw = []jen.Code{jen.Comment("The state starts at the mean of the initial distribution, 0.")}
	}
	body = append(body, cg.drawOrTakeOver(draw, take...)...)

	// The analysis.
	fail := ifErr(err, errorf(fmt.Sprintf("cycle %s: analysis %s: %%w", name, cg.as.Analysis.SourceName), id(err)))
	ctor := "New" + cg.as.Analysis.Name
	switch sa.form() {
	case formKalman:
		cov, i := nm.name("cov"), nm.fork().name("i")
		v, _ := num(cg.initVariance(), true)
		body = append(body,
			jen.Comment("The filter starts at the state, with covariance std² I (std of the initial distribution)."),
			id(x).Op(":=").Add(cg.stateX()),
			id(cov).Op(":=").Make(jen.Index().Float64(), id(n).Op("*").Id(n)),
			jen.For(id(i).Op(":=").Range().Id(n)).Block(id(cov).Index(id(i).Op("*").Id(n).Op("+").Id(i)).Op("=").Add(v)),
		)
		if cg.g.inSequence(c) {
			body = append(body,
				jen.Comment("Started by a sequence: the covariance a Kalman filter before it handed over, if any."),
				jen.If(cg.self("from").Op("!=").Nil()).Block(cg.takeCall(err, cg.self("from").Dot("InitCovariance").Call(id(cov)))),
			)
		}
		body = append(body, jen.List(id(filter), id(err)).Op(":=").Id(ctor).Call(id(n), id(p), id(cg.dt), id(r), id(x), id(cov)))
	case formStatic, formClimatology:
		body = append(body, jen.List(id(filter), id(err)).Op(":=").Id(ctor).Call(id(n), id(p), jen.Lit(cg.as.Obs.Linear), cg.self("Dir"), id(r)))
	case formWindow:
		body = append(body, jen.List(id(filter), id(err)).Op(":=").Id(ctor).Call(id(n), id(p), cg.self("ObsEvery"), cg.self("ObsEvery"), id(cg.dt), cg.self("Dir"), id(r)))
	case formEnsemble:
		body = append(body, jen.List(id(filter), id(err)).Op(":=").Id(ctor).Call(jen.Lit(1), id(n), id(p), id(r), cg.self("Seed")))
	}
	body = append(body, fail,
		jen.List(cg.self("obs"), cg.self("filter"), cg.self("r")).Op("=").List(id(h), id(filter), id(r)),
	)
	if sa.form() == formClimatology {
		body = append(body,
			jen.Comment("The forecast of optimal interpolation is the climatological mean."),
			jen.Copy(cg.stateX(), id(filter).Dot("Mean").Call()),
		)
	}
	if sa.form() == formWindow {
		body = append(body,
			cg.self("ys").Op("=").Index().Index().Float64().Values(cg.self("y").Index(jen.Op(":"))),
			cg.self("vstats").Op("=").Qual(rtPath, "NewVarStats").Call(cg.self("Spinup")),
		)
	}
	body = append(body,
		jen.List(cg.self("step"), cg.self("analyses"), cg.self("started")).Op("=").List(jen.Lit(0), jen.Lit(0), jen.True()),
	)
	if c.History > 0 {
		init := []jen.Code{jen.Comment("The initial record: the state as both forecast and analysis, and the truth if there is one.")}
		if v := cg.fillVariance(true); v != nil {
			init = append(init, v)
		}
		init = append(init, src.recordTruth(cg, "")...)
		init = append(init,
			cg.recordForecast(),
			cg.recordAnalysis(),
			jen.Return(cg.self("record").Call()),
		)
		body = append(body, cg.ifRecording(init...))
	}
	body = append(body, jen.Return(jen.Nil()))
	truth := ""
	if twin {
		truth = " It draws the truth from the stream (Seed, PurposeTruthInit, 0)."
	}
	g.f.Add(doc("Start validates the settings and prepares a run: it builds R, the observation "+
		"operator and the analysis and allocates the state E and its observed image HE once. The "+
		"state starts at the mean of the initial distribution (the best estimate before any "+
		"observation), or at the state the part before it in a sequence handed over.%s", truth))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Start").Params().Error().Block(body...)
}

// initStdValue is the initial distribution's standard deviation.
func (cg *cycleGen) initStdValue() float64 {
	if cg.init == nil {
		return 1
	}
	return cg.init.Std
}

// initVariance is the initial distribution's variance, the diagonal of a
// Kalman filter's first covariance.
func (cg *cycleGen) initVariance() float64 {
	s := cg.initStdValue()
	return s * s
}

// stepSingle returns the statements that advance the state ObsEvery model
// steps from t0 with model m, s naming the step (scoped to its loop).
func (cg *cycleGen) stepSingle(nm *namer, m, t0, s, err string) []jen.Code {
	if apiOf(cg.fwd).ensemble {
		return cg.stepMembers(nm, m, jen.Id(t0), cg.self("ObsEvery"), err, s, "")
	}
	x := nm.name("x")
	id := jen.Id
	return []jen.Code{
		id(x).Op(":=").Parens(jen.Op("*").Id(cg.st)).Call(cg.stateX()),
		jen.For(id(s).Op(":=").Range().Add(cg.self("ObsEvery"))).Block(
			cg.stepState(id(m), id(x), jen.Id(t0).Op("+").Float64().Call(id(s)).Op("*").Id(cg.dt), err, "forecast"),
		),
	}
}

// emitSingleNext writes Next for a da cycle.
func (cg *cycleGen) emitSingleNext(src daSource, sa stateAnalysis, twin bool) {
	g, c := cg.g, cg.c
	nm := g.top.fork()
	nm.take(cg.recv)
	name := c.SourceName
	m, t0, s, err := nm.name("m"), nm.name("t0"), nm.name("s"), nm.name("err")
	id := jen.Id
	body := []jen.Code{
		jen.If(jen.Op("!").Add(cg.self("started"))).Block(
			jen.Return(jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("cycle %s: Next called before Start", name)))),
		),
	}
	// Optimal interpolation steps nothing but a twin's truth.
	oi := sa.form() == formClimatology
	if !oi || (twin && cg.truthModel() == nil) {
		body = append(body, id(m).Op(":=").Op("&").Add(cg.self(cg.model)))
	}
	if !oi || twin {
		body = append(body, id(t0).Op(":=").Float64().Call(cg.self("step")).Op("*").Id(cg.dt))
	}
	body = append(body, src.forecast(cg, m, t0, s, err)...)
	fnm := nm.fork()
	switch sa.form() {
	case formKalman:
		body = append(body,
			jen.If(id(err).Op(":=").Add(cg.self("filter")).Dot("Forecast").Call(cg.modelSlices(id(m)), id(t0), cg.self("ObsEvery")), id(err).Op("!=").Nil()).Block(
				jen.Return(errorf(fmt.Sprintf("cycle %s: forecast from step %%d: %%w", name), cg.self("step"), id(err))),
			),
			jen.Copy(cg.stateX(), cg.self("filter").Dot("Mean").Call()),
		)
	case formClimatology:
		body = append(body,
			jen.Comment("Nothing is cycled: the forecast is the climatological mean."),
			jen.Copy(cg.stateX(), cg.self("filter").Dot("Mean").Call()),
		)
	case formWindow:
		body = append(body, jen.Copy(cg.self("start").Index(jen.Op(":")), cg.stateX()))
		body = append(body, cg.stepSingle(fnm, m, t0, s, err)...)
	default:
		body = append(body, cg.stepSingle(fnm, m, t0, s, err)...)
	}
	body = append(body, cg.self("step").Op("+=").Add(cg.self("ObsEvery")))
	if v := cg.fillVariance(true); v != nil {
		body = append(body, v)
	}
	body = append(body, jen.Line())
	body = append(body, src.observe(cg, nm, err)...)
	if !twin || sa.form() == formEnsemble {
		body = append(body, cg.observeMembers(""))
	}
	body = append(body, cg.self("stats").Dot("ForecastState").Call(cg.stateX(), cg.variance(), src.truth(cg)))
	body = append(body, src.scoreForecast(cg)...)
	var due string
	if c.History > 0 {
		due = nm.name("due")
		body = append(body,
			jen.Line(),
			jen.Comment(fmt.Sprintf("History at the first analysis at or after every %d-th model step.", c.History)),
			id(due).Op(":=").Add(cg.analysisHistoryDue()),
			jen.If(id(due)).Block(append(src.recordTruth(cg, err),
				cg.recordForecast(),
				cg.recorder("Observation", cg.self("y").Index(jen.Op(":"))),
			)...),
		)
	}
	body = append(body, jen.Line(), jen.Comment("Analyse."))
	fail := func(call jen.Code) jen.Code {
		return jen.If(id(err).Op(":=").Add(call), id(err).Op("!=").Nil()).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: analysis %%d at step %%d: %%w", name), cg.self("analyses"), cg.self("step"), id(err))),
		)
	}
	y := cg.self("y").Index(jen.Op(":"))
	switch sa.form() {
	case formKalman:
		body = append(body,
			fail(cg.self("filter").Dot("Analyze").Call(cg.obsSlices(), y)),
			jen.Copy(cg.stateX(), cg.self("filter").Dot("Mean").Call()),
		)
	case formStatic, formClimatology:
		body = append(body, fail(cg.self("filter").Dot("Analyze").Call(cg.stateX(), cg.obsSlices(), y)))
	case formWindow:
		body = append(body,
			jen.Comment("The analysis replaces the background at the window start and puts its forecast to the window end in the state."),
			fail(cg.self("filter").Dot("Analyze").Call(cg.self("start").Index(jen.Op(":")), cg.stateX(), id(t0), cg.modelSlices(id(m)), cg.obsSlices(), cg.self("ys"))),
			cg.self("vstats").Dot("Add").Call(cg.self("filter")),
		)
	case formEnsemble:
		body = append(body, fail(cg.self("filter").Dot("Analyze").Call(cg.self("E"), cg.self("HE"), y, jen.Uint64().Call(cg.self("analyses")))))
	}
	if v := cg.fillVariance(false); v != nil {
		body = append(body, v)
	}
	body = append(body, cg.self("stats").Dot("AnalysisState").Call(cg.stateX(), cg.variance(), src.truth(cg)))
	body = append(body, src.scoreAnalysis(cg, "")...)
	body = append(body, cg.self("analyses").Op("++"))
	if due != "" {
		rec := []jen.Code{cg.recordAnalysis()}
		if sa.form() == formWindow {
			rec = append(rec, cg.recorder("Minimisation", cg.self("filter")))
		}
		rec = append(rec, jen.Return(cg.self("record").Call()))
		body = append(body, jen.If(id(due)).Block(rec...))
	}
	body = append(body, jen.Return(jen.Nil()))
	what := "the state's forecast"
	switch sa.form() {
	case formKalman:
		what = "the forecast of the state and its covariance"
	case formClimatology:
		what = "the climatological mean as the forecast"
	}
	truth := ""
	if twin {
		truth = "ObsEvery model steps of the truth, its noisy observation, "
	}
	g.f.Add(doc("Next runs one assimilation cycle: %s%s over ObsEvery model steps, the forecast "+
		"scores, the analysis (numbered from 0) and the analysis scores. It allocates nothing.", truth, what))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Next").Params().Error().Block(body...)
}

// outerLoops is the number of outer loops of the cycle's variational
// analysis, which its history records the cost and gradient norm of.
func (cg *cycleGen) outerLoops() (int, bool) {
	if cg.as == nil || cg.as.Analysis == nil {
		return 0, false
	}
	if m, ok := cg.as.Analysis.Method.(*ir.Var4D); ok {
		return m.Outer, true
	}
	return 0, false
}
