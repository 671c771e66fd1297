// Tests of the ETKF beyond the Kalman-filter identity: configuration,
// rotation, inflation, path agreement, determinism and bad input.

package runtime

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// l96Like returns an N-member ensemble of dimension n around the L96
// climatological mean, its observed copy (H = I) and an observation.
func l96Like(N, n int, seed uint64) (E, HE *Ensemble, y []float64) {
	E = randomEnsemble(N, n, 2.3, 0.5, seed)
	HE = NewEnsemble(N, n)
	copy(HE.Data, E.Data)
	y = make([]float64, n)
	s := NewStream(seed, PurposeObsNoise, 0)
	for i := range y {
		y[i] = 2.3 + s.Normal()
	}
	return E, HE, y
}

func identityR(t testing.TB, p int) *ObsError {
	t.Helper()
	v := make([]float64, p)
	for i := range v {
		v[i] = 1
	}
	R, err := NewDiagObsError(v)
	if err != nil {
		t.Fatal(err)
	}
	return R
}

func TestFilterConfigErrors(t *testing.T) {
	R := identityR(t, 3)
	for _, tc := range []struct {
		name              string
		members, dim, obs int
		infl              float64
		R                 *ObsError
		want              string
	}{
		{"one member", 1, 3, 3, 1, R, "1 members, want at least 2"},
		{"no state", 5, 0, 3, 1, R, "state dimension 0"},
		{"no obs", 5, 3, 0, 1, R, "0 observations"},
		{"deflation", 5, 3, 3, 0.9, R, "inflation 0.9"},
		{"NaN inflation", 5, 3, 3, math.NaN(), R, "inflation NaN"},
		{"nil R", 5, 3, 3, 1, nil, "no observation-error covariance"},
		{"R size", 5, 3, 4, 1, R, "3x3 but there are 4 observations"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err1 := NewETKF(ETKFConfig{Members: tc.members, Dim: tc.dim, Obs: tc.obs, Inflation: tc.infl}, tc.R)
			_, err2 := NewEnKF(EnKFConfig{Members: tc.members, Dim: tc.dim, Obs: tc.obs, Inflation: tc.infl}, tc.R)
			for name, err := range map[string]error{"ETKF": err1, "EnKF": err2} {
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), name) {
					t.Errorf("%s: error %v, want one starting %q containing %q", name, err, name, tc.want)
				}
			}
		})
	}
}

// TestAnalyzeBadInput checks that shape errors and non-finite values are
// reported as errors and leave the ensemble untouched.
func TestAnalyzeBadInput(t *testing.T) {
	const N, n = 6, 3
	R := identityR(t, n)
	etkf, err := NewETKF(ETKFConfig{Members: N, Dim: n, Obs: n, Inflation: 1, Rotate: true}, R)
	if err != nil {
		t.Fatal(err)
	}
	etkfObs, err := NewETKF(ETKFConfig{Members: N + 4, Dim: n, Obs: n, Inflation: 1}, R)
	if err != nil {
		t.Fatal(err)
	}
	enkf, err := NewEnKF(EnKFConfig{Members: N, Dim: n, Obs: n, Inflation: 1}, R)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name    string
		a       Analysis
		members int
	}{{"ETKF", etkf, N}, {"ETKF obs-space", etkfObs, N + 4}, {"EnKF", enkf, N}} {
		for _, tc := range []struct {
			name string
			edit func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64)
			want string
		}{
			{"short y", func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) { return E, HE, y[:2] }, "observation has 2 values"},
			{"wrong E", func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
				return NewEnsemble(f.members, n+1), HE, y
			}, "state ensemble has"},
			{"nil HE", func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) { return E, nil, y }, "observed ensemble is nil"},
			{"NaN E", func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
				E.Data[2] = math.NaN()
				return E, HE, y
			}, "non-finite"},
			{"Inf y", func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
				y[1] = math.Inf(-1)
				return E, HE, y
			}, "non-finite"},
			{"Inf HE", func(E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
				HE.Data[4] = math.Inf(1)
				return E, HE, y
			}, "non-finite"},
		} {
			t.Run(f.name+"/"+tc.name, func(t *testing.T) {
				E, HE, y := l96Like(f.members, n, 1)
				E, HE, y = tc.edit(E, HE, y)
				before := append([]float64(nil), E.Data...)
				err := f.a.Analyze(E, HE, y, 0)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error %v, want one containing %q", err, tc.want)
				}
				for i := range before {
					if math.Float64bits(E.Data[i]) != math.Float64bits(before[i]) {
						t.Fatalf("ensemble element %d changed by a failed analysis", i)
					}
				}
			})
		}
	}
}

// TestETKFRotationPreservesMoments checks that rotation changes the members
// but neither the mean nor the covariance, on both paths.
func TestETKFRotationPreservesMoments(t *testing.T) {
	for _, tc := range []struct{ N, n, p int }{{10, 3, 3}, {24, 40, 40}, {40, 40, 40}} {
		t.Run(fmt.Sprintf("N=%d,n=%d,p=%d", tc.N, tc.n, tc.p), func(t *testing.T) {
			R := identityR(t, tc.p)
			E0, HE, y := l96Like(tc.N, tc.n, 4)
			var means, covs [2][]float64
			var data [2][]float64
			for i, rot := range []bool{false, true} {
				f, err := NewETKF(ETKFConfig{Members: tc.N, Dim: tc.n, Obs: tc.p, Inflation: 1, Rotate: rot, Seed: 8}, R)
				if err != nil {
					t.Fatal(err)
				}
				E := &Ensemble{Members: tc.N, Dim: tc.n, Data: append([]float64(nil), E0.Data...)}
				if err := f.Analyze(E, HE, y, 3); err != nil {
					t.Fatal(err)
				}
				means[i], covs[i] = sampleMoments(E)
				data[i] = E.Data
			}
			if d := maxAbsDiff(means[0], means[1]); d > 1e-12 {
				t.Errorf("rotation moved the mean by %.3g", d)
			}
			if d := frobRel(covs[1], covs[0]); d > 1e-12 {
				t.Errorf("rotation changed the covariance by relative %.3g", d)
			}
			if d := maxAbsDiff(data[0], data[1]); d < 1e-3 {
				t.Errorf("rotation changed the members by only %.3g", d)
			}
		})
	}
}

// TestRotationIsHaarOnMeanPreserving checks the distribution of Ω: over
// many draws its average is the projection 11'/N (E[Q] = 0 for Haar Q),
// which fails if the sign correction of the QR factor is dropped.
func TestRotationIsHaarOnMeanPreserving(t *testing.T) {
	const N, draws = 5, 4000
	r := newRotator(N, N)
	s := NewStream(1, PurposeRotation, 0)
	sum := make([]float64, N*N)
	x := make([]float64, N*N)
	for d := 0; d < draws; d++ {
		clear(x)
		for i := 0; i < N; i++ {
			x[i*N+i] = 1
		}
		s.Reset(1, PurposeRotation, uint64(d))
		r.apply(x, s) // x = Ω
		for i := range x {
			sum[i] += x[i]
		}
		if d == 0 {
			// Ω orthogonal with Ω1 = 1.
			for i := 0; i < N; i++ {
				var row float64
				for j := 0; j < N; j++ {
					row += x[i*N+j]
					var dot float64
					for k := 0; k < N; k++ {
						dot += x[i*N+k] * x[j*N+k]
					}
					want := 0.0
					if i == j {
						want = 1
					}
					if math.Abs(dot-want) > 1e-13 {
						t.Fatalf("Ω not orthogonal: row %d·row %d = %v", i, j, dot)
					}
				}
				if math.Abs(row-1) > 1e-13 {
					t.Fatalf("Ω1 ≠ 1: row %d sums to %v", i, row)
				}
			}
		}
	}
	for i := range sum {
		// Entries of Haar Ω have variance < 1/(N-1) about their mean 1/N.
		if d := math.Abs(sum[i]/draws - 1.0/N); d > 5/math.Sqrt(draws*(N-1)) {
			t.Errorf("mean Ω[%d][%d] = %.4f, want %.4f", i/N, i%N, sum[i]/draws, 1.0/N)
		}
	}
}

// TestInflationScalesAnomalies checks that inflation a multiplies the
// analysis anomalies by exactly a and keeps the analysis mean.
func TestInflationScalesAnomalies(t *testing.T) {
	const N, n = 12, 5
	R := identityR(t, n)
	for _, filter := range []string{"ETKF", "ETKF+rotate", "ETKF obs-space", "EnKF"} {
		t.Run(filter, func(t *testing.T) {
			members := N
			if filter == "ETKF obs-space" {
				members = N
			} else if filter != "EnKF" {
				members = n // p = n >= N forces the ensemble-space path
			}
			E0, HE, y := l96Like(members, n, 5)
			var results [2]*Ensemble
			for i, infl := range []float64{1, 1.1} {
				var a Analysis
				var err error
				if filter == "EnKF" {
					a, err = NewEnKF(EnKFConfig{Members: members, Dim: n, Obs: n, Inflation: infl, Seed: 2}, R)
				} else {
					a, err = NewETKF(ETKFConfig{Members: members, Dim: n, Obs: n, Inflation: infl, Rotate: filter == "ETKF+rotate", Seed: 2}, R)
				}
				if err != nil {
					t.Fatal(err)
				}
				E := &Ensemble{Members: members, Dim: n, Data: append([]float64(nil), E0.Data...)}
				if err := a.Analyze(E, HE, y, 1); err != nil {
					t.Fatal(err)
				}
				results[i] = E
			}
			m0, m1 := make([]float64, n), make([]float64, n)
			results[0].Mean(m0)
			results[1].Mean(m1)
			if d := maxAbsDiff(m0, m1); d > 1e-13 {
				t.Errorf("inflation moved the mean by %.3g", d)
			}
			scale := maxAbs(results[0].Data)
			for k := 0; k < members; k++ {
				a0, a1 := results[0].Member(k), results[1].Member(k)
				for i := 0; i < n; i++ {
					if d := math.Abs((a1[i] - m1[i]) - 1.1*(a0[i]-m0[i])); d > 1e-13*scale {
						t.Fatalf("member %d element %d: anomaly %v, want 1.1 × %v", k, i, a1[i]-m1[i], a0[i]-m0[i])
					}
				}
			}
		})
	}
}

// TestETKFPathsAgree checks the ensemble-space and observation-space
// computations of the same transform on a nonlinear-looking ensemble with
// a full R.
func TestETKFPathsAgree(t *testing.T) {
	const N, n, p = 15, 6, 4
	R, err := NewObsError([]float64{
		1.0, 0.3, 0.0, 0.1,
		0.3, 2.0, 0.4, 0.0,
		0.0, 0.4, 0.5, 0.1,
		0.1, 0.0, 0.1, 1.5,
	}, p)
	if err != nil {
		t.Fatal(err)
	}
	E0 := randomEnsemble(N, n, 1, 2, 6)
	HE := NewEnsemble(N, p)
	for k := 0; k < N; k++ {
		x, h := E0.Member(k), HE.Member(k)
		h[0], h[1], h[2], h[3] = x[0]*x[1], math.Sin(x[2]), x[3]+x[4], x[5]*x[5]
	}
	y := []float64{1, 0.5, 2, 1}
	cfg := ETKFConfig{Members: N, Dim: n, Obs: p, Inflation: 1.05, Rotate: true, Seed: 4}
	var out [2][]float64
	for i, obsSpace := range []bool{false, true} {
		f := newETKF(cfg, R, obsSpace)
		E := &Ensemble{Members: N, Dim: n, Data: append([]float64(nil), E0.Data...)}
		if err := f.Analyze(E, HE, y, 2); err != nil {
			t.Fatal(err)
		}
		out[i] = E.Data
	}
	if d := maxAbsDiff(out[0], out[1]); d > 1e-11*maxAbs(out[0]) {
		t.Errorf("the two paths differ by %.3g", d)
	}
}

// TestAnalysisDeterminism checks that the same seed and index give the
// same bits and that another index gives other bits.
func TestAnalysisDeterminism(t *testing.T) {
	const N, n = 10, 3
	R := identityR(t, n)
	run := func(kind string, index uint64) []float64 {
		var a Analysis
		var err error
		if kind == "EnKF" {
			a, err = NewEnKF(EnKFConfig{Members: N, Dim: n, Obs: n, Inflation: 1.02, Seed: 77}, R)
		} else {
			a, err = NewETKF(ETKFConfig{Members: N, Dim: n, Obs: n, Inflation: 1.02, Rotate: true, Seed: 77}, R)
		}
		if err != nil {
			t.Fatal(err)
		}
		E, HE, y := l96Like(N, n, 9)
		if err := a.Analyze(E, HE, y, index); err != nil {
			t.Fatal(err)
		}
		return E.Data
	}
	for _, kind := range []string{"ETKF", "EnKF"} {
		a, b, c := run(kind, 4), run(kind, 4), run(kind, 5)
		if maxAbsDiff(a, b) != 0 {
			t.Errorf("%s: same seed and index gave different bits", kind)
		}
		if maxAbsDiff(a, c) == 0 {
			t.Errorf("%s: analysis index does not key the random stream", kind)
		}
	}
}

// TestETKFRationalMatchesEig checks the rational (Zolotarev) ensemble-space
// transform against the eigendecomposition it replaces, over condition
// numbers of S from 1 to past the fallback, and that the fallback is taken.
func TestETKFRationalMatchesEig(t *testing.T) {
	for _, tc := range []struct {
		N, n, p      int
		spread, rvar float64
		fallback     bool
	}{
		{40, 40, 40, 0.5, 1, false},
		{40, 40, 40, 2, 1, false},
		{40, 40, 40, 2, 1e-3, true},
		{40, 40, 40, 1, 1e-2, false},
		{40, 40, 40, 2, 1e-6, true},
		{2, 3, 3, 1, 1, false},
		{3, 2, 4, 1, 0.1, false},
		{10, 5, 12, 1e-3, 1, false},
		{20, 40, 40, 3, 1e-4, true},
		{20, 40, 40, 0.3, 1e-2, false},
	} {
		t.Run(fmt.Sprintf("N=%d/spread=%g/r=%g", tc.N, tc.spread, tc.rvar), func(t *testing.T) {
			v := make([]float64, tc.p)
			for i := range v {
				v[i] = tc.rvar
			}
			R, err := NewDiagObsError(v)
			if err != nil {
				t.Fatal(err)
			}
			E0 := randomEnsemble(tc.N, tc.n, 2.3, tc.spread, 3)
			HE := NewEnsemble(tc.N, tc.p)
			for k := 0; k < tc.N; k++ {
				for i := 0; i < tc.p; i++ {
					HE.Member(k)[i] = E0.Member(k)[i%tc.n] * (1 + 0.1*float64(i))
				}
			}
			y := make([]float64, tc.p)
			for i := range y {
				y[i] = 2.3 + 0.3*float64(i%5)
			}
			cfg := ETKFConfig{Members: tc.N, Dim: tc.n, Obs: tc.p, Inflation: 1}
			var out [2][]float64
			for i := range out {
				f := newETKF(cfg, R, false)
				if i == 1 {
					f.tr.zo = newZolotarev(0) // no poles: always the eigendecomposition
				}
				E := &Ensemble{Members: tc.N, Dim: tc.n, Data: append([]float64(nil), E0.Data...)}
				if err := f.Analyze(E, HE, y, 1); err != nil {
					t.Fatal(err)
				}
				if i == 0 && (f.tr.zo.n == 0) != tc.fallback {
					t.Errorf("fallback taken: %v, want %v", f.tr.zo.n == 0, tc.fallback)
				}
				out[i] = E.Data
			}
			if d := maxAbsDiff(out[0], out[1]); d > 1e-12*maxAbs(out[1]) {
				t.Errorf("rational and eigen transforms differ by %.3g", d)
			}
		})
	}
}

// TestETKFFallbackZeroAllocs checks that an ill-conditioned analysis,
// which takes the eigendecomposition instead of the rational transform,
// allocates nothing either.
func TestETKFFallbackZeroAllocs(t *testing.T) {
	const N, n = 40, 40
	v := make([]float64, n)
	for i := range v {
		v[i] = 1e-6
	}
	R, err := NewDiagObsError(v)
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewETKF(ETKFConfig{Members: N, Dim: n, Obs: n, Inflation: 1}, R)
	if err != nil {
		t.Fatal(err)
	}
	E0, HE, y := l96Like(N, n, 5)
	E := NewEnsemble(N, n)
	allocs := testing.AllocsPerRun(20, func() {
		copy(E.Data, E0.Data)
		if err := f.Analyze(E, HE, y, 1); err != nil {
			t.Fatal(err)
		}
	})
	if f.tr.zo.n != 0 {
		t.Fatalf("rational transform with %d poles taken, want the fallback", f.tr.zo.n)
	}
	if allocs != 0 {
		t.Errorf("%v allocations per analysis", allocs)
	}
}
