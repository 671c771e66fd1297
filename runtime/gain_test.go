package runtime

import (
	"fmt"
	"testing"
)

// TestGainUpdateSpacesAgree checks that the ensemble-space form of the
// EnKF's update (m > N) equals the observation-space one it replaces, for
// a diagonal and a full R, with and without missing observations.
func TestGainUpdateSpacesAgree(t *testing.T) {
	const N, n, p = 6, 5, 9
	s := NewStream(9, PurposeTruthInit, 0)
	fill := func(k int) []float64 {
		x := make([]float64, k)
		for i := range x {
			x[i] = s.Normal()
		}
		return x
	}
	// A full R = BB' + I, and its diagonal.
	b := fill(p * p)
	cov := make([]float64, p*p)
	vars := make([]float64, p)
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			for k := 0; k < p; k++ {
				cov[i*p+j] += 0.1 * b[i*p+k] * b[j*p+k]
			}
		}
		cov[i*p+i]++
		vars[i] = cov[i*p+i]
	}
	fullR, err := NewObsError(cov, p)
	if err != nil {
		t.Fatal(err)
	}
	diagR, err := NewDiagObsError(vars)
	if err != nil {
		t.Fatal(err)
	}
	for _, R := range []*ObsError{diagR, fullR} {
		for _, missing := range []int{0, 2} {
			t.Run(fmt.Sprintf("diag=%v/missing=%d", R.Diagonal(), missing), func(t *testing.T) {
				m := p - missing
				sub := newObsSubset(R)
				yobs := fill(p)
				for i := 0; i < missing; i++ {
					yobs[2*i+1] = nan()
				}
				if missing > 0 {
					if _, err := sub.present(yobs, R); err != nil {
						t.Fatal(err)
					}
				}
				y, d, a, e0 := fill(N*m), fill(N*m), fill(N*n), fill(N*n)
				obs := &gainUpdate{members: N, dim: n, obs: p, c: make([]float64, m*m), kt: make([]float64, m*n)}
				want := append([]float64(nil), e0...)
				if err := obs.apply(R, sub, missing == 0, m, append([]float64(nil), y...), append([]float64(nil), d...), a, want); err != nil {
					t.Fatal(err)
				}
				ens := newGainUpdate(N, n, p)
				got := append([]float64(nil), e0...)
				if err := ens.apply(R, sub, missing == 0, m, y, d, a, got); err != nil {
					t.Fatal(err)
				}
				if dd := maxAbsDiff(got, want); dd > 1e-12 {
					t.Errorf("ensemble-space update differs by %g", dd)
				}
				if sameBits(got, e0) {
					t.Error("the update left the ensemble as it was")
				}
			})
		}
	}
}
