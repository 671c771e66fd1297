// Shared dense linear-algebra helpers over gonum's native BLAS and LAPACK.

package runtime

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
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

// zolotarev is Zolotarev's best relative rational approximation of 1/√x
// on [1, b], of type (n, n), in partial fractions:
//
//	r(x) = d0 (1 + Σ_l beta[l] / (x + pole[l])),  l < n,
//
// with relative error below about 1e-15 on [1, b]. Its zeros and poles
// are c_j = sn²(jK/(2n+1)) / cn²(jK/(2n+1)), j = 1..2n, with Jacobi's
// functions of parameter m = 1 - 1/b and K = K(m) (Chiu et al. 2002,
// hep-lat/0206007); the poles are -c_1, -c_3, …, the zeros -c_2, -c_4, ….
// The error decreases as q^(2n+1), q = exp(-πK(1-m)/K(m)), which fixes n.
type zolotarev struct {
	n          int
	b          float64 // the b of the current coefficients
	d0         float64
	beta, pole []float64 // n, up to the capacity given to newZolotarev
	c          []float64 // 2n+1 scratch
}

// newZolotarev allocates room for up to maxPoles poles.
func newZolotarev(maxPoles int) *zolotarev {
	return &zolotarev{beta: make([]float64, maxPoles), pole: make([]float64, maxPoles), c: make([]float64, 2*maxPoles+1)}
}

// set computes the approximation on [1, b'], b' >= b being b rounded up
// to the grid 2^(k/32), so that nearby calls reuse the coefficients (they
// depend on b' only). It reports false if b is not finite or needs more
// poles than the capacity.
func (z *zolotarev) set(b float64) bool {
	if math.IsNaN(b) || math.IsInf(b, 0) || b > 0x1p60 {
		return false
	}
	if b > 1 {
		b = math.Exp2(math.Ceil(32*math.Log2(b)) / 32)
	} else {
		b = 1
	}
	if b == z.b && z.n > 0 {
		return true
	}
	z.n, z.b = 0, b
	m := 0.0
	if b > 1 {
		m = 1 - 1/b
	}
	K, Kc := ellipticK(m), ellipticK(1-m)
	q := math.Exp(-math.Pi * Kc / K)
	n := 1
	if q > 0 {
		// 8 q^(2n+1) <= 1e-16.
		n = max(1, int(math.Ceil((math.Log(1e-16/8)/math.Log(q)-1)/2)))
	}
	if n > len(z.beta) {
		return false
	}
	z.n = n
	// Arithmetic-geometric mean sequence of m, for sn and cn (Abramowitz
	// and Stegun 16.4).
	var as, cs [64]float64
	as[0], cs[0] = 1, math.Sqrt(m)
	g := math.Sqrt(1 - m)
	steps := 0
	for steps < len(as)-1 && cs[steps] > 0x1p-60*as[steps] {
		a := as[steps]
		as[steps+1], cs[steps+1] = (a+g)/2, (a-g)/2
		g = math.Sqrt(a * g)
		steps++
	}
	c := z.c[:2*n+1]
	for j := 1; j <= 2*n; j++ {
		u := float64(j) * K / float64(2*n+1)
		phi := math.Ldexp(as[steps]*u, steps)
		for i := steps; i > 0; i-- {
			phi = (phi + math.Asin(cs[i]/as[i]*math.Sin(phi))) / 2
		}
		t := math.Tan(phi)
		c[j] = t * t
	}
	p1 := 1.0
	for l := 1; l <= n; l++ {
		p1 *= (1 + c[2*l]) / (1 + c[2*l-1])
	}
	z.d0 = 1 / p1
	for l := 1; l <= n; l++ {
		pl := c[2*l-1]
		beta := 1.0
		for k := 1; k <= n; k++ {
			beta *= c[2*k] - pl
			if k != l {
				beta /= c[2*k-1] - pl
			}
		}
		z.beta[l-1], z.pole[l-1] = beta, pl
	}
	return true
}

// ellipticK returns the complete elliptic integral of the first kind of
// parameter m in [0, 1] by the arithmetic-geometric mean (+Inf at m = 1).
func ellipticK(m float64) float64 {
	a, g := 1.0, math.Sqrt(1-m)
	if g == 0 {
		return math.Inf(1)
	}
	for i := 0; i < 64 && a-g > 0x1p-53*a; i++ {
		a, g = (a+g)/2, math.Sqrt(a*g)
	}
	return math.Pi / (2 * a)
}

// gemmRows and gemmCols bound the slab of C that gemm hands gonum in one
// call: 3 × 1 blocks of 64, below gonum's threshold for sharing a product
// out over goroutines (4 blocks), which allocates on every call.
const (
	gemmRows = 192
	gemmCols = 64
)

// gemm is gonum's Dgemm, C = alpha op(A) op(B) + beta C with row-major
// A, B and C, computed slab by slab over the rows and columns of C so that
// no call goes parallel: it never allocates, and since every element of C
// is the same sum over k in the same order whatever the slab, the bits are
// those of one serial call.
func gemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if blocks64(m)*blocks64(n) < 4 {
		blasImpl.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	for i0 := 0; i0 < m; i0 += gemmRows {
		mi := min(gemmRows, m-i0)
		var as []float64
		if tA == blas.Trans {
			as = a[i0:] // columns i0… of A
		} else {
			as = a[i0*lda:] // rows i0… of A
		}
		for j0 := 0; j0 < n; j0 += gemmCols {
			nj := min(gemmCols, n-j0)
			var bs []float64
			if tB == blas.Trans {
				bs = b[j0*ldb:] // rows j0… of B
			} else {
				bs = b[j0:] // columns j0… of B
			}
			blasImpl.Dgemm(tA, tB, mi, nj, k, alpha, as, lda, bs, ldb, beta, c[i0*ldc+j0:], ldc)
		}
	}
}

// blocks64 is the number of gonum's 64-wide blocks that cover n.
func blocks64(n int) int { return (n + 63) / 64 }

// transposeTo sets dst (cols×rows, row-major) to the transpose of src
// (rows×cols, row-major). It copies four source rows at a time, so that
// each destination row is written four consecutive values at once rather
// than one value per cache line: at the analyses' p×N whitened anomalies
// (p in the thousands) that is three times as fast as the plain double loop.
func transposeTo(dst, src []float64, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	_ = src[rows*cols-1]
	_ = dst[rows*cols-1]
	k := 0
	for ; k+4 <= rows; k += 4 {
		r0 := src[k*cols : (k+1)*cols]
		r1 := src[(k+1)*cols : (k+2)*cols]
		r2 := src[(k+2)*cols : (k+3)*cols]
		r3 := src[(k+3)*cols : (k+4)*cols]
		for i := range r0 {
			d := dst[i*rows+k : i*rows+k+4]
			d[0], d[1], d[2], d[3] = r0[i], r1[i], r2[i], r3[i]
		}
	}
	for ; k < rows; k++ {
		for i, v := range src[k*cols : (k+1)*cols] {
			dst[i*rows+k] = v
		}
	}
}

// covarianceSqrt returns an n×n row-major L with L L' = P for the
// symmetric positive semi-definite covariance P: the lower Cholesky
// factor when P is positive definite, else V Λ^1/2 from the
// eigendecomposition P = V Λ V', eigenvalues within rounding of zero (or
// below it) taken as zero. A P that is not symmetric or has an eigenvalue clearly below
// zero is an error.
func covarianceSqrt(P []float64, n int) ([]float64, error) {
	if err := checkSymmetric(P, n); err != nil {
		return nil, err
	}
	l := append([]float64(nil), P...)
	if lapImpl.Dpotrf(blas.Lower, n, l, n) {
		for i := 0; i < n; i++ {
			clear(l[i*n+i+1 : (i+1)*n]) // keep only L
		}
		return l, nil
	}
	w, z := make([]float64, n), make([]float64, n*n)
	copy(l, P)
	if !newSymEig(n).decompose(l, w, z) {
		return nil, fmt.Errorf("no eigendecomposition (non-finite values)")
	}
	lo, hi := w[0], w[n-1]
	if lo < -1e-10*math.Max(hi, 0) || !(hi >= 0) {
		return nil, fmt.Errorf("not positive semi-definite: eigenvalue %v", lo)
	}
	// Eigenvalues within rounding of zero (n ε λmax) are zero: their
	// square roots would otherwise add directions P does not have.
	tiny := float64(n) * 0x1p-52 * hi
	// Row k of z is the eigenvector of w[k]: L[i][k] = z[k][i] sqrt(w[k]).
	for k := 0; k < n; k++ {
		r := 0.0
		if w[k] > tiny {
			r = math.Sqrt(w[k])
		}
		for i := 0; i < n; i++ {
			l[i*n+k] = z[k*n+i] * r
		}
	}
	return l, nil
}
