// Tests of the observation-error covariance.

package runtime

import (
	"strings"
	"testing"
)

func TestObsErrorConstructorErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func() (*ObsError, error)
		want string
	}{
		{"no variances", func() (*ObsError, error) { return NewDiagObsError(nil) }, "no variances"},
		{"zero variance", func() (*ObsError, error) { return NewDiagObsError([]float64{1, 0}) }, "variance 1 is 0"},
		{"negative variance", func() (*ObsError, error) { return NewDiagObsError([]float64{-2}) }, "variance 0 is -2"},
		{"NaN variance", func() (*ObsError, error) { return NewDiagObsError([]float64{nan()}) }, "NaN"},
		{"bad size", func() (*ObsError, error) { return NewObsError([]float64{1}, 0) }, "size 0"},
		{"wrong length", func() (*ObsError, error) { return NewObsError([]float64{1, 0, 0}, 2) }, "3 values for a 2x2"},
		{"not symmetric", func() (*ObsError, error) { return NewObsError([]float64{1, 0.5, 0.4, 1}, 2) }, "not symmetric"},
		{"not positive definite", func() (*ObsError, error) { return NewObsError([]float64{1, 2, 2, 1}, 2) }, "not positive definite"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.make()
			if err == nil || r != nil {
				t.Fatalf("got %v, %v; want an error", r, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

// TestObsErrorNoiseCovariance draws 40000 noise vectors and checks that
// their sample covariance is R within 5% (relative Frobenius norm; the
// sampling error is about 1%). The full R is strongly correlated, so
// colouring with L' instead of L would miss by far more.
func TestObsErrorNoiseCovariance(t *testing.T) {
	full := []float64{
		2.0, 1.2, 0.3,
		1.2, 1.5, -0.4,
		0.3, -0.4, 0.8,
	}
	for _, tc := range []struct {
		name string
		cov  []float64
		diag []float64
	}{
		{"full", full, nil},
		{"diagonal", nil, []float64{0.5, 2, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r *ObsError
			var err error
			want := tc.cov
			if tc.diag != nil {
				r, err = NewDiagObsError(tc.diag)
				want = []float64{0.5, 0, 0, 0, 2, 0, 0, 0, 4}
			} else {
				r, err = NewObsError(tc.cov, 3)
			}
			if err != nil {
				t.Fatal(err)
			}
			dense := make([]float64, 9)
			r.Dense(dense)
			if maxAbsDiff(dense, want) != 0 {
				t.Fatalf("Dense = %v, want %v", dense, want)
			}
			const n = 40000
			E := NewEnsemble(n, 3)
			s := NewStream(1, PurposeObsNoise, 0)
			for k := 0; k < n; k++ {
				r.AddNoise(E.Member(k), s)
			}
			m, c := sampleMoments(E)
			if maxAbs(m) > 0.05 {
				t.Errorf("noise mean %v, want 0", m)
			}
			if d := frobRel(c, want); d > 0.05 {
				t.Errorf("noise covariance %v, want %v (relative error %.3f)", c, want, d)
			}
		})
	}
}

func TestObsErrorWhitening(t *testing.T) {
	r, err := NewObsError([]float64{4, 2, 2, 3}, 2)
	if err != nil {
		t.Fatal(err)
	}
	// L = [[2,0],[1,sqrt 2]]; L·(1,1) = (2, 1+sqrt 2).
	v := []float64{2, 1 + 1.4142135623730951}
	r.whitenVec(v)
	if d := maxAbsDiff(v, []float64{1, 1}); d > 1e-15 {
		t.Errorf("whitenVec(L·1) = %v, want (1, 1)", v)
	}
	rows := []float64{2, 1 + 1.4142135623730951, 4, 2}
	r.whitenRows(rows, 2)
	if d := maxAbsDiff(rows, []float64{1, 1, 2, 0}); d > 1e-15 {
		t.Errorf("whitenRows = %v, want [1 1 2 0]", rows)
	}
}
