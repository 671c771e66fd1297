// The observation terms of the 4D-Var cost: one observation time of the
// window, whitened by the Cholesky factor of R (and its transpose, for
// the adjoint) over the values present.

package runtime

import "gonum.org/v1/gonum/blas"

// windowObs is the observation at one time of a 4D-Var window with its
// whitened innovation and the workspace of the tangent and adjoint
// sweeps. Vectors have the full observation length p; the rows of
// missing values hold zeros after every whitening, so they add nothing to
// the cost, its gradient or the Hessian.
type windowObs struct {
	step    int        // model steps after the window start
	y       []float64  // the observation (referenced during Analyze; nil for none)
	present int        // values of y that are not NaN
	sub     *obsSubset // the rows present and R's factor over them
	hx      []float64  // H(x) at this time
	d       []float64  // whitened innovation L^-1 (y - H(x))
	w       []float64  // whitened tangent image, then the adjoint's source
}

// newWindowObs allocates the workspace for an observation at step.
func newWindowObs(step int, r *ObsError) *windowObs {
	p := r.Dim()
	return &windowObs{step: step, sub: newObsSubset(r),
		hx: make([]float64, p), d: make([]float64, p), w: make([]float64, p)}
}

// set references y (nil: no observation at this time) and finds the
// values present. It reports false when R restricted to them is not
// numerically positive definite.
func (o *windowObs) set(y []float64, r *ObsError) bool {
	o.y = y
	o.present = 0
	if y == nil {
		return true
	}
	o.present = o.sub.find(y)
	if o.present == 0 || o.present == len(y) {
		return true
	}
	return o.sub.factor(r)
}

// missing reports whether some but not all values are missing.
func (o *windowObs) missing() bool { return o.present > 0 && o.present < len(o.y) }

// whiten replaces v by L^-1 v over the values present (L the Cholesky
// factor of R, or of R restricted to them) and zeros the missing rows.
func (o *windowObs) whiten(v []float64, r *ObsError) {
	if !o.missing() {
		r.whitenVec(v)
		return
	}
	idx := o.sub.idx
	packColumns(v, 1, len(v), idx)
	r.whitenVecSub(v, o.sub)
	unpackColumns(v, 1, len(v), idx)
}

// whitenT replaces v by L^-T v over the values present and zeros the
// missing rows: the adjoint of whiten.
func (o *windowObs) whitenT(v []float64, r *ObsError) {
	p := r.p
	if !o.missing() {
		if r.diag {
			for i, s := range r.isd {
				v[i] *= s
			}
			return
		}
		blasImpl.Dtrsv(blas.Lower, blas.Trans, blas.NonUnit, p, r.chol, p, v, 1)
		return
	}
	idx := o.sub.idx
	m := len(idx)
	packColumns(v, 1, p, idx)
	if r.diag {
		for j, i := range idx {
			v[j] *= r.isd[i]
		}
	} else {
		blasImpl.Dtrsv(blas.Lower, blas.Trans, blas.NonUnit, m, o.sub.chol, m, v[:m], 1)
	}
	unpackColumns(v, 1, p, idx)
}

// innovation sets d = L^-1 (y - H(x)) from o.hx = H(x), zero in the
// missing rows, and returns ½|d|².
func (o *windowObs) innovation(r *ObsError) float64 {
	for i, yi := range o.y {
		if yi == yi {
			o.d[i] = yi - o.hx[i]
		} else {
			o.d[i] = 0
		}
	}
	o.whiten(o.d, r)
	var ss float64
	for _, v := range o.d {
		ss += v * v
	}
	return 0.5 * ss
}
