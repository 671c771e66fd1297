// Tests of 3D-Var and optimal interpolation with a static B.

package runtime

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// spdMatrix returns a well-conditioned n×n SPD matrix: G Gᵀ/n + diag.
func spdMatrix(n int, seed uint64) []float64 {
	s := NewStream(seed, PurposeEnsembleInit, 0)
	g := make([]float64, n*n)
	for i := range g {
		g[i] = s.Normal()
	}
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var v float64
			for k := 0; k < n; k++ {
				v += g[i*n+k] * g[j*n+k]
			}
			a[i*n+j] = v / float64(n)
		}
		a[i*n+i] += 0.5
	}
	return a
}

// closedFormBLUE returns x_a = x_b + K (y − h(x_b)) and diag((I − K H) B)
// with K = B Hᵀ (H B Hᵀ + R)^-1, computed with gonum's mat (an explicit
// solve), for the rows keep of y, H and R.
func closedFormBLUE(xb, hxb, y, H, B, R []float64, n, p int, keep []int) (xa, va []float64) {
	m := len(keep)
	Hs := mat.NewDense(m, n, nil)
	Rs := mat.NewDense(m, m, nil)
	d := mat.NewVecDense(m, nil)
	for a, i := range keep {
		for j := 0; j < n; j++ {
			Hs.Set(a, j, H[i*n+j])
		}
		for b, k := range keep {
			Rs.Set(a, b, R[i*p+k])
		}
		d.SetVec(a, y[i]-hxb[i])
	}
	Bm := mat.NewDense(n, n, append([]float64(nil), B...))
	var BHt, S mat.Dense
	BHt.Mul(Bm, Hs.T())
	S.Mul(Hs, &BHt)
	S.Add(&S, Rs)
	// K = B Hᵀ S^-1, i.e. Kᵀ = S^-1 H B (S symmetric).
	var Kt mat.Dense
	if err := Kt.Solve(&S, BHt.T()); err != nil {
		panic(err)
	}
	var inc mat.VecDense
	inc.MulVec(Kt.T(), d)
	xa = make([]float64, n)
	for i := range xa {
		xa[i] = xb[i] + inc.AtVec(i)
	}
	var KH, Pa mat.Dense
	KH.Mul(Kt.T(), Hs)
	Pa.Mul(&KH, Bm)
	va = make([]float64, n)
	for i := range va {
		va[i] = B[i*n+i] - Pa.At(i, i)
	}
	return xa, va
}

// testLinearH returns a linear H (p×n) mixing a few elements per row.
func testLinearH(n, p int) []float64 {
	H := make([]float64, p*n)
	for i := 0; i < p; i++ {
		j := (3 * i) % n
		H[i*n+j] = 1
		H[i*n+(j+1)%n] = 0.5
		H[i*n+(j+n-1)%n] = -0.25
	}
	return H
}

// TestVar3DMatchesBLUE checks the 3D-Var update with a linear H against
// the closed-form BLUE: diagonal and full B and R, all observations or
// some missing, the gain reused (LinearObs) or recomputed. Each case runs
// three analyses from different states so a reused gain is exercised.
func TestVar3DMatchesBLUE(t *testing.T) {
	const n, p = 7, 5
	Bfull := spdMatrix(n, 1)
	Bdiag := make([]float64, n*n)
	bvars := make([]float64, n)
	for i := range bvars {
		bvars[i] = 0.3 + 0.1*float64(i)
		Bdiag[i*n+i] = bvars[i]
	}
	Rfull := spdMatrix(p, 2)
	Rdiag := make([]float64, p*p)
	rvars := make([]float64, p)
	for i := range rvars {
		rvars[i] = 0.5 + 0.2*float64(i)
		Rdiag[i*p+i] = rvars[i]
	}
	H := testLinearH(n, p)
	for _, fullB := range []bool{false, true} {
		for _, fullR := range []bool{false, true} {
			for _, linear := range []bool{false, true} {
				for _, missing := range []bool{false, true} {
					name := fmt.Sprintf("fullB=%v,fullR=%v,linear=%v,missing=%v", fullB, fullR, linear, missing)
					t.Run(name, func(t *testing.T) {
						var b *Background
						var err error
						B := Bdiag
						if fullB {
							B = Bfull
							b, err = NewBackground(Bfull, n, 1)
						} else {
							b, err = NewDiagBackground(bvars, 1)
						}
						if err != nil {
							t.Fatal(err)
						}
						var r *ObsError
						R := Rdiag
						if fullR {
							R = Rfull
							r, err = NewObsError(Rfull, p)
						} else {
							r, err = NewDiagObsError(rvars)
						}
						if err != nil {
							t.Fatal(err)
						}
						v, err := NewVar3D(Var3DConfig{Dim: n, Obs: p, LinearObs: linear}, b, r)
						if err != nil {
							t.Fatal(err)
						}
						h := linearObs{p: p, n: n, H: H}
						s := NewStream(9, PurposeObsNoise, 0)
						for c := 0; c < 3; c++ {
							x, y := make([]float64, n), make([]float64, p)
							for i := range x {
								x[i] = s.Normal()
							}
							for i := range y {
								y[i] = 2 * s.Normal()
							}
							keep := []int{0, 1, 2, 3, 4}
							if missing && c > 0 {
								y[c] = math.NaN()
								keep = append(keep[:c:c], keep[c+1:]...)
							}
							hx := make([]float64, p)
							h.Apply(hx, x)
							wantX, wantV := closedFormBLUE(x, hx, y, H, B, R, n, p, keep)
							if err := v.Analyze(x, h, y); err != nil {
								t.Fatal(err)
							}
							got := make([]float64, n)
							v.Variance(got)
							if d := relDiff(x, wantX); d > 1e-12 {
								t.Errorf("analysis %d: state differs from the BLUE by %.3g relative", c, d)
							}
							if d := relDiff(got, wantV); d > 1e-12 {
								t.Errorf("analysis %d: variance differs from diag((I-KH)B) by %.3g relative", c, d)
							}
						}
						fv := make([]float64, n)
						v.ForecastVariance(fv)
						if !sameBits(fv, bvarsOf(B, n)) {
							t.Errorf("forecast variance %v, want diag(B)", fv)
						}
					})
				}
			}
		}
	}
}

// bvarsOf returns the diagonal of the n×n a.
func bvarsOf(a []float64, n int) []float64 {
	d := make([]float64, n)
	for i := range d {
		d[i] = a[i*n+i]
	}
	return d
}

// TestVar3DNonlinearH checks that with a nonlinear operator the update is
// one Gauss–Newton step: the BLUE with H the Jacobian at the forecast and
// the innovation y − h(x).
func TestVar3DNonlinearH(t *testing.T) {
	const n, p = 3, 2
	B := spdMatrix(n, 4)
	b, err := NewBackground(B, n, 1)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewDiagObsError([]float64{0.4, 0.7})
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewVar3D(Var3DConfig{Dim: n, Obs: p}, b, r)
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{1.5, -2, 3}
	y := []float64{2, -5}
	H := []float64{2 * x[0], 0, 0, 0, x[2], x[1]} // squareObs's Jacobian at x
	hx := []float64{x[0] * x[0], x[1] * x[2]}
	wantX, wantV := closedFormBLUE(x, hx, y, H, B, []float64{0.4, 0, 0, 0.7}, n, p, []int{0, 1})
	if err := v.Analyze(x, squareObs{}, y); err != nil {
		t.Fatal(err)
	}
	va := make([]float64, n)
	v.Variance(va)
	if d := relDiff(x, wantX); d > 1e-12 {
		t.Errorf("state %v, want %v", x, wantX)
	}
	if d := relDiff(va, wantV); d > 1e-12 {
		t.Errorf("variance %v, want %v", va, wantV)
	}
}

// TestOI checks that OI analyses the climatological mean whatever the
// incoming state (the same bits from two different x), that it is the
// BLUE at the mean, also with a nonlinear H linearised there, and that
// missing values use the gain of the rows present.
func TestOI(t *testing.T) {
	const n, p = 3, 2
	B := spdMatrix(n, 5)
	b, err := NewBackground(B, n, 1)
	if err != nil {
		t.Fatal(err)
	}
	rv := []float64{0.4, 0.7}
	r, err := NewDiagObsError(rv)
	if err != nil {
		t.Fatal(err)
	}
	mean := []float64{0.5, 1, -1}
	o, err := NewOI(Var3DConfig{Dim: n, Obs: p}, mean, b, r)
	if err != nil {
		t.Fatal(err)
	}
	H := []float64{2 * mean[0], 0, 0, 0, mean[2], mean[1]}
	hm := []float64{mean[0] * mean[0], mean[1] * mean[2]}
	R := []float64{0.4, 0, 0, 0.7}
	for _, tc := range []struct {
		y    []float64
		keep []int
	}{
		{[]float64{1, 2}, []int{0, 1}},
		{[]float64{-1, 0.5}, []int{0, 1}},
		{[]float64{nan(), 0.5}, []int{1}},
		{[]float64{3, 1}, []int{0, 1}},
	} {
		wantX, wantV := closedFormBLUE(mean, hm, tc.y, H, B, R, n, p, tc.keep)
		x1 := []float64{100, -50, 7}
		x2 := []float64{-3, 0, 1e6}
		if err := o.Analyze(x1, squareObs{}, tc.y); err != nil {
			t.Fatal(err)
		}
		if err := o.Analyze(x2, squareObs{}, tc.y); err != nil {
			t.Fatal(err)
		}
		if !sameBits(x1, x2) {
			t.Errorf("y %v: analyses of two states differ: %v, %v", tc.y, x1, x2)
		}
		va := make([]float64, n)
		o.Variance(va)
		if d := relDiff(x1, wantX); d > 1e-12 {
			t.Errorf("y %v: state %v, want %v", tc.y, x1, wantX)
		}
		if d := relDiff(va, wantV); d > 1e-12 {
			t.Errorf("y %v: variance %v, want %v", tc.y, va, wantV)
		}
	}
	if !sameBits(o.Mean(), mean) {
		t.Errorf("mean changed to %v", o.Mean())
	}
}

// TestVar3DErrors checks the analyses that leave x unchanged (every value
// missing, a non-finite observation or state) and the construction
// errors.
func TestVar3DErrors(t *testing.T) {
	b, _ := NewDiagBackground([]float64{1, 1}, 1)
	r := mustDiagR(t, 2)
	v, err := NewVar3D(Var3DConfig{Dim: 2, Obs: 2, LinearObs: true}, b, r)
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewOI(Var3DConfig{Dim: 2, Obs: 2}, []float64{0, 0}, b, r)
	if err != nil {
		t.Fatal(err)
	}
	type analyzer interface {
		Analyze(x []float64, h TangentObs, y []float64) error
	}
	for _, a := range []analyzer{v, o} {
		for _, tc := range []struct {
			name string
			x, y []float64
			want error
		}{
			{"all missing", []float64{1, 2}, []float64{nan(), nan()}, ErrNoObservations},
			{"infinite value", []float64{1, 2}, []float64{math.Inf(-1), 0}, nil},
			{"wrong length", []float64{1, 2}, []float64{0}, nil},
			{"short state", []float64{1}, []float64{0, 0}, nil},
		} {
			x0 := append([]float64(nil), tc.x...)
			err := a.Analyze(tc.x, eyeObs{}, tc.y)
			switch {
			case err == nil:
				t.Errorf("%T %s: no error", a, tc.name)
			case tc.want != nil && err != tc.want:
				t.Errorf("%T %s: error %v, want %v itself", a, tc.name, err, tc.want)
			}
			if !sameBits(tc.x, x0) {
				t.Errorf("%T %s: x changed to %v", a, tc.name, tc.x)
			}
		}
	}
	if err := v.Analyze([]float64{nan(), 0}, eyeObs{}, []float64{0, 0}); err == nil {
		t.Errorf("NaN forecast: no error")
	}

	b3, _ := NewDiagBackground([]float64{1, 1, 1}, 1)
	for _, tc := range []struct {
		name string
		cfg  Var3DConfig
		b    *Background
		r    *ObsError
	}{
		{"no state", Var3DConfig{Dim: 0, Obs: 2}, b, r},
		{"no obs", Var3DConfig{Dim: 2, Obs: 0}, b, r},
		{"B size", Var3DConfig{Dim: 2, Obs: 2}, b3, r},
		{"no B", Var3DConfig{Dim: 2, Obs: 2}, nil, r},
		{"R size", Var3DConfig{Dim: 2, Obs: 3}, b, r},
		{"no R", Var3DConfig{Dim: 2, Obs: 2}, b, nil},
	} {
		if _, err := NewVar3D(tc.cfg, tc.b, tc.r); err == nil {
			t.Errorf("%s: NewVar3D accepted it", tc.name)
		}
		if _, err := NewOI(tc.cfg, []float64{0, 0}, tc.b, tc.r); err == nil {
			t.Errorf("%s: NewOI accepted it", tc.name)
		}
	}
	if _, err := NewOI(Var3DConfig{Dim: 2, Obs: 2}, []float64{0}, b, r); err == nil {
		t.Errorf("short mean: NewOI accepted it")
	}
	if _, err := NewOI(Var3DConfig{Dim: 2, Obs: 2}, []float64{0, math.Inf(1)}, b, r); err == nil {
		t.Errorf("infinite mean: NewOI accepted it")
	}
}

// l96Climatology returns the mean and covariance of a free L96 run of
// steps steps from the attractor, by [Climatology].
func l96Climatology(t testing.TB, steps int) (mean, cov []float64) {
	t.Helper()
	n := 40
	m := newExactL96(n)
	x := l96State(n, 5)
	c := NewClimatology(n)
	for k := 0; k < steps; k++ {
		m.Step(x, 0)
		c.Add(x)
	}
	mean, cov = make([]float64, n), make([]float64, n*n)
	c.Mean(mean)
	c.Cov(cov)
	return mean, cov
}

// TestVar3DOITwinL96 runs 3D-Var (B = 0.02 × climatology; DAPPER 0.41)
// and OI (B = climatology; DAPPER 0.95) on the L96 benchmark for a few
// thousand analyses with a climatology from a free run, and asserts sane
// analysis RMSEs.
func TestVar3DOITwinL96(t *testing.T) {
	n := 40
	mean, cov := l96Climatology(t, 20000)
	for _, tc := range []struct {
		name  string
		scale float64
		oi    bool
		max   float64
	}{
		{"3D-Var", 0.02, false, 0.5},
		{"OI", 1, true, 1.1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := NewBackground(cov, n, tc.scale)
			if err != nil {
				t.Fatal(err)
			}
			cfg := Var3DConfig{Dim: n, Obs: n, LinearObs: true}
			tw := twin{model: newExactL96(n), x0: l96State(n, 0), steps: 1, dim: n, r: 1, dt: 0.05, seed: 2, cycles: 3000, spn: 500}
			fm := newExactL96(n)
			x := append([]float64(nil), mean...)
			var analyze func(y []float64) error
			var variance func(dst []float64, analysis bool)
			if tc.oi {
				o, err := NewOI(cfg, mean, b, mustDiagR(t, n))
				if err != nil {
					t.Fatal(err)
				}
				analyze = func(y []float64) error { return o.Analyze(x, eyeObs{}, y) }
				variance = func(dst []float64, a bool) {
					if a {
						o.Variance(dst)
					} else {
						o.ForecastVariance(dst)
					}
				}
			} else {
				v, err := NewVar3D(cfg, b, mustDiagR(t, n))
				if err != nil {
					t.Fatal(err)
				}
				analyze = func(y []float64) error { return v.Analyze(x, eyeObs{}, y) }
				variance = func(dst []float64, a bool) {
					if a {
						v.Variance(dst)
					} else {
						v.ForecastVariance(dst)
					}
				}
			}
			forecast := func(t0 float64) error {
				for k := 0; k < tw.steps; k++ {
					fm.Step(x, t0+float64(k)*tw.dt)
				}
				return nil
			}
			rmse, spread := tw.run(t, x, forecast, analyze, variance)
			t.Logf("L96 %s: analysis RMSE %.4f, spread %.4f over %d analyses", tc.name, rmse, spread, tw.cycles-tw.spn)
			if !(rmse < tc.max) {
				t.Errorf("analysis RMSE %v, want below %v", rmse, tc.max)
			}
		})
	}
}

// TestVar3DZeroAllocs checks that Analyze allocates nothing, the gain
// reused or not, with values missing, and for OI.
func TestVar3DZeroAllocs(t *testing.T) {
	n := 40
	b, err := NewBackground(spdMatrix(n, 6), n, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name            string
		linear, oi, mis bool
	}{
		{"3D-Var", false, false, false},
		{"3D-Var, gain reused", true, false, false},
		{"3D-Var, missing", false, false, true},
		{"3D-Var, gain reused, missing", true, false, true},
		{"OI", false, true, false},
		{"OI, missing", false, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Var3DConfig{Dim: n, Obs: n, LinearObs: tc.linear}
			var analyze func(x, y []float64) error
			if tc.oi {
				o, err := NewOI(cfg, make([]float64, n), b, mustDiagR(t, n))
				if err != nil {
					t.Fatal(err)
				}
				analyze = func(x, y []float64) error { return o.Analyze(x, eyeObs{}, y) }
			} else {
				v, err := NewVar3D(cfg, b, mustDiagR(t, n))
				if err != nil {
					t.Fatal(err)
				}
				analyze = func(x, y []float64) error { return v.Analyze(x, eyeObs{}, y) }
			}
			x0, y := l96State(n, 1), l96State(n, 2)
			if tc.mis {
				y[5] = nan()
			}
			x := make([]float64, n)
			allocs := testing.AllocsPerRun(20, func() {
				copy(x, x0)
				if err := analyze(x, y); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("Analyze: %v allocations per call, want 0", allocs)
			}
		})
	}
}

// BenchmarkVar3DL96 times one L96 cycle of 3D-Var at the benchmark
// settings (B = 0.02 × a climatological covariance, H = I, R = I): one
// model step and Analyze, with the gain reused (H linear, as the
// language's identity operator is) and recomputed at every analysis.
func BenchmarkVar3DL96(b *testing.B) {
	n := 40
	_, cov := l96Climatology(b, 5000)
	bg, err := NewBackground(cov, n, 0.02)
	if err != nil {
		b.Fatal(err)
	}
	for _, linear := range []bool{true, false} {
		b.Run(fmt.Sprintf("reuse=%v", linear), func(b *testing.B) {
			R := mustDiagR(b, n)
			v, err := NewVar3D(Var3DConfig{Dim: n, Obs: n, LinearObs: linear}, bg, R)
			if err != nil {
				b.Fatal(err)
			}
			truth := l96State(n, 0)
			x := append([]float64(nil), truth...)
			tm, fm := newExactL96(n), newExactL96(n)
			y := make([]float64, n)
			noise := NewStream(1, PurposeObsNoise, 0)
			b.ReportAllocs()
			for k := 0; b.Loop(); k++ {
				tm.Step(truth, 0)
				copy(y, truth)
				noise.Reset(1, PurposeObsNoise, uint64(k))
				R.AddNoise(y, noise)
				fm.Step(x, 0)
				if err := v.Analyze(x, eyeObs{}, y); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
