// What the generator supports, and the package-level names it declares:
// unsupported constructs become one "not implemented yet" diagnostic each,
// and generated names that would collide are reported before any code is
// written.
package codegen

import (
	"github.com/cyclec/cyclec/ir"
)

// unimplemented reports a construct the generator does not emit yet.
func (g *gen) unimplemented(pos ir.Pos, what string) {
	g.diags.Add(pos, codeUnimplemented, "not implemented yet: %s", what)
}

// internal reports an IR that breaks an invariant the checker guarantees.
func (g *gen) internal(pos ir.Pos, format string, args ...any) {
	g.diags.Add(pos, codeInternal, "internal error: "+format, args...)
}

// checkSupported reports every construct of the program that the
// generator cannot emit, and IR invariants it relies on.
func (g *gen) checkSupported() {
	for _, c := range g.p.Carriers {
		if c == nil {
			g.internal(ir.Pos{}, "nil carrier")
			continue
		}
		if len(c.Dims) < 1 || len(c.Dims) > 2 || c.Size() < 1 {
			g.internal(c.Pos, "carrier %s has shape %v", c.SourceName, c.Dims)
		}
		for _, d := range c.Dims {
			if d < 1 {
				g.internal(c.Pos, "carrier %s has shape %v", c.SourceName, c.Dims)
				break
			}
		}
	}
	for _, m := range g.p.Forwards {
		if m == nil {
			g.internal(ir.Pos{}, "nil forward model")
			continue
		}
		switch m.Kind {
		case ir.ForwardODE, ir.ForwardMap:
			g.checkEquations(m.Pos, m.Carrier, m.Carrier, m.Eqs, true)
			if !(m.DT > 0) {
				g.internal(m.Pos, "forward %s has dt = %v", m.SourceName, m.DT)
			}
		case ir.ForwardGo:
			g.unimplemented(m.Pos, "go forward model")
		case ir.ForwardCompose:
			g.unimplemented(m.Pos, "compose forward model")
		case ir.ForwardNeural:
			g.unimplemented(m.Pos, "neural forward model")
		default:
			g.internal(m.Pos, "forward %s has unknown kind %d", m.SourceName, m.Kind)
		}
		if m.Kind == ir.ForwardODE {
			switch m.Scheme {
			case ir.SchemeRK4, ir.SchemeRK2, ir.SchemeEuler:
			default:
				g.internal(m.Pos, "forward %s has unknown scheme %d", m.SourceName, m.Scheme)
			}
		}
	}
	for _, o := range g.p.Obs {
		if o == nil {
			g.internal(ir.Pos{}, "nil observation operator")
			continue
		}
		g.checkObs(o)
	}
	for _, a := range g.p.Analyses {
		if a == nil {
			g.internal(ir.Pos{}, "nil analysis")
			continue
		}
		switch a.Kind {
		case ir.AnalysisETKF, ir.AnalysisEnKF:
			if a.Additive != 0 {
				g.unimplemented(a.Pos, "additive inflation")
			}
			if a.RTPP != 0 {
				g.unimplemented(a.Pos, "rtpp inflation")
			}
			if a.RTPS != 0 {
				g.unimplemented(a.Pos, "rtps inflation")
			}
			if a.Localize != nil {
				g.unimplemented(a.Pos, "localisation in "+string(a.Kind))
			}
		case ir.AnalysisGo:
			g.unimplemented(a.Pos, "go analysis")
		default:
			g.unimplemented(a.Pos, string(a.Kind)+" analysis")
		}
	}
	for _, c := range g.p.Cycles {
		if c == nil {
			g.internal(ir.Pos{}, "nil cycle")
			continue
		}
		g.checkCycle(c)
	}
}

// checkObs reports what the generator cannot emit for operator o.
func (g *gen) checkObs(o *ir.ObsOp) {
	if o.In == nil || o.Out == nil {
		g.internal(o.Pos, "obs %s has no input or output carrier", o.SourceName)
		return
	}
	n, p := o.In.Size(), o.Out.Size()
	switch o.Kind {
	case ir.ObsIdentity:
		if n != p {
			g.internal(o.Pos, "identity obs %s maps %d values to %d", o.SourceName, n, p)
		}
	case ir.ObsSubsample:
		if o.Step < 1 || o.Start < 0 || o.Start+(p-1)*o.Step >= n {
			g.internal(o.Pos, "subsample obs %s (start %d, step %d) reads past the %d inputs", o.SourceName, o.Start, o.Step, n)
		}
	case ir.ObsIndices:
		if len(o.Indices) != p {
			g.internal(o.Pos, "indices obs %s has %d indices for %d outputs", o.SourceName, len(o.Indices), p)
		}
		for _, i := range o.Indices {
			if i < 0 || i >= n {
				g.internal(o.Pos, "indices obs %s reads index %d of %d inputs", o.SourceName, i, n)
				break
			}
		}
	case ir.ObsLinear:
		if o.Matrix == "" {
			g.internal(o.Pos, "linear obs %s has no matrix file", o.SourceName)
		}
	case ir.ObsExpr:
		g.checkEquations(o.Pos, o.In, o.Out, o.Eqs, false)
	case ir.ObsCompose:
		g.unimplemented(o.Pos, "compose observation operator")
	case ir.ObsGo:
		g.unimplemented(o.Pos, "go observation operator")
	default:
		g.internal(o.Pos, "obs %s has unknown kind %d", o.SourceName, o.Kind)
	}
}

// checkCycle reports what the generator cannot emit for cycle c.
func (g *gen) checkCycle(c *ir.Cycle) {
	switch c.Kind {
	case ir.CycleForecast, ir.CycleEnsembleForecast, ir.CycleEnsembleDA:
	default:
		g.unimplemented(c.Pos, string(c.Kind)+" cycle")
		return
	}
	if c.Model == nil || c.Model.Carrier == nil {
		g.internal(c.Pos, "cycle %s has no model", c.SourceName)
		return
	}
	if c.Checkpoint > 0 {
		g.unimplemented(c.Pos, "checkpoint")
	}
	if c.Init != nil && c.Init.Kind != ir.InitNormal {
		g.unimplemented(c.Init.Pos, "initial distribution")
	}
	if c.Init != nil && len(c.Init.Mean) != 0 && len(c.Init.Mean) != 1 && len(c.Init.Mean) != c.Model.Carrier.Size() {
		g.internal(c.Init.Pos, "initial mean of cycle %s has %d values for a state of %d", c.SourceName, len(c.Init.Mean), c.Model.Carrier.Size())
	}
	if c.History < 0 || c.Steps < 0 || c.Spinup < 0 {
		g.internal(c.Pos, "cycle %s has a negative count", c.SourceName)
	}
	switch c.Kind {
	case ir.CycleEnsembleForecast:
		if c.Members < 1 {
			g.internal(c.Pos, "cycle %s has %d members", c.SourceName, c.Members)
		}
	case ir.CycleEnsembleDA:
		if c.Source != nil {
			switch c.Source.Kind {
			case ir.SourceTwin:
			case ir.SourceFile:
				g.unimplemented(c.Source.Pos, "file observation source")
			case ir.SourceGo:
				g.unimplemented(c.Source.Pos, "go observation source")
			default:
				g.internal(c.Source.Pos, "cycle %s has an unknown observation source", c.SourceName)
			}
		}
		switch {
		case c.Obs == nil || c.Obs.In == nil || c.Obs.Out == nil:
			g.internal(c.Pos, "cycle %s has no observation operator", c.SourceName)
		case c.Analysis == nil:
			g.internal(c.Pos, "cycle %s has no analysis", c.SourceName)
		case c.ObsErr == nil:
			g.internal(c.Pos, "cycle %s has no observation error", c.SourceName)
		case c.Obs.In.Size() != c.Model.Carrier.Size():
			g.internal(c.Pos, "cycle %s observes %d values but its state has %d", c.SourceName, c.Obs.In.Size(), c.Model.Carrier.Size())
		case c.ObsErr.Size != 0 && c.ObsErr.Size != c.Obs.Out.Size():
			g.internal(c.ObsErr.Pos, "obs_err of cycle %s is %d×%d for %d observations", c.SourceName, c.ObsErr.Size, c.ObsErr.Size, c.Obs.Out.Size())
		case c.Members < 1 && c.Analysis.Members < 1:
			g.internal(c.Pos, "cycle %s has no ensemble size", c.SourceName)
		}
		if c.ObsErr != nil {
			switch c.ObsErr.Kind {
			case ir.MatrixDiag, ir.MatrixScaledIdentity, ir.MatrixDiagFile, ir.MatrixFile:
			default:
				g.internal(c.ObsErr.Pos, "obs_err of cycle %s has an unknown form", c.SourceName)
			}
		}
	}
}

// declare reserves a package-level name for what, reporting a collision
// with an earlier declaration at pos.
func (g *gen) declare(name string, pos ir.Pos, what string) {
	if prev, ok := g.declared[name]; ok || !g.top.take(name) {
		if !ok {
			prev = "a Go keyword, predeclared identifier or imported package"
		}
		g.diags.Add(pos, codeName, "generated name %s for %s collides with %s", name, what, prev)
		return
	}
	g.declared[name] = what
}

// declareNames reserves every package-level identifier the file will
// declare: the names from the source first, then the names derived from
// them (StateSize, L96DT, NewL96, …).
func (g *gen) declareNames() {
	for _, c := range g.p.Consts {
		g.declare(c.Name, c.Pos, "const "+c.SourceName)
	}
	for _, c := range g.p.Carriers {
		g.declare(c.Name, c.Pos, "carrier "+c.SourceName)
	}
	for _, m := range g.p.Forwards {
		g.declare(m.Name, m.Pos, "forward "+m.SourceName)
	}
	for _, o := range g.p.Obs {
		g.declare(o.Name, o.Pos, "obs "+o.SourceName)
	}
	for _, c := range g.p.Cycles {
		g.declare(c.Name, c.Pos, "cycle "+c.SourceName)
	}
	for _, c := range g.p.Carriers {
		g.declare(c.Name+"Size", c.Pos, "the size of carrier "+c.SourceName)
		if c.Grid() {
			g.declare(c.Name+"Rows", c.Pos, "the rows of carrier "+c.SourceName)
			g.declare(c.Name+"Cols", c.Pos, "the columns of carrier "+c.SourceName)
		}
	}
	for _, m := range g.p.Forwards {
		g.declare("New"+m.Name, m.Pos, "the constructor of forward "+m.SourceName)
		g.declare(m.Name+"DT", m.Pos, "the time step of forward "+m.SourceName)
	}
	for _, o := range g.p.Obs {
		if o.Kind == ir.ObsLinear {
			g.declare("New"+o.Name, o.Pos, "the constructor of obs "+o.SourceName)
		}
	}
	for _, a := range g.p.Analyses {
		g.declare("New"+a.Name, a.Pos, "the constructor of analysis "+a.SourceName)
	}
	for _, c := range g.p.Cycles {
		g.declare("New"+c.Name, c.Pos, "the constructor of cycle "+c.SourceName)
		if c.Kind != ir.CycleForecast {
			g.declare(c.Name+"Members", c.Pos, "the ensemble size of cycle "+c.SourceName)
		}
	}
}
