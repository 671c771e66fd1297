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
		if m.Carrier == nil {
			g.internal(m.Pos, "forward %s has no carrier", m.SourceName)
			continue
		}
		if e := g.forwardEmitter(m); e != nil {
			e.check(g, m)
		}
	}
	for _, o := range g.p.Obs {
		if o == nil {
			g.internal(ir.Pos{}, "nil observation operator")
			continue
		}
		if e := g.obsEmitter(o); e != nil {
			e.check(g, o)
		}
	}
	for _, a := range g.p.Analyses {
		if a == nil {
			g.internal(ir.Pos{}, "nil analysis")
			continue
		}
		if e := g.analysisEmitter(a); e != nil {
			e.check(g, a)
		}
	}
	for _, c := range g.p.Cycles {
		if c == nil {
			g.internal(ir.Pos{}, "nil cycle")
			continue
		}
		if e := g.cycleEmitter(c); e != nil {
			e.check(g, c)
		}
	}
}

// checkCycleCommon reports what every cycle emitter relies on: a model
// with a carrier, counts that are not negative and an initial mean of the
// state's size. It reports whether the model is usable.
func (g *gen) checkCycleCommon(c *ir.Cycle) bool {
	m := c.Model()
	if m == nil || m.Carrier == nil {
		g.internal(c.Pos, "cycle %s has no model", c.SourceName)
		return false
	}
	if c.Checkpoint < 0 || (c.HistoryMembers && (c.History == 0 || c.Members() == 0)) {
		g.internal(c.Pos, "cycle %s has checkpoint %d, history %d and history_members %v", c.SourceName, c.Checkpoint, c.History, c.HistoryMembers)
	}
	switch in := c.Init.(type) {
	case nil:
	case *ir.NormalInit:
		if len(in.Mean) != 0 && len(in.Mean) != 1 && len(in.Mean) != m.Carrier.Size() {
			g.internal(in.Pos, "initial mean of cycle %s has %d values for a state of %d", c.SourceName, len(in.Mean), m.Carrier.Size())
		}
	default:
		g.unimplemented(in.InitPos(), "initial distribution")
	}
	if c.History < 0 || c.Steps < 0 {
		g.internal(c.Pos, "cycle %s has a negative count", c.SourceName)
	}
	return true
}

// checkAssimilation reports what the ensemble DA emitter relies on in the
// predict–compare–update part of c.
func (g *gen) checkAssimilation(c *ir.Cycle, a *ir.Assimilation, members int) {
	g.checkSource(c, a)
	if a.Spinup < 0 {
		g.internal(c.Pos, "cycle %s has a negative count", c.SourceName)
	}
	switch {
	case a.Obs == nil || a.Obs.In == nil || a.Obs.Out == nil:
		g.internal(c.Pos, "cycle %s has no observation operator", c.SourceName)
	case a.Analysis == nil:
		g.internal(c.Pos, "cycle %s has no analysis", c.SourceName)
	case a.ObsErr == nil:
		g.internal(c.Pos, "cycle %s has no observation error", c.SourceName)
	case a.Obs.In.Size() != a.Model.Carrier.Size():
		g.internal(c.Pos, "cycle %s observes %d values but its state has %d", c.SourceName, a.Obs.In.Size(), a.Model.Carrier.Size())
	case a.ObsErr.Size != 0 && a.ObsErr.Size != a.Obs.Out.Size():
		g.internal(a.ObsErr.Pos, "obs_err of cycle %s is %d×%d for %d observations", c.SourceName, a.ObsErr.Size, a.ObsErr.Size, a.Obs.Out.Size())
	case members < 1:
		g.internal(c.Pos, "cycle %s has no ensemble size", c.SourceName)
	}
	if a.ObsErr != nil {
		switch a.ObsErr.Kind {
		case ir.MatrixDiag, ir.MatrixScaledIdentity, ir.MatrixDiagFile, ir.MatrixFile:
		default:
			g.internal(a.ObsErr.Pos, "obs_err of cycle %s has an unknown form", c.SourceName)
		}
		if v := a.ObsErr.Values; v != nil && (a.ObsErr.Kind != ir.MatrixDiag || a.Obs == nil || a.Obs.Out == nil || len(v) != a.Obs.Out.Size()) {
			g.internal(a.ObsErr.Pos, "obs_err of cycle %s has %d variances for its observations", c.SourceName, len(v))
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
		if obsNeedsDir(o) {
			g.declare("New"+o.Name, o.Pos, "the constructor of obs "+o.SourceName)
		}
	}
	for _, a := range g.p.Analyses {
		g.declare("New"+a.Name, a.Pos, "the constructor of analysis "+a.SourceName)
	}
	for _, c := range g.p.Cycles {
		g.declare("New"+c.Name, c.Pos, "the constructor of cycle "+c.SourceName)
		if c.Members() > 0 {
			g.declare(c.Name+"Members", c.Pos, "the ensemble size of cycle "+c.SourceName)
		}
	}
}
