// What the generated type of each forward model offers the cycles that
// step it: whether Step can fail, whether the whole ensemble advances in
// one call, and whether data must be loaded before the first step. Cycles
// emit their stepping through these helpers, so a new kind of model needs
// no change in any cycle emitter.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// modelAPI describes the methods of a generated model type beyond
// Step(x *State, t float64).
type modelAPI struct {
	stepErr  bool // Step returns an error
	ensemble bool // StepEnsemble(E *cycrt.Ensemble, t float64) error advances every member at once
	load     bool // Load(dir string, members int) error must run before the first step
}

// apiOf is the API of m's generated type.
func apiOf(m *ir.Forward) modelAPI {
	switch d := m.Def.(type) {
	case *ir.GoForward:
		return modelAPI{stepErr: d.Type || d.ReturnsError}
	case *ir.Neural:
		return modelAPI{stepErr: true, ensemble: true, load: true}
	case *ir.Compose:
		var api modelAPI
		for _, p := range d.Parts {
			pa := apiOf(p.Model)
			api.stepErr = api.stepErr || pa.stepErr
			api.ensemble = api.ensemble || pa.ensemble
			api.load = api.load || pa.load
		}
		return api
	}
	return modelAPI{}
}

// modelLoad returns the statements of Start that load the model's data
// for members states at once (nothing for models without data).
func (cg *cycleGen) modelLoad(err string, members jen.Code) []jen.Code {
	if !apiOf(cg.fwd).load {
		return nil
	}
	return []jen.Code{
		jen.If(jen.Id(err).Op(":=").Add(cg.self(cg.model)).Dot("Load").Call(cg.self("Dir"), members), jen.Id(err).Op("!=").Nil()).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: %%w", cg.c.SourceName), jen.Id(err))),
		),
	}
}

// stepState returns the statement that steps the state x (a pointer to the
// model's carrier) from time t with model m, returning a wrapped error
// from Next when the model's Step can fail.
func (cg *cycleGen) stepState(m, x, t jen.Code, err string, what string) jen.Code {
	return cg.stepWith(cg.fwd, m, x, t, err, what)
}

// stepWith is stepState for a state stepped by model f (the truth's model
// of an imperfect-model experiment).
func (cg *cycleGen) stepWith(f *ir.Forward, m, x, t jen.Code, err string, what string) jen.Code {
	call := jen.Add(m).Dot("Step").Call(x, t)
	if !apiOf(f).stepErr {
		return call
	}
	return jen.If(jen.Id(err).Op(":=").Add(call), jen.Id(err).Op("!=").Nil()).Block(
		jen.Return(errorf(fmt.Sprintf("cycle %s: %s at step %%d: %%w", cg.c.SourceName, what), cg.self("step"), jen.Id(err))),
	)
}

// stepMembers returns the statements that advance every member of E by
// steps model steps (one when steps is nil) from time t0 with model m: one
// StepEnsemble call a step for models that have it, else each member in
// turn. s and k name the step and member loop variables.
func (cg *cycleGen) stepMembers(nm *namer, m string, t0 jen.Code, steps jen.Code, err, s, k string) []jen.Code {
	id := jen.Id
	api := apiOf(cg.fwd)
	at := func() jen.Code {
		if steps == nil {
			return t0
		}
		return jen.Add(t0).Op("+").Float64().Call(id(s)).Op("*").Id(cg.dt)
	}
	loop := func(body ...jen.Code) jen.Code {
		if steps == nil {
			return jen.Block(body...)
		}
		return jen.For(id(s).Op(":=").Range().Add(steps)).Block(body...)
	}
	if api.ensemble {
		stmt := jen.If(id(err).Op(":=").Id(m).Dot("StepEnsemble").Call(cg.self("E"), at()), id(err).Op("!=").Nil()).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: ensemble forecast at step %%d: %%w", cg.c.SourceName), cg.self("step"), id(err))),
		)
		if steps == nil {
			return []jen.Code{stmt}
		}
		return []jen.Code{loop(stmt)}
	}
	if steps != nil && cg.parallelMembers() {
		return cg.parallelStep(nm, m, t0)
	}
	x := nm.name("x")
	member := jen.Parens(jen.Op("*").Id(cg.st)).Call(cg.self("E").Dot("Member").Call(id(k)))
	if steps == nil {
		return []jen.Code{jen.For(id(k).Op(":=").Range().Id(cg.membersConst())).Block(
			cg.stepState(id(m), member, t0, err, "member forecast"),
		)}
	}
	return []jen.Code{jen.For(id(k).Op(":=").Range().Id(cg.membersConst())).Block(
		id(x).Op(":=").Add(member),
		loop(cg.stepState(id(m), id(x), at(), err, "member forecast")),
	)}
}
