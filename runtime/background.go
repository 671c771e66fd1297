// The static background-error covariance B of the variational analyses
// and of optimal interpolation: diagonal or full SPD, with its square root.

package runtime

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	lapackgonum "gonum.org/v1/gonum/lapack/gonum"
)

// Background is a background-error covariance B of size n×n, diagonal or
// full symmetric positive definite, held with a square root B = L Lᵀ (the
// Cholesky factor; the element-wise square root when diagonal). It is
// immutable after construction and safe for concurrent use.
type Background struct {
	n    int
	diag bool
	cov  []float64 // n×n row-major B (full form only)
	chol []float64 // n×n row-major lower factor L (full form only)
	vars []float64 // diagonal of B
	sd   []float64 // sqrt of the diagonal (diagonal form only)
}

// NewDiagBackground returns B = diag(variances) × scale. Every scaled
// variance must be finite and > 0.
func NewDiagBackground(variances []float64, scale float64) (*Background, error) {
	n := len(variances)
	if n == 0 {
		return nil, fmt.Errorf("background covariance: no variances")
	}
	if !(scale > 0) || math.IsInf(scale, 0) {
		return nil, fmt.Errorf("background covariance: scale %v, want a finite value > 0", scale)
	}
	b := &Background{n: n, diag: true, vars: make([]float64, n), sd: make([]float64, n)}
	for i, v := range variances {
		v *= scale
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("background covariance: variance %d is %v, want a finite value > 0", i, v)
		}
		b.vars[i], b.sd[i] = v, math.Sqrt(v)
	}
	return b, nil
}

// NewBackground returns B = cov × scale, cov given row-major as n×n
// values. It must be symmetric (to a relative 1e-10) and positive
// definite; the error says which element or that the factorisation
// failed.
func NewBackground(cov []float64, n int, scale float64) (*Background, error) {
	if n <= 0 {
		return nil, fmt.Errorf("background covariance: size %d, want > 0", n)
	}
	if len(cov) != n*n {
		return nil, fmt.Errorf("background covariance: %d values for a %dx%d matrix, want %d", len(cov), n, n, n*n)
	}
	if !(scale > 0) || math.IsInf(scale, 0) {
		return nil, fmt.Errorf("background covariance: scale %v, want a finite value > 0", scale)
	}
	if err := checkSymmetric(cov, n); err != nil {
		return nil, fmt.Errorf("background covariance: %w", err)
	}
	b := &Background{n: n, cov: make([]float64, n*n), vars: make([]float64, n)}
	for i, v := range cov {
		b.cov[i] = v * scale
	}
	b.chol = append([]float64(nil), b.cov...)
	var impl lapackgonum.Implementation
	if !impl.Dpotrf(blas.Lower, n, b.chol, n) {
		return nil, fmt.Errorf("background covariance: not positive definite (Cholesky failed)")
	}
	for i := 0; i < n; i++ {
		b.vars[i] = b.cov[i*n+i]
		for j := i + 1; j < n; j++ {
			b.chol[i*n+j] = 0 // keep only L
		}
	}
	return b, nil
}

// checkSymmetric reports the first element that is not finite or breaks
// symmetry by more than a relative 1e-10.
func checkSymmetric(a []float64, n int) error {
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			x, y := a[i*n+j], a[j*n+i]
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("element (%d,%d) is %v", i, j, x)
			}
			if j > i && math.Abs(x-y) > 1e-10*math.Max(math.Abs(x), math.Abs(y)) {
				return fmt.Errorf("not symmetric: (%d,%d) = %v but (%d,%d) = %v", i, j, x, j, i, y)
			}
		}
	}
	return nil
}

// Dim returns n.
func (b *Background) Dim() int { return b.n }

// Diagonal reports whether B was built diagonal.
func (b *Background) Diagonal() bool { return b.diag }

// Variance returns B[i][i].
func (b *Background) Variance(i int) float64 { return b.vars[i] }

// Dense writes B row-major into dst (length n*n).
func (b *Background) Dense(dst []float64) {
	dst = dst[:b.n*b.n]
	if !b.diag {
		copy(dst, b.cov)
		return
	}
	clear(dst)
	for i, v := range b.vars {
		dst[i*b.n+i] = v
	}
}

// SqrtMul writes L v into dst (both length n, distinct).
func (b *Background) SqrtMul(dst, v []float64) {
	n := b.n
	dst, v = dst[:n], v[:n]
	if b.diag {
		for i, s := range b.sd {
			dst[i] = s * v[i]
		}
		return
	}
	for i := 0; i < n; i++ {
		row := b.chol[i*n : i*n+i+1]
		s := 0.0
		for j, l := range row {
			s += l * v[j]
		}
		dst[i] = s
	}
}

// SqrtTMul writes Lᵀ v into dst (both length n, distinct).
func (b *Background) SqrtTMul(dst, v []float64) {
	n := b.n
	dst, v = dst[:n], v[:n]
	if b.diag {
		for i, s := range b.sd {
			dst[i] = s * v[i]
		}
		return
	}
	clear(dst)
	for i := 0; i < n; i++ {
		row := b.chol[i*n : i*n+i+1]
		vi := v[i]
		for j, l := range row {
			dst[j] += l * vi
		}
	}
}
