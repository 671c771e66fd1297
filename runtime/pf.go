// The bootstrap particle filter (sequential importance resampling).

package runtime

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
)

// PFConfig configures a [PF].
type PFConfig struct {
	Particles, Dim, Obs int        // particle count N >= 2, state size n, observation count p
	Resample            Resampling // resampling scheme (the zero value is systematic)
	Threshold           float64    // resample when the ESS 1/Σw² is at most Threshold·N; in (0, 1]
	Jitter              float64    // regularisation factor reg >= 0 of the jitter after resampling (0 = none)
	Seed                uint64     // keys the PurposeResample and PurposeJitter streams (index = analysis number)
}

// PF is the bootstrap particle filter as DAPPER's PartFilt and
// benchmarks.md define it. The particles are the members of the state
// ensemble; the filter holds their importance weights, which the ensemble
// shares through its Weights field, so its statistics are the weighted
// ones.
//
// [PF.Analyze] applies Bayes' rule to the weights and leaves the
// particles alone:
//
//	log w_k += -½ |L^-1 (y - HE_k)|²      (R = L L'; missing values left out)
//
// normalised after subtracting the largest value, so that no weight
// underflows unless it is negligible against the largest.
//
// [PF.Resample], which the cycle calls after the analysis statistics and
// before the next forecast, resamples when the effective sample size
// ESS = 1/Σw² is at most Threshold·N: particle k gets c_k copies, E[c_k]
// = N·w_k, by the scheme of [Resampling]; the new ensemble holds the
// copies in particle order. Every copy of a particle drawn more than once
// (c_k >= 2; DAPPER's no-unique-jitter rule) then gets an independent
// draw of N(0, h² C), where C is the weighted unbiased covariance of the
// particles before resampling,
//
//	C = Σ_k w_k (x_k - μ)(x_k - μ)' / (1 - Σ w²),   μ = Σ_k w_k x_k,
//
// (the equal-weight covariance when one weight holds all but 1e-10 of the
// mass, as DAPPER's raw_C12 does) and h = Jitter · N^(-1/(n+4)) is Scott's
// rule-of-thumb bandwidth times the regularisation factor. The weights
// are then reset to 1/N. The jitter is drawn through the factor
// C^1/2 = V Λ^1/2 (n×n, from C's eigendecomposition) when N > 2n, and
// otherwise as Σ_k z_k sqrt(w_k/(1-Σw²)) (x_k - μ) with one z_k ~ N(0, 1)
// per particle of positive weight, which forms no n×n matrix. Both give the
// same distribution (DAPPER's sample_quickly_with switches at the same
// size).
//
// A PF is not safe for concurrent use; neither Analyze nor Resample
// allocates.
type PF struct {
	cfg PFConfig
	r   *ObsError
	sub *obsSubset

	w      []float64 // N current weights (E.Weights points here)
	logw   []float64 // N log-weights, then the unnormalised weights
	d      []float64 // N×p whitened innovations (full R only)
	ess    float64   // 1/Σw² after the latest Analyze or SetWeights
	counts []int     // N copies per particle of the latest resampling
	cdf    []float64 // N cumulative weights
	next   []float64 // N×n the resampled ensemble; first the scaled anomalies
	eq     []float64 // N equal weights 1/N

	mu   []float64 // n weighted mean before resampling
	coef []float64 // N jitter coefficients h·sqrt(w_k/(1-Σw²)) (N <= 2n)
	cov  []float64 // n×n covariance, then destroyed by the eigendecomposition (N > 2n)
	lam  []float64 // n eigenvalues (N > 2n)
	fac  []float64 // n×n jitter factor: row i = h·sqrt(λ_i) v_i (N > 2n)
	eig  *symEig   // (N > 2n)

	rs, js *Stream // resampling and jitter streams
}

// NewPF validates cfg against R and allocates every workspace the
// analysis and resampling need. The weights start equal.
func NewPF(cfg PFConfig, R *ObsError) (*PF, error) {
	N, n, p := cfg.Particles, cfg.Dim, cfg.Obs
	switch {
	case N < 2:
		return nil, fmt.Errorf("PF: %d particles, want at least 2", N)
	case n < 1:
		return nil, fmt.Errorf("PF: state dimension %d, want at least 1", n)
	case p < 1:
		return nil, fmt.Errorf("PF: %d observations, want at least 1", p)
	case !cfg.Resample.valid():
		return nil, fmt.Errorf("PF: unknown resampling scheme %v", cfg.Resample)
	case !(cfg.Threshold > 0 && cfg.Threshold <= 1):
		return nil, fmt.Errorf("PF: threshold %v, want a fraction of the particles in (0, 1]", cfg.Threshold)
	case !(cfg.Jitter >= 0) || math.IsInf(cfg.Jitter, 0):
		return nil, fmt.Errorf("PF: jitter %v, want a finite value >= 0", cfg.Jitter)
	case R == nil:
		return nil, fmt.Errorf("PF: no observation-error covariance")
	case R.Dim() != p:
		return nil, fmt.Errorf("PF: observation-error covariance is %dx%d but there are %d observations", R.Dim(), R.Dim(), p)
	}
	f := &PF{
		cfg: cfg, r: R, sub: newObsSubset(R),
		w: make([]float64, N), logw: make([]float64, N), ess: float64(N),
		counts: make([]int, N), cdf: make([]float64, N), next: make([]float64, N*n), eq: make([]float64, N),
		mu: make([]float64, n),
		rs: NewStream(cfg.Seed, PurposeResample, 0), js: NewStream(cfg.Seed, PurposeJitter, 0),
	}
	for k := range f.w {
		f.w[k] = 1 / float64(N)
		f.eq[k] = f.w[k]
	}
	if !R.diag {
		f.d = make([]float64, N*p)
	}
	if cfg.Jitter > 0 {
		if f.reduced() {
			f.cov, f.lam, f.fac, f.eig = make([]float64, n*n), make([]float64, n), make([]float64, n*n), newSymEig(n)
		} else {
			f.coef = make([]float64, N)
		}
	}
	return f, nil
}

// reduced reports whether the jitter is drawn through the n×n factor of
// the covariance (N > 2n) rather than from the particles directly.
func (f *PF) reduced() bool { return f.cfg.Particles > 2*f.cfg.Dim }

// Config returns the configuration the filter was built with.
func (f *PF) Config() PFConfig { return f.cfg }

// ESS returns the effective sample size 1/Σw² of the weights the latest
// Analyze left (before any resampling), or of those SetWeights set; N
// before either.
func (f *PF) ESS() float64 { return f.ess }

// Weights returns the current weights: the slice that the ensemble's
// Weights field points to after Analyze and Resample. It is the filter's
// state; write it only through SetWeights.
func (f *PF) Weights() []float64 { return f.w }

// SetWeights restores the weights, e.g. from a checkpoint: w must hold
// Particles finite non-negative values summing to 1 (to 1e-9). They are
// copied exactly and the ESS is recomputed. Point the ensemble's Weights
// at [PF.Weights] (Analyze and Resample do so too).
func (f *PF) SetWeights(w []float64) error {
	N := f.cfg.Particles
	if len(w) != N {
		return fmt.Errorf("PF: %d weights for %d particles", len(w), N)
	}
	var sum, s2 float64
	for k, v := range w {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("PF: weight %d is %v, want a finite value >= 0", k, v)
		}
		sum += v
		s2 += v * v
	}
	if !(math.Abs(sum-1) <= 1e-9) {
		return fmt.Errorf("PF: the weights sum to %v, want 1", sum)
	}
	copy(f.w, w)
	f.ess = 1 / s2
	return nil
}

// errWeightsUnderflow reports an observation so unlikely under every
// particle that no weight survives.
var errWeightsUnderflow = errors.New("no particle is within reach of the observation (more particles, more jitter or a larger R keep some)")

// Analyze reweights the particles by the likelihood of y (see [PF]) and
// points E.Weights at the new weights; the members of E are not changed.
// index names the analysis in errors.
//
// A NaN in y is a missing value, left out with its rows of HE and R.
// When every value is missing, Analyze returns [ErrNoObservations] (not
// wrapped). When the weights cannot be normalised, because every
// particle's likelihood is zero (its log-likelihood -Inf), or a
// likelihood is NaN (a non-finite observed particle), Analyze returns an
// error saying so. On every error the weights and E are unchanged. It
// does not allocate.
func (f *PF) Analyze(E, HE *Ensemble, y []float64, index uint64) error {
	N, p := f.cfg.Particles, f.cfg.Obs
	if err := checkAnalysisArgs("PF", N, f.cfg.Dim, p, E, HE, y); err != nil {
		return err
	}
	m, err := f.sub.present(y, f.r)
	if err == ErrNoObservations {
		return err
	}
	if err != nil {
		return fmt.Errorf("PF analysis %d: %w", index, err)
	}
	for _, v := range y {
		if math.IsInf(v, 0) {
			return fmt.Errorf("PF analysis %d: %w", index, errNonFinite)
		}
	}
	logw := f.logw
	if f.r.diag {
		isd := f.r.isd
		for k := range N {
			row := HE.Data[k*p : (k+1)*p]
			var chi2 float64
			for i, v := range y {
				if v == v {
					e := (v - row[i]) * isd[i]
					chi2 += e * e
				}
			}
			logw[k] = -0.5 * chi2
		}
	} else {
		d := f.d[:N*m]
		for k := range N {
			row, out := HE.Data[k*p:(k+1)*p], d[k*m:(k+1)*m]
			j := 0
			for i, v := range y {
				if v == v {
					out[j] = v - row[i]
					j++
				}
			}
		}
		if m == p {
			f.r.whitenRows(d, N)
		} else {
			f.r.whitenRowsSub(d, N, f.sub)
		}
		for k := range N {
			var chi2 float64
			for _, e := range d[k*m : (k+1)*m] {
				chi2 += e * e
			}
			logw[k] = -0.5 * chi2
		}
	}
	// Bayes' rule in log space, then log-sum-exp normalisation.
	lmax := math.Inf(-1)
	for k, l := range logw {
		if l != l || (math.IsInf(l, -1) && !allFinite(HE.Data[k*p:(k+1)*p])) {
			return fmt.Errorf("PF analysis %d: particle %d: %w", index, k, errNonFinite)
		}
		l += math.Log(f.w[k]) // -Inf for a weight of zero
		logw[k] = l
		lmax = max(lmax, l)
	}
	if math.IsInf(lmax, -1) {
		return fmt.Errorf("PF analysis %d: the weights of all %d particles underflowed: %w", index, N, errWeightsUnderflow)
	}
	var sum float64
	for k, l := range logw {
		v := math.Exp(l - lmax)
		logw[k] = v
		sum += v
	}
	if !(sum >= 1) || math.IsInf(sum, 0) { // the largest term is exp(0) = 1
		return fmt.Errorf("PF analysis %d: the weights of the %d particles sum to %v and cannot be normalised: %w", index, N, sum, errNonFinite)
	}
	inv := 1 / sum
	var s2 float64
	for k, v := range logw {
		v *= inv
		f.w[k] = v
		s2 += v * v
	}
	f.ess = 1 / s2
	E.Weights = f.w
	return nil
}

// ResampleDue reports whether the current weights call for resampling:
// their effective size 1/Σw² is at most Threshold·Particles (always, with
// Threshold 1). [PF.Resample] resamples exactly when it is true.
func (f *PF) ResampleDue() bool { return f.due(f.weightSquares()) }

// weightSquares returns Σw² of the current weights.
func (f *PF) weightSquares() float64 {
	var s2 float64
	for _, v := range f.w {
		s2 += v * v
	}
	return s2
}

// due reports whether weights with Σw² = s2 call for resampling.
func (f *PF) due(s2 float64) bool {
	return f.cfg.Threshold >= 1 || 1/s2 <= f.cfg.Threshold*float64(f.cfg.Particles)
}

// Resample resamples the particles of E in place when the ESS of the
// current weights is at most Threshold·N (always at threshold 1), jitters
// the copies of duplicated particles and resets the weights to 1/N (see
// [PF]); otherwise it leaves E as it is. Either way (but for an error)
// E.Weights points at [PF.Weights] afterwards. index (the analysis number) keys the
// resampling and jitter streams. Call it after the analysis statistics
// and before the next forecast. On error E is unchanged. It does not
// allocate.
func (f *PF) Resample(E *Ensemble, index uint64) error {
	N, n := f.cfg.Particles, f.cfg.Dim
	if err := E.check("state", N, n); err != nil {
		return fmt.Errorf("PF: %w", err)
	}
	s2 := f.weightSquares()
	if !f.due(s2) {
		E.Weights = f.w
		return nil
	}
	if !allFinite(E.Data) {
		return fmt.Errorf("PF resampling %d: %w", index, errNonFinite)
	}
	jitter := f.cfg.Jitter > 0
	if jitter {
		if err := f.prepareJitter(E.Data, s2); err != nil {
			return fmt.Errorf("PF resampling %d: %w", index, err)
		}
	}
	f.rs.Reset(f.cfg.Seed, PurposeResample, index)
	resampleCounts(f.cfg.Resample, f.w, f.counts, f.cdf, f.rs)

	next, x := f.next, E.Data
	j := 0
	for k, c := range f.counts {
		src := x[k*n : (k+1)*n]
		for range c {
			copy(next[j*n:(j+1)*n], src)
			j++
		}
	}
	if jitter {
		f.js.Reset(f.cfg.Seed, PurposeJitter, index)
		j = 0
		for _, c := range f.counts {
			if c < 2 {
				j += c
				continue
			}
			for range c {
				f.addJitter(next[j*n:(j+1)*n], x)
				j++
			}
		}
	}
	copy(x, next)
	copy(f.w, f.eq)
	E.Weights = f.w
	return nil
}

// prepareJitter computes, from the particles x and the current weights
// (Σw² = s2), the weighted mean and the factor the jitter is drawn
// through. It does not change x or the weights.
func (f *PF) prepareJitter(x []float64, s2 float64) error {
	N, n := f.cfg.Particles, f.cfg.Dim
	w := f.w
	if 1-maxOf(w) < 1e-10 {
		// One particle holds all the weight: its weighted covariance is
		// zero, so take the particles' equal-weight covariance instead.
		w, s2 = f.eq, 1/float64(N)
	}
	weightedMean(f.mu, x, w, N, n)
	h := f.cfg.Jitter * math.Pow(float64(N), -1/float64(n+4))
	ub := 1 / (1 - s2)
	if !f.reduced() {
		for k, v := range w {
			f.coef[k] = h * math.Sqrt(ub*v)
		}
		return nil
	}
	// Scaled anomalies a_k = sqrt(w_k/(1-Σw²)) (x_k - μ) in f.next, so
	// C = Σ a_k a_k'; then C = V Λ V' and the factor rows h sqrt(λ_i) v_i.
	a := f.next
	for k, v := range w {
		s := math.Sqrt(ub * v)
		row, out := x[k*n:(k+1)*n], a[k*n:(k+1)*n]
		for i, m := range f.mu {
			out[i] = s * (row[i] - m)
		}
	}
	blasImpl.Dsyrk(blas.Upper, blas.Trans, n, N, 1, a, n, 0, f.cov, n)
	if !f.eig.decompose(f.cov, f.lam, f.fac) {
		return fmt.Errorf("jitter covariance: eigendecomposition failed: %w", errNonFinite)
	}
	for i, l := range f.lam {
		s := h * math.Sqrt(max(l, 0))
		row := f.fac[i*n : (i+1)*n]
		for j := range row {
			row[j] *= s
		}
	}
	return nil
}

// addJitter adds one draw of N(0, h² C) to row, drawing from the jitter
// stream; x holds the particles before resampling.
func (f *PF) addJitter(row, x []float64) {
	n := f.cfg.Dim
	if f.reduced() {
		for i := range n {
			z := f.js.Normal()
			for j, v := range f.fac[i*n : (i+1)*n] {
				row[j] += z * v
			}
		}
		return
	}
	for k, c := range f.coef {
		if c == 0 {
			continue
		}
		zc := f.js.Normal() * c
		src := x[k*n : (k+1)*n]
		for i, m := range f.mu {
			row[i] += zc * (src[i] - m)
		}
	}
}

// maxOf returns the largest value of w (0 for none).
func maxOf(w []float64) float64 {
	var m float64
	for _, v := range w {
		m = max(m, v)
	}
	return m
}

// Compile-time check that the PF implements Analysis.
var _ Analysis = (*PF)(nil)
