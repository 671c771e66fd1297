// The Analysis interface shared by the ensemble filters.

package runtime

import (
	"errors"
	"fmt"
)

// Analysis is an ensemble analysis step.
type Analysis interface {
	// Analyze updates E in place. HE holds the observed ensemble
	// (HE.Member(k) = H(E.Member(k))), y the observation; index numbers
	// the analysis (0, 1, 2, …) and keys its random streams. On error E is
	// left unchanged.
	//
	// A NaN element of y is a missing value, left out of the analysis
	// with its rows of HE and R. When every element is NaN, Analyze
	// returns ErrNoObservations itself (not wrapped, so == works as well
	// as errors.Is) and E is unchanged: the cycle goes on with its
	// forecast, as when its source has no observation at that time.
	Analyze(E, HE *Ensemble, y []float64, index uint64) error
}

// ErrNoObservations is what Analyze returns when every value of y is
// missing (NaN). It is not a failure: no analysis was made and the
// ensemble is unchanged.
var ErrNoObservations = errors.New("no observation present: every value is missing")

// errSubsetR reports an R whose restriction to the observations present
// is not numerically positive definite (R itself is).
var errSubsetR = errors.New("observation-error covariance restricted to the values present is not positive definite")

// Compile-time checks that the filters implement Analysis.
var (
	_ Analysis = (*ETKF)(nil)
	_ Analysis = (*EnKF)(nil)
)

// checkAnalysisArgs validates the arguments of an Analyze call.
func checkAnalysisArgs(name string, members, dim, obs int, E, HE *Ensemble, y []float64) error {
	if err := E.check("state", members, dim); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := HE.check("observed", members, obs); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if len(y) != obs {
		return fmt.Errorf("%s: observation has %d values, want %d", name, len(y), obs)
	}
	return nil
}

// checkFilterConfig validates the sizes and inflation shared by the filters.
func checkFilterConfig(name string, members, dim, obs int, inflation float64, r *ObsError) error {
	switch {
	case members < 2:
		return fmt.Errorf("%s: %d members, want at least 2", name, members)
	case dim < 1:
		return fmt.Errorf("%s: state dimension %d, want at least 1", name, dim)
	case obs < 1:
		return fmt.Errorf("%s: %d observations, want at least 1", name, obs)
	case !(inflation >= 1) || inflation > 1e6:
		return fmt.Errorf("%s: inflation %v, want a finite value >= 1", name, inflation)
	case r == nil:
		return fmt.Errorf("%s: no observation-error covariance", name)
	case r.Dim() != obs:
		return fmt.Errorf("%s: observation-error covariance is %dx%d but there are %d observations", name, r.Dim(), r.Dim(), obs)
	}
	return nil
}

// errCollapsed reports a forecast ensemble whose members are all equal:
// it carries no covariance, so no analysis can correct it.
var errCollapsed = errors.New("the ensemble has collapsed: every member is the same, so its spread is zero and it ignores the observations (more inflation, or an additive one, keeps it apart)")

// membersEqual reports whether the N members of the N×n ensemble e are
// all the same state. It compares members rather than testing anomalies
// for zero, since rounding in the mean leaves identical members with tiny
// non-zero anomalies.
func membersEqual(e []float64, N, n int) bool {
	first := e[:n]
	for k := 1; k < N; k++ {
		row := e[k*n : (k+1)*n]
		for i, v := range row {
			if v != first[i] {
				return false
			}
		}
	}
	return true
}
