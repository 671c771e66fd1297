// The serial square-root ensemble filter (EnSRF / EAKF), with optional
// state-space localisation.

package runtime

import (
	"errors"
	"fmt"
	"math"
)

// EnSRFConfig configures an [EnSRF].
type EnSRFConfig struct {
	Members, Dim, Obs int     // ensemble size N, state size n, observation count p
	Inflation         float64 // post-analysis multiplicative inflation a >= 1 (1 = none)
	Additive          float64 // std s >= 0 of the N(0, s²) draws added to every member after the analysis (0 = none)
	RTPP              float64 // relaxation to prior perturbations, in [0, 1] (0 = none)
	RTPS              float64 // relaxation to prior spread, >= 0 (0 = none)
	Rotate            bool    // multiply the analysis anomalies by a random mean-preserving rotation

	// Localization tapers each update by the distance between the
	// observation and what it updates; nil means none (DAPPER's
	// EnKF('Serial')).
	Localization *Localization
	Geometry     Geometry // the state's distances; needed only with Localization, Size() == Dim
	ObsAt        []int    // the element each observation sits at; needed only with Localization, len Obs

	Seed uint64 // keys the serial order, rotation and additive streams (Seed, PurposeSerialOrder, PurposeRotation or PurposeAdditiveInflation, analysis index)
}

// inflation returns the inflation and relaxation options of cfg.
func (cfg EnSRFConfig) inflation() InflationConfig {
	return InflationConfig{Multiplicative: cfg.Inflation, Additive: cfg.Additive, RTPP: cfg.RTPP, RTPS: cfg.RTPS}
}

// EnSRF is the serial ensemble square-root filter, the ensemble adjustment
// Kalman filter of Anderson (2001) processed one observation at a time, as
// DAPPER's SL_EAKF (with Localization) and EnKF('Serial') (without) and
// benchmarks.md define it.
//
// The observations are first decorrelated: each row of HE's anomalies
// and the innovation y - mean(HE) are multiplied by R^-1/2 (1/σ_j for a
// diagonal R, the inverse of R's Cholesky factor otherwise). They are
// then assimilated one at a time, in an order drawn afresh at every
// analysis from the stream (Seed, [PurposeSerialOrder], index). For
// observation j, with ŷ its N whitened observed anomalies, δ_j its
// whitened innovation, s = ŷ'ŷ and C = s + N - 1, every quantity z that
// it updates (the N anomalies of a state element, or of another
// observation still to come) moves by the regression of the EAKF update
// of ŷ (mean by the scalar Kalman gain, anomalies contracted by
// α = sqrt((N-1)/C)):
//
//	g      = ρ z'ŷ                      (ρ the taper, 1 without localisation)
//	mean_z += g δ_j / C
//	z      -= g β ŷ                     (β = (1-α)/s = 1/(C + sqrt((N-1)C)))
//
// Without localisation this is the exact sequential Kalman update of the
// joint state-and-observation ensemble, so the analysis mean and
// covariance are the ETKF's (not its ensemble: the transform differs). With
// localisation ρ is the taper between observation j and the state element
// (state-space localisation) and, for the observations still to come, the
// taper between the elements the two observations sit at, which is what
// re-observing the updated state gives for observations at elements
// (DAPPER's identity, subsample or indices operators). Those lists are
// built once, sparse (pairs with ρ > [MinTaperCoefficient]), so the
// filter's memory grows with the number of pairs, not with n² or p².
// Localisation needs a diagonal R. Without it the updates are applied
// four observations per pass over the state (see assimilateGlobal), which
// changes only the rounding.
//
// After the last observation the anomalies are rotated (Rotate: Ω A with
// Ω drawn from (Seed, [PurposeRotation], index), which keeps the mean and
// covariance), then relaxed and inflated by the [Inflator].
//
// An EnSRF is not safe for concurrent use; Analyze does not allocate.
type EnSRF struct {
	cfg  EnSRFConfig
	r    *ObsError
	sub  *obsSubset // the observations present, and R's factor over them (full R)
	infl *Inflator

	// Localisation, built once: for observation j, the state elements
	// stateOf[obsStart[j]:obsStart[j+1]] it updates with tapers stateCoef,
	// and the other observations ooObs[ooStart[j]:ooStart[j+1]] with tapers
	// ooCoef. nil without localisation.
	obsStart  []int
	stateOf   []int32
	stateCoef []float64
	ooStart   []int
	ooObs     []int32
	ooCoef    []float64
	rowOf     []int // p: an observation's position in this analysis's order, -1 if missing

	mu, xo []float64 // n state mean; p observed mean
	at     []float64 // n×N state anomalies, one element per row
	yt     []float64 // m×N whitened observed anomalies, one observation per row, in serial order
	dy     []float64 // m whitened innovations, in serial order
	yw     []float64 // N×p observed anomalies for whitening by a full R (nil for a diagonal R)
	dw     []float64 // p innovation for whitening by a full R
	perm   []int     // m: the serial order, as positions in the list of present observations
	x      []float64 // N×n analysis anomalies

	order *Stream // serial order
	rot   *seededRotator
}

// NewEnSRF validates cfg against R and allocates every workspace the
// analysis needs; with localisation it also finds every pair of
// (observation, state element) and (observation, observation) that the
// taper joins.
func NewEnSRF(cfg EnSRFConfig, R *ObsError) (*EnSRF, error) {
	if err := checkFilterConfig("EnSRF", cfg.Members, cfg.Dim, cfg.Obs, cfg.Inflation, R); err != nil {
		return nil, err
	}
	infl, err := newInflator("EnSRF", cfg.inflation(), cfg.Members, cfg.Dim, cfg.Seed)
	if err != nil {
		return nil, err
	}
	N, n, p := cfg.Members, cfg.Dim, cfg.Obs
	cfg.ObsAt = append([]int(nil), cfg.ObsAt...)
	if cfg.Localization != nil {
		loc := *cfg.Localization
		cfg.Localization = &loc
	}
	f := &EnSRF{
		cfg: cfg, r: R, sub: newObsSubset(R), infl: infl,
		mu: make([]float64, n), xo: make([]float64, p),
		at: make([]float64, n*N), yt: make([]float64, p*N), dy: make([]float64, p),
		perm: make([]int, p), x: make([]float64, N*n),
		order: NewStream(cfg.Seed, PurposeSerialOrder, 0),
	}
	if !R.Diagonal() {
		f.yw = make([]float64, N*p)
		f.dw = make([]float64, p)
	}
	if cfg.Localization != nil {
		if err := f.localize(); err != nil {
			return nil, err
		}
	}
	if cfg.Rotate {
		f.rot = newSeededRotator(N, n, cfg.Seed)
	}
	return f, nil
}

// localize checks the localisation settings and builds the sparse taper
// lists: by observation, the state elements of [NewLocalPairs], and the
// observations sitting at those elements (other than itself) with the
// same coefficient, the taper at the distance between the two.
func (f *EnSRF) localize() error {
	cfg := f.cfg
	n, p := cfg.Dim, cfg.Obs
	if err := cfg.Localization.check("EnSRF"); err != nil {
		return err
	}
	switch {
	case !f.r.Diagonal():
		return errors.New("EnSRF: localisation needs a diagonal observation-error covariance")
	case cfg.Geometry == nil:
		return errors.New("EnSRF: localisation needs the state's geometry")
	case cfg.Geometry.Size() != n:
		return fmt.Errorf("EnSRF: geometry has %d elements but the state has %d", cfg.Geometry.Size(), n)
	case len(cfg.ObsAt) != p:
		return fmt.Errorf("EnSRF: %d observation locations for %d observations", len(cfg.ObsAt), p)
	}
	lp, err := NewLocalPairs(cfg.Geometry, *cfg.Localization, cfg.ObsAt)
	if err != nil {
		return fmt.Errorf("EnSRF: %w", err)
	}
	f.obsStart, f.stateOf, f.stateCoef = lp.ObsStart, lp.StateOf, lp.ObsCoef
	// The observations at each element, by counting sort.
	atStart := make([]int, n+1)
	for _, e := range cfg.ObsAt {
		atStart[e+1]++
	}
	for i := 0; i < n; i++ {
		atStart[i+1] += atStart[i]
	}
	atObs := make([]int32, p)
	next := append([]int(nil), atStart[:n]...)
	for j, e := range cfg.ObsAt {
		atObs[next[e]] = int32(j)
		next[e]++
	}
	f.ooStart = make([]int, p+1)
	for j := 0; j < p; j++ {
		for q := lp.ObsStart[j]; q < lp.ObsStart[j+1]; q++ {
			e := lp.StateOf[q]
			for _, k := range atObs[atStart[e]:atStart[e+1]] {
				if int(k) != j {
					f.ooObs = append(f.ooObs, k)
					f.ooCoef = append(f.ooCoef, lp.ObsCoef[q])
				}
			}
		}
		f.ooStart[j+1] = len(f.ooObs)
	}
	f.rowOf = make([]int, p)
	return nil
}

// Config returns the configuration the filter was built with.
func (f *EnSRF) Config() EnSRFConfig { return f.cfg }

// Analyze performs one serial analysis on E in place (see [EnSRF]), then
// its rotation, relaxation and inflation. index keys the serial order and
// the rotation and additive streams. On error E is unchanged.
//
// A NaN in y is a missing value: it is not assimilated (nor its rows of
// HE and R), so the analysis is that of the reduced problem, in the same
// order. When every value is missing, Analyze returns [ErrNoObservations]
// (not wrapped) and leaves E unchanged. It does not allocate in any case.
func (f *EnSRF) Analyze(E, HE *Ensemble, y []float64, index uint64) error {
	N, n, p := f.cfg.Members, f.cfg.Dim, f.cfg.Obs
	if err := checkAnalysisArgs("EnSRF", N, n, p, E, HE, y); err != nil {
		return err
	}
	m := f.sub.find(y)
	if m == 0 {
		return ErrNoObservations
	}
	if m < p && !f.sub.factor(f.r) {
		return fmt.Errorf("EnSRF analysis %d: %w", index, errSubsetR)
	}
	idx := f.sub.idx

	ensembleMean(f.mu, E.Data, N, n)
	ensembleMean(f.xo, HE.Data, N, p)
	if !allFinite(f.mu) {
		return fmt.Errorf("EnSRF analysis %d: %w", index, errNonFinite)
	}
	for _, i := range idx {
		if math.IsInf(y[i], 0) || math.IsNaN(f.xo[i]) || math.IsInf(f.xo[i], 0) {
			return fmt.Errorf("EnSRF analysis %d: %w", index, errNonFinite)
		}
	}
	if membersEqual(E.Data, N, n) {
		return fmt.Errorf("EnSRF analysis %d: %w", index, errCollapsed)
	}
	f.infl.prior(E.Data)

	// The serial order over the m observations present.
	perm := f.perm[:m]
	for i := range perm {
		perm[i] = i
	}
	f.order.Reset(f.cfg.Seed, PurposeSerialOrder, index)
	rng := f.order.source()
	for i := m - 1; i > 0; i-- {
		k := rng.IntN(i + 1)
		perm[i], perm[k] = perm[k], perm[i]
	}
	if f.rowOf != nil {
		for i := range f.rowOf {
			f.rowOf[i] = -1
		}
		for s, q := range perm {
			f.rowOf[idx[q]] = s
		}
	}

	// State anomalies by element; whitened observed anomalies by
	// observation, in serial order.
	at := f.at
	for k := 0; k < N; k++ {
		row := E.Data[k*n : (k+1)*n]
		for i, v := range row {
			at[i*N+k] = v - f.mu[i]
		}
	}
	yt, dy := f.yt[:m*N], f.dy[:m]
	if f.yw == nil {
		isd := f.r.isd
		for s, q := range perm {
			col := idx[q]
			sc, xo := isd[col], f.xo[col]
			row := yt[s*N : (s+1)*N]
			for k := range row {
				row[k] = (HE.Data[k*p+col] - xo) * sc
			}
			dy[s] = (y[col] - xo) * sc
		}
	} else {
		f.whitenFull(HE.Data, y, m)
	}

	// One observation at a time.
	if f.rowOf == nil {
		f.assimilateGlobal(m)
	} else {
		f.assimilateLocal(m)
	}
	if !allFinite(f.mu) || !allFinite(at) {
		return fmt.Errorf("EnSRF analysis %d: %w", index, errNonFinite)
	}

	for k := 0; k < N; k++ {
		row := f.x[k*n : (k+1)*n]
		for i := range row {
			row[i] = at[i*N+k]
		}
	}
	if f.rot != nil {
		f.rot.rotate(f.x, index)
	}
	f.infl.posteriorSplit(E.Data, f.mu, f.x, index)
	return nil
}

// serialGains returns, for the whitened observed anomalies yj of one
// observation and its innovation dj, the factors β = 1/(C + sqrt((N-1)C))
// of the anomaly update and δ_j/C of the mean update, C = yj'yj + N - 1.
func serialGains(yj []float64, dj, n1 float64) (beta, gm float64) {
	ss := 0.0
	for _, v := range yj {
		ss += v * v
	}
	c := ss + n1
	return 1 / (c + math.Sqrt(n1*c)), dj / c
}

// serialBlock is the number of observations whose updates
// assimilateGlobal applies to each state element in one pass.
const serialBlock = 4

// assimilateGlobal assimilates the m observations in yt and dy, in order,
// without localisation. Four at a time: the block's observations are
// first updated by one another, serially; then each state element and
// each later observation takes the four updates in one pass, their
// sequential dependence carried by the Gram matrix of the block's
// observed anomalies (the anomalies z after update a are z minus
// multiples of ŷ_0..ŷ_a, so z_a'ŷ_b follows from z'ŷ_b and ŷ_a'ŷ_b).
func (f *EnSRF) assimilateGlobal(m int) {
	N, n := f.cfg.Members, f.cfg.Dim
	n1 := float64(N - 1)
	at, yt, dy := f.at, f.yt, f.dy
	s := 0
	for ; s+serialBlock <= m; s += serialBlock {
		var beta, gm, ngm [serialBlock]float64
		for b := 0; b < serialBlock; b++ {
			yj := yt[(s+b)*N : (s+b+1)*N]
			beta[b], gm[b] = serialGains(yj, dy[s+b], n1)
			ngm[b] = -gm[b]
			for t := s + b + 1; t < s+serialBlock; t++ {
				serialUpdate(yt[t*N:(t+1)*N], yj, 1, beta[b], -gm[b], &dy[t])
			}
		}
		blk := &serialBlock4{beta: beta}
		blk.y0, blk.y1 = yt[s*N:(s+1)*N], yt[(s+1)*N:(s+2)*N]
		blk.y2, blk.y3 = yt[(s+2)*N:(s+3)*N], yt[(s+3)*N:(s+4)*N]
		blk.g01, blk.g02, blk.g03 = dotN(blk.y0, blk.y1), dotN(blk.y0, blk.y2), dotN(blk.y0, blk.y3)
		blk.g12, blk.g13, blk.g23 = dotN(blk.y1, blk.y2), dotN(blk.y1, blk.y3), dotN(blk.y2, blk.y3)
		for i := 0; i < n; i++ {
			blk.update(at[i*N:(i+1)*N], &gm, &f.mu[i])
		}
		for t := s + serialBlock; t < m; t++ {
			blk.update(yt[t*N:(t+1)*N], &ngm, &dy[t])
		}
	}
	for ; s < m; s++ {
		yj := yt[s*N : (s+1)*N]
		beta, gm := serialGains(yj, dy[s], n1)
		for i := 0; i < n; i++ {
			serialUpdate(at[i*N:(i+1)*N], yj, 1, beta, gm, &f.mu[i])
		}
		for t := s + 1; t < m; t++ {
			serialUpdate(yt[t*N:(t+1)*N], yj, 1, beta, -gm, &dy[t])
		}
	}
}

// assimilateLocal assimilates the m observations in yt and dy, in order,
// each updating the state elements and the later observations its taper
// reaches.
func (f *EnSRF) assimilateLocal(m int) {
	N := f.cfg.Members
	n1 := float64(N - 1)
	at, yt, dy, idx := f.at, f.yt, f.dy, f.sub.idx
	for s := 0; s < m; s++ {
		yj := yt[s*N : (s+1)*N]
		beta, gm := serialGains(yj, dy[s], n1)
		j := idx[f.perm[s]]
		for q := f.obsStart[j]; q < f.obsStart[j+1]; q++ {
			i := int(f.stateOf[q])
			serialUpdate(at[i*N:(i+1)*N], yj, f.stateCoef[q], beta, gm, &f.mu[i])
		}
		for q := f.ooStart[j]; q < f.ooStart[j+1]; q++ {
			if t := f.rowOf[f.ooObs[q]]; t > s {
				serialUpdate(yt[t*N:(t+1)*N], yj, f.ooCoef[q], beta, -gm, &dy[t])
			}
		}
	}
}

// serialBlock4 holds four consecutive observations' whitened anomalies
// ŷ_0..ŷ_3 (already updated by one another), their anomaly factors β and
// the Gram products g_ab = ŷ_a'ŷ_b.
type serialBlock4 struct {
	y0, y1, y2, y3               []float64
	beta                         [serialBlock]float64
	g01, g02, g03, g12, g13, g23 float64
}

// update applies the block's four updates in turn to the anomalies z of
// one quantity and its mean, gm[b] the mean factor of update b (δ_b/C_b,
// negated for an innovation).
func (blk *serialBlock4) update(z []float64, gm *[serialBlock]float64, mean *float64) {
	y0, y1, y2, y3 := blk.y0, blk.y1[:len(blk.y0)], blk.y2[:len(blk.y0)], blk.y3[:len(blk.y0)]
	z = z[:len(y0)]
	var d0, d1, d2, d3 float64
	for k, v := range z {
		d0 += v * y0[k]
		d1 += v * y1[k]
		d2 += v * y2[k]
		d3 += v * y3[k]
	}
	b := &blk.beta
	g0 := d0
	h0 := b[0] * g0
	g1 := d1 - h0*blk.g01
	h1 := b[1] * g1
	g2 := d2 - h0*blk.g02 - h1*blk.g12
	h2 := b[2] * g2
	g3 := d3 - h0*blk.g03 - h1*blk.g13 - h2*blk.g23
	h3 := b[3] * g3
	*mean += g0*gm[0] + g1*gm[1] + g2*gm[2] + g3*gm[3]
	for k := range z {
		z[k] -= h0*y0[k] + h1*y1[k] + h2*y2[k] + h3*y3[k]
	}
}

// dotN returns a'b.
func dotN(a, b []float64) float64 {
	b = b[:len(a)]
	s := 0.0
	for k, v := range a {
		s += v * b[k]
	}
	return s
}

// whitenFull fills yt and dy (m present observations, in serial order)
// from HE and y whitened by a full R, or by R restricted to the values
// present: the anomalies' rows and the innovation are multiplied by the
// inverse of the Cholesky factor.
func (f *EnSRF) whitenFull(he, y []float64, m int) {
	N, p := f.cfg.Members, f.cfg.Obs
	idx := f.sub.idx
	anomaliesAround(f.yw, f.xo, he, N, p)
	yw := f.yw[:N*m]
	d := f.dw[:m]
	for q, col := range idx {
		d[q] = y[col] - f.xo[col]
	}
	if m == p {
		f.r.whitenRows(yw, N)
		f.r.whitenVec(d)
	} else {
		packColumns(f.yw, N, p, idx)
		f.r.whitenRowsSub(yw, N, f.sub)
		f.r.whitenVecSub(d, f.sub)
	}
	for s, q := range f.perm[:m] {
		row := f.yt[s*N : (s+1)*N]
		for k := range row {
			row[k] = yw[k*m+q]
		}
		f.dy[s] = d[q]
	}
}

// anomaliesAround writes the rows of x minus the given mean into a (both
// n×d row-major).
func anomaliesAround(a, mean, x []float64, n, d int) {
	for k := 0; k < n; k++ {
		row, out := x[k*d:(k+1)*d], a[k*d:(k+1)*d]
		for i, m := range mean {
			out[i] = row[i] - m
		}
	}
}

// serialUpdate applies one observation's update to the anomalies z of one
// quantity and its mean: g = rho z'yj, *mean += g·gm, z -= g·beta·yj.
func serialUpdate(z, yj []float64, rho, beta, gm float64, mean *float64) {
	z = z[:len(yj)]
	g := rho * dot4(yj, z)
	*mean += g * gm
	b := g * beta
	for k, v := range yj {
		z[k] -= b * v
	}
}

// Compile-time check that the EnSRF implements Analysis.
var _ Analysis = (*EnSRF)(nil)
