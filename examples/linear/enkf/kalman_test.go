// On the linear-Gaussian twin experiment the generated ENKF must agree
// with the exact Kalman filter after every analysis.
package enkf

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/kftest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

func TestMatchesKalmanFilter(t *testing.T) {
	c := NewTwin()
	m := NewShift()
	h := &Half{}
	// The EnKF is exact only in distribution: with 4000 members the
	// sampling error of its perturbed observations is a few percent of the
	// covariance (about sqrt(2/N) ≈ 2% per element), so the bounds are 6%
	// for the covariance and 0.06 for the mean, relative.
	check := func(t *testing.T, a int, d kftest.Diff) {
		if d.Mean > 0.06 || d.Cov > 0.06 {
			t.Errorf("analysis %d: ensemble differs from the Kalman filter beyond sampling error: mean %.3f, cov %.3f", a, d.Mean, d.Cov)
		}
	}
	kftest.Run(t, kftest.Twin{
		N: StateSize, P: ObsSize, ObsEvery: c.ObsEvery, Analyses: c.Steps / c.ObsEvery,
		Start:     c.Start,
		Next:      c.Next,
		Ensemble:  func() *cycrt.Ensemble { return c.E },
		Obs:       func() []float64 { return c.y[:] },
		Step:      func(x []float64) { m.Step((*State)(x), 0) },
		Observe:   func(y, x []float64) { h.Apply((*Obs)(y), (*State)(x)) },
		ObsErrVar: 0.5,
		Check:     check,
		Summary:   c.Summary,
	})
}
