// Symmetric eigendecomposition with a preallocated workspace.

package runtime

import (
	"math"

	"gonum.org/v1/gonum/blas"
)

// symEig computes the eigendecomposition A = V Λ V' of n×n symmetric
// matrices with a workspace sized once, allocating nothing per call.
//
// The reduction to tridiagonal form is Householder's on contiguous rows
// of the full (mirrored) matrix, through gonum's SIMD Dgemv and Dger, and
// the explicit orthogonal factor is built the same way; at ensemble sizes
// both are about twice as fast as gonum's Dsytrd and Dorgtr. The reduction
// is also available alone (reduce, formQT, applyQT2, applyQ2) for callers that only
// need functions of A. The eigenvalues are first found by the root-free
// QL (Dsterf) to serve as shifts; the tridiagonal eigenproblem is then
// solved by the implicit QL iteration (EISPACK's tql2), accumulating the
// plane rotations on the rows of V' so that each rotation updates two
// contiguous rows: in row-major storage this is about three times faster
// than LAPACK's Dsteqr, which rotates strided columns.
type symEig struct {
	n       int
	d, e    []float64 // diagonal and off-diagonal of the tridiagonal form
	ev, ee  []float64 // eigenvalue-only pass: eigenvalues (sorted), scratch
	tau     []float64 // reflector scalars of the reduction
	work    []float64 // n
	maxIter int
}

// newSymEig allocates the workspace for n×n matrices.
func newSymEig(n int) *symEig {
	return &symEig{n: n, d: make([]float64, n), e: make([]float64, n), ev: make([]float64, n), ee: make([]float64, n),
		tau: make([]float64, max(n-1, 1)), work: make([]float64, n), maxIter: 30 * max(n, 1)}
}

// setSize makes s work on m×m matrices, m at most the size it was
// allocated for, without allocating.
func (s *symEig) setSize(m int) {
	if m == s.n {
		return
	}
	s.n = m
	s.d, s.e, s.ev, s.ee, s.work = s.d[:m], s.e[:m], s.ev[:m], s.ee[:m], s.work[:m]
	s.tau = s.tau[:max(m-1, 1)]
	s.maxIter = 30 * max(m, 1)
}

// tridiagonalize reduces the symmetric row-major matrix a (both triangles
// valid) to tridiagonal form Q'AQ with diagonal s.d and off-diagonal s.e,
// Q = H_0 H_1 ⋯ H_{n-3}. Reflector H_k = I - τ_k v v' acts on indices
// k+1..n-1; v (with v[0] = 1) is left in row k of a, columns k+1..n-1.
// Every step reads and writes whole contiguous rows of the trailing block.
func (s *symEig) tridiagonalize(a []float64) {
	n := s.n
	for k := 0; k < n-2; k++ {
		row := a[k*n : (k+1)*n]
		s.d[k] = row[k]
		m := n - k - 1
		v := row[k+1:]
		beta, tau := householder(v[:m])
		s.e[k], s.tau[k] = beta, tau
		v[0] = 1
		if tau == 0 {
			continue
		}
		// p = τ B v, then w = p - (τ/2)(p'v) v and B ← B - v w' - w v'.
		p := s.work[:m]
		b := a[(k+1)*n+k+1:]
		blasImpl.Dgemv(blas.NoTrans, m, m, tau, b, n, v, 1, 0, p, 1)
		alpha := -0.5 * tau * blasImpl.Ddot(m, p, 1, v, 1)
		blasImpl.Daxpy(m, alpha, v, 1, p, 1)
		blasImpl.Dger(m, m, -1, v, 1, p, 1, b, n)
		blasImpl.Dger(m, m, -1, p, 1, v, 1, b, n)
	}
	if n >= 2 {
		s.d[n-2] = a[(n-2)*n+n-2]
		s.e[n-2] = a[(n-2)*n+n-1]
		s.tau[n-2] = 0
	}
	s.d[n-1] = a[n*n-1]
}

// householder computes the reflector H = I - τ u u' (u[0] = 1) with
// H x = (β, 0, …, 0)' as LAPACK's Dlarfg does, leaving u[1:] in x[1:], and
// returns β and τ. It sums squares directly and leaves zero vectors and
// inputs near the ends of the floating-point range to Dlarfg's scaled
// norm.
func householder(x []float64) (beta, tau float64) {
	alpha, rest := x[0], x[1:]
	var s0, s1 float64
	i := 0
	for ; i+1 < len(rest); i += 2 {
		s0 += rest[i] * rest[i]
		s1 += rest[i+1] * rest[i+1]
	}
	if i < len(rest) {
		s0 += rest[i] * rest[i]
	}
	ss := s0 + s1
	if !(ss > 0x1p-900 && ss < 0x1p900 && math.Abs(alpha) < 0x1p450) {
		return lapImpl.Dlarfg(len(x), alpha, rest, 1)
	}
	beta = -math.Copysign(math.Sqrt(alpha*alpha+ss), alpha)
	tau = (beta - alpha) / beta
	scal := 1 / (alpha - beta)
	for i := range rest {
		rest[i] *= scal
	}
	return beta, tau
}

// formQT sets z to Q' = H_{n-3} ⋯ H_0 from the reflectors tridiagonalize
// left in a, multiplying the reflectors in from the right, last first,
// so that each touches only the trailing block that is not yet identity.
func (s *symEig) formQT(a, z []float64) {
	n := s.n
	clear(z)
	for i := 0; i < n; i++ {
		z[i*n+i] = 1
	}
	for k := n - 3; k >= 0; k-- {
		tau := s.tau[k]
		if tau == 0 {
			continue
		}
		m := n - k - 1
		v := a[k*n+k+1 : (k+1)*n]
		t := s.work[:m]
		zb := z[(k+1)*n+k+1:]
		blasImpl.Dgemv(blas.NoTrans, m, m, 1, zb, n, v, 1, 0, t, 1)
		blasImpl.Dger(m, m, -tau, t, 1, v, 1, zb, n)
	}
}

// reflectVec replaces x by (I - τvv')x.
func reflectVec(v, x []float64, tau float64) {
	x = x[:len(v)]
	t := tau * dot4(v, x)
	for i, vi := range v {
		x[i] -= t * vi
	}
}

// reflectVec2 is reflectVec on x and y (the same bits for each), the two
// updates in one pass over v.
func reflectVec2(v, x, y []float64, tau float64) {
	x, y = x[:len(v)], y[:len(v)]
	t, u := tau*dot4(v, x), tau*dot4(v, y)
	for i, vi := range v {
		x[i] -= t * vi
		y[i] -= u * vi
	}
}

// dot4 returns v·x (len(x) >= len(v)) summed in four interleaved parts,
// ((s0 + s1) + (s2 + s3)).
func dot4(v, x []float64) float64 {
	x = x[:len(v)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+3 < len(v); i += 4 {
		s0 += v[i] * x[i]
		s1 += v[i+1] * x[i+1]
		s2 += v[i+2] * x[i+2]
		s3 += v[i+3] * x[i+3]
	}
	for ; i < len(v); i++ {
		s0 += v[i] * x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// applyQT2 replaces the n-vectors x and y by Q'x and Q'y, Q from the
// reflectors reduce left in a, one reflector at a time.
func (s *symEig) applyQT2(a, x, y []float64) {
	n := s.n
	for k := 0; k < n-2; k++ {
		s.reflect2(a, x, y, k)
	}
}

// applyQ2 replaces the n-vectors x and y by Qx and Qy (see applyQT2).
func (s *symEig) applyQ2(a, x, y []float64) {
	n := s.n
	for k := n - 3; k >= 0; k-- {
		s.reflect2(a, x, y, k)
	}
}

// reflect2 applies H_k to rows k+1..n-1 of the vectors x and y.
func (s *symEig) reflect2(a, x, y []float64, k int) {
	if tau := s.tau[k]; tau != 0 {
		n := s.n
		reflectVec2(a[k*n+k+1:(k+1)*n], x[k+1:n], y[k+1:n], tau)
	}
}

// decompose computes the eigenvalues of the symmetric row-major matrix a
// (upper triangle read, whole matrix destroyed) in ascending order into w,
// and the orthonormal eigenvectors into the rows of z: row k of z is the
// eigenvector of w[k]. It reports false if the iteration did not converge
// (as happens for non-finite input).
func (s *symEig) decompose(a, w, z []float64) bool {
	n := s.n
	if n == 1 {
		w[0], z[0] = a[0], 1
		return !math.IsNaN(a[0]) && !math.IsInf(a[0], 0)
	}
	if !s.reduce(a) {
		return false
	}
	return s.finish(a, w, z)
}

// reduce mirrors the upper triangle of a and reduces it to tridiagonal
// form (see tridiagonalize), reporting false on non-finite values.
func (s *symEig) reduce(a []float64) bool {
	mirrorUpper(a, s.n)
	return s.reduceFull(a)
}

// reduceFull is reduce for a matrix whose two triangles are both set.
func (s *symEig) reduceFull(a []float64) bool {
	s.tridiagonalize(a)
	return allFinite(s.d) && allFinite(s.e[:s.n-1])
}

// finish completes decompose after reduce(a): eigenvalues of the
// tridiagonal form in w, eigenvectors of the original matrix in the rows
// of z.
func (s *symEig) finish(a, w, z []float64) bool {
	n := s.n
	s.formQT(a, z)
	s.e[n-1] = 0
	// Eigenvalues first (no vectors: cheap), then the vector pass with
	// those as shifts, which deflates about one eigenvalue per sweep
	// instead of one per 1.8 sweeps, halving the rotations of z.
	copy(s.ev, s.d)
	copy(s.ee, s.e)
	if !sterf(s.ev, s.ee[:n-1]) {
		return false
	}
	copy(w, s.d)
	if !s.ql(w, s.e, z, s.ev) || !allFinite(w) {
		return false
	}
	// Selection sort, ascending, moving eigenvector rows along.
	for i := 0; i < n-1; i++ {
		k := i
		for j := i + 1; j < n; j++ {
			if w[j] < w[k] {
				k = j
			}
		}
		if k != i {
			w[i], w[k] = w[k], w[i]
			ri, rk := z[i*n:(i+1)*n], z[k*n:(k+1)*n]
			for j := range ri {
				ri[j], rk[j] = rk[j], ri[j]
			}
		}
	}
	return true
}

// ql diagonalises the symmetric tridiagonal matrix with diagonal d and
// off-diagonal e (e[i] couples i and i+1, e[n-1] = 0) by the implicit QL
// method, leaving the eigenvalues in d and applying every rotation to the
// rows of z (none if z is nil). The shift is Wilkinson's; when the sorted
// eigenvalues are known (shifts not nil) it is moved to the nearest of
// them, except after two sweeps that did not deflate. Convergence is
// judged the same way in both cases, so shifts only change the speed.
func (s *symEig) ql(d, e, z, shifts []float64) bool {
	n := s.n
	const eps = 0x1p-52
	var f, tst1 float64
	iter := 0
	for l := 0; l < n; l++ {
		tst1 = math.Max(tst1, math.Abs(d[l])+math.Abs(e[l]))
		if math.IsNaN(tst1) || math.IsInf(tst1, 0) {
			return false
		}
		m := l
		for m < n-1 && math.Abs(e[m]) > eps*tst1 {
			m++
		}
		if m > l {
			sweeps := 0
			for {
				if iter++; iter > s.maxIter {
					return false
				}
				// Wilkinson's shift is the eigenvalue of the leading 2×2
				// block nearest d[l]. It is applied to the whole trailing
				// matrix; f accumulates the shifts.
				g := d[l]
				p := (d[l+1] - g) / (2 * e[l])
				r := hypot(p, 1)
				if p < 0 {
					r = -r
				}
				sweeps++
				perfect := shifts != nil && sweeps <= 2
				var dl1 float64
				if perfect {
					sigma := nearest(shifts, g-e[l]/(p+r)+f) - f
					for i := l; i < n; i++ {
						d[i] -= sigma
					}
					f += sigma
				} else {
					d[l] = e[l] / (p + r)
					d[l+1] = e[l] * (p + r)
					dl1 = d[l+1]
					h := g - d[l]
					for i := l + 2; i < n; i++ {
						d[i] -= h
					}
					f += h
				}
				// Implicit QL sweep from m-1 up to l.
				p = d[m]
				c, c2, c3 := 1.0, 1.0, 1.0
				el1 := e[l+1]
				var sn, s2 float64
				for i := m - 1; i >= l; i-- {
					c3, c2, s2 = c2, c, sn
					g = c * e[i]
					h := c * p
					r = hypot(p, e[i])
					e[i+1] = sn * r
					sn = e[i] / r
					c = p / r
					p = c*d[i] - sn*g
					d[i+1] = h + sn*(c*g+sn*d[i])
					if z != nil {
						rotateRows(z[i*n:(i+1)*n], z[(i+1)*n:(i+2)*n], c, sn)
					}
				}
				if !perfect {
					// EISPACK's accurate form of sn·p, valid because the
					// shifted leading block is singular: d[l]·dl1 = e[l]².
					p = -sn * s2 * c3 * el1 * e[l] / dl1
				}
				e[l] = sn * p
				d[l] = c * p
				if math.Abs(e[l]) <= eps*tst1 {
					break
				}
			}
		}
		d[l] += f
		e[l] = 0
	}
	return true
}

// rotateRows applies the plane rotation (c, s) to the rows x (index i) and
// y (index i+1): y ← s x + c y, x ← c x - s y.
func rotateRows(x, y []float64, c, s float64) {
	y = y[:len(x)]
	for k, xv := range x {
		yv := y[k]
		y[k] = s*xv + c*yv
		x[k] = c*xv - s*yv
	}
}

// hypot returns sqrt(a²+b²), directly when that cannot overflow or
// underflow and through math.Hypot otherwise.
func hypot(a, b float64) float64 {
	aa, ab := math.Abs(a), math.Abs(b)
	if aa < 1e150 && ab < 1e150 && (aa > 1e-150 || ab > 1e-150) {
		return math.Sqrt(a*a + b*b)
	}
	return math.Hypot(a, b)
}

// nearest returns the element of the ascending slice v closest to x.
func nearest(v []float64, x float64) float64 {
	lo, hi := 0, len(v)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if v[mid] < x {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo > 0 && x-v[lo-1] < v[lo]-x {
		return v[lo-1]
	}
	return v[lo]
}

// sterf computes the eigenvalues of the symmetric tridiagonal matrix with
// diagonal d and off-diagonal e into d (destroying e), as LAPACK's Dsterf.
// A matrix whose entries are so large or so small that Dsterf would
// rescale it internally is scaled here instead, by a power of two (exact),
// because gonum's Dsterf panics on that path: an ensemble that has blown up
// must give an error, not a crash.
func sterf(d, e []float64) bool {
	big := 0.0
	for _, v := range d {
		big = math.Max(big, math.Abs(v))
	}
	for _, v := range e {
		big = math.Max(big, math.Abs(v))
	}
	if math.IsNaN(big) || math.IsInf(big, 0) {
		return false
	}
	const lo, hi = 0x1p-400, 0x1p400
	if big != 0 && (big < lo || big > hi) {
		_, exp := math.Frexp(big)
		scale := math.Ldexp(1, -exp)
		for i := range d {
			d[i] *= scale
		}
		for i := range e {
			e[i] *= scale
		}
		if !lapImpl.Dsterf(len(d), d, e) {
			return false
		}
		for i := range d {
			d[i] /= scale
		}
		return allFinite(d)
	}
	return lapImpl.Dsterf(len(d), d, e)
}
