// Emission restricted to some cycles: the declarations those cycles use,
// so that a form not implemented yet elsewhere in the program does not
// stop them from being built (Options.Cycles).
package codegen

import (
	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/ir"
)

// restrict returns a view of p that keeps its constants and carriers, the
// given cycles (the parts of sequences too) and the forward models,
// observation operators and analyses they use, each in program order. A
// cycle that is not one of p's is an internal error.
func restrict(p *ir.Program, cycles []*ir.Cycle) (*ir.Program, diag.List) {
	var diags diag.List
	own := map[*ir.Cycle]bool{}
	for _, c := range p.Cycles {
		own[c] = true
	}
	need := used{fwd: map[*ir.Forward]bool{}, obs: map[*ir.ObsOp]bool{}, an: map[*ir.Analysis]bool{}, cyc: map[*ir.Cycle]bool{}}
	for _, c := range cycles {
		if c == nil || !own[c] {
			name := "nil"
			pos := diag.Pos{File: p.Source}
			if c != nil {
				name, pos = c.SourceName, c.Pos
			}
			diags.Add(pos, codeInternal, "internal error: cycle %s to emit is not in the program", name)
			continue
		}
		need.cycle(c)
	}
	q := *p
	q.Forwards, q.Obs, q.Analyses, q.Cycles = nil, nil, nil, nil
	for _, m := range p.Forwards {
		if need.fwd[m] {
			q.Forwards = append(q.Forwards, m)
		}
	}
	for _, o := range p.Obs {
		if need.obs[o] {
			q.Obs = append(q.Obs, o)
		}
	}
	for _, a := range p.Analyses {
		if need.an[a] {
			q.Analyses = append(q.Analyses, a)
		}
	}
	for _, c := range p.Cycles {
		if need.cyc[c] {
			q.Cycles = append(q.Cycles, c)
		}
	}
	return &q, diags
}

// used collects the declarations some cycles need.
type used struct {
	fwd map[*ir.Forward]bool
	obs map[*ir.ObsOp]bool
	an  map[*ir.Analysis]bool
	cyc map[*ir.Cycle]bool
}

// cycle marks c and everything it uses.
func (u used) cycle(c *ir.Cycle) {
	if c == nil || u.cyc[c] {
		return
	}
	u.cyc[c] = true
	if sq, ok := c.Def.(*ir.Sequence); ok {
		for _, part := range sq.Parts {
			u.cycle(part)
		}
		return
	}
	u.forward(c.Model())
	if a := c.Assimilation(); a != nil {
		u.forward(a.Model)
		u.observe(a.Obs)
		if a.Analysis != nil {
			u.an[a.Analysis] = true
		}
	}
}

// forward marks m and the components of a composite.
func (u used) forward(m *ir.Forward) {
	if m == nil || u.fwd[m] {
		return
	}
	u.fwd[m] = true
	if cm, ok := m.Def.(*ir.Compose); ok {
		for _, part := range cm.Parts {
			if part != nil {
				u.forward(part.Model)
			}
		}
	}
}

// observe marks o and the parts of a composite.
func (u used) observe(o *ir.ObsOp) {
	if o == nil || u.obs[o] {
		return
	}
	u.obs[o] = true
	if co, ok := o.Def.(*ir.ComposeObs); ok {
		for _, part := range co.Parts {
			u.observe(part)
		}
	}
}
