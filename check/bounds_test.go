// The IR of non-periodic carriers and equations over ranges.
package check

import (
	"testing"

	"github.com/cyclec/cyclec/ir"
)

func TestBoundsIR(t *testing.T) {
	p := checkGood(t, "bounds.cyc")
	bounds := map[string][]ir.Boundary{}
	for _, c := range p.Carriers {
		bounds[c.Name] = c.Bounds
	}
	eq(t, "Line", bounds["Line"], []ir.Boundary{{Kind: ir.BoundaryFixed, Value: 0.25}})
	eq(t, "Edge", bounds["Edge"], []ir.Boundary{{Kind: ir.BoundaryClamp}})
	// An all-periodic carrier is written as no rules at all, as before.
	eq(t, "Ring", bounds["Ring"], []ir.Boundary(nil))
	eq(t, "Plate", bounds["Plate"], []ir.Boundary{{Kind: ir.BoundaryPeriodic}, {Kind: ir.BoundaryClamp}})

	d := findForward(t, p, "Diffuse")
	eq(t, "Diffuse LHS", [][]ir.LHSIndex{d.Eqs[0].LHS, d.Eqs[1].LHS, d.Eqs[2].LHS},
		[][]ir.LHSIndex{{{Fixed: 0}}, {{Var: "i", Lo: 1, Hi: 11}}, {{Fixed: 11}}})
	lo, hi := d.Eqs[1].LHS[0].Span(12)
	eq(t, "Diffuse span", []int{lo, hi}, []int{1, 11})
	eq(t, "Diffuse reads", indexReads(d.Eqs[1].RHS)[0].Idx, []ir.Affine{{Coef: []int{1}, Offset: -1}})
	// A range over the whole dimension is a plain loop.
	eq(t, "Whole LHS", findForward(t, p, "Whole").Eqs[0].LHS, []ir.LHSIndex{{Var: "i"}})
	h := findForward(t, p, "Heat")
	eq(t, "Heat LHS", h.Eqs[1].LHS, []ir.LHSIndex{{Var: "i"}, {Var: "j", Lo: 1, Hi: 6}})
}
