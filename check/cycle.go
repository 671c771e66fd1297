// Cycles (language.md §7): the options of each kind, the declarations
// they name, and the wiring between them (carriers, sizes, analysis kinds,
// linearity, ensemble sizes), initial distributions, sources and seeds.
package check

import (
	"path"
	"strings"

	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/ir"
	"github.com/cyclec/cyclec/lang"
)

// cycleKinds lists the kinds in the order messages name them.
var cycleKinds = []ir.CycleKind{
	ir.CycleForecast, ir.CycleEnsembleForecast, ir.CycleDA, ir.CycleEnsembleDA,
	ir.CycleSmoother, ir.CycleWindowed, ir.CycleRecurrence, ir.CycleSequence,
}

// cycleOptions lists the options of each kind.
var cycleOptions = map[ir.CycleKind][]string{
	ir.CycleForecast:         {"model", "steps", "init", "seed", "history", "checkpoint", "climatology", "spinup"},
	ir.CycleEnsembleForecast: {"model", "members", "steps", "init", "seed", "history", "history_members", "checkpoint"},
	ir.CycleDA:               {"model", "truth", "obs", "obs_err", "analysis", "obs_every", "steps", "spinup", "init", "source", "seed", "history", "checkpoint"},
	ir.CycleEnsembleDA:       {"model", "truth", "obs", "obs_err", "analysis", "members", "obs_every", "steps", "spinup", "init", "source", "seed", "history", "history_members", "checkpoint"},
	ir.CycleSmoother:         {"model", "truth", "obs", "obs_err", "analysis", "members", "obs_every", "steps", "spinup", "window", "stride", "init", "source", "seed", "history", "history_members", "checkpoint"},
	ir.CycleWindowed:         {"step", "window", "stride", "steps", "init", "seed", "history", "checkpoint"},
	ir.CycleRecurrence:       {"step", "until", "max_iters", "init", "seed", "history"},
	ir.CycleSequence:         nil,
}

// cycleRequired lists the options each kind cannot do without.
var cycleRequired = map[ir.CycleKind][]string{
	ir.CycleForecast:         {"model", "steps"},
	ir.CycleEnsembleForecast: {"model", "members", "steps"},
	ir.CycleDA:               {"model", "obs", "obs_err", "analysis", "steps", "source"},
	ir.CycleEnsembleDA:       {"model", "obs", "obs_err", "analysis", "steps", "source"},
	ir.CycleSmoother:         {"model", "obs", "obs_err", "analysis", "steps", "window", "source"},
	ir.CycleWindowed:         {"step", "window", "steps"},
	ir.CycleRecurrence:       {"step", "until", "max_iters"},
}

// analysesFor lists the analysis kinds each DA cycle kind accepts. A go
// analysis in a da cycle sees the state as a 1-member ensemble. The
// smoother runs 4D-Var over its windows; the fixed-lag enks smooths in an
// ensemble_da cycle instead.
var analysesFor = map[ir.CycleKind][]ir.AnalysisKind{
	ir.CycleDA:         {ir.AnalysisKF, ir.AnalysisEKF, ir.AnalysisOI, ir.AnalysisVar3D, ir.AnalysisVar4D, ir.AnalysisGo},
	ir.CycleEnsembleDA: ensembleKinds,
	ir.CycleSmoother:   {ir.AnalysisVar4D},
}

// linearisingKinds are the analyses that use the linearisation of the
// obs operator (its Jacobian, or its tangent-linear and adjoint).
var linearisingKinds = []ir.AnalysisKind{ir.AnalysisKF, ir.AnalysisEKF, ir.AnalysisOI, ir.AnalysisVar3D, ir.AnalysisVar4D}

// modelDerivatives says, for the analyses that use the derivatives of
// the forward model, which ones they use.
var modelDerivatives = map[ir.AnalysisKind]string{
	ir.AnalysisEKF:   "the tangent-linear",
	ir.AnalysisVar4D: "the tangent-linear and adjoint",
}

// defaultSeed seeds cycles that name no seed.
const defaultSeed = 1

// checkCycle checks a cycle and its wiring.
func (c *checker) checkCycle(o *object, d *lang.CycleDecl) {
	cy := &cycleDraft{Kind: ir.CycleKind(d.Kind.Text())}
	defer func() {
		o.cyc = cy.build(o)
	}()
	allowed, known := cycleOptions[cy.Kind]
	if !known {
		names := make([]string, len(cycleKinds))
		for i, k := range cycleKinds {
			names[i] = string(k)
		}
		at := o.pos
		if d.Kind != nil {
			at = lang.Pos(d.Kind.Pos)
		}
		dg := c.diags.Add(at, "cycle", "unknown cycle kind %s (kinds: %s)", d.Kind.Text(), strings.Join(names, ", "))
		if near := nearest(d.Kind.Text(), names); near != "" {
			dg.Msg += "; did you mean " + near + "?"
		}
		o.bad = true
		cy.Kind = ""
		return
	}
	var opts []*lang.Option
	if d.Options != nil {
		opts = d.Options.Options
	}
	if cy.Kind == ir.CycleSequence {
		c.options(o, opts, "sequence", nil)
		if !c.sequence(o, d, cy) {
			o.bad = true
		}
		return
	}
	ok := true
	if d.Args != nil {
		c.diags.Add(lang.Pos(d.Args.Pos), "cycle", "only sequence takes arguments; %s takes an option block { … }", d.Kind.Text())
		ok = false
	}
	s := c.options(o, opts, d.Kind.Text(), allowed)
	if !s.require(cycleRequired[cy.Kind]...) {
		ok = false
	}
	w := &wiring{c: c, o: o, s: s, cy: cy, ok: ok}
	w.check()
	if !w.ok {
		o.bad = true
	}
}

// wiring checks one non-sequence cycle.
type wiring struct {
	c  *checker
	o  *object
	s  *optSet
	cy *cycleDraft
	ok bool

	model, step, obs, an *object
	stepAny              *object // the step model even when it has errors
	carrier              *ir.Carrier
	kindMismatch         bool // the analysis kind does not suit the cycle (reported)
}

// owner is the declaration whose state the cycle steps.
func (w *wiring) owner() *object {
	if w.model != nil {
		return w.model
	}
	return w.step
}

func (w *wiring) fail() { w.ok = false }

func (w *wiring) check() {
	w.references()
	w.counts()
	w.observations()
	w.analysis()
	w.ensemble()
	w.initial()
	w.source()
	w.outputs()
	w.windows()
	w.recurrence()
	w.climatology()
	w.memory()
}

// refOption resolves an option that names a declaration of kind k. It
// returns the declaration when it is sound, and in any case what the name
// denotes if it is of kind k.
func (w *wiring) refOption(name string, k kind) (good, any *object) {
	val := w.s.value(name)
	if val == nil {
		return nil, nil
	}
	q := nameOf(val)
	if q == nil {
		w.s.errorf(name, "%s must name %s", name, k.noun())
		w.fail()
		return nil, nil
	}
	o := w.c.refAny(w.o, q, k)
	if o == nil || o.bad {
		w.fail()
		return nil, o
	}
	return o, o
}

// references resolves model, step, obs and analysis.
func (w *wiring) references() {
	w.model, _ = w.refOption("model", kindForward)
	w.step, w.stepAny = w.refOption("step", kindForward)
	w.obs, _ = w.refOption("obs", kindObs)
	w.an, _ = w.refOption("analysis", kindAnalysis)
	switch {
	case w.model != nil && w.model.fwd != nil:
		w.cy.Model = w.model.fwd
		w.carrier = w.model.fwd.Carrier
	case w.step != nil && w.step.fwd != nil:
		w.cy.Step = w.step.fwd
		w.carrier = w.step.fwd.Carrier
	}
	if w.obs != nil {
		w.cy.Obs = w.obs.obs
	}
	if w.an != nil {
		w.cy.Analysis = w.an.an
	}
	w.truthModel()
}

// truthModel reads truth = M: the model the twin truth runs with, when it
// is not the cycle's model (an imperfect-model experiment: an emulator or
// a coarser model assimilating a physical truth).
func (w *wiring) truthModel() {
	t, _ := w.refOption("truth", kindForward)
	if t == nil || t.fwd == nil {
		return
	}
	m := t.fwd
	if w.carrier != nil && m.Carrier != nil && m.Carrier != w.carrier {
		w.s.errorf("truth", "truth %s steps %s, but model %s steps %s", t.srcName, m.Carrier.SourceName, w.owner().srcName, w.carrier.SourceName).
			With(t.pos, "%s declared here", t.srcName)
		w.fail()
		return
	}
	if mm := w.cy.Model; mm != nil && mm.DT > 0 && m.DT > 0 && mm.DT != m.DT {
		w.s.errorf("truth", "truth %s has dt = %s, but model %s has dt = %s: the truth and the ensemble step together", t.srcName, fmtNum(m.DT), w.owner().srcName, fmtNum(mm.DT)).
			With(t.pos, "%s declared here", t.srcName)
		w.fail()
		return
	}
	if v := w.s.value("source"); v != nil && callName(callOf(v)) != "twin" {
		w.s.errorf("truth", "truth applies to a twin experiment: observations from a file or Go code have no truth run")
		w.fail()
		return
	}
	w.cy.Truth = m
}

// positive reads an integer option that must be at least lo.
func (w *wiring) atLeast(name string, lo int) (int, bool) {
	if !w.s.has(name) {
		return 0, false
	}
	n, ok := w.s.integer(name)
	if !ok {
		w.fail()
		return 0, false
	}
	if n < lo {
		w.s.errorf(name, "%s must be at least %d, got %d", name, lo, n)
		w.fail()
		return 0, false
	}
	return n, true
}

// counts reads steps, obs_every and spinup.
func (w *wiring) counts() {
	steps, stepsOK := w.atLeast("steps", 1)
	w.cy.Steps = steps
	if !contains(cycleOptions[w.cy.Kind], "obs_every") {
		return
	}
	w.cy.ObsEvery = 1
	every, everyOK := w.atLeast("obs_every", 1)
	if everyOK {
		w.cy.ObsEvery = every
	} else if w.s.has("obs_every") {
		return
	}
	spinup, spinOK := w.atLeast("spinup", 0)
	if spinOK {
		w.cy.Spinup = spinup
	} else if w.s.has("spinup") {
		return
	}
	if !stepsOK {
		return
	}
	analyses := steps / w.cy.ObsEvery
	switch {
	case analyses == 0:
		w.s.errorf("steps", "steps = %d with obs_every = %d leaves no analysis", steps, w.cy.ObsEvery)
		w.fail()
	case w.cy.Spinup >= analyses:
		w.s.errorf("spinup", "spinup = %d must be less than the number of analyses, %d (steps / obs_every)", w.cy.Spinup, analyses)
		w.fail()
	}
}

// observations checks that the obs operator reads the model's carrier and
// that R matches its output.
func (w *wiring) observations() {
	op := w.cy.Obs
	if op != nil && op.In != nil && w.carrier != nil && op.In != w.carrier {
		d := w.c.diags.Add(w.s.at("obs"), "carrier", "obs %s reads %s, but model %s steps %s", w.obs.srcName, op.In.SourceName, w.owner().srcName, w.carrier.SourceName)
		if op.In.Size() == w.carrier.Size() {
			d.Msg += " (carriers are nominal: the same shape is not enough)"
		}
		d.With(w.obs.pos, "%s declared here", w.obs.srcName).With(w.owner().pos, "%s declared here", w.owner().srcName)
		w.fail()
	}
	if !w.s.has("obs_err") {
		return
	}
	mx, df, ok := w.c.matrixOf(w.s.v, w.s.value("obs_err"), "obs_err")
	if !ok {
		w.fail()
		return
	}
	w.cy.ObsErr = mx
	if op != nil && op.Out != nil {
		if !w.c.sizeMatrix(mx, df, op.Out.Size(), "the output "+op.Out.SourceName+" of obs "+w.obs.srcName) {
			w.fail()
		}
	}
}

// analysis checks the analysis kind against the cycle kind, kf's
// linearity requirement, the derivatives the analysis needs of the model
// and the obs operator, and the sizes of B and of oi's mean.
func (w *wiring) analysis() {
	a := w.cy.Analysis
	if a == nil {
		return
	}
	if kinds := analysesFor[w.cy.Kind]; kinds != nil && !containsKind(kinds, a.Kind()) {
		names := make([]string, len(kinds))
		for i, k := range kinds {
			names[i] = string(k)
		}
		need := "an analysis of kind " + orList(names)
		if w.cy.Kind == ir.CycleEnsembleDA {
			need = "an ensemble analysis (" + orList(names) + ")"
		}
		hint := ""
		switch {
		case w.cy.Kind == ir.CycleDA && containsKind(ensembleKinds, a.Kind()):
			hint = ": an ensemble analysis runs in an ensemble_da cycle"
		case w.cy.Kind == ir.CycleSmoother && a.Kind() == ir.AnalysisEnKS:
			hint = ": enks smooths in an ensemble_da cycle, over its lag"
		case w.cy.Kind == ir.CycleSmoother:
			hint = ": a smoother runs 4D-Var over its windows"
		}
		w.c.diags.Add(w.s.at("analysis"), "analysis", "%s needs %s, but %s is %s%s", w.cy.Kind, need, w.an.srcName, a.Kind(), hint).
			With(w.an.pos, "%s declared here", w.an.srcName)
		w.fail()
		w.kindMismatch = true
	}
	if w.kindMismatch {
		return
	}
	linearFailed := false
	if a.Kind() == ir.AnalysisKF {
		if m := w.cy.Model; m != nil && !m.Linear {
			d := w.c.diags.Add(w.s.at("model"), "linear", "kf needs a linear model, but %s is not linear in its state%s", w.model.srcName, reasonText(m.NonlinearAt))
			noteAt(d, m.NonlinearAt, "nonlinear here")
			d.With(w.model.pos, "%s declared here", w.model.srcName)
			w.fail()
		}
		if op := w.cy.Obs; op != nil && !op.Linear {
			d := w.c.diags.Add(w.s.at("obs"), "linear", "kf needs a linear obs operator, but %s is not linear%s", w.obs.srcName, reasonText(op.NonlinearAt))
			noteAt(d, op.NonlinearAt, "nonlinear here")
			d.With(w.obs.pos, "%s declared here", w.obs.srcName)
			w.fail()
			linearFailed = true
		}
	}
	if op := w.cy.Obs; op != nil && containsKind(linearisingKinds, a.Kind()) && !linearFailed {
		if r := op.NoDerivative; r != nil {
			d := w.c.diags.Add(w.s.at("obs"), "derivative", "%s needs the linearisation of obs %s, but %s", a.Kind(), w.obs.srcName, r.Msg)
			noteAt(d, r, "no derivative here")
			w.fail()
		} else if g := goObsWithoutJacobian(op); g != nil {
			w.c.diags.Warn(w.s.at("obs"), "jacobian", "obs %s has no jacobian: %s analysis %s will linearise it by finite differences (add jacobian = go \"…\" to it)", g.SourceName, a.Kind(), w.an.srcName).
				With(g.Pos, "%s declared here", g.SourceName)
		}
	}
	if need, ok := modelDerivatives[a.Kind()]; ok && w.cy.Model != nil {
		w.lateModelDerivatives(a.Kind(), need)
	}
	if l := a.Localization(); l != nil {
		if op := w.cy.Obs; op != nil && op.Sites() == nil {
			hint := "add locations = indices(…) or locations = subsample(start = s, step = k) to it"
			if _, body := op.Def.(*ir.ExprObs); body {
				hint = "an obs written as a body cannot give them yet: write it as linear \"H.csv\" or go \"…\" with locations = indices(…)"
			}
			w.c.diags.Add(w.s.at("obs"), "localize", "analysis %s localises, so it needs to know where each observation sits, but obs %s does not say: %s",
				w.an.srcName, w.obs.srcName, hint).
				With(w.obs.pos, "%s declared here", w.obs.srcName)
			w.fail()
		}
	}
	if w.carrier == nil {
		return
	}
	state := "the state " + w.carrier.SourceName + " of " + w.owner().srcName
	// The errors are at the analysis's B or mean, with a note at the
	// cycle that uses it.
	used := func() {
		if n := len(w.c.diags); n > 0 {
			w.c.diags[n-1].With(w.s.at("analysis"), "used here, by cycle %s", w.o.srcName)
		}
		w.fail()
	}
	if b := backgroundOf(a); b != nil {
		if !w.c.sizeMatrix(b, w.an.bFile, w.carrier.Size(), state) {
			used()
		}
	}
	if oi, ok := a.Method.(*ir.OI); ok && oi.Mean != nil {
		if !w.c.sizeVector(oi.Mean, w.an.meanFile, w.carrier.Size(), state) {
			used()
		}
	}
}

// lateModelDerivatives queues the check that the cycle's model has the
// derivatives the analysis kind needs (need names them): whether a go
// model has any is known only once the Go resolver has said whether it is
// a type.
func (w *wiring) lateModelDerivatives(kind ir.AnalysisKind, need string) {
	m, mo, at, o := w.cy.Model, w.model, w.s.at("model"), w.o
	w.c.late = append(w.c.late, func() {
		if mo.bad || m.NoDerivative == nil {
			return
		}
		r := m.NoDerivative
		d := w.c.diags.Add(at, "derivative", "%s needs %s of %s, but %s", kind, need, mo.srcName, r.Msg)
		noteAt(d, r, "no derivative here")
		o.bad = true
	})
}

// reasonText is ": " and the reason's message, or "" for none.
func reasonText(r *ir.Reason) string {
	if r == nil {
		return ""
	}
	return ": " + r.Msg
}

// noteAt adds a note at the reason's position, when there is one.
func noteAt(d *diag.Diagnostic, r *ir.Reason, msg string) {
	if r != nil && r.Pos.IsValid() {
		d.With(r.Pos, "%s", msg)
	}
}

// goObsWithoutJacobian returns the go operator without a jacobian that
// op is or chains, or nil: its linearisation is by finite differences.
func goObsWithoutJacobian(op *ir.ObsOp) *ir.ObsOp {
	switch d := op.Def.(type) {
	case *ir.GoObs:
		if d.Jacobian == nil {
			return op
		}
	case *ir.ComposeObs:
		for _, p := range d.Parts {
			if g := goObsWithoutJacobian(p); g != nil {
				return g
			}
		}
	}
	return nil
}

// backgroundOf is the B of a variational analysis, or nil.
func backgroundOf(a *ir.Analysis) *ir.Matrix {
	switch m := a.Method.(type) {
	case *ir.OI:
		return m.B
	case *ir.Var3D:
		return m.B
	case *ir.Var4D:
		return m.B
	}
	return nil
}

func containsKind(list []ir.AnalysisKind, k ir.AnalysisKind) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// ensemble settles the ensemble size from the cycle and its analysis.
func (w *wiring) ensemble() {
	n, given := w.atLeast("members", 2)
	if !given && w.s.has("members") {
		return
	}
	a := w.cy.Analysis
	if given {
		w.cy.Members = n
		if a != nil && a.Members() > 0 && a.Members() != n {
			what := "members"
			if a.Kind() == ir.AnalysisPF {
				what = "particles"
			}
			w.s.errorf("members", "members = %d, but analysis %s has %s = %d", n, w.an.srcName, what, a.Members()).
				With(w.an.pos, "%s declared here", w.an.srcName)
			w.fail()
		}
		if a != nil && !containsKind(ensembleKinds, a.Kind()) && !w.kindMismatch {
			w.s.errorf("members", "members means nothing with %s analysis %s", a.Kind(), w.an.srcName).
				With(w.an.pos, "%s declared here", w.an.srcName)
			w.fail()
		}
		return
	}
	if a != nil && a.Kind() == ir.AnalysisGo && w.cy.Kind == ir.CycleDA {
		if a.Members() > 0 {
			w.c.diags.Add(w.s.at("analysis"), "option", "analysis %s has members = %d, but a da cycle has one state: a go analysis in a da cycle is given a 1-member ensemble (drop members, or use ensemble_da)",
				w.an.srcName, a.Members()).
				With(w.an.pos, "%s declared here", w.an.srcName)
			w.fail()
		}
		return
	}
	if a != nil && containsKind(ensembleKinds, a.Kind()) {
		w.cy.Members = a.Members()
		if a.Members() == 0 && a.Kind() == ir.AnalysisGo {
			w.c.diags.Add(w.o.pos, "option", "%s needs members: give members on the cycle or on analysis %s", w.cy.Kind, w.an.srcName).
				With(w.an.pos, "%s declared here", w.an.srcName)
			w.fail()
		}
	}
}

// initial reads init = normal(mean = m, std = s), defaulting to
// normal(mean = 0, std = 1).
func (w *wiring) initial() {
	if w.carrier == nil {
		if w.s.has("init") {
			// Still check the form of the value.
			w.c.initOf(w.s, nil, w.o.pos)
		}
		return
	}
	in, ok := w.c.initOf(w.s, w.carrier, w.o.pos)
	if !ok {
		w.fail()
	}
	w.cy.Init = in
}

// initOf reads the init option for carrier car (nil when unknown).
func (c *checker) initOf(s *optSet, car *ir.Carrier, declPos diag.Pos) (*ir.NormalInit, bool) {
	n := 0
	if car != nil {
		n = car.Size()
	}
	in := &ir.NormalInit{Pos: declPos, Mean: c.filled(n, 0), Std: 1}
	val := s.value("init")
	if val == nil {
		return in, true
	}
	in.Pos = lang.Pos(val.Pos)
	cl := callOf(val)
	if cl == nil || callName(cl) != "normal" || cl.Args == nil {
		s.errorf("init", "init must be normal(mean = m, std = s)")
		return nil, false
	}
	args, ok := c.bindArgs(cl, []string{"mean", "std"})
	if !ok {
		return nil, false
	}
	if a := args["mean"]; a != nil {
		e := c.valueExpr(a, "mean", "a number or a vector")
		if e == nil {
			return nil, false
		}
		x := s.v.expr(e)
		switch x.kind {
		case vBad:
			return nil, false
		case vNum:
			in.Mean = c.filled(n, x.num)
		case vVec:
			if car != nil && len(x.vec) != n {
				d := c.diags.Add(lang.Pos(a.Pos), "shape", "mean has %d elements, but %s has %d", len(x.vec), car.SourceName, n)
				if x.from != nil {
					d.With(x.from.pos, "%s declared here", x.from.srcName)
				}
				d.With(car.Pos, "%s declared here", car.SourceName)
				return nil, false
			}
			in.Mean = x.vec
			if x.from != nil {
				in.MeanFrom = x.from.srcName
			}
		default:
			c.diags.Add(lang.Pos(a.Pos), "value", "mean must be a number or a vector, not %s", describe(x))
			return nil, false
		}
	}
	if a := args["std"]; a != nil {
		x, good := c.numberOf(s.v, a, "std")
		if !good {
			return nil, false
		}
		if x < 0 {
			c.diags.Add(lang.Pos(a.Pos), "value", "std must not be negative, got %s", fmtNum(x))
			return nil, false
		}
		in.Std = x
	}
	return in, true
}

// filled returns n copies of x. Broadcast means are shared between the
// cycles that use them (the IR is read-only to its consumers), so that many
// cycles over a large carrier cost one slice.
func (c *checker) filled(n int, x float64) []float64 {
	key := filledKey{n, x}
	if s, ok := c.means[key]; ok {
		return s
	}
	s := make([]float64, n)
	for i := range s {
		s[i] = x
	}
	c.means[key] = s
	return s
}

type filledKey struct {
	n int
	x float64
}

// source reads source = twin(seed = s) | file("path") | go "…", and the
// cycle's seed.
func (w *wiring) source() {
	seed := uint64(defaultSeed)
	seedGiven := false
	if n, ok := w.atLeast("seed", 0); ok {
		seed, seedGiven = uint64(n), true
	}
	w.cy.Seed = seed
	val := w.s.value("source")
	if val == nil {
		return
	}
	p := lang.Pos(val.Pos)
	if val.Go != nil {
		ref, ok := w.c.goRef(w.o, *val.Go, p, GoSource, "go observation source", nil)
		if !ok {
			w.fail()
			return
		}
		w.cy.Source = &ir.GoSource{Pos: p, Ref: ref}
		return
	}
	cl := callOf(val)
	switch callName(cl) {
	case "twin":
		args, ok := w.c.bindArgs(cl, []string{"seed"})
		if !ok {
			w.fail()
			return
		}
		src := &ir.TwinSource{Pos: p, Seed: seed}
		if a := args["seed"]; a != nil {
			n, good := w.c.integerOf(w.s.v, a, "seed")
			if good && n < 0 {
				w.c.diags.Add(lang.Pos(a.Pos), "value", "seed must not be negative, got %d", n)
				good = false
			}
			if !good {
				w.fail()
				return
			}
			if seedGiven {
				w.s.errorf("seed", "seed given twice: source = twin(seed = …) already sets it").
					With(lang.Pos(a.Pos), "twin seed here")
				w.fail()
			}
			src.Seed = uint64(n)
			w.cy.Seed = src.Seed
		}
		w.cy.Source = src
		return
	case "file":
		args, ok := w.c.bindArgs(cl, []string{"path"})
		if !ok {
			w.fail()
			return
		}
		path, isStr := stringOf(args["path"])
		if !isStr || path == "" {
			w.c.diags.Add(p, "value", `file needs a path: file("obs.csv")`)
			w.fail()
			return
		}
		w.cy.Source = &ir.FileSource{Pos: p, Path: path}
		return
	}
	w.s.errorf("source", `source must be twin(seed = s), file("path") or go "…"`)
	w.fail()
}

// outputs reads history = every(k), history_members = true|false (which
// needs a history) and checkpoint = every(k).
func (w *wiring) outputs() {
	defer func() {
		if !w.s.has("history_members") {
			return
		}
		b, good := w.s.boolean("history_members")
		switch {
		case !good:
			w.fail()
		case b && !w.s.has("history"):
			w.s.errorf("history_members", "history_members = true needs history = every(k)")
			w.fail()
		default:
			w.cy.HistoryMembers = b
		}
	}()
	for _, name := range []string{"history", "checkpoint"} {
		if !w.s.has(name) {
			continue
		}
		val := w.s.value(name)
		cl := callOf(val)
		if cl == nil || callName(cl) != "every" || cl.Args == nil {
			w.s.errorf(name, "%s must be every(k)", name)
			w.fail()
			continue
		}
		args, ok := w.c.bindArgs(cl, []string{"k"})
		if !ok {
			w.fail()
			continue
		}
		a := args["k"]
		if a == nil {
			w.s.errorf(name, "%s must be every(k)", name)
			w.fail()
			continue
		}
		k, good := w.c.integerOf(w.s.v, a, "every")
		if good && k < 1 {
			w.c.diags.Add(lang.Pos(a.Pos), "value", "every(%d): k must be at least 1", k)
			good = false
		}
		if !good {
			w.fail()
			continue
		}
		if name == "history" {
			w.cy.History = k
		} else {
			w.cy.Checkpoint = k
		}
	}
}

// windows reads window (at most steps) and stride (at most window,
// default window). A smoother's window and stride are whole numbers of
// obs_every, so that every window ends at an observation time and every
// window sees the same observation times.
func (w *wiring) windows() {
	if !contains(cycleOptions[w.cy.Kind], "window") {
		return
	}
	win, ok := w.atLeast("window", 1)
	if !ok {
		return
	}
	if w.cy.Steps > 0 && win > w.cy.Steps {
		w.s.errorf("window", "window = %d is longer than the run, steps = %d", win, w.cy.Steps)
		w.fail()
		return
	}
	w.cy.Window, w.cy.Stride = win, win
	if stride, ok := w.atLeast("stride", 1); ok {
		if stride > win {
			w.s.errorf("stride", "stride = %d must not exceed window = %d", stride, win)
			w.fail()
			return
		}
		w.cy.Stride = stride
	} else if w.s.has("stride") {
		return
	}
	if w.cy.Kind != ir.CycleSmoother || w.cy.ObsEvery <= 1 {
		return
	}
	for _, name := range []string{"window", "stride"} {
		n := w.cy.Window
		if name == "stride" {
			if !w.s.has("stride") {
				continue
			}
			n = w.cy.Stride
		}
		if n%w.cy.ObsEvery != 0 {
			w.s.errorf(name, "%s = %d must be a multiple of obs_every = %d, so that every window ends at an observation time and all windows see the same ones", name, n, w.cy.ObsEvery)
			w.fail()
		}
	}
}

// recurrence reads until (a condition on the step model's state) and
// max_iters.
func (w *wiring) recurrence() {
	if w.cy.Kind != ir.CycleRecurrence {
		return
	}
	if n, ok := w.atLeast("max_iters", 1); ok {
		w.cy.MaxIters = n
	}
	val := w.s.value("until")
	if val == nil {
		return
	}
	e := w.c.valueExpr(val, "until", "a condition")
	if e == nil {
		w.fail()
		return
	}
	v := &env{c: w.c, obj: w.o, mod: w.o.mod, where: "a stop condition"}
	switch {
	case w.stepAny != nil && w.stepAny.fwd != nil && w.stepAny.fwd.Var != "":
		v.state, v.carrier = w.stepAny.fwd.Var, w.stepAny.fwd.Carrier
	default:
		// The step model is unknown or missing (reported), and so is the
		// state the condition reads.
		return
	}
	x := v.expr(e)
	switch {
	case x.kind == vBad:
		w.fail()
	case x.kind != vBool || x.e == nil:
		w.s.errorf("until", "until must be a condition on the state, such as abs(x[0]) < 1e-9, not %s", describe(x))
		w.fail()
	case x.deps&depState == 0 && v.state != "":
		w.s.errorf("until", "until never reads %s, so it cannot stop the recurrence", v.state)
		w.fail()
	default:
		w.cy.Until = x.e
		if w.cy.Step == nil {
			w.fail()
		}
	}
}

// climatology reads a forecast's climatology = files(mean = "m.csv", cov
// = "c.csv"), the files the run writes the sample mean and covariance of
// its states to, and spinup, the model steps left out of them (default
// 0, and only with a climatology). The sample must hold at least two
// states.
func (w *wiring) climatology() {
	if w.cy.Kind != ir.CycleForecast {
		return
	}
	const form = `climatology = files(mean = "mean.csv", cov = "cov.csv")`
	spinup, spinOK := w.atLeast("spinup", 0)
	if w.s.has("spinup") && !spinOK {
		return
	}
	if !w.s.has("climatology") {
		if w.s.has("spinup") {
			w.s.errorf("spinup", "spinup leaves model steps out of a forecast's climatology, but %s has none (add %s)", w.o.srcName, form)
			w.fail()
		}
		return
	}
	cl := callOf(w.s.value("climatology"))
	if cl == nil || callName(cl) != "files" || cl.Args == nil {
		w.s.errorf("climatology", "climatology must be files(mean = \"mean.csv\", cov = \"cov.csv\"): the files the run writes the sample mean and covariance of its states to")
		w.fail()
		return
	}
	args, ok := w.c.bindArgs(cl, []string{"mean", "cov"})
	if !ok {
		w.fail()
		return
	}
	var missing []string
	paths := map[string]string{}
	for _, name := range []string{"mean", "cov"} {
		a := args[name]
		if a == nil {
			missing = append(missing, name)
			continue
		}
		p, isStr := stringOf(a)
		switch {
		case !isStr:
			w.c.diags.Add(lang.Pos(a.Pos), "value", "%s must be a file name, such as \"%s.csv\"", name, name)
			ok = false
		case p == "":
			w.c.diags.Add(lang.Pos(a.Pos), "file", "empty file name")
			ok = false
		default:
			paths[name] = p
		}
	}
	if len(missing) > 0 {
		what := map[string]string{"mean": "the file for the sample mean", "cov": "the file for the sample covariance"}[missing[0]]
		if len(missing) == 2 {
			what = "the files for the sample mean and covariance"
		}
		w.c.diags.Add(lang.Pos(cl.Pos), "call", "files needs %s: %s", strings.Join(missing, " and "), what)
		ok = false
	}
	if m, cv := paths["mean"], paths["cov"]; m != "" && cv != "" && path.Clean(m) == path.Clean(cv) {
		w.c.diags.Add(lang.Pos(args["cov"].Pos), "value", "cov is %q, the file mean is written to: the mean and the covariance need a file each", cv).
			With(lang.Pos(args["mean"].Pos), "mean here")
		ok = false
	}
	if !ok {
		w.fail()
		return
	}
	w.cy.Climatology = &ir.Climatology{Pos: lang.Pos(cl.Pos), MeanPath: paths["mean"], CovPath: paths["cov"]}
	w.cy.Spinup = spinup
	if steps := w.cy.Steps; steps > 0 && steps-spinup < 2 {
		if w.s.has("spinup") {
			w.s.errorf("spinup", "spinup = %d leaves %d of the %d states for the climatology, but a sample covariance needs at least 2", spinup, max(steps-spinup, 0), steps)
		} else {
			w.s.errorf("steps", "steps = %d gives one state, but the climatology's sample covariance needs at least 2", steps)
		}
		w.fail()
	}
}

// sequence checks sequence(A, B, …): cycles that step the same carrier.
func (c *checker) sequence(o *object, d *lang.CycleDecl, cy *cycleDraft) bool {
	if d.Args == nil || len(d.Args.Args) == 0 {
		c.diags.Add(o.pos, "cycle", "sequence needs the cycles it runs: sequence(A, B)")
		return false
	}
	ok := true
	var first *object
	var firstCar *ir.Carrier
	for _, a := range d.Args.Args {
		if a == nil || a.Value == nil {
			ok = false
			continue
		}
		p := lang.Pos(a.Pos)
		q := nameOf(a.Value)
		if a.Name != "" || q == nil {
			c.diags.Add(p, "cycle", "sequence takes the names of cycles")
			ok = false
			continue
		}
		po := c.ref(o, q, kindCycle)
		if po == nil || po.cyc == nil {
			ok = false
			continue
		}
		car := cycleCarrier(po.cyc)
		switch {
		case car == nil:
		case firstCar == nil:
			first, firstCar = po, car
		case car != firstCar:
			c.diags.Add(p, "carrier", "%s steps %s, but %s steps %s: a sequence threads one state through its cycles",
				po.srcName, car.SourceName, first.srcName, firstCar.SourceName).
				With(po.pos, "%s declared here", po.srcName).With(first.pos, "%s declared here", first.srcName)
			ok = false
		}
		cy.Parts = append(cy.Parts, po.cyc)
	}
	return ok
}

// cycleCarrier is the carrier a cycle steps, or nil when unknown.
func cycleCarrier(cy *ir.Cycle) *ir.Carrier {
	if m := cy.Model(); m != nil {
		return m.Carrier
	}
	if sq, ok := cy.Def.(*ir.Sequence); ok {
		for _, p := range sq.Parts {
			if car := cycleCarrier(p); car != nil {
				return car
			}
		}
	}
	return nil
}

// cycleDraft collects what the wiring checks find for one cycle, in one
// record for every kind; build sorts it into the kind's own IR type.
type cycleDraft struct {
	Kind ir.CycleKind

	Model    *ir.Forward
	Truth    *ir.Forward
	Obs      *ir.ObsOp
	ObsErr   *ir.Matrix
	Analysis *ir.Analysis
	Members  int

	Steps, ObsEvery, Spinup int
	Seed                    uint64
	Init                    *ir.NormalInit
	Source                  ir.Source
	History, Checkpoint     int
	HistoryMembers          bool

	Window, Stride int
	Step           *ir.Forward
	Until          ir.Expr
	MaxIters       int
	Parts          []*ir.Cycle
	Climatology    *ir.Climatology
}

// build returns the cycle's IR, or nil for an unknown kind.
func (d *cycleDraft) build(o *object) *ir.Cycle {
	cy := &ir.Cycle{Name: o.goName, SourceName: o.srcName, Pos: o.pos, Doc: o.doc,
		Steps: d.Steps, Seed: d.Seed, History: d.History, HistoryMembers: d.HistoryMembers, Checkpoint: d.Checkpoint}
	if d.Init != nil {
		cy.Init = d.Init
	}
	as := ir.Assimilation{Model: d.Model, Truth: d.Truth, Obs: d.Obs, ObsErr: d.ObsErr, Analysis: d.Analysis,
		ObsEvery: d.ObsEvery, Spinup: d.Spinup, Source: d.Source}
	switch d.Kind {
	case ir.CycleForecast:
		cy.Def = &ir.Forecast{Model: d.Model, Climatology: d.Climatology, Spinup: d.Spinup}
	case ir.CycleEnsembleForecast:
		cy.Def = &ir.EnsembleForecast{Model: d.Model, Members: d.Members}
	case ir.CycleDA:
		cy.Def = &ir.DA{Assimilation: as}
	case ir.CycleEnsembleDA:
		cy.Def = &ir.EnsembleDA{Assimilation: as, Members: d.Members}
	case ir.CycleSmoother:
		cy.Def = &ir.Smoother{Assimilation: as, Members: d.Members, Window: d.Window, Stride: d.Stride}
	case ir.CycleWindowed:
		cy.Def = &ir.Windowed{Step: d.Step, Window: d.Window, Stride: d.Stride}
	case ir.CycleRecurrence:
		cy.Def = &ir.Recurrence{Step: d.Step, Until: d.Until, MaxIters: d.MaxIters}
	case ir.CycleSequence:
		cy.Def = &ir.Sequence{Parts: d.Parts}
	default:
		return nil
	}
	return cy
}
