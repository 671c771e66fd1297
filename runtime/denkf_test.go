// Tests of the deterministic EnKF: the update against a dense computation
// and the Kalman filter, missing values, errors, allocations and speed.

package runtime

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func newDEnKFTest(t testing.TB, N, n, p int, infl float64, R *ObsError) *DEnKF {
	t.Helper()
	f, err := NewDEnKF(DEnKFConfig{Members: N, Dim: n, Obs: p, Inflation: infl, Seed: 3}, R)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// denseDEnKF computes the DEnKF analysis of mp with gonum in the column
// convention of the literature, forming S^-1 explicitly: X = A' (n×N),
// Z = Y' (p×N), Pf = XX'/(N-1), S = ZZ'/(N-1) + R, K = XZ'/(N-1) S^-1,
// μ_a = μ + K δ, X_a = a (X - ½ K Z). It returns the analysis mean, the
// analysis ensemble (rows), K (n×p) and S (p×p).
func denseDEnKF(t *testing.T, mp *missingProblem, infl float64) (mean, ens []float64, K, S *mat.Dense) {
	t.Helper()
	N, n, p := mp.N, mp.n, mp.p
	mu, _ := sampleMoments(mp.E)
	Es := &Ensemble{Members: N, Dim: p, Data: mp.HE.Data}
	xo, _ := sampleMoments(Es)
	X, Z := mat.NewDense(n, N, nil), mat.NewDense(p, N, nil)
	for k := 0; k < N; k++ {
		for i := 0; i < n; i++ {
			X.Set(i, k, mp.E.Data[k*n+i]-mu[i])
		}
		for i := 0; i < p; i++ {
			Z.Set(i, k, mp.HE.Data[k*p+i]-xo[i])
		}
	}
	S = mat.NewDense(p, p, nil)
	S.Mul(Z, Z.T())
	S.Scale(1/float64(N-1), S)
	S.Add(S, mat.NewDense(p, p, append([]float64(nil), mp.cov...)))
	var Si mat.Dense
	if err := Si.Inverse(S); err != nil {
		t.Fatal(err)
	}
	var PH mat.Dense
	PH.Mul(X, Z.T())
	PH.Scale(1/float64(N-1), &PH)
	K = mat.NewDense(n, p, nil)
	K.Mul(&PH, &Si)
	d := mat.NewVecDense(p, nil)
	for i := 0; i < p; i++ {
		d.SetVec(i, mp.y[i]-xo[i])
	}
	var kd mat.VecDense
	kd.MulVec(K, d)
	mean = make([]float64, n)
	for i := range mean {
		mean[i] = mu[i] + kd.AtVec(i)
	}
	var KZ mat.Dense
	KZ.Mul(K, Z)
	ens = make([]float64, N*n)
	for k := 0; k < N; k++ {
		for i := 0; i < n; i++ {
			ens[k*n+i] = mean[i] + infl*(X.At(i, k)-0.5*KZ.At(i, k))
		}
	}
	return mean, ens, K, S
}

// TestDEnKFMatchesDense checks the mean and the anomalies of the analysis
// against the dense computation, with R diagonal and full, more and fewer
// observations than members, with and without inflation.
func TestDEnKFMatchesDense(t *testing.T) {
	for _, tc := range []struct {
		N, n, p int
		diag    bool
		infl    float64
	}{
		{12, 5, 7, true, 1},
		{12, 5, 7, false, 1},
		{6, 9, 11, false, 1.05}, // p > N
		{20, 4, 3, true, 1.01},
	} {
		t.Run(fmt.Sprintf("N=%d,n=%d,p=%d,diag=%v,infl=%v", tc.N, tc.n, tc.p, tc.diag, tc.infl), func(t *testing.T) {
			mp := newMissingProblem(t, tc.N, tc.n, tc.p, tc.diag, 11)
			f := newDEnKFTest(t, tc.N, tc.n, tc.p, tc.infl, mp.obsError(t, nil))
			E := &Ensemble{Members: tc.N, Dim: tc.n, Data: append([]float64(nil), mp.E.Data...)}
			if err := f.Analyze(E, mp.HE, mp.y, 0); err != nil {
				t.Fatal(err)
			}
			wantMean, wantEns, _, _ := denseDEnKF(t, mp, tc.infl)
			gotMean, _ := sampleMoments(E)
			if d := maxAbsDiff(gotMean, wantMean); !(d < 1e-12*(1+maxAbs(wantMean))) {
				t.Errorf("mean differs from the dense Kalman-gain update by %g", d)
			}
			if d := maxAbsDiff(E.Data, wantEns); !(d < 1e-12*(1+maxAbs(wantEns))) {
				t.Errorf("ensemble differs from the dense DEnKF update by %g", d)
			}
			if d := maxAbsDiff(E.Data, mp.E.Data); !(d > 1e-3) {
				t.Errorf("the analysis changed the ensemble by only %g", d)
			}
		})
	}
}

// TestDEnKFCovarianceAgainstKF checks the property that makes the DEnKF
// approximate: for a linear H its analysis covariance is the Kalman
// filter's, P_a = Pf - K S K', plus ¼ K (HPfH') K', and its mean is the
// Kalman filter's for the ensemble's Pf.
func TestDEnKFCovarianceAgainstKF(t *testing.T) {
	const N, n, p = 15, 6, 4
	mp := newMissingProblem(t, N, n, p, false, 21)
	f := newDEnKFTest(t, N, n, p, 1, mp.obsError(t, nil))
	E := &Ensemble{Members: N, Dim: n, Data: append([]float64(nil), mp.E.Data...)}
	if err := f.Analyze(E, mp.HE, mp.y, 0); err != nil {
		t.Fatal(err)
	}
	_, Pf := sampleMoments(mp.E)
	_, HPH := sampleMoments(&Ensemble{Members: N, Dim: p, Data: mp.HE.Data})
	wantMean, _, K, S := denseDEnKF(t, mp, 1)
	var KSK, KHK mat.Dense
	KSK.Product(K, S, K.T())
	KHK.Product(K, mat.NewDense(p, p, HPH), K.T())
	want := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			want[i*n+j] = Pf[i*n+j] - KSK.At(i, j) + 0.25*KHK.At(i, j)
		}
	}
	gotMean, got := sampleMoments(E)
	if d := maxAbsDiff(got, want); !(d < 1e-12*(1+maxAbs(want))) {
		t.Errorf("analysis covariance differs from P_a + K HPfH' K'/4 by %g", d)
	}
	if d := maxAbsDiff(gotMean, wantMean); !(d < 1e-12*(1+maxAbs(wantMean))) {
		t.Errorf("analysis mean differs from the Kalman filter's by %g", d)
	}
	// The excess over the Kalman filter is a nonzero, positive semi-definite term.
	if tr := trace(&KHK, n); !(tr > 1e-6) {
		t.Errorf("trace of K HPfH' K' is %g; the test problem does not tell the DEnKF from the KF", tr)
	}
}

func trace(m *mat.Dense, n int) float64 {
	s := 0.0
	for i := 0; i < n; i++ {
		s += m.At(i, i)
	}
	return s
}

// TestDEnKFMissingEqualsReduced checks that an analysis with NaN values
// equals that of the reduced problem, with R diagonal and full, across
// masks that change and repeat, and that all-missing leaves E unchanged.
func TestDEnKFMissingEqualsReduced(t *testing.T) {
	masks := [][]int{{2}, {2}, {0, 5, 6}, {2}, {}, {1, 2, 3, 4, 5, 6}}
	for _, diag := range []bool{true, false} {
		t.Run(fmt.Sprintf("diag=%v", diag), func(t *testing.T) {
			const N, n, p = 12, 5, 7
			mp := newMissingProblem(t, N, n, p, diag, 3)
			f := newDEnKFTest(t, N, n, p, 1.03, mp.obsError(t, nil))
			for a, mask := range masks {
				y := append([]float64(nil), mp.y...)
				for _, i := range mask {
					y[i] = math.NaN()
				}
				rows, HEr, yr := mp.reduced(y)
				g := newDEnKFTest(t, N, n, len(rows), 1.03, mp.obsError(t, rows))
				E1 := &Ensemble{Members: N, Dim: n, Data: append([]float64(nil), mp.E.Data...)}
				E2 := &Ensemble{Members: N, Dim: n, Data: append([]float64(nil), mp.E.Data...)}
				if err := f.Analyze(E1, mp.HE, y, uint64(a)); err != nil {
					t.Fatalf("mask %v: %v", mask, err)
				}
				if err := g.Analyze(E2, HEr, yr, uint64(a)); err != nil {
					t.Fatalf("mask %v, reduced: %v", mask, err)
				}
				if d := maxAbsDiff(E1.Data, E2.Data); !(d < 1e-12*(1+maxAbs(E2.Data))) {
					t.Errorf("mask %v: analysis differs from the reduced one by %g", mask, d)
				}
				if d := maxAbsDiff(E1.Data, mp.E.Data); !(d > 1e-3) {
					t.Errorf("mask %v: the analysis changed the ensemble by only %g", mask, d)
				}
			}
			E := &Ensemble{Members: N, Dim: n, Data: append([]float64(nil), mp.E.Data...)}
			all := make([]float64, p)
			for i := range all {
				all[i] = math.NaN()
			}
			if err := f.Analyze(E, mp.HE, all, 9); err != ErrNoObservations || !errors.Is(err, ErrNoObservations) {
				t.Errorf("all missing: error %v, want ErrNoObservations", err)
			}
			for i := range E.Data {
				if math.Float64bits(E.Data[i]) != math.Float64bits(mp.E.Data[i]) {
					t.Fatalf("all missing: element %d changed", i)
				}
			}
		})
	}
}

// TestDEnKFErrors checks that bad configurations and arguments are
// refused with a message saying what was wrong, leaving E unchanged.
func TestDEnKFErrors(t *testing.T) {
	R := identityR(t, 3)
	for _, tc := range []struct {
		cfg  DEnKFConfig
		want string
	}{
		{DEnKFConfig{Members: 1, Dim: 3, Obs: 3, Inflation: 1}, "1 members, want at least 2"},
		{DEnKFConfig{Members: 5, Dim: 3, Obs: 3, Inflation: 0.9}, "inflation 0.9"},
		{DEnKFConfig{Members: 5, Dim: 3, Obs: 4, Inflation: 1}, "covariance is 3x3 but there are 4 observations"},
	} {
		if _, err := NewDEnKF(tc.cfg, R); err == nil || !strings.Contains(err.Error(), "DEnKF") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one naming DEnKF and %q", tc.cfg, err, tc.want)
		}
	}
	f := newDEnKFTest(t, 5, 3, 3, 1, R)
	E0, HE, y := l96Like(5, 3, 4)
	E := &Ensemble{Members: 5, Dim: 3, Data: append([]float64(nil), E0.Data...)}
	for _, tc := range []struct {
		name string
		HE   *Ensemble
		y    []float64
		want string
	}{
		{"short y", HE, y[:2], "observation has 2 values, want 3"},
		{"wrong HE", NewEnsemble(4, 3), y, "DEnKF"},
		{"non-finite HE", &Ensemble{Members: 5, Dim: 3, Data: append([]float64{math.Inf(1)}, HE.Data[1:]...)}, y, "DEnKF analysis 7"},
	} {
		err := f.Analyze(E, tc.HE, tc.y, 7)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
		if d := maxAbsDiff(E.Data, E0.Data); d != 0 {
			t.Errorf("%s: E changed by %g on error", tc.name, d)
		}
	}
}

// TestDEnKFZeroAllocs checks that Analyze allocates nothing, with all
// observations present and with missing ones whose set changes.
func TestDEnKFZeroAllocs(t *testing.T) {
	for _, tc := range []struct {
		N, n, p int
		missing bool
	}{
		{40, 40, 40, false},
		{40, 40, 40, true},
		{10, 3, 3, false},
	} {
		t.Run(fmt.Sprintf("N=%d,n=%d,p=%d,missing=%v", tc.N, tc.n, tc.p, tc.missing), func(t *testing.T) {
			mp := newMissingProblem(t, tc.N, tc.n, tc.p, false, 6)
			f := newDEnKFTest(t, tc.N, tc.n, tc.p, 1.01, mp.obsError(t, nil))
			ys := [][]float64{mp.y}
			if tc.missing {
				ys = nil
				for a := 0; a < 3; a++ {
					y := append([]float64(nil), mp.y...)
					y[a], y[a+5] = math.NaN(), math.NaN()
					ys = append(ys, y)
				}
			}
			E := NewEnsemble(tc.N, tc.n)
			var index uint64
			allocs := testing.AllocsPerRun(30, func() {
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

// BenchmarkDEnKF40 times one L96-sized analysis (N = n = p = 40).
func BenchmarkDEnKF40(b *testing.B) {
	benchL96Analysis(b, newDEnKFTest(b, 40, 40, 40, 1.01, identityR(b, 40)), 40, 40)
}

// TestDEnKFRotate checks that the rotation keeps the analysis mean and
// covariance, changes the members, depends on the analysis index and
// allocates nothing.
func TestDEnKFRotate(t *testing.T) {
	const N, n, p = 12, 6, 8
	mp := newMissingProblem(t, N, n, p, true, 21)
	R := mp.obsError(t, nil)
	plain := newDEnKFTest(t, N, n, p, 1.02, R)
	rot, err := NewDEnKF(DEnKFConfig{Members: N, Dim: n, Obs: p, Inflation: 1.02, Rotate: true, Seed: 3}, R)
	if err != nil {
		t.Fatal(err)
	}
	run := func(f *DEnKF, index uint64) *Ensemble {
		E := &Ensemble{Members: N, Dim: n, Data: append([]float64(nil), mp.E.Data...)}
		if err := f.Analyze(E, mp.HE, mp.y, index); err != nil {
			t.Fatal(err)
		}
		return E
	}
	want, got, other := run(plain, 0), run(rot, 0), run(rot, 1)
	wm, wc := sampleMoments(want)
	gm, gc := sampleMoments(got)
	if d := maxAbsDiff(gm, wm); !(d < 1e-12*(1+maxAbs(wm))) {
		t.Errorf("rotation moved the mean by %g", d)
	}
	if d := maxAbsDiff(gc, wc); !(d < 1e-12*(1+maxAbs(wc))) {
		t.Errorf("rotation changed the covariance by %g", d)
	}
	if d := maxAbsDiff(got.Data, want.Data); !(d > 1e-6) {
		t.Errorf("rotation changed the members by only %g", d)
	}
	if d := maxAbsDiff(got.Data, other.Data); !(d > 1e-6) {
		t.Errorf("analyses 0 and 1 drew the same rotation (members differ by %g)", d)
	}
	E := &Ensemble{Members: N, Dim: n, Data: append([]float64(nil), mp.E.Data...)}
	if a := testing.AllocsPerRun(10, func() { _ = rot.Analyze(E, mp.HE, mp.y, 2) }); a != 0 {
		t.Errorf("Analyze with rotation allocates %v times", a)
	}
}

// TestDEnKFCollapsed checks that an ensemble of identical members stops
// the analysis with an error naming it, and is left as it was.
func TestDEnKFCollapsed(t *testing.T) {
	const N, n, p = 5, 3, 3
	mp := newMissingProblem(t, N, n, p, true, 2)
	f := newDEnKFTest(t, N, n, p, 1, mp.obsError(t, nil))
	E := NewEnsemble(N, n)
	for k := 0; k < N; k++ {
		copy(E.Member(k), []float64{1, 2, 3})
	}
	before := append([]float64(nil), E.Data...)
	err := f.Analyze(E, mp.HE, mp.y, 4)
	if err == nil || !strings.Contains(err.Error(), "DEnKF analysis 4") || !strings.Contains(err.Error(), "collapsed") {
		t.Fatalf("collapsed ensemble: error %v, want one naming the DEnKF and the collapse", err)
	}
	if maxAbsDiff(E.Data, before) != 0 {
		t.Error("the failed analysis changed the ensemble")
	}
}
