// Inflation and relaxation applied after an ensemble analysis: RTPP,
// RTPS, multiplicative and additive inflation, one implementation shared
// by every ensemble filter.

package runtime

import (
	"fmt"
	"math"
)

// InflationConfig holds the inflation and relaxation options an ensemble
// analysis applies after its update, with the same ranges as the
// checker's. The zero values of Additive, RTPP and RTPS change nothing;
// Multiplicative = 1 changes nothing.
type InflationConfig struct {
	Multiplicative float64 // anomalies multiplied by a >= 1 (1 = none)
	Additive       float64 // std s >= 0 of N(0, s²) draws added to every member (0 = none)
	RTPP           float64 // relaxation to prior perturbations, in [0, 1] (0 = none)
	RTPS           float64 // relaxation to prior spread, >= 0 (0 = none)
}

// maxInflation bounds the multiplicative factor, as the filters always
// have: beyond it the anomalies are meaningless.
const maxInflation = 1e6

// check validates c, naming the filter in its errors.
func (c InflationConfig) check(name string) error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case !(c.Multiplicative >= 1) || c.Multiplicative > maxInflation:
		return fmt.Errorf("%s: inflation %v, want a finite value >= 1", name, c.Multiplicative)
	case !(c.Additive >= 0) || !finite(c.Additive):
		return fmt.Errorf("%s: additive inflation %v, want a finite standard deviation >= 0", name, c.Additive)
	case !(c.RTPP >= 0 && c.RTPP <= 1):
		return fmt.Errorf("%s: rtpp %v, want a value between 0 and 1", name, c.RTPP)
	case !(c.RTPS >= 0) || !finite(c.RTPS):
		return fmt.Errorf("%s: rtps %v, want a finite value >= 0", name, c.RTPS)
	}
	return nil
}

// relaxes reports whether c relaxes toward the forecast, so that the
// forecast ensemble must be remembered.
func (c InflationConfig) relaxes() bool { return c.RTPP != 0 || c.RTPS != 0 }

// Inflator applies an [InflationConfig] around an ensemble analysis.
// [Inflator.Prior] remembers, from the forecast ensemble, what relaxation
// needs; [Inflator.Posterior] then changes the analysis ensemble E_a, with
// mean x̄ and anomalies A_a, in this order:
//
//	RTPP:           A_a ← (1-α) A_a + α A_f                  (Zhang et al. 2004)
//	RTPS:           A_a ← A_a · (1 + β (σ_f/σ_a - 1))        (Whitaker & Hamill 2012)
//	multiplicative: A_a ← a A_a
//	additive:       E_k ← E_k + s z_k, z_k ~ N(0, I)
//
// with A_f the forecast anomalies, σ_f and σ_a the forecast and analysis
// spread of each state variable (a variable with no analysis spread is
// left as it is) and the mean x̄ kept by the first three. The draws z are
// taken member by member, variable by variable, from the stream keyed by
// (seed, [PurposeAdditiveInflation], analysis index), so a run is
// reproducible and no other stream shifts.
//
// An Inflator is not safe for concurrent use; after [NewInflator] neither
// Prior nor Posterior allocates.
type Inflator struct {
	cfg          InflationConfig
	members, dim int
	seed         uint64

	mean []float64 // n: the mean of the ensemble being changed
	af   []float64 // N×n forecast anomalies (RTPP)
	sf   []float64 // n forecast spread (RTPS)
	sa   []float64 // n analysis spread (RTPS)
	x    []float64 // N×n analysis anomalies (Posterior)

	stream *Stream // additive draws
}

// NewInflator validates cfg and allocates what an Inflator for an
// ensemble of members × dim needs; seed keys the additive draws.
func NewInflator(cfg InflationConfig, members, dim int, seed uint64) (*Inflator, error) {
	return newInflator("inflation", cfg, members, dim, seed)
}

// newInflator is NewInflator with the filter's name in the errors.
func newInflator(name string, cfg InflationConfig, members, dim int, seed uint64) (*Inflator, error) {
	switch {
	case members < 2:
		return nil, fmt.Errorf("%s: %d members, want at least 2", name, members)
	case dim < 1:
		return nil, fmt.Errorf("%s: state dimension %d, want at least 1", name, dim)
	}
	if err := cfg.check(name); err != nil {
		return nil, err
	}
	in := &Inflator{cfg: cfg, members: members, dim: dim, seed: seed}
	if cfg.relaxes() || cfg.Multiplicative != 1 {
		in.mean = make([]float64, dim)
		in.x = make([]float64, members*dim)
	}
	if cfg.RTPP != 0 {
		in.af = make([]float64, members*dim)
	}
	if cfg.RTPS != 0 {
		in.sf = make([]float64, dim)
		in.sa = make([]float64, dim)
	}
	if cfg.Additive != 0 {
		in.stream = NewStream(seed, PurposeAdditiveInflation, 0)
	}
	return in, nil
}

// Config returns the configuration the Inflator was built with.
func (in *Inflator) Config() InflationConfig { return in.cfg }

// Prior remembers what relaxation needs from the forecast ensemble E (its
// anomalies for RTPP, its spread per variable for RTPS); E is not
// changed. Without relaxation it does nothing but check E's size.
func (in *Inflator) Prior(E *Ensemble) error {
	if err := E.check("forecast", in.members, in.dim); err != nil {
		return fmt.Errorf("inflation: %w", err)
	}
	in.prior(E.Data)
	return nil
}

// prior is Prior on the N×n data of an ensemble of the right size.
func (in *Inflator) prior(e []float64) {
	if !in.cfg.relaxes() {
		return
	}
	N, n := in.members, in.dim
	if in.af != nil {
		anomalies(in.af, in.mean, e, N, n)
		if in.sf != nil {
			spreadOf(in.sf, in.af, N, n)
		}
		return
	}
	anomalies(in.x, in.mean, e, N, n)
	spreadOf(in.sf, in.x, N, n)
}

// Posterior applies relaxation (toward what the last [Inflator.Prior]
// remembered), multiplicative inflation and additive noise to the
// analysis ensemble E in place; index numbers the analysis and keys the
// additive draws.
func (in *Inflator) Posterior(E *Ensemble, index uint64) error {
	if err := E.check("analysis", in.members, in.dim); err != nil {
		return fmt.Errorf("inflation: %w", err)
	}
	in.posterior(E.Data, index)
	return nil
}

// posterior is Posterior on the N×n data of an ensemble of the right
// size. With multiplicative inflation alone it computes, member by
// member, mean + a·(E_k - mean), the bits the filters always produced.
func (in *Inflator) posterior(e []float64, index uint64) {
	if in.x != nil {
		N, n := in.members, in.dim
		ensembleMean(in.mean, e, N, n)
		if in.cfg.relaxes() {
			for k := 0; k < N; k++ {
				row, xr := e[k*n:(k+1)*n], in.x[k*n:(k+1)*n]
				for i, m := range in.mean {
					xr[i] = row[i] - m
				}
			}
			in.relax(in.x)
			in.combine(e, in.mean, in.x)
		} else {
			a := in.cfg.Multiplicative
			for k := 0; k < N; k++ {
				row := e[k*n : (k+1)*n]
				for i, m := range in.mean {
					row[i] = m + a*(row[i]-m)
				}
			}
		}
	}
	in.additive(e, index)
}

// posteriorSplit writes into e the analysis given as its mean and
// anomalies x (N×n, changed by relaxation), then applies inflation and
// additive noise as [Inflator.Posterior] does: e_k = mean + a·relax(x)_k.
// Filters that form the analysis mean and anomalies separately (the ETKF)
// call it so that nothing is recomputed; with multiplicative inflation
// alone the bits are those of mean + a·x_k.
func (in *Inflator) posteriorSplit(e, mean, x []float64, index uint64) {
	if in.cfg.relaxes() {
		in.relax(x)
	}
	in.combine(e, mean, x)
	in.additive(e, index)
}

// relax applies RTPP then RTPS to the analysis anomalies x.
func (in *Inflator) relax(x []float64) {
	N, n := in.members, in.dim
	if alpha := in.cfg.RTPP; alpha != 0 {
		for i, f := range in.af {
			x[i] = (1-alpha)*x[i] + alpha*f
		}
	}
	if beta := in.cfg.RTPS; beta != 0 {
		spreadOf(in.sa, x, N, n)
		for i, sa := range in.sa {
			if sa > 0 {
				in.sa[i] = 1 + beta*(in.sf[i]/sa-1)
			} else {
				in.sa[i] = 1 // no analysis spread to rescale
			}
		}
		for k := 0; k < N; k++ {
			xr := x[k*n : (k+1)*n]
			for i, g := range in.sa {
				xr[i] *= g
			}
		}
	}
}

// combine writes e_k = mean + a·x_k for every member k.
func (in *Inflator) combine(e, mean, x []float64) {
	N, n := in.members, in.dim
	a := in.cfg.Multiplicative
	for k := 0; k < N; k++ {
		row, xr := e[k*n:(k+1)*n], x[k*n:(k+1)*n]
		for i, m := range mean {
			row[i] = m + a*xr[i]
		}
	}
}

// additive adds s·z to every value of e, z drawn in index order from the
// stream keyed by (seed, PurposeAdditiveInflation, index).
func (in *Inflator) additive(e []float64, index uint64) {
	s := in.cfg.Additive
	if s == 0 {
		return
	}
	in.stream.Reset(in.seed, PurposeAdditiveInflation, index)
	for i := range e {
		e[i] += s * in.stream.Normal()
	}
}

// spreadOf writes into sd the sample standard deviation (divisor N-1) of
// each column of the N×n anomalies x.
func spreadOf(sd, x []float64, N, n int) {
	clear(sd)
	for k := 0; k < N; k++ {
		xr := x[k*n : (k+1)*n]
		for i, v := range xr {
			sd[i] += v * v
		}
	}
	inv := 1 / float64(N-1)
	for i, v := range sd {
		sd[i] = math.Sqrt(v * inv)
	}
}
