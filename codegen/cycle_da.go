// The ensemble_da cycle: an ensemble stepped, observed and analysed, its
// observations from a twin truth run, a file or the user's Go (source.go),
// with Start, Next and Done for callers (benchmarks, tests) that drive it
// cycle by cycle, and Run for cycrt.Cycle.
package codegen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// emitEnsembleDA declares an ensemble_da cycle; what depends on where its
// observations come from is emitted by its source (source.go).
func (cg *cycleGen) emitEnsembleDA() {
	g, c := cg.g, cg.c
	a, o := cg.as.Analysis, cg.as.Obs
	filter := filterOf(cg)
	src := cg.daSource()
	out := o.Out.Name

	cg.emitMembersConst()
	g.f.Add(doc("%s\n\n"+
		"Call Start, then Next until Done, or Run for the whole experiment. E and HE hold the "+
		"ensemble and its observed image between calls. It is not safe for concurrent use.%s",
		src.intro(cg), userDoc(c.Doc)))
	fields := cg.daFields(src, filter.filterType(),
		"the ensemble, one member per row; allocated by Start",
		"the observed ensemble, HE.Member(k) = H(E.Member(k))")
	if l := cg.lag(); l > 0 {
		fields = append(fields, jen.Id("sstats").Op("*").Qual(rtPath, "Stats").Comment("the scores of the final smoothed ensembles"))
		if _, twin := src.(twinSource); twin {
			fields = append(fields, jen.Id("lagTruth").Index(jen.Lit(l).Op("*").Id(cg.fwd.Carrier.Name+"Size")).Float64().Comment(fmt.Sprintf("the truth at the last %d analyses, one after another, for the smoothed scores", l)))
		}
	}
	if cg.adaptive() {
		fields = append(fields, jen.Id("adapt").Op("*").Qual(rtPath, "AdaptiveInflation").Comment("inflates the forecast before each analysis"))
	}
	if cg.as.Analysis.Kind() == ir.AnalysisPF {
		fields = append(fields, jen.Id("pstats").Op("*").Qual(rtPath, "ParticleStats").Comment("effective sample sizes and resamplings"))
	}
	fields = append(fields, src.state(cg)...)
	fields = append(fields, cg.parallelFields()...)
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
	cg.emitDAStart(src, out)
	cg.emitDANext(src)
	cg.emitParallel()
	g.f.Add(doc("Done reports whether the run has no whole assimilation cycle left: the run " +
		"makes Steps/ObsEvery cycles, and trailing steps that would not reach an analysis are " +
		"not run."))
	g.f.Func().Params(jen.Id("c").Op("*").Id(c.Name)).Id("Done").Params().Bool().Block(
		jen.Return(cg.self("step").Op("+").Add(cg.self("ObsEvery")).Op(">").Add(cg.self("Steps"))),
	)
	_, twin := src.(twinSource)
	cg.emitDAHandover(twin)
	cg.emitHistory(out+"Size", twin)
	parts := []statePart{{name: "counters", counters: []string{"step", "analyses"}, what: "the model steps and analyses done"}}
	if twin {
		parts = append(parts, statePart{name: "truth", floats: cg.self("Truth").Index(jen.Op(":")), what: "the truth"})
	}
	parts = append(parts,
		statePart{name: "ensemble", floats: cg.self("E").Dot("Data"), what: "the ensemble"},
	)
	if cg.as.Analysis.Kind() == ir.AnalysisPF {
		parts = append(parts, statePart{name: "weights", floats: cg.self("filter").Dot("Weights").Call(), what: "the particle weights"})
	}
	if l := cg.lag(); l > 0 {
		parts = append(parts, statePart{name: "smoother", stats: "filter", what: "the smoother's stored ensembles"},
			statePart{name: "sstats", stats: "sstats", what: "the smoothed scores"})
		if twin {
			parts = append(parts, statePart{name: "lag_truth", floats: cg.self("lagTruth").Index(jen.Op(":")), what: "the truth at the last analyses"})
		}
	}
	if cg.adaptive() {
		parts = append(parts, statePart{name: "inflation", floats: cg.self("adapt").Dot("State").Call(), what: "the adaptive inflation's estimate"})
	}
	parts = append(parts, statePart{name: "stats", stats: "stats", what: "the running scores"})
	if cg.as.Analysis.Kind() == ir.AnalysisPF {
		parts = append(parts, statePart{name: "pstats", stats: "pstats", what: "the particle scores"})
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
		if cg.as.Analysis.Kind() == ir.AnalysisPF {
			fill = append(fill, cg.self("pstats").Dot("Fill").Call(jen.Id(sum)))
		}
		if cg.lag() > 0 {
			fill = append(fill, cg.self("sstats").Dot("FillSmoothed").Call(jen.Id(sum)))
		}
		return append(fill, src.summary(cg, sum, err)...)
	})
}

// daFields are the leading struct fields of a DA cycle: the settings
// (the source's among them), the model, the ensemble E and its observed
// image HE (eDoc and heDoc say what they hold), the source's exported
// fields, then the operator, the analysis of type filter, R and the
// scores.
func (cg *cycleGen) daFields(src daSource, filter jen.Code, eDoc, heDoc string) []jen.Code {
	c, o := cg.c, cg.as.Obs
	fields := []jen.Code{
		jen.Id("Steps").Int().Comment(fmt.Sprintf("model steps (default %d)", c.Steps)),
		jen.Id("ObsEvery").Int().Comment(fmt.Sprintf("model steps between analyses (default %d)", cg.as.ObsEvery)),
		jen.Id("Spinup").Int().Comment(fmt.Sprintf("analyses left out of the scores (default %d)", cg.as.Spinup)),
	}
	fields = append(fields, src.settings(cg)...)
	fields = append(fields,
		jen.Id("Seed").Uint64().Comment(fmt.Sprintf("keys every random stream of the run (default %d)", cg.seed())),
		jen.Id("Dir").String().Comment(`directory that data-file paths are relative to (default ".")`),
		jen.Line(),
		cg.modelField(),
		jen.Line(),
		jen.Id("E").Op("*").Qual(rtPath, "Ensemble").Comment(eDoc),
		jen.Id("HE").Op("*").Qual(rtPath, "Ensemble").Comment(heDoc),
	)
	fields = append(fields, src.fields(cg)...)
	return append(fields,
		jen.Line(),
		jen.Id("obs").Op("*").Id(o.Name),
		jen.Id("filter").Add(filter),
		jen.Id("r").Op("*").Qual(rtPath, "ObsError"),
		jen.Id("stats").Op("*").Qual(rtPath, "Stats"),
	)
}

// matrixText describes a covariance for comments.
func matrixText(m *ir.Matrix) string {
	switch m.Kind {
	case ir.MatrixDiag:
		if m.Values != nil {
			return diagText(m.Values)
		}
		return fmt.Sprintf("diag(%s)", floatText(m.Value, false))
	case ir.MatrixScaledIdentity:
		return fmt.Sprintf("scaled_identity(%s)", floatText(m.Value, false))
	case ir.MatrixDiagFile:
		return fmt.Sprintf("diag(%q)", m.Path)
	}
	return fmt.Sprintf("%q", m.Path)
}

// diagText describes diag([v0, v1, …]) for comments: every variance when
// there are few, else the first ones and the count.
func diagText(vs []float64) string {
	const shown = 4
	parts := make([]string, 0, shown+1)
	for i, v := range vs {
		if i == shown {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, commentNum(v))
	}
	text := "diag([" + strings.Join(parts, ", ") + "])"
	if len(vs) > shown {
		text += fmt.Sprintf(" (%d variances)", len(vs))
	}
	return text
}

// castTo converts a pointer to carrier from into a pointer to carrier to
// when they are distinct Go types (same size, so the conversion is legal).
func castTo(x jen.Code, from, to *ir.Carrier) jen.Code {
	if from == to || from.Name == to.Name {
		return x
	}
	return jen.Parens(jen.Op("*").Id(to.Name)).Call(x)
}

// emitDAStart writes Start for an ensemble_da cycle.
func (cg *cycleGen) emitDAStart(src daSource, out string) {
	g, c := cg.g, cg.c
	nm := g.top.fork()
	nm.take(cg.recv)
	name := c.SourceName
	n, p := cg.fwd.Carrier.Name+"Size", cg.as.Obs.Out.Name+"Size"
	r, h, filter, err, s, k := nm.name("r"), nm.name("h"), nm.name("filter"), nm.name("err"), nm.name("s"), nm.name("k")
	id := jen.Id
	var body []jen.Code
	body = append(body, cg.daPrelude(src, nm, r, h, err)...)

	// The analysis.
	body = append(body,
		jen.List(id(filter), id(err)).Op(":=").Id("New"+cg.as.Analysis.Name).Call(append([]jen.Code{id(cg.membersConst()), id(n), id(p), id(r), cg.self("Seed")}, cg.localArgs(id(p))...)...),
		ifErr(err, errorf(fmt.Sprintf("cycle %s: analysis %s: %%w", name, cg.as.Analysis.SourceName), id(err))),
		jen.List(cg.self("obs"), cg.self("filter"), cg.self("r")).Op("=").List(id(h), id(filter), id(r)),
		cg.self("E").Op("=").Qual(rtPath, "NewEnsemble").Call(id(cg.membersConst()), id(n)),
	)
	if cg.lag() > 0 {
		body = append(body, cg.self("sstats").Op("=").Qual(rtPath, "NewStats").Call(id(n), cg.self("Spinup")))
	}
	if cg.adaptive() {
		body = append(body,
			jen.List(cg.self("adapt"), id(err)).Op("=").Qual(rtPath, "NewAdaptiveInflation").Call(
				jen.Qual(rtPath, "AdaptiveInflationConfig").Values(jen.Id("Members").Op(":").Id(cg.membersConst()), jen.Id("Dim").Op(":").Id(n), jen.Id("Obs").Op(":").Id(p)), id(r)),
			ifErr(err, errorf(fmt.Sprintf("cycle %s: analysis %s: %%w", name, cg.as.Analysis.SourceName), id(err))),
		)
	}
	body = append(body,
		cg.self("HE").Op("=").Qual(rtPath, "NewEnsemble").Call(id(cg.membersConst()), id(p)),
		cg.self("stats").Op("=").Qual(rtPath, "NewStats").Call(id(n), cg.self("Spinup")),
	)
	if cg.as.Analysis.Kind() == ir.AnalysisPF {
		body = append(body,
			cg.self("E").Dot("Weights").Op("=").Id(filter).Dot("Weights").Call().Comment("equal until the first analysis"),
			cg.self("HE").Dot("Weights").Op("=").Id(filter).Dot("Weights").Call().Comment("the same weights, for the observation-space scores"),
			cg.self("pstats").Op("=").Qual(rtPath, "NewParticleStats").Call(cg.self("Spinup")),
		)
	}
	body = append(body, src.setup(cg, err, r)...)
	body = append(body, cg.parallelStart()...)

	body = append(body, cg.modelLoad(err, id(cg.membersConst()))...)

	// The initial truth and members.
	mean, pre := cg.initMean(nm)
	body = append(body, pre...)
	std := cg.initStd()
	draw := append(src.draw(cg, s, mean, std),
		jen.For(id(k).Op(":=").Range().Id(cg.membersConst())).Block(
			id(s).Dot("Reset").Call(cg.self("Seed"), jen.Qual(rtPath, "PurposeEnsembleInit"), jen.Uint64().Call(id(k))),
			jen.Qual(rtPath, "InitNormal").Call(cg.self("E").Dot("Member").Call(id(k)), mean, std, id(s)),
		),
	)
	body = append(body, cg.drawOrTakeOver(draw, cg.takeDA(src, err, std)...)...)
	body = append(body,
		jen.List(cg.self("step"), cg.self("analyses"), cg.self("started")).Op("=").List(jen.Lit(0), jen.Lit(0), jen.True()),
	)
	if c.History > 0 {
		init := []jen.Code{jen.Comment("The initial record: the ensemble as both forecast and analysis, and the truth if there is one.")}
		init = append(init, src.recordTruth(cg, "")...)
		init = append(init,
			cg.recorder("Forecast", cg.self("E")),
			cg.recorder("Analysis", cg.self("E")),
			jen.Return(cg.self("record").Call()),
		)
		body = append(body, cg.ifRecording(init...))
	}
	body = append(body, jen.Return(jen.Nil()))
	g.f.Add(doc("%s", src.startDoc(cg)))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Start").Params().Error().Block(body...)
}

// daPrelude returns the statements that open Start for the DA cycles:
// the settings checked, the source opened, R built into r and the
// operator into h, err naming the error.
func (cg *cycleGen) daPrelude(src daSource, nm *namer, r, h, err string) []jen.Code {
	name := cg.c.SourceName
	id := jen.Id
	var body []jen.Code
	body = append(body, jen.Switch().Block(
		jen.Case(cg.self("ObsEvery").Op("<").Lit(1)).Block(jen.Return(errorf(fmt.Sprintf("cycle %s: obs_every = %%d, want at least 1", name), cg.self("ObsEvery")))),
		jen.Case(cg.self("Steps").Op("<").Lit(0)).Block(jen.Return(errorf(fmt.Sprintf("cycle %s: steps = %%d, want at least 0", name), cg.self("Steps")))),
		jen.Case(cg.self("Spinup").Op("<").Lit(0)).Block(jen.Return(errorf(fmt.Sprintf("cycle %s: spinup = %%d, want at least 0", name), cg.self("Spinup")))),
		jen.Case(cg.self("Spinup").Op(">=").Add(cg.self("Steps")).Op("/").Add(cg.self("ObsEvery"))).Block(jen.Return(errorf(fmt.Sprintf("cycle %s: spinup = %%d leaves none of the %%d analyses (steps / obs_every) to score", name), cg.self("Spinup"), cg.self("Steps").Op("/").Add(cg.self("ObsEvery"))))),
	))
	body = append(body, src.open(cg, nm, err)...)
	body = append(body, cg.obsErrCode(nm, r, err)...)
	if obsNeedsDir(cg.as.Obs) {
		body = append(body,
			jen.List(id(h), id(err)).Op(":=").Id("New"+cg.as.Obs.Name).Call(cg.self("Dir")),
			ifErr(err, errorf(fmt.Sprintf("cycle %s: %%w", name), id(err))),
		)
	} else {
		body = append(body, id(h).Op(":=").Op("&").Id(cg.as.Obs.Name).Values())
	}
	return body
}

// obsErrCode returns the statements of Start that build R, named r, from
// the cycle's obs_err (its scale applied), err naming the error.
func (cg *cycleGen) obsErrCode(nm *namer, r, err string) []jen.Code {
	g, c := cg.g, cg.c
	id := jen.Id
	m := cg.as.ObsErr
	out := cg.as.Obs.Out.Name
	fail := func(e jen.Code) jen.Code { return errorf(fmt.Sprintf("cycle %s: obs_err: %%w", c.SourceName), e) }
	var t varianceTable
	if m.Values != nil {
		// One variance per observation: a table built at compile time,
		// which NewDiagObsError copies.
		t.name = g.top.name(prefix + c.Name + "ObsErr")
		t.doc = fmt.Sprintf("%s holds the variances of obs_err = %s of cycle %s (%s).", t.name, scaledMatrixText(m), c.Name, g.at(m.Pos))
		t.typ = id(out)
	}
	cov := g.covarianceCode(nm, m, id(out+"Size"), cg.self("Dir"), t, true, err, fail)
	code := cov.code
	if cov.diag {
		code = append(code, jen.List(id(r), id(err)).Op(":=").Qual(rtPath, "NewDiagObsError").Call(cov.ref()))
	} else {
		code = append(code, jen.List(id(r), id(err)).Op(":=").Qual(rtPath, "NewObsError").Call(cov.ref(), id(out+"Size")))
	}
	return append(code, ifErr(err, fail(id(err))))
}

// emitDANext writes Next for an ensemble_da cycle.
func (cg *cycleGen) emitDANext(src daSource) {
	g, c := cg.g, cg.c
	nm := g.top.fork()
	nm.take(cg.recv)
	name := c.SourceName
	m, t0, s, k, err := nm.name("m"), nm.name("t0"), nm.name("s"), nm.name("k"), nm.name("err")
	id := jen.Id
	var body []jen.Code
	body = append(body,
		jen.If(jen.Op("!").Add(cg.self("started"))).Block(
			jen.Return(jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("cycle %s: Next called before Start", name)))),
		),
		id(m).Op(":=").Op("&").Add(cg.self(cg.model)),
		id(t0).Op(":=").Float64().Call(cg.self("step")).Op("*").Id(cg.dt),
	)
	body = append(body, src.forecast(cg, m, t0, s, err)...)
	body = append(body, cg.stepMembers(nm, m, id(t0), cg.self("ObsEvery"), err, s, k)...)
	body = append(body,
		cg.self("step").Op("+=").Add(cg.self("ObsEvery")),
		jen.Line(),
	)
	body = append(body, src.observe(cg, nm, err)...)
	body = append(body,
		cg.observeMembers(k),
		cg.self("stats").Dot("Forecast").Call(cg.self("E"), src.truth(cg)),
	)
	body = append(body, src.scoreForecast(cg)...)
	var due string
	if c.History > 0 {
		due = nm.name("due")
		body = append(body,
			jen.Line(),
			jen.Comment(fmt.Sprintf("History at the first analysis at or after every %d-th model step.", c.History)),
			id(due).Op(":=").Add(cg.analysisHistoryDue()),
			jen.If(id(due)).Block(append(src.recordTruth(cg, err),
				cg.recorder("Forecast", cg.self("E")),
				cg.recorder("Observation", cg.self("y").Index(jen.Op(":"))),
			)...),
		)
	}
	body = append(body,
		jen.Line(),
		jen.Comment("Analyse."),
	)
	if cg.adaptive() {
		body = append(body,
			jen.If(id(err).Op(":=").Add(cg.self("adapt")).Dot("Inflate").Call(cg.self("E"), cg.self("HE"), cg.self("y").Index(jen.Op(":"))),
				id(err).Op("!=").Nil().Op("&&").Id(err).Op("!=").Qual(rtPath, "ErrNoObservations")).Block(
				jen.Return(errorf(fmt.Sprintf("cycle %s: adaptive inflation before analysis %%d at step %%d: %%w", name), cg.self("analyses"), cg.self("step"), id(err))),
			),
		)
	}
	body = append(body,
		jen.If(id(err).Op(":=").Add(cg.self("filter")).Dot("Analyze").Call(cg.self("E"), cg.self("HE"), cg.self("y").Index(jen.Op(":")), jen.Uint64().Call(cg.self("analyses"))), id(err).Op("!=").Nil()).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: analysis %%d at step %%d: %%w", name), cg.self("analyses"), cg.self("step"), id(err))),
		),
		cg.self("stats").Dot("Analysis").Call(cg.self("E"), src.truth(cg)),
	)
	body = append(body, src.scoreAnalysis(cg, k)...)
	body = append(body, cg.scoreSmoothed(nm, src, due)...)
	pf := cg.as.Analysis.Kind() == ir.AnalysisPF
	if pf {
		body = append(body, cg.self("pstats").Dot("Add").Call(cg.self("filter").Dot("ESS").Call(), cg.self("filter").Dot("ResampleDue").Call()))
	}
	body = append(body, cg.self("analyses").Op("++"))
	switch {
	case due != "" && !pf:
		body = append(body, jen.If(id(due)).Block(
			cg.recorder("Analysis", cg.self("E")),
			jen.Return(cg.self("record").Call()),
		))
	case due != "":
		body = append(body, jen.If(id(due)).Block(
			cg.recorder("Analysis", cg.self("E")),
			jen.If(id(err).Op(":=").Add(cg.self("record")).Call(), id(err).Op("!=").Nil()).Block(jen.Return(id(err))),
		))
	}
	if pf {
		body = append(body,
			jen.Line(),
			jen.Comment("Resample when the effective size has fallen to the threshold: after the analysis"),
			jen.Comment("statistics and history, which are of the weighted particles, and before the forecast."),
			jen.If(id(err).Op(":=").Add(cg.self("filter")).Dot("Resample").Call(cg.self("E"), jen.Uint64().Call(cg.self("analyses").Op("-").Lit(1))), id(err).Op("!=").Nil()).Block(
				jen.Return(errorf(fmt.Sprintf("cycle %s: resampling after analysis %%d: %%w", name), cg.self("analyses").Op("-").Lit(1), id(err))),
			),
		)
	}
	body = append(body, jen.Return(jen.Nil()))
	g.f.Add(doc("%s", src.nextDoc(cg)))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Next").Params().Error().Block(body...)
}

// localArgs are the geometry of the state and the sites of the
// observations that the constructor of a localised analysis takes after
// the seed (none for other analyses); p is the observation count.
func (cg *cycleGen) localArgs(p jen.Code) []jen.Code {
	if cg.as.Analysis.Localization() == nil {
		return nil
	}
	car := cg.fwd.Carrier
	periodic := func(d int) jen.Code { return jen.Lit(car.Boundary(d).Kind == ir.BoundaryPeriodic) }
	var geom jen.Code
	if car.Grid() {
		geom = jen.Qual(rtPath, "GridGeometry").Values(
			jen.Id("Rows").Op(":").Lit(car.Dims[0]), jen.Id("Cols").Op(":").Lit(car.Dims[1]),
			jen.Id("PeriodicRows").Op(":").Add(periodic(0)), jen.Id("PeriodicCols").Op(":").Add(periodic(1)),
		)
	} else {
		geom = jen.Qual(rtPath, "VecGeometry").Values(jen.Id("N").Op(":").Lit(car.Size()), jen.Id("Periodic").Op(":").Add(periodic(0)))
	}
	s := cg.as.Obs.Sites()
	if s == nil {
		cg.g.internal(cg.c.Pos, "cycle %s: obs %s has no sites for the localised analysis %s", cg.c.SourceName, cg.as.Obs.SourceName, cg.as.Analysis.SourceName)
		return []jen.Code{geom, jen.Nil()}
	}
	if s.Indices == nil {
		return []jen.Code{geom, jen.Qual(rtPath, "StridedSites").Call(jen.Lit(s.Start), jen.Lit(s.Step), p)}
	}
	vals := make([]jen.Code, len(s.Indices))
	for i, v := range s.Indices {
		vals[i] = jen.Lit(v)
	}
	return []jen.Code{geom, jen.Index().Int().Values(vals...)}
}

// adaptive reports whether the cycle's analysis estimates its inflation
// (inflation = adaptive): the cycle then inflates the forecast before
// each analysis with a cycrt.AdaptiveInflation.
func (cg *cycleGen) adaptive() bool {
	if cg.as == nil || cg.as.Analysis == nil {
		return false
	}
	infl, ok := cg.as.Analysis.Inflation()
	return ok && infl.Adaptive
}

// lag is the lag of the cycle's smoother, 0 for a filter.
func (cg *cycleGen) lag() int {
	if cg.as == nil || cg.as.Analysis == nil {
		return 0
	}
	if m, ok := cg.as.Analysis.Method.(*ir.EnKS); ok {
		return m.Lag
	}
	return 0
}

// scoreSmoothed returns the statements of Next that score the ensemble
// the smoother has just finished (the one lag analyses back) against the
// truth of its time, and keep this analysis's truth for later.
func (cg *cycleGen) scoreSmoothed(nm *namer, src daSource, due string) []jen.Code {
	l := cg.lag()
	if l == 0 {
		return nil
	}
	_, twin := src.(twinSource)
	id := jen.Id
	sm := nm.name("smoothed")
	var truth jen.Code = jen.Nil()
	var pre, post []jen.Code
	if twin {
		n := cg.fwd.Carrier.Name + "Size"
		slot := nm.name("slot")
		truth = cg.self("lagTruth").Index(id(slot).Op("*").Id(n).Op(":").Parens(id(slot).Op("+").Lit(1)).Op("*").Id(n))
		pre = []jen.Code{
			jen.Comment(fmt.Sprintf("The ensemble of %d analyses back has had its last update: score it against", l)),
			jen.Comment("the truth of its time, whose slot this analysis's truth then takes."),
			id(slot).Op(":=").Add(cg.self("analyses")).Op("%").Lit(l),
		}
		post = []jen.Code{jen.Copy(truth, cg.self("Truth").Index(jen.Op(":")))}
	} else {
		pre = []jen.Code{jen.Comment(fmt.Sprintf("The ensemble of %d analyses back has had its last update.", l))}
	}
	score := []jen.Code{cg.self("sstats").Dot("Analysis").Call(id(sm), jen.Add(truth))}
	if due != "" {
		at := cg.self("step").Op("-").Lit(l).Op("*").Add(cg.self("ObsEvery"))
		score = append(score, jen.If(id(due)).Block(
			cg.recorder("Smoothed", id(sm), at.Clone(), jen.Float64().Call(at.Clone()).Op("*").Id(cg.dt), jen.Add(truth)),
		))
	}
	code := append(pre, jen.If(id(sm).Op(":=").Add(cg.self("filter")).Dot("Smoothed").Call(), id(sm).Op("!=").Nil()).Block(score...))
	return append(code, post...)
}
