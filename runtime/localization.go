// Covariance localisation: tapers, the geometry of a state, and the
// sparse lists of (state element, observation, coefficient) pairs that
// the localised filters (LETKF, serial EnSRF) work from.

package runtime

import (
	"fmt"
	"math"
	"slices"
)

// Taper names a localisation function of distance.
type Taper int

// The tapers, as DAPPER's dapper/tools/localization.dist2coeff defines
// them for a radius r.
const (
	// TaperGaspariCohn is the compactly supported fifth-order function
	// of Gaspari & Cohn (1999, eq. 4.10) with half-width c = 1.82 r
	// (sqrt(10/3) r), so it is about exp(-1/2) at distance r and zero
	// beyond 2c = 3.64 r.
	TaperGaspariCohn Taper = iota
	// TaperStep is 1 up to distance r and 0 beyond (DAPPER's 'Step').
	TaperStep
)

// String returns the taper's name in the .cyc language.
func (t Taper) String() string {
	switch t {
	case TaperGaspariCohn:
		return "gaspari_cohn"
	case TaperStep:
		return "step"
	}
	return fmt.Sprintf("Taper(%d)", int(t))
}

// gcHalfWidth is DAPPER's ratio of the Gaspari–Cohn half-width c to its
// radius.
const gcHalfWidth = 1.82

// MinTaperCoefficient is the coefficient at or below which an observation
// is left out of a local analysis (DAPPER's cutoff).
const MinTaperCoefficient = 1e-3

// Localization is a taper with its radius (DAPPER's loc_rad convention:
// see [TaperGaspariCohn] for what the radius means).
type Localization struct {
	Taper  Taper
	Radius float64
}

// CutoffRadius returns the DAPPER radius of a Gaspari–Cohn taper that
// reaches zero at distance cutoff, the convention of PDAF and DART
// (whose cutoff is 2c): cutoff / (2·1.82).
func CutoffRadius(cutoff float64) float64 { return cutoff / (2 * gcHalfWidth) }

// check validates l, naming the filter in its errors.
func (l Localization) check(name string) error {
	if !(l.Radius > 0) || math.IsInf(l.Radius, 0) {
		return fmt.Errorf("%s: localisation radius %v, want a finite value > 0", name, l.Radius)
	}
	if l.Taper != TaperGaspariCohn && l.Taper != TaperStep {
		return fmt.Errorf("%s: unknown taper %v", name, l.Taper)
	}
	return nil
}

// Support returns the distance beyond which the taper is zero.
func (l Localization) Support() float64 {
	if l.Taper == TaperGaspariCohn {
		return 2 * gcHalfWidth * l.Radius
	}
	return l.Radius
}

// Coefficient returns the taper at distance d >= 0.
func (l Localization) Coefficient(d float64) float64 {
	switch l.Taper {
	case TaperStep:
		if d <= l.Radius {
			return 1
		}
		return 0
	case TaperGaspariCohn:
		c := gcHalfWidth * l.Radius
		z := d / c
		switch {
		case z <= 1:
			z2 := z * z
			z3 := z2 * z
			return 1 + z2*(-z3/4+z2/2) + z3*(5.0/8) - z2*(5.0/3)
		case z <= 2:
			z2 := z * z
			z3 := z2 * z
			return z2*(z3/12-z2/2) + z3*(5.0/8) + z2*(5.0/3) - z*5 + 4 - (2.0/3)/z
		}
	}
	return 0
}

// Geometry gives the distances between the elements of a state, so that
// an analysis can localise without knowing the carrier's shape. Elements
// are numbered by their flat (row-major) index.
type Geometry interface {
	// Size is the number of state elements.
	Size() int
	// Distance is the distance between elements i and j.
	Distance(i, j int) float64
	// Near calls fn(j, d) for every element j within distance maxDist of
	// element i (d = Distance(i, j) <= maxDist), each once, in increasing
	// j, in time proportional to their number rather than to Size.
	Near(i int, maxDist float64, fn func(j int, d float64))
}

// VecGeometry is the geometry of a vec carrier: element i sits at i, and
// with Periodic the ends join, so the distance is min(|i-j|, N-|i-j|).
type VecGeometry struct {
	N        int
	Periodic bool
}

// Size implements Geometry.
func (g VecGeometry) Size() int { return g.N }

// Distance implements Geometry.
func (g VecGeometry) Distance(i, j int) float64 {
	return float64(axisDistance(i, j, g.N, g.Periodic))
}

// Near implements Geometry.
func (g VecGeometry) Near(i int, maxDist float64, fn func(j int, d float64)) {
	axisNear(i, g.N, g.Periodic, maxDist, func(j, d int) { fn(j, float64(d)) })
}

// GridGeometry is the geometry of a grid carrier of Rows × Cols elements
// in row-major order: element (r, c) sits at (r, c) and the distance is
// Euclidean, each dimension periodic or not as the carrier's boundaries
// say.
type GridGeometry struct {
	Rows, Cols                 int
	PeriodicRows, PeriodicCols bool
}

// Size implements Geometry.
func (g GridGeometry) Size() int { return g.Rows * g.Cols }

// Distance implements Geometry.
func (g GridGeometry) Distance(i, j int) float64 {
	dr := axisDistance(i/g.Cols, j/g.Cols, g.Rows, g.PeriodicRows)
	dc := axisDistance(i%g.Cols, j%g.Cols, g.Cols, g.PeriodicCols)
	return math.Sqrt(float64(dr*dr + dc*dc))
}

// Near implements Geometry. It visits rows in increasing order and, within
// a row, columns in increasing order, which is increasing flat index.
func (g GridGeometry) Near(i int, maxDist float64, fn func(j int, d float64)) {
	r0, c0 := i/g.Cols, i%g.Cols
	axisNear(r0, g.Rows, g.PeriodicRows, maxDist, func(r, dr int) {
		rest := maxDist*maxDist - float64(dr*dr)
		if rest < 0 {
			return
		}
		axisNear(c0, g.Cols, g.PeriodicCols, math.Sqrt(rest), func(c, dc int) {
			d := math.Sqrt(float64(dr*dr + dc*dc))
			if d <= maxDist {
				fn(r*g.Cols+c, d)
			}
		})
	})
}

// axisDistance is the index distance between i and j on an axis of n
// points, the shorter way round when periodic.
func axisDistance(i, j, n int, periodic bool) int {
	d := i - j
	if d < 0 {
		d = -d
	}
	if periodic && n-d < d {
		d = n - d
	}
	return d
}

// axisNear calls fn(j, d) for every j in [0, n) within index distance
// maxDist of i (d its distance), each once, in increasing j.
func axisNear(i, n int, periodic bool, maxDist float64, fn func(j, d int)) {
	if !(maxDist >= 0) {
		return
	}
	k := n // every point is within maxDist >= n
	if maxDist < float64(n) {
		k = int(maxDist)
	}
	lo, hi := i-k, i+k
	if !periodic || hi-lo+1 >= n {
		if periodic {
			for j := 0; j < n; j++ {
				fn(j, axisDistance(i, j, n, true))
			}
			return
		}
		for j := max(lo, 0); j <= min(hi, n-1); j++ {
			fn(j, axisDistance(i, j, n, false))
		}
		return
	}
	// A window [lo, hi] shorter than the axis, wrapped: visit the
	// wrapped-around part at the far end after the rest, in index order.
	switch {
	case lo < 0:
		for j := 0; j <= hi; j++ {
			fn(j, axisDistance(i, j, n, true))
		}
		for j := lo + n; j < n; j++ {
			fn(j, axisDistance(i, j, n, true))
		}
	case hi >= n:
		for j := 0; j <= hi-n; j++ {
			fn(j, axisDistance(i, j, n, true))
		}
		for j := lo; j < n; j++ {
			fn(j, axisDistance(i, j, n, true))
		}
	default:
		for j := lo; j <= hi; j++ {
			fn(j, axisDistance(i, j, n, true))
		}
	}
}

// LocalPairs holds, for each state element, the observations that update
// it and their taper coefficients, and the same pairs by observation: a
// sparse matrix of coefficients > [MinTaperCoefficient] in both row
// orders. Its size is proportional to the number of pairs, never to
// state size × observation count.
type LocalPairs struct {
	// By state element i: the observations ObsOf[StateStart[i]:StateStart[i+1]]
	// (increasing) with coefficients StateCoef over the same range.
	StateStart []int
	ObsOf      []int32
	StateCoef  []float64
	// By observation j: the elements StateOf[ObsStart[j]:ObsStart[j+1]]
	// (increasing) with coefficients ObsCoef over the same range.
	ObsStart []int
	StateOf  []int32
	ObsCoef  []float64
}

// NewLocalPairs finds every (state element, observation) pair of g whose
// taper coefficient under loc exceeds [MinTaperCoefficient]; obsAt[j] is
// the element at which observation j sits.
func NewLocalPairs(g Geometry, loc Localization, obsAt []int) (*LocalPairs, error) {
	if err := loc.check("localisation"); err != nil {
		return nil, err
	}
	n := g.Size()
	if n > math.MaxInt32 || len(obsAt) > math.MaxInt32 {
		return nil, fmt.Errorf("localisation: %d elements and %d observations, want at most %d of each", n, len(obsAt), math.MaxInt32)
	}
	lp := &LocalPairs{StateStart: make([]int, n+1), ObsStart: make([]int, len(obsAt)+1)}
	support := loc.Support()
	for j, e := range obsAt {
		if e < 0 || e >= n {
			return nil, fmt.Errorf("localisation: observation %d sits at element %d, outside the state's %d elements", j, e, n)
		}
		g.Near(e, support, func(i int, d float64) {
			if c := loc.Coefficient(d); c > MinTaperCoefficient {
				lp.StateOf = append(lp.StateOf, int32(i))
				lp.ObsCoef = append(lp.ObsCoef, c)
				lp.StateStart[i+1]++
			}
		})
		lp.ObsStart[j+1] = len(lp.StateOf)
	}
	// Transpose by counting sort: observations visited in increasing j
	// land in increasing order within each element.
	for i := 0; i < n; i++ {
		lp.StateStart[i+1] += lp.StateStart[i]
	}
	lp.ObsOf = make([]int32, len(lp.StateOf))
	lp.StateCoef = make([]float64, len(lp.StateOf))
	next := slices.Clone(lp.StateStart[:n])
	for j := range obsAt {
		for q := lp.ObsStart[j]; q < lp.ObsStart[j+1]; q++ {
			i := lp.StateOf[q]
			lp.ObsOf[next[i]] = int32(j)
			lp.StateCoef[next[i]] = lp.ObsCoef[q]
			next[i]++
		}
	}
	lp.StateOf = slices.Clip(lp.StateOf)
	lp.ObsCoef = slices.Clip(lp.ObsCoef)
	return lp, nil
}

// MaxPerState returns the largest number of observations any element sees.
func (lp *LocalPairs) MaxPerState() int {
	m := 0
	for i := 0; i+1 < len(lp.StateStart); i++ {
		m = max(m, lp.StateStart[i+1]-lp.StateStart[i])
	}
	return m
}

// StridedSites returns the sites start, start+step, … of count
// observations: where the observations of an identity or subsample
// operator sit.
func StridedSites(start, step, count int) []int {
	s := make([]int, max(count, 0))
	for j := range s {
		s[j] = start + j*step
	}
	return s
}
