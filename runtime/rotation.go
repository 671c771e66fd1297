// Random mean-preserving orthogonal rotations of ensemble anomalies.

package runtime

import (
	"math"

	"gonum.org/v1/gonum/blas"
)

// rotator applies Ω X to N×c anomaly matrices X, with Ω a Haar-random
// orthogonal N×N matrix that keeps the vector of ones fixed (Ω1 = 1), so
// it changes neither the ensemble mean nor the sample covariance. This is
// DAPPER's genOG_1: Ω = V diag(1, Q) V' with V an orthonormal basis whose
// first vector is 1/sqrt(N) and Q Haar-random of size N-1.
//
// Here V is the Householder reflector H = I - τvv', v = e1 - 1/sqrt(N),
// which swaps e1 and 1/sqrt(N); Q is the Q factor of the QR decomposition
// of an (N-1)×(N-1) standard-normal matrix with the signs of R's diagonal
// moved into it (which makes it exactly Haar), applied through its
// reflectors without being formed. The Gaussian entries are drawn row by
// row from the stream.
type rotator struct {
	n, c  int
	g     []float64 // (n-1)×(n-1) Gaussian matrix, then its QR factors
	tau   []float64 // n-1
	work  []float64
	v     []float64 // n, the Householder vector e1 - 1/sqrt(n)
	htau  float64   // τ = 2/(v'v)
	vx    []float64 // c, v'X
	signs []float64 // n-1
}

// newRotator allocates a rotator for N = n members and c columns.
func newRotator(n, c int) *rotator {
	m := n - 1
	r := &rotator{n: n, c: c, g: make([]float64, m*m), tau: make([]float64, m),
		v: make([]float64, n), vx: make([]float64, c), signs: make([]float64, m)}
	u := 1 / math.Sqrt(float64(n))
	for i := range r.v {
		r.v[i] = -u
	}
	r.v[0] += 1
	r.htau = 1 / (1 - u) // 2/(v'v) with v'v = 2 - 2/sqrt(n)
	q := []float64{0}
	lapImpl.Dgeqrf(m, m, nil, max(1, m), nil, q, -1)
	lw := int(q[0])
	lapImpl.Dormqr(blas.Left, blas.NoTrans, m, c, m, nil, max(1, m), nil, nil, max(1, c), q, -1)
	r.work = make([]float64, max(lw, int(q[0]), c, 1))
	return r
}

// apply replaces the N×c matrix x by Ω x, drawing Ω from s.
func (r *rotator) apply(x []float64, s *Stream) {
	n, c, m := r.n, r.c, r.n-1
	if m == 0 {
		return
	}
	for i := range r.g {
		r.g[i] = s.Normal()
	}
	lapImpl.Dgeqrf(m, m, r.g, m, r.tau, r.work, len(r.work))
	for i := 0; i < m; i++ {
		r.signs[i] = 1
		if r.g[i*m+i] < 0 {
			r.signs[i] = -1
		}
	}
	r.reflect(x)
	// Rows 1..n-1 of x get Q D: scale by the signs, then apply the reflectors.
	sub := x[c : n*c]
	for i, sg := range r.signs {
		if sg < 0 {
			row := sub[i*c : (i+1)*c]
			for j := range row {
				row[j] = -row[j]
			}
		}
	}
	lapImpl.Dormqr(blas.Left, blas.NoTrans, m, c, m, r.g, m, r.tau, sub, c, r.work, len(r.work))
	r.reflect(x)
}

// reflect replaces x by H x with H = I - τvv'.
func (r *rotator) reflect(x []float64) {
	n, c := r.n, r.c
	clear(r.vx)
	for i := 0; i < n; i++ {
		vi := r.v[i]
		row := x[i*c : (i+1)*c]
		for j, xv := range row {
			r.vx[j] += vi * xv
		}
	}
	for i := 0; i < n; i++ {
		f := r.htau * r.v[i]
		row := x[i*c : (i+1)*c]
		for j, s := range r.vx {
			row[j] -= f * s
		}
	}
}

// seededRotator is a rotator with its own stream, keyed afresh for every
// analysis by (seed, [PurposeRotation], analysis index): the rotation the
// square-root filters apply after their analysis.
type seededRotator struct {
	*rotator
	seed   uint64
	stream *Stream
}

// newSeededRotator allocates a seededRotator for N members and c columns.
func newSeededRotator(N, c int, seed uint64) *seededRotator {
	return &seededRotator{rotator: newRotator(N, c), seed: seed, stream: NewStream(seed, PurposeRotation, 0)}
}

// rotate replaces the N×c anomalies x by Ω x with the rotation of
// analysis index.
func (r *seededRotator) rotate(x []float64, index uint64) {
	r.stream.Reset(r.seed, PurposeRotation, index)
	r.apply(x, r.stream)
}

// rotateInflate is the end of an analysis that has written its result
// into e: the anomalies, rotated by r when r is not nil, then relaxed and
// inflated by in, all about e's mean; mean and x (n, N×n) are scratch.
func rotateInflate(e []float64, r *seededRotator, in *Inflator, mean, x []float64, index uint64) {
	if r == nil {
		in.posterior(e, index)
		return
	}
	anomalies(x, mean, e, in.members, in.dim)
	r.rotate(x, index)
	in.posteriorSplit(e, mean, x, index)
}
