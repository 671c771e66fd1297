// The exact Kalman filter for linear-Gaussian models.

package runtime

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
)

// KalmanFilter is the exact Kalman filter: a mean x and a full covariance
// P of size n, propagated by a linear model and updated with linear
// observations. It is the reference the ensemble filters are tested
// against and the `kf` analysis of linear programs.
//
// Matrices are row-major. Workspaces are allocated at construction and
// grown only when an Update has more observations than any before.
type KalmanFilter struct {
	n    int
	x, p []float64 // n, n×n
	tn   []float64 // n×n scratch
	tv   []float64 // n scratch

	np  int       // observation count the buffers below fit
	hp  []float64 // p×n H P, then L^-1 H P
	s   []float64 // p×p H P H' + R, then its Cholesky factor
	inn []float64 // p innovation
}

// NewKalmanFilter starts a filter at the given mean (length n) and
// covariance (n×n row-major, symmetric); both are copied.
func NewKalmanFilter(mean, cov []float64) (*KalmanFilter, error) {
	n := len(mean)
	if n == 0 {
		return nil, fmt.Errorf("Kalman filter: empty mean")
	}
	if len(cov) != n*n {
		return nil, fmt.Errorf("Kalman filter: covariance has %d values, want %d×%d = %d", len(cov), n, n, n*n)
	}
	if !allFinite(mean) || !allFinite(cov) {
		return nil, fmt.Errorf("Kalman filter: initial mean or covariance is not finite")
	}
	kf := &KalmanFilter{n: n, x: append([]float64(nil), mean...), p: append([]float64(nil), cov...),
		tn: make([]float64, n*n), tv: make([]float64, n)}
	symmetrize(kf.p, n)
	return kf, nil
}

// Dim returns the state dimension n.
func (kf *KalmanFilter) Dim() int { return kf.n }

// Mean returns the current mean. The slice aliases the filter's state: it
// is valid, and changes, until the next Forecast or Update.
func (kf *KalmanFilter) Mean() []float64 { return kf.x }

// Cov returns the current covariance (n×n row-major), aliased like Mean.
func (kf *KalmanFilter) Cov() []float64 { return kf.p }

// Forecast propagates the filter by the linear model M (n×n): x ← Mx,
// P ← MPM' + Q. Q is the n×n model-error covariance, or nil for none.
func (kf *KalmanFilter) Forecast(M, Q []float64) error {
	n := kf.n
	if len(M) != n*n {
		return fmt.Errorf("Kalman filter forecast: model matrix has %d values, want %d×%d = %d", len(M), n, n, n*n)
	}
	if Q != nil && len(Q) != n*n {
		return fmt.Errorf("Kalman filter forecast: model-error covariance has %d values, want %d×%d = %d", len(Q), n, n, n*n)
	}
	blasImpl.Dgemv(blas.NoTrans, n, n, 1, M, n, kf.x, 1, 0, kf.tv, 1)
	copy(kf.x, kf.tv)
	gemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, M, n, kf.p, n, 0, kf.tn, n)
	if Q != nil {
		copy(kf.p, Q)
		gemm(blas.NoTrans, blas.Trans, n, n, n, 1, kf.tn, n, M, n, 1, kf.p, n)
	} else {
		gemm(blas.NoTrans, blas.Trans, n, n, n, 1, kf.tn, n, M, n, 0, kf.p, n)
	}
	symmetrize(kf.p, n)
	return nil
}

// Update assimilates y = Hx + N(0, R) with H p×n:
// S = HPH' + R = LL', x ← x + PH'S^-1(y - Hx), P ← P - (L^-1HP)'(L^-1HP),
// which keeps P symmetric by construction.
func (kf *KalmanFilter) Update(H []float64, R *ObsError, y []float64) error {
	n := kf.n
	if R == nil {
		return fmt.Errorf("Kalman filter update: no observation-error covariance")
	}
	p := R.Dim()
	switch {
	case len(y) != p:
		return fmt.Errorf("Kalman filter update: observation has %d values, observation error is %dx%d", len(y), p, p)
	case len(H) != p*n:
		return fmt.Errorf("Kalman filter update: observation matrix has %d values, want %d×%d = %d", len(H), p, n, p*n)
	}
	if p > kf.np {
		kf.np = p
		kf.hp = make([]float64, p*n)
		kf.s = make([]float64, p*p)
		kf.inn = make([]float64, p)
	}
	hp, s, inn := kf.hp[:p*n], kf.s[:p*p], kf.inn[:p]
	// innovation y - Hx
	copy(inn, y)
	blasImpl.Dgemv(blas.NoTrans, p, n, -1, H, n, kf.x, 1, 1, inn, 1)
	// HP, S = HPH' + R.
	gemm(blas.NoTrans, blas.NoTrans, p, n, n, 1, H, n, kf.p, n, 0, hp, n)
	R.Dense(s)
	gemm(blas.NoTrans, blas.Trans, p, p, n, 1, hp, n, H, n, 1, s, p)
	if !lapImpl.Dpotrf(blas.Lower, p, s, p) {
		return fmt.Errorf("Kalman filter update: innovation covariance HPH'+R is not positive definite")
	}
	// W = L^-1 HP, v = L^-1 inn; x += W'v; P -= W'W.
	blasImpl.Dtrsm(blas.Left, blas.Lower, blas.NoTrans, blas.NonUnit, p, n, 1, s, p, hp, n)
	blasImpl.Dtrsv(blas.Lower, blas.NoTrans, blas.NonUnit, p, s, p, inn, 1)
	blasImpl.Dgemv(blas.Trans, p, n, 1, hp, n, inn, 1, 1, kf.x, 1)
	blasImpl.Dsyrk(blas.Upper, blas.Trans, n, p, -1, hp, n, 1, kf.p, n)
	mirrorUpper(kf.p, n)
	if !allFinite(kf.x) || !allFinite(kf.p) {
		return fmt.Errorf("Kalman filter update: %w", errNonFinite)
	}
	return nil
}

// symmetrize replaces the n×n matrix a by (a + a')/2.
func symmetrize(a []float64, n int) {
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			v := 0.5 * (a[i*n+j] + a[j*n+i])
			a[i*n+j], a[j*n+i] = v, v
		}
	}
}
