// The ensemble Kalman smoother (EnKS) with a fixed lag.

package runtime

import (
	"errors"
	"fmt"
)

// EnKSConfig configures an [EnKS].
type EnKSConfig struct {
	Members, Dim, Obs int     // ensemble size N, state size n, observation count p
	Lag               int     // L >= 1: the analyses after its own that update each state
	Inflation         float64 // post-analysis multiplicative inflation a >= 1 of the filter's analysis (1 = none)
	Additive          float64 // std s >= 0 of the N(0, s²) draws added to the filter's analysis (0 = none)
	RTPP              float64 // relaxation to prior perturbations, in [0, 1] (0 = none)
	RTPS              float64 // relaxation to prior spread, >= 0 (0 = none)
	Rotate            bool    // rotate the filter's analysis anomalies at random (mean-preserving)
	Seed              uint64  // keys the rotation and additive streams
}

// inflation returns the inflation and relaxation options of cfg.
func (cfg EnKSConfig) inflation() InflationConfig {
	return InflationConfig{Multiplicative: cfg.Inflation, Additive: cfg.Additive, RTPP: cfg.RTPP, RTPS: cfg.RTPS}
}

// EnKS is the ensemble Kalman smoother of Evensen & van Leeuwen (2000)
// with a fixed lag, as DAPPER's EnKS('Sqrt') computes it: the filter is the
// square-root ETKF, and its ensemble transform at each analysis — the
// N×N matrix X with E_a = X E_f, which depends only on the observed
// ensemble, the observation and R — is applied also to the ensembles of
// the last L analysis times, so each of them ends up conditioned on the L
// observations that follow it as well as on the earlier ones.
//
// The transform is computed once, by one ETKF over the augmented state
// [x_now, x_1 ago, …, x_L ago] (its cost grows linearly with L), without
// inflation or rotation; relaxation, inflation, rotation and additive noise
// then act on the filter's analysis only (DAPPER's post_process of E[k]),
// never on the smoothed states.
//
// After each Analyze, [EnKS.Smoothed] is the ensemble of the analysis L
// analyses back, which has then had all its updates. An EnKS is not safe
// for concurrent use; Analyze does not allocate.
type EnKS struct {
	cfg  EnKSConfig
	etkf *ETKF     // the transform, over the augmented state
	infl *Inflator // on the filter's analysis

	aug      *Ensemble // N × n(L+1): [now | 1 ago | … | L ago]
	smoothed *Ensemble // N×n: the ensemble L analyses back, final
	stored   int       // past analyses held (at most L)
	fresh    bool      // the latest Analyze finished smoothed

	mua, x []float64 // n, N×n: with Rotate, the analysis mean and anomalies
	rot    *seededRotator
}

// NewEnKS validates cfg against R and allocates what the smoother needs:
// (L+2) ensembles of N×n.
func NewEnKS(cfg EnKSConfig, R *ObsError) (*EnKS, error) {
	if err := checkFilterConfig("EnKS", cfg.Members, cfg.Dim, cfg.Obs, cfg.Inflation, R); err != nil {
		return nil, err
	}
	if cfg.Lag < 1 {
		return nil, fmt.Errorf("EnKS: lag %d, want at least 1", cfg.Lag)
	}
	infl, err := newInflator("EnKS", cfg.inflation(), cfg.Members, cfg.Dim, cfg.Seed)
	if err != nil {
		return nil, err
	}
	N, n, L := cfg.Members, cfg.Dim, cfg.Lag
	etkf, err := NewETKF(ETKFConfig{Members: N, Dim: n * (L + 1), Obs: cfg.Obs, Inflation: 1}, R)
	if err != nil {
		return nil, fmt.Errorf("EnKS: %w", err)
	}
	f := &EnKS{cfg: cfg, etkf: etkf, infl: infl,
		aug: NewEnsemble(N, n*(L+1)), smoothed: NewEnsemble(N, n)}
	if cfg.Rotate {
		f.rot = newSeededRotator(N, n, cfg.Seed)
		f.mua, f.x = make([]float64, n), make([]float64, N*n)
	}
	return f, nil
}

// Config returns the configuration the smoother was built with.
func (f *EnKS) Config() EnKSConfig { return f.cfg }

// Analyze performs one analysis of E in place, as the ETKF with the
// configured inflation would, and applies the same transform to the
// stored ensembles of the last L analyses. index keys the rotation and
// additive streams and names the analysis in errors. On error E and the
// stored ensembles are unchanged. A NaN in y is a missing value; when
// every value is missing Analyze returns [ErrNoObservations] and nothing
// changes (the analysis time is not stored).
func (f *EnKS) Analyze(E, HE *Ensemble, y []float64, index uint64) error {
	N, n, L := f.cfg.Members, f.cfg.Dim, f.cfg.Lag
	if err := checkAnalysisArgs("EnKS", N, n, f.cfg.Obs, E, HE, y); err != nil {
		return err
	}
	if membersEqual(E.Data, N, n) {
		return fmt.Errorf("EnKS analysis %d: %w", index, errCollapsed)
	}
	w := n * (L + 1)
	for k := 0; k < N; k++ {
		copy(f.aug.Data[k*w:k*w+n], E.Data[k*n:(k+1)*n])
	}
	if err := f.etkf.Analyze(f.aug, HE, y, index); err != nil {
		if err == ErrNoObservations {
			return err
		}
		return fmt.Errorf("EnKS: %w", err)
	}
	// The oldest stored state has now had its L updates.
	f.fresh = f.stored == L
	if f.fresh {
		for k := 0; k < N; k++ {
			copy(f.smoothed.Data[k*n:(k+1)*n], f.aug.Data[k*w+L*n:(k+1)*w])
		}
	}
	// The filter's analysis, with its inflation.
	f.infl.prior(E.Data)
	for k := 0; k < N; k++ {
		copy(E.Data[k*n:(k+1)*n], f.aug.Data[k*w:k*w+n])
	}
	rotateInflate(E.Data, f.rot, f.infl, f.mua, f.x, index)
	// Shift: [now | 1 ago | …] becomes [– | now | 1 ago | …], the
	// inflated analysis held as the newest stored state.
	for k := 0; k < N; k++ {
		row := f.aug.Data[k*w : (k+1)*w]
		copy(row[n:], row[:L*n])
		copy(row[n:2*n], E.Data[k*n:(k+1)*n])
	}
	f.stored = min(f.stored+1, L)
	return nil
}

// Smoothed returns the ensemble of the analysis time L analyses before
// the latest one, after its last update, or nil while fewer than L+1
// analyses have been made. The ensemble is the smoother's: it changes at
// the next Analyze.
func (f *EnKS) Smoothed() *Ensemble {
	if !f.fresh {
		return nil
	}
	return f.smoothed
}

// SaveCheckpoint stores the smoother's state in c: name+".lagged" (the
// stored ensembles, float64) and name+".counts" (int64: lag, stored).
func (f *EnKS) SaveCheckpoint(c *Checkpoint, name string) {
	c.PutFloats(name+".lagged", f.aug.Data)
	fresh := int64(0)
	if f.fresh {
		fresh = 1
	}
	c.PutInts(name+".counts", []int64{int64(f.cfg.Lag), int64(f.stored), fresh})
	c.PutFloats(name+".smoothed", f.smoothed.Data)
}

// RestoreCheckpoint sets the smoother's state to the one SaveCheckpoint
// stored in c under name. A different lag or size, a missing section or
// inconsistent counters are an error and leave f unchanged.
func (f *EnKS) RestoreCheckpoint(c *Checkpoint, name string) error {
	var counts [3]int64
	if err := c.Ints(name+".counts", counts[:]); err != nil {
		return fmt.Errorf("EnKS: %w", err)
	}
	lag, stored, fresh := counts[0], counts[1], counts[2]
	switch {
	case lag != int64(f.cfg.Lag):
		return fmt.Errorf("EnKS: %s: saved with lag %d, not %d", c.where(), lag, f.cfg.Lag)
	case stored < 0 || stored > lag || fresh < 0 || fresh > 1 || (fresh == 1 && stored != lag):
		return errors.New("EnKS: " + c.where() + ": inconsistent smoother counters")
	}
	lagged := make([]float64, len(f.aug.Data))
	smoothed := make([]float64, len(f.smoothed.Data))
	if err := c.Floats(name+".lagged", lagged); err != nil {
		return fmt.Errorf("EnKS: %w", err)
	}
	if err := c.Floats(name+".smoothed", smoothed); err != nil {
		return fmt.Errorf("EnKS: %w", err)
	}
	copy(f.aug.Data, lagged)
	copy(f.smoothed.Data, smoothed)
	f.stored, f.fresh = int(stored), fresh == 1
	return nil
}
