// The observation-error covariance R: diagonal or full SPD.

package runtime

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/blas"
	lapackgonum "gonum.org/v1/gonum/lapack/gonum"
)

// ObsError is an observation-error covariance R of size p×p, either
// diagonal or a full symmetric positive-definite matrix held with its
// Cholesky factor R = L L'. It is immutable after construction and safe for
// concurrent use.
type ObsError struct {
	p    int
	diag bool
	cov  []float64 // p×p row-major R (full form only)
	chol []float64 // p×p row-major lower Cholesky factor L (full form only)
	vars []float64 // diagonal of R
	sd   []float64 // sqrt of the diagonal (diagonal form only)
	isd  []float64 // 1/sd (diagonal form only)
}

// NewDiagObsError returns the diagonal covariance diag(variances). Every
// variance must be finite and > 0.
func NewDiagObsError(variances []float64) (*ObsError, error) {
	p := len(variances)
	if p == 0 {
		return nil, fmt.Errorf("observation error: no variances")
	}
	r := &ObsError{p: p, diag: true, vars: make([]float64, p), sd: make([]float64, p), isd: make([]float64, p)}
	for i, v := range variances {
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("observation error: variance %d is %v, want a finite value > 0", i, v)
		}
		r.vars[i] = v
		r.sd[i] = math.Sqrt(v)
		r.isd[i] = 1 / r.sd[i]
	}
	return r, nil
}

// NewObsError returns the full covariance given row-major as p×p values.
// It must be symmetric (to a relative 1e-10) and positive definite.
func NewObsError(cov []float64, p int) (*ObsError, error) {
	if p <= 0 {
		return nil, fmt.Errorf("observation error: size %d, want > 0", p)
	}
	if len(cov) != p*p {
		return nil, fmt.Errorf("observation error: %d values for a %dx%d covariance, want %d", len(cov), p, p, p*p)
	}
	if err := checkSymmetric(cov, p); err != nil {
		return nil, fmt.Errorf("observation error: %w", err)
	}
	r := &ObsError{p: p, cov: append([]float64(nil), cov...), chol: append([]float64(nil), cov...), vars: make([]float64, p)}
	var impl lapackgonum.Implementation
	if !impl.Dpotrf(blas.Lower, p, r.chol, p) {
		return nil, fmt.Errorf("observation error: covariance is not positive definite (Cholesky failed)")
	}
	for i := 0; i < p; i++ {
		r.vars[i] = cov[i*p+i]
		for j := i + 1; j < p; j++ {
			r.chol[i*p+j] = 0 // keep only L
		}
	}
	return r, nil
}

// Dim returns p, the number of observations R describes.
func (r *ObsError) Dim() int { return r.p }

// Diagonal reports whether R was built diagonal.
func (r *ObsError) Diagonal() bool { return r.diag }

// Variance returns R[i][i].
func (r *ObsError) Variance(i int) float64 { return r.vars[i] }

// Dense writes R row-major into dst (length p*p).
func (r *ObsError) Dense(dst []float64) {
	dst = dst[:r.p*r.p]
	if !r.diag {
		copy(dst, r.cov)
		return
	}
	clear(dst)
	for i, v := range r.vars {
		dst[i*r.p+i] = v
	}
}

// AddNoise adds a draw of N(0, R) to y: y += L z with z standard normal,
// z_j drawn from s in index order. y must have length Dim; it does not
// allocate.
func (r *ObsError) AddNoise(y []float64, s *Stream) {
	p := r.p
	y = y[:p]
	if r.diag {
		for i, sd := range r.sd {
			y[i] += sd * s.Normal()
		}
		return
	}
	// Column by column, so each z_j is used as soon as it is drawn.
	for j := 0; j < p; j++ {
		z := s.Normal()
		for i := j; i < p; i++ {
			y[i] += r.chol[i*p+j] * z
		}
	}
}

// whitenRows replaces each row v of the m×p row-major matrix a by L^-1 v,
// so that the rows' covariance R becomes the identity.
func (r *ObsError) whitenRows(a []float64, m int) {
	p := r.p
	if r.diag {
		for k := 0; k < m; k++ {
			row := a[k*p : (k+1)*p]
			for i, s := range r.isd {
				row[i] *= s
			}
		}
		return
	}
	// Rows v_k satisfy X L' = A, i.e. X = A L^-T.
	blasImpl.Dtrsm(blas.Right, blas.Lower, blas.Trans, blas.NonUnit, m, p, 1, r.chol, p, a, p)
}

// whitenVec replaces v by L^-1 v.
func (r *ObsError) whitenVec(v []float64) {
	if r.diag {
		for i, s := range r.isd {
			v[i] *= s
		}
		return
	}
	blasImpl.Dtrsv(blas.Lower, blas.NoTrans, blas.NonUnit, r.p, r.chol, r.p, v, 1)
}

// addScaledTo adds alpha*R to the upper triangle of the p×p matrix c.
func (r *ObsError) addScaledTo(c []float64, alpha float64) {
	p := r.p
	if r.diag {
		for i, v := range r.vars {
			c[i*p+i] += alpha * v
		}
		return
	}
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			c[i*p+j] += alpha * r.cov[i*p+j]
		}
	}
}

// obsSubset is the set of observations present in one analysis (the rows
// of y that are not NaN) and, for a full R, the Cholesky factor of R
// restricted to them, R[idx, idx] = L_o L_o'. The factor is recomputed
// only when the set changes. Buffers are sized for all p rows when it is
// made, so no call allocates. It belongs to one filter.
type obsSubset struct {
	idx   []int     // present rows, increasing (capacity p)
	key   []int     // the rows chol was computed for (capacity p)
	valid bool      // chol holds the factor of R[key, key]
	chol  []float64 // m×m lower factor L_o, row-major, stride m (full R only)
}

// newObsSubset allocates a subset for the observations of r.
func newObsSubset(r *ObsError) *obsSubset {
	s := &obsSubset{idx: make([]int, 0, r.p), key: make([]int, 0, r.p)}
	if !r.diag {
		s.chol = make([]float64, r.p*r.p)
	}
	return s
}

// find sets the subset to the rows of y that are not NaN and returns
// their number.
func (s *obsSubset) find(y []float64) int {
	s.idx = s.idx[:0]
	for i, v := range y {
		if v == v {
			s.idx = append(s.idx, i)
		}
	}
	return len(s.idx)
}

// present prepares the analysis of y for a filter that drops its missing
// values: it returns how many values are present, [ErrNoObservations]
// when none is, and errSubsetR when R restricted to them is not positive
// definite. With values missing, s then holds the present rows and R's
// factor over them; with none missing, s is left as it was.
func (s *obsSubset) present(y []float64, r *ObsError) (int, error) {
	m := 0
	for _, v := range y {
		if v == v {
			m++
		}
	}
	switch {
	case m == 0:
		return 0, ErrNoObservations
	case m < len(y):
		s.find(y)
		if !s.factor(r) {
			return m, errSubsetR
		}
	}
	return m, nil
}

// factor makes s.chol the Cholesky factor of R[idx, idx], reusing the
// last one when the rows have not changed. It reports false if the
// sub-matrix is not numerically positive definite.
func (s *obsSubset) factor(r *ObsError) bool {
	if r.diag {
		return true
	}
	if s.valid && slices.Equal(s.idx, s.key) {
		return true
	}
	p, m := r.p, len(s.idx)
	c := s.chol[:m*m]
	for a, i := range s.idx {
		for b, j := range s.idx {
			if b > a {
				c[a*m+b] = 0 // keep only L
			} else {
				c[a*m+b] = r.cov[i*p+j]
			}
		}
	}
	s.key = append(s.key[:0], s.idx...)
	s.valid = lapImpl.Dpotrf(blas.Lower, m, c, m)
	return s.valid
}

// whitenRowsSub replaces each row v of the rows×m matrix a (stride m),
// whose columns are the rows s.idx of the observation, by L_o^-1 v.
// s.factor must have succeeded.
func (r *ObsError) whitenRowsSub(a []float64, rows int, s *obsSubset) {
	m := len(s.idx)
	if r.diag {
		for k := 0; k < rows; k++ {
			row := a[k*m : (k+1)*m]
			for j, i := range s.idx {
				row[j] *= r.isd[i]
			}
		}
		return
	}
	blasImpl.Dtrsm(blas.Right, blas.Lower, blas.Trans, blas.NonUnit, rows, m, 1, s.chol, m, a, m)
}

// whitenVecSub replaces v (length m, the rows s.idx) by L_o^-1 v.
func (r *ObsError) whitenVecSub(v []float64, s *obsSubset) {
	m := len(s.idx)
	if r.diag {
		for j, i := range s.idx {
			v[j] *= r.isd[i]
		}
		return
	}
	blasImpl.Dtrsv(blas.Lower, blas.NoTrans, blas.NonUnit, m, s.chol, m, v[:m], 1)
}

// addNoiseSub adds a draw of N(0, R[idx, idx]) to y (length m), drawing
// as [ObsError.AddNoise] does for an ObsError of that sub-matrix, so the
// draw equals the one of the reduced problem.
func (r *ObsError) addNoiseSub(y []float64, st *Stream, s *obsSubset) {
	m := len(s.idx)
	y = y[:m]
	if r.diag {
		for j, i := range s.idx {
			y[j] += r.sd[i] * st.Normal()
		}
		return
	}
	for j := 0; j < m; j++ {
		z := st.Normal()
		for i := j; i < m; i++ {
			y[i] += s.chol[i*m+j] * z
		}
	}
}

// addScaledToSub adds alpha*R[idx, idx] to the upper triangle of the m×m
// matrix c.
func (r *ObsError) addScaledToSub(c []float64, alpha float64, s *obsSubset) {
	p, m := r.p, len(s.idx)
	if r.diag {
		for j, i := range s.idx {
			c[j*m+j] += alpha * r.vars[i]
		}
		return
	}
	for a, i := range s.idx {
		for b := a; b < m; b++ {
			c[a*m+b] += alpha * r.cov[i*p+s.idx[b]]
		}
	}
}

// packColumns moves the columns idx of the rows×p matrix a, in place, to
// the front as a rows×len(idx) matrix with stride len(idx). Each element
// moves to an index no larger than its own, in increasing order, so
// nothing is overwritten before it is read.
func packColumns(a []float64, rows, p int, idx []int) {
	m := len(idx)
	for k := 0; k < rows; k++ {
		src, dst := a[k*p:(k+1)*p], a[k*m:(k+1)*m]
		for j, i := range idx {
			dst[j] = src[i]
		}
	}
}

// unpackColumns undoes packColumns in place, setting the columns not in
// idx to zero: it moves elements back from the end, each to an index no
// smaller than its own, then clears the gaps.
func unpackColumns(a []float64, rows, p int, idx []int) {
	m := len(idx)
	for k := rows - 1; k >= 0; k-- {
		for j := m - 1; j >= 0; j-- {
			a[k*p+idx[j]] = a[k*m+j]
		}
	}
	for k := 0; k < rows; k++ {
		row := a[k*p : (k+1)*p]
		prev := 0
		for _, i := range idx {
			clear(row[prev:i])
			prev = i + 1
		}
		clear(row[prev:])
	}
}
