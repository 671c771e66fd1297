// Resampling schemes of the particle filter: systematic, residual and
// multinomial, each drawing N copies with expected count N·w_k.

package runtime

import "fmt"

// Resampling names a particle filter's resampling scheme. All three are
// unbiased: particle k gets N·w_k copies on average, and the copies always
// total N. They differ in the variance of the counts.
type Resampling int

const (
	// ResampleSystematic (the default) draws one uniform u and takes the
	// particles at the N evenly spaced points (u + j)/N, j = 0…N-1, of the
	// cumulative weights ("stochastic universal" sampling). Particle k
	// gets ⌊N·w_k⌋ or ⌈N·w_k⌉ copies: the least noise of the three.
	ResampleSystematic Resampling = iota
	// ResampleResidual gives particle k ⌊N·w_k⌋ copies, then draws the
	// remaining copies multinomially from the fractional parts.
	ResampleResidual
	// ResampleMultinomial draws the N copies independently from the
	// weights.
	ResampleMultinomial
)

// String returns the scheme's name in the .cyc language: systematic,
// residual or multinomial.
func (r Resampling) String() string {
	switch r {
	case ResampleSystematic:
		return "systematic"
	case ResampleResidual:
		return "residual"
	case ResampleMultinomial:
		return "multinomial"
	}
	return fmt.Sprintf("Resampling(%d)", int(r))
}

// valid reports whether r is one of the defined schemes.
func (r Resampling) valid() bool {
	return r == ResampleSystematic || r == ResampleResidual || r == ResampleMultinomial
}

// resampleCounts sets counts[k] to the number of copies of particle k
// that scheme r draws from the weights w (non-negative, summing to 1,
// not all zero), so that the counts total len(w). cdf (len(w)) is
// scratch; st supplies the uniforms: one for systematic, one per
// multinomially drawn copy otherwise. A particle of weight zero never
// gets a copy. It does not allocate.
func resampleCounts(r Resampling, w []float64, counts []int, cdf []float64, st *Stream) {
	N := len(w)
	clear(counts)
	switch r {
	case ResampleResidual:
		left := N
		for k, v := range w {
			c := int(float64(N) * v) // floor: v >= 0
			counts[k] = c
			left -= c
		}
		if left <= 0 {
			return // every copy placed (N·w integers); cannot be negative but for rounding
		}
		var total float64
		last := 0 // the last particle with a fractional part
		for k, v := range w {
			if f := float64(N)*v - float64(counts[k]); f > 0 {
				total += f
				last = k
			}
			cdf[k] = total
		}
		if !(total > 0) {
			// Rounding left copies but no fraction to draw them by:
			// give them to the heaviest particle.
			counts[heaviest(w)] += left
			return
		}
		for range left {
			counts[searchCDF(cdf, last, st.Uniform()*total)]++
		}
	case ResampleMultinomial:
		total, last := cumulative(cdf, w)
		for range N {
			counts[searchCDF(cdf, last, st.Uniform()*total)]++
		}
	default: // ResampleSystematic
		total, last := cumulative(cdf, w)
		u := st.Uniform()
		step := total / float64(N)
		k := 0
		for j := range N {
			t := (u + float64(j)) * step
			for k < last && cdf[k] <= t {
				k++
			}
			counts[k]++
		}
	}
}

// cumulative writes the running sums of w into cdf and returns the total
// and the index of the last particle of positive weight.
func cumulative(cdf, w []float64) (total float64, last int) {
	for k, v := range w {
		total += v
		cdf[k] = total
	}
	return total, lastPositive(w)
}

// searchCDF returns the smallest k <= last with cdf[k] > t, or last if
// there is none (t at the total, by rounding). cdf is non-decreasing; a
// particle of weight zero has cdf[k] = cdf[k-1], so it is never chosen.
func searchCDF(cdf []float64, last int, t float64) int {
	lo, hi := 0, last
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if cdf[mid] > t {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// lastPositive returns the index of the last positive weight (0 if none).
func lastPositive(w []float64) int {
	for k := len(w) - 1; k > 0; k-- {
		if w[k] > 0 {
			return k
		}
	}
	return 0
}

// heaviest returns the index of the largest weight.
func heaviest(w []float64) int {
	best := 0
	for k, v := range w {
		if v > w[best] {
			best = k
		}
	}
	return best
}
