// Element-wise ensemble statistics for history records (added for the
// code generator; see codegen/).

package runtime

import "math"

// ElementMeanSpread writes the ensemble mean into mean[:Dim] and the
// element-wise spread, sqrt of the unbiased (N-1) variance of each state
// element, into spread[:Dim]: the Mean and Spread of a history [Record].
// When e.Weights is set both are weighted: the mean Σ_k w_k x_k and the
// unbiased weighted variance (see [Ensemble]). With fewer than two
// members the spreads are NaN. It reads the members row by row and
// allocates nothing.
func ElementMeanSpread(e *Ensemble, mean, spread []float64) {
	n, d := e.Members, e.Dim
	mean, spread = mean[:d], spread[:d]
	if e.Weights != nil {
		weightedElementMeanSpread(e, mean, spread)
		return
	}
	ensembleMean(mean, e.Data, n, d)
	clear(spread)
	for k := 0; k < n; k++ {
		row := e.Data[k*d : (k+1)*d]
		for i, m := range mean {
			v := row[i] - m
			spread[i] += v * v
		}
	}
	if n < 2 {
		for i := range spread {
			spread[i] = math.NaN()
		}
		return
	}
	inv := 1 / float64(n-1)
	for i, ss := range spread {
		spread[i] = math.Sqrt(ss * inv)
	}
}

// weightedElementMeanSpread is ElementMeanSpread for a weighted ensemble.
func weightedElementMeanSpread(e *Ensemble, mean, spread []float64) {
	n, d := e.Members, e.Dim
	if !weightedMean(mean, e.Data, e.Weights, n, d) || n < 2 {
		for i := range spread {
			spread[i] = math.NaN()
		}
		return
	}
	clear(spread)
	for k, w := range e.Weights {
		row := e.Data[k*d : (k+1)*d]
		for i, m := range mean {
			v := row[i] - m
			spread[i] += w * v * v
		}
	}
	ub := weightedUnbias(e.Weights)
	for i, ss := range spread {
		spread[i] = math.Sqrt(ss * ub)
	}
}
