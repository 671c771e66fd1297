// Shared dense linear-algebra helpers over gonum's native BLAS and LAPACK.

package runtime

import (
	"math"

	blasgonum "gonum.org/v1/gonum/blas/gonum"
	lapackgonum "gonum.org/v1/gonum/lapack/gonum"
)

// The gonum implementations are called directly (not through blas64 and
// lapack64 interfaces or mat types) so calls on preallocated buffers do not
// allocate.
var (
	blasImpl blasgonum.Implementation
	lapImpl  lapackgonum.Implementation
)

// mirrorUpper copies the strict upper triangle of the n×n matrix a into its
// lower triangle.
func mirrorUpper(a []float64, n int) {
	for i := 1; i < n; i++ {
		for j := 0; j < i; j++ {
			a[i*n+j] = a[j*n+i]
		}
	}
}

// allFinite reports whether every element of x is finite.
func allFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
