// The smoother cycle: strong-constraint 4D-Var over sliding windows of
// Window model steps, one starting every Stride steps, each window seeing
// the observations at every ObsEvery steps of it. A window [s, s+Window]
// is analysed once the truth has reached its end; its background at s is
// the previous window's analysis trajectory there (the first window's is
// the initial mean, as a da cycle starts). Every window is scored twice:
// at its end (the analysis propagated there, the filter score, against
// the forecast of the background) and at its start (the analysis there,
// which has seen Window steps of later observations: the smoothed score).
// The observations come from a twin truth run; each observation time's
// observation is drawn once, keyed by its index, so every window that
// contains the time sees the same one. With window = stride = obs_every
// the cycle is the da cycle of the same 4D-Var analysis, to the bit.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// smootherCycle emits a smoother cycle.
type smootherCycle struct{}

func (smootherCycle) check(g *gen, c *ir.Cycle) {
	if c.HistoryMembers {
		// The checker accepts history_members on a smoother; with one
		// state there are no members to record.
		g.unimplemented(c.Pos, "history_members in a smoother cycle (it has one state)")
		common := *c
		common.HistoryMembers = false
		c = &common
	}
	if !g.checkCycleCommon(c) {
		return
	}
	d, ok := c.Def.(*ir.Smoother)
	if !ok {
		g.internal(c.Pos, "cycle %s is not a smoother", c.SourceName)
		return
	}
	a := &d.Assimilation
	g.checkAssimilation(c, a, 1)
	switch s := a.Source.(type) {
	case *ir.FileSource, *ir.GoSource:
		g.unimplemented(s.SourcePos(), "a smoother cycle with observations from a file or Go")
	}
	switch {
	case d.Members != 0:
		g.internal(c.Pos, "smoother %s has %d members for its one state", c.SourceName, d.Members)
	case a.ObsEvery < 1 || d.Stride < 1 || d.Stride > d.Window || d.Window > c.Steps ||
		d.Window%a.ObsEvery != 0 || d.Stride%a.ObsEvery != 0:
		g.internal(c.Pos, "smoother %s has window = %d, stride = %d, obs_every = %d and steps = %d", c.SourceName, d.Window, d.Stride, a.ObsEvery, c.Steps)
	}
	if a.Analysis == nil || a.Analysis.Method == nil || a.Model == nil {
		return
	}
	if a.Analysis.Kind() != ir.AnalysisVar4D {
		g.internal(c.Pos, "smoother %s: analysis %s is %s, not var4d", c.SourceName, a.Analysis.SourceName, a.Analysis.Kind())
		return
	}
	if !hasDerivatives(a.Model) {
		g.internal(c.Pos, "cycle %s: model %s has no derivatives for analysis %s", c.SourceName, a.Model.SourceName, a.Analysis.SourceName)
	} else if apiOf(a.Model).ensemble {
		g.unimplemented(c.Pos, "a smoother cycle of a model that steps an ensemble at once")
	}
	if a.Obs != nil && !obsHasDerivatives(a.Obs) {
		g.internal(c.Pos, "cycle %s: obs %s has no derivatives for analysis %s", c.SourceName, a.Obs.SourceName, a.Analysis.SourceName)
	}
}

func (smootherCycle) emit(g *gen, c *ir.Cycle) { g.newCycleGen(c).emitSmoother() }

// smoothes reports whether the cycle scores and records smoothed states:
// an EnKS's lagged ensembles or a smoother cycle's window starts.
func (cg *cycleGen) smoothes() bool {
	return cg.lag() > 0 || cg.c.Kind() == ir.CycleSmoother
}

// smootherGen emits one smoother cycle: the cycle's generator and its
// window and stride, which are compile-time literals of the code.
type smootherGen struct {
	*cycleGen
	window, stride int
}

// emitSmoother declares a smoother cycle.
func (cg *cycleGen) emitSmoother() {
	d := cg.c.Def.(*ir.Smoother)
	sg := smootherGen{cycleGen: cg, window: d.Window, stride: d.Stride}
	sg.emit()
}

// windowsText says how many windows a run of Steps makes, for comments.
func (sg smootherGen) windowsText() string {
	return fmt.Sprintf("(Steps − %d) / %d + 1", sg.window, sg.stride)
}

func (sg smootherGen) emit() {
	g, c := sg.g, sg.c
	a, o := sg.as.Analysis, sg.as.Obs
	id := jen.Id
	n := sg.fwd.Carrier.Name + "Size"

	g.f.Add(doc("%s\n\nCall Start, then Next (one window) until Done, or Run for the whole experiment. "+
		"E holds the state as a one-member ensemble (E.Member(0), the analysis at the end of the last "+
		"window analysed) and Truth the truth there. It is not safe for concurrent use.%s", sg.intro(), userDoc(c.Doc)))
	fields := []jen.Code{
		id("Steps").Int().Comment(fmt.Sprintf("model steps (default %d); the run makes %s windows", c.Steps, sg.windowsText())),
		id("ObsEvery").Int().Comment(fmt.Sprintf("model steps between observations (default %d); it must divide the window, %d, and the stride, %d", sg.as.ObsEvery, sg.window, sg.stride)),
		id("Spinup").Int().Comment(fmt.Sprintf("windows left out of the scores (default %d)", sg.as.Spinup)),
		id("Seed").Uint64().Comment(fmt.Sprintf("keys every random stream of the run (default %d)", sg.seed())),
		id("Dir").String().Comment(`directory that data-file paths are relative to (default ".")`),
		jen.Line(),
		sg.modelField(),
		jen.Line(),
		id("E").Op("*").Qual(rtPath, "Ensemble").Comment("the state, E.Member(0): the analysis at the end of the last window; allocated by Start"),
	}
	fields = append(fields, twinSource{}.fields(sg.cycleGen)...)
	fields = append(fields,
		jen.Line(),
		id("obs").Op("*").Id(o.Name),
		id("filter").Op("*").Qual(rtPath, "Var4D"),
		id("r").Op("*").Qual(rtPath, "ObsError"),
		id("stats").Op("*").Qual(rtPath, "Stats").Comment("the scores at the window ends: the background's forecast and the analysis"),
		id("sstats").Op("*").Qual(rtPath, "Stats").Comment("the smoothed scores: the analysis at the window starts"),
		id("vstats").Op("*").Qual(rtPath, "VarStats").Comment("what the minimisations did"),
		id("noise").Op("*").Qual(rtPath, "Stream"),
		id("start").Index(id(n)).Float64().Comment("the background at the start of the next window; the analysis there once Analyze has run"),
		id("truths").Index().Float64().Comment("the truth at the observation times of a window and at its start, slot (step / ObsEvery) mod (window / ObsEvery + 1)"),
		id("ys").Index().Float64().Comment("the observations at those times, in the same slots"),
		id("window").Index().Index().Float64().Comment("the observations of the window being analysed, in time order: slots of ys"),
		id("step").Op(",").Id("windows").Int().Comment("model steps of the truth and windows analysed"),
		id("started").Bool(),
	)
	fields = append(fields, sg.handoverFields()...)
	g.f.Type().Id(c.Name).Struct(append(fields, sg.historyFields()...)...)
	sg.emitConstructor(append([]jen.Code{
		id("ObsEvery").Op(":").Lit(sg.as.ObsEvery),
		id("Spinup").Op(":").Lit(sg.as.Spinup),
	}, twinSource{}.defaults(sg.cycleGen)...)...)
	sg.emitName()
	sg.emitSet()
	sg.emitStart()
	sg.emitNext()
	g.f.Add(doc("Done reports whether the next window would end past Steps: windows start every %d "+
		"steps and last %d, and trailing steps no window reaches are not run.", sg.stride, sg.window))
	g.f.Func().Params(id(sg.recv).Op("*").Id(c.Name)).Id("Done").Params().Bool().Block(
		jen.Return(jen.Lit(sg.stride).Op("*").Add(sg.self("windows")).Op("+").Lit(sg.window).Op(">").Add(sg.self("Steps"))),
	)
	sg.emitHandover(sg.singleHandoverText(true, false))
	sg.emitHistory(o.Out.Name+"Size", true)
	sg.emitCheckpoint("windows",
		statePart{name: "counters", counters: []string{"step", "windows"}, what: "the model steps and windows done"},
		statePart{name: "truth", floats: sg.self("Truth").Index(jen.Op(":")), what: "the truth"},
		statePart{name: "state", floats: sg.self("E").Dot("Data"), what: "the analysis at the last window end"},
		statePart{name: "background", floats: sg.self("start").Index(jen.Op(":")), what: "the next window's background"},
		statePart{name: "truths", floats: sg.self("truths"), what: "the truth at the observation times in flight"},
		statePart{name: "observations", floats: sg.self("ys"), what: "the observations in flight"},
		statePart{name: "stats", stats: "stats", what: "the running scores"},
		statePart{name: "sstats", stats: "sstats", what: "the smoothed scores"},
		statePart{name: "vstats", stats: "vstats", what: "the minimisation scores"},
	)
	sg.emitRun("windows", string(a.Kind()), func(sum, err string) []jen.Code {
		return []jen.Code{
			sg.self("stats").Dot("Fill").Call(id(sum)),
			sg.self("sstats").Dot("FillSmoothed").Call(id(sum)),
			jen.If(id(err).Op(":=").Qual("errors", "Join").Call(sg.self("stats").Dot("Err").Call(), sg.self("sstats").Dot("Err").Call()), id(err).Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), errorf(fmt.Sprintf("cycle %s: %%w", c.SourceName), id(err))),
			),
			sg.self("vstats").Dot("Fill").Call(id(sum)),
		}
	})
}

// intro opens the doc comment of the cycle's type.
func (sg smootherGen) intro() string {
	c := sg.c
	truth := sg.truthName()
	return fmt.Sprintf("%s is the cycle %s declared at %s: a smoother. One state of %s is analysed by the "+
		"4D-Var analysis %s over windows of %d model steps, one starting every %d steps (at steps 0, %d, "+
		"%d, …), each seeing the observations at every ObsEvery steps of it. A window [s, s+%d] is "+
		"analysed once the truth has reached its end; its background at s is the previous window's "+
		"analysis trajectory there (the analysis at the previous start, %d steps on), and the first "+
		"window's is the mean of %s. The observations come from a truth run of %s drawn from %s, "+
		"observed through %s with error covariance %s: a twin experiment. The observation at the i-th "+
		"observation time (step i·ObsEvery) is drawn once, with noise from the stream (Seed, "+
		"PurposeObsNoise, i−1), so every window that contains the time sees the same one; with "+
		"window = stride = obs_every the cycle is a da cycle of the same analysis.%s\n\n"+
		"Each window is scored at its end, against the truth there, by the analysis propagated to it "+
		"(the analysis score: it has seen every observation up to its time, as a filter's has) and by "+
		"the background's forecast (the forecast score); and at its start by the analysis there, which "+
		"has seen %d steps of later observations (the smoothed score). Spinup counts windows. 4D-Var "+
		"reports no error variance, so no spread is available.",
		c.Name, c.SourceName, sg.g.at(c.Pos), sg.fwd.SourceName, sg.as.Analysis.SourceName, sg.window, sg.stride,
		sg.stride, 2*sg.stride, sg.window, sg.stride, sg.initText(), truth, sg.initText(), sg.as.Obs.SourceName,
		scaledMatrixText(sg.as.ObsErr), sg.imperfectText(), sg.window)
}

// ring is the slice of slot of a ring of size-value rows.
func ring(rows jen.Code, slot, size string) jen.Code {
	id := jen.Id
	return jen.Add(rows).Index(id(slot).Op("*").Id(size).Op(":").Parens(id(slot).Op("+").Lit(1)).Op("*").Id(size))
}

// emitStart writes Start.
func (sg smootherGen) emitStart() {
	g, c := sg.g, sg.c
	nm := g.top.fork()
	nm.take(sg.recv)
	name := c.SourceName
	n, p := sg.fwd.Carrier.Name+"Size", sg.as.Obs.Out.Name+"Size"
	r, h, filter, err, s, slots := nm.name("r"), nm.name("h"), nm.name("filter"), nm.name("err"), nm.name("s"), nm.name("slots")
	id := jen.Id
	w, st := jen.Lit(sg.window), jen.Lit(sg.stride)
	windows := jen.Parens(sg.self("Steps").Op("-").Add(w)).Op("/").Add(st).Op("+").Lit(1)
	divides := jen.Lit(sg.window).Op("%").Add(sg.self("ObsEvery")).Op("!=").Lit(0)
	what := fmt.Sprintf("window = %d and stride = %d", sg.window, sg.stride)
	if sg.stride != sg.window {
		divides = divides.Op("||").Lit(sg.stride).Op("%").Add(sg.self("ObsEvery")).Op("!=").Lit(0)
	} else {
		what = fmt.Sprintf("window = stride = %d", sg.window)
	}
	body := []jen.Code{jen.Switch().Block(
		jen.Case(sg.self("ObsEvery").Op("<").Lit(1)).Block(jen.Return(errorf(fmt.Sprintf("cycle %s: obs_every = %%d, want at least 1", name), sg.self("ObsEvery")))),
		jen.Case(divides).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: obs_every = %%d does not divide %s, so the windows would not all end at observation times and see the same ones", name, what), sg.self("ObsEvery")))),
		jen.Case(sg.self("Steps").Op("<").Add(w)).Block(jen.Return(errorf(fmt.Sprintf("cycle %s: steps = %%d leaves no window of %d steps", name, sg.window), sg.self("Steps")))),
		jen.Case(sg.self("Spinup").Op("<").Lit(0)).Block(jen.Return(errorf(fmt.Sprintf("cycle %s: spinup = %%d, want at least 0", name), sg.self("Spinup")))),
		jen.Case(sg.self("Spinup").Op(">=").Add(windows)).Block(jen.Return(errorf(fmt.Sprintf("cycle %s: spinup = %%d leaves none of the %%d windows ((steps − %d) / %d + 1) to score", name, sg.window, sg.stride), sg.self("Spinup"), windows))),
	)}
	body = append(body, sg.obsErrCode(nm, r, err)...)
	if obsNeedsDir(sg.as.Obs) {
		body = append(body,
			jen.List(id(h), id(err)).Op(":=").Id("New"+sg.as.Obs.Name).Call(sg.self("Dir")),
			ifErr(err, errorf(fmt.Sprintf("cycle %s: %%w", name), id(err))),
		)
	} else {
		body = append(body, id(h).Op(":=").Op("&").Id(sg.as.Obs.Name).Values())
	}
	body = append(body,
		sg.self("E").Op("=").Qual(rtPath, "NewEnsemble").Call(jen.Lit(1), id(n)),
		sg.self("stats").Op("=").Qual(rtPath, "NewStats").Call(id(n), sg.self("Spinup")),
		sg.self("sstats").Op("=").Qual(rtPath, "NewStats").Call(id(n), sg.self("Spinup")),
		sg.self("vstats").Op("=").Qual(rtPath, "NewVarStats").Call(sg.self("Spinup")),
	)
	body = append(body, twinSource{}.setup(sg.cycleGen, err, r)...)
	body = append(body, sg.modelLoad(err, jen.Lit(1))...)

	// The initial truth and state.
	mean, pre := sg.initMean(nm)
	body = append(body, pre...)
	draw := twinSource{}.draw(sg.cycleGen, s, mean, sg.initStd())
	draw[0] = jen.Comment(fmt.Sprintf("The truth is a draw from %s; the state starts at its mean.", sg.initText()))
	if !sg.zeroInitMean() {
		draw = append(draw, jen.Copy(sg.stateX(), mean))
	}
	body = append(body, sg.drawOrTakeOver(draw, sg.takeTruth(err), sg.takeState(err, sg.stateX()))...)
	body = append(body,
		jen.Comment("The first window's background is the state."),
		jen.Copy(sg.self("start").Index(jen.Op(":")), sg.stateX()),
	)

	body = append(body,
		jen.List(id(filter), id(err)).Op(":=").Id("New"+sg.as.Analysis.Name).Call(id(n), id(p), w, sg.self("ObsEvery"), id(sg.dt), sg.self("Dir"), id(r)),
		ifErr(err, errorf(fmt.Sprintf("cycle %s: analysis %s: %%w", name, sg.as.Analysis.SourceName), id(err))),
		jen.List(sg.self("obs"), sg.self("filter"), sg.self("r")).Op("=").List(id(h), id(filter), id(r)),
		jen.Line(),
		jen.Comment(fmt.Sprintf("The rings of the truth and the observations at the %d/ObsEvery observation times", sg.window)),
		jen.Comment("of a window and at its start, which holds the truth at step 0 to begin with."),
		id(slots).Op(":=").Lit(sg.window).Op("/").Add(sg.self("ObsEvery")).Op("+").Lit(1),
		sg.self("truths").Op("=").Make(jen.Index().Float64(), id(slots).Op("*").Id(n)),
		sg.self("ys").Op("=").Make(jen.Index().Float64(), id(slots).Op("*").Id(p)),
		sg.self("window").Op("=").Make(jen.Index().Index().Float64(), id(slots).Op("-").Lit(1)),
		jen.Copy(sg.self("truths"), sg.self("Truth").Index(jen.Op(":"))),
		jen.List(sg.self("step"), sg.self("windows"), sg.self("started")).Op("=").List(jen.Lit(0), jen.Lit(0), jen.True()),
	)
	if c.History > 0 {
		body = append(body, sg.ifRecording(
			jen.Comment("The initial record: the state as both forecast and analysis, and the truth."),
			sg.recorder("Truth", sg.self("Truth").Index(jen.Op(":"))),
			sg.recorder("ForecastState", sg.stateX(), jen.Nil()),
			sg.recorder("AnalysisState", sg.stateX(), jen.Nil()),
			jen.Return(sg.self("record").Call()),
		))
	}
	body = append(body, jen.Return(jen.Nil()))
	g.f.Add(doc("Start validates the settings and prepares a run: it builds R, the observation operator " +
		"and the analysis, and allocates the state E and the rings of the truth and the observations " +
		"of a window once. It draws the truth from the stream (Seed, PurposeTruthInit, 0); the state, " +
		"the first window's background, starts at the mean of the initial distribution, or at the " +
		"state the part before it in a sequence handed over."))
	g.f.Func().Params(id(sg.recv).Op("*").Id(c.Name)).Id("Start").Params().Error().Block(body...)
}

// emitNext writes Next: one window.
func (sg smootherGen) emitNext() {
	g, c := sg.g, sg.c
	nm := g.top.fork()
	nm.take(sg.recv)
	name := c.SourceName
	n, p := sg.fwd.Carrier.Name+"Size", sg.as.Obs.Out.Name+"Size"
	obsIn, obsOut := sg.as.Obs.In, sg.as.Obs.Out
	id := jen.Id
	m, begin, t0, slots, i0, truth0, err := nm.name("m"), nm.name("begin"), nm.name("t0"), nm.name("slots"), nm.name("i0"), nm.name("truth0"), nm.name("err")
	var from string
	if c.History > 0 {
		from = nm.name("from")
	}
	body := []jen.Code{
		jen.If(jen.Op("!").Add(sg.self("started"))).Block(
			jen.Return(jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("cycle %s: Next called before Start", name)))),
		),
		id(m).Op(":=").Op("&").Add(sg.self(sg.model)),
	}
	if from != "" {
		body = append(body, id(from).Op(":=").Add(sg.self("step")))
	}
	body = append(body,
		id(begin).Op(":=").Lit(sg.stride).Op("*").Add(sg.self("windows")).Comment("the window's first step"),
		id(t0).Op(":=").Float64().Call(id(begin)).Op("*").Id(sg.dt),
		id(slots).Op(":=").Len(sg.self("window")).Op("+").Lit(1),
		jen.Line(),
	)

	// The truth runs on to the window's end.
	lnm := nm.fork()
	t, s, i, slot, y := lnm.name("t"), lnm.name("s"), lnm.name("i"), lnm.name("slot"), lnm.name("y")
	at := id(t).Op("+").Float64().Call(id(s)).Op("*").Id(sg.dt)
	truthStep := sg.stepState(id(m), jen.Op("&").Add(sg.self("Truth")), at, err, "truth forecast")
	if tm := sg.truthModel(); tm != nil {
		truthStep = sg.stepWith(tm, sg.self("TruthModel"), jen.Op("&").Add(sg.self("Truth")), at, err, "truth forecast")
	}
	body = append(body,
		jen.Comment("The truth runs on to the window's end, observed at every observation time it passes:"),
		jen.Comment("y = H(truth) + N(0, R) at the i-th (step i·ObsEvery), noise from the stream (Seed,"),
		jen.Comment("PurposeObsNoise, i−1), so that every window containing the time sees the same y."),
		jen.For(sg.self("step").Op("<").Id(begin).Op("+").Lit(sg.window)).Block(
			id(t).Op(":=").Float64().Call(sg.self("step")).Op("*").Id(sg.dt),
			jen.For(id(s).Op(":=").Range().Add(sg.self("ObsEvery"))).Block(truthStep),
			sg.self("step").Op("+=").Add(sg.self("ObsEvery")),
			id(i).Op(":=").Add(sg.self("step")).Op("/").Add(sg.self("ObsEvery")),
			id(slot).Op(":=").Id(i).Op("%").Id(slots),
			jen.Copy(ring(sg.self("truths"), slot, n), sg.self("Truth").Index(jen.Op(":"))),
			id(y).Op(":=").Parens(jen.Op("*").Id(obsOut.Name)).Call(ring(sg.self("ys"), slot, p)),
			sg.self("obs").Dot("Apply").Call(castTo(id(y), obsOut, obsOut), castTo(jen.Op("&").Add(sg.self("Truth")), sg.fwd.Carrier, obsIn)),
			sg.self("noise").Dot("Reset").Call(sg.self("Seed"), jen.Qual(rtPath, "PurposeObsNoise"), jen.Uint64().Call(id(i).Op("-").Lit(1))),
			sg.self("r").Dot("AddNoise").Call(id(y).Index(jen.Op(":")), sg.self("noise")),
		),
	)

	// The window's observations.
	wnm := nm.fork()
	k, wslot := wnm.name("k"), wnm.name("slot")
	body = append(body,
		jen.Comment("The window's observations, in time order: the observation times after its start."),
		id(i0).Op(":=").Id(begin).Op("/").Add(sg.self("ObsEvery")),
		jen.For(id(k).Op(":=").Range().Add(sg.self("window"))).Block(
			id(wslot).Op(":=").Parens(id(i0).Op("+").Lit(1).Op("+").Id(k)).Op("%").Id(slots),
			sg.self("window").Index(id(k)).Op("=").Add(ring(sg.self("ys"), wslot, p)),
		),
		jen.Line(),
	)

	// Analyse and score.
	body = append(body,
		jen.Comment("Analyse: the background at the window's start is replaced by the analysis there, and the"),
		jen.Comment("analysis propagated to the window's end goes into the state."),
		jen.If(id(err).Op(":=").Add(sg.self("filter")).Dot("Analyze").Call(sg.self("start").Index(jen.Op(":")), sg.stateX(), id(t0),
			sg.modelSlices(id(m)), sg.obsSlices(), sg.self("window")), id(err).Op("!=").Nil()).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: window %%d (steps %%d to %%d): %%w", name), sg.self("windows"), id(begin), sg.self("step"), id(err))),
		),
		sg.self("vstats").Dot("Add").Call(sg.self("filter")),
		jen.Comment("At the window's end, the forecast of the background and the analysis (the filter score);"),
		jen.Comment("at its start, the analysis there, which has seen the whole window (the smoothed score)."),
		sg.self("stats").Dot("ForecastState").Call(sg.self("filter").Dot("Forecast").Call(), jen.Nil(), sg.self("Truth").Index(jen.Op(":"))),
		sg.self("stats").Dot("AnalysisState").Call(sg.stateX(), jen.Nil(), sg.self("Truth").Index(jen.Op(":"))),
		id(truth0).Op(":=").Add(sg.self("truths")).Index(
			jen.Parens(id(i0).Op("%").Id(slots)).Op("*").Id(n).Op(":").Parens(id(i0).Op("%").Id(slots).Op("+").Lit(1)).Op("*").Id(n)),
		sg.self("sstats").Dot("AnalysisState").Call(sg.self("start").Index(jen.Op(":")), jen.Nil(), id(truth0)),
	)
	if from != "" {
		h := c.History
		body = append(body,
			jen.Line(),
			jen.Comment(fmt.Sprintf("History at the first window end at or after every %d-th model step.", h)),
			jen.If(sg.self("history").Op("!=").Nil().Op("&&").Add(sg.self("step")).Op("/").Lit(h).Op("!=").Id(from).Op("/").Lit(h)).Block(
				sg.recorder("Truth", sg.self("Truth").Index(jen.Op(":"))),
				sg.recorder("ForecastState", sg.self("filter").Dot("Forecast").Call(), jen.Nil()),
				sg.recorder("Observation", sg.self("window").Index(jen.Len(sg.self("window")).Op("-").Lit(1))),
				sg.recorder("AnalysisState", sg.stateX(), jen.Nil()),
				sg.recorder("Minimisation", sg.self("filter")),
				sg.recorder("SmoothedState", sg.self("start").Index(jen.Op(":")), id(begin), id(t0), id(truth0)),
				jen.If(id(err).Op(":=").Add(sg.self("record")).Call(), id(err).Op("!=").Nil()).Block(jen.Return(id(err))),
			),
		)
	}

	// The next background.
	body = append(body, jen.Line())
	if sg.stride == sg.window {
		body = append(body,
			jen.Comment("The next window starts where this one ends: its background is the state."),
			jen.Copy(sg.self("start").Index(jen.Op(":")), sg.stateX()),
		)
	} else {
		bnm := nm.fork()
		x, s := bnm.name("x"), bnm.name("s")
		body = append(body,
			jen.Comment(fmt.Sprintf("The next window's background: the analysis trajectory at its start, %d steps on.", sg.stride)),
			id(x).Op(":=").Parens(jen.Op("*").Id(sg.st)).Call(sg.self("start").Index(jen.Op(":"))),
			jen.For(id(s).Op(":=").Range().Lit(sg.stride)).Block(
				sg.stepState(id(m), id(x), id(t0).Op("+").Float64().Call(id(s)).Op("*").Id(sg.dt), err, "background forecast"),
			),
		)
	}
	body = append(body, sg.self("windows").Op("++"), jen.Return(jen.Nil()))
	g.f.Add(doc("Next analyses one window, the windows numbered from 0: the truth's model steps to " +
		"the window's end and its noisy observations at the observation times it passes, the " +
		"4D-Var analysis of the window from its background, the scores at its end and the smoothed " +
		"score at its start, and the next window's background. It allocates nothing."))
	g.f.Func().Params(id(sg.recv).Op("*").Id(c.Name)).Id("Next").Params().Error().Block(body...)
}
