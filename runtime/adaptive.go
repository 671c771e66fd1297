// Adaptive multiplicative prior inflation, estimated from the innovations
// by the hierarchical Bayesian scheme of Anderson and El Gharamti.

package runtime

import (
	"fmt"
	"math"
)

// AdaptiveInflationConfig configures an [AdaptiveInflation].
type AdaptiveInflationConfig struct {
	Members, Dim, Obs int // ensemble size N, state size n, observation count p
}

// The fixed constants of the estimate, DART's published values for its
// "enhanced" inflation (filter_nml): inf_initial 1.0, inf_sd_initial 0.6
// (the guide's recommendation and its Lorenz-96 setting), inf_lower_bound
// 1.0, inf_upper_bound 100 (the guide's recommendation), inf_sd_max_change
// 1.05 (its suggested value), inf_damping 1 (none, the code's default).
// Nothing here is tuned to a benchmark.
const (
	adaptiveInitial   = 1.0  // λ̄ at the start (no inflation)
	adaptiveInitialSD = 0.6  // σ_λ at the start
	adaptiveMin       = 1.0  // λ̄ is kept in [adaptiveMin, adaptiveMax]: no deflation
	adaptiveMax       = 100  // a variance factor, so the anomaly factor is at most 10
	adaptiveMaxChange = 1.05 // σ_λ grows by at most 5% per observation
	// adaptiveMinSD keeps σ_λ positive (DART's inf_sd_lower_bound
	// defaults to 0, which the inverse gamma cannot represent). It is far
	// below the values the estimate reaches (a few hundredths after
	// 10,000 analyses of 40 observations), so it only guards the
	// arithmetic.
	adaptiveMinSD = 1e-6
)

// AdaptiveInflation is a global adaptive multiplicative prior inflation
// that needs no tuning: the spatially constant, time-varying form of
// Anderson's hierarchical Bayesian inflation (J. L. Anderson 2007, "An
// adaptive covariance inflation error correction algorithm for ensemble
// filters", Tellus A 59, 210–224; 2009, "Spatially and temporally varying
// adaptive covariance inflation for ensemble filters", Tellus A 61, 72–83)
// with the inverse-gamma prior, likelihood correction and evolving
// variance of M. El Gharamti (2018, "Enhanced adaptive inflation algorithm
// for ensemble filters", Mon. Wea. Rev. 146, 623–640), as DART's "enhanced"
// inflation computes it with one inflation for the whole state. Its
// constants are DART's published defaults, fixed (see adaptiveInitialSD
// and the others).
//
// The variance inflation λ (forecast covariance P ← λP) carries a
// distribution with mode λ̄ and standard deviation σ_λ, the State. At each
// analysis, before the filter:
//
//  1. The observed anomalies and the innovation d = y - mean(HE) are
//     whitened by R^-1/2 (R diagonal or full, the missing values left
//     out), so every observation j has unit error variance, a prior
//     ensemble variance v_j (divisor N-1) and a squared innovation d_j².
//  2. The observations update the distribution one at a time, in index
//     order, each treated as independent evidence: the prior, an inverse
//     gamma with mode λ̄ and standard deviation σ_λ, is multiplied by the
//     likelihood N(d_j; 0, θ²) with θ² = (λ - 1/N) v_j + 1; the new mode
//     is a root of the quadratic obtained by linearising the likelihood
//     about λ̄ (the root where that linear likelihood is positive; DART
//     takes the one closest to λ̄, the same root except for innovations
//     far beyond the spread), and the new σ_λ is that of the inverse
//     gamma with that mode whose density ratio between the mode and one
//     old σ_λ above it matches the exact posterior's (unchanged if it
//     would grow by more than 5%). λ̄ is kept in [1, 100]. For a full R
//     the whitening is by the Cholesky factor, R = LL', so "independent"
//     refers to the components of L^-1 d.

//  3. The updated λ̄ is applied at once: the anomalies of E about its mean,
//     and those of HE about its own mean, are multiplied by sqrt(λ̄), the
//     standard approximation for the observed prior ensemble (exact for a
//     linear H). The filter then analyses the inflated ensemble.
//
// The estimate is applied in the analysis that produced it (DART inflates
// with the previous value and updates afterwards); that lets a badly
// under-dispersed ensemble, such as one drawn from climatology, be
// corrected by the first observations rather than the next ones. No
// damping is applied (DART's inf_damping = 1): with one inflation for the
// whole state, observed everywhere, there is nothing to relax toward.
//
// σ_λ shrinks as the evidence accumulates (to about 0.03 after 10,000
// analyses of 40 observations), so a long run's estimate is smooth but
// slow to change: after a climatological start, where λ̄ first rises to
// several units, it comes back down over thousands of analyses, and a
// sudden need for more inflation is met over tens of analyses.
//
// An AdaptiveInflation is not safe for concurrent use; Inflate does not
// allocate.
type AdaptiveInflation struct {
	cfg AdaptiveInflationConfig
	r   *ObsError
	sub *obsSubset // the observations present when some are missing

	state []float64 // [λ̄, σ_λ]

	mu []float64 // n: mean of E
	xo []float64 // p: mean of HE
	ya []float64 // N×p whitened observed anomalies (N×m when m values are present)
	dy []float64 // p whitened innovation
	vp []float64 // p prior variance of each whitened observation
}

// NewAdaptiveInflation validates cfg against R (R.Dim() must be Obs) and
// allocates what [AdaptiveInflation.Inflate] needs. The estimate starts at
// λ̄ = 1, σ_λ = 0.6.
func NewAdaptiveInflation(cfg AdaptiveInflationConfig, R *ObsError) (*AdaptiveInflation, error) {
	if err := checkFilterConfig("adaptive inflation", cfg.Members, cfg.Dim, cfg.Obs, 1, R); err != nil {
		return nil, err
	}
	N, n, p := cfg.Members, cfg.Dim, cfg.Obs
	return &AdaptiveInflation{
		cfg: cfg, r: R, sub: newObsSubset(R),
		state: []float64{adaptiveInitial, adaptiveInitialSD},
		mu:    make([]float64, n), xo: make([]float64, p),
		ya: make([]float64, N*p), dy: make([]float64, p), vp: make([]float64, p),
	}, nil
}

// Config returns the configuration the inflation was built with.
func (a *AdaptiveInflation) Config() AdaptiveInflationConfig { return a.cfg }

// Factor returns the multiplicative factor the latest Inflate applied to
// the anomalies, sqrt(λ̄) with λ̄ the variance inflation (1 before the
// first). It is in [1, 10]. After [AdaptiveInflation.Restore] it is the
// factor of the analysis the state was saved after.
func (a *AdaptiveInflation) Factor() float64 { return math.Sqrt(a.state[0]) }

// State returns the estimate's state, two values: the variance inflation
// λ̄ (the mode of its distribution, the value last applied) and its
// standard deviation σ_λ. The slice is the object's own: a caller saves
// its values and restores them either by writing them back into it
// (Inflate validates them) or with [AdaptiveInflation.Restore].
func (a *AdaptiveInflation) State() []float64 { return a.state }

// Restore sets the state to s, as [AdaptiveInflation.State] returned it:
// two values, λ̄ in [1, 100] and σ_λ finite and > 0.
func (a *AdaptiveInflation) Restore(s []float64) error {
	if len(s) != 2 {
		return fmt.Errorf("adaptive inflation: state has %d values, want 2 (inflation and its standard deviation)", len(s))
	}
	if err := checkAdaptiveState(s); err != nil {
		return err
	}
	copy(a.state, s)
	return nil
}

// checkAdaptiveState validates a state [λ̄, σ_λ].
func checkAdaptiveState(s []float64) error {
	switch lam, sd := s[0], s[1]; {
	case !(lam >= adaptiveMin && lam <= adaptiveMax):
		return fmt.Errorf("adaptive inflation: state inflation %v, want a value in [%v, %v]", lam, adaptiveMin, adaptiveMax)
	case !(sd > 0) || math.IsInf(sd, 0):
		return fmt.Errorf("adaptive inflation: state standard deviation %v, want a finite value > 0", sd)
	}
	return nil
}

// Inflate updates the estimate with the innovations of y (see
// [AdaptiveInflation]) and multiplies the anomalies of E and of HE, each
// about its own mean, by the new factor, in place. HE must hold the
// observed forecast ensemble (HE.Member(k) = H(E.Member(k))); the filter's
// analysis follows, with its own inflation at 1.
//
// A NaN in y is a missing value, left out with its rows of HE and R. When
// every value is missing Inflate returns [ErrNoObservations] (not
// wrapped) and changes nothing. On any error E, HE and the state are
// unchanged: sizes that do not match, an invalid state, non-finite values
// in E, HE or y, a collapsed ensemble (every member the same), an R whose
// restriction to the values present is not positive definite.
func (a *AdaptiveInflation) Inflate(E, HE *Ensemble, y []float64) error {
	const name = "adaptive inflation"
	N, n, p := a.cfg.Members, a.cfg.Dim, a.cfg.Obs
	if err := checkAnalysisArgs(name, N, n, p, E, HE, y); err != nil {
		return err
	}
	if err := checkAdaptiveState(a.state); err != nil {
		return err
	}
	m, err := a.sub.present(y, a.r)
	if err == ErrNoObservations {
		return err
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for _, v := range y {
		if math.IsInf(v, 0) {
			return fmt.Errorf("%s: %w", name, errNonFinite)
		}
	}
	if !finiteValues(E.Data) || !finiteValues(HE.Data) {
		return fmt.Errorf("%s: %w", name, errNonFinite)
	}
	if sameRows(E.Data, N, n) {
		return fmt.Errorf("%s: %w", name, errCollapsed)
	}

	// Whitened observed anomalies and innovation over the values present.
	anomalies(a.ya, a.xo, HE.Data, N, p)
	for i, v := range y {
		a.dy[i] = v - a.xo[i]
	}
	if m == p {
		a.r.whitenRows(a.ya, N)
		a.r.whitenVec(a.dy)
	} else {
		idx := a.sub.idx
		packColumns(a.ya, N, p, idx)
		packColumns(a.dy, 1, p, idx)
		a.r.whitenRowsSub(a.ya, N, a.sub)
		a.r.whitenVecSub(a.dy, a.sub)
	}
	vp := a.vp[:m]
	clear(vp)
	for k := 0; k < N; k++ {
		for j, v := range a.ya[k*m : (k+1)*m] {
			vp[j] += v * v
		}
	}
	inv := 1 / float64(N-1)
	for j := range vp {
		vp[j] *= inv
	}

	lam, sd, beta := a.state[0], a.state[1], 0.0
	for j, v := range vp {
		d := a.dy[j]
		lam, sd, beta = adaptiveUpdate(lam, sd, beta, v, d*d, N)
	}
	if !(lam >= adaptiveMin && lam <= adaptiveMax) || !(sd > 0) || math.IsInf(sd, 0) {
		return fmt.Errorf("%s: %w", name, errNonFinite)
	}
	f := math.Sqrt(lam)
	ensembleMean(a.mu, E.Data, N, n)
	scaleAbout(E.Data, a.mu, N, n, f)
	scaleAbout(HE.Data, a.xo, N, p, f)
	a.state[0], a.state[1] = lam, sd
	return nil
}

// sameRows reports whether every row of the N×n matrix x equals the first
// exactly (the ensemble has collapsed to one state).
func sameRows(x []float64, N, n int) bool {
	first := x[:n]
	for k := 1; k < N; k++ {
		for i, v := range x[k*n : (k+1)*n] {
			if v != first[i] {
				return false
			}
		}
	}
	return true
}

// scaleAbout sets every row of the N×n matrix x to mean + f·(row - mean).
func scaleAbout(x, mean []float64, N, n int, f float64) {
	for k := 0; k < N; k++ {
		row := x[k*n : (k+1)*n]
		for i, m := range mean {
			row[i] = m + f*(row[i]-m)
		}
	}
}

// finiteValues reports whether every value of x is finite: v - v is 0 for
// a finite v and NaN for an infinite or NaN one, and a sum of them stays
// 0 only if all are 0.
func finiteValues(x []float64) bool {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+3 < len(x); i += 4 {
		s0 += x[i] - x[i]
		s1 += x[i+1] - x[i+1]
		s2 += x[i+2] - x[i+2]
		s3 += x[i+3] - x[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] - x[i]
	}
	return s0+s1+s2+s3 == 0
}

// adaptiveUpdate returns the mode and standard deviation of the inflation
// after one whitened observation (unit error variance) whose ensemble has
// variance vp and whose squared innovation is d2, from the prior mode lam
// and standard deviation sd, for an ensemble of N members (El Gharamti
// 2018, section 3, with the localisation weight 1). The mode is then
// bounded to [1, 100]. Whatever cannot be computed (no ensemble variance,
// an innovation exactly as expected, a quadratic without a positive root)
// is left as it was.
//
// beta is the rate of the prior's inverse gamma when the caller has it
// (from the previous call), 0 when not; the third result is the rate of
// the posterior's when it is known without solving for it, else 0.
func adaptiveUpdate(lam, sd, beta, vp, d2 float64, N int) (float64, float64, float64) {
	if !(vp > 0) || math.IsInf(vp, 0) || math.IsInf(d2, 0) {
		return lam, sd, beta
	}
	corr := 1 / float64(N)

	// Prior: inverse gamma IG(α, β) with mode β/(α+1) = lam and standard
	// deviation sd.
	if beta == 0 {
		beta = igRate(lam, sd*sd)
	}
	alpha := beta/lam - 1

	// Mode: linearise the likelihood ℓ about lam, ℓ ≈ ℓ̄ + ℓ̄'(λ - lam);
	// the zero of the posterior's log-derivative is then a root of
	// (1 - lam/β) λ² + (ρ - 2 lam) λ + lam² - ρ lam, ρ = ℓ̄/ℓ̄'.
	th2 := innovationVar(lam, vp, corr)
	if d2 == th2 {
		return lam, sd, beta
	}
	rho := 2 * th2 * th2 / (vp * (d2 - th2))
	nl := modeRoot(1-lam/beta, rho-2*lam, lam*lam-rho*lam, lam, rho)
	if !(nl > 0) || math.IsInf(nl, 0) {
		return lam, sd, beta
	}

	// Spread: the inverse gamma IG(α', β') with mode nl whose log-density
	// falls from nl to nl + sd as much as the exact posterior's does. For
	// it, log p(nl+sd) - log p(nl) = β'ω with
	// ω = log(nl/(nl+sd))/nl + 1/nl - 1/(nl+sd).
	// That IG is the next prior (its rate returned) unless the bounds
	// change its mode or spread.
	ns, nb := sd, 0.0
	l2 := nl + sd
	lr := math.Log(nl / l2)
	ta, tb := innovationVar(nl, vp, corr), innovationVar(l2, vp, corr)
	drop := (alpha+1)*lr - beta*(1/l2-1/nl) - 0.5*math.Log(tb/ta) - 0.5*d2*(1/tb-1/ta)
	omega := lr/nl + 1/nl - 1/l2
	b2 := drop / omega
	if a2 := b2/nl - 1; a2 > 2 && !math.IsInf(a2, 0) {
		if v := b2 / ((a2 - 1) * math.Sqrt(a2-2)); v <= adaptiveMaxChange*sd {
			ns, nb = v, b2
		}
	}
	if nl < adaptiveMin || nl > adaptiveMax || ns < adaptiveMinSD {
		nl, ns, nb = min(max(nl, adaptiveMin), adaptiveMax), max(ns, adaptiveMinSD), 0
	}
	return nl, ns, nb
}

// innovationVar returns θ²(λ) = (λ - 1/N) v + 1, the variance of a
// whitened innovation whose ensemble variance is v under the variance
// inflation λ, with El Gharamti's correction corr = 1/N for the sampling
// error of the ensemble mean (dropped where it would make the inflated
// variance negative).
func innovationVar(l, v, corr float64) float64 {
	if l < corr {
		return l*v + 1
	}
	return (l-corr)*v + 1
}

// modeRoot returns the root of A x² + B x + C = 0 that is the posterior
// mode: a positive root where the linearised likelihood ℓ̄ + ℓ̄'(x - lam)
// = ℓ̄'(x - lam + rho) is positive, the one closest to lam if both are
// (DART keeps the root closest to lam, which is the same one except when
// the likelihood is very sharp, as for an innovation far beyond the
// spread, where that root has a negative likelihood); NaN when none is.
// The roots are computed without cancellation.
func modeRoot(A, B, C, lam, rho float64) float64 {
	s := max(math.Abs(A), math.Abs(B), math.Abs(C))
	if s == 0 || math.IsInf(s, 0) {
		return math.NaN()
	}
	A, B, C = A/s, B/s, C/s
	disc := B*B - 4*A*C
	if !(disc >= 0) {
		return math.NaN()
	}
	q := -0.5 * (B + math.Copysign(math.Sqrt(disc), B))
	if q == 0 {
		return math.NaN()
	}
	valid := func(x float64) bool {
		if !(x > 0) || math.IsInf(x, 0) {
			return false
		}
		if rho > 0 {
			return x > lam-rho
		}
		return x < lam-rho
	}
	r1, r2 := q/A, C/q
	switch v1, v2 := valid(r1), valid(r2); {
	case v1 && v2:
		if math.Abs(r2-lam) < math.Abs(r1-lam) {
			return r2
		}
		return r1
	case v1:
		return r1
	case v2:
		return r2
	}
	return math.NaN()
}

// igRate returns the rate β of the inverse gamma with the given mode and
// variance. With t = β/mode the shape is α = t - 1, and the variance
// β²/((α-1)²(α-2)) fixes t as the root above 3 of
// g(t) = (t-2)²(t-3)/t² = mode²/variance = q. log g is increasing and
// concave there, so Newton's method on log g(t) - log q from a point left
// of the root climbs to it monotonically; the start is the root of
// t - 7 + 16/t = q (g's expansion at large t, which exceeds g), or 3 + q
// for q < 1 (g(t) < t - 3).
func igRate(mode, variance float64) float64 {
	q := mode * mode / variance
	t := 3 + q
	if q >= 1 {
		b := q + 7
		t = 0.5 * (b + math.Sqrt(b*b-64))
	}
	for range 60 {
		h := math.Log((t - 2) * (t - 2) * (t - 3) / (t * t * q))
		dh := 2/(t-2) + 1/(t-3) - 2/t
		dt := -h / dh
		t += dt
		if !(math.Abs(dt) > 1e-14*t) {
			break
		}
	}
	return t * mode
}
