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
	var extra []jen.Code
	opts := []string{}
	if m.Rotate {
		opts = append(opts, "rotate = true")
		extra = append(extra, jen.Id("Rotate").Op(":").True())
	}
	g.emitFilterConstructor(a, filterSpec{
		typ: "ETKF", ctor: "NewETKF", config: "ETKFConfig",
		what: "the square-root ETKF", keys: "the rotation streams",
		members: m.Members, infl: m.Inflation, opts: opts, fields: extra,
	})
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
	g.emitFilterConstructor(a, filterSpec{
		typ: "DEnKF", ctor: "NewDEnKF", config: "DEnKFConfig",
		what: "the deterministic EnKF (Sakov & Oke)", keys: "nothing (the analysis draws no random numbers)",
		members: m.Members, infl: m.Inflation,
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
	opts              []string   // options for the doc comment, after members and the inflation options
	fields            []jen.Code // config fields, after Members, Dim, Obs and the inflation fields
}

// emitFilterConstructor declares NewA(members, dim, obs, r, seed) for the
// ensemble filter a.
func (g *gen) emitFilterConstructor(a *ir.Analysis, f filterSpec) {
	nm := g.top.fork()
	members, dim, obs, r, seed := nm.name("members"), nm.name("dim"), nm.name("obs"), nm.name("r"), nm.name("seed")
	var opts []string
	if f.members > 0 {
		opts = append(opts, fmt.Sprintf("members = %d", f.members))
	}
	opts = append(opts, "inflation = "+floatText(f.infl.Multiplicative, false))
	inflOpts, inflFields := inflationOptions(f.infl)
	opts = append(opts, inflOpts...)
	opts = append(opts, f.opts...)
	infl, _ := num(f.infl.Multiplicative, true)
	fields := []jen.Code{
		jen.Id("Members").Op(":").Id(members),
		jen.Id("Dim").Op(":").Id(dim),
		jen.Id("Obs").Op(":").Id(obs),
		jen.Id("Inflation").Op(":").Add(infl),
	}
	fields = append(fields, inflFields...)
	fields = append(fields, f.fields...)
	fields = append(fields, jen.Id("Seed").Op(":").Id(seed))
	keys := f.keys
	if f.infl.Additive != 0 {
		keys += " and the additive inflation draws"
	}
	g.f.Add(doc("New%s returns the analysis %s declared at %s: %s with %s. members, dim and obs "+
		"size the ensemble, the state and the observation (the cycle that uses it passes its own); "+
		"%s is the observation-error covariance and %s keys %s.%s",
		a.Name, a.SourceName, g.at(a.Pos), f.what, strings.Join(opts, ", "), r, seed, keys, userDoc(a.Doc)))
	g.f.Func().Id("New"+a.Name).Params(
		jen.List(jen.Id(members), jen.Id(dim), jen.Id(obs)).Int(),
		jen.Id(r).Op("*").Qual(rtPath, "ObsError"),
		jen.Id(seed).Uint64(),
	).Params(jen.Op("*").Qual(rtPath, f.typ), jen.Error()).Block(
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
