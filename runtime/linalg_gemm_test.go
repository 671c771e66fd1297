package runtime

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// TestGemmSlabsAreDgemm checks that the slab-by-slab product has the bits
// of one gonum Dgemm call for every transposition, and allocates nothing
// where gonum's would share the work out.
func TestGemmSlabsAreDgemm(t *testing.T) {
	s := NewStream(5, PurposeTruthInit, 0)
	fill := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = s.Normal()
		}
		return x
	}
	const m, n, k = 500, 300, 7
	for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
		for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			t.Run(fmt.Sprintf("%c%c", tA, tB), func(t *testing.T) {
				a, b, c0 := fill(m*k), fill(k*n), fill(m*n)
				lda, ldb := k, n
				if tA == blas.Trans {
					lda = m
				}
				if tB == blas.Trans {
					ldb = k
				}
				want := append([]float64(nil), c0...)
				blasImpl.Dgemm(tA, tB, m, n, k, 0.5, a, lda, b, ldb, 2, want, n)
				got := append([]float64(nil), c0...)
				gemm(tA, tB, m, n, k, 0.5, a, lda, b, ldb, 2, got, n)
				if !sameBits(got, want) {
					t.Errorf("slabs differ from one Dgemm by %g", maxAbsDiff(got, want))
				}
				if allocs := testing.AllocsPerRun(5, func() { gemm(tA, tB, m, n, k, 0.5, a, lda, b, ldb, 2, got, n) }); allocs != 0 {
					t.Errorf("gemm allocates %v times", allocs)
				}
			})
		}
	}
}

// TestTransposeTo checks transposeTo against the definition, with row
// counts that leave every remainder of its four-row blocks.
func TestTransposeTo(t *testing.T) {
	for _, rows := range []int{1, 3, 4, 5, 8, 11} {
		for _, cols := range []int{1, 2, 7, 40} {
			src := make([]float64, rows*cols)
			for i := range src {
				src[i] = float64(i) + 0.5
			}
			dst := make([]float64, rows*cols)
			transposeTo(dst, src, rows, cols)
			for k := 0; k < rows; k++ {
				for i := 0; i < cols; i++ {
					if dst[i*rows+k] != src[k*cols+i] {
						t.Fatalf("%d×%d: dst[%d][%d] = %v, want %v", rows, cols, i, k, dst[i*rows+k], src[k*cols+i])
					}
				}
			}
		}
	}
}
