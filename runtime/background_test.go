// Tests of the static background covariance and its square root.

package runtime

import (
	"math"
	"strings"
	"testing"
)

func TestBackgroundSqrt(t *testing.T) {
	cov := []float64{
		4, 1, 0.5,
		1, 3, 0.2,
		0.5, 0.2, 2,
	}
	full, err := NewBackground(cov, 3, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	diag, err := NewDiagBackground([]float64{4, 3, 2}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		b    *Background
	}{{"full", full}, {"diag", diag}} {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.b.Dim()
			dense := make([]float64, n*n)
			tc.b.Dense(dense)
			// L Lᵀ e_j is column j of B; <L u, v> = <u, Lᵀ v>.
			e, lt, col := make([]float64, n), make([]float64, n), make([]float64, n)
			for j := 0; j < n; j++ {
				clear(e)
				e[j] = 1
				tc.b.SqrtTMul(lt, e)
				tc.b.SqrtMul(col, lt)
				for i := 0; i < n; i++ {
					if math.Abs(col[i]-dense[i*n+j]) > 1e-12 {
						t.Errorf("(L Lᵀ)[%d][%d] = %v, B = %v", i, j, col[i], dense[i*n+j])
					}
				}
			}
			if got, want := tc.b.Variance(0), 2.0; got != want {
				t.Errorf("Variance(0) = %v, want %v (scaled by 0.5)", got, want)
			}
		})
	}
}

func TestBackgroundErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func() error
		want string
	}{
		{"not positive definite", func() error { _, err := NewBackground([]float64{1, 2, 2, 1}, 2, 1); return err }, "not positive definite"},
		{"not symmetric", func() error { _, err := NewBackground([]float64{1, 0.5, 0.4, 1}, 2, 1); return err }, "not symmetric"},
		{"wrong size", func() error { _, err := NewBackground([]float64{1, 0, 0}, 2, 1); return err }, "3 values"},
		{"zero variance", func() error { _, err := NewDiagBackground([]float64{1, 0}, 1); return err }, "variance 1"},
		{"bad scale", func() error { _, err := NewDiagBackground([]float64{1}, -2); return err }, "scale"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.make()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
