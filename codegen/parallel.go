// Member forecasts in parallel: an ensemble DA cycle over an equation
// model large enough to pay for it advances its members on a runtime Team,
// each worker with its own copy of the model (its own scratch), over a
// partition of the members fixed at compile time. Every member's forecast
// depends on that member alone, so the bits are the same whatever
// GOMAXPROCS is.
package codegen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// parallelWork is the least work per forecast, in members × state
// elements × model steps, for which the members are forecast in parallel:
// below it, waking the workers costs more than they save. An L96 cycle of
// 40 members (1,600) measured 75 µs on one core and slower on two; a
// Lorenz-63 particle filter of 800 particles stepping 25 times (60,000)
// and large states spread.
const parallelWork = 20000

// parallelChunks is how many chunks the members are cut into: enough for
// a handful of cores to share the work evenly, few enough that each chunk
// is worth a hand-off.
const parallelChunks = 16

// parallelMembers reports whether the cycle forecasts its members in
// parallel: an ensemble DA cycle over an equation model (whose Step is
// safe to run on separate copies; user Go models may share state, so they
// stay sequential) with enough work per forecast.
func (cg *cycleGen) parallelMembers() bool {
	if cg.as == nil || cg.c.Kind() != ir.CycleEnsembleDA || cg.members < 2 {
		return false
	}
	switch cg.fwd.Def.(type) {
	case *ir.ODE, *ir.Map:
	default:
		return false
	}
	return cg.members*cg.fwd.Carrier.Size()*max(cg.as.ObsEvery, 1) >= parallelWork
}

// chunkConst is the name of the constant holding the members per chunk.
func (cg *cycleGen) chunkConst() string { return cg.c.Name + "Chunk" }

// parallelFields are the struct fields of a cycle that forecasts in
// parallel.
func (cg *cycleGen) parallelFields() []jen.Code {
	if !cg.parallelMembers() {
		return nil
	}
	return []jen.Code{
		jen.Line(),
		jen.Id("team").Op("*").Qual(rtPath, "Team").Comment("forecasts the members in parallel"),
		jen.Id("workers").Index().Id(cg.workerType()).Comment("a copy of the model per worker: its own scratch, the parameters copied in"),
		jen.Id("forecastAt").Float64().Comment("the model time the member forecast starts from"),
		jen.Id("forecast").Func().Params(jen.List(jen.Id("worker"), jen.Id("chunk")).Int()).Comment(fmt.Sprintf("%s.forecastMembers, bound once so that Next does not allocate", cg.recv)),
	}
}

// parallelStart are the statements of Start that set up the team.
func (cg *cycleGen) parallelStart() []jen.Code {
	if !cg.parallelMembers() {
		return nil
	}
	return []jen.Code{
		cg.self("team").Op("=").Qual(rtPath, "NewTeam").Call(jen.Lit(0)),
		cg.self("workers").Op("=").Make(jen.Index().Id(cg.workerType()), cg.self("team").Dot("Workers").Call()),
		cg.self("forecast").Op("=").Add(cg.self("forecastMembers")),
	}
}

// parallelStep returns the statements of Next that forecast the members
// on the team from time t0, m pointing at the cycle's model.
func (cg *cycleGen) parallelStep(nm *namer, m string, t0 jen.Code) []jen.Code {
	w := nm.fork().name("w")
	var params []jen.Code
	for _, p := range cg.fwd.Params {
		f := cg.g.fields[p]
		params = append(params, cg.self("workers").Index(jen.Id(w)).Dot("model").Dot(f).Op("=").Id(m).Dot(f))
	}
	var code []jen.Code
	if len(params) > 0 {
		code = append(code,
			jen.Comment(fmt.Sprintf("The members, %s at a time on the team: each worker steps its own copy of the model", cg.chunkConst())),
			jen.Comment("with the parameters as set now, and no member's forecast depends on another's."),
			jen.For(jen.Id(w).Op(":=").Range().Add(cg.self("workers"))).Block(params...),
		)
	} else {
		code = append(code,
			jen.Comment(fmt.Sprintf("The members, %s at a time on the team: each worker steps its own copy of the model,", cg.chunkConst())),
			jen.Comment("and no member's forecast depends on another's."),
		)
	}
	return append(code,
		cg.self("forecastAt").Op("=").Add(t0),
		cg.self("team").Dot("Run").Call(jen.Qual(rtPath, "Chunks").Call(jen.Id(cg.membersConst()), jen.Id(cg.chunkConst())), cg.self("forecast")),
	)
}

// emitParallel declares the chunk size and forecastMembers.
func (cg *cycleGen) emitParallel() {
	if !cg.parallelMembers() {
		return
	}
	g, c := cg.g, cg.c
	chunk := (cg.members + parallelChunks - 1) / parallelChunks
	g.f.Add(doc("%s is how many members of cycle %s a worker forecasts at a time: a partition "+
		"fixed here, so the results do not depend on how many workers share it.", cg.chunkConst(), c.Name))
	g.f.Const().Id(cg.chunkConst()).Op("=").Lit(chunk)

	g.f.Add(doc("%s is one worker's copy of the model of cycle %s, padded so that two workers "+
		"stepping at once never write to the same cache line.", cg.workerType(), c.Name))
	g.f.Type().Id(cg.workerType()).Struct(
		jen.Id("model").Id(cg.fwd.Name),
		jen.Id("_").Index(jen.Lit(128)).Byte(),
	)

	nm := g.top.fork()
	nm.take(cg.recv)
	worker, chunkV, m, k, x, s := nm.name("worker"), nm.name("chunk"), nm.name("m"), nm.name("k"), nm.name("x"), nm.name("s")
	id := jen.Id
	member := jen.Parens(jen.Op("*").Id(cg.st)).Call(cg.self("E").Dot("Member").Call(id(k)))
	g.f.Add(doc("forecastMembers advances the members of one chunk ObsEvery model steps from " +
		"forecastAt with the worker's copy of the model: the body of the parallel forecast in Next."))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("forecastMembers").Params(jen.List(id(worker), id(chunkV)).Int()).Block(
		id(m).Op(":=").Op("&").Add(cg.self("workers")).Index(id(worker)).Dot("model"),
		jen.For(
			id(k).Op(":=").Id(chunkV).Op("*").Id(cg.chunkConst()),
			id(k).Op("<").Id("min").Call(jen.Parens(id(chunkV).Op("+").Lit(1)).Op("*").Id(cg.chunkConst()), id(cg.membersConst())),
			id(k).Op("++"),
		).Block(
			id(x).Op(":=").Add(member),
			jen.For(id(s).Op(":=").Range().Add(cg.self("ObsEvery"))).Block(
				cg.stepState(id(m), id(x), cg.self("forecastAt").Op("+").Float64().Call(id(s)).Op("*").Id(cg.dt), "", "member forecast"),
			),
		),
	)
}

// workerType names the padded per-worker model type of the cycle.
func (cg *cycleGen) workerType() string {
	return strings.ToLower(cg.c.Name[:1]) + cg.c.Name[1:] + "Worker"
}
