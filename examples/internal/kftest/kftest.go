// Package kftest runs the exact Kalman filter beside a generated linear
// twin experiment and compares the ensemble's mean and covariance with it
// after every analysis: the algorithm identity an ensemble filter must
// satisfy on a linear-Gaussian system.
package kftest

import (
	"math"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// Twin is what the identity test needs of a generated ensemble_da cycle
// over a linear model and a linear observation operator.
type Twin struct {
	N, P      int                               // state and observation sizes
	ObsEvery  int                               // model steps per analysis
	Analyses  int                               // analyses to compare
	Start     func() error                      // the cycle's Start
	Next      func() error                      // the cycle's Next
	Ensemble  func() *cycrt.Ensemble            // the cycle's E
	Obs       func() []float64                  // the observation the last Next assimilated
	Step      func(x []float64)                 // one model step, in place
	Observe   func(y, x []float64)              // the observation operator
	ObsErrVar float64                           // R = ObsErrVar · I
	Check     func(t *testing.T, a int, d Diff) // judges one analysis
	// Summary, if set, is the cycle's Summary; after the last analysis it
	// must count every analysis and report finite scores.
	Summary func() (*cycrt.Summary, error)
	// Reference, when set, is the exact Kalman filter the ensemble is
	// compared with instead of the runtime's KalmanFilter built from Step
	// and Observe: a generated kf cycle on the same twin experiment.
	Reference Reference
}

// Reference is an exact Kalman filter driven beside the ensemble cycle.
type Reference interface {
	// Begin starts the filter at the given mean and covariance (n×n).
	Begin(mean, cov []float64) error
	// Advance forecasts to the next analysis time and assimilates the
	// observation there, which must be the ensemble cycle's (y).
	Advance(y []float64) error
	// Mean and Cov are the filter's analysis.
	Mean() []float64
	Cov() []float64
}

// Diff is the largest disagreement between the ensemble and the Kalman
// filter after one analysis.
type Diff struct {
	Mean float64 // max |ensemble mean - KF mean| / (1 + |KF mean|)
	Cov  float64 // max |sample cov - KF cov| / max |KF cov|
}

// Run drives the cycle and the Kalman filter side by side. The filter
// starts from the initial ensemble's own sample mean and covariance, so the
// comparison is free of the sampling error of the first draw.
func Run(t *testing.T, tw Twin) {
	t.Helper()
	n := tw.N
	if err := tw.Start(); err != nil {
		t.Fatal(err)
	}
	mean, cov := sampleStats(tw.Ensemble(), n)
	ref := tw.Reference
	if ref == nil {
		ref = newRuntimeKF(tw)
	}
	if err := ref.Begin(mean, cov); err != nil {
		t.Fatal(err)
	}
	for a := 0; a < tw.Analyses; a++ {
		if err := tw.Next(); err != nil {
			t.Fatal(err)
		}
		if err := ref.Advance(tw.Obs()); err != nil {
			t.Fatal(err)
		}
		em, ec := sampleStats(tw.Ensemble(), n)
		var d Diff
		for i, m := range ref.Mean() {
			d.Mean = math.Max(d.Mean, math.Abs(em[i]-m)/(1+math.Abs(m)))
		}
		scale := 0.0
		for _, c := range ref.Cov() {
			scale = math.Max(scale, math.Abs(c))
		}
		for i, c := range ref.Cov() {
			d.Cov = math.Max(d.Cov, math.Abs(ec[i]-c)/scale)
		}
		tw.Check(t, a, d)
	}
	if tw.Summary == nil {
		return
	}
	sum, err := tw.Summary()
	if err != nil {
		t.Fatal(err)
	}
	if sum.Analyses != tw.Analyses || !(sum.RMSEAnalysis > 0) || math.IsInf(sum.RMSEAnalysis, 0) {
		t.Errorf("Summary after %d analyses: %d analyses, rmse_analysis %g", tw.Analyses, sum.Analyses, sum.RMSEAnalysis)
	}
}

// runtimeKF is the runtime's KalmanFilter with the matrices of the twin's
// model (ObsEvery steps) and operator, and R = ObsErrVar · I.
type runtimeKF struct {
	kf   *cycrt.KalmanFilter
	m, h []float64
	r    *cycrt.ObsError
}

func newRuntimeKF(tw Twin) *runtimeKF {
	n, p := tw.N, tw.P
	M := matrixOf(n, n, tw.ObsEvery, tw.Step)
	H := matrixOf(p, n, 0, nil)
	for j := 0; j < n; j++ {
		e := make([]float64, n)
		e[j] = 1
		y := make([]float64, p)
		tw.Observe(y, e)
		for i := range y {
			H[i*n+j] = y[i]
		}
	}
	variances := make([]float64, p)
	for i := range variances {
		variances[i] = tw.ObsErrVar
	}
	R, err := cycrt.NewDiagObsError(variances)
	if err != nil {
		panic(err) // ObsErrVar is a test's constant
	}
	return &runtimeKF{m: M, h: H, r: R}
}

func (k *runtimeKF) Begin(mean, cov []float64) error {
	var err error
	k.kf, err = cycrt.NewKalmanFilter(mean, cov)
	return err
}

func (k *runtimeKF) Advance(y []float64) error {
	if err := k.kf.Forecast(k.m, nil); err != nil {
		return err
	}
	return k.kf.Update(k.h, k.r, y)
}

func (k *runtimeKF) Mean() []float64 { return k.kf.Mean() }
func (k *runtimeKF) Cov() []float64  { return k.kf.Cov() }

// matrixOf returns the rows×cols matrix of a linear map given by its
// action: steps applications of step to each unit vector (the identity
// when step is nil).
func matrixOf(rows, cols, steps int, step func([]float64)) []float64 {
	m := make([]float64, rows*cols)
	if step == nil {
		return m
	}
	for j := 0; j < cols; j++ {
		x := make([]float64, cols)
		x[j] = 1
		for range steps {
			step(x)
		}
		for i := 0; i < rows; i++ {
			m[i*cols+j] = x[i]
		}
	}
	return m
}

// sampleStats returns the ensemble mean and unbiased sample covariance.
func sampleStats(E *cycrt.Ensemble, n int) (mean, cov []float64) {
	mean = make([]float64, n)
	E.Mean(mean)
	cov = make([]float64, n*n)
	for k := 0; k < E.Members; k++ {
		x := E.Member(k)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				cov[i*n+j] += (x[i] - mean[i]) * (x[j] - mean[j])
			}
		}
	}
	for i := range cov {
		cov[i] /= float64(E.Members - 1)
	}
	return mean, cov
}
