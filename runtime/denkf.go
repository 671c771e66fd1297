// The deterministic ensemble Kalman filter (DEnKF) of Sakov & Oke (2008).

package runtime

import (
	"fmt"
)

// DEnKFConfig configures a [DEnKF].
type DEnKFConfig struct {
	Members, Dim, Obs int     // ensemble size N, state size n, observation count p
	Inflation         float64 // post-analysis multiplicative inflation a >= 1 (1 = none)
	Additive          float64 // std s >= 0 of the N(0, s²) draws added to every member after the analysis (0 = none)
	RTPP              float64 // relaxation to prior perturbations, in [0, 1] (0 = none)
	RTPS              float64 // relaxation to prior spread, >= 0 (0 = none)
	Rotate            bool    // post-multiply the anomalies by a random mean-preserving rotation
	Seed              uint64  // keys the rotation and additive-inflation streams (the update itself draws nothing)
}

// inflation returns the inflation and relaxation options of cfg.
func (cfg DEnKFConfig) inflation() InflationConfig {
	return InflationConfig{Multiplicative: cfg.Inflation, Additive: cfg.Additive, RTPP: cfg.RTPP, RTPS: cfg.RTPS}
}

// DEnKF is Sakov & Oke's deterministic ensemble Kalman filter, as
// DAPPER's EnKF('DEnKF') and benchmarks.md define it: the mean is updated
// by the Kalman gain, the anomalies by half of it, and nothing is drawn.
//
// With A and Y the N×n state and N×p observed anomalies (one member per
// row, so the forecast covariance is A'A/(N-1)), δ = y - mean(HE) the
// innovation of the mean, and DAPPER's gain K = A'Y C^-1 (n×p):
//
//	C    = Y'Y + (N-1)R                    (Cholesky-factorised, never inverted)
//	K'   = C^-1 Y'A                        (p×n, the transposed gain)
//	μ_a  = μ + δ K'                        (the Kalman-filter mean for A'A/(N-1))
//	A_a  = A - ½ Y K' = A - ½ Y C^-1 Y'A   (DAPPER's A - ½ K Y, as rows)
//
// computed together as E_k += (δ - ½ Y_k) K' for every member k: the
// rows of Y sum to zero, so the mean moves by δ K' and the anomalies by
// -½ Y K'. With Rotate the analysis anomalies are then multiplied by a
// random mean-preserving rotation Ω, as the ETKF's are (DAPPER's rot=True,
// drawn from the stream (Seed, PurposeRotation, analysis index)). Then
// relaxation, multiplicative and additive inflation follow, as for every
// ensemble filter (see [InflationConfig]; post-analysis, DAPPER's
// convention).
//
// A DEnKF is not safe for concurrent use; Analyze does not allocate.
type DEnKF struct {
	cfg  DEnKFConfig
	r    *ObsError
	sub  *obsSubset // the observations present in an analysis with missing values
	infl *Inflator  // relaxation and inflation after the analysis

	mu, xo []float64 // n, p
	dy     []float64 // p innovation of the mean
	a      []float64 // N×n forecast anomalies (kept intact through Analyze)
	y      []float64 // N×p observed anomalies
	d      []float64 // N×p update coefficients δ - ½ Y_k
	gain   *gainUpdate

	rot    *seededRotator // with Rotate
	mua, x []float64      // with Rotate: the analysis mean (n) and anomalies (N×n)
}

// NewDEnKF validates cfg against R and allocates every workspace the
// analysis needs.
func NewDEnKF(cfg DEnKFConfig, R *ObsError) (*DEnKF, error) {
	if err := checkFilterConfig("DEnKF", cfg.Members, cfg.Dim, cfg.Obs, cfg.Inflation, R); err != nil {
		return nil, err
	}
	infl, err := newInflator("DEnKF", cfg.inflation(), cfg.Members, cfg.Dim, cfg.Seed)
	if err != nil {
		return nil, err
	}
	N, n, p := cfg.Members, cfg.Dim, cfg.Obs
	f := &DEnKF{
		cfg: cfg, r: R, sub: newObsSubset(R), infl: infl,
		mu: make([]float64, n), xo: make([]float64, p), dy: make([]float64, p),
		a: make([]float64, N*n), y: make([]float64, N*p), d: make([]float64, N*p),
		gain: newGainUpdate(N, n, p),
	}
	if cfg.Rotate {
		f.rot = newSeededRotator(N, n, cfg.Seed)
		f.mua, f.x = make([]float64, n), make([]float64, N*n)
	}
	return f, nil
}

// Config returns the configuration the filter was built with.
func (f *DEnKF) Config() DEnKFConfig { return f.cfg }

// Analyze performs one deterministic analysis on E in place (see
// [DEnKF]). index names the analysis in errors and keys the
// additive-inflation draws. On error E is
// unchanged.
//
// A NaN in y is a missing value: the analysis is that of the reduced
// problem without its rows of HE, y and R. When every value is missing,
// Analyze returns [ErrNoObservations] (not wrapped) and leaves E
// unchanged. It does not allocate in any case.
func (f *DEnKF) Analyze(E, HE *Ensemble, y []float64, index uint64) error {
	N, n, p := f.cfg.Members, f.cfg.Dim, f.cfg.Obs
	if err := checkAnalysisArgs("DEnKF", N, n, p, E, HE, y); err != nil {
		return err
	}
	m, err := f.sub.present(y, f.r) // observations present
	if err == ErrNoObservations {
		return err
	}
	if err != nil {
		return fmt.Errorf("DEnKF analysis %d: %w", index, err)
	}
	full := m == p
	anomalies(f.a, f.mu, E.Data, N, n)
	if membersEqual(E.Data, N, n) {
		return fmt.Errorf("DEnKF analysis %d: %w", index, errCollapsed)
	}
	anomalies(f.y, f.xo, HE.Data, N, p)
	f.infl.prior(E.Data)
	dy := f.dy[:m]
	if full {
		for i := range dy {
			dy[i] = y[i] - f.xo[i]
		}
	} else {
		packColumns(f.y, N, p, f.sub.idx) // Y is now N×m
		for j, i := range f.sub.idx {
			dy[j] = y[i] - f.xo[i]
		}
	}

	// D_k = δ - ½ Y_k, then E += D K'.
	yd, d := f.y[:N*m], f.d[:N*m]
	for k := 0; k < N; k++ {
		row, yk := d[k*m:(k+1)*m], yd[k*m:(k+1)*m]
		for j := range row {
			row[j] = dy[j] - 0.5*yk[j]
		}
	}
	if err := f.gain.apply(f.r, f.sub, full, m, yd, d, f.a, E.Data); err != nil {
		return fmt.Errorf("DEnKF analysis %d: %w", index, err)
	}

	rotateInflate(E.Data, f.rot, f.infl, f.mua, f.x, index)
	return nil
}

// Compile-time check that the DEnKF implements Analysis.
var _ Analysis = (*DEnKF)(nil)
