// The observation sources with no truth: source = file("obs.csv") and
// source = go "pkg.Func". Both read y from a cycrt.ObsSource at each
// analysis time; a time with no observation makes no analysis, and the
// scores are the ensemble spread and the observation-space scores
// (cycrt.ObsStats) instead of the RMSE against a truth.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// readSource is a source that reads its observations from a
// cycrt.ObsSource, made by its feed.
type readSource struct{ feed feed }

// feed is what differs between the sources that read observations: how
// the cycrt.ObsSource is made and how comments name it.
type feed interface {
	// what names the observations for comments.
	what(cg *cycleGen) string
	// srcType is the Go type of the field that holds the source.
	srcType() jen.Code
	// settings and defaults are the feed's settings fields and their
	// values in the constructor.
	settings(cg *cycleGen) []jen.Code
	defaults(cg *cycleGen) []jen.Code
	// open returns the statements of Start that make the source and set
	// c.src; they run first, so that a bad file fails before anything else.
	open(cg *cycleGen, nm *namer, err string) []jen.Code
	// declare emits package-level declarations (compile-time checks).
	declare(cg *cycleGen)
	// startDoc says what Start does for the feed, or "".
	startDoc(cg *cycleGen) string
}

func (s readSource) intro(cg *cycleGen) string {
	return fmt.Sprintf("%s is the cycle %s declared at %s: an ensemble of %s members of %s, started "+
		"from independent draws of %s, is corrected every ObsEvery steps by the %s analysis %s "+
		"from the observations of %s, seen through %s with error covariance %s. There is no truth: the scores are "+
		"the ensemble spread and the observation-space scores (O−F, O−A and the consistency ratio).",
		cg.c.Name, cg.c.SourceName, cg.g.at(cg.c.Pos), cg.membersConst(), cg.fwd.SourceName, cg.initText(),
		filterOf(cg).filterName(), cg.as.Analysis.SourceName, s.feed.what(cg), cg.as.Obs.SourceName,
		matrixText(cg.as.ObsErr))
}

func (readSource) fields(*cycleGen) []jen.Code { return nil }

func (s readSource) state(cg *cycleGen) []jen.Code {
	return []jen.Code{
		jen.Id("ostats").Op("*").Qual(rtPath, "ObsStats"),
		jen.Id("src").Add(s.feed.srcType()).Comment("the observations"),
		jen.Id("y").Id(cg.as.Obs.Out.Name).Comment("the observation at the current analysis time; NaN marks a missing value"),
	}
}

func (s readSource) settings(cg *cycleGen) []jen.Code { return s.feed.settings(cg) }
func (s readSource) defaults(cg *cycleGen) []jen.Code { return s.feed.defaults(cg) }
func (s readSource) declare(cg *cycleGen)             { s.feed.declare(cg) }

func (s readSource) open(cg *cycleGen, nm *namer, err string) []jen.Code {
	return s.feed.open(cg, nm, err)
}

func (readSource) setup(cg *cycleGen, err, r string) []jen.Code {
	return []jen.Code{
		jen.List(cg.self("ostats"), jen.Id(err)).Op("=").Qual(rtPath, "NewObsStats").Call(jen.Id(cg.as.Obs.Out.Name+"Size"), cg.self("Spinup"), jen.Id(r)),
		ifErr(err, errorf(fmt.Sprintf("cycle %s: %%w", cg.c.SourceName), jen.Id(err))),
	}
}

func (readSource) draw(cg *cycleGen, s string, _, _ jen.Code) []jen.Code {
	return []jen.Code{
		jen.Comment(fmt.Sprintf("The members are independent draws from %s, from the streams a twin run draws them from.", cg.initText())),
		jen.Id(s).Op(":=").Qual(rtPath, "NewStream").Call(cg.self("Seed"), jen.Qual(rtPath, "PurposeEnsembleInit"), jen.Lit(0)),
	}
}

func (readSource) forecast(cg *cycleGen, _, _, _, _ string) []jen.Code {
	return []jen.Code{jen.Comment(fmt.Sprintf("Forecast: ObsEvery model steps of %s.", cg.forecastWhat()))}
}

func (readSource) observe(cg *cycleGen, nm *namer, err string) []jen.Code {
	id := jen.Id
	t, ok := nm.name("t"), nm.name("ok")
	skip := []jen.Code{
		jen.Comment("The analysis time passes all the same: c.analyses numbers analysis times, which"),
		jen.Comment("key the random streams, so the analyses made draw what a twin run draws."),
		cg.self("analyses").Op("++"),
	}
	if cg.c.History > 0 {
		skip = append(skip, jen.If(cg.analysisHistoryDue()).Block(
			jen.Comment(fmt.Sprintf("The %s is recorded as both: its forecast is its analysis.", cg.stateWord())),
			cg.recordForecast(),
			cg.recordAnalysis(),
			jen.Return(cg.self("record").Call()),
		))
	}
	skip = append(skip, jen.Return(jen.Nil()))
	g := cg.g
	g.helpers["cycPresent"] = true
	return []jen.Code{
		jen.Comment("Observe: the source's y for the analysis at this time; NaN marks a missing value."),
		id(t).Op(":=").Float64().Call(cg.self("step")).Op("*").Id(cg.dt),
		jen.List(id(ok), id(err)).Op(":=").Add(cg.self("src")).Dot("Observe").Call(id(t), cg.self("y").Index(jen.Op(":"))),
		ifErr(err, errorf(fmt.Sprintf("cycle %s: source at time %%v (step %%d): %%w", cg.c.SourceName), id(t), cg.self("step"), id(err))),
		jen.If(jen.Op("!").Id(ok).Op("||").Op("!").Id("cycPresent").Call(cg.self("y").Index(jen.Op(":")))).Block(
			append([]jen.Code{jen.Comment(fmt.Sprintf("No observation, or every value missing: no analysis; the %s goes on with its forecast.", cg.stateWord()))}, skip...)...,
		),
	}
}

func (readSource) truth(*cycleGen) jen.Code                 { return jen.Nil() }
func (readSource) recordTruth(*cycleGen, string) []jen.Code { return nil }

func (readSource) scoreForecast(cg *cycleGen) []jen.Code {
	if cg.single() {
		return []jen.Code{cg.self("ostats").Dot("ForecastState").Call(cg.self("HE").Dot("Member").Call(jen.Lit(0)), cg.self("y").Index(jen.Op(":")))}
	}
	return []jen.Code{cg.self("ostats").Dot("Forecast").Call(cg.self("HE"), cg.self("y").Index(jen.Op(":")))}
}

func (readSource) scoreAnalysis(cg *cycleGen, k string) []jen.Code {
	return []jen.Code{
		jen.Comment(fmt.Sprintf("O−A: the observation of the analysis %s.", cg.analysedWhat())),
		cg.observeMembers(k),
		cg.self("ostats").Dot("Analysis").Call(cg.self("HE"), cg.self("y").Index(jen.Op(":"))),
	}
}

func (readSource) summary(cg *cycleGen, sum, err string) []jen.Code {
	return []jen.Code{
		cg.self("ostats").Dot("Fill").Call(jen.Id(sum)),
		jen.If(jen.Id(err).Op(":=").Add(cg.self("ostats")).Dot("Err").Call(), jen.Id(err).Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), errorf(fmt.Sprintf("cycle %s: %%w", cg.c.SourceName), jen.Id(err))),
		),
	}
}

func (s readSource) startDoc(cg *cycleGen) string {
	first := ""
	if d := s.feed.startDoc(cg); d != "" {
		first = d + ", then "
	}
	return fmt.Sprintf("Start validates the settings and prepares a run: it %sbuilds R, the observation "+
		"operator and the analysis, allocates the ensemble E (%s×%s) and its observed image HE "+
		"once, and draws member k from the stream (Seed, PurposeEnsembleInit, k), as a twin run does.",
		first, cg.membersConst(), cg.fwd.Carrier.Name+"Size")
}

func (s readSource) nextDoc(cg *cycleGen) string {
	history := ""
	if cg.c.History > 0 {
		history = " (a history due then records the ensemble as both forecast and analysis)"
	}
	return fmt.Sprintf("Next runs one assimilation cycle: ObsEvery model steps of every member, then "+
		"y, the observation at the analysis time, from %s. When there is none, or every value is missing, "+
		"no analysis is made and the ensemble goes on with its forecast%s. Otherwise it observes every "+
		"member, scores the forecast, makes the analysis and scores it: the spread and, against y, the "+
		"observation-space scores; missing values are left out of both. Analyses number analysis "+
		"times from 0, made or not, and key the random streams, so a run fed the observations of a "+
		"twin run with the same seed makes the same analyses; the scores and their spin-up count "+
		"the analyses made. It allocates nothing.", s.feed.what(cg), history)
}

// fileFeed is source = file("obs.csv") or file("obs.nc"), read with
// cycrt.OpenObsFile; the path is the obs_file setting.
type fileFeed struct{ s *ir.FileSource }

func (f fileFeed) what(*cycleGen) string {
	return fmt.Sprintf("the file ObsFile (default %q)", f.s.Path)
}

func (fileFeed) srcType() jen.Code { return jen.Op("*").Qual(rtPath, "FileSource") }

func (f fileFeed) settings(*cycleGen) []jen.Code {
	return []jen.Code{jen.Id("ObsFile").String().Comment(fmt.Sprintf("observation file, .csv or .nc, relative to Dir unless absolute (default %q)", f.s.Path))}
}

func (f fileFeed) defaults(*cycleGen) []jen.Code {
	return []jen.Code{jen.Id("ObsFile").Op(":").Lit(f.s.Path)}
}

func (fileFeed) open(cg *cycleGen, nm *namer, err string) []jen.Code {
	id := jen.Id
	src := nm.name("src")
	grid := jen.Qual(rtPath, "AnalysisGrid").Values(
		id("DT").Op(":").Id(cg.dt), id("ObsEvery").Op(":").Add(cg.self("ObsEvery")), id("Steps").Op(":").Add(cg.self("Steps")),
	)
	return []jen.Code{
		jen.Comment("The observations: the whole file is read, checked and matched to the analysis times first."),
		jen.List(id(src), id(err)).Op(":=").Qual(rtPath, "OpenObsFile").Call(cg.self("obsPath").Call(), id(cg.as.Obs.Out.Name+"Size"), grid),
		ifErr(err, errorf(fmt.Sprintf("cycle %s: source: %%w", cg.c.SourceName), id(err))),
		cg.self("src").Op("=").Id(src),
	}
}

// declare writes obsPath, the one place the file's path is worked out
// (Start opens it; Config hashes it).
func (fileFeed) declare(cg *cycleGen) {
	id := jen.Id
	cg.g.f.Add(doc("obsPath is the observation file ObsFile, under Dir unless it is absolute."))
	cg.g.f.Func().Params(id(cg.recv).Op("*").Id(cg.c.Name)).Id("obsPath").Params().String().Block(
		jen.If(jen.Qual("path/filepath", "IsAbs").Call(cg.self("ObsFile"))).Block(jen.Return(cg.self("ObsFile"))),
		jen.Return(jen.Qual("path/filepath", "Join").Call(cg.self("Dir"), cg.self("ObsFile"))),
	)
}

func (fileFeed) startDoc(*cycleGen) string {
	return "reads and checks the observation file ObsFile, so that a bad file fails before anything else"
}

// goFeed is source = go "pkg.Func": the user's function
// func(t float64, y []float64) (ok bool, err error), as a cycrt.ObsFunc.
type goFeed struct{ s *ir.GoSource }

func (f goFeed) what(*cycleGen) string {
	return "the Go function " + goText(f.s.Ref)
}

func (goFeed) srcType() jen.Code { return jen.Qual(rtPath, "ObsFunc") }

func (goFeed) settings(*cycleGen) []jen.Code { return nil }
func (goFeed) defaults(*cycleGen) []jen.Code { return nil }

func (f goFeed) open(cg *cycleGen, _ *namer, _ string) []jen.Code {
	return []jen.Code{
		jen.Comment("The observations: " + goText(f.s.Ref) + "."),
		cg.self("src").Op("=").Qual(rtPath, "ObsFunc").Call(cg.g.qualGo(f.s.Ref)),
	}
}

func (f goFeed) declare(cg *cycleGen) {
	g := cg.g
	g.f.Add(doc("The compiler checked the signature of %s, the source of cycle %s; this keeps it checked when the Go code changes.",
		goText(f.s.Ref), cg.c.Name))
	g.f.Var().Id("_").Func().Params(jen.Float64(), jen.Index().Float64()).Params(jen.Bool(), jen.Error()).Op("=").Add(g.qualGo(f.s.Ref))
}

func (goFeed) startDoc(*cycleGen) string { return "" }
