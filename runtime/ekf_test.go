// Tests of the extended Kalman filter and of the exact test models it runs on.

package runtime

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

// TestEKFMatchesKalmanFilter runs the EKF with inflation 1 on a linear
// model and operator against the exact KalmanFilter fed the model's and
// operator's matrices, over 50 cycles of 2 steps: mean and covariance
// agree to 1e-12 relative at every analysis. The cases cover a diagonal
// and a full R, and missing values (the KalmanFilter then gets the rows
// present of H, y and R).
func TestEKFMatchesKalmanFilter(t *testing.T) {
	fullR, err := NewObsError([]float64{0.6, 0.2, 0.2, 0.9}, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		full    bool
		missing func(cycle int) int // index of the value missing at cycle, or -1
	}{
		{"diagonal R", false, func(int) int { return -1 }},
		{"full R", true, func(int) int { return -1 }},
		{"diagonal R, missing values", false, func(c int) int { return []int{-1, 0, 1}[c%3] }},
		{"full R, missing values", true, func(c int) int { return []int{-1, 1, -1, 0}[c%4] }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sys := newLinearSystem(t)
			R := sys.R
			if tc.full {
				R = fullR
			}
			n, p := sys.n, sys.p
			kf, err := NewKalmanFilter(sys.m0, sys.P0)
			if err != nil {
				t.Fatal(err)
			}
			ekf, err := NewEKF(EKFConfig{Dim: n, Obs: p, Inflation: 1, DT: 0.1}, R, sys.m0, sys.P0)
			if err != nil {
				t.Fatal(err)
			}
			model := newLinearModel(sys.M, n)
			obs := linearObs{p: p, n: n, H: sys.H}
			truth := append([]float64(nil), sys.m0...)
			noise := NewStream(3, PurposeObsNoise, 0)
			y := make([]float64, p)
			for c := 0; c < 50; c++ {
				for k := 0; k < sys.steps; k++ {
					model.Step(truth, 0)
					if err := kf.Forecast(sys.M, nil); err != nil {
						t.Fatal(err)
					}
				}
				if err := ekf.Forecast(model, float64(c*sys.steps)*0.1, sys.steps); err != nil {
					t.Fatal(err)
				}
				if d := relDiff(ekf.Mean(), kf.Mean()); d > 1e-12 {
					t.Fatalf("cycle %d forecast: mean differs by %.3g relative", c, d)
				}
				if d := relDiff(ekf.Cov(), kf.Cov()); d > 1e-12 {
					t.Fatalf("cycle %d forecast: covariance differs by %.3g relative", c, d)
				}
				obs.Apply(y, truth)
				R.AddNoise(y, noise)
				miss := tc.missing(c)
				if miss >= 0 {
					y[miss] = math.NaN()
					keep := 1 - miss
					rsub, err := NewDiagObsError([]float64{R.Variance(keep)})
					if err != nil {
						t.Fatal(err)
					}
					if err := kf.Update(sys.H[keep*n:(keep+1)*n], rsub, y[keep:keep+1]); err != nil {
						t.Fatal(err)
					}
				} else if err := kf.Update(sys.H, R, y); err != nil {
					t.Fatal(err)
				}
				if err := ekf.Analyze(obs, y); err != nil {
					t.Fatal(err)
				}
				if d := relDiff(ekf.Mean(), kf.Mean()); d > 1e-12 {
					t.Fatalf("cycle %d analysis: mean differs by %.3g relative", c, d)
				}
				if d := relDiff(ekf.Cov(), kf.Cov()); d > 1e-12 {
					t.Fatalf("cycle %d analysis: covariance differs by %.3g relative", c, d)
				}
			}
		})
	}
}

// squareMap is the scalar map x ← x², whose Jacobian 2x depends on which
// state it is taken at.
type squareMap struct{}

func (squareMap) Step(x []float64, _ float64)        { x[0] *= x[0] }
func (squareMap) Tangent(x, dx []float64, _ float64) { dx[0] *= 2 * x[0] }
func (squareMap) Adjoint(x, ax []float64, _ float64) { ax[0] *= 2 * x[0] }

// TestEKFForecastCovariance checks P ← a^dt M P Mᵀ per step with M taken
// at the state each step starts from: on x ← x² from x = 3 with P = 1,
// two steps give P = a^(2dt) (2·3)² (2·9)², the mean 81.
func TestEKFForecastCovariance(t *testing.T) {
	r, _ := NewDiagObsError([]float64{1})
	for _, tc := range []struct {
		infl, dt float64
	}{{1, 0.05}, {10, 0.05}, {180, 0.01}, {2, 1}} {
		f, err := NewEKF(EKFConfig{Dim: 1, Obs: 1, Inflation: tc.infl, DT: tc.dt}, r, []float64{3}, []float64{1})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Forecast(squareMap{}, 0, 2); err != nil {
			t.Fatal(err)
		}
		want := math.Pow(tc.infl, 2*tc.dt) * 36 * 324
		if got := f.Cov()[0]; math.Abs(got-want) > 1e-12*want {
			t.Errorf("inflation %v, dt %v: P = %v, want %v", tc.infl, tc.dt, got, want)
		}
		if f.Mean()[0] != 81 {
			t.Errorf("mean %v, want 81", f.Mean()[0])
		}
	}
}

// TestEKFInflationPerUnitTime checks DAPPER's convention: under the
// identity model, k steps of dt multiply P by a^(k dt), whatever dt.
func TestEKFInflationPerUnitTime(t *testing.T) {
	r, _ := NewDiagObsError([]float64{1, 1})
	P0 := []float64{2, 0.5, 0.5, 1}
	id := newLinearModel([]float64{1, 0, 0, 1}, 2)
	for _, dt := range []float64{0.01, 0.05, 0.25} {
		f, err := NewEKF(EKFConfig{Dim: 2, Obs: 2, Inflation: 10, DT: dt}, r, []float64{0, 0}, P0)
		if err != nil {
			t.Fatal(err)
		}
		steps := int(math.Round(1 / dt)) // one unit of time
		if err := f.Forecast(id, 0, steps); err != nil {
			t.Fatal(err)
		}
		for i, v := range f.Cov() {
			if want := 10 * P0[i]; math.Abs(v-want) > 1e-12*want {
				t.Errorf("dt %v: P[%d] = %v after one time unit, want %v", dt, i, v, want)
			}
		}
	}
}

// TestEKFAdditive checks that additive = s adds s² to the diagonal of
// the analysis covariance and nothing elsewhere.
func TestEKFAdditive(t *testing.T) {
	r, _ := NewDiagObsError([]float64{1, 1})
	P0 := []float64{2, 0.5, 0.5, 1}
	var plain, added []float64
	for _, s := range []float64{0, 0.3} {
		f, err := NewEKF(EKFConfig{Dim: 2, Obs: 2, Inflation: 1, DT: 1, Additive: s}, r, []float64{0, 0}, P0)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Analyze(eyeObs{}, []float64{1, -1}); err != nil {
			t.Fatal(err)
		}
		if s == 0 {
			plain = append([]float64(nil), f.Cov()...)
		} else {
			added = f.Cov()
		}
	}
	for i, v := range added {
		want := plain[i]
		if i == 0 || i == 3 {
			want += 0.09
		}
		if math.Abs(v-want) > 1e-15 {
			t.Errorf("P[%d] = %v, want %v", i, v, want)
		}
	}
	if _, err := NewEKF(EKFConfig{Dim: 2, Obs: 2, Inflation: 1, DT: 1, Additive: -1}, r, []float64{0, 0}, P0); err == nil {
		t.Error("a negative additive inflation is accepted")
	}
}

// TestEKFTwin runs the EKF on the benchmark settings of benchmarks.md
// (DAPPER: L96 inflation 10 → 0.24, L63 inflation 180 → 0.92) for a few
// thousand analyses and asserts a sane analysis RMSE, and a spread of the
// same size.
func TestEKFTwin(t *testing.T) {
	for _, tc := range []struct {
		name      string
		tw        twin
		infl, max float64
	}{
		{"L96", twin{model: newExactL96(40), x0: l96State(40, 0), steps: 1, dim: 40, r: 1, dt: 0.05, seed: 1, cycles: 2000, spn: 500}, 10, 0.3},
		{"L63", twin{model: newExactL63(), x0: []float64{1.509, -1.531, 25.46}, steps: 25, dim: 3, r: 2, dt: 0.01, seed: 1, cycles: 4000, spn: 500}, 180, 1.1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tw := tc.tw
			n := tw.dim
			R, _ := NewDiagObsError(constVec(n, tw.r))
			// The filter starts from a perturbed truth with a matching P.
			mean := append([]float64(nil), tw.x0...)
			s := NewStream(tw.seed, PurposeEnsembleInit, 0)
			for i := range mean {
				mean[i] += s.Normal()
			}
			P0 := make([]float64, n*n)
			for i := 0; i < n; i++ {
				P0[i*n+i] = 1
			}
			// The filter's model is a separate instance (its own stage buffers).
			var fm TangentModel
			if n == 40 {
				fm = newExactL96(n)
			} else {
				fm = newExactL63()
			}
			f, err := NewEKF(EKFConfig{Dim: n, Obs: n, Inflation: tc.infl, DT: tw.dt}, R, mean, P0)
			if err != nil {
				t.Fatal(err)
			}
			rmse, spread := tw.run(t, f.Mean(),
				func(t0 float64) error { return f.Forecast(fm, t0, tw.steps) },
				func(y []float64) error { return f.Analyze(eyeObs{}, y) },
				func(dst []float64, _ bool) { f.Variance(dst) })
			t.Logf("%s EKF inflation %v: analysis RMSE %.4f, spread %.4f over %d analyses", tc.name, tc.infl, rmse, spread, tw.cycles-tw.spn)
			if !(rmse < tc.max) {
				t.Errorf("analysis RMSE %v, want below %v", rmse, tc.max)
			}
			if !(spread > rmse/3 && spread < 3*rmse) {
				t.Errorf("analysis spread %v is far from the RMSE %v", spread, rmse)
			}
		})
	}
}

// TestEKFMissingAndErrors checks the analyses that make no change: every
// value missing (ErrNoObservations, unwrapped), a non-finite or
// misshapen observation, a non-positive-definite innovation covariance
// (errors, the filter unchanged); a forecast that overflows; and the
// construction errors.
func TestEKFMissingAndErrors(t *testing.T) {
	R, _ := NewDiagObsError([]float64{1, 1})
	mean, P := []float64{1, 2}, []float64{1, 0.2, 0.2, 1}
	for _, tc := range []struct {
		name string
		y    []float64
		want error // nil: any error
	}{
		{"all missing", []float64{nan(), nan()}, ErrNoObservations},
		{"infinite value", []float64{math.Inf(1), 0}, nil},
		{"wrong length", []float64{1}, nil},
	} {
		f, err := NewEKF(EKFConfig{Dim: 2, Obs: 2, Inflation: 1, DT: 1}, R, mean, P)
		if err != nil {
			t.Fatal(err)
		}
		err = f.Analyze(eyeObs{}, tc.y)
		switch {
		case err == nil:
			t.Errorf("%s: no error", tc.name)
		case tc.want != nil && err != tc.want:
			t.Errorf("%s: error %v, want %v itself", tc.name, err, tc.want)
		}
		if !sameBits(f.Mean(), mean) || !sameBits(f.Cov(), P) {
			t.Errorf("%s: the filter changed: mean %v, P %v", tc.name, f.Mean(), f.Cov())
		}
	}

	for _, tc := range []struct {
		name      string
		cfg       EKFConfig
		r         *ObsError
		mean, cov []float64
	}{
		{"no state", EKFConfig{Dim: 0, Obs: 2, Inflation: 1, DT: 1}, R, nil, nil},
		{"deflation", EKFConfig{Dim: 2, Obs: 2, Inflation: 0.9, DT: 1}, R, mean, P},
		{"NaN inflation", EKFConfig{Dim: 2, Obs: 2, Inflation: nan(), DT: 1}, R, mean, P},
		{"zero dt", EKFConfig{Dim: 2, Obs: 2, Inflation: 1, DT: 0}, R, mean, P},
		{"R size", EKFConfig{Dim: 2, Obs: 3, Inflation: 1, DT: 1}, R, mean, P},
		{"no R", EKFConfig{Dim: 2, Obs: 2, Inflation: 1, DT: 1}, nil, mean, P},
		{"mean length", EKFConfig{Dim: 2, Obs: 2, Inflation: 1, DT: 1}, R, []float64{1}, P},
		{"asymmetric P", EKFConfig{Dim: 2, Obs: 2, Inflation: 1, DT: 1}, R, mean, []float64{1, 0.2, 0.3, 1}},
		{"NaN mean", EKFConfig{Dim: 2, Obs: 2, Inflation: 1, DT: 1}, R, []float64{nan(), 0}, P},
	} {
		if _, err := NewEKF(tc.cfg, tc.r, tc.mean, tc.cov); err == nil {
			t.Errorf("%s: NewEKF accepted it", tc.name)
		}
	}

	// A covariance that is not positive semi-definite can make S singular.
	neg, err := NewEKF(EKFConfig{Dim: 2, Obs: 2, Inflation: 1, DT: 1}, R, mean, []float64{-5, 0, 0, -5})
	if err != nil {
		t.Fatal(err)
	}
	if err := neg.Analyze(eyeObs{}, []float64{0, 0}); err == nil {
		t.Errorf("S = H P Hᵀ + R = -4 I: no error")
	}
	if !sameBits(neg.Mean(), mean) {
		t.Errorf("failed analysis changed the mean to %v", neg.Mean())
	}

	// A model that blows up is a forecast error, not a panic.
	f, _ := NewEKF(EKFConfig{Dim: 1, Obs: 1, Inflation: 1, DT: 1}, mustDiagR(t, 1), []float64{1e200}, []float64{1})
	if err := f.Forecast(squareMap{}, 0, 2); err == nil || !errors.Is(err, errNonFiniteState) {
		t.Errorf("forecast to Inf: error %v, want one about non-finite values", err)
	}
}

// TestEKFZeroAllocs checks that Forecast and Analyze allocate nothing,
// with all observations, with some missing, and with a full R.
func TestEKFZeroAllocs(t *testing.T) {
	n := 40
	full := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			full[i*n+j] = 0.3 * math.Exp(-math.Abs(float64(i-j)))
		}
		full[i*n+i] += 0.7
	}
	fullR, err := NewObsError(full, n)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		r       *ObsError
		missing bool
	}{{"diagonal R", mustDiagR(t, n), false}, {"diagonal R, missing", mustDiagR(t, n), true}, {"full R, missing", fullR, true}} {
		t.Run(tc.name, func(t *testing.T) {
			x := l96State(n, 2)
			P := make([]float64, n*n)
			for i := 0; i < n; i++ {
				P[i*n+i] = 0.1
			}
			f, err := NewEKF(EKFConfig{Dim: n, Obs: n, Inflation: 10, DT: 0.05}, tc.r, x, P)
			if err != nil {
				t.Fatal(err)
			}
			m := newExactL96(n)
			y := l96State(n, 3)
			if tc.missing {
				y[3], y[17] = nan(), nan()
			}
			var k float64
			allocs := testing.AllocsPerRun(20, func() {
				if err := f.Forecast(m, k, 1); err != nil {
					t.Fatal(err)
				}
				if err := f.Analyze(eyeObs{}, y); err != nil {
					t.Fatal(err)
				}
				k++
			})
			if allocs != 0 {
				t.Errorf("Forecast+Analyze: %v allocations per cycle, want 0", allocs)
			}
		})
	}
}

// BenchmarkEKFL96 times one L96 cycle of the EKF at the benchmark
// settings: Forecast of one step (n = 40, 80 tangent-linear steps) and
// Analyze with H = I, R = I, on a twin run.
func BenchmarkEKFL96(b *testing.B) {
	n := 40
	tw := twin{model: newExactL96(n), x0: l96State(n, 0), dt: 0.05}
	R := mustDiagR(b, n)
	P := make([]float64, n*n)
	for i := 0; i < n; i++ {
		P[i*n+i] = 0.1
	}
	f, err := NewEKF(EKFConfig{Dim: n, Obs: n, Inflation: 10, DT: tw.dt}, R, tw.x0, P)
	if err != nil {
		b.Fatal(err)
	}
	truth := append([]float64(nil), tw.x0...)
	y := make([]float64, n)
	m := newExactL96(n)
	noise := NewStream(1, PurposeObsNoise, 0)
	b.ReportAllocs()
	for k := 0; b.Loop(); k++ {
		// The truth step and its observation cost about 1% of the cycle.
		tw.model.Step(truth, 0)
		copy(y, truth)
		noise.Reset(1, PurposeObsNoise, uint64(k))
		R.AddNoise(y, noise)
		if err := f.Forecast(m, float64(k)*tw.dt, 1); err != nil {
			b.Fatal(err)
		}
		if err := f.Analyze(eyeObs{}, y); err != nil {
			b.Fatal(fmt.Errorf("cycle %d: %w", k, err))
		}
	}
}
