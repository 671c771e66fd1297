// Hand-built IR programs for the codegen tests: the checker is not needed
// to exercise the generator, and each program here mirrors a .cyc source
// quoted in its comment.
package codegen

import (
	"math"

	"github.com/cyclec/cyclec/ir"
)

// Expression builders.

func pos(file string, line, col int) ir.Pos { return ir.Pos{File: file, Line: line, Col: col} }

func n(v float64) ir.Expr { return &ir.Num{Value: v} }

func par(name string) ir.Expr { return &ir.ParamRef{Name: name} }

func bin(op string, l, r ir.Expr) ir.Expr { return &ir.Binary{Op: op, L: l, R: r} }

func neg(x ir.Expr) ir.Expr { return &ir.Unary{Op: "-", X: x} }

func call(f string, args ...ir.Expr) ir.Expr { return &ir.Call{Func: f, Args: args} }

// at1 is x[coef*i + off] in an equation with one loop variable.
func at1(v string, coef, off int) ir.Expr {
	return &ir.Index{Var: v, Idx: []ir.Affine{{Coef: []int{coef}, Offset: off}}}
}

// at0 is x[k] in an equation with no loop variable.
func at0(v string, k int) ir.Expr {
	return &ir.Index{Var: v, Idx: []ir.Affine{{Coef: []int{}, Offset: k}}}
}

// atc is x[k] in an equation with one loop variable.
func atc(v string, k int) ir.Expr {
	return &ir.Index{Var: v, Idx: []ir.Affine{{Coef: []int{0}, Offset: k}}}
}

// at2 is q[a·i + b·j + o, c·i + d·j + p] in an equation looping over i, j.
func at2(v string, a, b, o, c, d, p int) ir.Expr {
	return &ir.Index{Var: v, Idx: []ir.Affine{{Coef: []int{a, b}, Offset: o}, {Coef: []int{c, d}, Offset: p}}}
}

func loop1(v string) []ir.LHSIndex { return []ir.LHSIndex{{Var: v}} }

func fixed1(k int) []ir.LHSIndex { return []ir.LHSIndex{{Fixed: k}} }

func vec(name string, p ir.Pos, size int) *ir.Carrier {
	return &ir.Carrier{Name: name, SourceName: name, Pos: p, Dims: []int{size}}
}

// l96Program is
//
//	package l96
//	const N = 40
//	const X0 = [1, 0, …, 0]
//	carrier State = vec[N]
//	carrier Half = vec[N/2]
//	forward L96(x: State) { param F = 8.0; dt = 0.05; scheme = rk4
//	    ddt x[i] = (x[i+1] - x[i-2]) * x[i-1] - x[i] + F }
//	obs Full(x: State) -> State = identity
//	obs Evens(x: State) -> Half = subsample(start = 0, step = 2)
//	analysis A = etkf { members = 40, inflation = 1.01 }
//	cycle Twin = ensemble_da { model = L96, obs = Full, obs_err = diag(1.0), analysis = A,
//	    obs_every = 1, steps = 2000, spinup = 500, init = normal(mean = X0, std = sqrt(0.001)),
//	    source = twin(seed = 3), history = every(100) }
//	cycle Sub = ensemble_da { …, obs = Evens, analysis = A, steps = 300, spinup = 100, source = twin(seed = 5) }
//	cycle Traj = forecast { model = L96, steps = 100, history = every(10), init = normal(mean = 0, std = 1) }
//	cycle Spread = ensemble_forecast { model = L96, members = 10, steps = 50, history = every(25) }
func l96Program() *ir.Program {
	f := "examples/l96/l96.cyc"
	x0 := make([]float64, 40)
	x0[0] = 1
	state := vec("State", pos(f, 4, 1), 40)
	half := vec("Half", pos(f, 5, 1), 20)
	F := &ir.Param{Name: "F", Pos: pos(f, 7, 5), Default: 8}
	model := mkForward(flatForward{
		Name: "L96", SourceName: "L96", Pos: pos(f, 6, 1), Var: "x", Carrier: state,
		Params: []*ir.Param{F}, DT: 0.05, Kind: "ddt", Scheme: ir.SchemeRK4, Substeps: 1,
		Eqs: []*ir.Equation{{
			Pos: pos(f, 10, 5), LHS: loop1("i"),
			RHS: bin("+", bin("-", bin("*", bin("-", at1("x", 1, 1), at1("x", 1, -2)), at1("x", 1, -1)), at1("x", 1, 0)), par("F")),
		}},
	})
	full := mkObs(flatObs{Name: "Full", SourceName: "Full", Pos: pos(f, 12, 1), Var: "x", In: state, Out: state, Kind: "identity", Linear: true})
	evens := mkObs(flatObs{Name: "Evens", SourceName: "Evens", Pos: pos(f, 13, 1), Var: "x", In: state, Out: half, Kind: "subsample", Start: 0, Step: 2, Linear: true})
	a := mkAnalysis(flatAnalysis{Name: "A", SourceName: "A", Pos: pos(f, 15, 1), Kind: ir.AnalysisETKF, Members: 40, Inflation: 1.01})
	init := &ir.NormalInit{Pos: pos(f, 20, 12), Mean: x0, MeanFrom: "X0", Std: math.Sqrt(0.001)}
	twin := mkCycle(flatCycle{
		Name: "Twin", SourceName: "Twin", Pos: pos(f, 17, 1), Kind: ir.CycleEnsembleDA,
		Model: model, Obs: full, ObsErr: &ir.Matrix{Kind: ir.MatrixDiag, Pos: pos(f, 18, 15), Value: 1, Size: 40},
		Analysis: a, Members: 40, Steps: 2000, ObsEvery: 1, Spinup: 500, Seed: 3,
		Init: init, Source: &ir.TwinSource{Pos: pos(f, 21, 14), Seed: 3}, History: 100,
	})
	sub := mkCycle(flatCycle{
		Name: "Sub", SourceName: "Sub", Pos: pos(f, 23, 1), Kind: ir.CycleEnsembleDA,
		Model: model, Obs: evens, ObsErr: &ir.Matrix{Kind: ir.MatrixScaledIdentity, Pos: pos(f, 24, 15), Value: 0.5, Size: 20},
		Analysis: a, Members: 40, Steps: 300, ObsEvery: 2, Spinup: 100, Seed: 5,
		Init:   &ir.NormalInit{Pos: pos(f, 25, 12), Mean: []float64{0}, Std: 1},
		Source: &ir.TwinSource{Pos: pos(f, 26, 14), Seed: 5},
	})
	traj := mkCycle(flatCycle{
		Name: "Traj", SourceName: "Traj", Pos: pos(f, 28, 1), Kind: ir.CycleForecast, Model: model,
		Steps: 100, Seed: 1, History: 10, Init: &ir.NormalInit{Pos: pos(f, 28, 40), Mean: []float64{0}, Std: 1},
	})
	spread := mkCycle(flatCycle{
		Name: "Spread", SourceName: "Spread", Pos: pos(f, 29, 1), Kind: ir.CycleEnsembleForecast, Model: model,
		Members: 10, Steps: 50, Seed: 1, History: 25,
		Init: &ir.NormalInit{Pos: pos(f, 29, 50), Mean: []float64{2.5}, Std: 0.5},
	})
	return &ir.Program{
		Package: "l96", Source: "l96.cyc",
		Consts: []*ir.Const{
			{Name: "N", SourceName: "N", Pos: pos(f, 2, 1), IsInt: true, Value: 40},
			{Name: "X0", SourceName: "X0", Pos: pos(f, 3, 1), Vec: x0},
		},
		Carriers: []*ir.Carrier{state, half},
		Forwards: []*ir.Forward{model},
		Obs:      []*ir.ObsOp{full, evens},
		Analyses: []*ir.Analysis{a},
		Cycles:   []*ir.Cycle{twin, sub, traj, spread},
	}
}

// l63Program is the Lorenz-63 EnKF twin of benchmarks.md, shortened:
//
//	package l63
//	carrier State = vec[3]
//	const X0 = [1.509, -1.531, 25.46]
//	forward L63(x: State) { param sigma = 10.0; param rho = 28.0; param beta = 8.0 / 3.0; dt = 0.01
//	    ddt x[0] = sigma * (x[1] - x[0])
//	    ddt x[1] = x[0] * (rho - x[2]) - x[1]
//	    ddt x[2] = x[0] * x[1] - beta * x[2] }
//	obs Full(x: State) -> State = identity
//	analysis F = enkf { members = 10, inflation = 1.04 }
//	cycle Twin = ensemble_da { model = L63, obs = Full, obs_err = diag(2.0), analysis = F,
//	    obs_every = 25, steps = 5000, spinup = 40, init = normal(mean = X0, std = sqrt(2.0)),
//	    source = twin(seed = 1) }
func l63Program() *ir.Program {
	f := "std/l63.cyc"
	state := vec("State", pos(f, 2, 1), 3)
	x0 := []float64{1.509, -1.531, 25.46}
	model := mkForward(flatForward{
		Name: "L63", SourceName: "L63", Pos: pos(f, 4, 1), Var: "x", Carrier: state, DT: 0.01,
		Kind: "ddt", Scheme: ir.SchemeRK4, Substeps: 1,
		Params: []*ir.Param{
			{Name: "sigma", Pos: pos(f, 5, 5), Default: 10},
			{Name: "rho", Pos: pos(f, 6, 5), Default: 28},
			{Name: "beta", Pos: pos(f, 7, 5), Default: 8.0 / 3.0},
		},
		Eqs: []*ir.Equation{
			{Pos: pos(f, 9, 5), LHS: fixed1(0), RHS: bin("*", par("sigma"), bin("-", at0("x", 1), at0("x", 0)))},
			{Pos: pos(f, 10, 5), LHS: fixed1(1), RHS: bin("-", bin("*", at0("x", 0), bin("-", par("rho"), at0("x", 2))), at0("x", 1))},
			{Pos: pos(f, 11, 5), LHS: fixed1(2), RHS: bin("-", bin("*", at0("x", 0), at0("x", 1)), bin("*", par("beta"), at0("x", 2)))},
		},
	})
	full := mkObs(flatObs{Name: "Full", SourceName: "Full", Pos: pos(f, 13, 1), Var: "x", In: state, Out: state, Kind: "identity", Linear: true})
	a := mkAnalysis(flatAnalysis{Name: "F", SourceName: "F", Pos: pos(f, 15, 1), Kind: ir.AnalysisEnKF, Members: 10, Inflation: 1.04})
	twin := mkCycle(flatCycle{
		Name: "Twin", SourceName: "Twin", Pos: pos(f, 17, 1), Kind: ir.CycleEnsembleDA,
		Model: model, Obs: full, ObsErr: &ir.Matrix{Kind: ir.MatrixDiag, Pos: pos(f, 19, 15), Value: 2, Size: 3},
		Analysis: a, Members: 10, Steps: 5000, ObsEvery: 25, Spinup: 40, Seed: 1,
		Init:   &ir.NormalInit{Pos: pos(f, 24, 12), Mean: x0, MeanFrom: "X0", Std: math.Sqrt(2)},
		Source: &ir.TwinSource{Pos: pos(f, 25, 14), Seed: 1},
	})
	return &ir.Program{
		Package: "l63", Source: "l63.cyc",
		Consts:   []*ir.Const{{Name: "X0", SourceName: "X0", Pos: pos(f, 3, 1), Vec: x0}},
		Carriers: []*ir.Carrier{state},
		Forwards: []*ir.Forward{model},
		Obs:      []*ir.ObsOp{full},
		Analyses: []*ir.Analysis{a},
		Cycles:   []*ir.Cycle{twin},
	}
}

// obsProgram has every observation-operator form the generator emits, a
// forward Euler model with substeps and an RK2 one, and a DA cycle whose
// R and H come from files:
//
//	package obsforms
//	carrier State = vec[12]; carrier Six = vec[6]; carrier Four = vec[4]; carrier Ten = vec[10]
//	forward Damp(x: State) { param k = 0.5; dt = 0.1; scheme = euler; substeps = 2
//	    ddt x[i] = -k * x[i] + 0.1 * (x[i+1] - x[i-1]) + 0.01 * sin(t) }
//	forward Heun(x: State) { dt = 0.1; scheme = rk2; ddt x[i] = x[i-1] - x[i] }
//	obs Odd(x: State) -> Six = subsample(start = 1, step = 2)
//	obs Pick(x: State) -> Four = indices(0, 5, 7, 11)
//	obs Many(x: State) -> Ten = indices(11, 10, 9, 8, 7, 6, 5, 4, 3, 2)
//	obs Lin(x: State) -> Four = linear "data/H.csv"
//	obs Sq(x: State) -> Six { y[j] = x[2*j] ^ 2 }
//	obs Edge(x: State) -> Four { y[0] = x[11] - x[0]; y[1] = abs(x[3]); y[2] = max(x[1], x[2], 0.5);
//	    y[3] = (x[4] / 10) ^ 3 }
//	analysis E = etkf { members = 8, inflation = 1.05, rotate = true }
//	cycle Files = ensemble_da { model = Damp, obs = Lin, obs_err = diag("data/r.csv"), analysis = E,
//	    obs_every = 3, steps = 30, spinup = 2, source = twin(seed = 9), history = every(3) }
//	cycle Full = ensemble_da { model = Heun, obs = Edge, obs_err = "data/R.csv", analysis = E,
//	    steps = 20, spinup = 0, source = twin(seed = 2) }
func obsProgram() *ir.Program {
	f := "obs.cyc"
	state := vec("State", pos(f, 2, 1), 12)
	six := vec("Six", pos(f, 2, 25), 6)
	four := vec("Four", pos(f, 2, 50), 4)
	ten := vec("Ten", pos(f, 2, 75), 10)
	damp := mkForward(flatForward{
		Name: "Damp", SourceName: "Damp", Pos: pos(f, 3, 1), Var: "x", Carrier: state, DT: 0.1,
		Kind: "ddt", Scheme: ir.SchemeEuler, Substeps: 2,
		Params: []*ir.Param{{Name: "k", Pos: pos(f, 3, 30), Default: 0.5}},
		Eqs: []*ir.Equation{{Pos: pos(f, 4, 5), LHS: loop1("i"), RHS: bin("+", bin("+",
			bin("*", neg(par("k")), at1("x", 1, 0)),
			bin("*", n(0.1), bin("-", at1("x", 1, 1), at1("x", 1, -1)))),
			bin("*", n(0.01), call("sin", &ir.Time{})))}},
	})
	heun := mkForward(flatForward{
		Name: "Heun", SourceName: "Heun", Pos: pos(f, 5, 1), Var: "x", Carrier: state, DT: 0.1,
		Kind: "ddt", Scheme: ir.SchemeRK2, Substeps: 1,
		Eqs: []*ir.Equation{{Pos: pos(f, 5, 40), LHS: loop1("i"), RHS: bin("-", at1("x", 1, -1), at1("x", 1, 0))}},
	})
	odd := mkObs(flatObs{Name: "Odd", SourceName: "Odd", Pos: pos(f, 6, 1), Var: "x", In: state, Out: six, Kind: "subsample", Start: 1, Step: 2})
	pick := mkObs(flatObs{Name: "Pick", SourceName: "Pick", Pos: pos(f, 7, 1), Var: "x", In: state, Out: four, Kind: "indices", Indices: []int{0, 5, 7, 11}})
	many := mkObs(flatObs{Name: "Many", SourceName: "Many", Pos: pos(f, 8, 1), Var: "x", In: state, Out: ten, Kind: "indices", Indices: []int{11, 10, 9, 8, 7, 6, 5, 4, 3, 2}})
	lin := mkObs(flatObs{Name: "Lin", SourceName: "Lin", Pos: pos(f, 9, 1), Var: "x", In: state, Out: four, Kind: "linear", Matrix: "data/H.csv"})
	sq := mkObs(flatObs{Name: "Sq", SourceName: "Sq", Pos: pos(f, 10, 1), Var: "x", In: state, Out: six, Kind: "expression",
		Eqs: []*ir.Equation{{Pos: pos(f, 10, 35), LHS: loop1("j"), RHS: bin("^", at1("x", 2, 0), n(2))}}})
	edge := mkObs(flatObs{Name: "Edge", SourceName: "Edge", Pos: pos(f, 11, 1), Var: "x", In: state, Out: four, Kind: "expression",
		Eqs: []*ir.Equation{
			{Pos: pos(f, 11, 40), LHS: fixed1(0), RHS: bin("-", at0("x", 11), at0("x", 0))},
			{Pos: pos(f, 11, 60), LHS: fixed1(1), RHS: call("abs", at0("x", 3))},
			{Pos: pos(f, 11, 80), LHS: fixed1(2), RHS: call("max", at0("x", 1), at0("x", 2), n(0.5))},
			{Pos: pos(f, 12, 5), LHS: fixed1(3), RHS: bin("^", bin("/", at0("x", 4), n(10)), n(3))},
		}})
	e := mkAnalysis(flatAnalysis{Name: "E", SourceName: "E", Pos: pos(f, 13, 1), Kind: ir.AnalysisETKF, Members: 8, Inflation: 1.05, Rotate: true})
	files := mkCycle(flatCycle{
		Name: "Files", SourceName: "Files", Pos: pos(f, 14, 1), Kind: ir.CycleEnsembleDA,
		Model: damp, Obs: lin, ObsErr: &ir.Matrix{Kind: ir.MatrixDiagFile, Pos: pos(f, 14, 40), Path: "data/r.csv", Size: 4},
		Analysis: e, Members: 8, Steps: 30, ObsEvery: 3, Spinup: 2, Seed: 9, History: 3,
		Source: &ir.TwinSource{Pos: pos(f, 15, 30), Seed: 9},
	})
	fullCycle := mkCycle(flatCycle{
		Name: "FullR", SourceName: "FullR", Pos: pos(f, 16, 1), Kind: ir.CycleEnsembleDA,
		Model: heun, Obs: edge, ObsErr: &ir.Matrix{Kind: ir.MatrixFile, Pos: pos(f, 16, 40), Path: "data/R.csv", Size: 4},
		Analysis: e, Members: 8, Steps: 20, ObsEvery: 1, Spinup: 0, Seed: 2,
		Source: &ir.TwinSource{Pos: pos(f, 17, 30), Seed: 2},
	})
	// Inline is Files with R written as diag([0.5, 1, 2, 0.25]) instead
	// of read from r.csv (the same variances): its scores must be Files'.
	inline := mkCycle(flatCycle{
		Name: "Inline", SourceName: "Inline", Pos: pos(f, 18, 1), Kind: ir.CycleEnsembleDA,
		Model: damp, Obs: lin, ObsErr: &ir.Matrix{Kind: ir.MatrixDiag, Pos: pos(f, 18, 40), Values: testRDiag, Size: 4},
		Analysis: e, Members: 8, Steps: 30, ObsEvery: 3, Spinup: 2, Seed: 9,
		Source: &ir.TwinSource{Pos: pos(f, 19, 30), Seed: 9},
	})
	return &ir.Program{
		Package: "obsforms", Source: "obs.cyc",
		Carriers: []*ir.Carrier{state, six, four, ten},
		Forwards: []*ir.Forward{damp, heun},
		Obs:      []*ir.ObsOp{odd, pick, many, lin, sq, edge},
		Analyses: []*ir.Analysis{e},
		Cycles:   []*ir.Cycle{files, fullCycle, inline},
	}
}

// stencilProgram stresses the periodic wrap: odd offsets, coefficients
// other than ±1, an index that mixes two loop variables, a grid, a map,
// the index variable as a value, t and dt, and a power that needs math.Pow:
//
//	package stencil
//	const Half = 0.5; const Big = 1e400 (infinite)
//	carrier Ring = vec[40]; carrier Small = vec[7]; carrier Field = grid[6, 5]
//	forward Odd(x: Ring) { param a = 0.5; dt = 0.01
//	    ddt x[i] = x[i+3] - x[i-2] + a * x[2*i] - x[1-i] * x[3*i+7] + 0.01 * i + x[5] + t * dt }
//	forward Tail(x: Ring) { dt = 0.01; ddt x[i] = x[i-39] ^ 1.5 - x[i+40] / (2 + x[i+81]) }
//	forward Logistic(x: Small) { param r = 3.7; dt = 1
//	    next x[i] = r * x[i] * (1 - x[i]) + 0.05 * (x[i-1] - 2 * x[i] + x[i+1]) }
//	forward Heat(q: Field) { param kappa = 0.1; dt = 0.1
//	    ddt q[i, j] = kappa * (q[i+1, j] + q[i-1, j] + q[i, j+1] + q[i, j-1] - 4 * q[i, j]) + 0.001 * q[i+j, 2*j] }
//	cycle Iterate = forecast { model = Logistic, steps = 20, init = normal(mean = 0.5, std = 0.1), history = every(5) }
func stencilProgram() *ir.Program {
	f := "stencil.cyc"
	ring := vec("Ring", pos(f, 2, 1), 40)
	small := vec("Small", pos(f, 2, 30), 7)
	field := &ir.Carrier{Name: "Field", SourceName: "Field", Pos: pos(f, 2, 60), Dims: []int{6, 5}}
	odd := mkForward(flatForward{
		Name: "Odd", SourceName: "Odd", Pos: pos(f, 3, 1), Var: "x", Carrier: ring, DT: 0.01,
		Kind: "ddt", Scheme: ir.SchemeRK4, Substeps: 1,
		Params: []*ir.Param{{Name: "a", Pos: pos(f, 3, 25), Default: 0.5}},
		Eqs: []*ir.Equation{{Pos: pos(f, 4, 5), LHS: loop1("i"), RHS: bin("+", bin("+", bin("+", bin("-", bin("+",
			bin("-", at1("x", 1, 3), at1("x", 1, -2)),
			bin("*", par("a"), at1("x", 2, 0))),
			bin("*", at1("x", -1, 1), at1("x", 3, 7))),
			bin("*", n(0.01), &ir.IndexVar{Name: "i", Dim: 0})),
			atc("x", 5)),
			bin("*", &ir.Time{}, &ir.Step{}))}},
	})
	tail := mkForward(flatForward{
		Name: "Tail", SourceName: "Tail", Pos: pos(f, 5, 1), Var: "x", Carrier: ring, DT: 0.01,
		Kind: "ddt", Scheme: ir.SchemeRK4, Substeps: 1,
		Eqs: []*ir.Equation{{Pos: pos(f, 5, 30), LHS: loop1("i"), RHS: bin("-",
			bin("^", call("abs", at1("x", 1, -39)), n(1.5)),
			bin("/", at1("x", 1, 40), bin("+", n(2), call("abs", at1("x", 1, 81)))))}},
	})
	logistic := mkForward(flatForward{
		Name: "Logistic", SourceName: "Logistic", Pos: pos(f, 6, 1), Var: "x", Carrier: small, DT: 1,
		Kind:   "next",
		Params: []*ir.Param{{Name: "r", Pos: pos(f, 6, 30), Default: 3.7}},
		Eqs: []*ir.Equation{{Pos: pos(f, 7, 5), LHS: loop1("i"), RHS: bin("+",
			bin("*", bin("*", par("r"), at1("x", 1, 0)), bin("-", n(1), at1("x", 1, 0))),
			bin("*", n(0.05), bin("+", bin("-", at1("x", 1, -1), bin("*", n(2), at1("x", 1, 0))), at1("x", 1, 1))))}},
	})
	heat := mkForward(flatForward{
		Name: "Heat", SourceName: "Heat", Pos: pos(f, 8, 1), Var: "q", Carrier: field, DT: 0.1,
		Kind: "ddt", Scheme: ir.SchemeRK4, Substeps: 1,
		Params: []*ir.Param{{Name: "kappa", Pos: pos(f, 8, 30), Default: 0.1}},
		Eqs: []*ir.Equation{{Pos: pos(f, 9, 5), LHS: []ir.LHSIndex{{Var: "i"}, {Var: "j"}}, RHS: bin("+",
			bin("*", par("kappa"), bin("-", bin("+", bin("+", bin("+",
				at2("q", 1, 0, 1, 0, 1, 0), at2("q", 1, 0, -1, 0, 1, 0)), at2("q", 1, 0, 0, 0, 1, 1)), at2("q", 1, 0, 0, 0, 1, -1)),
				bin("*", n(4), at2("q", 1, 0, 0, 0, 1, 0)))),
			bin("*", n(0.001), at2("q", 1, 1, 0, 0, 2, 0)))}},
	})
	iterate := mkCycle(flatCycle{
		Name: "Iterate", SourceName: "Iterate", Pos: pos(f, 10, 1), Kind: ir.CycleForecast, Model: logistic,
		Steps: 20, Seed: 1, History: 5, Init: &ir.NormalInit{Pos: pos(f, 10, 50), Mean: []float64{0.5}, Std: 0.1},
	})
	return &ir.Program{
		Package: "stencil", Source: "stencil.cyc",
		Consts: []*ir.Const{
			{Name: "Half", SourceName: "Half", Pos: pos(f, 1, 1), Value: 0.5},
			{Name: "Big", SourceName: "Big", Pos: pos(f, 1, 20), Value: math.Inf(1)},
		},
		Carriers: []*ir.Carrier{ring, small, field},
		Forwards: []*ir.Forward{odd, tail, logistic, heat},
		Cycles:   []*ir.Cycle{iterate},
	}
}

// unimplementedProgram declares one of everything the generator does not
// emit yet, each on its own line so the diagnostics can be told apart.
func unimplementedProgram() *ir.Program {
	f := "todo.cyc"
	state := vec("State", pos(f, 1, 1), 4)
	ok := mkForward(flatForward{Name: "M", SourceName: "M", Pos: pos(f, 2, 1), Var: "x", Carrier: state, DT: 1, Kind: "ddt", Scheme: ir.SchemeRK4, Substeps: 1,
		Eqs: []*ir.Equation{{Pos: pos(f, 2, 20), LHS: loop1("i"), RHS: neg(at1("x", 1, 0))}}})
	goRef := &ir.GoRef{ImportPath: "example.com/ocean", Name: "Step", Pos: pos(f, 3, 30)}
	goModel := mkForward(flatForward{Name: "Ocean", SourceName: "Ocean", Pos: pos(f, 3, 1), Var: "x", Carrier: state, DT: 1, Kind: "go", Go: goRef})
	composed := mkForward(flatForward{Name: "Both", SourceName: "Both", Pos: pos(f, 4, 1), Var: "x", Carrier: state, DT: 1, Kind: "compose",
		Parts: []*ir.Component{{Model: ok, Steps: 1}}})
	emu := mkForward(flatForward{Name: "Emu", SourceName: "Emu", Pos: pos(f, 5, 1), Var: "x", Carrier: state, DT: 1, Kind: "neural", Neural: &ir.Neural{Path: "emu.json"}})
	full := mkObs(flatObs{Name: "Full", SourceName: "Full", Pos: pos(f, 6, 1), Var: "x", In: state, Out: state, Kind: "identity"})
	col := mkObs(flatObs{Name: "Col", SourceName: "Col", Pos: pos(f, 7, 1), Var: "x", In: state, Out: state, Kind: "compose", Parts: []*ir.ObsOp{full, full}})
	rad := mkObs(flatObs{Name: "Rad", SourceName: "Rad", Pos: pos(f, 8, 1), Var: "x", In: state, Out: state, Kind: "go", Go: goRef})
	b := &ir.Matrix{Kind: ir.MatrixDiag, Value: 1, Scale: 1, Size: 4}
	v := mkAnalysis(flatAnalysis{Name: "V", SourceName: "V", Pos: pos(f, 9, 1), Kind: ir.AnalysisVar4D, Inner: 50, Outer: 3, B: b})
	l := mkAnalysis(flatAnalysis{Name: "L", SourceName: "L", Pos: pos(f, 10, 1), Kind: ir.AnalysisOI, B: b, Mean: &ir.Vector{Values: []float64{0, 0, 0, 0}}})
	r := mkAnalysis(flatAnalysis{Name: "R", SourceName: "R", Pos: pos(f, 11, 1), Kind: ir.AnalysisETKF, Members: 20, Inflation: 1, RTPS: 0.5})
	good := mkAnalysis(flatAnalysis{Name: "G", SourceName: "G", Pos: pos(f, 12, 1), Kind: ir.AnalysisETKF, Members: 20, Inflation: 1})
	// A smoother is implemented only for a twin experiment, and has no members.
	smoother := mkCycle(flatCycle{Name: "Smooth", SourceName: "Smooth", Pos: pos(f, 13, 1), Kind: ir.CycleSmoother, Model: ok, Obs: full,
		ObsErr: &ir.Matrix{Kind: ir.MatrixDiag, Value: 1, Size: 4}, Analysis: v, Steps: 10, ObsEvery: 2, Seed: 1,
		Source: &ir.FileSource{Pos: pos(f, 13, 30), Path: "obs.nc"}})
	smoother.Def.(*ir.Smoother).Window, smoother.Def.(*ir.Smoother).Stride = 4, 2
	smoother.History, smoother.HistoryMembers = 2, true // nor with members to record
	da := mkCycle(flatCycle{Name: "Da", SourceName: "Da", Pos: pos(f, 14, 1), Kind: ir.CycleDA, Model: ok, Obs: full,
		ObsErr: &ir.Matrix{Kind: ir.MatrixDiag, Value: 1, Size: 4}, Analysis: v, Steps: 10, ObsEvery: 2, Seed: 1})
	fromFile := mkCycle(flatCycle{Name: "FromFile", SourceName: "FromFile", Pos: pos(f, 15, 1), Kind: ir.CycleEnsembleDA, Model: ok, Obs: full,
		ObsErr: &ir.Matrix{Kind: ir.MatrixDiag, Value: 1, Size: 4}, Analysis: good, Members: 20, Steps: 10, ObsEvery: 1,
		Source: &ir.FileSource{Pos: pos(f, 16, 14), Path: "obs.nc"}, Checkpoint: 100})
	return &ir.Program{
		Package: "todo", Source: "todo.cyc",
		Carriers: []*ir.Carrier{state},
		Forwards: []*ir.Forward{ok, goModel, composed, emu},
		Obs:      []*ir.ObsOp{full, col, rad},
		Analyses: []*ir.Analysis{v, l, r, good},
		Cycles:   []*ir.Cycle{smoother, da, fromFile},
	}
}
