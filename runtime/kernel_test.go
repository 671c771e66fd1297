package runtime

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// TestMulBMatchesDgemm checks mulB against gonum's Dgemm on shapes with
// and without edge tiles, for both forms of A and every kind of beta, and
// that the assembly kernel has the bits of the Go one.
func TestMulBMatchesDgemm(t *testing.T) {
	s := NewStream(3, PurposeTruthInit, 0)
	fill := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = s.Normal()
		}
		return x
	}
	for _, sz := range [][3]int{{1, 1, 1}, {4, 8, 3}, {5, 9, 1}, {40, 40, 160}, {13, 27, 33}, {8, 16, 1}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, beta := range []float64{0, 1, -0.5} {
				t.Run(fmt.Sprintf("%dx%dx%d/%c/%g", m, n, k, tA, beta), func(t *testing.T) {
					lda := k
					if tA == blas.Trans {
						lda = m
					}
					a, b, c0 := fill(max(m*k, 1)), fill(max(k*n, 1)), fill(m*n)
					want := append([]float64(nil), c0...)
					blasImpl.Dgemm(tA, blas.NoTrans, m, n, k, 0.75, a, max(lda, 1), b, n, beta, want, n)
					got := append([]float64(nil), c0...)
					mulB(tA, m, n, k, 0.75, a, lda, b, n, beta, got, n)
					if d := maxAbsDiff(got, want); d > 1e-12*float64(k+1) {
						t.Errorf("mulB differs from Dgemm by %g", d)
					}
					if !haveKern4x8 || k == 0 {
						return
					}
					haveKern4x8 = false
					goKern := append([]float64(nil), c0...)
					mulB(tA, m, n, k, 0.75, a, lda, b, n, beta, goKern, n)
					haveKern4x8 = true
					if !sameBits(got, goKern) {
						t.Errorf("assembly kernel differs from the Go one by %g", maxAbsDiff(got, goKern))
					}
				})
			}
		}
	}
}

// BenchmarkMulB40x40x160 times the ETKF's Ỹ'A at N = 160, n = p = 40.
func BenchmarkMulB40x40x160(b *testing.B) {
	x, y, c := benchOperands()
	for b.Loop() {
		mulB(blas.Trans, 40, 40, 160, 1, x, 40, y, 40, 0, c, 40)
	}
}

// BenchmarkDgemm40x40x160 is BenchmarkMulB40x40x160 through gonum.
func BenchmarkDgemm40x40x160(b *testing.B) {
	x, y, c := benchOperands()
	for b.Loop() {
		blasImpl.Dgemm(blas.Trans, blas.NoTrans, 40, 40, 160, 1, x, 40, y, 40, 0, c, 40)
	}
}

// benchOperands returns two 160×40 matrices of normal draws and a 40×40
// product.
func benchOperands() (x, y, c []float64) {
	s := NewStream(4, PurposeTruthInit, 0)
	x, y, c = make([]float64, 6400), make([]float64, 6400), make([]float64, 1600)
	for i := range x {
		x[i], y[i] = s.Normal(), s.Normal()
	}
	return x, y, c
}

// BenchmarkMulBGo40x40x160 is BenchmarkMulB40x40x160 on the Go kernel.
func BenchmarkMulBGo40x40x160(b *testing.B) {
	defer func(h bool) { haveKern4x8 = h }(haveKern4x8)
	haveKern4x8 = false
	x, y, c := benchOperands()
	for b.Loop() {
		mulB(blas.Trans, 40, 40, 160, 1, x, 40, y, 40, 0, c, 40)
	}
}
