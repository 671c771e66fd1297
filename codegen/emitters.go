// The tables that map every kind of declaration to the emitter of its Go.
// A kind missing from its table is reported as not implemented yet: no
// kind ever falls back to another's emitter.
package codegen

import "github.com/cyclec/cyclec/ir"

// emitter writes the Go of one kind of declaration.
type emitter[T any] interface {
	// check reports the IR invariants the emitter relies on (as internal
	// errors) and the parts of x it cannot emit (as not implemented yet).
	check(g *gen, x T)
	// emit appends the declarations of x to the file; it runs only when
	// no check reported an error.
	emit(g *gen, x T)
}

// forwardEmitters emits forward models by form (ir.ForwardDef.Form).
var forwardEmitters = map[string]emitter[*ir.Forward]{
	"ddt":     equationModel{},
	"next":    equationModel{},
	"compose": composeModel{},
	"neural":  neuralModel{},
	"go":      goForwardModel{},
}

// obsEmitters emits observation operators by form (ir.ObsDef.Form).
var obsEmitters = map[string]emitter[*ir.ObsOp]{
	"identity":   identityObs{},
	"subsample":  subsampleObs{},
	"indices":    indicesObs{},
	"linear":     linearObs{},
	"expression": exprObs{},
	"go":         goObs{},
	"compose":    composeObs{},
}

// analysisEmitters emits analyses by kind.
var analysisEmitters = map[ir.AnalysisKind]emitter[*ir.Analysis]{
	ir.AnalysisETKF:  etkfAnalysis{},
	ir.AnalysisEnKF:  enkfAnalysis{},
	ir.AnalysisDEnKF: denkfAnalysis{},
	ir.AnalysisLETKF: letkfAnalysis{},
	ir.AnalysisEnSRF: ensrfAnalysis{},
	ir.AnalysisPF:    pfAnalysis{},
	ir.AnalysisEnKS:  enksAnalysis{},
	ir.AnalysisGo:    goAnalysis{},
	ir.AnalysisKF:    kalmanAnalysis{},
	ir.AnalysisEKF:   kalmanAnalysis{extended: true},
	ir.AnalysisOI:    staticAnalysis{oi: true},
	ir.AnalysisVar3D: staticAnalysis{},
	ir.AnalysisVar4D: var4dAnalysis{},
}

// cycleEmitters emits cycles by kind.
var cycleEmitters = map[ir.CycleKind]emitter[*ir.Cycle]{
	ir.CycleForecast:         forecastCycle{},
	ir.CycleEnsembleForecast: ensembleForecastCycle{},
	ir.CycleDA:               daCycle{},
	ir.CycleEnsembleDA:       ensembleDACycle{},
	ir.CycleSmoother:         smootherCycle{},
	ir.CycleRecurrence:       recurrenceCycle{},
	ir.CycleWindowed:         windowedCycle{},
	ir.CycleSequence:         sequenceCycle{},
}

// forwardEmitter finds the emitter of m, reporting its form as not
// implemented yet when there is none.
func (g *gen) forwardEmitter(m *ir.Forward) emitter[*ir.Forward] {
	if m.Def == nil {
		g.internal(m.Pos, "forward %s has no definition", m.SourceName)
		return nil
	}
	e, ok := forwardEmitters[m.Def.Form()]
	if !ok {
		g.unimplemented(m.Pos, m.Def.Form()+" forward model")
	}
	return e
}

// obsEmitter finds the emitter of o, reporting its form as not
// implemented yet when there is none.
func (g *gen) obsEmitter(o *ir.ObsOp) emitter[*ir.ObsOp] {
	if o.Def == nil {
		g.internal(o.Pos, "obs %s has no definition", o.SourceName)
		return nil
	}
	e, ok := obsEmitters[o.Def.Form()]
	if !ok {
		what := o.Def.Form() + " observation operator"
		g.unimplemented(o.Pos, what)
	}
	return e
}

// analysisEmitter finds the emitter of a, reporting its kind as not
// implemented yet when there is none.
func (g *gen) analysisEmitter(a *ir.Analysis) emitter[*ir.Analysis] {
	if a.Method == nil {
		g.internal(a.Pos, "analysis %s has no method", a.SourceName)
		return nil
	}
	e, ok := analysisEmitters[a.Kind()]
	if !ok {
		g.unimplemented(a.Pos, string(a.Kind())+" analysis")
	}
	return e
}

// cycleEmitter finds the emitter of c, reporting its kind as not
// implemented yet when there is none.
func (g *gen) cycleEmitter(c *ir.Cycle) emitter[*ir.Cycle] {
	if c.Def == nil {
		g.internal(c.Pos, "cycle %s has no definition", c.SourceName)
		return nil
	}
	e, ok := cycleEmitters[c.Kind()]
	if !ok {
		g.unimplemented(c.Pos, string(c.Kind())+" cycle")
	}
	return e
}
