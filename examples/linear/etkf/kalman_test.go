// On the linear-Gaussian twin experiment the generated ETKF must agree
// with the exact Kalman filter after every analysis.
package etkf

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/kftest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

func TestMatchesKalmanFilter(t *testing.T) {
	c := NewTwin()
	m := NewShift()
	h := &Half{}
	// The ETKF is exact for a linear-Gaussian system: only rounding separates
	// it from the Kalman filter.
	const tol = 1e-9
	check := func(t *testing.T, a int, d kftest.Diff) {
		if d.Mean > tol || d.Cov > tol {
			t.Errorf("analysis %d: ensemble differs from the Kalman filter: mean %.2e, cov %.2e (tolerance %.0e)", a, d.Mean, d.Cov, tol)
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
