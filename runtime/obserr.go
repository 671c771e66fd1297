// The observation-error covariance R: diagonal or full SPD.

package runtime

import (
	"fmt"
	"math"

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
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			a, b := cov[i*p+j], cov[j*p+i]
			if math.IsNaN(a) || math.IsInf(a, 0) {
				return nil, fmt.Errorf("observation error: element (%d,%d) is %v", i, j, a)
			}
			if j > i && math.Abs(a-b) > 1e-10*math.Max(math.Abs(a), math.Abs(b)) {
				return nil, fmt.Errorf("observation error: not symmetric: (%d,%d) = %v but (%d,%d) = %v", i, j, a, j, i, b)
			}
		}
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
