// Cycles, the parts every kind shares: the struct's settings fields, the
// constructor with the source's defaults, Name, Set (exactly the names of
// ir.Settings) and the initial-state draw. The kinds themselves are in
// cycle_da.go and cycle_forecast.go.
package codegen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// cycleGen emits one cycle.
type cycleGen struct {
	g       *gen
	c       *ir.Cycle
	fwd     *ir.Forward      // the model the cycle steps
	as      *ir.Assimilation // the DA part, nil for forecasts
	init    *ir.NormalInit   // the initial distribution, nil for the default
	st      string           // Go type of the model state
	dt      string           // the model's time step constant
	model   string           // field of the cycle struct that holds the model
	members int              // ensemble size (0 for a single trajectory)
	recv    string           // receiver name
}

// cycleFields are the exported fields and methods a cycle struct may
// have; a model whose type name is one of them is held in a field named
// Model instead of being embedded (an embedded field named Next would
// collide with the method Next).
var cycleFields = []string{"Steps", "ObsEvery", "Spinup", "ObsFile", "ClimMean", "ClimCov", "Seed", "TruthModel", "Dir", "E", "HE", "Truth", "X",
	"Name", "Set", "Config", "Run", "Start", "Next", "Done", "Summary", "Progress",
	"HistoryMeta", "SetHistory", "CheckpointEvery", "SaveState", "RestoreState"}

// newCycleGen prepares the emission of cycle c.
func (g *gen) newCycleGen(c *ir.Cycle) *cycleGen {
	m := c.Model()
	cg := &cycleGen{g: g, c: c, fwd: m, as: c.Assimilation(), st: m.Carrier.Name, dt: m.Name + "DT",
		model: m.Name, members: c.Members(), recv: "c"}
	cg.init, _ = c.Init.(*ir.NormalInit)
	for _, f := range cycleFields {
		if f == m.Name {
			cg.model = "Model"
		}
	}
	return cg
}

// forecastCycle emits a deterministic forecast.
type forecastCycle struct{}

func (forecastCycle) check(g *gen, c *ir.Cycle) { g.checkCycleCommon(c) }
func (forecastCycle) emit(g *gen, c *ir.Cycle)  { g.newCycleGen(c).emitForecast() }

// ensembleForecastCycle emits an ensemble of free forecasts.
type ensembleForecastCycle struct{}

func (ensembleForecastCycle) check(g *gen, c *ir.Cycle) {
	if g.checkCycleCommon(c) && c.Members() < 1 {
		g.internal(c.Pos, "cycle %s has %d members", c.SourceName, c.Members())
	}
}
func (ensembleForecastCycle) emit(g *gen, c *ir.Cycle) { g.newCycleGen(c).emitEnsembleForecast() }

// ensembleDACycle emits an ensemble twin experiment.
type ensembleDACycle struct{}

func (ensembleDACycle) check(g *gen, c *ir.Cycle) {
	if !g.checkCycleCommon(c) {
		return
	}
	a := c.Assimilation()
	g.checkAssimilation(c, a, c.Members())
	if a.Analysis != nil && a.Analysis.Method != nil {
		if e, ok := analysisEmitters[a.Analysis.Kind()]; ok {
			if _, filter := e.(ensembleFilter); !filter {
				g.internal(c.Pos, "cycle %s: analysis %s is not an ensemble filter", c.SourceName, a.Analysis.SourceName)
			}
		}
	}
}
func (ensembleDACycle) emit(g *gen, c *ir.Cycle) { g.newCycleGen(c).emitEnsembleDA() }

// id and helpers for the receiver.
func (cg *cycleGen) self(path ...string) *jen.Statement {
	s := jen.Id(cg.recv)
	for _, p := range path {
		s = s.Dot(p)
	}
	return s
}

// modelField is the struct field declaration of the model: embedded, or
// named Model when the type name would clash with a cycle field.
func (cg *cycleGen) modelField() jen.Code {
	comment := fmt.Sprintf("the forward model %s, whose fields are its run-time parameters", cg.fwd.SourceName)
	if cg.model == cg.fwd.Name {
		return jen.Id(cg.fwd.Name).Comment(comment)
	}
	return jen.Id(cg.model).Id(cg.fwd.Name).Comment(comment)
}

// membersConst is the name of the ensemble-size constant.
func (cg *cycleGen) membersConst() string { return cg.c.Name + "Members" }

// emitMembersConst declares the ensemble size of the cycle.
func (cg *cycleGen) emitMembersConst() {
	cg.g.f.Add(doc("%s is the ensemble size of cycle %s, fixed at compile time.", cg.membersConst(), cg.c.Name))
	cg.g.f.Const().Id(cg.membersConst()).Op("=").Lit(cg.members)
}

// seed is the cycle's default seed (the checker resolves it from
// source = twin(seed = s) or the cycle's own seed option).
func (cg *cycleGen) seed() uint64 { return cg.c.Seed }

// emitConstructor writes NewC with the defaults from the source; settings
// are the kind's own fields between Steps and Seed.
func (cg *cycleGen) emitConstructor(settings ...jen.Code) {
	c := cg.c
	vals := []jen.Code{jen.Id("Steps").Op(":").Lit(c.Steps)}
	vals = append(vals, settings...)
	vals = append(vals,
		jen.Id("Seed").Op(":").Op(strconv.FormatUint(cg.seed(), 10)),
		jen.Id("Dir").Op(":").Lit("."),
		jen.Id(cg.model).Op(":").Op("*").Id("New"+cg.fwd.Name).Call(),
	)
	cg.g.f.Add(doc("New%s returns cycle %s with the settings written in the source.", c.Name, c.Name))
	cg.g.f.Func().Id("New" + c.Name).Params().Op("*").Id(c.Name).Block(
		jen.Return(jen.Op("&").Id(c.Name).Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}, vals...)),
	)
}

// emitName writes Name.
func (cg *cycleGen) emitName() {
	c := cg.c
	cg.g.f.Add(doc("Name returns the name of the cycle as declared in the program."))
	cg.g.f.Func().Params(jen.Id(cg.recv).Op("*").Id(c.Name)).Id("Name").Params().String().Block(
		jen.Return(jen.Lit(c.SourceName)),
	)
}

// emitSet writes Set over exactly the names of ir.Settings.
func (cg *cycleGen) emitSet() {
	c := cg.c
	settings := ir.Settings(c)
	nm := cg.g.top.fork()
	nm.take(cg.recv)
	name, value := nm.name("name"), nm.name("value")
	var known []string
	var cases []jen.Code
	for _, s := range settings {
		names := []jen.Code{jen.Lit(s.Name)}
		known = append(known, s.Name)
		if s.Alias != "" {
			names = append(names, jen.Lit(s.Alias))
			known = append(known, s.Alias)
		}
		dst := cg.settingField(s)
		if dst == nil {
			continue
		}
		cases = append(cases, jen.Case(names...).Block(
			jen.Return(jen.Qual(rtPath, setHelper(s.Kind)).Call(jen.Op("&").Add(dst), jen.Id(name), jen.Id(value))),
		))
	}
	cases = append(cases, jen.Default().Block(
		jen.Return(jen.Qual("fmt", "Errorf").Call(
			jen.Lit(fmt.Sprintf("cycle %s has no setting %%q (known: %s)", c.SourceName, strings.Join(known, ", "))),
			jen.Id(name))),
	))
	cg.g.f.Add(doc("Set applies a run-time setting: %s. Model parameters take their bare "+
		"name where no other setting has it. An unknown name or a value that does not parse "+
		"is an error naming both.", strings.Join(known, ", ")))
	cg.g.f.Func().Params(jen.Id(cg.recv).Op("*").Id(c.Name)).Id("Set").Params(jen.List(jen.Id(name), jen.Id(value)).String()).Error().Block(
		jen.Switch(jen.Id(name)).Block(cases...),
	)
}

// setHelper returns the runtime function that parses a setting of kind k.
func setHelper(k ir.SettingKind) string {
	switch k {
	case ir.SettingInt:
		return "SetInt"
	case ir.SettingSeed:
		return "SetSeed"
	case ir.SettingPath:
		return "SetPath"
	}
	return "SetFloat"
}

// initMean returns the mean argument of cycrt.InitNormal for the cycle's
// initial distribution, plus statements that must run before it.
func (cg *cycleGen) initMean(nm *namer) (jen.Code, []jen.Code) {
	in := cg.init
	if cg.zeroInitMean() {
		return jen.Nil(), nil
	}
	n := cg.fwd.Carrier.Size()
	if k, ok := cg.g.consts[in.MeanFrom]; ok && in.MeanFrom != "" && len(k.Vec) == n && equalFloats(k.Vec, in.Mean) {
		return jen.Id(k.Name).Index(jen.Op(":")), nil
	}
	allSame := true
	for _, v := range in.Mean {
		if v != in.Mean[0] {
			allSame = false
		}
	}
	if allSame {
		mean := nm.name("mean")
		i := nm.fork().name("i") // scoped to its loop
		v, _ := num(in.Mean[0], true)
		return jen.Id(mean).Index(jen.Op(":")), []jen.Code{
			jen.Var().Id(mean).Id(cg.st),
			jen.For(jen.Id(i).Op(":=").Range().Id(mean)).Block(jen.Id(mean).Index(jen.Id(i)).Op("=").Add(v)),
		}
	}
	name := cg.g.top.name(prefix + cg.c.Name + "InitMean")
	cg.g.f.Add(doc("%s is the mean of the initial distribution of cycle %s.", name, cg.c.Name))
	cg.g.f.Var().Id(name).Op("=").Id(cg.st).Add(floatRows(in.Mean))
	return jen.Id(name).Index(jen.Op(":")), nil
}

// initStd is the standard deviation of the initial distribution.
func (cg *cycleGen) initStd() jen.Code {
	std := 1.0
	if cg.init != nil {
		std = cg.init.Std
	}
	v, _ := num(std, true)
	return v
}

// initText describes the initial distribution for comments.
func (cg *cycleGen) initText() string {
	in := cg.init
	if in == nil {
		return "normal(mean = 0, std = 1)"
	}
	mean := "0"
	switch {
	case in.MeanFrom != "":
		mean = in.MeanFrom
	case len(in.Mean) > 0:
		mean = commentNum(in.Mean[0])
		for _, v := range in.Mean {
			if v != in.Mean[0] {
				mean = "a vector"
			}
		}
	}
	return fmt.Sprintf("normal(mean = %s, std = %s)", mean, commentNum(in.Std))
}

// commentNum prints a number for a comment: exactly when that is short,
// else to four significant digits followed by an ellipsis.
func commentNum(v float64) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if len(s) <= 8 {
		return s
	}
	return strconv.FormatFloat(v, 'g', 4, 64) + "…"
}

// equalFloats reports whether a and b hold the same values.
func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// signbit reports whether v is negative zero or negative.
func signbit(v float64) bool { return v < 0 || (v == 0 && 1/v < 0) }

// errorf is fmt.Errorf with a literal format.
func errorf(format string, args ...jen.Code) *jen.Statement {
	return jen.Qual("fmt", "Errorf").Call(append([]jen.Code{jen.Lit(format)}, args...)...)
}

// ifErr is `if err != nil { return <ret…> }`.
func ifErr(err string, ret ...jen.Code) jen.Code {
	return jen.If(jen.Id(err).Op("!=").Nil()).Block(jen.Return(ret...))
}

// emitRun writes Summary (the scores so far, for callers that step the
// cycle themselves) and Run (Start, Next until Done, then the summary with
// its timing). count names the field that counts cycles for the time per
// cycle; scores returns the statements that fill the summary named sum,
// using err for errors.
func (cg *cycleGen) emitRun(count, kind string, scores func(sum, err string) []jen.Code) {
	g, c := cg.g, cg.c
	id := jen.Id
	members := jen.Lit(1)
	switch {
	case cg.members > 0:
		members = id(cg.membersConst())
	case cg.single():
		members = jen.Lit(0) // one state, not an ensemble
	}

	nm := g.top.fork()
	nm.take(cg.recv)
	sum, err := nm.name("sum"), nm.name("err")
	body := []jen.Code{
		jen.If(jen.Op("!").Add(cg.self("started"))).Block(
			jen.Return(jen.Nil(), jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("cycle %s: Summary called before Start", c.SourceName)))),
		),
		id(sum).Op(":=").Op("&").Qual(rtPath, "Summary").Values(
			id("Cycle").Op(":").Lit(c.SourceName),
			id("Kind").Op(":").Lit(kind),
			id("Seed").Op(":").Add(cg.self("Seed")),
			id("Members").Op(":").Add(members),
			id("Steps").Op(":").Add(cg.self("step")),
		),
	}
	body = append(body, scores(sum, err)...)
	body = append(body, jen.Return(id(sum), jen.Nil()))
	g.f.Add(doc("Summary returns the scores of the run so far, without timing: what Run returns, " +
		"for callers that step the cycle with Start and Next themselves."))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Summary").Params().Params(
		jen.Op("*").Qual(rtPath, "Summary"), jen.Error(),
	).Block(body...)

	per := "analysis cycle"
	if count == "step" {
		per = "model step"
	}
	g.f.Add(doc("Progress implements cycrt.Stepper: the model steps done, the model steps of "+
		"the run (Steps) and the %ss done.", per))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Progress").Params().Params(jen.List(id("step"), id("steps"), id("cycles")).Int()).Block(
		jen.Return(cg.self("step"), cg.self("Steps"), cg.self(count)),
	)

	nm = g.top.fork()
	nm.take(cg.recv)
	ctx, opts := nm.name("ctx"), nm.name("opts")
	asserts := []jen.Code{
		jen.Id("_").Qual(rtPath, "Stepper").Op("=").Parens(jen.Op("*").Id(c.Name)).Call(jen.Nil()),
		jen.Id("_").Qual(rtPath, "Cycle").Op("=").Parens(jen.Op("*").Id(c.Name)).Call(jen.Nil()),
	}
	also := ""
	if c.History > 0 {
		asserts = append(asserts, jen.Id("_").Qual(rtPath, "HistoryCycle").Op("=").Parens(jen.Op("*").Id(c.Name)).Call(jen.Nil()))
		also = ", which writes its history"
	}
	if c.Checkpoint > 0 {
		asserts = append(asserts, jen.Id("_").Qual(rtPath, "Checkpointer").Op("=").Parens(jen.Op("*").Id(c.Name)).Call(jen.Nil()))
		if also == "" {
			also = ", which writes its checkpoints"
		} else {
			also = ", which writes its history and checkpoints"
		}
	}
	if also != "" {
		also += ","
	}
	g.f.Add(doc("%s is driven by cycrt.RunCycle%s and by the command line.", c.Name, also))
	g.f.Var().Defs(asserts...)
	g.f.Add(doc("Run implements cycrt.Cycle: Start, then Next until Done, then the summary "+
		"(SecondsPerCycle is the wall time per %s), by cycrt.RunCycle. It returns ctx.Err() "+
		"when ctx is cancelled, and reports progress through opts.Progress after every call of Next.", per))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Run").Params(
		id(ctx).Qual("context", "Context"), id(opts).Qual(rtPath, "RunOptions"),
	).Params(jen.Op("*").Qual(rtPath, "Summary"), jen.Error()).Block(
		jen.Return(jen.Qual(rtPath, "RunCycle").Call(id(ctx), id(cg.recv), id(opts))),
	)
	cg.emitConfig()
}
