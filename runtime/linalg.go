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

// syrkRows sets c (m×m, both triangles) to the Gram matrix a a' of the rows
// of the m×k row-major matrix a. Rows are dotted two by two so each loaded
// element feeds two products; at ensemble sizes this is about twice as
// fast as gonum's Dsyrk.
func syrkRows(c, a []float64, m, k int) {
	i := 0
	for ; i+1 < m; i += 2 {
		a0, a1 := a[i*k:(i+1)*k], a[(i+1)*k:(i+2)*k]
		// Diagonal 2×2 block.
		s00, s01, s11 := dot3(a0, a1)
		c[i*m+i], c[i*m+i+1], c[(i+1)*m+i], c[(i+1)*m+i+1] = s00, s01, s01, s11
		j := i + 2
		for ; j+1 < m; j += 2 {
			b0, b1 := a[j*k:(j+1)*k], a[(j+1)*k:(j+2)*k]
			t00, t01, t10, t11 := dot2x2(a0, a1, b0, b1)
			c[i*m+j], c[i*m+j+1], c[(i+1)*m+j], c[(i+1)*m+j+1] = t00, t01, t10, t11
			c[j*m+i], c[(j+1)*m+i], c[j*m+i+1], c[(j+1)*m+i+1] = t00, t01, t10, t11
		}
		if j < m {
			b0 := a[j*k : (j+1)*k]
			t0, t1 := dot2(a0, a1, b0)
			c[i*m+j], c[(i+1)*m+j], c[j*m+i], c[j*m+i+1] = t0, t1, t0, t1
		}
	}
	if i < m { // last odd row: its diagonal element
		a0 := a[i*k : (i+1)*k]
		var s float64
		for _, v := range a0 {
			s += v * v
		}
		c[i*m+i] = s
	}
}

// dot3 returns a0·a0, a0·a1 and a1·a1.
func dot3(a0, a1 []float64) (s00, s01, s11 float64) {
	a1 = a1[:len(a0)]
	for k, x := range a0 {
		y := a1[k]
		s00 += x * x
		s01 += x * y
		s11 += y * y
	}
	return s00, s01, s11
}

// dot2 returns a0·b and a1·b.
func dot2(a0, a1, b []float64) (s0, s1 float64) {
	a1, b = a1[:len(a0)], b[:len(a0)]
	for k, x := range a0 {
		s0 += x * b[k]
		s1 += a1[k] * b[k]
	}
	return s0, s1
}

// dot2x2 returns the four dot products of a0, a1 with b0, b1.
func dot2x2(a0, a1, b0, b1 []float64) (s00, s01, s10, s11 float64) {
	a1, b0, b1 = a1[:len(a0)], b0[:len(a0)], b1[:len(a0)]
	for k, x0 := range a0 {
		x1, y0, y1 := a1[k], b0[k], b1[k]
		s00 += x0 * y0
		s01 += x0 * y1
		s10 += x1 * y0
		s11 += x1 * y1
	}
	return s00, s01, s10, s11
}
