// Observation sources of an ensemble_da cycle: the parts of its Go that
// depend on where y comes from. The twin source observes a truth run that
// the cycle steps beside the ensemble; a file or go source (source_read.go)
// reads y from a cycrt.ObsSource and the cycle has no truth. The emitter
// asks the cycle's source for each such part, so a new kind of source is
// one more implementation of daSource.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// daSource emits what depends on the observation source of an ensemble_da
// cycle. Statements that may fail return errors from the method they are
// emitted into, named err.
type daSource interface {
	// intro opens the doc comment of the cycle type: what the cycle is.
	intro(cg *cycleGen) string
	// fields are the exported struct fields the source adds after HE,
	// and state the unexported ones it adds after the scores.
	fields(cg *cycleGen) []jen.Code
	state(cg *cycleGen) []jen.Code
	// declare emits the package-level declarations the source needs.
	declare(cg *cycleGen)
	// settings are the exported settings fields the source adds after
	// Spinup, and defaults their values in the constructor.
	settings(cg *cycleGen) []jen.Code
	defaults(cg *cycleGen) []jen.Code
	// open runs first in Start, after the settings are checked: what can
	// fail on the user's data fails before anything is built.
	open(cg *cycleGen, nm *namer, err string) []jen.Code
	// setup runs in Start once R (named r) and the ensemble are built.
	setup(cg *cycleGen, err, r string) []jen.Code
	// draw declares the stream s and draws what precedes the members from
	// the initial distribution (mean, std).
	draw(cg *cycleGen, s string, mean, std jen.Code) []jen.Code
	// forecast steps what the cycle runs beside the ensemble with model m
	// from time t0, ObsEvery steps, s naming the step.
	forecast(cg *cycleGen, m, t0, s, err string) []jen.Code
	// observe fills c.y for the analysis at the current step, or ends
	// Next when there is none.
	observe(cg *cycleGen, nm *namer, err string) []jen.Code
	// truth is the truth argument of the Stats calls (nil for none).
	truth(cg *cycleGen) jen.Code
	// recordTruth hands the truth to the history recorder (nothing for
	// none).
	recordTruth(cg *cycleGen, err string) []jen.Code
	// scoreForecast and scoreAnalysis follow the Stats calls of Next; k
	// names a member loop variable.
	scoreForecast(cg *cycleGen) []jen.Code
	scoreAnalysis(cg *cycleGen, k string) []jen.Code
	// summary fills the summary sum with the source's own scores.
	summary(cg *cycleGen, sum, err string) []jen.Code
	// startDoc and nextDoc are the doc comments of Start and Next.
	startDoc(cg *cycleGen) string
	nextDoc(cg *cycleGen) string
}

// daSource returns the source of the cycle (the checker defaults a cycle
// without one to a twin experiment).
func (cg *cycleGen) daSource() daSource {
	switch s := cg.as.Source.(type) {
	case *ir.FileSource:
		return readSource{fileFeed{s}}
	case *ir.GoSource:
		return readSource{goFeed{s}}
	}
	return twinSource{}
}

// checkSource reports what the emitter of a's source relies on.
func (g *gen) checkSource(c *ir.Cycle, a *ir.Assimilation) {
	switch s := a.Source.(type) {
	case nil, *ir.TwinSource:
	case *ir.FileSource:
		if s.Path == "" {
			g.internal(s.Pos, "cycle %s reads observations from a file with no path", c.SourceName)
		}
	case *ir.GoSource:
		if s.Ref == nil {
			g.internal(s.Pos, "go observation source of cycle %s has no reference", c.SourceName)
		}
	default:
		g.internal(s.SourcePos(), "cycle %s has an unknown observation source", c.SourceName)
	}
}

// observeMembers applies H to every member of E into HE; k names the loop
// variable.
func (cg *cycleGen) observeMembers(k string) jen.Code {
	id := jen.Id
	out := cg.as.Obs.Out.Name
	if cg.single() {
		return cg.self("obs").Dot("Apply").Call(
			jen.Parens(jen.Op("*").Id(out)).Call(cg.self("HE").Dot("Member").Call(jen.Lit(0))),
			castTo(jen.Parens(jen.Op("*").Id(cg.st)).Call(cg.stateX()), cg.fwd.Carrier, cg.as.Obs.In))
	}
	return jen.For(id(k).Op(":=").Range().Id(cg.membersConst())).Block(
		cg.self("obs").Dot("Apply").Call(
			jen.Parens(jen.Op("*").Id(out)).Call(cg.self("HE").Dot("Member").Call(id(k))),
			castTo(jen.Parens(jen.Op("*").Id(cg.st)).Call(cg.self("E").Dot("Member").Call(id(k))), cg.fwd.Carrier, cg.as.Obs.In)),
	)
}

// analysisHistoryDue is true in Next when this analysis is the first at or after
// a multiple of the cycle's history interval and a history is being
// written.
func (cg *cycleGen) analysisHistoryDue() jen.Code {
	h := cg.c.History
	return cg.self("history").Op("!=").Nil().Op("&&").
		Add(cg.self("step")).Op("/").Lit(h).Op("!=").Parens(cg.self("step").Op("-").Add(cg.self("ObsEvery"))).Op("/").Lit(h)
}

// twinSource is source = twin(seed = s): a truth run from the initial
// distribution, observed through H with noise drawn from R.
type twinSource struct{}

// truthModel is the model a twin truth runs with when it is not the
// cycle's model (truth = M), or nil.
func (cg *cycleGen) truthModel() *ir.Forward {
	if cg.as == nil {
		return nil
	}
	if t := cg.as.Truth; t != nil && t != cg.fwd {
		return t
	}
	return nil
}

// truthName names the model a twin's truth runs with, for comments: the
// truth model of an imperfect-model experiment, else the cycle's own.
func (cg *cycleGen) truthName() string {
	if t := cg.truthModel(); t != nil {
		return t.SourceName
	}
	return cg.fwd.SourceName
}

func (twinSource) intro(cg *cycleGen) string {
	truth := cg.truthName()
	return fmt.Sprintf("%s is the cycle %s declared at %s: a twin experiment in which a truth run of %s "+
		"from %s is observed through %s every ObsEvery steps with error covariance %s, and an "+
		"ensemble of %s members started from independent draws of the same distribution is "+
		"corrected by the %s analysis %s.",
		cg.c.Name, cg.c.SourceName, cg.g.at(cg.c.Pos), truth, cg.initText(), cg.as.Obs.SourceName,
		matrixText(cg.as.ObsErr), cg.membersConst(), filterOf(cg).filterName(), cg.as.Analysis.SourceName) +
		cg.imperfectText()
}

// imperfectText adds to the cycle's doc what an imperfect-model
// experiment is.
func (cg *cycleGen) imperfectText() string {
	t := cg.truthModel()
	if t == nil {
		return ""
	}
	return fmt.Sprintf(" The truth runs with %s and the ensemble with %s (truth = %s): the scores "+
		"include the error of the ensemble's model.", t.SourceName, cg.fwd.SourceName, t.SourceName)
}

func (twinSource) fields(cg *cycleGen) []jen.Code {
	fs := []jen.Code{jen.Id("Truth").Id(cg.st).Comment("the truth run")}
	if t := cg.truthModel(); t != nil {
		fs = append(fs, jen.Id("TruthModel").Id(t.Name).Comment(fmt.Sprintf("the model %s the truth runs with; its exported fields are its parameters", t.SourceName)))
	}
	return fs
}

func (twinSource) state(cg *cycleGen) []jen.Code {
	return []jen.Code{
		jen.Id("noise").Op("*").Qual(rtPath, "Stream"),
		jen.Id("y").Id(cg.as.Obs.Out.Name).Comment("the observation of the truth"),
	}
}

func (twinSource) declare(*cycleGen) {}

func (twinSource) settings(*cycleGen) []jen.Code { return nil }
func (twinSource) defaults(cg *cycleGen) []jen.Code {
	if t := cg.truthModel(); t != nil {
		return []jen.Code{jen.Id("TruthModel").Op(":").Op("*").Id("New" + t.Name).Call()}
	}
	return nil
}

func (twinSource) open(*cycleGen, *namer, string) []jen.Code { return nil }

func (twinSource) setup(cg *cycleGen, err, _ string) []jen.Code {
	out := []jen.Code{
		cg.self("noise").Op("=").Qual(rtPath, "NewStream").Call(cg.self("Seed"), jen.Qual(rtPath, "PurposeObsNoise"), jen.Lit(0)),
	}
	if t := cg.truthModel(); t != nil && apiOf(t).load {
		out = append(out, jen.If(jen.Id(err).Op(":=").Add(cg.self("TruthModel")).Dot("Load").Call(cg.self("Dir"), jen.Lit(1)), jen.Id(err).Op("!=").Nil()).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: truth: %%w", cg.c.SourceName), jen.Id(err)))))
	}
	return out
}

func (twinSource) draw(cg *cycleGen, s string, mean, std jen.Code) []jen.Code {
	return []jen.Code{
		jen.Comment(fmt.Sprintf("The truth and the members are independent draws from %s.", cg.initText())),
		jen.Id(s).Op(":=").Qual(rtPath, "NewStream").Call(cg.self("Seed"), jen.Qual(rtPath, "PurposeTruthInit"), jen.Lit(0)),
		jen.Qual(rtPath, "InitNormal").Call(cg.self("Truth").Index(jen.Op(":")), mean, std, jen.Id(s)),
	}
}

func (twinSource) forecast(cg *cycleGen, m, t0, s, err string) []jen.Code {
	at := jen.Id(t0).Op("+").Float64().Call(jen.Id(s)).Op("*").Id(cg.dt)
	truthStep := cg.stepState(jen.Id(m), jen.Op("&").Add(cg.self("Truth")), at, err, "truth forecast")
	if t := cg.truthModel(); t != nil {
		truthStep = cg.stepWith(t, cg.self("TruthModel"), jen.Op("&").Add(cg.self("Truth")), at, err, "truth forecast")
	}
	return []jen.Code{
		jen.Comment(fmt.Sprintf("Forecast: ObsEvery model steps of the truth and of %s.", cg.forecastWhat())),
		jen.For(jen.Id(s).Op(":=").Range().Add(cg.self("ObsEvery"))).Block(truthStep),
	}
}

func (twinSource) observe(cg *cycleGen, _ *namer, _ string) []jen.Code {
	obsIn, obsOut := cg.as.Obs.In, cg.as.Obs.Out
	return []jen.Code{
		jen.Comment("Observe: y = H(truth) + N(0, R), noise from the stream (Seed, PurposeObsNoise, analysis)."),
		cg.self("obs").Dot("Apply").Call(castTo(jen.Op("&").Add(cg.self("y")), obsOut, obsOut), castTo(jen.Op("&").Add(cg.self("Truth")), cg.fwd.Carrier, obsIn)),
		cg.self("noise").Dot("Reset").Call(cg.self("Seed"), jen.Qual(rtPath, "PurposeObsNoise"), jen.Uint64().Call(cg.self("analyses"))),
		cg.self("r").Dot("AddNoise").Call(cg.self("y").Index(jen.Op(":")), cg.self("noise")),
	}
}

func (twinSource) truth(cg *cycleGen) jen.Code { return cg.self("Truth").Index(jen.Op(":")) }

func (twinSource) recordTruth(cg *cycleGen, _ string) []jen.Code {
	return []jen.Code{cg.recorder("Truth", cg.self("Truth").Index(jen.Op(":")))}
}

func (twinSource) scoreForecast(*cycleGen) []jen.Code         { return nil }
func (twinSource) scoreAnalysis(*cycleGen, string) []jen.Code { return nil }
func (twinSource) summary(*cycleGen, string, string) []jen.Code {
	return nil
}

func (twinSource) startDoc(cg *cycleGen) string {
	return fmt.Sprintf("Start validates the settings and prepares a run: it builds R, the observation "+
		"operator and the analysis, allocates the ensemble E (%s×%s) and its observed image HE "+
		"once, and draws the truth from the stream (Seed, PurposeTruthInit, 0) and member k from "+
		"(Seed, PurposeEnsembleInit, k).", cg.membersConst(), cg.fwd.Carrier.Name+"Size")
}

func (twinSource) nextDoc(*cycleGen) string {
	return "Next runs one assimilation cycle: ObsEvery model steps of the truth and of " +
		"every member, the noisy observation of the truth and of every member, the forecast " +
		"scores, the analysis (numbered from 0, which keys its random streams) and the analysis " +
		"scores. It allocates nothing."
}

// filterOf is the ensemble filter emitter of the cycle's analysis.
func filterOf(cg *cycleGen) ensembleFilter {
	return analysisEmitters[cg.as.Analysis.Kind()].(ensembleFilter)
}
