// Analyses: a constructor per ETKF or EnKF declaration that fixes the
// options written in the source and leaves the sizes, R and the seed to
// the cycle that uses it.
package codegen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// analysisType is the runtime type and constructor of an analysis kind.
func analysisType(a *ir.Analysis) (typ, ctor, config string) {
	if a.Kind == ir.AnalysisEnKF {
		return "EnKF", "NewEnKF", "EnKFConfig"
	}
	return "ETKF", "NewETKF", "ETKFConfig"
}

// inflation is the analysis's multiplicative inflation (1 when unset).
func inflation(a *ir.Analysis) float64 {
	if a.Inflation == 0 {
		return 1
	}
	return a.Inflation
}

// emitAnalysis declares NewA(members, dim, obs, r, seed) for analysis a.
func (g *gen) emitAnalysis(a *ir.Analysis) {
	typ, ctor, config := analysisType(a)
	nm := g.top.fork()
	members, dim, obs, r, seed := nm.name("members"), nm.name("dim"), nm.name("obs"), nm.name("r"), nm.name("seed")
	var opts []string
	if a.Members > 0 {
		opts = append(opts, fmt.Sprintf("members = %d", a.Members))
	}
	opts = append(opts, "inflation = "+floatText(inflation(a), false))
	fields := []jen.Code{
		jen.Id("Members").Op(":").Id(members),
		jen.Id("Dim").Op(":").Id(dim),
		jen.Id("Obs").Op(":").Id(obs),
		jen.Id("Inflation").Op(":").Add(func() jen.Code { c, _ := num(inflation(a), true); return c }()),
	}
	what := "the stochastic EnKF with perturbed observations"
	keys := "the perturbation streams"
	if a.Kind == ir.AnalysisETKF {
		what = "the square-root ETKF"
		keys = "the rotation streams"
		if a.Rotate {
			opts = append(opts, "rotate = true")
			fields = append(fields, jen.Id("Rotate").Op(":").True())
		}
	}
	fields = append(fields, jen.Id("Seed").Op(":").Id(seed))
	g.f.Add(doc("New%s returns the analysis %s declared at %s: %s with %s. members, dim and obs "+
		"size the ensemble, the state and the observation (the cycle that uses it passes its own); "+
		"%s is the observation-error covariance and %s keys %s.",
		a.Name, a.SourceName, g.at(a.Pos), what, strings.Join(opts, ", "), r, seed, keys))
	g.f.Func().Id("New"+a.Name).Params(
		jen.List(jen.Id(members), jen.Id(dim), jen.Id(obs)).Int(),
		jen.Id(r).Op("*").Qual(rtPath, "ObsError"),
		jen.Id(seed).Uint64(),
	).Params(jen.Op("*").Qual(rtPath, typ), jen.Error()).Block(
		jen.Return(jen.Qual(rtPath, ctor).Call(jen.Qual(rtPath, config).Values(fields...), jen.Id(r))),
	)
}
