// Ensemble storage: members held contiguously, one row per member.

package runtime

import (
	"fmt"
	"math"
)

// Ensemble holds Members state vectors of length Dim contiguously: member k
// is Data[k*Dim:(k+1)*Dim]. Generated code views a member as a fixed-size
// array, (*[40]float64)(e.Member(k)), so the layout is part of the API.
//
// Weights, when not nil, are importance weights of the members (a
// particle filter's): Members non-negative values summing to 1, member k
// standing for probability Weights[k]. Nil means equal weights. The
// statistics (Mean, Spread, MeanSpread, [ElementMeanSpread]) are then the
// weighted ones: mean Σ_k w_k x_k and, per element, the unbiased weighted
// variance Σ_k w_k (x_k - mean)² / (1 - Σ_k w_k²), which is the N-1
// variance for equal weights (DAPPER's convention; as DAPPER does, the
// factor 1/(1 - Σ w²) is dropped when one weight holds all but 1e-10 of
// the mass, so a collapsed particle set has spread 0, not 0/0). With a
// Weights slice of the wrong length the statistics are NaN.
type Ensemble struct {
	Members, Dim int
	Data         []float64
	Weights      []float64
}

// NewEnsemble allocates a zero ensemble of the given size. Non-positive
// sizes give an empty ensemble, which every analysis rejects with an error.
func NewEnsemble(members, dim int) *Ensemble {
	if members <= 0 || dim <= 0 {
		return &Ensemble{}
	}
	return &Ensemble{Members: members, Dim: dim, Data: make([]float64, members*dim)}
}

// Member returns member k as a view of length Dim into Data: writing to it
// writes the ensemble. k must be in [0, Members).
func (e *Ensemble) Member(k int) []float64 {
	return e.Data[k*e.Dim : (k+1)*e.Dim : (k+1)*e.Dim]
}

// Mean writes the ensemble mean (weighted when Weights is set) into
// dst[:Dim]. dst must have length at least Dim.
func (e *Ensemble) Mean(dst []float64) {
	if e.Weights != nil {
		weightedMean(dst[:e.Dim], e.Data, e.Weights, e.Members, e.Dim)
		return
	}
	ensembleMean(dst[:e.Dim], e.Data, e.Members, e.Dim)
}

// Spread returns sqrt(mean_i var_i), the square root of the mean over
// state elements of the unbiased (N-1) ensemble variance (DAPPER's "rmv"),
// or of the unbiased weighted variance when Weights is set (see
// [Ensemble]). It is NaN for fewer than two members.
func (e *Ensemble) Spread() float64 {
	n, d := e.Members, e.Dim
	if n < 2 || d == 0 {
		return math.NaN()
	}
	if e.Weights != nil {
		return e.weightedSpread()
	}
	var ss float64
	for i := 0; i < d; i++ {
		var m float64
		for k := 0; k < n; k++ {
			m += e.Data[k*d+i]
		}
		m /= float64(n)
		for k := 0; k < n; k++ {
			v := e.Data[k*d+i] - m
			ss += v * v
		}
	}
	return math.Sqrt(ss / float64(n-1) / float64(d))
}

// MeanSpread writes the ensemble mean into dst[:Dim] and returns the
// spread as [Ensemble.Spread] defines it, in two contiguous passes. Both
// are weighted when Weights is set.
func (e *Ensemble) MeanSpread(dst []float64) float64 {
	n, d := e.Members, e.Dim
	dst = dst[:d]
	if e.Weights != nil {
		if !weightedMean(dst, e.Data, e.Weights, n, d) {
			return math.NaN()
		}
		if n < 2 || d == 0 {
			return math.NaN()
		}
		var ss float64
		for k, w := range e.Weights {
			row := e.Data[k*d : (k+1)*d]
			var sk float64
			for i, m := range dst {
				v := row[i] - m
				sk += v * v
			}
			ss += w * sk
		}
		return math.Sqrt(ss * weightedUnbias(e.Weights) / float64(d))
	}
	ensembleMean(dst, e.Data, n, d)
	if n < 2 || d == 0 {
		return math.NaN()
	}
	return math.Sqrt(sumSquaredDeviations(e.Data, dst, n, d) / float64(n-1) / float64(d))
}

// check reports whether e is a well-formed ensemble of the given shape.
func (e *Ensemble) check(what string, members, dim int) error {
	switch {
	case e == nil:
		return fmt.Errorf("%s ensemble is nil", what)
	case e.Members != members || e.Dim != dim:
		return fmt.Errorf("%s ensemble has %d members of dimension %d, want %d of dimension %d",
			what, e.Members, e.Dim, members, dim)
	case len(e.Data) != members*dim:
		return fmt.Errorf("%s ensemble has %d values, want %d members × %d = %d",
			what, len(e.Data), members, dim, members*dim)
	case e.Weights != nil && len(e.Weights) != members:
		return fmt.Errorf("%s ensemble has %d weights for %d members", what, len(e.Weights), members)
	}
	return nil
}

// weightedSpread is Spread for a weighted ensemble (Members >= 2, Dim >= 1).
func (e *Ensemble) weightedSpread() float64 {
	n, d, w := e.Members, e.Dim, e.Weights
	if len(w) != n {
		return math.NaN()
	}
	var ss float64
	for i := 0; i < d; i++ {
		var m float64
		for k, wk := range w {
			m += wk * e.Data[k*d+i]
		}
		for k, wk := range w {
			v := e.Data[k*d+i] - m
			ss += wk * v * v
		}
	}
	return math.Sqrt(ss * weightedUnbias(w) / float64(d))
}

// weightedMean writes Σ_k w_k x_k, the weighted mean of the n rows of the
// n×d row-major matrix x, into dst (length d). It reports false, leaving
// dst NaN, when w does not have n values.
func weightedMean(dst, x, w []float64, n, d int) bool {
	if len(w) != n {
		for i := range dst {
			dst[i] = math.NaN()
		}
		return false
	}
	clear(dst)
	for k, wk := range w {
		row := x[k*d : (k+1)*d]
		for i, v := range row {
			dst[i] += wk * v
		}
	}
	return true
}

// weightedUnbias returns 1/(1 - Σ w²), the factor that makes the weighted
// variance Σ w_k (x_k - mean)² unbiased (N/(N-1) for equal weights), or 1
// when the largest weight is within 1e-10 of 1: a collapsed weighting,
// where the factor would blow up (DAPPER's avoid_pathological).
func weightedUnbias(w []float64) float64 {
	var s2, wmax float64
	for _, v := range w {
		s2 += v * v
		wmax = max(wmax, v)
	}
	if 1-wmax < 1e-10 {
		return 1
	}
	return 1 / (1 - s2)
}

// ensembleMean writes the mean of the n rows of the n×d row-major matrix x
// into dst (length d). Each element is summed over the rows in order from
// zero; four rows are added per pass over dst, so that dst is loaded and
// stored a quarter as often as one row at a time would, with the same bits.
func ensembleMean(dst, x []float64, n, d int) {
	clear(dst)
	k := 0
	for ; k+4 <= n; k += 4 {
		r0 := x[k*d : (k+1)*d]
		r1 := x[(k+1)*d : (k+2)*d]
		r2 := x[(k+2)*d : (k+3)*d]
		r3 := x[(k+3)*d : (k+4)*d]
		for i := range dst {
			s := dst[i] + r0[i]
			s += r1[i]
			s += r2[i]
			dst[i] = s + r3[i]
		}
	}
	for ; k < n; k++ {
		row := x[k*d : (k+1)*d]
		for i, v := range row {
			dst[i] += v
		}
	}
	if n > 0 {
		inv := 1 / float64(n)
		for i := range dst {
			dst[i] *= inv
		}
	}
}

// sumSquaredDeviations returns the sum over the n rows of the n×d
// row-major matrix x and the d elements of (x_ki − mean_i)². It keeps four
// partial sums, over the elements i ≡ 0, 1, 2, 3 (mod 4), each added to in
// row order, and adds them pairwise at the end: one running sum would make
// every addition wait for the one before (n·d additions in a chain), four
// let them overlap. The order is fixed by n and d alone.
func sumSquaredDeviations(x, mean []float64, n, d int) float64 {
	var s0, s1, s2, s3 float64
	for k := 0; k < n; k++ {
		row := x[k*d : (k+1)*d]
		row = row[:len(mean)]
		i := 0
		for ; i+4 <= len(row); i += 4 {
			v0 := row[i] - mean[i]
			v1 := row[i+1] - mean[i+1]
			v2 := row[i+2] - mean[i+2]
			v3 := row[i+3] - mean[i+3]
			s0 += v0 * v0
			s1 += v1 * v1
			s2 += v2 * v2
			s3 += v3 * v3
		}
		if i < len(row) { // the last one to three elements: lanes 0, 1, 2
			v := row[i] - mean[i]
			s0 += v * v
			if i+1 < len(row) {
				v = row[i+1] - mean[i+1]
				s1 += v * v
			}
			if i+2 < len(row) {
				v = row[i+2] - mean[i+2]
				s2 += v * v
			}
		}
	}
	return (s0 + s1) + (s2 + s3)
}

// anomalies writes the rows of x minus mean into a (both n×d row-major)
// after computing mean, the row mean of x.
func anomalies(a, mean, x []float64, n, d int) {
	ensembleMean(mean, x, n, d)
	for k := 0; k < n; k++ {
		row := x[k*d : (k+1)*d]
		out := a[k*d : (k+1)*d]
		for i, m := range mean {
			out[i] = row[i] - m
		}
	}
}
