// Tests of the serial square-root filter: against the ETKF and against a
// direct re-observing implementation of the localised EAKF, its order,
// missing values, locality, errors, allocations and speed.

package runtime

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

func newEnSRFTest(t testing.TB, cfg EnSRFConfig, R *ObsError) *EnSRF {
	t.Helper()
	f, err := NewEnSRF(cfg, R)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// ensrfAt is a localised test problem: an N×n ensemble, observations of
// the elements obsAt (HE = E at those columns), y, and a diagonal R with
// unequal variances.
type ensrfAt struct {
	E, HE *Ensemble
	y     []float64
	vars  []float64
	obsAt []int
}

func newEnSRFAt(t testing.TB, N, n int, obsAt []int, seed uint64) *ensrfAt {
	t.Helper()
	E := randomEnsemble(N, n, 2.3, 0.8, seed)
	// Correlate neighbours so that the localised update matters.
	for k := 0; k < N; k++ {
		x := E.Member(k)
		x0 := append([]float64(nil), x...)
		for i := range x {
			x[i] = 0.5*x0[i] + 0.3*x0[(i+1)%n] + 0.2*x0[(i+n-1)%n]
		}
	}
	p := len(obsAt)
	HE := NewEnsemble(N, p)
	for k := 0; k < N; k++ {
		for j, e := range obsAt {
			HE.Data[k*p+j] = E.Data[k*n+e]
		}
	}
	s := NewStream(seed, PurposeObsNoise, 0)
	y := make([]float64, p)
	vars := make([]float64, p)
	for j := range y {
		vars[j] = 0.4 + 0.3*float64(j%4)
		y[j] = 2.3 + s.Normal()
	}
	return &ensrfAt{E: E, HE: HE, y: y, vars: vars, obsAt: obsAt}
}

func (pr *ensrfAt) R(t testing.TB) *ObsError {
	t.Helper()
	R, err := NewDiagObsError(pr.vars)
	if err != nil {
		t.Fatal(err)
	}
	return R
}

// relDiff returns max|a-b| / max|b|.
func relDiff(a, b []float64) float64 { return maxAbsDiff(a, b) / maxAbs(b) }

// TestEnSRFMatchesETKF checks that without localisation the serial
// analysis has the ETKF's mean and covariance (the sequential and batch
// Kalman updates of the same ensemble agree), with R diagonal and full,
// fewer and more observations than members.
func TestEnSRFMatchesETKF(t *testing.T) {
	for _, tc := range []struct {
		N, n, p int
		diag    bool
	}{
		{12, 5, 7, true},
		{12, 5, 7, false},
		{6, 9, 11, true}, // p > N
		{6, 9, 11, false},
		{20, 4, 3, false},
		{28, 40, 40, true},
	} {
		t.Run(fmt.Sprintf("N=%d,n=%d,p=%d,diag=%v", tc.N, tc.n, tc.p, tc.diag), func(t *testing.T) {
			mp := newMissingProblem(t, tc.N, tc.n, tc.p, tc.diag, 17)
			R := mp.obsError(t, nil)
			f := newEnSRFTest(t, EnSRFConfig{Members: tc.N, Dim: tc.n, Obs: tc.p, Inflation: 1, Seed: 4}, R)
			g, err := NewETKF(ETKFConfig{Members: tc.N, Dim: tc.n, Obs: tc.p, Inflation: 1, Seed: 4}, R)
			if err != nil {
				t.Fatal(err)
			}
			E1 := &Ensemble{Members: tc.N, Dim: tc.n, Data: slices.Clone(mp.E.Data)}
			E2 := &Ensemble{Members: tc.N, Dim: tc.n, Data: slices.Clone(mp.E.Data)}
			if err := f.Analyze(E1, mp.HE, mp.y, 3); err != nil {
				t.Fatal(err)
			}
			if err := g.Analyze(E2, mp.HE, mp.y, 3); err != nil {
				t.Fatal(err)
			}
			m1, c1 := sampleMoments(E1)
			m2, c2 := sampleMoments(E2)
			if d := relDiff(m1, m2); !(d < 1e-9) {
				t.Errorf("mean differs from the ETKF's by %g (relative)", d)
			}
			if d := relDiff(c1, c2); !(d < 1e-9) {
				t.Errorf("covariance differs from the ETKF's by %g (relative)", d)
			}
			if d := maxAbsDiff(E1.Data, mp.E.Data); !(d > 1e-3) {
				t.Errorf("the analysis changed the ensemble by only %g", d)
			}
		})
	}
}

// TestEnSRFWideStepEqualsGlobal checks that a step taper covering the
// whole domain (every coefficient 1) gives the unlocalised analysis, with
// two observations at one element, rotation and inflation.
func TestEnSRFWideStepEqualsGlobal(t *testing.T) {
	const N, n = 9, 20
	obsAt := []int{0, 3, 3, 7, 12, 15, 19, 10}
	pr := newEnSRFAt(t, N, n, obsAt, 8)
	R := pr.R(t)
	base := EnSRFConfig{Members: N, Dim: n, Obs: len(obsAt), Inflation: 1.05, Rotate: true, Seed: 2}
	loc := base
	loc.Localization = &Localization{Taper: TaperStep, Radius: n / 2}
	loc.Geometry = VecGeometry{N: n, Periodic: true}
	loc.ObsAt = obsAt
	fg, fl := newEnSRFTest(t, base, R), newEnSRFTest(t, loc, R)
	for index := uint64(0); index < 3; index++ {
		E1 := &Ensemble{Members: N, Dim: n, Data: slices.Clone(pr.E.Data)}
		E2 := &Ensemble{Members: N, Dim: n, Data: slices.Clone(pr.E.Data)}
		if err := fg.Analyze(E1, pr.HE, pr.y, index); err != nil {
			t.Fatal(err)
		}
		if err := fl.Analyze(E2, pr.HE, pr.y, index); err != nil {
			t.Fatal(err)
		}
		if d := relDiff(E2.Data, E1.Data); !(d < 1e-13) {
			t.Errorf("analysis %d: the all-covering step taper differs from no localisation by %g", index, d)
		}
		if d := maxAbsDiff(E1.Data, pr.E.Data); !(d > 1e-3) {
			t.Errorf("analysis %d changed the ensemble by only %g", index, d)
		}
	}
}

// ensrfReobserving is DAPPER's SL_EAKF written directly: for each
// observation j in order, observe the current ensemble again (HE = E at
// obsAt), update observation j's ensemble by the EAKF and regress the
// update onto the state elements of lp with their tapers.
func ensrfReobserving(E *Ensemble, pr *ensrfAt, lp *LocalPairs, order []int) {
	N, n := E.Members, E.Dim
	n1 := float64(N - 1)
	mu := make([]float64, n)
	A := make([]float64, N*n)
	Yj := make([]float64, N)
	for _, j := range order {
		anomalies(A, mu, E.Data, N, n)
		sd := math.Sqrt(pr.vars[j])
		e := pr.obsAt[j]
		for k := 0; k < N; k++ {
			Yj[k] = A[k*n+e] / sd
		}
		dyj := (pr.y[j] - mu[e]) / sd
		sig2 := 0.0
		for _, v := range Yj {
			sig2 += v * v
		}
		sig2u := 1 / (1/sig2 + 1/n1)
		alpha := math.Sqrt(n1 / (n1 + sig2))
		dy2 := sig2u * dyj / n1
		for q := lp.ObsStart[j]; q < lp.ObsStart[j+1]; q++ {
			i := int(lp.StateOf[q])
			reg := 0.0
			for k := 0; k < N; k++ {
				reg += A[k*n+i] * lp.ObsCoef[q] * Yj[k]
			}
			reg /= sig2
			mu[i] += reg * dy2
			for k := 0; k < N; k++ {
				A[k*n+i] += (alpha*Yj[k] - Yj[k]) * reg
			}
		}
		for k := 0; k < N; k++ {
			for i := 0; i < n; i++ {
				E.Data[k*n+i] = mu[i] + A[k*n+i]
			}
		}
	}
}

// TestEnSRFLocalMatchesReobserving checks the localised filter, whose
// remaining observations are updated through the observation-observation
// tapers, against re-observing the updated state after each observation,
// in the order the filter drew, with Gaspari–Cohn and step tapers.
func TestEnSRFLocalMatchesReobserving(t *testing.T) {
	for _, tc := range []struct {
		loc      Localization
		periodic bool
	}{
		{Localization{Taper: TaperGaspariCohn, Radius: 2}, true},
		{Localization{Taper: TaperGaspariCohn, Radius: 1.3}, false},
		{Localization{Taper: TaperStep, Radius: 4}, true},
	} {
		t.Run(fmt.Sprintf("%v,r=%v,periodic=%v", tc.loc.Taper, tc.loc.Radius, tc.periodic), func(t *testing.T) {
			const N, n = 8, 30
			obsAt := []int{0, 2, 4, 5, 5, 9, 13, 14, 20, 21, 27, 29}
			pr := newEnSRFAt(t, N, n, obsAt, 12)
			geom := VecGeometry{N: n, Periodic: tc.periodic}
			cfg := EnSRFConfig{Members: N, Dim: n, Obs: len(obsAt), Inflation: 1, Seed: 6,
				Localization: &tc.loc, Geometry: geom, ObsAt: obsAt}
			f := newEnSRFTest(t, cfg, pr.R(t))
			E := &Ensemble{Members: N, Dim: n, Data: slices.Clone(pr.E.Data)}
			if err := f.Analyze(E, pr.HE, pr.y, 11); err != nil {
				t.Fatal(err)
			}
			order := slices.Clone(f.perm) // no value missing: positions are observations
			lp, err := NewLocalPairs(geom, tc.loc, obsAt)
			if err != nil {
				t.Fatal(err)
			}
			want := &Ensemble{Members: N, Dim: n, Data: slices.Clone(pr.E.Data)}
			ensrfReobserving(want, pr, lp, order)
			if d := relDiff(E.Data, want.Data); !(d < 1e-12) {
				t.Errorf("localised analysis differs from re-observing the state by %g (relative)", d)
			}
			if d := maxAbsDiff(E.Data, pr.E.Data); !(d > 1e-3) {
				t.Errorf("the analysis changed the ensemble by only %g", d)
			}
		})
	}
}

// TestEnSRFOrder checks that the serial order is a permutation drawn
// reproducibly from the seed and the analysis index, that it changes
// with either, and that it matters with localisation but not (beyond
// rounding) for the unlocalised mean and covariance.
func TestEnSRFOrder(t *testing.T) {
	const N, n = 10, 40
	obsAt := make([]int, n)
	for i := range obsAt {
		obsAt[i] = i
	}
	pr := newEnSRFAt(t, N, n, obsAt, 21)
	R := pr.R(t)
	cfg := EnSRFConfig{Members: N, Dim: n, Obs: n, Inflation: 1, Seed: 9,
		Localization: &Localization{Taper: TaperGaspariCohn, Radius: 2},
		Geometry:     VecGeometry{N: n, Periodic: true}, ObsAt: obsAt}
	run := func(f *EnSRF, index uint64) ([]int, []float64) {
		t.Helper()
		E := &Ensemble{Members: N, Dim: n, Data: slices.Clone(pr.E.Data)}
		if err := f.Analyze(E, pr.HE, pr.y, index); err != nil {
			t.Fatal(err)
		}
		return slices.Clone(f.perm), E.Data
	}
	f1, f2 := newEnSRFTest(t, cfg, R), newEnSRFTest(t, cfg, R)
	o5, e5 := run(f1, 5)
	o6, e6 := run(f1, 6)
	p5, g5 := run(f2, 5)
	sorted := slices.Sorted(slices.Values(o5))
	for i, v := range sorted {
		if v != i {
			t.Fatalf("order %v is not a permutation of 0..%d", o5, n-1)
		}
	}
	if !slices.Equal(o5, p5) || maxAbsDiff(e5, g5) != 0 {
		t.Errorf("two filters with the same seed disagree on analysis 5: orders %v and %v", o5, p5)
	}
	if slices.Equal(o5, o6) {
		t.Errorf("analyses 5 and 6 use the same order %v", o5)
	}
	if d := maxAbsDiff(e5, e6); !(d > 1e-6) {
		t.Errorf("localised analyses in different orders differ by only %g", d)
	}
	other := cfg
	other.Seed = 10
	if o, _ := run(newEnSRFTest(t, other, R), 5); slices.Equal(o, o5) {
		t.Errorf("seeds 9 and 10 give the same order %v", o)
	}

	global := EnSRFConfig{Members: N, Dim: n, Obs: n, Inflation: 1, Seed: 9}
	fg := newEnSRFTest(t, global, R)
	oa, ea := run(fg, 5)
	ob, eb := run(fg, 6)
	if slices.Equal(oa, ob) {
		t.Errorf("unlocalised analyses 5 and 6 use the same order")
	}
	ma, ca := sampleMoments(&Ensemble{Members: N, Dim: n, Data: ea})
	mb, cb := sampleMoments(&Ensemble{Members: N, Dim: n, Data: eb})
	if d := math.Max(relDiff(ma, mb), relDiff(ca, cb)); !(d < 1e-10) {
		t.Errorf("unlocalised mean and covariance depend on the order by %g", d)
	}
}

// TestEnSRFMissingEqualsReduced checks that an analysis with NaN values
// equals that of the reduced problem, unlocalised with R diagonal and
// full and localised, and that all-missing leaves E unchanged.
func TestEnSRFMissingEqualsReduced(t *testing.T) {
	masks := [][]int{{2}, {0, 5, 6}, {}, {1, 2, 3, 4, 5, 6}, {2}}
	allMissing := func(t *testing.T, f *EnSRF, E0, HE *Ensemble, p int) {
		E := &Ensemble{Members: E0.Members, Dim: E0.Dim, Data: slices.Clone(E0.Data)}
		all := make([]float64, p)
		for i := range all {
			all[i] = math.NaN()
		}
		if err := f.Analyze(E, HE, all, 9); err != ErrNoObservations {
			t.Errorf("all missing: error %v, want ErrNoObservations", err)
		}
		if !sameBits(E.Data, E0.Data) {
			t.Errorf("all missing: E changed")
		}
	}
	for _, diag := range []bool{true, false} {
		t.Run(fmt.Sprintf("global,diag=%v", diag), func(t *testing.T) {
			const N, n, p = 12, 5, 7
			mp := newMissingProblem(t, N, n, p, diag, 3)
			cfg := EnSRFConfig{Members: N, Dim: n, Obs: p, Inflation: 1.03, Rotate: true, Seed: 5}
			f := newEnSRFTest(t, cfg, mp.obsError(t, nil))
			for a, mask := range masks {
				y := slices.Clone(mp.y)
				for _, i := range mask {
					y[i] = math.NaN()
				}
				rows, HEr, yr := mp.reduced(y)
				rc := cfg
				rc.Obs = len(rows)
				g := newEnSRFTest(t, rc, mp.obsError(t, rows))
				E1 := &Ensemble{Members: N, Dim: n, Data: slices.Clone(mp.E.Data)}
				E2 := &Ensemble{Members: N, Dim: n, Data: slices.Clone(mp.E.Data)}
				if err := f.Analyze(E1, mp.HE, y, uint64(a)); err != nil {
					t.Fatalf("mask %v: %v", mask, err)
				}
				if err := g.Analyze(E2, HEr, yr, uint64(a)); err != nil {
					t.Fatalf("mask %v, reduced: %v", mask, err)
				}
				if d := maxAbsDiff(E1.Data, E2.Data); !(d < 1e-12*maxAbs(E2.Data)) {
					t.Errorf("mask %v: analysis differs from the reduced one by %g", mask, d)
				}
				if d := maxAbsDiff(E1.Data, mp.E.Data); !(d > 1e-3) {
					t.Errorf("mask %v: the analysis changed the ensemble by only %g", mask, d)
				}
			}
			allMissing(t, f, mp.E, mp.HE, p)
		})
	}
	t.Run("localised", func(t *testing.T) {
		const N, n = 8, 16
		obsAt := []int{1, 3, 4, 8, 8, 11, 15}
		pr := newEnSRFAt(t, N, n, obsAt, 14)
		cfg := EnSRFConfig{Members: N, Dim: n, Obs: len(obsAt), Inflation: 1.03, Rotate: true, Seed: 5,
			Localization: &Localization{Taper: TaperGaspariCohn, Radius: 1.5},
			Geometry:     VecGeometry{N: n, Periodic: true}, ObsAt: obsAt}
		f := newEnSRFTest(t, cfg, pr.R(t))
		for a, mask := range masks {
			y := slices.Clone(pr.y)
			for _, i := range mask {
				y[i] = math.NaN()
			}
			var rows []int
			for i, v := range y {
				if !math.IsNaN(v) {
					rows = append(rows, i)
				}
			}
			red := &ensrfAt{HE: NewEnsemble(N, len(rows))}
			for b, i := range rows {
				red.y = append(red.y, y[i])
				red.vars = append(red.vars, pr.vars[i])
				red.obsAt = append(red.obsAt, obsAt[i])
				for k := 0; k < N; k++ {
					red.HE.Data[k*len(rows)+b] = pr.HE.Data[k*len(obsAt)+i]
				}
			}
			rc := cfg
			rc.Obs, rc.ObsAt = len(rows), red.obsAt
			g := newEnSRFTest(t, rc, red.R(t))
			E1 := &Ensemble{Members: N, Dim: n, Data: slices.Clone(pr.E.Data)}
			E2 := &Ensemble{Members: N, Dim: n, Data: slices.Clone(pr.E.Data)}
			if err := f.Analyze(E1, pr.HE, y, uint64(a)); err != nil {
				t.Fatalf("mask %v: %v", mask, err)
			}
			if err := g.Analyze(E2, red.HE, red.y, uint64(a)); err != nil {
				t.Fatalf("mask %v, reduced: %v", mask, err)
			}
			if d := maxAbsDiff(E1.Data, E2.Data); !(d < 1e-12*maxAbs(E2.Data)) {
				t.Errorf("mask %v: analysis differs from the reduced one by %g", mask, d)
			}
			if d := maxAbsDiff(E1.Data, pr.E.Data); !(d > 1e-3) {
				t.Errorf("mask %v: the analysis changed the ensemble by only %g", mask, d)
			}
		}
		allMissing(t, f, pr.E, pr.HE, len(obsAt))
	})
}

// TestEnSRFLocalSupport checks that a localised analysis changes the
// elements within reach of the observations and leaves those beyond
// every observation's taper support as they were (to rounding).
func TestEnSRFLocalSupport(t *testing.T) {
	const N, n = 7, 30
	obsAt := []int{0, 2, 5, 6}
	pr := newEnSRFAt(t, N, n, obsAt, 31)
	geom := VecGeometry{N: n, Periodic: false}
	loc := Localization{Taper: TaperGaspariCohn, Radius: 1.5}
	f := newEnSRFTest(t, EnSRFConfig{Members: N, Dim: n, Obs: len(obsAt), Inflation: 1, Seed: 3,
		Localization: &loc, Geometry: geom, ObsAt: obsAt}, pr.R(t))
	E := &Ensemble{Members: N, Dim: n, Data: slices.Clone(pr.E.Data)}
	if err := f.Analyze(E, pr.HE, pr.y, 0); err != nil {
		t.Fatal(err)
	}
	far := 0
	for i := 0; i < n; i++ {
		dmin := math.Inf(1)
		for _, e := range obsAt {
			dmin = math.Min(dmin, geom.Distance(i, e))
		}
		var d, scale float64
		for k := 0; k < N; k++ {
			d = math.Max(d, math.Abs(E.Data[k*n+i]-pr.E.Data[k*n+i]))
			scale = math.Max(scale, math.Abs(pr.E.Data[k*n+i]))
		}
		switch {
		case dmin > loc.Support():
			far++
			if !(d <= 4e-16*scale) {
				t.Errorf("element %d, %v from the nearest observation (support %v), changed by %g", i, dmin, loc.Support(), d)
			}
		case dmin == 0:
			if !(d > 1e-3) {
				t.Errorf("observed element %d changed by only %g", i, d)
			}
		}
	}
	if far < 10 {
		t.Fatalf("only %d elements beyond the support; the test checks little", far)
	}
}

// TestEnSRFErrors checks that bad configurations and arguments are
// refused with a message naming the EnSRF and the fault, and that E is
// unchanged on every analysis error.
func TestEnSRFErrors(t *testing.T) {
	R := identityR(t, 3)
	full, err := NewObsError([]float64{1, 0.2, 0, 0.2, 1, 0, 0, 0, 1}, 3)
	if err != nil {
		t.Fatal(err)
	}
	geom := VecGeometry{N: 3, Periodic: true}
	gc := &Localization{Taper: TaperGaspariCohn, Radius: 1}
	at := []int{0, 1, 2}
	for _, tc := range []struct {
		cfg  EnSRFConfig
		R    *ObsError
		want string
	}{
		{EnSRFConfig{Members: 1, Dim: 3, Obs: 3, Inflation: 1}, R, "1 members, want at least 2"},
		{EnSRFConfig{Members: 5, Dim: 0, Obs: 3, Inflation: 1}, R, "state dimension 0"},
		{EnSRFConfig{Members: 5, Dim: 3, Obs: 3, Inflation: 0.9}, R, "inflation 0.9"},
		{EnSRFConfig{Members: 5, Dim: 3, Obs: 4, Inflation: 1}, R, "covariance is 3x3 but there are 4 observations"},
		{EnSRFConfig{Members: 5, Dim: 3, Obs: 3, Inflation: 1}, nil, "no observation-error covariance"},
		{EnSRFConfig{Members: 5, Dim: 3, Obs: 3, Inflation: 1, RTPP: 2}, R, "rtpp 2"},
		{EnSRFConfig{Members: 5, Dim: 3, Obs: 3, Inflation: 1, Additive: -1}, R, "additive inflation -1"},
		{EnSRFConfig{Members: 5, Dim: 3, Obs: 3, Inflation: 1, Localization: gc, Geometry: geom, ObsAt: at}, full, "diagonal observation-error covariance"},
		{EnSRFConfig{Members: 5, Dim: 3, Obs: 3, Inflation: 1, Localization: &Localization{Taper: TaperGaspariCohn}, Geometry: geom, ObsAt: at}, R, "localisation radius 0"},
		{EnSRFConfig{Members: 5, Dim: 3, Obs: 3, Inflation: 1, Localization: &Localization{Taper: Taper(7), Radius: 1}, Geometry: geom, ObsAt: at}, R, "unknown taper"},
		{EnSRFConfig{Members: 5, Dim: 3, Obs: 3, Inflation: 1, Localization: gc, ObsAt: at}, R, "needs the state's geometry"},
		{EnSRFConfig{Members: 5, Dim: 3, Obs: 3, Inflation: 1, Localization: gc, Geometry: VecGeometry{N: 4}, ObsAt: at}, R, "geometry has 4 elements but the state has 3"},
		{EnSRFConfig{Members: 5, Dim: 3, Obs: 3, Inflation: 1, Localization: gc, Geometry: geom, ObsAt: at[:2]}, R, "2 observation locations for 3 observations"},
		{EnSRFConfig{Members: 5, Dim: 3, Obs: 3, Inflation: 1, Localization: gc, Geometry: geom, ObsAt: []int{0, 3, 1}}, R, "outside the state"},
	} {
		if _, err := NewEnSRF(tc.cfg, tc.R); err == nil || !strings.Contains(err.Error(), "EnSRF") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one naming EnSRF and %q", tc.cfg, err, tc.want)
		}
	}

	f := newEnSRFTest(t, EnSRFConfig{Members: 5, Dim: 3, Obs: 3, Inflation: 1.1, Rotate: true, RTPS: 0.5}, R)
	E0, HE, y := l96Like(5, 3, 4)
	with := func(d []float64, i int, v float64) []float64 { d = slices.Clone(d); d[i] = v; return d }
	same := NewEnsemble(5, 3)
	for k := 0; k < 5; k++ {
		copy(same.Member(k), E0.Member(0))
	}
	huge := &Ensemble{Members: 5, Dim: 3, Data: slices.Clone(HE.Data)}
	for i := range huge.Data {
		huge.Data[i] *= 1e160
	}
	for _, tc := range []struct {
		name  string
		E, HE *Ensemble
		y     []float64
		is    error
		want  string
	}{
		{"short y", E0, HE, y[:2], nil, "observation has 2 values, want 3"},
		{"wrong HE", E0, NewEnsemble(4, 3), y, nil, "EnSRF: observed ensemble has 4 members"},
		{"nil E", nil, HE, y, nil, "EnSRF: state ensemble is nil"},
		{"NaN in E", &Ensemble{Members: 5, Dim: 3, Data: with(E0.Data, 4, math.NaN())}, HE, y, errNonFinite, "EnSRF analysis 7"},
		{"Inf in HE", E0, &Ensemble{Members: 5, Dim: 3, Data: with(HE.Data, 2, math.Inf(1))}, y, errNonFinite, "EnSRF analysis 7"},
		{"Inf in y", E0, HE, with(y, 1, math.Inf(-1)), errNonFinite, "EnSRF analysis 7"},
		{"overflowing HE", E0, huge, y, errNonFinite, "EnSRF analysis 7"},
		{"collapsed", same, HE, y, errCollapsed, "EnSRF analysis 7"},
		{"all missing", E0, HE, []float64{math.NaN(), math.NaN(), math.NaN()}, ErrNoObservations, "no observation present"},
	} {
		var E *Ensemble
		if tc.E != nil {
			E = &Ensemble{Members: tc.E.Members, Dim: tc.E.Dim, Data: slices.Clone(tc.E.Data)}
		}
		err := f.Analyze(E, tc.HE, tc.y, 7)
		if err == nil || !strings.Contains(err.Error(), tc.want) || (tc.is != nil && !errors.Is(err, tc.is)) {
			t.Errorf("%s: error %v, want one containing %q (and %v)", tc.name, err, tc.want, tc.is)
		}
		if tc.is == ErrNoObservations && err != ErrNoObservations {
			t.Errorf("%s: ErrNoObservations is wrapped: %v", tc.name, err)
		}
		if E != nil && !sameBits(E.Data, tc.E.Data) {
			t.Errorf("%s: E changed on error", tc.name)
		}
	}
	if got := f.Config(); got.Members != 5 || got.Inflation != 1.1 || !got.Rotate || got.RTPS != 0.5 {
		t.Errorf("Config() = %+v", got)
	}
}

// TestEnSRFZeroAllocs checks that Analyze allocates nothing: unlocalised
// with R diagonal and full, localised, with missing values whose set
// changes, and with every post-processing option.
func TestEnSRFZeroAllocs(t *testing.T) {
	const N, n = 12, 40
	obsAt := make([]int, n)
	for i := range obsAt {
		obsAt[i] = i
	}
	loc := &Localization{Taper: TaperGaspariCohn, Radius: 3}
	geom := VecGeometry{N: n, Periodic: true}
	for _, tc := range []struct {
		name string
		diag bool
		cfg  EnSRFConfig
	}{
		{"global", true, EnSRFConfig{Inflation: 1.02, Rotate: true}},
		{"global full R", false, EnSRFConfig{Inflation: 1.02, Rotate: true}},
		{"localised", true, EnSRFConfig{Inflation: 1.07, Rotate: true, Localization: loc, Geometry: geom, ObsAt: obsAt}},
		{"relaxed", true, EnSRFConfig{Inflation: 1.01, RTPP: 0.3, RTPS: 0.2, Additive: 0.01, Localization: loc, Geometry: geom, ObsAt: obsAt}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mp := newMissingProblem(t, N, n, n, tc.diag, 6)
			cfg := tc.cfg
			cfg.Members, cfg.Dim, cfg.Obs, cfg.Seed = N, n, n, 1
			f := newEnSRFTest(t, cfg, mp.obsError(t, nil))
			ys := [][]float64{mp.y}
			for a := 0; a < 3; a++ {
				y := slices.Clone(mp.y)
				y[a], y[a+5] = math.NaN(), math.NaN()
				ys = append(ys, y)
			}
			E := NewEnsemble(N, n)
			var index uint64
			allocs := testing.AllocsPerRun(20, func() {
				for _, y := range ys {
					copy(E.Data, mp.E.Data)
					index++
					if err := f.Analyze(E, mp.HE, y, index); err != nil {
						t.Fatal(err)
					}
				}
			})
			if allocs != 0 {
				t.Errorf("Analyze: %v allocations per call, want 0", allocs)
			}
		})
	}
}

// benchEnSRF times one L96-sized analysis (n = p = 40, H = I, R = I),
// restoring the forecast ensemble before each call.
func benchEnSRF(b *testing.B, N int, infl float64, loc *Localization) {
	const n = 40
	cfg := EnSRFConfig{Members: N, Dim: n, Obs: n, Inflation: infl, Rotate: true, Seed: 1}
	if loc != nil {
		cfg.Localization, cfg.Geometry = loc, VecGeometry{N: n, Periodic: true}
		cfg.ObsAt = make([]int, n)
		for i := range cfg.ObsAt {
			cfg.ObsAt[i] = i
		}
	}
	benchL96Analysis(b, newEnSRFTest(b, cfg, identityR(b, n)), N, n)
}

// BenchmarkEnSRF28 is the unlocalised L96 setting: 28 members, inflation
// 1.02, rotation.
func BenchmarkEnSRF28(b *testing.B) { benchEnSRF(b, 28, 1.02, nil) }

// BenchmarkEnSRF7Loc is the localised L96 setting: 7 members, inflation
// 1.07, rotation, Gaspari–Cohn radius 6 on the periodic vec.
func BenchmarkEnSRF7Loc(b *testing.B) {
	benchEnSRF(b, 7, 1.07, &Localization{Taper: TaperGaspariCohn, Radius: 6})
}
