// Analyses: a constructor per ETKF, EnKF or DEnKF declaration that fixes the
// options written in the source and leaves the sizes, R and the seed to
// the cycle that uses it.
package codegen

import (
	"fmt"
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

// checkInflation reports the inflation forms the runtime does not apply
// yet.
func (g *gen) checkInflation(a *ir.Analysis, infl ir.Inflation) {
	if infl.Additive != 0 {
		g.unimplemented(a.Pos, "additive inflation")
	}
	if infl.RTPP != 0 {
		g.unimplemented(a.Pos, "rtpp inflation")
	}
	if infl.RTPS != 0 {
		g.unimplemented(a.Pos, "rtps inflation")
	}
	if !(infl.Multiplicative >= 1) {
		g.internal(a.Pos, "analysis %s has inflation %v", a.SourceName, infl.Multiplicative)
	}
}

// filterSpec is what an ensemble filter's constructor is made of: the
// runtime type, constructor and config, the words of its doc comment and
// the options of the source.
type filterSpec struct {
	typ, ctor, config string
	what, keys        string
	members           int
	infl              ir.Inflation
	opts              []string   // options for the doc comment, after members and inflation
	fields            []jen.Code // config fields, after Members, Dim, Obs and Inflation
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
	opts = append(opts, f.opts...)
	infl, _ := num(f.infl.Multiplicative, true)
	fields := []jen.Code{
		jen.Id("Members").Op(":").Id(members),
		jen.Id("Dim").Op(":").Id(dim),
		jen.Id("Obs").Op(":").Id(obs),
		jen.Id("Inflation").Op(":").Add(infl),
	}
	fields = append(fields, f.fields...)
	fields = append(fields, jen.Id("Seed").Op(":").Id(seed))
	g.f.Add(doc("New%s returns the analysis %s declared at %s: %s with %s. members, dim and obs "+
		"size the ensemble, the state and the observation (the cycle that uses it passes its own); "+
		"%s is the observation-error covariance and %s keys %s.%s",
		a.Name, a.SourceName, g.at(a.Pos), f.what, strings.Join(opts, ", "), r, seed, f.keys, userDoc(a.Doc)))
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
