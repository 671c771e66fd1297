// Analysis steps (language.md §6): the options each kind accepts, their
// kinds and ranges, required options, and defaults.
package check

import (
	"strings"

	"github.com/cyclec/cyclec/ir"
	"github.com/cyclec/cyclec/lang"
)

// analysisKinds lists the kinds in the order messages name them.
var analysisKinds = []ir.AnalysisKind{
	ir.AnalysisKF, ir.AnalysisEKF, ir.AnalysisEnKF, ir.AnalysisETKF, ir.AnalysisEnSRF,
	ir.AnalysisLETKF, ir.AnalysisPF, ir.AnalysisOI, ir.AnalysisVar3D, ir.AnalysisVar4D, ir.AnalysisEnKS,
}

var inflationOptions = []string{"inflation", "additive", "rtpp", "rtps"}

// analysisOptions lists the options of each kind.
var analysisOptions = map[ir.AnalysisKind][]string{
	ir.AnalysisKF:    {"inflation"},
	ir.AnalysisEKF:   {"inflation", "additive"},
	ir.AnalysisEnKF:  append([]string{"members"}, inflationOptions...),
	ir.AnalysisETKF:  append(append([]string{"members"}, inflationOptions...), "rotate"),
	ir.AnalysisEnSRF: append(append([]string{"members"}, inflationOptions...), "localize"),
	ir.AnalysisLETKF: append(append([]string{"members"}, inflationOptions...), "localize"),
	ir.AnalysisPF:    {"particles", "resample", "threshold", "jitter"},
	ir.AnalysisOI:    {"B"},
	ir.AnalysisVar3D: {"B"},
	ir.AnalysisVar4D: {"B", "inner", "outer"},
	ir.AnalysisEnKS:  append([]string{"members", "lag"}, inflationOptions...),
	ir.AnalysisGo:    {"members"},
}

// analysisRequired lists the options each kind cannot do without.
var analysisRequired = map[ir.AnalysisKind][]string{
	ir.AnalysisEnKF:  {"members"},
	ir.AnalysisETKF:  {"members"},
	ir.AnalysisEnSRF: {"members"},
	ir.AnalysisLETKF: {"members", "localize"},
	ir.AnalysisPF:    {"particles"},
	ir.AnalysisOI:    {"B"},
	ir.AnalysisVar3D: {"B"},
	ir.AnalysisVar4D: {"B"},
	ir.AnalysisEnKS:  {"members"},
}

// Defaults the checker fills in.
const (
	defaultThreshold = 0.5 // pf: resample when ESS < half the particles
	defaultInner     = 50  // var4d: inner (minimisation) iterations
	defaultOuter     = 1   // var4d: outer loops (relinearisations)
	defaultResample  = "systematic"
)

// ensembleKinds are the analyses an ensemble_da cycle can use.
var ensembleKinds = []ir.AnalysisKind{ir.AnalysisEnKF, ir.AnalysisETKF, ir.AnalysisEnSRF, ir.AnalysisLETKF, ir.AnalysisPF, ir.AnalysisEnKS, ir.AnalysisGo}

// checkAnalysis checks an analysis declaration and fills in defaults.
func (c *checker) checkAnalysis(o *object, d *lang.AnalysisDecl) {
	a := &ir.Analysis{Name: o.goName, SourceName: o.srcName, Pos: o.pos, Inflation: 1}
	o.an = a
	var opts []*lang.Option
	if d.Options != nil {
		opts = d.Options.Options
	}
	if d.Go != nil {
		a.Kind = ir.AnalysisGo
		ref, ok := c.goRef(*d.Go, lang.Pos(d.Pos), "", "go analysis")
		a.Go = ref
		if !ok {
			o.bad = true
		}
	} else {
		a.Kind = ir.AnalysisKind(d.Kind)
		if _, known := analysisOptions[a.Kind]; !known || a.Kind == ir.AnalysisGo {
			names := make([]string, len(analysisKinds))
			for i, k := range analysisKinds {
				names[i] = string(k)
			}
			dg := c.diags.Add(o.pos, "analysis", "unknown analysis kind %s (kinds: %s, or go \"…\")", d.Kind, strings.Join(names, ", "))
			if near := nearest(d.Kind, names); near != "" {
				dg.Msg += "; did you mean " + near + "?"
			}
			o.bad = true
			return
		}
	}
	s := c.options(o, opts, string(a.Kind), analysisOptions[a.Kind])
	if !s.require(analysisRequired[a.Kind]...) {
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
		a.Members = n
		check(good)
	}
	if s.has("inflation") {
		x, good := s.number("inflation")
		if good && x < 1 {
			s.errorf("inflation", "inflation must be at least 1 (1 = none), got %s", fmtNum(x))
			good = false
		}
		a.Inflation = x
		check(good)
	}
	if s.has("additive") {
		x, good := s.number("additive")
		if good && x < 0 {
			s.errorf("additive", "additive must not be negative, got %s", fmtNum(x))
			good = false
		}
		a.Additive = x
		check(good)
	}
	if s.has("rtpp") {
		x, good := s.number("rtpp")
		if good && (x < 0 || x > 1) {
			s.errorf("rtpp", "rtpp must be between 0 and 1, got %s", fmtNum(x))
			good = false
		}
		a.RTPP = x
		check(good)
	}
	if s.has("rtps") {
		x, good := s.number("rtps")
		if good && x < 0 {
			s.errorf("rtps", "rtps must not be negative, got %s", fmtNum(x))
			good = false
		}
		a.RTPS = x
		check(good)
	}
	if s.has("rotate") {
		b, good := s.boolean("rotate")
		a.Rotate = b
		check(good)
	}
	if s.has("localize") {
		l, good := c.localize(s)
		a.Localize = l
		check(good)
	}
	if a.Kind == ir.AnalysisPF {
		c.particleOptions(s, a, check)
	}
	if s.has("B") {
		m, df, good := c.matrixOf(s.v, s.value("B"), "B")
		a.B = m
		o.bFile = df
		check(good)
	}
	if a.Kind == ir.AnalysisVar4D {
		a.Inner, a.Outer = defaultInner, defaultOuter
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
				a.Inner = n
			} else {
				a.Outer = n
			}
			check(good)
		}
	}
	if s.has("lag") {
		n, good := s.integer("lag")
		if good && n < 0 {
			s.errorf("lag", "lag must not be negative, got %d", n)
			good = false
		}
		a.Lag = n
		check(good)
	}
	if !ok {
		o.bad = true
	}
}

// particleOptions reads the pf options and fills their defaults.
func (c *checker) particleOptions(s *optSet, a *ir.Analysis, check func(bool)) {
	a.Resample, a.Threshold = defaultResample, defaultThreshold
	if s.has("particles") {
		n, good := s.integer("particles")
		if good && n < 2 {
			s.errorf("particles", "particles must be at least 2, got %d", n)
			good = false
		}
		a.Particles = n
		// The particles are the ensemble a cycle preallocates.
		a.Members = n
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

// localize reads localize = gaspari_cohn(radius = r), r > 0.
func (c *checker) localize(s *optSet) (*ir.Localization, bool) {
	cl := callOf(s.value("localize"))
	if cl == nil || callName(cl) != "gaspari_cohn" {
		s.errorf("localize", "localize must be gaspari_cohn(radius = r)")
		return nil, false
	}
	args, ok := c.bindArgs(cl, []string{"radius"})
	if !ok {
		return nil, false
	}
	r := args["radius"]
	if r == nil {
		c.diags.Add(lang.Pos(cl.Pos), "call", "gaspari_cohn needs radius")
		return nil, false
	}
	x, ok := c.numberOf(s.v, r, "radius")
	if !ok {
		return nil, false
	}
	if x <= 0 {
		c.diags.Add(lang.Pos(r.Pos), "value", "radius must be positive, got %s", fmtNum(x))
		return nil, false
	}
	return &ir.Localization{Func: "gaspari_cohn", Radius: x}, true
}
