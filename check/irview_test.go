package check

import "github.com/cyclec/cyclec/ir"

// The views below flatten the per-kind IR into one record per declaration,
// so that the IR tests can compare every field in one table whatever the
// kind. Kinds are named by their form strings.

type fwdView struct {
	*ir.Forward
	Kind     string
	Scheme   ir.Scheme
	Substeps int
	Eqs      []*ir.Equation
	Go       *ir.GoRef
	Tangent  *ir.GoRef
	Adjoint  *ir.GoRef
	Parts    []*ir.Component
	Neural   *ir.Neural
}

func viewForward(f *ir.Forward) fwdView {
	v := fwdView{Forward: f, Kind: f.Def.Form(), Eqs: f.Equations()}
	switch d := f.Def.(type) {
	case *ir.ODE:
		v.Scheme, v.Substeps = d.Scheme, d.Substeps
	case *ir.GoForward:
		v.Go, v.Tangent, v.Adjoint = d.Ref, d.Tangent, d.Adjoint
	case *ir.Compose:
		v.Parts = d.Parts
	case *ir.Neural:
		v.Neural = d
	}
	return v
}

type obsView struct {
	*ir.ObsOp
	Kind        string
	Start, Step int
	Indices     []int
	Matrix      string
	Eqs         []*ir.Equation
	Parts       []*ir.ObsOp
	Go          *ir.GoRef
	Jacobian    *ir.GoRef
}

func viewObs(o *ir.ObsOp) obsView {
	v := obsView{ObsOp: o, Kind: o.Def.Form()}
	switch d := o.Def.(type) {
	case *ir.Subsample:
		v.Start, v.Step = d.Start, d.Step
	case *ir.Indices:
		v.Indices = d.Indices
	case *ir.LinearObs:
		v.Matrix = d.Matrix
	case *ir.ExprObs:
		v.Eqs = d.Eqs
	case *ir.ComposeObs:
		v.Parts = d.Parts
	case *ir.GoObs:
		v.Go, v.Jacobian = d.Ref, d.Jacobian
	}
	return v
}

type anView struct {
	*ir.Analysis
	Kind                ir.AnalysisKind
	Members             int
	Inflation, Additive float64
	RTPP, RTPS          float64
	Rotate              bool
	Localize            *ir.Localization
	Particles           int
	Resample            string
	Threshold, Jitter   float64
	B                   *ir.Matrix
	Mean                *ir.Vector
	Inner, Outer, Lag   int
	Go                  *ir.GoRef
}

func viewAnalysis(a *ir.Analysis) anView {
	v := anView{Analysis: a, Kind: a.Kind(), Members: a.Members(), Inflation: 1}
	infl := func(i ir.Inflation) {
		v.Inflation, v.Additive, v.RTPP, v.RTPS = i.Multiplicative, i.Additive, i.RTPP, i.RTPS
	}
	switch m := a.Method.(type) {
	case *ir.KF:
		infl(m.Inflation)
	case *ir.EKF:
		infl(m.Inflation)
	case *ir.EnKF:
		infl(m.Inflation)
	case *ir.DEnKF:
		infl(m.Inflation)
	case *ir.ETKF:
		infl(m.Inflation)
		v.Rotate = m.Rotate
	case *ir.EnSRF:
		infl(m.Inflation)
		v.Localize = m.Localize
	case *ir.LETKF:
		infl(m.Inflation)
		v.Localize = m.Localize
	case *ir.EnKS:
		infl(m.Inflation)
		v.Lag = m.Lag
	case *ir.PF:
		v.Particles, v.Resample, v.Threshold, v.Jitter = m.Particles, m.Resample, m.Threshold, m.Jitter
	case *ir.OI:
		v.B, v.Mean = m.B, m.Mean
	case *ir.Var3D:
		v.B = m.B
	case *ir.Var4D:
		v.B, v.Inner, v.Outer = m.B, m.Inner, m.Outer
	case *ir.GoAnalysis:
		v.Go = m.Ref
	}
	return v
}

type srcView struct {
	Kind string
	Seed uint64
	Path string
	Go   *ir.GoRef
}

type cycView struct {
	*ir.Cycle
	Kind             ir.CycleKind
	Model            *ir.Forward
	Obs              *ir.ObsOp
	ObsErr           *ir.Matrix
	Analysis         *ir.Analysis
	Members          int
	ObsEvery, Spinup int
	Init             *ir.NormalInit
	Source           srcView
	Window, Stride   int
	Step             *ir.Forward
	Until            ir.Expr
	MaxIters         int
	Parts            []*ir.Cycle
	Climatology      *ir.Climatology
	ClimSpinup       int // the forecast's spinup, in model steps
}

func viewCycle(c *ir.Cycle) cycView {
	v := cycView{Cycle: c, Kind: c.Kind(), Members: c.Members()}
	v.Init, _ = c.Init.(*ir.NormalInit)
	if a := c.Assimilation(); a != nil {
		v.Model, v.Obs, v.ObsErr, v.Analysis, v.ObsEvery, v.Spinup = a.Model, a.Obs, a.ObsErr, a.Analysis, a.ObsEvery, a.Spinup
		switch s := a.Source.(type) {
		case *ir.TwinSource:
			v.Source = srcView{Kind: "twin", Seed: s.Seed}
		case *ir.FileSource:
			v.Source = srcView{Kind: "file", Path: s.Path}
		case *ir.GoSource:
			v.Source = srcView{Kind: "go", Go: s.Ref}
		}
	}
	switch d := c.Def.(type) {
	case *ir.Forecast:
		v.Model, v.Climatology, v.ClimSpinup = d.Model, d.Climatology, d.Spinup
	case *ir.EnsembleForecast:
		v.Model = d.Model
	case *ir.Smoother:
		v.Window, v.Stride = d.Window, d.Stride
	case *ir.Windowed:
		v.Step, v.Window, v.Stride = d.Step, d.Window, d.Stride
	case *ir.Recurrence:
		v.Step, v.Until, v.MaxIters = d.Step, d.Until, d.MaxIters
	case *ir.Sequence:
		v.Parts = d.Parts
	}
	return v
}
