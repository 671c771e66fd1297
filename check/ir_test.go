// Table tests of the IR the checker builds from the good programs: Go
// names, shapes, folded values, affine indices, coverage of grids, linear
// flags, defaults, seeds and initial means.
package check

import (
	"math"
	"reflect"
	"testing"

	"github.com/cyclec/cyclec/ir"
)

// checkGood checks testdata/good/name and fails the test on any
// diagnostic.
func checkGood(t *testing.T, name string) *ir.Program {
	t.Helper()
	r := newTestReader()
	src, err := r.ReadFile("good/" + name)
	if err != nil {
		t.Fatal(err)
	}
	prog, diags := CheckSource("good/"+name, src, testConfig(r))
	for _, d := range diags {
		t.Errorf("%s", d.Error())
	}
	if prog == nil {
		t.Fatalf("%s: no program", name)
	}
	return prog
}

func findForward(t *testing.T, p *ir.Program, name string) fwdView {
	t.Helper()
	for _, f := range p.Forwards {
		if f.Name == name {
			return viewForward(f)
		}
	}
	t.Fatalf("no forward model %s", name)
	return fwdView{}
}

func findObs(t *testing.T, p *ir.Program, name string) obsView {
	t.Helper()
	for _, o := range p.Obs {
		if o.Name == name {
			return viewObs(o)
		}
	}
	t.Fatalf("no obs operator %s", name)
	return obsView{}
}

func findAnalysis(t *testing.T, p *ir.Program, name string) anView {
	t.Helper()
	for _, a := range p.Analyses {
		if a.Name == name {
			return viewAnalysis(a)
		}
	}
	t.Fatalf("no analysis %s", name)
	return anView{}
}

func findCycle(t *testing.T, p *ir.Program, name string) cycView {
	t.Helper()
	for _, c := range p.Cycles {
		if c.Name == name {
			return viewCycle(c)
		}
	}
	t.Fatalf("no cycle %s", name)
	return cycView{}
}

func names[T any](xs []T, name func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = name(x)
	}
	return out
}

func eq(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v, want %#v", what, got, want)
	}
}

// indexReads collects the state reads of an expression in order.
func indexReads(e ir.Expr) []*ir.Index {
	var out []*ir.Index
	var walk func(ir.Expr)
	walk = func(e ir.Expr) {
		switch e := e.(type) {
		case *ir.Index:
			out = append(out, e)
		case *ir.Unary:
			walk(e.X)
		case *ir.Binary:
			walk(e.L)
			walk(e.R)
		case *ir.Call:
			for _, a := range e.Args {
				walk(a)
			}
		case *ir.Compare:
			walk(e.L)
			walk(e.R)
		case *ir.Logical:
			walk(e.L)
			walk(e.R)
		}
	}
	walk(e)
	return out
}

func TestBenchmarkL96(t *testing.T) {
	p := checkGood(t, "etkf_l96.cyc")
	eq(t, "Package", p.Package, "etkf")
	eq(t, "Source", p.Source, "etkf_l96.cyc")
	eq(t, "consts", names(p.Consts, func(c *ir.Const) string { return c.Name }), []string{"Lorenz96N", "Lorenz96X0"})
	n := p.Consts[0]
	eq(t, "N", []any{n.SourceName, n.IsInt, n.Value, n.Vec == nil}, []any{"lorenz96.N", true, 40.0, true})
	x0 := p.Consts[1]
	if len(x0.Vec) != 40 || x0.Vec[0] != 1 || x0.Vec[1] != 0 || x0.IsInt {
		t.Errorf("X0 = %v (IsInt %v)", x0.Vec, x0.IsInt)
	}
	eq(t, "carriers", names(p.Carriers, func(c *ir.Carrier) string { return c.Name }), []string{"Lorenz96State"})
	state := p.Carriers[0]
	eq(t, "State.Dims", state.Dims, []int{40})
	eq(t, "State.Pos.File", state.Pos.File, "std/lorenz96.cyc")

	m := findForward(t, p, "Lorenz96L96")
	eq(t, "L96", []any{m.SourceName, m.Var, m.Carrier == state, m.Kind, m.Scheme, m.Substeps, m.DT, m.Linear},
		[]any{"lorenz96.L96", "x", true, "ddt", ir.SchemeRK4, 1, 0.05, false})
	eq(t, "L96 params", len(m.Params), 1)
	eq(t, "F", []any{m.Params[0].Name, m.Params[0].Default}, []any{"F", 8.0})
	if len(m.Eqs) != 1 {
		t.Fatalf("L96 has %d equations", len(m.Eqs))
	}
	eq(t, "L96 LHS", m.Eqs[0].LHS, []ir.LHSIndex{{Var: "i"}})
	var offs []int
	for _, r := range indexReads(m.Eqs[0].RHS) {
		eq(t, "read var", r.Var, "x")
		eq(t, "coef", r.Idx[0].Coef, []int{1})
		offs = append(offs, r.Idx[0].Offset)
	}
	eq(t, "L96 read offsets", offs, []int{1, -2, -1, 0})

	h := findObs(t, p, "Lorenz96Full")
	eq(t, "Full", []any{h.SourceName, h.Kind, h.In == state, h.Out == state, h.Linear}, []any{"lorenz96.Full", "identity", true, true, true})

	a := findAnalysis(t, p, "A")
	eq(t, "A", []any{a.Kind, a.Members, a.Inflation, a.Rotate, a.Additive, a.RTPP, a.RTPS}, []any{ir.AnalysisETKF, 24, 1.013, true, 0.0, 0.0, 0.0})

	c := findCycle(t, p, "Twin")
	eq(t, "Twin", []any{c.Kind, c.Model == m.Forward, c.Obs == h.ObsOp, c.Analysis == a.Analysis, c.Members, c.Steps, c.ObsEvery, c.Spinup, c.Seed},
		[]any{ir.CycleEnsembleDA, true, true, true, 24, 11000, 1, 1000, uint64(1)})
	eq(t, "R", []any{c.ObsErr.Kind, c.ObsErr.Value, c.ObsErr.Size}, []any{ir.MatrixDiag, 1.0, 40})
	eq(t, "init", []any{c.Init.MeanFrom, c.Init.Std, len(c.Init.Mean), c.Init.Mean[0], c.Init.Mean[39]},
		[]any{"lorenz96.X0", 0.0316227766, 40, 1.0, 0.0})
	eq(t, "source", []any{c.Source.Kind, c.Source.Seed}, []any{"twin", uint64(1)})
}

func TestBenchmarkL63(t *testing.T) {
	p := checkGood(t, "etkf_l63.cyc")
	m := findForward(t, p, "Lorenz63L63")
	eq(t, "params", names(m.Params, func(p *ir.Param) string { return p.Name }), []string{"sigma", "rho", "beta"})
	if math.Abs(m.Params[2].Default-8.0/3.0) > 1e-15 {
		t.Errorf("beta = %v, want 8/3 folded", m.Params[2].Default)
	}
	eq(t, "LHS", [][]ir.LHSIndex{m.Eqs[0].LHS, m.Eqs[1].LHS, m.Eqs[2].LHS}, [][]ir.LHSIndex{{{Fixed: 0}}, {{Fixed: 1}}, {{Fixed: 2}}})
	// ddt x[0] = sigma * (x[1] - x[0]): constant indices have no
	// coefficients (no loop variables).
	reads := indexReads(m.Eqs[0].RHS)
	eq(t, "x[1]", reads[0].Idx, []ir.Affine{{Coef: []int{}, Offset: 1}})
	eq(t, "sigma", m.Eqs[0].RHS.(*ir.Binary).L, ir.Expr(&ir.ParamRef{Name: "sigma"}))
	c := findCycle(t, p, "Twin")
	eq(t, "Twin", []any{c.Members, c.ObsEvery, c.Steps, c.Spinup, c.ObsErr.Value, c.ObsErr.Size, c.Init.Mean, c.Init.Std},
		[]any{10, 25, 275000, 1000, 2.0, 3, []float64{1.509, -1.531, 25.46}, 1.41421356})
}

func TestForwardForms(t *testing.T) {
	p := checkGood(t, "forward_forms.cyc")
	eq(t, "N", []any{p.Consts[0].Name, p.Consts[0].IsInt, p.Consts[0].Value}, []any{"N", true, 8.0})

	d := findForward(t, p, "Decay")
	eq(t, "Decay", []any{d.Kind, d.Scheme, d.Substeps, d.DT, d.Linear}, []any{"ddt", ir.SchemeEuler, 4, 0.1, true})
	eq(t, "Decay params", []any{d.Params[0].Default, d.Params[1].Default}, []any{0.5, 16.0})

	pair := findForward(t, p, "Pair")
	eq(t, "Pair", []any{pair.Scheme, pair.Carrier.Dims, len(pair.Eqs)}, []any{ir.SchemeRK2, []int{2}, 2})

	s := findForward(t, p, "Shift")
	eq(t, "Shift", []any{s.Kind, s.Linear, s.Scheme, s.Substeps}, []any{"next", true, ir.Scheme(0), 0})
	eq(t, "Shift read", indexReads(s.Eqs[0].RHS)[0].Idx, []ir.Affine{{Coef: []int{1}, Offset: -1}})

	o := findForward(t, p, "Ocean")
	eq(t, "Ocean", []any{o.Kind, o.DT, o.Go.ImportPath, o.Go.Name, o.Linear}, []any{"go", 3600.0, "example.com/ocean", "Step", false})

	f := findForward(t, p, "Full")
	eq(t, "Full kind", f.Kind, "compose")
	var parts []any
	for _, c := range f.Parts {
		parts = append(parts, c.Model.Name, c.Steps)
	}
	eq(t, "Full parts", parts, []any{"Slow", 6, "Ocean", 1, "Slow", 6})
	eq(t, "Full linear", f.Linear, false)

	e := findForward(t, p, "Emu")
	eq(t, "Emu", []any{e.Kind, e.Neural.Path, e.Neural.Residual, e.DT}, []any{"neural", "emu.safetensors", true, 0.05})
}

func TestObsForms(t *testing.T) {
	p := checkGood(t, "obs_forms.cyc")
	cases := []struct {
		name   string
		kind   string
		linear bool
	}{
		{"Full", "identity", true},
		{"Flat", "identity", true},
		{"Half", "subsample", true},
		{"Pick", "indices", true},
		{"Lin", "linear", true},
		{"Sq", "expression", false},
		{"Blur", "expression", true},
		{"Col", "compose", true},
		{"Rad", "go", false},
		{"Row", "expression", true},
	}
	for _, tc := range cases {
		o := findObs(t, p, tc.name)
		if o.Kind != tc.kind || o.Linear != tc.linear {
			t.Errorf("%s: kind %v linear %v, want %v %v", tc.name, o.Kind, o.Linear, tc.kind, tc.linear)
		}
	}
	h := findObs(t, p, "Half")
	eq(t, "Half", []any{h.Start, h.Step, h.In.Size(), h.Out.Size()}, []any{0, 2, 40, 20})
	eq(t, "Pick", findObs(t, p, "Pick").Indices, []int{0, 5, 10, 15})
	eq(t, "Lin", findObs(t, p, "Lin").Matrix, "H.csv")
	sq := findObs(t, p, "Sq")
	eq(t, "Sq LHS", sq.Eqs[0].LHS, []ir.LHSIndex{{Var: "j"}})
	eq(t, "Sq read", indexReads(sq.Eqs[0].RHS)[0], &ir.Index{Var: "x", Idx: []ir.Affine{{Coef: []int{2}, Offset: 0}}})
	col := findObs(t, p, "Col")
	eq(t, "Col parts", names(col.Parts, func(o *ir.ObsOp) string { return o.Name }), []string{"Half", "Blur"})
	rad := findObs(t, p, "Rad")
	eq(t, "Rad", []any{rad.Go.Name, rad.Jacobian.ImportPath, rad.Jacobian.Name}, []any{"Radiance", "example.com/inst", "Jacobian"})
	row := findObs(t, p, "Row")
	eq(t, "Row LHS", [][]ir.LHSIndex{row.Eqs[0].LHS, row.Eqs[1].LHS}, [][]ir.LHSIndex{{{Fixed: 0}, {Var: "j"}}, {{Fixed: 1}, {Var: "j"}}})
	reads := indexReads(row.Eqs[0].RHS)
	eq(t, "Row reads", []any{reads[0].Idx, reads[1].Idx}, []any{
		[]ir.Affine{{Coef: []int{0}, Offset: 0}, {Coef: []int{1}, Offset: 0}},
		[]ir.Affine{{Coef: []int{0}, Offset: 4}, {Coef: []int{1}, Offset: 3}},
	})
}

func TestAnalysesDefaults(t *testing.T) {
	p := checkGood(t, "analyses.cyc")
	type row struct {
		name             string
		kind             ir.AnalysisKind
		members          int
		inflation        float64
		resample         string
		threshold        float64
		inner, outer     int
		lag              int
		bKind            ir.MatrixKind
		localizeRadius   float64
		additive, jitter float64
	}
	want := []row{
		{name: "K", kind: ir.AnalysisKF, inflation: 1},
		{name: "X", kind: ir.AnalysisEKF, inflation: 1.01, additive: 0.1},
		{name: "E", kind: ir.AnalysisEnKF, members: 40, inflation: 1.06},
		{name: "T", kind: ir.AnalysisETKF, members: 24, inflation: 1.013},
		{name: "S", kind: ir.AnalysisEnSRF, members: 20, inflation: 1, localizeRadius: 4},
		{name: "L", kind: ir.AnalysisLETKF, members: 20, inflation: 1.04, localizeRadius: 4},
		{name: "P", kind: ir.AnalysisPF, members: 100, inflation: 1, resample: "residual", threshold: 0.5, jitter: 0.01},
		{name: "O", kind: ir.AnalysisOI, inflation: 1, bKind: ir.MatrixScaledIdentity},
		{name: "V", kind: ir.AnalysisVar3D, inflation: 1, bKind: ir.MatrixDiag},
		{name: "W", kind: ir.AnalysisVar4D, inflation: 1, inner: 50, outer: 3, bKind: ir.MatrixFile},
		{name: "M", kind: ir.AnalysisEnKS, members: 30, inflation: 1, lag: 4},
		{name: "G", kind: ir.AnalysisGo, inflation: 1},
		{name: "D", kind: ir.AnalysisVar3D, inflation: 1, bKind: ir.MatrixDiagFile},
		{name: "Q", kind: ir.AnalysisDEnKF, members: 40, inflation: 1.01},
	}
	for _, w := range want {
		a := findAnalysis(t, p, w.name)
		got := row{name: w.name, kind: a.Kind, members: a.Members, inflation: a.Inflation, resample: a.Resample,
			threshold: a.Threshold, inner: a.Inner, outer: a.Outer, lag: a.Lag, additive: a.Additive, jitter: a.Jitter}
		if a.B != nil {
			got.bKind = a.B.Kind
		}
		if a.Localize != nil {
			got.localizeRadius = a.Localize.Radius
			eq(t, w.name+" localize", a.Localize.Taper, ir.TaperGaspariCohn)
		}
		eq(t, w.name, got, w)
	}
	eq(t, "P particles", findAnalysis(t, p, "P").Particles, 100)
	eq(t, "E rtpp rtps", []float64{findAnalysis(t, p, "E").RTPP, findAnalysis(t, p, "E").RTPS}, []float64{0.5, 0.2})
	eq(t, "G go", findAnalysis(t, p, "G").Go, &ir.GoRef{ImportPath: "example.com/myfilter", Name: "New", Pos: findAnalysis(t, p, "G").Pos})
	eq(t, "W B", findAnalysis(t, p, "W").B.Path, "B3.csv")
}

func TestCycles(t *testing.T) {
	p := checkGood(t, "cycles.cyc")
	f := findCycle(t, p, "Forecast")
	eq(t, "Forecast", []any{f.Kind, f.Steps, f.History, f.Seed, f.ObsEvery, f.Init.Std, len(f.Init.Mean), f.Init.MeanFrom},
		[]any{ir.CycleForecast, 72, 1, uint64(1), 0, 1.0, 40, ""})
	eq(t, "Forecast model", f.Model.Name, "L96L96")

	s := findCycle(t, p, "Spread")
	eq(t, "Spread", []any{s.Kind, s.Members, s.Seed}, []any{ir.CycleEnsembleForecast, 40, uint64(7)})

	tw := findCycle(t, p, "Twin")
	eq(t, "Twin", []any{tw.Members, tw.Seed, tw.Source.Seed, tw.Init.Mean, tw.Init.MeanFrom, tw.History, tw.Checkpoint, tw.ObsEvery, tw.Spinup},
		[]any{10, uint64(42), uint64(42), []float64{1, 2, 3}, "M0", 10, 1000, 25, 10})

	pf := findCycle(t, p, "Particles")
	eq(t, "Particles", []any{pf.Members, pf.Seed, pf.Source.Kind, pf.Source.Path, pf.ObsErr.Kind, pf.ObsErr.Size, pf.ObsEvery},
		[]any{50, uint64(9), "file", "obs.csv", ir.MatrixFile, 3, 1})

	single := findCycle(t, p, "Single")
	eq(t, "Single", []any{single.Source.Kind, single.Source.Go.Name, single.ObsErr.Kind, single.Members, viewAnalysis(single.Analysis).B.Size},
		[]any{"go", "Next", ir.MatrixDiagFile, 0, 3})

	re := findCycle(t, p, "Reanalysis")
	eq(t, "Reanalysis", []any{re.Window, re.Stride, viewAnalysis(re.Analysis).B.Size, re.Seed}, []any{8, 4, 3, uint64(3)})

	lag := findCycle(t, p, "Lagged")
	eq(t, "Lagged", []any{lag.Window, lag.Stride, lag.Members, lag.Source.Seed, lag.Seed}, []any{8, 8, 0, uint64(1), uint64(1)})

	roll := findCycle(t, p, "Rolling")
	eq(t, "Rolling", []any{roll.Step.Name, roll.Model == nil, roll.Window, roll.Stride, roll.Steps}, []any{"Lorenz63L63", true, 8, 4, 80})

	root := findCycle(t, p, "Root")
	eq(t, "Root", []any{root.MaxIters, root.Init.Mean, root.Init.Std, root.Step.Name}, []any{100, []float64{1}, 0.0, "Newton"})
	cmp, ok := root.Until.(*ir.Compare)
	if !ok || cmp.Op != "<" {
		t.Fatalf("Until = %#v", root.Until)
	}
	eq(t, "Until threshold", cmp.R, ir.Expr(&ir.Num{Value: 1e-12}))
	eq(t, "Until read", indexReads(cmp.L)[0], &ir.Index{Var: "x", Idx: []ir.Affine{{Coef: []int{}, Offset: 0}}})

	day := findCycle(t, p, "Day")
	eq(t, "Day", names(day.Parts, func(c *ir.Cycle) string { return c.Name }), []string{"Twin", "Reanalysis", "Rolling"})
	eq(t, "Day init", day.Init == nil, true)

	// The sequence's settings are its parts', each under the part's name,
	// in the order the parts run; every other cycle accepts steps and seed.
	var want []string
	for _, part := range day.Parts {
		for _, s := range ir.Settings(part) {
			want = append(want, part.SourceName+"."+s.Name)
		}
	}
	eq(t, "settings", names(ir.Settings(day.Cycle), func(s ir.Setting) string { return s.Name }), want)
	eq(t, "first settings", want[:2], []string{"Twin.steps", "Twin.obs_every"})
}

func TestGridCoverage(t *testing.T) {
	p := checkGood(t, "grid.cyc")
	eq(t, "Field", p.Carriers[0].Dims, []int{3, 32})
	h := findForward(t, p, "Heat")
	var lhs [][]ir.LHSIndex
	for _, e := range h.Eqs {
		lhs = append(lhs, e.LHS)
	}
	eq(t, "Heat LHS", lhs, [][]ir.LHSIndex{{{Fixed: 0}, {Var: "j"}}, {{Fixed: 1}, {Var: "j"}}, {{Fixed: 2}, {Var: "j"}}})
	reads := indexReads(h.Eqs[1].RHS)
	eq(t, "Heat first read", reads[0].Idx, []ir.Affine{{Coef: []int{0}, Offset: 2}, {Coef: []int{1}, Offset: 0}})
	eq(t, "Heat linear", h.Linear, true)

	cols := findForward(t, p, "Cols")
	eq(t, "Cols read", indexReads(cols.Eqs[0].RHS)[0].Idx, []ir.Affine{{Coef: []int{1, 0}, Offset: 1}, {Coef: []int{0, 1}, Offset: 0}})

	cells := findForward(t, p, "Cells")
	eq(t, "Cells LHS", cells.Eqs[2].LHS, []ir.LHSIndex{{Fixed: 1}, {Var: "i"}})
	eq(t, "Cells loops", cells.Eqs[2].Loops(), []string{"i"})
	eq(t, "Cells kind", cells.Kind, "next")
}

func TestImportsNamesAndOrder(t *testing.T) {
	p := checkGood(t, "imports.cyc")
	eq(t, "consts", names(p.Consts, func(c *ir.Const) string { return c.Name }), []string{"Lorenz96N", "Lorenz96X0", "SeaSpread", "CoastDepth"})
	eq(t, "source names", names(p.Consts, func(c *ir.Const) string { return c.SourceName }), []string{"lorenz96.N", "lorenz96.X0", "sea.Spread", "coast.Depth"})
	eq(t, "SeaSpread", p.Consts[2].Value, 0.1)
	eq(t, "CoastDepth", p.Consts[3].Value, 0.2)
	eq(t, "forwards", names(p.Forwards, func(f *ir.Forward) string { return f.Name }), []string{"Lorenz96L96", "SeaWave"})
	w := findForward(t, p, "SeaWave")
	eq(t, "Wave", []any{w.DT, w.Carrier.Name, w.Pos.File}, []any{0.05, "Lorenz96State", "imports/ocean.cyc"})
	eq(t, "obs", names(p.Obs, func(o *ir.ObsOp) string { return o.Name }), []string{"Lorenz96Full", "CoastShore"})
	shore := findObs(t, p, "CoastShore")
	eq(t, "Shore carrier", shore.In == w.Carrier, true)
	c := findCycle(t, p, "Twin")
	eq(t, "Twin", []any{c.Model == w.Forward, c.Obs == shore.ObsOp, c.Init.MeanFrom, c.Init.Std}, []any{true, true, "lorenz96.X0", 0.1})
}

func TestKFLinear(t *testing.T) {
	p := checkGood(t, "kf.cyc")
	d := findForward(t, p, "Decay")
	eq(t, "Decay linear", d.Linear, true)
	eq(t, "Pair linear", findObs(t, p, "Pair").Linear, true)
	c := findCycle(t, p, "Exact")
	eq(t, "Exact", []any{c.Analysis.Kind(), c.Seed, c.ObsErr.Size}, []any{ir.AnalysisKF, uint64(5), 4})
}

// TestLocalizationForms checks the tapers as the IR holds them (a cutoff
// becomes DAPPER's radius) and the sites obs operators give.
func TestLocalizationForms(t *testing.T) {
	p := checkGood(t, "localize.cyc")
	byName := map[string]*ir.Analysis{}
	for _, a := range p.Analyses {
		byName[a.SourceName] = a
	}
	g := byName["G"].Localization()
	eq(t, "G", []any{g.Taper, g.Radius, g.Cutoff, byName["G"].Method.(*ir.LETKF).Rotate}, []any{ir.TaperGaspariCohn, 4.0, 0.0, true})
	c := byName["C"].Localization()
	if c.Taper != ir.TaperGaspariCohn || c.Cutoff != 14.56 || c.Radius < 4-1e-12 || c.Radius > 4+1e-12 {
		t.Errorf("C: localisation %+v, want gaspari_cohn with cutoff 14.56 and radius 4", c)
	}
	s := byName["S"].Localization()
	eq(t, "S", []any{s.Taper, s.Radius}, []any{ir.TaperStep, 3.0})
	sites := map[string]*ir.ObsSites{}
	for _, o := range p.Obs {
		sites[o.SourceName] = o.Sites()
	}
	eq(t, "Rad sites", *sites["Rad"], ir.ObsSites{Start: 1, Step: 2})
	eq(t, "Pick sites", sites["Pick"].Indices[19], 39)
}

// TestVariational checks what the variational analyses and the remaining
// cycles find in the IR: scaled matrices, oi's mean, the climatology a
// forecast writes, derivatives and their absence, the reasons for
// nonlinearity, a go analysis in a da cycle and nested sequences.
func TestVariational(t *testing.T) {
	p := checkGood(t, "variational.cyc")

	type mat struct {
		Kind  ir.MatrixKind
		Scale float64
		Size  int
	}
	matOf := func(m *ir.Matrix) mat { return mat{m.Kind, m.Scale, m.Size} }
	eq(t, "O B", matOf(findAnalysis(t, p, "O").B), mat{ir.MatrixFile, 0.02, 3})
	eq(t, "O2 B", matOf(findAnalysis(t, p, "O2").B), mat{ir.MatrixDiag, 1, 3})
	eq(t, "V B", matOf(findAnalysis(t, p, "V").B), mat{ir.MatrixDiag, 0.5, 8})
	eq(t, "W B", matOf(findAnalysis(t, p, "W").B), mat{ir.MatrixScaledIdentity, 0.2, 40})
	if b := findAnalysis(t, p, "W8").B; math.Abs(b.Scale-0.2) > 1e-15 || b.Value != 1 {
		t.Errorf("W8 B = %+v, want 2 * 0.1 folded to the scale of diag(1.0)", b)
	}
	eq(t, "Exact R", matOf(findCycle(t, p, "Exact").ObsErr), mat{ir.MatrixDiag, 0.5, 8})
	eq(t, "Ext R", matOf(findCycle(t, p, "Ext").ObsErr), mat{ir.MatrixDiag, 1, 3})

	o := findAnalysis(t, p, "O")
	eq(t, "O mean", []any{o.Mean.Path, o.Mean.Values == nil, o.Mean.Pos.Line}, []any{"r3.csv", true, 38})
	eq(t, "O2 mean", findAnalysis(t, p, "O2").Mean.Values, []float64{0.5, 0.5, 23})
	w := findAnalysis(t, p, "W")
	eq(t, "W", []any{w.Inner, w.Outer}, []any{10, 3})

	clim := findCycle(t, p, "Clim")
	eq(t, "Clim", []any{clim.Climatology.MeanPath, clim.Climatology.CovPath, clim.ClimSpinup, clim.Steps},
		[]any{"l63_mean.csv", "l63_cov.csv", 500, 5000})
	eq(t, "Clim settings", names(ir.Settings(clim.Cycle), func(s ir.Setting) string { return s.Name })[:3], []string{"steps", "spinup", "seed"})
	eq(t, "Clim settings", len(ir.Settings(clim.Cycle)), 6) // and sigma, rho, beta

	// Derivatives and linearity, with the reasons where they are missing.
	type deriv struct {
		Linear        bool
		NonlinearLine int // 0: NonlinearAt is nil
		NoDerivLine   int // 0: NoDerivative is nil
	}
	line := func(r *ir.Reason) int {
		if r == nil {
			return 0
		}
		if r.Msg == "" {
			t.Errorf("reason at line %d has no message", r.Pos.Line)
		}
		return r.Pos.Line
	}
	fwd := func(name string) deriv {
		f := findForward(t, p, name)
		return deriv{f.Linear, line(f.NonlinearAt), line(f.NoDerivative)}
	}
	eq(t, "Decay", fwd("Decay"), deriv{true, 0, 0})
	eq(t, "Sea", fwd("Sea"), deriv{false, 18, 0})
	eq(t, "Both", fwd("Both"), deriv{false, 18, 0})
	eq(t, "Clip", fwd("Clip"), deriv{false, 29, 29})
	eq(t, "Typed", fwd("Typed"), deriv{false, 31, 31})
	eq(t, "Mixed", fwd("Mixed"), deriv{false, 31, 31})
	eq(t, "Emu", fwd("Emu"), deriv{false, 33, 33})
	eq(t, "L96", fwd("Lorenz96L96"), deriv{false, 24, 0})
	eq(t, "L96 term", findForward(t, p, "Lorenz96L96").NonlinearAt.Msg, "(x[i+1] - x[i-2]) * x[i-1] multiplies two terms that read the state")
	eq(t, "Clip reason", findForward(t, p, "Clip").NoDerivative.Msg, "max(x[i], 0) has no derivative where its arguments are equal")
	eq(t, "Mixed reason", findForward(t, p, "Mixed").NoDerivative.Msg[:len("in its part Typed, go model Typed is the type")], "in its part Typed, go model Typed is the type")
	sea := findForward(t, p, "Sea")
	eq(t, "Sea derivatives", []any{sea.Tangent.ImportPath, sea.Tangent.Name, sea.Adjoint.Name, sea.Tangent.Package}, []any{"example.com/ocean", "StepTangent", "StepAdjoint", ""})
	eq(t, "Typed derivatives", []any{findForward(t, p, "Typed").Tangent == nil, findForward(t, p, "Decay").Tangent == nil}, []any{true, true})
	ob := func(name string) deriv {
		o := findObs(t, p, name)
		return deriv{o.Linear, line(o.NonlinearAt), line(o.NoDerivative)}
	}
	eq(t, "Full8", ob("Full8"), deriv{true, 0, 0})
	eq(t, "Rad", ob("Rad"), deriv{false, 24, 0})
	eq(t, "Cut", ob("Cut"), deriv{false, 34, 34})

	// A go analysis in a da cycle, and the kinds each DA cycle holds.
	user := findCycle(t, p, "User")
	eq(t, "User", []any{user.Kind, user.Analysis.Kind(), user.Members}, []any{ir.CycleDA, ir.AnalysisGo, 0})
	sm := findCycle(t, p, "Smooth")
	eq(t, "Smooth", []any{sm.Kind, sm.Window, sm.Stride, sm.ObsEvery, sm.Analysis.Kind()}, []any{ir.CycleSmoother, 8, 4, 2, ir.AnalysisVar4D})
	eq(t, "FourD", []any{findCycle(t, p, "FourD").ObsEvery, findCycle(t, p, "FourD").Seed}, []any{4, uint64(3)})

	day := findCycle(t, p, "Day")
	eq(t, "Day parts", names(day.Parts, func(c *ir.Cycle) string { return c.Name }), []string{"Spin", "Ext", "Ext"})
	leaves := day.Def.(*ir.Sequence).Leaves()
	eq(t, "Day leaves", names(leaves, func(c *ir.Cycle) string { return c.Name }), []string{"Clim", "Opt", "Ext", "Ext"})
	if leaves[2] != leaves[3] {
		t.Errorf("a part given twice is one cycle run twice")
	}
}
