// Analyses: a constructor per ETKF, EnKF or DEnKF declaration that fixes the
// options written in the source and leaves the sizes, R and the seed to
// the cycle that uses it.
package codegen

import (
	"fmt"
	"math"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// etkfAnalysis emits the constructor of a square-root ETKF.
type etkfAnalysis struct{}

func (etkfAnalysis) check(g *gen, a *ir.Analysis) {
	g.checkInflation(a, a.Method.(*ir.ETKF).Inflation)
}

func (etkfAnalysis) emit(g *gen, a *ir.Analysis) {
	m := a.Method.(*ir.ETKF)
	opts, extra := rotateOption(m.Rotate)
	g.emitFilterConstructor(a, filterSpec{
		typ: "ETKF", ctor: "NewETKF", config: "ETKFConfig",
		what: "the square-root ETKF", keys: "the rotation streams",
		members: m.Members, infl: m.Inflation, opts: opts, fields: extra,
	})
}

// rotateOption returns the doc words and config field of rotate = true,
// or nothing.
func rotateOption(rotate bool) ([]string, []jen.Code) {
	if !rotate {
		return nil, nil
	}
	return []string{"rotate = true"}, []jen.Code{jen.Id("Rotate").Op(":").True()}
}

// enkfAnalysis emits the constructor of a perturbed-observation EnKF.
type enkfAnalysis struct{}

func (enkfAnalysis) check(g *gen, a *ir.Analysis) {
	g.checkInflation(a, a.Method.(*ir.EnKF).Inflation)
}

func (enkfAnalysis) emit(g *gen, a *ir.Analysis) {
	m := a.Method.(*ir.EnKF)
	g.emitFilterConstructor(a, filterSpec{
		typ: "EnKF", ctor: "NewEnKF", config: "EnKFConfig",
		what: "the stochastic EnKF with perturbed observations", keys: "the perturbation streams",
		members: m.Members, infl: m.Inflation,
	})
}

// denkfAnalysis emits the constructor of Sakov & Oke's deterministic EnKF.
type denkfAnalysis struct{}

func (denkfAnalysis) check(g *gen, a *ir.Analysis) {
	g.checkInflation(a, a.Method.(*ir.DEnKF).Inflation)
}

func (denkfAnalysis) emit(g *gen, a *ir.Analysis) {
	m := a.Method.(*ir.DEnKF)
	keys := "nothing (the analysis draws no random numbers)"
	if m.Rotate {
		keys = "the rotation streams"
	}
	opts, extra := rotateOption(m.Rotate)
	g.emitFilterConstructor(a, filterSpec{
		typ: "DEnKF", ctor: "NewDEnKF", config: "DEnKFConfig",
		what: "the deterministic EnKF (Sakov & Oke)", keys: keys,
		members: m.Members, infl: m.Inflation, opts: opts, fields: extra,
	})
}

// checkInflation reports inflation options outside the checker's ranges,
// which only broken IR can hold (the runtime's Inflator applies every
// form).
func (g *gen) checkInflation(a *ir.Analysis, infl ir.Inflation) {
	for _, o := range []struct {
		name string
		v    float64
		ok   bool
	}{
		{"inflation", infl.Multiplicative, infl.Multiplicative >= 1 && !math.IsInf(infl.Multiplicative, 0)},
		{"additive", infl.Additive, infl.Additive >= 0 && !math.IsInf(infl.Additive, 0)},
		{"rtpp", infl.RTPP, infl.RTPP >= 0 && infl.RTPP <= 1},
		{"rtps", infl.RTPS, infl.RTPS >= 0 && !math.IsInf(infl.RTPS, 0)},
	} {
		if !o.ok {
			g.internal(a.Pos, "analysis %s has %s %v", a.SourceName, o.name, o.v)
		}
	}
}

// inflationOptions returns the relaxation and additive inflation options
// that are set, as the doc comment words them and as config fields (the
// runtime's zero values mean none, so unset options are left out).
func inflationOptions(infl ir.Inflation) ([]string, []jen.Code) {
	var opts []string
	var fields []jen.Code
	for _, o := range []struct {
		src, field string
		v          float64
	}{
		{"rtpp", "RTPP", infl.RTPP},
		{"rtps", "RTPS", infl.RTPS},
		{"additive", "Additive", infl.Additive},
	} {
		if o.v == 0 {
			continue
		}
		opts = append(opts, o.src+" = "+floatText(o.v, false))
		v, _ := num(o.v, true)
		fields = append(fields, jen.Id(o.field).Op(":").Add(v))
	}
	return opts, fields
}

// filterSpec is what an ensemble filter's constructor is made of: the
// runtime type, constructor and config, the words of its doc comment and
// the options of the source.
type filterSpec struct {
	typ, ctor, config string
	what, keys        string
	members           int
	infl              ir.Inflation
	opts              []string         // options for the doc comment, after members and the inflation options
	fields            []jen.Code       // config fields, after Members, Dim, Obs and the inflation fields
	local             *ir.Localization // the localisation, nil for none: the constructor then takes the geometry and the sites
	localRef          bool             // the config holds the localisation by pointer (nil meaning none)
}

// emitFilterConstructor declares NewA(members, dim, obs, r, seed) for the
// ensemble filter a.
func (g *gen) emitFilterConstructor(a *ir.Analysis, f filterSpec) {
	nm := g.top.fork()
	members, dim, obs, r, seed := nm.name("members"), nm.name("dim"), nm.name("obs"), nm.name("r"), nm.name("seed")
	var geom, sites string
	if f.local != nil {
		geom, sites = nm.name("geom"), nm.name("sites")
	}
	var opts []string
	if f.members > 0 {
		opts = append(opts, fmt.Sprintf("members = %d", f.members))
	}
	if f.infl.Adaptive {
		opts = append(opts, "inflation = adaptive (the cycle inflates the forecast before the analysis, which adds none)")
	} else {
		opts = append(opts, "inflation = "+floatText(f.infl.Multiplicative, false))
	}
	inflOpts, inflFields := inflationOptions(f.infl)
	opts = append(opts, inflOpts...)
	opts = append(opts, f.opts...)
	if f.local != nil {
		opts = append(opts, "localize = "+localizeText(f.local))
	}
	infl, _ := num(f.infl.Multiplicative, true)
	fields := []jen.Code{
		jen.Id("Members").Op(":").Id(members),
		jen.Id("Dim").Op(":").Id(dim),
		jen.Id("Obs").Op(":").Id(obs),
		jen.Id("Inflation").Op(":").Add(infl),
	}
	fields = append(fields, inflFields...)
	fields = append(fields, f.fields...)
	var where string
	params := []jen.Code{
		jen.List(jen.Id(members), jen.Id(dim), jen.Id(obs)).Int(),
		jen.Id(r).Op("*").Qual(rtPath, "ObsError"),
		jen.Id(seed).Uint64(),
	}
	if l := f.local; l != nil {
		radius, _ := num(l.Radius, true)
		ref := jen.Null()
		if f.localRef {
			ref = jen.Op("&")
		}
		fields = append(fields,
			jen.Id("Localization").Op(":").Add(ref).Qual(rtPath, "Localization").Values(
				jen.Id("Taper").Op(":").Qual(rtPath, taperConst[l.Taper]),
				jen.Id("Radius").Op(":").Add(radius),
			),
			jen.Id("Geometry").Op(":").Id(geom),
			jen.Id("ObsAt").Op(":").Id(sites),
		)
		params = append(params, jen.Id(geom).Qual(rtPath, "Geometry"), jen.Id(sites).Index().Int())
		where = fmt.Sprintf(" %s gives the distances between state elements and %s the element each observation sits at.", geom, sites)
	}
	fields = append(fields, jen.Id("Seed").Op(":").Id(seed))
	keys := f.keys
	if f.infl.Additive != 0 {
		keys += " and the additive inflation draws"
	}
	g.f.Add(doc("New%s returns the analysis %s declared at %s: %s with %s. members, dim and obs "+
		"size the ensemble, the state and the observation (the cycle that uses it passes its own); "+
		"%s is the observation-error covariance and %s keys %s.%s%s",
		a.Name, a.SourceName, g.at(a.Pos), f.what, strings.Join(opts, ", "), r, seed, keys, where, userDoc(a.Doc)))
	g.f.Func().Id("New"+a.Name).Params(params...).Params(jen.Op("*").Qual(rtPath, f.typ), jen.Error()).Block(
		jen.Return(jen.Qual(rtPath, f.ctor).Call(jen.Qual(rtPath, f.config).Values(fields...), jen.Id(r))),
	)
}

// ensembleFilter is implemented by the emitters of analyses that an
// ensemble DA cycle holds as a filter.
type ensembleFilter interface {
	// filterType is the Go type of the filter the constructor returns.
	filterType() jen.Code
	// filterName names the filter in doc comments: "ETKF", "EnKF", …
	filterName() string
}

func (etkfAnalysis) filterType() jen.Code { return jen.Op("*").Qual(rtPath, "ETKF") }
func (etkfAnalysis) filterName() string   { return "ETKF" }
func (enkfAnalysis) filterType() jen.Code { return jen.Op("*").Qual(rtPath, "EnKF") }
func (enkfAnalysis) filterName() string   { return "EnKF" }
func (goAnalysis) filterType() jen.Code   { return jen.Qual(rtPath, "Analysis") }
func (goAnalysis) filterName() string     { return "user Go" }

func (denkfAnalysis) filterType() jen.Code { return jen.Op("*").Qual(rtPath, "DEnKF") }
func (denkfAnalysis) filterName() string   { return "DEnKF" }

// letkfAnalysis emits the constructor of a local ETKF.
type letkfAnalysis struct{}

func (letkfAnalysis) check(g *gen, a *ir.Analysis) {
	m := a.Method.(*ir.LETKF)
	g.checkInflation(a, m.Inflation)
	g.checkLocalization(a, m.Localize, true)
}

func (letkfAnalysis) emit(g *gen, a *ir.Analysis) {
	m := a.Method.(*ir.LETKF)
	opts, extra := rotateOption(m.Rotate)
	g.emitFilterConstructor(a, filterSpec{
		typ: "LETKF", ctor: "NewLETKF", config: "LETKFConfig",
		what: "the local ETKF (one local analysis per state element)", keys: "the rotation streams",
		members: m.Members, infl: m.Inflation, opts: opts, fields: extra, local: m.Localize,
	})
}

// ensrfAnalysis emits the constructor of a serial square-root filter.
type ensrfAnalysis struct{}

func (ensrfAnalysis) check(g *gen, a *ir.Analysis) {
	m := a.Method.(*ir.EnSRF)
	g.checkInflation(a, m.Inflation)
	g.checkLocalization(a, m.Localize, false)
}

func (ensrfAnalysis) emit(g *gen, a *ir.Analysis) {
	m := a.Method.(*ir.EnSRF)
	opts, extra := rotateOption(m.Rotate)
	what := "the serial square-root filter (observations one at a time, in a random order)"
	if m.Localize != nil {
		what = "the serial square-root filter with state-space localisation (observations one at a time, in a random order)"
	}
	g.emitFilterConstructor(a, filterSpec{
		typ: "EnSRF", ctor: "NewEnSRF", config: "EnSRFConfig",
		what: what, keys: "the serial order and rotation streams",
		members: m.Members, infl: m.Inflation, opts: opts, fields: extra, local: m.Localize, localRef: true,
	})
}

func (letkfAnalysis) filterType() jen.Code { return jen.Op("*").Qual(rtPath, "LETKF") }
func (letkfAnalysis) filterName() string   { return "LETKF" }
func (ensrfAnalysis) filterType() jen.Code { return jen.Op("*").Qual(rtPath, "EnSRF") }
func (ensrfAnalysis) filterName() string   { return "EnSRF" }

// taperConst is the runtime's constant for each taper.
var taperConst = map[ir.Taper]string{
	ir.TaperGaspariCohn: "TaperGaspariCohn",
	ir.TaperStep:        "TaperStep",
}

// checkLocalization reports a localisation the checker would not have
// let through: a missing one where the kind needs it, an unknown taper or
// a radius that is not positive.
func (g *gen) checkLocalization(a *ir.Analysis, l *ir.Localization, required bool) {
	switch {
	case l == nil && required:
		g.internal(a.Pos, "analysis %s has no localisation", a.SourceName)
	case l == nil:
	case taperConst[l.Taper] == "":
		g.internal(a.Pos, "analysis %s has taper %q", a.SourceName, l.Taper)
	case !(l.Radius > 0) || math.IsInf(l.Radius, 0):
		g.internal(a.Pos, "analysis %s has localisation radius %v", a.SourceName, l.Radius)
	}
}

// localizeText writes the localisation as the source did.
func localizeText(l *ir.Localization) string {
	if l.Cutoff != 0 {
		return fmt.Sprintf("%s(cutoff = %s)", l.Taper, floatText(l.Cutoff, false))
	}
	return fmt.Sprintf("%s(radius = %s)", l.Taper, floatText(l.Radius, false))
}

// pfAnalysis emits the constructor of a bootstrap particle filter.
type pfAnalysis struct{}

func (pfAnalysis) check(g *gen, a *ir.Analysis) {
	m := a.Method.(*ir.PF)
	switch {
	case resampleConst[m.Resample] == "":
		g.internal(a.Pos, "analysis %s has resampling %q", a.SourceName, m.Resample)
	case !(m.Threshold > 0 && m.Threshold <= 1):
		g.internal(a.Pos, "analysis %s has threshold %v", a.SourceName, m.Threshold)
	case !(m.Jitter >= 0) || math.IsInf(m.Jitter, 0):
		g.internal(a.Pos, "analysis %s has jitter %v", a.SourceName, m.Jitter)
	}
}

func (pfAnalysis) emit(g *gen, a *ir.Analysis) {
	m := a.Method.(*ir.PF)
	nm := g.top.fork()
	particles, dim, obs, r, seed := nm.name("particles"), nm.name("dim"), nm.name("obs"), nm.name("r"), nm.name("seed")
	opts := []string{fmt.Sprintf("particles = %d", m.Particles), "resample = " + m.Resample, "threshold = " + floatText(m.Threshold, false)}
	keys := "the resampling streams"
	if m.Jitter != 0 {
		opts = append(opts, "jitter = "+floatText(m.Jitter, false))
		keys = "the resampling and jitter streams"
	}
	threshold, _ := num(m.Threshold, true)
	fields := []jen.Code{
		jen.Id("Particles").Op(":").Id(particles),
		jen.Id("Dim").Op(":").Id(dim),
		jen.Id("Obs").Op(":").Id(obs),
		jen.Id("Resample").Op(":").Qual(rtPath, resampleConst[m.Resample]),
		jen.Id("Threshold").Op(":").Add(threshold),
	}
	if m.Jitter != 0 {
		jitter, _ := num(m.Jitter, true)
		fields = append(fields, jen.Id("Jitter").Op(":").Add(jitter))
	}
	fields = append(fields, jen.Id("Seed").Op(":").Id(seed))
	g.f.Add(doc("New%s returns the analysis %s declared at %s: the bootstrap particle filter with %s. "+
		"particles, dim and obs size the particles, the state and the observation (the cycle that uses it passes its own); "+
		"%s is the observation-error covariance and %s keys %s.%s",
		a.Name, a.SourceName, g.at(a.Pos), strings.Join(opts, ", "), r, seed, keys, userDoc(a.Doc)))
	g.f.Func().Id("New"+a.Name).Params(
		jen.List(jen.Id(particles), jen.Id(dim), jen.Id(obs)).Int(),
		jen.Id(r).Op("*").Qual(rtPath, "ObsError"),
		jen.Id(seed).Uint64(),
	).Params(jen.Op("*").Qual(rtPath, "PF"), jen.Error()).Block(
		jen.Return(jen.Qual(rtPath, "NewPF").Call(jen.Qual(rtPath, "PFConfig").Values(fields...), jen.Id(r))),
	)
}

func (pfAnalysis) filterType() jen.Code { return jen.Op("*").Qual(rtPath, "PF") }
func (pfAnalysis) filterName() string   { return "particle filter" }

// resampleConst is the runtime's constant for each resampling scheme.
var resampleConst = map[string]string{
	"systematic":  "ResampleSystematic",
	"residual":    "ResampleResidual",
	"multinomial": "ResampleMultinomial",
}

// enksAnalysis emits the constructor of a fixed-lag ensemble Kalman
// smoother.
type enksAnalysis struct{}

func (enksAnalysis) check(g *gen, a *ir.Analysis) {
	m := a.Method.(*ir.EnKS)
	g.checkInflation(a, m.Inflation)
	if m.Lag < 1 {
		g.internal(a.Pos, "analysis %s has lag %d", a.SourceName, m.Lag)
	}
}

func (enksAnalysis) emit(g *gen, a *ir.Analysis) {
	m := a.Method.(*ir.EnKS)
	opts, extra := rotateOption(m.Rotate)
	opts = append([]string{fmt.Sprintf("lag = %d", m.Lag)}, opts...)
	extra = append([]jen.Code{jen.Id("Lag").Op(":").Lit(m.Lag)}, extra...)
	g.emitFilterConstructor(a, filterSpec{
		typ: "EnKS", ctor: "NewEnKS", config: "EnKSConfig",
		what: "the ensemble Kalman smoother (the square-root ETKF's transform applied to the last lag analysis times too)", keys: "the rotation streams",
		members: m.Members, infl: m.Inflation, opts: opts, fields: extra,
	})
}

func (enksAnalysis) filterType() jen.Code { return jen.Op("*").Qual(rtPath, "EnKS") }
func (enksAnalysis) filterName() string   { return "EnKS" }
