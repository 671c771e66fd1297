// The hand-built IR of the boundary test program: carriers that are not
// periodic (fixed values, clamped edges, a grid with one rule per
// dimension), equations over ranges, reads that leave the carrier by one
// element and by many, corners, and indices mixing two loop variables that
// keep the run-time helpers.
package codegen

import "github.com/cyclec/cyclec/ir"

// rng1 is a loop over the elements lo to hi-1 of a dimension.
func rng1(v string, lo, hi int) ir.LHSIndex { return ir.LHSIndex{Var: v, Lo: lo, Hi: hi} }

// boundsProgram is
//
//	package bounds
//	carrier Line = vec[12] { boundary = fixed(0.5) }
//	carrier Edge = vec[12] { boundary = clamp }
//	carrier Plate = grid[5, 6] { boundary = [clamp, fixed(-1)] }
//	carrier Box = grid[4, 4] { boundary = [fixed(2), fixed(-3)] }
//	carrier Obs = vec[6]
//	forward Plume(x: Line) { param c = 0.3; dt = 1
//	    next x[0] = 0.5
//	    next x[i in 1..10] = x[i] + c * (x[i-1] - x[i]) + 0.1 * (x[i-2] - 2 * x[i] + x[i+2])
//	    next x[11] = x[11] - x[12] / x[-1] + x[30] }
//	forward Slope(x: Edge) { dt = 0.01
//	    ddt x[i] = x[i+1] - x[i-1] + x[2*i] - x[i-20] + x[3-i] + 0.1 * x[7*i-20] }
//	forward Sheet(q: Plate) { param k = 0.2; dt = 0.1
//	    ddt q[0, j] = q[-1, j] - q[0, j+1]
//	    ddt q[i in 1..4, j] = k * (q[i+1, j] + q[i-1, j] + q[i, j+1] + q[i, j-1] - 4 * q[i, j]) + 0.01 * q[i+j, j-i] + k * sin(0.3 * i + 0.2 * j) }
//	forward Corner(q: Box) { dt = 0.1
//	    ddt q[i, j] = q[i-1, j-1] + q[i+1, j+1] - q[i-1, j+1] + q[i+2*j, 3] - q[5, j-i] }
//	obs Near(x: Edge) -> Obs { y[j] = x[2*j] - x[j+1] }
//	obs Rim(q: Plate) -> Obs { y[j in 0..4] = q[j, 5-j]; y[5] = q[4, 0] }
func boundsProgram() *ir.Program {
	f := "bounds.cyc"
	line := &ir.Carrier{Name: "Line", SourceName: "Line", Pos: pos(f, 2, 1), Dims: []int{12}, Bounds: []ir.Boundary{{Kind: ir.BoundaryFixed, Value: 0.5}}}
	edge := &ir.Carrier{Name: "Edge", SourceName: "Edge", Pos: pos(f, 3, 1), Dims: []int{12}, Bounds: []ir.Boundary{{Kind: ir.BoundaryClamp}}}
	plate := &ir.Carrier{Name: "Plate", SourceName: "Plate", Pos: pos(f, 4, 1), Dims: []int{5, 6},
		Bounds: []ir.Boundary{{Kind: ir.BoundaryClamp}, {Kind: ir.BoundaryFixed, Value: -1}}}
	box := &ir.Carrier{Name: "Box", SourceName: "Box", Pos: pos(f, 5, 1), Dims: []int{4, 4},
		Bounds: []ir.Boundary{{Kind: ir.BoundaryFixed, Value: 2}, {Kind: ir.BoundaryFixed, Value: -3}}}
	obs := vec("Obs", pos(f, 6, 1), 6)
	x := func(coef, off int) ir.Expr { return at1("x", coef, off) }
	plume := mkForward(flatForward{
		Name: "Plume", SourceName: "Plume", Pos: pos(f, 7, 1), Var: "x", Carrier: line, DT: 1, Kind: "next",
		Params: []*ir.Param{{Name: "c", Pos: pos(f, 7, 30), Default: 0.3}},
		Eqs: []*ir.Equation{
			{Pos: pos(f, 8, 5), LHS: fixed1(0), RHS: n(0.5)},
			{Pos: pos(f, 9, 5), LHS: []ir.LHSIndex{rng1("i", 1, 11)}, RHS: bin("+", bin("+", x(1, 0),
				bin("*", par("c"), bin("-", x(1, -1), x(1, 0)))),
				bin("*", n(0.1), bin("+", bin("-", x(1, -2), bin("*", n(2), x(1, 0))), x(1, 2))))},
			{Pos: pos(f, 10, 5), LHS: fixed1(11), RHS: bin("+", bin("-", at0("x", 11), bin("/", at0("x", 12), at0("x", -1))), at0("x", 30))},
		},
	})
	slope := mkForward(flatForward{
		Name: "Slope", SourceName: "Slope", Pos: pos(f, 11, 1), Var: "x", Carrier: edge, DT: 0.01,
		Kind: "ddt", Scheme: ir.SchemeRK4, Substeps: 1,
		Eqs: []*ir.Equation{{Pos: pos(f, 12, 5), LHS: loop1("i"), RHS: bin("+", bin("+", bin("-", bin("+", bin("-",
			x(1, 1), x(1, -1)), x(2, 0)), x(1, -20)), x(-1, 3)), bin("*", n(0.1), x(7, -20)))}},
	})
	q := func(a, b, o, c, d, p int) ir.Expr { return at2("q", a, b, o, c, d, p) }
	sheet := mkForward(flatForward{
		Name: "Sheet", SourceName: "Sheet", Pos: pos(f, 13, 1), Var: "q", Carrier: plate, DT: 0.1,
		Kind: "ddt", Scheme: ir.SchemeRK4, Substeps: 1,
		Params: []*ir.Param{{Name: "k", Pos: pos(f, 13, 30), Default: 0.2}},
		Eqs: []*ir.Equation{
			{Pos: pos(f, 14, 5), LHS: []ir.LHSIndex{{Fixed: 0}, {Var: "j"}}, RHS: bin("-",
				&ir.Index{Var: "q", Idx: []ir.Affine{{Coef: []int{0}, Offset: -1}, {Coef: []int{1}}}},
				&ir.Index{Var: "q", Idx: []ir.Affine{{Coef: []int{0}}, {Coef: []int{1}, Offset: 1}}})},
			{Pos: pos(f, 15, 5), LHS: []ir.LHSIndex{rng1("i", 1, 5), {Var: "j"}}, RHS: bin("+",
				bin("*", par("k"), bin("-", bin("+", bin("+", bin("+",
					q(1, 0, 1, 0, 1, 0), q(1, 0, -1, 0, 1, 0)), q(1, 0, 0, 0, 1, 1)), q(1, 0, 0, 0, 1, -1)),
					bin("*", n(4), q(1, 0, 0, 0, 1, 0)))),
				bin("+", bin("*", n(0.01), q(1, 1, 0, -1, 1, 0)),
					bin("*", par("k"), call("sin", bin("+", bin("*", n(0.3), &ir.IndexVar{Name: "i", Dim: 0}), bin("*", n(0.2), &ir.IndexVar{Name: "j", Dim: 1}))))))},
		},
	})
	corner := mkForward(flatForward{
		Name: "Corner", SourceName: "Corner", Pos: pos(f, 16, 1), Var: "q", Carrier: box, DT: 0.1,
		Kind: "ddt", Scheme: ir.SchemeRK4, Substeps: 1,
		Eqs: []*ir.Equation{{Pos: pos(f, 17, 5), LHS: []ir.LHSIndex{{Var: "i"}, {Var: "j"}}, RHS: bin("-", bin("+", bin("-", bin("+",
			q(1, 0, -1, 0, 1, -1), q(1, 0, 1, 0, 1, 1)), q(1, 0, -1, 0, 1, 1)), q(1, 2, 0, 0, 0, 3)), q(0, 0, 5, -1, 1, 0))}},
	})
	near := mkObs(flatObs{Name: "Near", SourceName: "Near", Pos: pos(f, 18, 1), Var: "x", In: edge, Out: obs, Kind: "expression", Linear: true,
		Eqs: []*ir.Equation{{Pos: pos(f, 18, 30), LHS: loop1("j"), RHS: bin("-", x(2, 0), x(1, 1))}}})
	rim := mkObs(flatObs{Name: "Rim", SourceName: "Rim", Pos: pos(f, 19, 1), Var: "q", In: plate, Out: obs, Kind: "expression", Linear: true,
		Eqs: []*ir.Equation{
			{Pos: pos(f, 19, 30), LHS: []ir.LHSIndex{rng1("j", 0, 5)}, RHS: &ir.Index{Var: "q", Idx: []ir.Affine{{Coef: []int{1}}, {Coef: []int{-1}, Offset: 5}}}},
			{Pos: pos(f, 19, 60), LHS: fixed1(5), RHS: &ir.Index{Var: "q", Idx: []ir.Affine{{Coef: []int{}, Offset: 4}, {Coef: []int{}, Offset: 0}}}},
		}})
	return &ir.Program{
		Package: "bounds", Source: "bounds.cyc",
		Carriers: []*ir.Carrier{line, edge, plate, box, obs},
		Forwards: []*ir.Forward{plume, slope, sheet, corner},
		Obs:      []*ir.ObsOp{near, rim},
	}
}
