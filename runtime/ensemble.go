// Ensemble storage: members held contiguously, one row per member.

package runtime

import (
	"fmt"
	"math"
)

// Ensemble holds Members state vectors of length Dim contiguously: member k
// is Data[k*Dim:(k+1)*Dim]. Generated code views a member as a fixed-size
// array, (*[40]float64)(e.Member(k)), so the layout is part of the API.
type Ensemble struct {
	Members, Dim int
	Data         []float64
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

// Mean writes the ensemble mean into dst[:Dim]. dst must have length at
// least Dim.
func (e *Ensemble) Mean(dst []float64) {
	ensembleMean(dst[:e.Dim], e.Data, e.Members, e.Dim)
}

// Spread returns sqrt(mean_i var_i), the square root of the mean over
// state elements of the unbiased (N-1) ensemble variance (DAPPER's "rmv").
// It is NaN for fewer than two members.
func (e *Ensemble) Spread() float64 {
	n, d := e.Members, e.Dim
	if n < 2 || d == 0 {
		return math.NaN()
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
// spread as [Ensemble.Spread] defines it, in two contiguous passes.
func (e *Ensemble) MeanSpread(dst []float64) float64 {
	n, d := e.Members, e.Dim
	dst = dst[:d]
	ensembleMean(dst, e.Data, n, d)
	if n < 2 || d == 0 {
		return math.NaN()
	}
	var ss float64
	for k := 0; k < n; k++ {
		row := e.Data[k*d : (k+1)*d]
		for i, m := range dst {
			v := row[i] - m
			ss += v * v
		}
	}
	return math.Sqrt(ss / float64(n-1) / float64(d))
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
	}
	return nil
}

// ensembleMean writes the mean of the n rows of the n×d row-major matrix x
// into dst (length d), accumulating whole rows so memory is read in order.
func ensembleMean(dst, x []float64, n, d int) {
	clear(dst)
	for k := 0; k < n; k++ {
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
