// Tests of the bootstrap particle filter: weights, Kalman limits, resampling and jitter.

package runtime

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// newTestPF builds a PF or fails the test.
func newTestPF(t testing.TB, cfg PFConfig, R *ObsError) *PF {
	t.Helper()
	f, err := NewPF(cfg, R)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// weightedCov returns the weighted mean and the unbiased weighted
// covariance Σ w_k (x_k - μ)(x_k - μ)' / (1 - Σw²), computed directly.
func weightedCov(E *Ensemble, w []float64) (mean, cov []float64) {
	n := E.Dim
	mean, _ = weightedMoments(E, w)
	cov = make([]float64, n*n)
	var s2 float64
	for k := 0; k < E.Members; k++ {
		s2 += w[k] * w[k]
		x := E.Member(k)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				cov[i*n+j] += w[k] * (x[i] - mean[i]) * (x[j] - mean[j])
			}
		}
	}
	for i := range cov {
		cov[i] /= 1 - s2
	}
	return mean, cov
}

// kalmanUpdate returns the Kalman-filter posterior mean and covariance of
// N(m, P) given y = H x + N(0, R), using only the rows of y that are not NaN.
func kalmanUpdate(m, P, H, R, y []float64) (ma, Pa []float64) {
	n, p := len(m), len(y)
	var rows []int
	for i, v := range y {
		if !math.IsNaN(v) {
			rows = append(rows, i)
		}
	}
	q := len(rows)
	Hs, Rs, ys := mat.NewDense(q, n, nil), mat.NewDense(q, q, nil), mat.NewVecDense(q, nil)
	for a, i := range rows {
		for j := 0; j < n; j++ {
			Hs.Set(a, j, H[i*n+j])
		}
		for b, j := range rows {
			Rs.Set(a, b, R[i*p+j])
		}
		ys.SetVec(a, y[i])
	}
	Pm := mat.NewDense(n, n, append([]float64(nil), P...))
	mv := mat.NewVecDense(n, append([]float64(nil), m...))
	var S, PHt, K mat.Dense
	PHt.Mul(Pm, Hs.T())
	S.Mul(Hs, &PHt)
	S.Add(&S, Rs)
	var Si mat.Dense
	if err := Si.Inverse(&S); err != nil {
		panic(err)
	}
	K.Mul(&PHt, &Si)
	var innov, hm mat.VecDense
	hm.MulVec(Hs, mv)
	innov.SubVec(ys, &hm)
	var dm mat.VecDense
	dm.MulVec(&K, &innov)
	ma = make([]float64, n)
	for i := range ma {
		ma[i] = m[i] + dm.AtVec(i)
	}
	var KHP mat.Dense
	KHP.Mul(&K, Hs)
	KHP.Mul(&KHP, Pm)
	Pa = make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			Pa[i*n+j] = P[i*n+j] - KHP.At(i, j)
		}
	}
	return ma, Pa
}

func TestPFConfigErrors(t *testing.T) {
	R := identityR(t, 3)
	good := PFConfig{Particles: 10, Dim: 3, Obs: 3, Threshold: 0.5, Jitter: 1}
	if _, err := NewPF(good, R); err != nil {
		t.Fatalf("good config rejected: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(*PFConfig)
		R    *ObsError
		want string
	}{
		{"one particle", func(c *PFConfig) { c.Particles = 1 }, R, "1 particles"},
		{"no state", func(c *PFConfig) { c.Dim = 0 }, R, "state dimension 0"},
		{"no obs", func(c *PFConfig) { c.Obs = 0 }, R, "0 observations"},
		{"threshold 0", func(c *PFConfig) { c.Threshold = 0 }, R, "threshold 0"},
		{"threshold above 1", func(c *PFConfig) { c.Threshold = 1.5 }, R, "threshold 1.5"},
		{"threshold NaN", func(c *PFConfig) { c.Threshold = math.NaN() }, R, "threshold NaN"},
		{"negative jitter", func(c *PFConfig) { c.Jitter = -0.1 }, R, "jitter -0.1"},
		{"infinite jitter", func(c *PFConfig) { c.Jitter = math.Inf(1) }, R, "jitter +Inf"},
		{"unknown scheme", func(c *PFConfig) { c.Resample = 9 }, R, "Resampling(9)"},
		{"no R", func(c *PFConfig) {}, nil, "no observation-error"},
		{"R size", func(c *PFConfig) { c.Obs = 2 }, R, "3x3 but there are 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.edit(&cfg)
			_, err := NewPF(cfg, tc.R)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "PF: ") {
				t.Errorf("NewPF: error %v, want one starting \"PF: \" and containing %q", err, tc.want)
			}
		})
	}
	f := newTestPF(t, good, R)
	if f.Config() != good {
		t.Errorf("Config() = %+v, want %+v", f.Config(), good)
	}
	if f.ESS() != 10 {
		t.Errorf("initial ESS %v, want 10", f.ESS())
	}
	for k, v := range f.Weights() {
		if v != 0.1 {
			t.Fatalf("initial weight %d = %v, want 0.1", k, v)
		}
	}
	// Size mismatches of the Analyze and Resample arguments.
	E, HE, y := NewEnsemble(10, 3), NewEnsemble(10, 3), make([]float64, 3)
	for name, err := range map[string]error{
		"members":      f.Analyze(NewEnsemble(9, 3), HE, y, 0),
		"observed dim": f.Analyze(E, NewEnsemble(10, 2), y, 0),
		"y length":     f.Analyze(E, HE, y[:2], 0),
		"weights":      f.Analyze(&Ensemble{Members: 10, Dim: 3, Data: E.Data, Weights: []float64{1}}, HE, y, 0),
		"resample dim": f.Resample(NewEnsemble(10, 2), 0),
	} {
		if err == nil || !strings.HasPrefix(err.Error(), "PF: ") {
			t.Errorf("%s mismatch: error %v, want one naming the PF", name, err)
		}
	}
}

func TestPFAnalyzeWeightsFormula(t *testing.T) {
	const N, n, p = 6, 2, 2
	cov := []float64{0.8, 0.3, 0.3, 1.2}
	R, err := NewObsError(cov, p)
	if err != nil {
		t.Fatal(err)
	}
	var Ri mat.Dense
	if err := Ri.Inverse(mat.NewDense(2, 2, cov)); err != nil {
		t.Fatal(err)
	}
	E := randomEnsemble(N, n, 0.5, 1, 81)
	HE := randomEnsemble(N, p, 0.5, 1, 82)
	y := []float64{0.9, -0.2}
	prior := randomWeights(N, 83)
	for _, missing := range []bool{false, true} {
		t.Run(fmt.Sprintf("missing=%v", missing), func(t *testing.T) {
			f := newTestPF(t, PFConfig{Particles: N, Dim: n, Obs: p, Threshold: 0.5}, R)
			if err := f.SetWeights(prior); err != nil {
				t.Fatal(err)
			}
			yy := append([]float64(nil), y...)
			if missing {
				yy[0] = math.NaN()
			}
			want := make([]float64, N)
			var sum float64
			for k := range N {
				d := []float64{y[0] - HE.Member(k)[0], y[1] - HE.Member(k)[1]}
				var chi2 float64
				if missing {
					chi2 = d[1] * d[1] / cov[3]
				} else {
					for i := range 2 {
						for j := range 2 {
							chi2 += d[i] * Ri.At(i, j) * d[j]
						}
					}
				}
				want[k] = prior[k] * math.Exp(-0.5*chi2)
				sum += want[k]
			}
			var s2 float64
			for k := range want {
				want[k] /= sum
				s2 += want[k] * want[k]
			}
			before := append([]float64(nil), E.Data...)
			if err := f.Analyze(E, HE, yy, 1); err != nil {
				t.Fatal(err)
			}
			if d := maxAbsDiff(f.Weights(), want); d > 1e-14 {
				t.Errorf("weights %v, want %v", f.Weights(), want)
			}
			if math.Abs(f.ESS()-1/s2) > 1e-12 {
				t.Errorf("ESS %v, want %v", f.ESS(), 1/s2)
			}
			if &E.Weights[0] != &f.Weights()[0] {
				t.Error("E.Weights does not point at the PF's weights")
			}
			if maxAbsDiff(E.Data, before) != 0 {
				t.Error("Analyze changed the particles")
			}
		})
	}
}

func TestPFEqualLikelihoods(t *testing.T) {
	const N = 50
	f := newTestPF(t, PFConfig{Particles: N, Dim: 2, Obs: 1, Threshold: 0.5}, identityR(t, 1))
	E := randomEnsemble(N, 2, 0, 1, 91)
	HE := NewEnsemble(N, 1)
	for k := range N {
		HE.Data[k] = 3.7 // every particle observes the same value
	}
	if err := f.Analyze(E, HE, []float64{1.2}, 0); err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.ESS()-N) > 1e-10 {
		t.Errorf("ESS %v for equal likelihoods, want %d", f.ESS(), N)
	}
	for k, v := range f.Weights() {
		if math.Abs(v-1.0/N) > 1e-16 {
			t.Fatalf("weight %d = %v, want 1/%d", k, v, N)
		}
	}
}

func TestPFAnalyzeErrors(t *testing.T) {
	const N = 100
	R, err := NewDiagObsError([]float64{1e-6, 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	f := newTestPF(t, PFConfig{Particles: N, Dim: 2, Obs: 2, Threshold: 0.5}, R)
	E := randomEnsemble(N, 2, 0, 1, 101)
	HE := &Ensemble{Members: N, Dim: 2, Data: append([]float64(nil), E.Data...)}
	prior := randomWeights(N, 102)
	if err := f.SetWeights(prior); err != nil {
		t.Fatal(err)
	}
	before := append([]float64(nil), E.Data...)
	unchanged := func(what string) {
		t.Helper()
		if maxAbsDiff(f.Weights(), prior) != 0 || f.ESS() != 1/sumSquares(prior) {
			t.Errorf("%s: weights or ESS changed", what)
		}
		if maxAbsDiff(E.Data, before) != 0 || E.Weights != nil {
			t.Errorf("%s: ensemble changed", what)
		}
	}

	// Every squared innovation overflows: no likelihood survives.
	err = f.Analyze(E, HE, []float64{1e160, -1e160}, 12)
	if err == nil || !errors.Is(err, errWeightsUnderflow) ||
		!strings.Contains(err.Error(), "PF analysis 12: the weights of all 100 particles underflowed") {
		t.Errorf("far observation: error %v, want the underflow error of analysis 12", err)
	}
	unchanged("underflow")

	// A far but representable observation does not underflow: the
	// log-sum-exp normalisation keeps the nearest particle.
	g := newTestPF(t, PFConfig{Particles: N, Dim: 2, Obs: 2, Threshold: 0.5}, R)
	if err := g.Analyze(E, HE, []float64{40, -40}, 1); err != nil {
		t.Errorf("observation at 40 sd·1000 away: %v", err)
	} else if g.ESS() < 1 || g.ESS() > 1.5 {
		t.Errorf("far observation: ESS %v, want about 1", g.ESS())
	}
	E.Weights = nil

	// A NaN observed particle.
	HE.Data[7] = math.NaN()
	if err := f.Analyze(E, HE, []float64{0, 0}, 3); !errors.Is(err, errNonFinite) || !strings.Contains(err.Error(), "particle 3") {
		t.Errorf("NaN observed particle: error %v, want errNonFinite naming particle 3", err)
	}
	unchanged("NaN particle")
	HE.Data[7] = math.Inf(1)
	if err := f.Analyze(E, HE, []float64{0, 0}, 3); !errors.Is(err, errNonFinite) {
		t.Errorf("infinite observed particle: error %v, want errNonFinite", err)
	}
	HE.Data[7] = 0
	if err := f.Analyze(E, HE, []float64{math.Inf(1), 0}, 3); !errors.Is(err, errNonFinite) {
		t.Errorf("infinite observation: error %v, want errNonFinite", err)
	}
	unchanged("infinite observation")

	// Nothing observed.
	if err := f.Analyze(E, HE, []float64{math.NaN(), math.NaN()}, 4); err != ErrNoObservations {
		t.Errorf("all missing: error %v, want ErrNoObservations", err)
	}
	unchanged("all missing")
}

// sumSquares returns Σ w².
func sumSquares(w []float64) float64 {
	var s float64
	for _, v := range w {
		s += v * v
	}
	return s
}

func TestPFSetWeights(t *testing.T) {
	f := newTestPF(t, PFConfig{Particles: 4, Dim: 1, Obs: 1, Threshold: 0.5}, identityR(t, 1))
	for _, tc := range []struct {
		w    []float64
		want string
	}{
		{[]float64{0.5, 0.5}, "2 weights for 4"},
		{[]float64{0.5, 0.5, -0.25, 0.25}, "weight 2 is -0.25"},
		{[]float64{0.5, math.NaN(), 0.25, 0.25}, "weight 1 is NaN"},
		{[]float64{0.5, math.Inf(1), 0.25, 0.25}, "weight 1 is +Inf"},
		{[]float64{0.5, 0.5, 0.25, 0.25}, "sum to 1.5"},
		{[]float64{0, 0, 0, 0}, "sum to 0"},
	} {
		if err := f.SetWeights(tc.w); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("SetWeights(%v): error %v, want one containing %q", tc.w, err, tc.want)
		}
	}
	for _, v := range f.Weights() {
		if v != 0.25 {
			t.Fatalf("a rejected SetWeights changed the weights: %v", f.Weights())
		}
	}
	w := []float64{0.1, 0.2, 0.3, 0.4}
	if err := f.SetWeights(w); err != nil {
		t.Fatal(err)
	}
	if maxAbsDiff(f.Weights(), w) != 0 || math.Abs(f.ESS()-1/0.3) > 1e-12 {
		t.Errorf("SetWeights: weights %v ESS %v, want %v and %v", f.Weights(), f.ESS(), w, 1/0.3)
	}
	w[0] = 9
	if f.Weights()[0] != 0.1 {
		t.Error("SetWeights kept the caller's slice instead of copying it")
	}
}

// TestPFKalmanLimit checks that one analysis of a huge prior sample of a
// linear-Gaussian problem gives the Kalman filter's posterior mean and
// covariance within Monte-Carlo error, both as weighted particles and
// after resampling.
func TestPFKalmanLimit(t *testing.T) {
	const N, n, p = 20000, 2, 2
	m0 := []float64{1, -0.5}
	P0 := []float64{1.0, 0.6, 0.6, 2.0}
	H := []float64{1, 0, 0.5, 1}
	Rc := []float64{0.8, 0.3, 0.3, 1.2}
	R, err := NewObsError(Rc, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		y      []float64
		scheme Resampling
	}{
		{"both observed", []float64{1.8, 0.2}, ResampleSystematic},
		{"second missing", []float64{-0.4, math.NaN()}, ResampleResidual},
		{"multinomial", []float64{0.3, 1.9}, ResampleMultinomial},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ma, Pa := kalmanUpdate(m0, P0, H, Rc, tc.y)
			E := drawExact(t, N, m0, P0, 111)
			HE := observe(E, H, p)
			f := newTestPF(t, PFConfig{Particles: N, Dim: n, Obs: p, Threshold: 1, Resample: tc.scheme, Seed: 5}, R)
			if err := f.Analyze(E, HE, tc.y, 0); err != nil {
				t.Fatal(err)
			}
			ess := f.ESS()
			if ess < N/10 {
				t.Fatalf("ESS %v: too few effective particles for the test", ess)
			}
			check := func(what string, mean, cov []float64, factor float64) {
				t.Helper()
				for i := range n {
					se := math.Sqrt(factor * Pa[i*n+i] / ess)
					if math.Abs(mean[i]-ma[i]) > 5*se {
						t.Errorf("%s mean[%d] = %.4f, Kalman %.4f (5 se = %.4f)", what, i, mean[i], ma[i], 5*se)
					}
					for j := range n {
						se := math.Sqrt(factor * (Pa[i*n+i]*Pa[j*n+j] + Pa[i*n+j]*Pa[i*n+j]) / ess)
						if math.Abs(cov[i*n+j]-Pa[i*n+j]) > 5*se {
							t.Errorf("%s cov[%d,%d] = %.4f, Kalman %.4f (5 se = %.4f)", what, i, j, cov[i*n+j], Pa[i*n+j], 5*se)
						}
					}
				}
			}
			mean, cov := weightedCov(E, f.Weights())
			check("weighted", mean, cov, 1)
			// The ensemble's own statistics agree with the direct formula.
			m2 := make([]float64, n)
			sd := make([]float64, n)
			ElementMeanSpread(E, m2, sd)
			if maxAbsDiff(m2, mean) > 1e-12 || math.Abs(sd[0]-math.Sqrt(cov[0])) > 1e-12 {
				t.Errorf("ElementMeanSpread %v %v, want %v and sd %v", m2, sd, mean, math.Sqrt(cov[0]))
			}
			// Resampling (no jitter) keeps the posterior; it adds noise,
			// at most as much again as the weighting for multinomial.
			if err := f.Resample(E, 0); err != nil {
				t.Fatal(err)
			}
			for _, v := range E.Weights {
				if v != 1.0/N {
					t.Fatalf("weight %v after resampling, want 1/N", v)
				}
			}
			E.Weights = nil
			mean, cov = sampleMoments(E)
			check("resampled", mean, cov, 2)
		})
	}
}

// TestPFCycledKalman runs a cycled scalar linear-Gaussian twin experiment
// (x' = 0.9 x + N(0, 0.5), y = x + N(0, 1)) and checks that the PF's
// weighted posterior follows the Kalman filter at every analysis.
func TestPFCycledKalman(t *testing.T) {
	const N, a, q, r, cycles = 20000, 0.9, 0.5, 1.0, 25
	R, err := NewDiagObsError([]float64{r})
	if err != nil {
		t.Fatal(err)
	}
	f := newTestPF(t, PFConfig{Particles: N, Dim: 1, Obs: 1, Threshold: 0.5, Seed: 3}, R)
	E := randomEnsemble(N, 1, 0, math.Sqrt(2), 121)
	HE := &Ensemble{Members: N, Dim: 1, Data: E.Data} // H = I
	m, P := 0.0, 2.0
	truth := 0.7
	noise := NewStream(9, PurposeObsNoise, 0)
	model := NewStream(9, PurposeEnsembleInit, 0)
	resampled := 0
	for c := range cycles {
		if c > 0 {
			truth = a*truth + math.Sqrt(q)*noise.Normal()
			for k := range E.Data {
				E.Data[k] = a*E.Data[k] + math.Sqrt(q)*model.Normal()
			}
			m, P = a*m, a*a*P+q
		}
		y := truth + math.Sqrt(r)*noise.Normal()
		K := P / (P + r)
		m, P = m+K*(y-m), (1-K)*P
		if err := f.Analyze(E, HE, []float64{y}, uint64(c)); err != nil {
			t.Fatal(err)
		}
		mean, variance := weightedMoments(E, f.Weights())
		ess := f.ESS()
		// Past resamplings add to the Monte-Carlo error: allow twice the
		// importance-sampling variance.
		if se := math.Sqrt(2 * P / ess); math.Abs(mean[0]-m) > 5*se {
			t.Errorf("cycle %d: PF mean %.4f, Kalman %.4f (5 se = %.4f)", c, mean[0], m, 5*se)
		}
		if se := math.Sqrt(4 * P * P / ess); math.Abs(variance[0]-P) > 5*se {
			t.Errorf("cycle %d: PF variance %.4f, Kalman %.4f (5 se = %.4f)", c, variance[0], P, 5*se)
		}
		if ess <= 0.5*N {
			resampled++
		}
		if err := f.Resample(E, uint64(c)); err != nil {
			t.Fatal(err)
		}
	}
	if resampled == 0 || resampled == cycles {
		t.Errorf("resampled at %d of %d analyses: the threshold was not exercised both ways", resampled, cycles)
	}
}

func TestPFThreshold(t *testing.T) {
	const N = 20
	w := randomWeights(N, 131)
	ess := 1 / sumSquares(w)
	E0 := randomEnsemble(N, 3, 1, 1, 132)
	for _, tc := range []struct {
		name      string
		threshold float64
		scheme    Resampling
		weights   []float64
		resample  bool
	}{
		{"just above", ess / N * (1 - 1e-9), ResampleMultinomial, w, false},
		{"just below", ess / N * (1 + 1e-9), ResampleMultinomial, w, true},
		{"equal weights, threshold 1", 1, ResampleMultinomial, nil, true},
		{"equal weights, threshold 0.99", 0.99, ResampleMultinomial, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newTestPF(t, PFConfig{Particles: N, Dim: 3, Obs: 1, Threshold: tc.threshold, Resample: tc.scheme, Jitter: 0.5, Seed: 2}, identityR(t, 1))
			if tc.weights != nil {
				if err := f.SetWeights(tc.weights); err != nil {
					t.Fatal(err)
				}
			}
			wBefore := append([]float64(nil), f.Weights()...)
			E := &Ensemble{Members: N, Dim: 3, Data: append([]float64(nil), E0.Data...)}
			if err := f.Resample(E, 4); err != nil {
				t.Fatal(err)
			}
			if &E.Weights[0] != &f.Weights()[0] {
				t.Error("E.Weights does not point at the PF's weights")
			}
			changed := maxAbsDiff(E.Data, E0.Data) != 0
			if !tc.resample {
				if changed || maxAbsDiff(f.Weights(), wBefore) != 0 {
					t.Error("resampled above the threshold")
				}
				return
			}
			if !changed {
				t.Error("the particles did not change: no resampling below the threshold")
			}
			for _, v := range f.Weights() {
				if v != 1.0/N {
					t.Fatalf("weights %v after resampling, want 1/N", f.Weights())
				}
			}
		})
	}
}

// resampleMapping returns, for each row of the resampled ensemble, the
// particle it copies (rows hold the copies in particle order).
func resampleMapping(counts []int) []int {
	var src []int
	for k, c := range counts {
		for range c {
			src = append(src, k)
		}
	}
	return src
}

// TestPFJitterDuplicatesOnly checks that only the copies of particles
// drawn more than once move, and all of them do (DAPPER's no_uniq_jitter).
func TestPFJitterDuplicatesOnly(t *testing.T) {
	for _, sz := range [][2]int{{40, 2}, {5, 3}} { // reduced (N > 2n) and direct paths
		N, n := sz[0], sz[1]
		t.Run(fmt.Sprintf("N=%d,n=%d", N, n), func(t *testing.T) {
			E0 := randomEnsemble(N, n, 2, 1, 141)
			w := randomWeights(N, 142)
			for _, scheme := range allResampling {
				f := newTestPF(t, PFConfig{Particles: N, Dim: n, Obs: 1, Threshold: 1, Resample: scheme, Jitter: 1.5, Seed: 8}, identityR(t, 1))
				if f.reduced() != (N > 2*n) {
					t.Fatalf("reduced() = %v for N=%d n=%d", f.reduced(), N, n)
				}
				dupRows := 0
				for index := range uint64(30) {
					if err := f.SetWeights(w); err != nil {
						t.Fatal(err)
					}
					E := &Ensemble{Members: N, Dim: n, Data: append([]float64(nil), E0.Data...)}
					if err := f.Resample(E, index); err != nil {
						t.Fatal(err)
					}
					src := resampleMapping(f.counts)
					if len(src) != N {
						t.Fatalf("%v: %d rows from the counts, want %d", scheme, len(src), N)
					}
					for j, k := range src {
						same := maxAbsDiff(E.Member(j), E0.Member(k)) == 0
						if f.counts[k] == 1 && !same {
							t.Fatalf("%v: row %d, the only copy of particle %d, was jittered", scheme, j, k)
						}
						if f.counts[k] >= 2 {
							dupRows++
							if same {
								t.Fatalf("%v: row %d, one of %d copies of particle %d, was not jittered", scheme, j, f.counts[k], k)
							}
						}
					}
				}
				if dupRows == 0 {
					t.Errorf("%v: no duplicated particle in 30 resamplings", scheme)
				}
			}
		})
	}
}

// TestPFJitterCovariance checks that the jitter of duplicated copies has
// covariance (reg N^(-1/(n+4)))² C, C the weighted unbiased covariance of
// the particles before resampling (the equal-weight one when a single
// particle holds the weight).
func TestPFJitterCovariance(t *testing.T) {
	for _, tc := range []struct {
		N, n      int
		collapsed bool
	}{
		{40, 2, false}, // reduced path
		{5, 3, false},  // direct path
		{40, 2, true},
		{5, 3, true},
	} {
		t.Run(fmt.Sprintf("N=%d,n=%d,collapsed=%v", tc.N, tc.n, tc.collapsed), func(t *testing.T) {
			N, n := tc.N, tc.n
			const reg = 1.3
			E0 := randomEnsemble(N, n, 0, 1, 151)
			for k := range N { // correlate the elements
				x := E0.Member(k)
				for i := 1; i < n; i++ {
					x[i] += 0.7 * x[i-1]
				}
			}
			w := randomWeights(N, 152)
			covW := w
			if tc.collapsed {
				w = make([]float64, N)
				w[1] = 1 - 1e-12
				w[3] = 1e-12
				covW = make([]float64, N)
				for k := range covW {
					covW[k] = 1 / float64(N)
				}
			}
			_, C := weightedCov(E0, covW)
			h := reg * math.Pow(float64(N), -1/float64(n+4))
			f := newTestPF(t, PFConfig{Particles: N, Dim: n, Obs: 1, Threshold: 1, Jitter: reg, Seed: 4}, identityR(t, 1))
			sum := make([]float64, n*n)
			draws := 0
			for index := range uint64(6000) {
				if err := f.SetWeights(w); err != nil {
					t.Fatal(err)
				}
				E := &Ensemble{Members: N, Dim: n, Data: append([]float64(nil), E0.Data...)}
				if err := f.Resample(E, index); err != nil {
					t.Fatal(err)
				}
				for j, k := range resampleMapping(f.counts) {
					if f.counts[k] < 2 {
						continue
					}
					x, x0 := E.Member(j), E0.Member(k)
					for a := range n {
						for b := range n {
							sum[a*n+b] += (x[a] - x0[a]) * (x[b] - x0[b])
						}
					}
					draws++
				}
			}
			M := float64(draws)
			for a := range n {
				for b := range n {
					want := h * h * C[a*n+b]
					got := sum[a*n+b] / M
					se := h * h * math.Sqrt((C[a*n+a]*C[b*n+b]+C[a*n+b]*C[a*n+b])/M)
					if math.Abs(got-want) > 5*se {
						t.Errorf("jitter cov[%d,%d] = %.5f, want %.5f (5 se = %.5f, %d draws)", a, b, got, want, 5*se, draws)
					}
				}
			}
		})
	}
}

func TestPFResampleNonFinite(t *testing.T) {
	f := newTestPF(t, PFConfig{Particles: 4, Dim: 1, Obs: 1, Threshold: 1, Jitter: 1}, identityR(t, 1))
	E := &Ensemble{Members: 4, Dim: 1, Data: []float64{1, math.NaN(), 2, 3}}
	if err := f.Resample(E, 6); !errors.Is(err, errNonFinite) || !strings.Contains(err.Error(), "PF resampling 6") {
		t.Errorf("NaN particle: error %v, want errNonFinite of resampling 6", err)
	}
	if E.Data[0] != 1 || E.Data[2] != 2 || E.Data[3] != 3 {
		t.Errorf("a failed Resample changed the particles: %v", E.Data)
	}
}

// TestPFDeterministic checks that the same seed and index give the same
// resampled ensemble, and a different index a different one.
func TestPFDeterministic(t *testing.T) {
	const N, n = 30, 2
	E0 := randomEnsemble(N, n, 0, 1, 161)
	w := randomWeights(N, 162)
	run := func(index uint64) []float64 {
		f := newTestPF(t, PFConfig{Particles: N, Dim: n, Obs: 1, Threshold: 1, Jitter: 1, Resample: ResampleResidual, Seed: 11}, identityR(t, 1))
		if err := f.SetWeights(w); err != nil {
			t.Fatal(err)
		}
		E := &Ensemble{Members: N, Dim: n, Data: append([]float64(nil), E0.Data...)}
		if err := f.Resample(E, index); err != nil {
			t.Fatal(err)
		}
		return E.Data
	}
	a, b, c := run(3), run(3), run(4)
	if maxAbsDiff(a, b) != 0 {
		t.Error("the same seed and index gave different resamplings")
	}
	if maxAbsDiff(a, c) == 0 {
		t.Error("different indices gave the same resampling")
	}
}

func TestPFZeroAllocs(t *testing.T) {
	full, err := NewObsError([]float64{2, 0.5, 0, 0.5, 2, 0.3, 0, 0.3, 2}, 3)
	if err != nil {
		t.Fatal(err)
	}
	diag := identityR(t, 3)
	for _, tc := range []struct {
		N       int
		R       *ObsError
		missing bool
		scheme  Resampling
	}{
		{100, diag, false, ResampleSystematic},
		{100, full, false, ResampleResidual},
		{100, full, true, ResampleMultinomial},
		{5, diag, true, ResampleSystematic}, // direct jitter path
		{5, full, false, ResampleResidual},
	} {
		t.Run(fmt.Sprintf("N=%d,diag=%v,missing=%v,%v", tc.N, tc.R.Diagonal(), tc.missing, tc.scheme), func(t *testing.T) {
			f := newTestPF(t, PFConfig{Particles: tc.N, Dim: 3, Obs: 3, Threshold: 1, Jitter: 1, Resample: tc.scheme, Seed: 1}, tc.R)
			E0 := randomEnsemble(tc.N, 3, 0, 2, 171)
			E := NewEnsemble(tc.N, 3)
			HE := &Ensemble{Members: tc.N, Dim: 3, Data: E.Data}
			y := []float64{0.5, -0.5, 1}
			if tc.missing {
				y[1] = math.NaN()
			}
			mean, spread := make([]float64, 3), make([]float64, 3)
			var index uint64
			allocs := testing.AllocsPerRun(50, func() {
				copy(E.Data, E0.Data)
				index++
				if err := f.Analyze(E, HE, y, index); err != nil {
					t.Fatal(err)
				}
				E.MeanSpread(mean)
				ElementMeanSpread(E, mean, spread)
				if err := f.Resample(E, index); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("Analyze + weighted statistics + Resample: %v allocations per cycle, want 0", allocs)
			}
		})
	}
}

// pfL63Snapshots runs a Lorenz-63 twin experiment (benchmarks.md: RK4,
// dt 0.01, 25 steps per analysis, H = I, R = 2I) with the PF for spinup
// analyses and returns the next count forecast ensembles, the weights
// each forecast carried and its observation.
func pfL63Snapshots(b testing.TB, f *PF, spinup, count int) (ens [][]float64, weights [][]float64, obs [][]float64) {
	N := f.cfg.Particles
	x := [3]float64{1.509, -1.531, 25.46}
	E := NewEnsemble(N, 3)
	init := NewStream(1, PurposeEnsembleInit, 0)
	for k := range N {
		for i := range 3 {
			E.Data[k*3+i] = x[i] + math.Sqrt2*init.Normal()
		}
	}
	noise := NewStream(1, PurposeObsNoise, 0)
	var m l63
	for c := range spinup + count {
		for range 25 {
			m.step(&x, 0.01)
			for k := range N {
				m.step((*[3]float64)(E.Member(k)), 0.01)
			}
		}
		y := []float64{x[0] + math.Sqrt2*noise.Normal(), x[1] + math.Sqrt2*noise.Normal(), x[2] + math.Sqrt2*noise.Normal()}
		if c >= spinup {
			ens = append(ens, append([]float64(nil), E.Data...))
			weights = append(weights, append([]float64(nil), f.Weights()...))
			obs = append(obs, y)
		}
		if err := f.Analyze(E, &Ensemble{Members: N, Dim: 3, Data: E.Data}, y, uint64(c)); err != nil {
			b.Fatal(err)
		}
		if err := f.Resample(E, uint64(c)); err != nil {
			b.Fatal(err)
		}
	}
	return ens, weights, obs
}

// benchPF times one PF analysis and resampling at Lorenz-63 sizes (n = p =
// 3, R = 2I), cycling through 64 forecast ensembles of a real twin
// experiment (so resampling happens as often as in the run), restoring
// the forecast particles and weights before each call.
func benchPF(b *testing.B, N int, threshold, jitter float64) {
	R, err := NewDiagObsError([]float64{2, 2, 2})
	if err != nil {
		b.Fatal(err)
	}
	cfg := PFConfig{Particles: N, Dim: 3, Obs: 3, Threshold: threshold, Jitter: jitter, Seed: 1}
	ens, weights, obs := pfL63Snapshots(b, newTestPF(b, cfg, R), 100, 64)
	f := newTestPF(b, cfg, R)
	E := NewEnsemble(N, 3)
	HE := &Ensemble{Members: N, Dim: 3, Data: E.Data}
	b.ReportAllocs()
	var index uint64
	resampled := 0
	for b.Loop() {
		i := int(index % 64)
		copy(E.Data, ens[i])
		if err := f.SetWeights(weights[i]); err != nil {
			b.Fatal(err)
		}
		if err := f.Analyze(E, HE, obs[i], index); err != nil {
			b.Fatal(err)
		}
		if f.ESS() <= threshold*float64(N) {
			resampled++
		}
		if err := f.Resample(E, index); err != nil {
			b.Fatal(err)
		}
		index++
	}
	b.ReportMetric(float64(resampled)/float64(index), "resampled/op")
}

// BenchmarkPF100 is the L63 setting of benchmarks.md: 100 particles,
// threshold 0.3, jitter 2.4.
func BenchmarkPF100(b *testing.B) { benchPF(b, 100, 0.3, 2.4) }

// BenchmarkPF800 is the L63 setting with 800 particles, threshold 0.2,
// jitter 0.9.
func BenchmarkPF800(b *testing.B) { benchPF(b, 800, 0.2, 0.9) }
