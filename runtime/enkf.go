// The stochastic ensemble Kalman filter with perturbed observations.

package runtime

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
)

// EnKFConfig configures an [EnKF].
type EnKFConfig struct {
	Members, Dim, Obs int     // ensemble size N, state size n, observation count p
	Inflation         float64 // post-analysis multiplicative inflation a >= 1 (1 = none)
	Additive          float64 // std s >= 0 of the N(0, s²) draws added to every member after the analysis (0 = none)
	RTPP              float64 // relaxation to prior perturbations, in [0, 1] (0 = none)
	RTPS              float64 // relaxation to prior spread, >= 0 (0 = none)
	Seed              uint64  // keys the perturbation and additive streams (Seed, PurposePerturbation or PurposeAdditiveInflation, analysis index)
}

// inflation returns the inflation and relaxation options of cfg.
func (cfg EnKFConfig) inflation() InflationConfig {
	return InflationConfig{Multiplicative: cfg.Inflation, Additive: cfg.Additive, RTPP: cfg.RTPP, RTPS: cfg.RTPS}
}

// EnKF is the stochastic ensemble Kalman filter with perturbed
// observations (Burgers et al. 1998), as DAPPER's EnKF('PertObs') and
// benchmarks.md define it. With A and Y the N×n state and N×p observed
// anomalies (one member per row):
//
//	d_k  ~ N(0, R), centred over members and scaled by sqrt(N/(N-1))
//	C    = Y'Y + (N-1)R                    (Cholesky-factorised, never inverted)
//	K'   = C^-1 Y'A                        (one gain for all members)
//	E_k += (y + d_k - HE_k) K'
//
// (with more observations than members the same update is solved in
// ensemble space, an N×N system; see gainUpdate) and then the anomalies
// are relaxed, multiplied by the inflation a and
// given additive noise as [Inflator] describes. The
// perturbations are drawn member by member, observation by observation
// (z in index order through [ObsError.AddNoise]) from the stream keyed by
// (Seed, PurposePerturbation, analysis index).
//
// An EnKF is not safe for concurrent use; Analyze does not allocate.
type EnKF struct {
	cfg EnKFConfig
	r   *ObsError
	sub *obsSubset // the observations present in an analysis with missing values

	mu, xo []float64 // n, p
	dbar   []float64 // p
	a      []float64 // N×n anomalies
	y      []float64 // N×p observed anomalies
	d      []float64 // N×p perturbed innovations
	gain   *gainUpdate

	stream *Stream
	infl   *Inflator
}

// NewEnKF validates cfg against R and allocates every workspace the
// analysis needs.
func NewEnKF(cfg EnKFConfig, R *ObsError) (*EnKF, error) {
	if err := checkFilterConfig("EnKF", cfg.Members, cfg.Dim, cfg.Obs, cfg.Inflation, R); err != nil {
		return nil, err
	}
	infl, err := newInflator("EnKF", cfg.inflation(), cfg.Members, cfg.Dim, cfg.Seed)
	if err != nil {
		return nil, err
	}
	N, n, p := cfg.Members, cfg.Dim, cfg.Obs
	return &EnKF{
		cfg: cfg, r: R, sub: newObsSubset(R), infl: infl,
		mu: make([]float64, n), xo: make([]float64, p), dbar: make([]float64, p),
		a: make([]float64, N*n), y: make([]float64, N*p), d: make([]float64, N*p),
		gain:   newGainUpdate(N, n, p),
		stream: NewStream(cfg.Seed, PurposePerturbation, 0),
	}, nil
}

// Config returns the configuration the filter was built with.
func (f *EnKF) Config() EnKFConfig { return f.cfg }

// Analyze performs one perturbed-observation analysis on E in place (see
// [EnKF]). index keys the perturbation stream. On error E is unchanged.
//
// A NaN in y is a missing value: the analysis is that of the reduced
// problem without its rows of HE, y and R, perturbations included (they
// are drawn from R restricted to the values present, in the order of the
// reduced problem). When every value is missing, Analyze returns
// [ErrNoObservations] (not wrapped) and leaves E unchanged. It does not
// allocate in any case.
func (f *EnKF) Analyze(E, HE *Ensemble, y []float64, index uint64) error {
	N, n, p := f.cfg.Members, f.cfg.Dim, f.cfg.Obs
	if err := checkAnalysisArgs("EnKF", N, n, p, E, HE, y); err != nil {
		return err
	}
	m, err := f.sub.present(y, f.r) // observations present
	if err == ErrNoObservations {
		return err
	}
	if err != nil {
		return fmt.Errorf("EnKF analysis %d: %w", index, err)
	}
	full := m == p
	anomalies(f.a, f.mu, E.Data, N, n)
	if membersEqual(E.Data, N, n) {
		return fmt.Errorf("EnKF analysis %d: %w", index, errCollapsed)
	}
	anomalies(f.y, f.xo, HE.Data, N, p)
	f.infl.prior(E.Data)
	if !full {
		packColumns(f.y, N, p, f.sub.idx) // Y is now N×m
	}

	// Perturbations, centred and rescaled so their sample covariance stays R.
	f.stream.Reset(f.cfg.Seed, PurposePerturbation, index)
	d, dbar := f.d[:N*m], f.dbar[:m]
	clear(d)
	for k := 0; k < N; k++ {
		if full {
			f.r.AddNoise(d[k*p:(k+1)*p], f.stream)
		} else {
			f.r.addNoiseSub(d[k*m:(k+1)*m], f.stream, f.sub)
		}
	}
	ensembleMean(dbar, d, N, m)
	scale := math.Sqrt(float64(N) / float64(N-1))
	for k := 0; k < N; k++ {
		row := d[k*m : (k+1)*m]
		he := HE.Data[k*p : (k+1)*p]
		if full {
			for i := range row {
				row[i] = y[i] + (row[i]-dbar[i])*scale - he[i]
			}
			continue
		}
		for j, i := range f.sub.idx {
			row[j] = y[i] + (row[j]-dbar[j])*scale - he[i]
		}
	}

	if err := f.gain.apply(f.r, f.sub, full, m, f.y, d, f.a, E.Data); err != nil {
		return fmt.Errorf("EnKF analysis %d: %w", index, err)
	}

	f.infl.posterior(E.Data, index)
	return nil
}

// gainUpdate applies the update E += D K' of the EnKF and the DEnKF, with
// K' = C^-1 Y'A and C = Y'Y + (N-1)R over the m observations present (Y,
// D N×m, A N×n), in whichever space is smaller:
//
//   - m <= N: C is factorised (m×m) and K' = C^-1 (Y'A) solved for, as
//     written;
//   - m > N: with Ỹ = Y L^-T and D̃ = D L^-T whitened by R = LL',
//     D C^-1 Y' = D̃ (Ỹ'Ỹ + (N-1)I)^-1 Ỹ' = D̃ Ỹ' (ỸỸ' + (N-1)I)^-1, an
//     N×N system: O(N²m + N³ + N²n) rather than O(m³ + m²n) work.
//
// Every product is a tiled mulB. It owns only workspace, sized once.
type gainUpdate struct {
	members, dim, obs int

	c, kt []float64 // q×q and q×n, q = min(p, N): C's factor, then K'

	// Ensemble-space form (p > N only).
	s, g, wt []float64 // N×N: ỸỸ' + (N-1)I and its factor; D̃Ỹ'; then W'
	yt       []float64 // m×N: Ỹ'
}

// newGainUpdate allocates the workspace for N members, n state variables
// and p observations.
func newGainUpdate(N, n, p int) *gainUpdate {
	q := min(p, N)
	u := &gainUpdate{members: N, dim: n, obs: p, c: make([]float64, q*q), kt: make([]float64, q*n)}
	if p > N {
		u.s, u.g, u.wt = make([]float64, N*N), make([]float64, N*N), make([]float64, N*N)
		u.yt = make([]float64, p*N)
	}
	return u
}

// Outcomes of gainUpdate.apply besides success.
var (
	errNotPD = errors.New("innovation covariance not positive definite")
)

// apply adds D K' to the N×n ensemble e (see gainUpdate). y and d hold the
// N×m observed anomalies and innovations of the m observations present
// (all p of them if full, else sub's, packed); the ensemble-space form
// whitens them in place. On error e is unchanged: errNotPD wrapping
// errNonFinite when the system is not numerically positive definite, or
// errNonFinite.
func (u *gainUpdate) apply(r *ObsError, sub *obsSubset, full bool, m int, y, d, a, e []float64) error {
	N, n := u.members, u.dim
	y, d = y[:N*m], d[:N*m]
	if m > N && u.s != nil {
		return u.applyEnsemble(r, sub, full, m, y, d, a, e)
	}
	c, kt := u.c[:m*m], u.kt[:m*n]
	mulB(blas.Trans, m, m, N, 1, y, m, y, m, 0, c, m)
	if full {
		r.addScaledTo(c, float64(N-1))
	} else {
		r.addScaledToSub(c, float64(N-1), sub)
	}
	if !lapImpl.Dpotrf(blas.Upper, m, c, m) {
		return fmt.Errorf("%w: %w", errNotPD, errNonFinite)
	}
	mulB(blas.Trans, m, n, N, 1, y, m, a, n, 0, kt, n)
	lapImpl.Dpotrs(blas.Upper, m, n, c, m, kt, n)
	if !allFinite(kt) || !allFinite(d) {
		return errNonFinite
	}
	mulB(blas.NoTrans, N, n, m, 1, d, m, kt, n, 1, e, n)
	return nil
}

// applyEnsemble is apply's ensemble-space form (m > N).
func (u *gainUpdate) applyEnsemble(r *ObsError, sub *obsSubset, full bool, m int, y, d, a, e []float64) error {
	N, n := u.members, u.dim
	if !allFinite(y) || !allFinite(d) {
		return errNonFinite
	}
	if full {
		r.whitenRows(y, N)
		r.whitenRows(d, N)
	} else {
		r.whitenRowsSub(y, N, sub)
		r.whitenRowsSub(d, N, sub)
	}
	yt := u.yt[:m*N]
	transposeTo(yt, y, N, m)
	s, g, wt := u.s, u.g, u.wt
	mulB(blas.Trans, N, N, m, 1, yt, N, yt, N, 0, s, N)
	for i := 0; i < N; i++ {
		s[i*N+i] += float64(N - 1)
	}
	if !lapImpl.Dpotrf(blas.Upper, N, s, N) {
		return fmt.Errorf("%w: %w", errNotPD, errNonFinite)
	}
	// W' = S^-1 (D̃Ỹ')', then E += W A.
	mulB(blas.NoTrans, N, N, m, 1, d, m, yt, N, 0, g, N)
	for i := 0; i < N; i++ {
		for j := 0; j < N; j++ {
			wt[j*N+i] = g[i*N+j]
		}
	}
	lapImpl.Dpotrs(blas.Upper, N, N, s, N, wt, N)
	if !allFinite(wt) {
		return errNonFinite
	}
	mulB(blas.Trans, N, n, N, 1, wt, N, a, n, 1, e, n)
	return nil
}
