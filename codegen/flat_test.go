package codegen

import "github.com/cyclec/cyclec/ir"

// The test programs are written as flat records with every kind's fields
// in one place; the mk functions below sort them into the per-kind IR.

type flatForward struct {
	Name, SourceName string
	Pos              ir.Pos
	Var              string
	Carrier          *ir.Carrier
	Params           []*ir.Param
	DT               float64
	Linear           bool
	Kind             string // form: ddt, next, go, compose, neural
	Scheme           ir.Scheme
	Substeps         int
	Eqs              []*ir.Equation
	Go               *ir.GoRef
	Parts            []*ir.Component
	Neural           *ir.Neural
}

func mkForward(f flatForward) *ir.Forward {
	m := &ir.Forward{Name: f.Name, SourceName: f.SourceName, Pos: f.Pos, Var: f.Var, Carrier: f.Carrier,
		Params: f.Params, DT: f.DT, Linear: f.Linear}
	switch f.Kind {
	case "ddt":
		m.Def = &ir.ODE{Scheme: f.Scheme, Substeps: f.Substeps, Eqs: f.Eqs}
	case "next":
		m.Def = &ir.Map{Eqs: f.Eqs}
	case "go":
		m.Def = &ir.GoForward{Ref: f.Go}
	case "compose":
		m.Def = &ir.Compose{Parts: f.Parts}
	case "neural":
		m.Def = f.Neural
	}
	return m
}

type flatObs struct {
	Name, SourceName string
	Pos              ir.Pos
	Var              string
	In, Out          *ir.Carrier
	Linear           bool
	Kind             string
	Start, Step      int
	Indices          []int
	Matrix           string
	Eqs              []*ir.Equation
	Parts            []*ir.ObsOp
	Go               *ir.GoRef
}

func mkObs(f flatObs) *ir.ObsOp {
	o := &ir.ObsOp{Name: f.Name, SourceName: f.SourceName, Pos: f.Pos, Var: f.Var, In: f.In, Out: f.Out, Linear: f.Linear}
	switch f.Kind {
	case "identity":
		o.Def = &ir.Identity{}
	case "subsample":
		o.Def = &ir.Subsample{Start: f.Start, Step: f.Step}
	case "indices":
		o.Def = &ir.Indices{Indices: f.Indices}
	case "linear":
		o.Def = &ir.LinearObs{Matrix: f.Matrix}
	case "expression":
		o.Def = &ir.ExprObs{Eqs: f.Eqs}
	case "compose":
		o.Def = &ir.ComposeObs{Parts: f.Parts}
	case "go":
		o.Def = &ir.GoObs{Ref: f.Go}
	}
	return o
}

type flatAnalysis struct {
	Name, SourceName string
	Pos              ir.Pos
	Kind             ir.AnalysisKind
	Members          int
	Inflation, RTPS  float64
	Rotate           bool
	Localize         *ir.Localization
	Inner, Outer     int
	B                *ir.Matrix // var4d, oi
	Mean             *ir.Vector // oi
}

func mkAnalysis(f flatAnalysis) *ir.Analysis {
	infl := ir.Inflation{Multiplicative: f.Inflation, RTPS: f.RTPS}
	a := &ir.Analysis{Name: f.Name, SourceName: f.SourceName, Pos: f.Pos}
	switch f.Kind {
	case ir.AnalysisETKF:
		a.Method = &ir.ETKF{Members: f.Members, Inflation: infl, Rotate: f.Rotate}
	case ir.AnalysisEnKF:
		a.Method = &ir.EnKF{Members: f.Members, Inflation: infl}
	case ir.AnalysisLETKF:
		a.Method = &ir.LETKF{Members: f.Members, Inflation: infl, Localize: f.Localize}
	case ir.AnalysisVar4D:
		a.Method = &ir.Var4D{B: f.B, Inner: f.Inner, Outer: f.Outer}
	case ir.AnalysisOI:
		a.Method = &ir.OI{B: f.B, Mean: f.Mean}
	}
	return a
}

type flatCycle struct {
	Name, SourceName string
	Pos              ir.Pos
	Kind             ir.CycleKind
	Model            *ir.Forward
	Obs              *ir.ObsOp
	ObsErr           *ir.Matrix
	Analysis         *ir.Analysis
	Members          int
	Steps, ObsEvery  int
	Spinup           int
	Seed             uint64
	Init             *ir.NormalInit
	Source           ir.Source
	History          int
	Checkpoint       int
}

func mkCycle(f flatCycle) *ir.Cycle {
	c := &ir.Cycle{Name: f.Name, SourceName: f.SourceName, Pos: f.Pos, Steps: f.Steps, Seed: f.Seed,
		History: f.History, Checkpoint: f.Checkpoint}
	if f.Init != nil {
		c.Init = f.Init
	}
	as := ir.Assimilation{Model: f.Model, Obs: f.Obs, ObsErr: f.ObsErr, Analysis: f.Analysis,
		ObsEvery: f.ObsEvery, Spinup: f.Spinup, Source: f.Source}
	switch f.Kind {
	case ir.CycleForecast:
		c.Def = &ir.Forecast{Model: f.Model}
	case ir.CycleEnsembleForecast:
		c.Def = &ir.EnsembleForecast{Model: f.Model, Members: f.Members}
	case ir.CycleDA:
		c.Def = &ir.DA{Assimilation: as}
	case ir.CycleEnsembleDA:
		c.Def = &ir.EnsembleDA{Assimilation: as, Members: f.Members}
	case ir.CycleSmoother:
		c.Def = &ir.Smoother{Assimilation: as, Members: f.Members}
	}
	return c
}
