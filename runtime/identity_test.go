// Algorithm identities: ETKF and EnKF against the exact Kalman filter on a linear-Gaussian system.

package runtime

import (
	"fmt"
	"math"
	"testing"
)

// twin runs the truth of the linear system and returns the observations of
// each analysis time.
func (ls *linearSystem) observations(t testing.TB, cycles int, seed uint64) [][]float64 {
	t.Helper()
	x := make([]float64, ls.n)
	s := NewStream(seed, PurposeTruthInit, 0)
	E := drawExact(t, ls.n+1, ls.m0, ls.P0, seed) // any draw from the prior will do
	copy(x, E.Member(0))
	ys := make([][]float64, cycles)
	for c := range ys {
		for k := 0; k < ls.steps; k++ {
			x = matVec(ls.M, ls.n, x)
		}
		y := matVec(ls.H, ls.p, x)
		s.Reset(seed, PurposeObsNoise, uint64(c))
		ls.R.AddNoise(y, s)
		ys[c] = y
	}
	return ys
}

// TestETKFMatchesKalmanFilter runs the ETKF and the exact KF side by side
// on a linear-Gaussian system from the same prior (the initial ensemble is
// recentred and rescaled to the prior moments exactly). The ETKF is exact
// for linear H and M: its mean and sample covariance must equal the KF's to
// rounding (relative 1e-8) at every cycle, with or without rotation, on
// either computational path, for a small or a large ensemble.
func TestETKFMatchesKalmanFilter(t *testing.T) {
	const cycles = 8
	ls := newLinearSystem(t)
	ys := ls.observations(t, cycles, 7)
	for _, tc := range []struct {
		members  int
		obsSpace bool
		rotate   bool
	}{
		{20, false, false},
		{20, true, false},
		{20, false, true},
		{20, true, true},
		{6, false, false},
		{2000, true, false},
	} {
		name := fmt.Sprintf("N=%d/obsSpace=%v/rotate=%v", tc.members, tc.obsSpace, tc.rotate)
		t.Run(name, func(t *testing.T) {
			kf, err := NewKalmanFilter(ls.m0, ls.P0)
			if err != nil {
				t.Fatal(err)
			}
			E := drawExact(t, tc.members, ls.m0, ls.P0, 11)
			cfg := ETKFConfig{Members: tc.members, Dim: ls.n, Obs: ls.p, Inflation: 1, Rotate: tc.rotate, Seed: 3}
			if err := checkFilterConfig("ETKF", cfg.Members, cfg.Dim, cfg.Obs, cfg.Inflation, ls.R); err != nil {
				t.Fatal(err)
			}
			f := newETKF(cfg, ls.R, tc.obsSpace)
			for c := 0; c < cycles; c++ {
				for k := 0; k < ls.steps; k++ {
					applyRows(E, ls.M)
					if err := kf.Forecast(ls.M, nil); err != nil {
						t.Fatal(err)
					}
				}
				HE := observe(E, ls.H, ls.p)
				if err := f.Analyze(E, HE, ys[c], uint64(c)); err != nil {
					t.Fatal(err)
				}
				if err := kf.Update(ls.H, ls.R, ys[c]); err != nil {
					t.Fatal(err)
				}
				m, P := sampleMoments(E)
				if d := maxAbsDiff(m, kf.Mean()) / (1 + maxAbs(kf.Mean())); d > 1e-8 {
					t.Errorf("cycle %d: mean off by relative %.3g\nETKF %v\nKF   %v", c, d, m, kf.Mean())
				}
				if d := frobRel(P, kf.Cov()); d > 1e-8 {
					t.Errorf("cycle %d: covariance off by relative %.3g", c, d)
				}
			}
		})
	}
}

// TestEnKFMatchesKalmanFilter runs the perturbed-observation EnKF with
// 5000 members beside the exact KF. The first analysis mean is exact (the
// perturbations are centred and the prior moments are exact), to 1e-8
// relative. Afterwards agreement is statistical: every mean component
// within 6 standard errors sqrt(P_ii/N) of the KF's and the covariance
// within 6% (relative Frobenius norm; its sampling error is about
// sqrt(2/N) ≈ 2%). An EnKF without perturbations misses the covariance by
// far more than that (checked below), as would a wrong gain.
func TestEnKFMatchesKalmanFilter(t *testing.T) {
	const (
		cycles  = 6
		members = 5000
	)
	ls := newLinearSystem(t)
	ys := ls.observations(t, cycles, 7)
	kf, err := NewKalmanFilter(ls.m0, ls.P0)
	if err != nil {
		t.Fatal(err)
	}
	E := drawExact(t, members, ls.m0, ls.P0, 13)
	f, err := NewEnKF(EnKFConfig{Members: members, Dim: ls.n, Obs: ls.p, Inflation: 1, Seed: 5}, ls.R)
	if err != nil {
		t.Fatal(err)
	}
	for c := 0; c < cycles; c++ {
		for k := 0; k < ls.steps; k++ {
			applyRows(E, ls.M)
			if err := kf.Forecast(ls.M, nil); err != nil {
				t.Fatal(err)
			}
		}
		HE := observe(E, ls.H, ls.p)
		if err := f.Analyze(E, HE, ys[c], uint64(c)); err != nil {
			t.Fatal(err)
		}
		if err := kf.Update(ls.H, ls.R, ys[c]); err != nil {
			t.Fatal(err)
		}
		m, P := sampleMoments(E)
		if c == 0 {
			if d := maxAbsDiff(m, kf.Mean()) / (1 + maxAbs(kf.Mean())); d > 1e-8 {
				t.Errorf("first analysis mean off by relative %.3g", d)
			}
		}
		for i := range m {
			se := math.Sqrt(kf.Cov()[i*ls.n+i] / members)
			if d := math.Abs(m[i] - kf.Mean()[i]); d > 6*se {
				t.Errorf("cycle %d: mean[%d] = %.5f, KF %.5f: off by %.1f standard errors", c, i, m[i], kf.Mean()[i], d/se)
			}
		}
		if d := frobRel(P, kf.Cov()); d > 0.06 {
			t.Errorf("cycle %d: covariance off by relative %.3f, want <= 0.06", c, d)
		}
	}
}

// TestEnKFWithoutPerturbationsIsDetected checks that the tolerance of
// TestEnKFMatchesKalmanFilter is tight enough to catch a classic bug: the
// same gain applied with unperturbed observations shrinks the covariance
// well beyond 6%.
func TestEnKFWithoutPerturbationsIsDetected(t *testing.T) {
	ls := newLinearSystem(t)
	ys := ls.observations(t, 1, 7)
	kf, _ := NewKalmanFilter(ls.m0, ls.P0)
	E := drawExact(t, 5000, ls.m0, ls.P0, 13)
	if err := kf.Update(ls.H, ls.R, ys[0]); err != nil {
		t.Fatal(err)
	}
	g, err := NewEnKF(EnKFConfig{Members: 5000, Dim: ls.n, Obs: ls.p, Inflation: 1, Seed: 5}, ls.R)
	if err != nil {
		t.Fatal(err)
	}
	HE := observe(E, ls.H, ls.p)
	// Zero perturbations, same gain: an R whose noise draws are scaled to 0.
	g.r = &ObsError{p: ls.p, diag: true, vars: ls.R.vars, sd: []float64{0, 0}, isd: ls.R.isd}
	if err := g.Analyze(E, HE, ys[0], 0); err != nil {
		t.Fatal(err)
	}
	_, P := sampleMoments(E)
	if d := frobRel(P, kf.Cov()); d <= 0.06 {
		t.Errorf("unperturbed EnKF covariance within %.3f of the KF: the identity test could not catch it", d)
	}
}
