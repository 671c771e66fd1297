// The local ensemble transform Kalman filter (LETKF).

package runtime

import (
	"fmt"
	"math"
	"slices"
)

// LETKFConfig configures an [LETKF]. Its sizes, inflation, relaxation,
// rotation and seed mean what the [ETKFConfig] fields of the same names
// do; the localisation fields say which observations each element sees.
type LETKFConfig struct {
	Members, Dim, Obs int     // N members, n state elements, p observations
	Inflation         float64 // analysis anomalies multiplied by it, >= 1 (1 = none)
	Additive          float64 // N(0, Additive²) noise on every value after the analysis (0 = none)
	RTPP              float64 // relaxation of the anomalies toward the forecast's, 0 to 1 (0 = none)
	RTPS              float64 // relaxation of the spread toward the forecast's, >= 0 (0 = none)
	Rotate            bool    // apply a random mean-preserving rotation to the anomalies
	Localization      Localization
	Geometry          Geometry // distances between state elements; Size() must equal Dim
	ObsAt             []int    // len Obs: the element each observation sits at
	Seed              uint64   // keys the rotation and additive streams, per analysis index
	Workers           int      // at most this many goroutines; 0 = GOMAXPROCS
}

// The LETKF is an ensemble analysis.
var _ Analysis = (*LETKF)(nil)

// LETKF is the local ensemble transform Kalman filter of Hunt et al.
// (2007) with one local analysis per state element, as benchmarks.md and
// DAPPER's LETKF define it. Element i sees the observations j whose
// taper coefficient ρ_j at their distance from i exceeds
// [MinTaperCoefficient]; ρ multiplies R^-1, so with Ỹ_i (N×p_i) and δ_i
// the whitened observed anomalies and innovation of those observations,
// each observation's column scaled by sqrt(ρ_j), S_i = (N-1)I + Ỹ_iỸ_i'
// and A_i the N anomalies of element i:
//
//	mean_i = mu_i + w_i'A_i,  w_i = S_i^-1 Ỹ_i δ_i
//	x_i    = sqrt(N-1) S_i^-1/2 A_i
//
// which is the [ETKF]'s update restricted to one element, computed by the
// same sqrtTransform (on one column). Every local analysis sees the
// forecast ensemble; an element without observations keeps its forecast.
// The anomalies X are then rotated (Rotate: once, for the whole state,
// with the stream the ETKF uses), relaxed and inflated by the [Inflator]
// exactly as the ETKF's.
//
// R must be diagonal. A NaN in y is a missing value, left out of every
// local analysis. The local analyses run on a [Team] over fixed chunks of
// consecutive elements, so the results are the same bits at any worker
// count.
//
// An LETKF is not safe for concurrent use; Analyze does not allocate.
type LETKF struct {
	cfg   LETKFConfig
	pairs *LocalPairs

	mu, mua []float64 // n: forecast and analysis mean
	xo, dy  []float64 // p: observed mean, whitened innovation
	isd     []float64 // p: 1/sqrt(r_j)
	yt      []float64 // p×N whitened observed anomalies, one observation per row
	xt      []float64 // n×N analysis anomalies, one element per row (as the chunks write them)
	x       []float64 // N×n analysis anomalies

	// Inputs of the current analysis, for the chunk bodies.
	e, y []float64

	chunk, chunks int
	failed        []bool // by chunk: a local analysis met non-finite values
	team          *Team  // nil: the analyses run on the calling goroutine
	scratch       []*letkfScratch
	body          func(worker, chunk int)

	rot  *seededRotator
	infl *Inflator
}

// letkfScratch is one worker's workspace for local analyses.
type letkfScratch struct {
	tr     *sqrtTransform
	obs    []int32   // maxP: the local observations present
	sc     []float64 // maxP: their scale
	yl     []float64 // N×maxP: local Ỹ
	dl     []float64 // maxP: local δ
	a      []float64 // N: A_i
	w      []float64 // N: weights
	obsMax int       // local observation counts below this take the observation-space path
}

// letkfObsSpaceBelow returns the local observation count below which the
// observation-space path (a p×p eigendecomposition) is faster than the
// ensemble-space one (a tridiagonal reduction of S and its rational
// transform) for N members and one column: measured, the two cross near
// p = N/3 from N = 5 to 80 (at N = 20, 4.0 against 4.5 µs at p = 6 and
// 6.1 against 4.9 µs at p = 8).
func letkfObsSpaceBelow(N int) int {
	return (N + 5) / 3
}

// Parallel scheduling. A local analysis costs about N²(p_i + N) flops
// (see letkfObsSpaceBelow; at N = 20 and p_i = 25 that is 18 000 units
// and 5 µs). Chunks hold about letkfChunkWork units (at least one
// element, at most letkfMaxChunks chunks), small so that a worker that
// wakes late still finds work and the last chunk holds nobody up long;
// each writes its own rows of the element-major anomalies, so chunks
// share no cache lines but at their ends. The analyses are shared out
// only when the whole update is worth at least letkfParallelWork units
// (about 0.3 ms): on the 2-core build VM, where a parked worker takes
// about 0.1 ms to wake, the median of 300 analyses at N = 20 is 1.3
// times slower on two workers than on one at n = 24 (0.43M units), even
// at n = 40 (0.72M) and 1.05 to 1.35 times faster from n = 60 (1.08M).
const (
	letkfChunkWork    = 1 << 15
	letkfMaxChunks    = 4096
	letkfParallelWork = 1 << 20
)

// NewLETKF validates cfg against R, finds the local observations of every
// element and allocates every workspace the analysis needs.
func NewLETKF(cfg LETKFConfig, R *ObsError) (*LETKF, error) {
	const name = "LETKF"
	if err := checkFilterConfig(name, cfg.Members, cfg.Dim, cfg.Obs, cfg.Inflation, R); err != nil {
		return nil, err
	}
	ic := InflationConfig{Multiplicative: cfg.Inflation, Additive: cfg.Additive, RTPP: cfg.RTPP, RTPS: cfg.RTPS}
	infl, err := newInflator(name, ic, cfg.Members, cfg.Dim, cfg.Seed)
	if err != nil {
		return nil, err
	}
	N, n, p := cfg.Members, cfg.Dim, cfg.Obs
	switch {
	case !R.Diagonal():
		return nil, fmt.Errorf("%s: the observation-error covariance must be diagonal (the taper scales each observation's R^-1)", name)
	case cfg.Geometry == nil:
		return nil, fmt.Errorf("%s: no geometry to localise with", name)
	case cfg.Geometry.Size() != n:
		return nil, fmt.Errorf("%s: geometry has %d elements but the state has %d", name, cfg.Geometry.Size(), n)
	case len(cfg.ObsAt) != p:
		return nil, fmt.Errorf("%s: %d observation positions for %d observations", name, len(cfg.ObsAt), p)
	case cfg.Workers < 0:
		return nil, fmt.Errorf("%s: %d workers, want 0 (GOMAXPROCS) or more", name, cfg.Workers)
	}
	for j, at := range cfg.ObsAt {
		if at < 0 || at >= n {
			return nil, fmt.Errorf("%s: observation %d sits at element %d, outside the state's %d elements", name, j, at, n)
		}
	}
	if err := cfg.Localization.check(name); err != nil {
		return nil, err
	}
	pairs, err := NewLocalPairs(cfg.Geometry, cfg.Localization, cfg.ObsAt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	cfg.ObsAt = slices.Clone(cfg.ObsAt)
	f := &LETKF{
		cfg: cfg, pairs: pairs, infl: infl,
		mu: make([]float64, n), mua: make([]float64, n),
		xo: make([]float64, p), dy: make([]float64, p), isd: make([]float64, p), yt: make([]float64, p*N),
		xt: make([]float64, n*N), x: make([]float64, N*n),
	}
	for j := range f.isd {
		f.isd[j] = 1 / math.Sqrt(R.Variance(j))
	}

	// Chunks of consecutive elements, sized by the work of an average
	// local analysis: a function of the problem only.
	perElem := float64(N) * float64(N) * (float64(len(pairs.ObsOf))/float64(n) + float64(N))
	f.chunk = max(1, int(letkfChunkWork/perElem), Chunks(n, letkfMaxChunks))
	f.chunk = min(f.chunk, n)
	f.chunks = Chunks(n, f.chunk)
	f.failed = make([]bool, f.chunks)
	workers := 1
	if f.chunks > 1 && perElem*float64(n) >= letkfParallelWork {
		f.team = NewTeam(cfg.Workers)
		workers = f.team.Workers()
		if workers == 1 {
			f.team = nil
		} else {
			// Start the workers now, so that not even the first Analyze allocates.
			f.team.Run(workers, func(int, int) {})
		}
	}
	maxP := pairs.MaxPerState()
	obsMax := letkfObsSpaceBelow(N)
	for range workers {
		s := &letkfScratch{
			tr:  newSqrtTransform(N, 1, maxP >= obsMax, min(maxP, obsMax-1)),
			obs: make([]int32, maxP), sc: make([]float64, maxP),
			yl: make([]float64, N*maxP), dl: make([]float64, maxP),
			a: make([]float64, N), w: make([]float64, N),
			obsMax: obsMax,
		}
		if maxP >= obsMax {
			s.tr.cacheRational()
		}
		f.scratch = append(f.scratch, s)
	}
	f.body = f.runChunk
	if cfg.Rotate {
		f.rot = newSeededRotator(N, n, cfg.Seed)
	}
	return f, nil
}

// Config returns the configuration the filter was built with (with its
// own copy of ObsAt).
func (f *LETKF) Config() LETKFConfig {
	cfg := f.cfg
	cfg.ObsAt = slices.Clone(cfg.ObsAt)
	return cfg
}

// Analyze performs one LETKF analysis on E in place (see [LETKF]), then
// its rotation, relaxation and inflation. index keys the rotation and
// additive streams. On error E is unchanged.
//
// A NaN in y is a missing value, left out of every local analysis. When
// every value is missing, Analyze returns [ErrNoObservations] (not
// wrapped) and leaves E unchanged. It does not allocate in any case.
func (f *LETKF) Analyze(E, HE *Ensemble, y []float64, index uint64) error {
	N, n, p := f.cfg.Members, f.cfg.Dim, f.cfg.Obs
	if err := checkAnalysisArgs("LETKF", N, n, p, E, HE, y); err != nil {
		return err
	}
	if !slices.ContainsFunc(y, present) {
		return ErrNoObservations
	}
	// A sum is finite only if every term is (and it does not overflow),
	// so finite means show finite inputs.
	ensembleMean(f.mu, E.Data, N, n)
	ensembleMean(f.xo, HE.Data, N, p)
	finite := allFinite(f.mu)
	for j, v := range y {
		if present(v) && (math.IsInf(v, 0) || math.IsNaN(f.xo[j]) || math.IsInf(f.xo[j], 0)) {
			finite = false
		}
		f.dy[j] = (v - f.xo[j]) * f.isd[j]
	}
	if !finite {
		return fmt.Errorf("LETKF analysis %d: %w", index, errNonFinite)
	}
	if membersEqual(E.Data, N, n) {
		return fmt.Errorf("LETKF analysis %d: %w", index, errCollapsed)
	}
	f.infl.prior(E.Data)
	// Ỹ = Y R^-1/2, one observation per row (those missing are never read).
	for k := 0; k < N; k++ {
		row := HE.Data[k*p : (k+1)*p]
		for j, h := range row {
			f.yt[j*N+k] = (h - f.xo[j]) * f.isd[j]
		}
	}

	f.e, f.y = E.Data, y
	if f.team != nil {
		f.team.Run(f.chunks, f.body)
	} else {
		for c := 0; c < f.chunks; c++ {
			f.body(0, c)
		}
	}
	f.e, f.y = nil, nil
	failed := false
	for c, bad := range f.failed {
		failed = failed || bad
		f.failed[c] = false
	}
	if failed {
		return fmt.Errorf("LETKF analysis %d: %w", index, errNonFinite)
	}

	transposeTo(f.x, f.xt, n, N)
	if f.rot != nil {
		f.rot.rotate(f.x, index)
	}
	f.infl.posteriorSplit(E.Data, f.mua, f.x, index)
	return nil
}

// present reports whether an observed value is present (not NaN).
func present(v float64) bool { return v == v }

// runChunk runs the local analyses of the elements of chunk c with the
// scratch space of worker, recording in f.failed[c] whether one met
// non-finite values.
func (f *LETKF) runChunk(worker, c int) {
	s := f.scratch[worker]
	lo := c * f.chunk
	hi := min(lo+f.chunk, f.cfg.Dim)
	for i := lo; i < hi; i++ {
		if !f.localAnalysis(s, i) {
			f.failed[c] = true
			return
		}
	}
}

// localAnalysis sets the analysis mean of element i and its column of
// the analysis anomalies from the forecast (see [LETKF]), reporting
// false on non-finite values.
func (f *LETKF) localAnalysis(s *letkfScratch, i int) bool {
	N, n := f.cfg.Members, f.cfg.Dim
	mi := f.mu[i]
	a := s.a
	for k := range a {
		a[k] = f.e[k*n+i] - mi
	}
	// The local observations present, their scales and δ.
	lp := f.pairs
	pl := 0
	for q := lp.StateStart[i]; q < lp.StateStart[i+1]; q++ {
		j := lp.ObsOf[q]
		if !present(f.y[j]) {
			continue
		}
		c := math.Sqrt(lp.StateCoef[q]) // not stored: as cheap as reading it back
		s.obs[pl], s.sc[pl] = j, c
		s.dl[pl] = f.dy[j] * c
		pl++
	}
	xi := f.xt[i*N : (i+1)*N]
	if pl == 0 { // nothing to learn from: keep the forecast
		f.mua[i] = mi
		copy(xi, a)
		return true
	}
	// Local Ỹ, N×pl, one member per row.
	yl := s.yl[:N*pl]
	for q, j := range s.obs[:pl] {
		src, c := f.yt[int(j)*N:int(j+1)*N], s.sc[q]
		for k, v := range src {
			yl[k*pl+q] = v * c
		}
	}
	var ok bool
	if pl < s.obsMax {
		ok = s.tr.obsSpace(yl, pl, s.dl, a, 1, s.w, xi)
	} else {
		ok = s.tr.ensSpace(yl, pl, s.dl, a, 1, s.w, xi)
	}
	if !ok {
		return false
	}
	m := mi
	for k, v := range s.w {
		m += v * a[k]
	}
	if math.IsNaN(m) || math.IsInf(m, 0) || !allFinite(xi) {
		return false
	}
	f.mua[i] = m
	return true
}
