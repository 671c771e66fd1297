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

// TestAnalysesSameBitsWithoutAVX2 checks that the analyses built on mulB
// give the same bits with the assembly kernel and with the Go one, so a
// run does not depend on the CPU it ran on: the ETKF on each of its paths
// (p < N, p >= N with n <= N and with n > N, S by products from N = 32)
// and the EnKF in both spaces.
func TestAnalysesSameBitsWithoutAVX2(t *testing.T) {
	if !haveKern4x8 {
		t.Skip("no AVX2 kernel on this machine")
	}
	defer func() { haveKern4x8 = true }()
	for _, sz := range [][2]int{{24, 10}, {12, 12}, {12, 40}, {16, 40}, {36, 100}} {
		N, n := sz[0], sz[1]
		for _, kind := range []string{"ETKF", "EnKF"} {
			t.Run(fmt.Sprintf("%s/N%d_n%d", kind, N, n), func(t *testing.T) {
				var got [2][]float64
				for i, asm := range []bool{true, false} {
					haveKern4x8 = asm
					R := identityR(t, n)
					var a Analysis
					var err error
					if kind == "EnKF" {
						a, err = NewEnKF(EnKFConfig{Members: N, Dim: n, Obs: n, Inflation: 1.02, Seed: 1}, R)
					} else {
						a, err = NewETKF(ETKFConfig{Members: N, Dim: n, Obs: n, Inflation: 1.02, Seed: 1}, R)
					}
					if err != nil {
						t.Fatal(err)
					}
					E, HE, y := l96Like(N, n, 3)
					if err := a.Analyze(E, HE, y, 1); err != nil {
						t.Fatal(err)
					}
					got[i] = E.Data
				}
				if !sameBits(got[0], got[1]) {
					t.Errorf("assembly and Go kernels differ by %g", maxAbsDiff(got[0], got[1]))
				}
			})
		}
	}
}
