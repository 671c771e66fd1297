// Tests of the symmetric eigensolver against LAPACK's Dsyev.

package runtime

import (
	"fmt"
	"math"
	"sort"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
)

// TestSymEig checks V'AV = Λ and V'V = I, and the eigenvalues against
// Dsyev, for random, clustered, diagonal and ETKF-shaped matrices.
func TestSymEig(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		make func(n int, s *Stream) []float64
	}{
		{"random", 1, randomSym},
		{"random", 2, randomSym},
		{"random", 7, randomSym},
		{"random", 40, randomSym},
		{"identity plus rank 3 (repeated eigenvalue)", 24, lowRankPlusShift(3)},
		{"ETKF shape, full rank", 40, lowRankPlusShift(39)},
		{"diagonal", 6, func(n int, s *Stream) []float64 {
			a := make([]float64, n*n)
			for i := 0; i < n; i++ {
				a[i*n+i] = float64(n - i)
			}
			return a
		}},
		{"zero", 5, func(n int, s *Stream) []float64 { return make([]float64, n*n) }},
		{"graded", 8, func(n int, s *Stream) []float64 {
			a := randomSym(n, s)
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					a[i*n+j] *= math.Pow(10, -float64(i+j))
				}
			}
			return a
		}},
	} {
		t.Run(fmt.Sprintf("%s/n=%d", tc.name, tc.n), func(t *testing.T) {
			n := tc.n
			a := tc.make(n, NewStream(uint64(n), PurposeEnsembleInit, 0))
			w, z := make([]float64, n), make([]float64, n*n)
			work := append([]float64(nil), a...)
			if !newSymEig(n).decompose(work, w, z) {
				t.Fatal("did not converge")
			}
			norm := math.Max(maxAbs(a), 1e-300)
			for k := 0; k < n; k++ {
				if k > 0 && w[k] < w[k-1] {
					t.Fatalf("eigenvalues not ascending: %v", w)
				}
				vk := z[k*n : (k+1)*n]
				av := matVec(a, n, vk)
				for i := range av {
					if d := math.Abs(av[i] - w[k]*vk[i]); d > 1e-13*norm*float64(n) {
						t.Fatalf("A v_%d - λ v_%d has element %d of size %.3g", k, k, i, d)
					}
				}
				for j := 0; j <= k; j++ {
					var dot float64
					for i := 0; i < n; i++ {
						dot += vk[i] * z[j*n+i]
					}
					if j == k {
						dot--
					}
					if math.Abs(dot) > 1e-13*float64(n) {
						t.Fatalf("v_%d·v_%d off by %.3g", k, j, dot)
					}
				}
			}
			ref := append([]float64(nil), a...)
			wref := make([]float64, n)
			q := []float64{0}
			lapImpl.Dsyev(lapack.EVNone, blas.Upper, n, ref, n, wref, q, -1)
			lw := make([]float64, int(q[0]))
			if !lapImpl.Dsyev(lapack.EVNone, blas.Upper, n, ref, n, wref, lw, len(lw)) {
				t.Fatal("Dsyev failed")
			}
			if d := maxAbsDiff(w, wref); d > 1e-13*norm*float64(n) {
				t.Errorf("eigenvalues differ from Dsyev's by %.3g", d)
			}
		})
	}
}

func TestSymEigNonFinite(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1)} {
		a := []float64{1, v, 0, v, 2, 1, 0, 1, 3}
		if newSymEig(3).decompose(a, make([]float64, 3), make([]float64, 9)) {
			t.Errorf("decompose accepted a matrix holding %v", v)
		}
	}
}

func randomSym(n int, s *Stream) []float64 {
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := s.Normal()
			a[i*n+j], a[j*n+i] = v, v
		}
	}
	return a
}

// lowRankPlusShift returns (n-1)I + YY' with Y n×r, the ETKF's matrix.
func lowRankPlusShift(r int) func(n int, s *Stream) []float64 {
	return func(n int, s *Stream) []float64 {
		y := make([]float64, n*r)
		for i := range y {
			y[i] = 0.5 * s.Normal()
		}
		a := make([]float64, n*n)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				for k := 0; k < r; k++ {
					a[i*n+j] += y[i*r+k] * y[j*r+k]
				}
			}
			a[i*n+i] += float64(n - 1)
		}
		return a
	}
}

func TestSyrkRows(t *testing.T) {
	for _, sz := range [][2]int{{1, 3}, {2, 1}, {3, 4}, {5, 5}, {8, 3}, {9, 7}} {
		m, k := sz[0], sz[1]
		s := NewStream(uint64(m*k), PurposeEnsembleInit, 0)
		a := make([]float64, m*k)
		for i := range a {
			a[i] = s.Normal()
		}
		c := make([]float64, m*m)
		for i := range c {
			c[i] = math.NaN() // every element must be written
		}
		syrkRows(c, a, m, k)
		for i := 0; i < m; i++ {
			for j := 0; j < m; j++ {
				var want float64
				for l := 0; l < k; l++ {
					want += a[i*k+l] * a[j*k+l]
				}
				if math.Abs(c[i*m+j]-want) > 1e-13*float64(k) {
					t.Errorf("m=%d k=%d: c[%d][%d] = %v, want %v", m, k, i, j, c[i*m+j], want)
				}
			}
		}
	}
}

// TestZolotarev checks the rational approximation of 1/√x on [1, b'] (b
// rounded up to the grid) against the exact function on a fine grid, and
// its refusals.
func TestZolotarev(t *testing.T) {
	for _, tc := range []struct {
		b        float64
		maxPoles int
	}{{0.5, 1}, {1, 1}, {1 + 1e-9, 3}, {1.3, 5}, {2, 7}, {100, 16}, {1e4, 24}} {
		z := newZolotarev(maxZolotarevPoles)
		if !z.set(tc.b) {
			t.Fatalf("b=%g: refused", tc.b)
		}
		if z.n > tc.maxPoles {
			t.Errorf("b=%g: %d poles, want at most %d", tc.b, z.n, tc.maxPoles)
		}
		var worst float64
		for i := 0; i <= 4000; i++ {
			x := math.Pow(z.b, float64(i)/4000)
			r := 1.0
			for l := 0; l < z.n; l++ {
				r += z.beta[l] / (x + z.pole[l])
			}
			worst = math.Max(worst, math.Abs(z.d0*r*math.Sqrt(x)-1))
		}
		if z.b < tc.b || z.b > tc.b*1.03 && tc.b >= 1 {
			t.Errorf("b=%g rounded to %g", tc.b, z.b)
		}
		tol := 1e-14 // the coefficients lose a few digits as b grows
		if tc.b > 100 {
			tol = 1e-13
		}
		if worst > tol {
			t.Errorf("b=%g, %d poles: relative error %.3g", tc.b, z.n, worst)
		}
	}
	// Reused coefficients are those a fresh computation gives.
	fresh, reused := newZolotarev(maxZolotarevPoles), newZolotarev(maxZolotarevPoles)
	fresh.set(1.9)
	reused.set(1.9)
	reused.set(3.7)
	reused.set(1.905)
	if fresh.b != reused.b || fresh.d0 != reused.d0 || fresh.beta[fresh.n-1] != reused.beta[reused.n-1] {
		t.Error("coefficients depend on the previous calls")
	}
	for _, b := range []float64{1e5, math.Inf(1), math.NaN()} {
		if newZolotarev(maxZolotarevPoles).set(b) {
			t.Errorf("b=%g accepted", b)
		}
	}
}

// TestHouseholder checks householder against LAPACK's Dlarfg, including
// the zero vector and entries near underflow and overflow.
func TestHouseholder(t *testing.T) {
	for _, x := range [][]float64{
		{3, 4},
		{-1, 2, -3, 4, 5},
		{2, 0, 0},
		{0, 1e-200, 1e-200},
		{1e300, 1e300, -1e299},
		{0.5, -1e-3, 2e-3, 7},
	} {
		got, want := append([]float64(nil), x...), append([]float64(nil), x...)
		beta, tau := householder(got)
		wbeta, wtau := lapImpl.Dlarfg(len(want), want[0], want[1:], 1)
		scale := math.Abs(wbeta)
		if math.Abs(beta-wbeta) > 1e-14*scale || math.Abs(tau-wtau) > 1e-14 || maxAbsDiff(got[1:], want[1:]) > 1e-14*math.Max(maxAbs(want[1:]), 1e-300) {
			t.Errorf("%v: β, τ, u = %v, %v, %v; Dlarfg: %v, %v, %v", x, beta, tau, got[1:], wbeta, wtau, want[1:])
		}
	}
}

// TestSterfExtremeScales checks that eigenvalues of tridiagonal matrices
// with huge or tiny entries come back scaled correctly instead of
// panicking inside gonum's Dsterf (which a blown-up ensemble once did).
func TestSterfExtremeScales(t *testing.T) {
	for _, scale := range []float64{1e-300, 1e-160, 1, 1e160, 1e300} {
		d := []float64{2 * scale, 3 * scale, 4 * scale}
		e := []float64{1 * scale, 1 * scale}
		if !sterf(d, e) {
			t.Fatalf("scale %g: sterf failed", scale)
		}
		// Eigenvalues of [[2,1,0],[1,3,1],[0,1,4]] are 3-√3, 3, 3+√3.
		want := []float64{3 - math.Sqrt(3), 3, 3 + math.Sqrt(3)}
		sort.Float64s(d)
		for i, w := range want {
			if got := d[i] / scale; math.Abs(got-w) > 1e-12*w {
				t.Errorf("scale %g: eigenvalue %d = %g, want %g", scale, i, got, w)
			}
		}
	}
	if sterf([]float64{math.Inf(1), 1}, []float64{1}) {
		t.Error("sterf accepted an infinite entry")
	}
}
