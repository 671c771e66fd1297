// Tests of the LETKF: agreement with the ETKF when nothing is localised,
// with a direct implementation of its definition, bit-identical results at
// any worker count, missing values, untouched elements, allocations and
// errors; and its benchmarks.

package runtime

import (
	"errors"
	"fmt"
	"math"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// letkfProblem returns an N-member ensemble of n elements, a mildly
// nonlinear observed ensemble of the observations at obsAt, an observation
// and a diagonal R whose variances vary by observation (scaled by rvar).
func letkfProblem(t testing.TB, N, n int, obsAt []int, rvar float64, seed uint64) (E, HE *Ensemble, y []float64, R *ObsError) {
	t.Helper()
	p := len(obsAt)
	E = randomEnsemble(N, n, 2.3, 0.5, seed)
	HE = NewEnsemble(N, p)
	for k := 0; k < N; k++ {
		x, h := E.Member(k), HE.Member(k)
		for j, at := range obsAt {
			h[j] = x[at]*(1+0.05*float64(j%3)) + 0.1*math.Sin(x[at])
		}
	}
	y = make([]float64, p)
	v := make([]float64, p)
	s := NewStream(seed, PurposeObsNoise, 0)
	for j := range y {
		y[j] = 2.4 + 0.8*s.Normal()
		v[j] = rvar * (0.5 + 0.25*float64(j%4))
	}
	R, err := NewDiagObsError(v)
	if err != nil {
		t.Fatal(err)
	}
	return E, HE, y, R
}

// spreadObs returns p observation positions spread over n elements.
func spreadObs(n, p int) []int {
	at := make([]int, p)
	for j := range at {
		at[j] = (j*n + n/3) / p % n
	}
	return at
}

// mixedObs returns positions that observe every element of the first
// third of n and every fourth one after it, so that local analyses have
// many observations in one part and few in the other.
func mixedObs(n int) []int {
	var at []int
	for i := 0; i < n; i++ {
		if i < n/3 || i%4 == 0 {
			at = append(at, i)
		}
	}
	return at
}

// identityObs returns the positions 0, 1, …, n-1.
func identityObs(n int) []int {
	at := make([]int, n)
	for j := range at {
		at[j] = j
	}
	return at
}

// newLETKFT builds an LETKF or fails the test.
func newLETKFT(t testing.TB, cfg LETKFConfig, R *ObsError) *LETKF {
	t.Helper()
	f, err := NewLETKF(cfg, R)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// analyzed returns a copy of E after f's analysis.
func analyzed(t testing.TB, f Analysis, E, HE *Ensemble, y []float64, index uint64) []float64 {
	t.Helper()
	Ea := cloneEnsemble(E)
	if err := f.Analyze(Ea, HE, y, index); err != nil {
		t.Fatal(err)
	}
	return Ea.Data
}

// TestLETKFUnlocalisedIsETKF checks that a step taper covering the whole
// domain gives the ETKF's analysis, on both of the ETKF's paths and with
// rotation, inflation and relaxation.
func TestLETKFUnlocalisedIsETKF(t *testing.T) {
	for _, tc := range []struct {
		N, n, p int
		rotate  bool
		infl    InflationConfig
	}{
		{8, 12, 9, false, InflationConfig{Multiplicative: 1}},
		{8, 12, 9, true, InflationConfig{Multiplicative: 1.05}},
		{20, 40, 40, true, InflationConfig{Multiplicative: 1.04}},
		{12, 10, 7, true, InflationConfig{Multiplicative: 1.02, RTPP: 0.3}},                 // p < N: obs space for the ETKF, ensemble space here
		{30, 15, 6, false, InflationConfig{Multiplicative: 1.1, RTPS: 0.5, Additive: 0.01}}, // p < N/2: both in observation space
		{2, 5, 3, true, InflationConfig{Multiplicative: 1.01}},
	} {
		t.Run(fmt.Sprintf("N=%d/p=%d/rotate=%v", tc.N, tc.p, tc.rotate), func(t *testing.T) {
			obsAt := spreadObs(tc.n, tc.p)
			E, HE, y, R := letkfProblem(t, tc.N, tc.n, obsAt, 0.7, 3)
			ecfg := ETKFConfig{Members: tc.N, Dim: tc.n, Obs: tc.p, Inflation: tc.infl.Multiplicative,
				Additive: tc.infl.Additive, RTPP: tc.infl.RTPP, RTPS: tc.infl.RTPS, Rotate: tc.rotate, Seed: 9}
			etkf, err := NewETKF(ecfg, R)
			if err != nil {
				t.Fatal(err)
			}
			for _, periodic := range []bool{false, true} {
				letkf := newLETKFT(t, LETKFConfig{Members: tc.N, Dim: tc.n, Obs: tc.p, Inflation: ecfg.Inflation,
					Additive: ecfg.Additive, RTPP: ecfg.RTPP, RTPS: ecfg.RTPS, Rotate: tc.rotate, Seed: 9,
					Localization: Localization{Taper: TaperStep, Radius: float64(tc.n)},
					Geometry:     VecGeometry{N: tc.n, Periodic: periodic}, ObsAt: obsAt}, R)
				want := analyzed(t, etkf, E, HE, y, 4)
				got := analyzed(t, letkf, E, HE, y, 4)
				if d := maxAbsDiff(got, want); !(d <= 1e-10*maxAbs(want)) {
					t.Errorf("periodic=%v: LETKF differs from the ETKF by %.3g", periodic, d)
				}
				if d := maxAbsDiff(want, E.Data); d < 1e-3 {
					t.Errorf("the analysis hardly changed the ensemble (%.3g)", d)
				}
			}
		})
	}
}

// referenceLETKF computes the LETKF analysis (multiplicative inflation
// only) from its definition: for each element, the observations by
// Distance and Coefficient, S from its eigendecomposition by gonum.
func referenceLETKF(cfg LETKFConfig, R *ObsError, E, HE *Ensemble, y []float64) []float64 {
	N, n, p := cfg.Members, cfg.Dim, cfg.Obs
	mu, xo := make([]float64, n), make([]float64, p)
	A, Y := make([]float64, N*n), make([]float64, N*p)
	anomalies(A, mu, E.Data, N, n)
	anomalies(Y, xo, HE.Data, N, p)
	out := make([]float64, N*n)
	n1 := float64(N - 1)
	for i := 0; i < n; i++ {
		var loc []int
		var tpr []float64
		for j, at := range cfg.ObsAt {
			c := cfg.Localization.Coefficient(cfg.Geometry.Distance(i, at))
			if c > MinTaperCoefficient && !math.IsNaN(y[j]) {
				loc = append(loc, j)
				tpr = append(tpr, math.Sqrt(c/R.Variance(j)))
			}
		}
		a := make([]float64, N)
		for k := range a {
			a[k] = A[k*n+i]
		}
		mean, x := mu[i], a
		if len(loc) > 0 {
			yl := mat.NewDense(N, len(loc), nil)
			dl := mat.NewVecDense(len(loc), nil)
			for q, j := range loc {
				dl.SetVec(q, (y[j]-xo[j])*tpr[q])
				for k := 0; k < N; k++ {
					yl.Set(k, q, Y[k*p+j]*tpr[q])
				}
			}
			var S mat.SymDense
			S.SymOuterK(1, yl)
			for k := 0; k < N; k++ {
				S.SetSym(k, k, S.At(k, k)+n1)
			}
			var eig mat.EigenSym
			if !eig.Factorize(&S, true) {
				panic("no eigendecomposition")
			}
			var V mat.Dense
			eig.VectorsTo(&V)
			lam := eig.Values(nil)
			// w = V Λ^-1 V' Ỹδ; x = sqrt(N-1) V Λ^-1/2 V' a.
			var yd, vt, va mat.VecDense
			yd.MulVec(yl, dl)
			vt.MulVec(V.T(), &yd)
			va.MulVec(V.T(), mat.NewVecDense(N, a))
			for k, l := range lam {
				vt.SetVec(k, vt.AtVec(k)/l)
				va.SetVec(k, va.AtVec(k)*math.Sqrt(n1/l))
			}
			var w, xv mat.VecDense
			w.MulVec(&V, &vt)
			xv.MulVec(&V, &va)
			mean += mat.Dot(&w, mat.NewVecDense(N, a))
			x = xv.RawVector().Data
		}
		for k := 0; k < N; k++ {
			out[k*n+i] = mean + cfg.Inflation*x[k]
		}
	}
	return out
}

// TestLETKFMatchesDefinition checks the LETKF against referenceLETKF on
// vec and grid geometries, Gaspari–Cohn and step tapers, with missing
// values and ill-conditioned local problems, and that both of its local
// paths were taken.
func TestLETKFMatchesDefinition(t *testing.T) {
	grid := GridGeometry{Rows: 6, Cols: 7, PeriodicCols: true}
	for _, tc := range []struct {
		name    string
		N       int
		g       Geometry
		obsAt   []int
		loc     Localization
		rvar    float64
		missing bool
	}{
		{"vec/gc", 10, VecGeometry{N: 40, Periodic: true}, mixedObs(40), Localization{TaperGaspariCohn, 1.5}, 1, false},
		{"vec/step/open", 8, VecGeometry{N: 40}, mixedObs(40), Localization{TaperStep, 3}, 0.5, false},
		{"vec/missing", 10, VecGeometry{N: 40, Periodic: true}, mixedObs(40), Localization{TaperGaspariCohn, 1.5}, 1, true},
		{"vec/ill-conditioned", 12, VecGeometry{N: 40, Periodic: true}, mixedObs(40), Localization{TaperGaspariCohn, 2}, 1e-5, false},
		{"grid/gc", 10, grid, mixedObs(42), Localization{TaperGaspariCohn, 0.6}, 1, false},
		{"grid/step", 6, grid, mixedObs(42), Localization{TaperStep, 1.5}, 0.3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, p := tc.g.Size(), len(tc.obsAt)
			E, HE, y, R := letkfProblem(t, tc.N, n, tc.obsAt, tc.rvar, 5)
			if tc.missing {
				for j := 0; j < p; j += 3 {
					y[j] = math.NaN()
				}
			}
			cfg := LETKFConfig{Members: tc.N, Dim: n, Obs: p, Inflation: 1.03, Localization: tc.loc, Geometry: tc.g, ObsAt: tc.obsAt}
			f := newLETKFT(t, cfg, R)
			got := analyzed(t, f, E, HE, y, 1)
			want := referenceLETKF(cfg, R, E, HE, y)
			if d := maxAbsDiff(got, want); !(d <= 1e-10*maxAbs(want)) {
				t.Errorf("LETKF differs from its definition by %.3g", d)
			}
			// Both local paths must have been taken.
			paths := map[bool]int{}
			for i := 0; i < n; i++ {
				pl := 0
				for q := f.pairs.StateStart[i]; q < f.pairs.StateStart[i+1]; q++ {
					if !math.IsNaN(y[f.pairs.ObsOf[q]]) {
						pl++
					}
				}
				if pl > 0 {
					paths[pl < letkfObsSpaceBelow(tc.N)]++
				}
			}
			if paths[true] == 0 || paths[false] == 0 {
				t.Errorf("local analyses by path (obs space: true): %v, want both", paths)
			}
			t.Logf("local analyses by path (obs space: true): %v", paths)
		})
	}
}

// TestLETKFWorkersBitIdentical checks that the analysis has the same bits
// whatever the number of workers and GOMAXPROCS, on a problem large
// enough to be shared out.
func TestLETKFWorkersBitIdentical(t *testing.T) {
	const N, n = 20, 240
	obsAt := spreadObs(n, 180)
	E, HE, y, R := letkfProblem(t, N, n, obsAt, 1, 7)
	y[5], y[77] = math.NaN(), math.NaN()
	cfg := LETKFConfig{Members: N, Dim: n, Obs: len(obsAt), Inflation: 1.04, RTPS: 0.2, Additive: 0.01, Rotate: true, Seed: 3,
		Localization: Localization{TaperGaspariCohn, 4}, Geometry: VecGeometry{N: n, Periodic: true}, ObsAt: obsAt}
	one := cfg
	one.Workers = 1
	want := analyzed(t, newLETKFT(t, one, R), E, HE, y, 2)
	defer goruntime.GOMAXPROCS(goruntime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 7} {
		goruntime.GOMAXPROCS(procs)
		for _, workers := range []int{0, 1, 2, 7} {
			c := cfg
			c.Workers = workers
			f := newLETKFT(t, c, R)
			wantWorkers := procs
			if workers > 0 {
				wantWorkers = min(workers, procs)
			}
			if got := len(f.scratch); got != wantWorkers || (f.team != nil) != (wantWorkers > 1) {
				t.Fatalf("GOMAXPROCS %d, Workers %d: %d workers (team %v), want %d", procs, workers, got, f.team != nil, wantWorkers)
			}
			if f.chunks < 2*7 {
				t.Fatalf("%d chunks: too few to share out", f.chunks)
			}
			for rep := 0; rep < 2; rep++ {
				got := analyzed(t, f, E, HE, y, 2)
				for i := range got {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Fatalf("GOMAXPROCS %d, Workers %d: value %d is %v, want %v", procs, workers, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// TestLETKFMissingIsReduced checks that missing values give the analysis
// of the problem without those observations.
func TestLETKFMissingIsReduced(t *testing.T) {
	const N, n = 10, 30
	obsAt := spreadObs(n, 24)
	E, HE, y, R := letkfProblem(t, N, n, obsAt, 0.8, 11)
	var keep []int
	for j := range y {
		if j%4 == 1 || j == 10 || j == 11 {
			y[j] = math.NaN()
		} else {
			keep = append(keep, j)
		}
	}
	m := len(keep)
	at, yr, vr := make([]int, m), make([]float64, m), make([]float64, m)
	HEr := NewEnsemble(N, m)
	for q, j := range keep {
		at[q], yr[q], vr[q] = obsAt[j], y[j], R.Variance(j)
		for k := 0; k < N; k++ {
			HEr.Member(k)[q] = HE.Member(k)[j]
		}
	}
	Rr, err := NewDiagObsError(vr)
	if err != nil {
		t.Fatal(err)
	}
	cfg := LETKFConfig{Members: N, Dim: n, Obs: len(obsAt), Inflation: 1.02, Rotate: true, Seed: 4,
		Localization: Localization{TaperGaspariCohn, 2}, Geometry: VecGeometry{N: n, Periodic: true}, ObsAt: obsAt}
	got := analyzed(t, newLETKFT(t, cfg, R), E, HE, y, 6)
	cfg.Obs, cfg.ObsAt = m, at
	want := analyzed(t, newLETKFT(t, cfg, Rr), E, HEr, yr, 6)
	if d := maxAbsDiff(got, want); d != 0 {
		t.Errorf("missing values differ from the reduced problem by %.3g", d)
	}
}

// TestLETKFUnobservedElementsKeepForecast checks that elements with no
// observation within the taper's support keep their forecast values while
// the observed ones change.
func TestLETKFUnobservedElementsKeepForecast(t *testing.T) {
	const N, n = 10, 30
	obsAt := []int{0, 2, 3, 5, 7, 9}
	E, HE, y, R := letkfProblem(t, N, n, obsAt, 1, 13)
	loc := Localization{TaperGaspariCohn, 1} // zero beyond 3.64
	f := newLETKFT(t, LETKFConfig{Members: N, Dim: n, Obs: len(obsAt), Inflation: 1,
		Localization: loc, Geometry: VecGeometry{N: n}, ObsAt: obsAt}, R)
	got := analyzed(t, f, E, HE, y, 1)
	for i := 0; i < n; i++ {
		changed := 0.0
		for k := 0; k < N; k++ {
			changed = math.Max(changed, math.Abs(got[k*n+i]-E.Data[k*n+i]))
		}
		far := i > 9+int(loc.Support())
		if far && changed > 1e-14 {
			t.Errorf("element %d, beyond every observation's support, changed by %.3g", i, changed)
		}
		if !far && i < 10 && changed < 1e-3 {
			t.Errorf("observed element %d changed by only %.3g", i, changed)
		}
	}
}

// TestLETKFZeroAllocs checks that Analyze allocates nothing, serial and
// shared out, with rotation, relaxation, additive noise and missing
// values.
func TestLETKFZeroAllocs(t *testing.T) {
	defer goruntime.GOMAXPROCS(goruntime.GOMAXPROCS(2))
	for _, n := range []int{12, 40, 400} {
		obsAt := identityObs(n)
		E0, HE, y, R := letkfProblem(t, 20, n, obsAt, 1, 2)
		y[3] = math.NaN()
		f := newLETKFT(t, LETKFConfig{Members: 20, Dim: n, Obs: n, Inflation: 1.04, RTPP: 0.1, RTPS: 0.1, Additive: 0.01,
			Rotate: true, Seed: 1, Localization: Localization{TaperGaspariCohn, 4},
			Geometry: VecGeometry{N: n, Periodic: true}, ObsAt: obsAt, Workers: 2}, R)
		if (f.team != nil) != (n >= 400) {
			t.Fatalf("n=%d: shared out %v, want %v", n, f.team != nil, n >= 400)
		}
		E := cloneEnsemble(E0)
		var index uint64
		allocs := testing.AllocsPerRun(20, func() {
			copy(E.Data, E0.Data)
			index++
			if err := f.Analyze(E, HE, y, index); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("n=%d: %v allocations per analysis", n, allocs)
		}
	}
}

// TestLETKFConfigErrors checks that every invalid configuration is
// rejected with an error naming the LETKF.
func TestLETKFConfigErrors(t *testing.T) {
	R := identityR(t, 4)
	full, err := NewObsError([]float64{1, 0.1, 0, 0, 0.1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}, 4)
	if err != nil {
		t.Fatal(err)
	}
	good := LETKFConfig{Members: 5, Dim: 6, Obs: 4, Inflation: 1, Localization: Localization{TaperGaspariCohn, 2},
		Geometry: VecGeometry{N: 6, Periodic: true}, ObsAt: []int{0, 1, 3, 5}}
	f, err := NewLETKF(good, R)
	if err != nil {
		t.Fatalf("valid configuration rejected: %v", err)
	}
	if c := f.Config(); c.Members != good.Members || c.Localization != good.Localization || !slices.Equal(c.ObsAt, good.ObsAt) {
		t.Errorf("Config() = %+v, want %+v", c, good)
	}
	f.Config().ObsAt[0] = 4
	if f.Config().ObsAt[0] != 0 {
		t.Error("Config() shares its ObsAt with the filter")
	}
	for _, tc := range []struct {
		name string
		edit func(c *LETKFConfig)
		R    *ObsError
		want string
	}{
		{"one member", func(c *LETKFConfig) { c.Members = 1 }, R, "1 members"},
		{"no state", func(c *LETKFConfig) { c.Dim = 0 }, R, "state dimension 0"},
		{"no obs", func(c *LETKFConfig) { c.Obs = 0 }, R, "0 observations"},
		{"deflation", func(c *LETKFConfig) { c.Inflation = 0.9 }, R, "inflation 0.9"},
		{"rtpp", func(c *LETKFConfig) { c.RTPP = 1.5 }, R, "rtpp 1.5"},
		{"additive", func(c *LETKFConfig) { c.Additive = -1 }, R, "additive"},
		{"nil R", func(c *LETKFConfig) {}, nil, "no observation-error covariance"},
		{"R size", func(c *LETKFConfig) {}, identityR(t, 3), "3x3 but there are 4"},
		{"full R", func(c *LETKFConfig) {}, full, "must be diagonal"},
		{"no geometry", func(c *LETKFConfig) { c.Geometry = nil }, R, "no geometry"},
		{"geometry size", func(c *LETKFConfig) { c.Geometry = GridGeometry{Rows: 2, Cols: 2} }, R, "geometry has 4 elements but the state has 6"},
		{"obsAt length", func(c *LETKFConfig) { c.ObsAt = c.ObsAt[:3] }, R, "3 observation positions for 4"},
		{"obsAt range", func(c *LETKFConfig) { c.ObsAt = []int{0, 1, 6, 2} }, R, "observation 2 sits at element 6"},
		{"obsAt negative", func(c *LETKFConfig) { c.ObsAt = []int{0, -1, 2, 2} }, R, "observation 1 sits at element -1"},
		{"zero radius", func(c *LETKFConfig) { c.Localization.Radius = 0 }, R, "radius 0"},
		{"negative radius", func(c *LETKFConfig) { c.Localization.Radius = -2 }, R, "radius -2"},
		{"NaN radius", func(c *LETKFConfig) { c.Localization.Radius = math.NaN() }, R, "radius NaN"},
		{"taper", func(c *LETKFConfig) { c.Localization.Taper = 7 }, R, "unknown taper"},
		{"workers", func(c *LETKFConfig) { c.Workers = -1 }, R, "-1 workers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			c.ObsAt = append([]int(nil), good.ObsAt...)
			tc.edit(&c)
			f, err := NewLETKF(c, tc.R)
			if err == nil || f != nil || !strings.HasPrefix(err.Error(), "LETKF") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, %v; want an error starting LETKF containing %q", f, err, tc.want)
			}
		})
	}
}

// TestLETKFAnalyzeErrors checks shape errors, non-finite input, a
// collapsed ensemble and all-missing observations: each an error (the
// last ErrNoObservations itself) that leaves E unchanged.
func TestLETKFAnalyzeErrors(t *testing.T) {
	const N, n = 6, 8
	obsAt := []int{0, 2, 4, 6, 7}
	p := len(obsAt)
	for _, rotate := range []bool{false, true} {
		for _, tc := range []struct {
			name string
			edit func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64)
			want error
			msg  string
		}{
			{"short y", func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) { return E, HE, y[:2] }, nil, "observation has 2 values"},
			{"wrong E", func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
				return NewEnsemble(N, n+1), HE, y
			}, nil, "state ensemble has"},
			{"wrong HE", func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) { return E, NewEnsemble(N+1, p), y }, nil, "observed ensemble has"},
			{"nil HE", func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) { return E, nil, y }, nil, "observed ensemble is nil"},
			{"NaN E", func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
				E.Data[2*n+5] = math.NaN() // element 5: observed, by 4 and 6
				return E, HE, y
			}, errNonFinite, "LETKF analysis 3"},
			{"Inf E", func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
				E.Data[n+1] = math.Inf(1)
				return E, HE, y
			}, errNonFinite, "LETKF analysis 3"},
			{"Inf y", func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
				y[1] = math.Inf(-1)
				return E, HE, y
			}, errNonFinite, "LETKF analysis 3"},
			{"NaN HE", func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
				HE.Data[3*p+4] = math.NaN()
				return E, HE, y
			}, errNonFinite, "LETKF analysis 3"},
			{"overflow", func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
				for k := 0; k < N; k++ {
					HE.Data[k*p+2] *= 1e200
				}
				return E, HE, y
			}, errNonFinite, "LETKF analysis 3"},
			{"collapsed", func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
				for k := 1; k < N; k++ {
					copy(E.Member(k), E.Member(0))
				}
				return E, HE, y
			}, errCollapsed, "LETKF analysis 3"},
			{"all missing", func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
				for j := range y {
					y[j] = math.NaN()
				}
				return E, HE, y
			}, ErrNoObservations, ""},
		} {
			t.Run(fmt.Sprintf("%s/rotate=%v", tc.name, rotate), func(t *testing.T) {
				E, HE, y, R := letkfProblem(t, N, n, obsAt, 1, 3)
				f := newLETKFT(t, LETKFConfig{Members: N, Dim: n, Obs: p, Inflation: 1.1, Rotate: rotate, RTPP: 0.2,
					Localization: Localization{TaperGaspariCohn, 1}, Geometry: VecGeometry{N: n, Periodic: true}, ObsAt: obsAt}, R)
				E, HE, y = tc.edit(E, HE, y)
				before := append([]float64(nil), E.Data...)
				err := f.Analyze(E, HE, y, 3)
				switch {
				case err == nil:
					t.Fatal("no error")
				case tc.want == ErrNoObservations && err != ErrNoObservations:
					t.Fatalf("error %v, want ErrNoObservations itself", err)
				case tc.want != nil && !errors.Is(err, tc.want):
					t.Fatalf("error %v, want %v", err, tc.want)
				case !strings.Contains(err.Error(), tc.msg) || (tc.want != ErrNoObservations && !strings.HasPrefix(err.Error(), "LETKF")):
					t.Fatalf("error %v, want one starting LETKF containing %q", err, tc.msg)
				}
				for i := range before {
					if math.Float64bits(E.Data[i]) != math.Float64bits(before[i]) {
						t.Fatalf("ensemble element %d changed by a failed analysis", i)
					}
				}
				// The filter still works afterwards.
				E, HE, y, _ = letkfProblem(t, N, n, obsAt, 1, 3)
				if err := f.Analyze(E, HE, y, 4); err != nil {
					t.Fatalf("analysis after the failed one: %v", err)
				}
			})
		}
	}
}

// benchLETKF times one LETKF analysis of an N-member ensemble of n
// elements on a periodic vec, every element observed (R = I), with a
// Gaspari–Cohn taper of radius 4 and inflation 1.04, restoring the
// forecast before each call. It reports the bytes the filter holds, in all and per element.
func benchLETKF(b *testing.B, N, n int, rotate bool) {
	obsAt := identityObs(n)
	R := identityR(b, n)
	var before, after goruntime.MemStats
	goruntime.GC()
	goruntime.ReadMemStats(&before)
	f := newLETKFT(b, LETKFConfig{Members: N, Dim: n, Obs: n, Inflation: 1.04, Rotate: rotate, Seed: 1,
		Localization: Localization{TaperGaspariCohn, 4}, Geometry: VecGeometry{N: n, Periodic: true}, ObsAt: obsAt}, R)
	goruntime.GC()
	goruntime.ReadMemStats(&after)
	held := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	benchL96Analysis(b, f, N, n)
	b.ReportMetric(held, "filter_B")
	b.ReportMetric(held/float64(n), "filter_B/elem")
}

// BenchmarkLETKF20 is the L96 LETKF of benchmarks.md's speed table: 40
// elements all observed, 20 members, radius 4, inflation 1.04, rotation.
func BenchmarkLETKF20(b *testing.B) { benchLETKF(b, 20, 40, true) }

// BenchmarkLETKFBig is a state of 100 000 elements, every one observed,
// 20 members, radius 4: time and memory linear in n.
func BenchmarkLETKFBig(b *testing.B) { benchLETKF(b, 20, 100000, false) }
