// Symmetric eigendecomposition with a preallocated workspace.

package runtime

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
)

// symEig computes the eigendecomposition of n×n symmetric matrices with a
// workspace sized once.
type symEig struct {
	n    int
	work []float64
}

// newSymEig allocates the workspace for n×n matrices.
func newSymEig(n int) *symEig {
	q := []float64{0}
	w := make([]float64, n)
	lapImpl.Dsyev(lapack.EVCompute, blas.Upper, n, nil, max(1, n), w, q, -1)
	return &symEig{n: n, work: make([]float64, max(int(q[0]), 3*n-1, 1))}
}

// decompose overwrites the row-major matrix a (upper triangle read) with
// its orthonormal eigenvectors, eigenvector k in column k, and writes the
// eigenvalues in ascending order into w. It reports false if the iteration
// did not converge (as happens for non-finite input).
func (e *symEig) decompose(a, w []float64) bool {
	return lapImpl.Dsyev(lapack.EVCompute, blas.Upper, e.n, a, e.n, w, e.work, len(e.work))
}
