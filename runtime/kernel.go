// Row-major matrix products by register tiles, for the analyses' level-3
// work at ensemble sizes.

package runtime

import "gonum.org/v1/gonum/blas"

// mulB sets C = alpha op(A) B + beta C for row-major A, B and C, with
// op(A) m×k (A itself m×k, or k×m if tA is blas.Trans) and B k×n not
// transposed. Every element of C is one sum over k, accumulated in order
// from zero with rounded products and additions (never fused), then
// scaled and added to beta C: its bits depend neither on the tiling, nor
// on the CPU (the AVX2 kernel and the Go one agree), nor on which rows or
// columns of C a caller hands to each call. At the sizes of the ETKF's
// products (k up to a few hundred) it is two to three times as fast as
// gonum's Dgemm, and it never allocates or starts goroutines.
//
// beta = 0 sets C without reading it (NaN in C is overwritten).
func mulB(tA blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m <= 0 || n <= 0 {
		return
	}
	sar, sak := lda, 1
	if tA == blas.Trans {
		sar, sak = 1, lda
	}
	_ = c[(m-1)*ldc+n-1]
	if k <= 0 {
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				row[j] = scaleAdd(row[j], 0, alpha, beta)
			}
		}
		return
	}
	_ = a[(m-1)*sar+(k-1)*sak]
	_ = b[(k-1)*ldb+n-1]
	var t [32]float64
	m4, n8 := m&^3, n&^7
	for j0 := 0; j0 < n8; j0 += 8 {
		for i0 := 0; i0 < m4; i0 += 4 {
			if haveKern4x8 {
				kern4x8(k, &a[i0*sar], sar, sak, &b[j0], ldb, &t)
			} else {
				kern4x8Go(k, a[i0*sar:], sar, sak, b[j0:], ldb, &t)
			}
			for r := 0; r < 4; r++ {
				row := c[(i0+r)*ldc+j0 : (i0+r)*ldc+j0+8]
				tr := t[8*r : 8*r+8]
				for j := range row {
					row[j] = scaleAdd(row[j], tr[j], alpha, beta)
				}
			}
		}
	}
	// The last n%8 columns of the first m4 rows, then the last m%4 rows.
	mulEdge(m4, n8, n, k, alpha, a, sar, sak, b, ldb, beta, c, ldc)
	if m4 < m {
		mulEdge(m-m4, 0, n, k, alpha, a[m4*sar:], sar, sak, b, ldb, beta, c[m4*ldc:], ldc)
	}
}

// scaleAdd returns alpha s + beta c (just alpha s when beta is 0), each
// product rounded.
func scaleAdd(c, s, alpha, beta float64) float64 {
	if beta == 0 {
		return alpha * s
	}
	return float64(beta*c) + float64(alpha*s)
}

// mulEdge is mulB's scalar loop over rows [0, m) and columns [j0, n).
func mulEdge(m, j0, n, k int, alpha float64, a []float64, sar, sak int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		for j := j0; j < n; j++ {
			s := 0.0
			ai, bj := i*sar, j
			for l := 0; l < k; l++ {
				s += float64(a[ai] * b[bj])
				ai += sak
				bj += ldb
			}
			c[i*ldc+j] = scaleAdd(c[i*ldc+j], s, alpha, beta)
		}
	}
}

// kern4x8Go sets t[8r+j] = Σ_{l<k} a[r*sar + l*sak] b[l*sbk + j] for
// r < 4 and j < 8, the sums in l order with rounded products: the
// definition of the assembly kernel and the fallback without it, as four
// 2×4 tiles whose accumulators stay in registers.
func kern4x8Go(k int, a []float64, sar, sak int, b []float64, sbk int, t *[32]float64) {
	for r := 0; r < 4; r += 2 {
		for j := 0; j < 8; j += 4 {
			kern2x4(k, a[r*sar:], sar, sak, b[j:], sbk, (*[32]float64)(t), 8*r+j)
		}
	}
}

// kern2x4 sets t[o+8r+j] for r < 2, j < 4 as kern4x8Go does.
func kern2x4(k int, a []float64, sar, sak int, b []float64, sbk int, t *[32]float64, o int) {
	var c00, c01, c02, c03, c10, c11, c12, c13 float64
	ia, ib := 0, 0
	for l := 0; l < k; l++ {
		bb := b[ib : ib+4 : ib+4]
		a0, a1 := a[ia], a[ia+sar]
		b0, b1, b2, b3 := bb[0], bb[1], bb[2], bb[3]
		c00 += float64(a0 * b0)
		c01 += float64(a0 * b1)
		c02 += float64(a0 * b2)
		c03 += float64(a0 * b3)
		c10 += float64(a1 * b0)
		c11 += float64(a1 * b1)
		c12 += float64(a1 * b2)
		c13 += float64(a1 * b3)
		ia += sak
		ib += sbk
	}
	t[o], t[o+1], t[o+2], t[o+3] = c00, c01, c02, c03
	t[o+8], t[o+9], t[o+10], t[o+11] = c10, c11, c12, c13
}
