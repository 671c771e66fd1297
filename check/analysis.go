// Analysis steps (language.md §6): the options each kind accepts, their
// kinds and ranges, required options, and defaults.
package check

import (
	"math"
	"strings"

	"github.com/cyclec/cyclec/ir"
	"github.com/cyclec/cyclec/lang"
)

// analysisKinds lists the kinds in the order messages name them.
var analysisKinds = []ir.AnalysisKind{
	ir.AnalysisKF, ir.AnalysisEKF, ir.AnalysisEnKF, ir.AnalysisETKF, ir.AnalysisEnSRF,
	ir.AnalysisLETKF, ir.AnalysisPF, ir.AnalysisOI, ir.AnalysisVar3D, ir.AnalysisVar4D, ir.AnalysisEnKS,
	ir.AnalysisDEnKF,
}

var inflationOptions = []string{"inflation", "additive", "rtpp", "rtps"}

// analysisOptions lists the options of each kind.
var analysisOptions = map[ir.AnalysisKind][]string{
	ir.AnalysisKF:    {"inflation"},
	ir.AnalysisEKF:   {"inflation", "additive"},
	ir.AnalysisEnKF:  append([]string{"members"}, inflationOptions...),
	ir.AnalysisETKF:  append(append([]string{"members"}, inflationOptions...), "rotate"),
	ir.AnalysisEnSRF: append(append([]string{"members"}, inflationOptions...), "rotate", "localize"),
	ir.AnalysisLETKF: append(append([]string{"members"}, inflationOptions...), "rotate", "localize"),
	ir.AnalysisPF:    {"particles", "resample", "threshold", "jitter"},
	ir.AnalysisOI:    {"B", "mean"},
	ir.AnalysisVar3D: {"B"},
	ir.AnalysisVar4D: {"B", "inner", "outer"},
	ir.AnalysisEnKS:  append(append([]string{"members", "lag"}, inflationOptions...), "rotate"),
	ir.AnalysisDEnKF: append(append([]string{"members"}, inflationOptions...), "rotate"),
	ir.AnalysisGo:    {"members"},
}

// analysisRequired lists the options each kind cannot do without.
var analysisRequired = map[ir.AnalysisKind][]string{
	ir.AnalysisEnKF:  {"members"},
	ir.AnalysisETKF:  {"members"},
	ir.AnalysisEnSRF: {"members"},
	ir.AnalysisLETKF: {"members", "localize"},
	ir.AnalysisPF:    {"particles"},
	ir.AnalysisOI:    {"B", "mean"},
	ir.AnalysisVar3D: {"B"},
	ir.AnalysisVar4D: {"B"},
	ir.AnalysisEnKS:  {"members", "lag"},
	ir.AnalysisDEnKF: {"members"},
}

// Defaults the checker fills in.
const (
	defaultThreshold = 0.5 // pf: resample when ESS < half the particles
	defaultInner     = 50  // var4d: inner (minimisation) iterations
	defaultOuter     = 1   // var4d: outer loops (relinearisations)
	defaultResample  = "systematic"
)

// ensembleKinds are the analyses an ensemble_da cycle can use.
var ensembleKinds = []ir.AnalysisKind{ir.AnalysisEnKF, ir.AnalysisETKF, ir.AnalysisEnSRF, ir.AnalysisLETKF, ir.AnalysisPF, ir.AnalysisEnKS, ir.AnalysisDEnKF, ir.AnalysisGo}

// adaptiveKinds are the analyses that take inflation = adaptive.
var adaptiveKinds = []ir.AnalysisKind{ir.AnalysisEnKF, ir.AnalysisETKF, ir.AnalysisDEnKF, ir.AnalysisEnSRF, ir.AnalysisLETKF}

// analysisOpts collects the options of one analysis declaration before
// they are sorted into the method's own type.
type analysisOpts struct {
	kind     ir.AnalysisKind
	members  int
	infl     ir.Inflation
	rotate   bool
	localize *ir.Localization
	pf       ir.PF
	b        *ir.Matrix
	mean     *ir.Vector
	inner    int
	outer    int
	lag      int
	goRef    *ir.GoRef
}

// method builds the kind-specific IR of the analysis.
func (a *analysisOpts) method() ir.Method {
	switch a.kind {
	case ir.AnalysisKF:
		return &ir.KF{Inflation: a.infl}
	case ir.AnalysisEKF:
		return &ir.EKF{Inflation: a.infl}
	case ir.AnalysisEnKF:
		return &ir.EnKF{Members: a.members, Inflation: a.infl}
	case ir.AnalysisDEnKF:
		return &ir.DEnKF{Members: a.members, Inflation: a.infl, Rotate: a.rotate}
	case ir.AnalysisETKF:
		return &ir.ETKF{Members: a.members, Inflation: a.infl, Rotate: a.rotate}
	case ir.AnalysisEnSRF:
		return &ir.EnSRF{Members: a.members, Inflation: a.infl, Rotate: a.rotate, Localize: a.localize}
	case ir.AnalysisLETKF:
		return &ir.LETKF{Members: a.members, Inflation: a.infl, Rotate: a.rotate, Localize: a.localize}
	case ir.AnalysisEnKS:
		return &ir.EnKS{Members: a.members, Inflation: a.infl, Rotate: a.rotate, Lag: a.lag}
	case ir.AnalysisPF:
		pf := a.pf
		return &pf
	case ir.AnalysisOI:
		return &ir.OI{B: a.b, Mean: a.mean}
	case ir.AnalysisVar3D:
		return &ir.Var3D{B: a.b}
	case ir.AnalysisVar4D:
		return &ir.Var4D{B: a.b, Inner: a.inner, Outer: a.outer}
	case ir.AnalysisGo:
		return &ir.GoAnalysis{Ref: a.goRef, Members: a.members}
	}
	return nil
}

// checkAnalysis checks an analysis declaration and fills in defaults.
func (c *checker) checkAnalysis(o *object, d *lang.AnalysisDecl) {
	a := &analysisOpts{infl: ir.NoInflation}
	defer func() {
		if m := a.method(); m != nil {
			o.an = &ir.Analysis{Name: o.goName, SourceName: o.srcName, Pos: o.pos, Doc: o.doc, Method: m}
		}
	}()
	var opts []*lang.Option
	if d.Options != nil {
		opts = d.Options.Options
	}
	if d.Go != nil {
		a.kind = ir.AnalysisGo
		ref, ok := c.goRef(o, *d.Go, lang.Pos(d.Pos), GoAnalysis, "go analysis", nil)
		a.goRef = ref
		if !ok {
			o.bad = true
		}
	} else {
		a.kind = ir.AnalysisKind(d.Kind.Name)
		if _, known := analysisOptions[a.kind]; !known || a.kind == ir.AnalysisGo {
			names := make([]string, len(analysisKinds))
			for i, k := range analysisKinds {
				names[i] = string(k)
			}
			dg := c.diags.Add(lang.Pos(d.Kind.Pos), "analysis", "unknown analysis kind %s (kinds: %s, or go \"…\")", d.Kind.Name, strings.Join(names, ", "))
			if near := nearest(d.Kind.Name, names); near != "" {
				dg.Msg += "; did you mean " + near + "?"
			}
			o.bad = true
			a.kind = ""
			return
		}
	}
	s := c.optionsHint(o, opts, string(a.kind), analysisOptions[a.kind], analysisOptionOwners)
	if !s.require(analysisRequired[a.kind]...) {
		o.bad = true
	}
	ok := true
	check := func(good bool) {
		if !good {
			ok = false
		}
	}
	if s.has("members") {
		n, good := s.integer("members")
		if good && n < 2 {
			s.errorf("members", "members must be at least 2, got %d", n)
			good = false
		}
		a.members = n
		check(good)
	}
	check(c.inflation(s, &a.infl))
	if a.infl.Adaptive && !containsKind(adaptiveKinds, a.kind) {
		s.errorf("inflation", "inflation = adaptive is for the ensemble Kalman filters (enkf, etkf, denkf, ensrf, letkf), not %s", a.kind)
		check(false)
	}
	if s.has("rotate") {
		b, good := s.boolean("rotate")
		a.rotate = b
		check(good)
	}
	if s.has("localize") {
		l, good := c.localize(s)
		a.localize = l
		check(good)
	}
	if a.kind == ir.AnalysisPF {
		c.particleOptions(s, &a.pf, check)
	}
	if s.has("B") {
		m, df, good := c.matrixOf(s.v, s.value("B"), "B")
		a.b = m
		o.bFile = df
		check(good)
	}
	if s.has("mean") {
		m, good := c.meanOf(o, s)
		a.mean = m
		check(good)
	}
	if a.kind == ir.AnalysisVar4D {
		a.inner, a.outer = defaultInner, defaultOuter
		for _, name := range []string{"inner", "outer"} {
			if !s.has(name) {
				continue
			}
			n, good := s.integer(name)
			if good && n < 1 {
				s.errorf(name, "%s must be at least 1, got %d", name, n)
				good = false
			}
			if name == "inner" {
				a.inner = n
			} else {
				a.outer = n
			}
			check(good)
		}
	}
	if s.has("lag") {
		n, good := s.integer("lag")
		if good && n < 1 {
			s.errorf("lag", "lag must be at least 1 (the observations after each analysis time that update it), got %d", n)
			good = false
		}
		a.lag = n
		check(good)
	}
	if !ok {
		o.bad = true
	}
}

// inflation reads the inflation and relaxation options shared by the
// ensemble kinds into infl, reporting whether they were valid:
// inflation = a (a number at least 1) or inflation = adaptive.
func (c *checker) inflation(s *optSet, infl *ir.Inflation) bool {
	ok := true
	number := func(name string, valid func(float64) bool, want string, dst *float64) {
		if !s.has(name) {
			return
		}
		x, good := s.number(name)
		if good && !valid(x) {
			s.errorf(name, "%s must %s, got %s", name, want, fmtNum(x))
			good = false
		}
		*dst = x
		ok = ok && good
	}
	if q := primaryName(soloPrimary(valueOrNil(s.value("inflation")))); q != nil && len(q.Parts) == 1 && q.Parts[0] == "adaptive" {
		infl.Adaptive = true
		for _, fixed := range []string{"rtpp", "rtps"} {
			if s.has(fixed) {
				s.errorf(fixed, "%s cannot be combined with inflation = adaptive: the adaptive factor is estimated for the ensemble as it comes, and a fixed relaxation would be inflation counted twice", fixed)
				ok = false
			}
		}
	} else {
		number("inflation", func(x float64) bool { return x >= 1 }, "be at least 1 (1 = none)", &infl.Multiplicative)
	}
	number("additive", func(x float64) bool { return x >= 0 }, "not be negative", &infl.Additive)
	number("rtpp", func(x float64) bool { return x >= 0 && x <= 1 }, "be between 0 and 1", &infl.RTPP)
	number("rtps", func(x float64) bool { return x >= 0 }, "not be negative", &infl.RTPS)
	return ok
}

// particleOptions reads the pf options and fills their defaults.
func (c *checker) particleOptions(s *optSet, a *ir.PF, check func(bool)) {
	a.Resample, a.Threshold = defaultResample, defaultThreshold
	if s.has("particles") {
		n, good := s.integer("particles")
		if good && n < 2 {
			s.errorf("particles", "particles must be at least 2, got %d", n)
			good = false
		}
		a.Particles = n
		check(good)
	}
	if s.has("resample") {
		r, good := s.choice("resample", "systematic", "residual", "multinomial")
		if good {
			a.Resample = r
		}
		check(good)
	}
	if s.has("threshold") {
		x, good := s.number("threshold")
		if good && (x <= 0 || x > 1) {
			s.errorf("threshold", "threshold must be in (0, 1], got %s", fmtNum(x))
			good = false
		}
		a.Threshold = x
		check(good)
	}
	if s.has("jitter") {
		x, good := s.number("jitter")
		if good && x < 0 {
			s.errorf("jitter", "jitter must not be negative, got %s", fmtNum(x))
			good = false
		}
		a.Jitter = x
		check(good)
	}
}

// analysisOptionOwners names, for an option an analysis kind does not
// take, the kinds that do, so that the error says where it belongs
// ("localize is an option of ensrf and letkf").
func analysisOptionOwners(name string) string {
	var kinds []string
	for _, k := range analysisKinds {
		if contains(analysisOptions[k], name) {
			kinds = append(kinds, string(k))
		}
	}
	switch len(kinds) {
	case 0:
		return ""
	case 1:
		return name + " is an option of " + kinds[0]
	}
	return name + " is an option of " + strings.Join(kinds[:len(kinds)-1], ", ") + " and " + kinds[len(kinds)-1]
}

// tapers lists the localisation functions and the arguments each takes.
var tapers = map[string][]string{
	"gaspari_cohn": {"radius", "cutoff"},
	"step":         {"radius"},
}

// localize reads localize = gaspari_cohn(radius = r), gaspari_cohn(cutoff
// = d) or step(radius = r), with r and d positive. A cutoff (the distance
// at which the taper is zero, PDAF's and DART's convention) becomes the
// radius d/3.64.
func (c *checker) localize(s *optSet) (*ir.Localization, bool) {
	cl := callOf(s.value("localize"))
	if cl == nil {
		s.errorf("localize", "localize must be a taper: gaspari_cohn(radius = r), gaspari_cohn(cutoff = d) or step(radius = r)")
		return nil, false
	}
	name := callName(cl)
	params, known := tapers[name]
	if !known {
		d := c.diags.Add(lang.Pos(cl.Pos), "value", "unknown taper %s (tapers: gaspari_cohn, step)", name)
		if near := nearest(name, []string{"gaspari_cohn", "step"}); near != "" {
			d.Msg += "; did you mean " + near + "?"
		}
		return nil, false
	}
	args, ok := c.bindArgs(cl, params)
	if !ok {
		return nil, false
	}
	r, cut := args["radius"], args["cutoff"]
	switch {
	case r == nil && cut == nil && len(params) == 1:
		c.diags.Add(lang.Pos(cl.Pos), "call", "%s needs radius", name)
		return nil, false
	case r == nil && cut == nil:
		c.diags.Add(lang.Pos(cl.Pos), "call", "%s needs radius (DAPPER's convention) or cutoff (the distance at which it reaches zero)", name)
		return nil, false
	case r != nil && cut != nil:
		c.diags.Add(lang.Pos(cut.Pos), "call", "%s takes radius or cutoff, not both", name)
		return nil, false
	}
	arg, argName := r, "radius"
	if cut != nil {
		arg, argName = cut, "cutoff"
	}
	x, ok := c.numberOf(s.v, arg, argName)
	if !ok {
		return nil, false
	}
	if !(x > 0) || math.IsInf(x, 0) {
		c.diags.Add(lang.Pos(arg.Pos), "value", "%s must be positive, got %s", argName, fmtNum(x))
		return nil, false
	}
	l := &ir.Localization{Taper: ir.Taper(name), Radius: x, Pos: lang.Pos(cl.Pos)}
	if cut != nil {
		l.Cutoff, l.Radius = x, x/(2*gcHalfWidth)
	}
	return l, true
}

// gcHalfWidth is DAPPER's ratio of the Gaspari–Cohn half-width to the
// radius (the runtime's, which it must match).
const gcHalfWidth = 1.82

// valueOrNil returns the expression of val, or nil.
func valueOrNil(val *lang.Value) *lang.Expr {
	if val == nil || val.Go != nil {
		return nil
	}
	return val.Expr
}

// meanOf reads oi's climatological mean: a file of numbers ("mean.csv",
// counted against the state where the analysis is used) or a vector (a
// list or a vector constant), one value per state element.
func (c *checker) meanOf(o *object, s *optSet) (*ir.Vector, bool) {
	val := s.value("mean")
	if val == nil {
		return nil, false
	}
	p := lang.Pos(val.Pos)
	if path, ok := stringOf(val); ok {
		df := c.readData(o.mod, path, p)
		o.meanFile = df
		return &ir.Vector{Pos: p, Path: path}, df == nil || df.ok
	}
	const want = `a file ("mean.csv") or a vector, one value per state element`
	e := c.valueExpr(val, "mean", want)
	if e == nil {
		return nil, false
	}
	x := s.v.expr(e)
	switch {
	case x.kind == vBad:
		return nil, false
	case x.kind == vVec:
		return &ir.Vector{Pos: p, Values: x.vec}, true
	}
	s.errorf("mean", "mean must be %s, not %s", want, describe(x))
	return nil, false
}
