// History in generated cycles: the recorder field, HistoryMeta and
// SetHistory (cycrt.HistoryCycle), and the record method. What a record
// holds is said by calls on the runtime's HistoryRecorder at the points
// each kind records (cycle_da.go, cycle_forecast.go); the file formats
// are the runtime's business.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"
)

// historyFields are the struct fields a cycle with a history needs.
func (cg *cycleGen) historyFields() []jen.Code {
	if cg.c.History <= 0 {
		return nil
	}
	return []jen.Code{
		jen.Id("history").Op("*").Qual(rtPath, "HistoryRecorder").Comment(fmt.Sprintf("set by cycrt.RunCycle; records every %d steps", cg.c.History)),
	}
}

// recorder is the statement c.history.method(args…).
func (cg *cycleGen) recorder(method string, args ...jen.Code) jen.Code {
	return cg.self("history").Dot(method).Call(args...)
}

// ifRecording is `if c.history != nil { body… }`.
func (cg *cycleGen) ifRecording(body ...jen.Code) jen.Code {
	return jen.If(cg.self("history").Op("!=").Nil()).Block(body...)
}

// emitHistory writes HistoryMeta, SetHistory and record for a cycle that
// declares a history. obsSize is the observation size constant ("" for
// none) and truth whether the cycle has a truth run.
func (cg *cycleGen) emitHistory(obsSize string, truth bool) {
	if cg.c.History <= 0 {
		return
	}
	g, c := cg.g, cg.c
	id := jen.Id
	car := cg.fwd.Carrier
	dims := []jen.Code{jen.Lit("i")}
	shape := []jen.Code{id(car.Name + "Size")}
	if car.Grid() {
		dims = append(dims, jen.Lit("j"))
		shape = []jen.Code{id(car.Name + "Rows"), id(car.Name + "Cols")}
	}
	fields := []jen.Code{
		id("Program").Op(":").Lit(baseName(g.p.Source)),
		id("Cycle").Op(":").Lit(c.SourceName),
		id("Seed").Op(":").Add(cg.self("Seed")),
		id("StateDims").Op(":").Index().String().Values(dims...),
		id("StateShape").Op(":").Index().Int().Values(shape...),
	}
	if obsSize != "" {
		fields = append(fields, id("ObsSize").Op(":").Id(obsSize))
	}
	if cg.members > 0 {
		fields = append(fields, id("Members").Op(":").Id(cg.membersConst()))
	}
	if c.HistoryMembers && cg.members > 0 {
		fields = append(fields, id("RecordMembers").Op(":").True())
	}
	if truth {
		fields = append(fields, id("Truth").Op(":").True())
	}
	if cg.smoothes() {
		fields = append(fields, id("Smoothed").Op(":").True())
	}
	if v, ok := cg.outerLoops(); ok {
		fields = append(fields, id("Outer").Op(":").Lit(v))
	}
	fields = append(fields, id("Dt").Op(":").Id(cg.dt))
	g.f.Add(doc("HistoryMeta implements cycrt.HistoryCycle: the shape of the history records " +
		"(the state's dimensions are named after its index variables, i for a vec and i, j " +
		"for a grid)."))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("HistoryMeta").Params().Qual(rtPath, "HistoryMeta").Block(
		jen.Return(jen.Qual(rtPath, "HistoryMeta").Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}, fields...)),
	)
	nm := g.top.fork()
	nm.take(cg.recv)
	r := nm.name("r")
	g.f.Add(doc("SetHistory implements cycrt.HistoryCycle: Start and Next record to r (nil records nothing)."))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("SetHistory").Params(id(r).Op("*").Qual(rtPath, "HistoryRecorder")).Block(
		cg.self("history").Op("=").Id(r),
	)
	err := nm.name("err")
	g.f.Add(doc("record appends the record the history recorder holds at the current step."))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("record").Params().Error().Block(
		jen.If(id(err).Op(":=").Add(cg.recorder("Append", cg.self("step"), jen.Float64().Call(cg.self("step")).Op("*").Id(cg.dt))), id(err).Op("!=").Nil()).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: %%w", c.SourceName), id(err))),
		),
		jen.Return(jen.Nil()),
	)
}
