// On the linear-Gaussian twin experiment the generated ETKF must agree
// with the exact Kalman filter after every analysis, and the generated kf
// cycle must be the runtime's Kalman filter to rounding.
package etkf

import (
	"math"
	"testing"

	"github.com/cyclec/cyclec/examples/internal/kftest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

// exactRef drives the generated kf cycle Exact as the reference of the
// identity test, started from the ensemble's own statistics.
type exactRef struct {
	t *testing.T
	c *Exact
}

func (r *exactRef) Begin(mean, cov []float64) error {
	if err := r.c.Start(); err != nil {
		return err
	}
	copy(r.c.filter.Mean(), mean)
	copy(r.c.filter.Cov(), cov)
	copy(r.c.E.Member(0), mean)
	return nil
}

func (r *exactRef) Advance(y []float64) error {
	if err := r.c.Next(); err != nil {
		return err
	}
	for i, v := range r.c.y {
		if v != y[i] {
			r.t.Fatalf("Exact assimilated y[%d] = %v, the ETKF cycle %v: the twins differ", i, v, y[i])
		}
	}
	return nil
}

func (r *exactRef) Mean() []float64 { return r.c.filter.Mean() }
func (r *exactRef) Cov() []float64  { return r.c.filter.Cov() }

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
		Reference: &exactRef{t: t, c: NewExact()},
	})
}

// TestKFIsTheKalmanFilter runs the generated kf cycle beside the runtime's
// KalmanFilter, given the matrices of the model (ObsEvery steps) and of the
// operator, from the initial distribution's mean and covariance: after
// every analysis their means and covariances agree to 1e-12.
func TestKFIsTheKalmanFilter(t *testing.T) {
	c := NewExact()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	n, p := StateSize, ObsSize
	mean := make([]float64, n)
	cov := make([]float64, n*n)
	for i := range n {
		mean[i], cov[i*n+i] = 1, 1 // normal(mean = 1.0, std = 1.0)
	}
	kf, err := cycrt.NewKalmanFilter(mean, cov)
	if err != nil {
		t.Fatal(err)
	}
	model := NewShift()
	M := make([]float64, n*n)
	H := make([]float64, p*n)
	for j := range n {
		var e State
		e[j] = 1
		var y Obs
		(&Half{}).Apply(&y, &e)
		for i := range p {
			H[i*n+j] = y[i]
		}
		for range c.ObsEvery {
			model.Step(&e, 0)
		}
		for i := range n {
			M[i*n+j] = e[i]
		}
	}
	r, err := cycrt.NewDiagObsError([]float64{0.5, 0.5, 0.5})
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-12
	worst := 0.0
	for a := 0; !c.Done(); a++ {
		if err := c.Next(); err != nil {
			t.Fatal(err)
		}
		if err := kf.Forecast(M, nil); err != nil {
			t.Fatal(err)
		}
		if err := kf.Update(H, r, c.y[:]); err != nil {
			t.Fatal(err)
		}
		x := c.E.Member(0)
		for i, v := range kf.Mean() {
			d := math.Abs(x[i]-v) / (1 + math.Abs(v))
			worst = math.Max(worst, d)
			if d > tol {
				t.Fatalf("analysis %d: state[%d] = %v, Kalman filter %v", a, i, x[i], v)
			}
		}
		for i, v := range kf.Cov() {
			d := math.Abs(c.filter.Cov()[i]-v) / (1 + math.Abs(v))
			worst = math.Max(worst, d)
			if d > tol {
				t.Fatalf("analysis %d: cov[%d] = %v, Kalman filter %v", a, i, c.filter.Cov()[i], v)
			}
		}
	}
	t.Logf("largest relative difference over %d analyses: %.1e", c.Steps/c.ObsEvery, worst)
}
