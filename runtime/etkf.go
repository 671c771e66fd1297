// The square-root ensemble transform Kalman filter (ETKF).

package runtime

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
)

// ETKFConfig configures an [ETKF].
type ETKFConfig struct {
	Members, Dim, Obs int     // ensemble size N, state size n, observation count p
	Inflation         float64 // post-analysis multiplicative inflation a >= 1 (1 = none)
	Rotate            bool    // post-multiply the transform by a random mean-preserving rotation
	Seed              uint64  // keys the rotation streams (Seed, PurposeRotation, analysis index)
}

// ETKF is the square-root ensemble transform Kalman filter with the
// symmetric transform, as DAPPER's EnKF('Sqrt') and benchmarks.md define
// it. With A the N×n state anomalies (one member per row), Y the N×p
// observed anomalies, Ỹ = Y R^-1/2 (rows whitened by the Cholesky factor
// of R), δ = R^-1/2 (y - mean(HE)) and S = (N-1)I + ỸỸ' = VΛV':
//
//	w   = S^-1 Ỹ δ                          (ensemble-space gain)
//	T   = sqrt(N-1) V Λ^-1/2 V'             (symmetric transform)
//	E_a = mean + w'A + a·Ω T A              (a = inflation, Ω = rotation or I)
//
// so the anomalies are inflated after the analysis (DAPPER's post_process)
// and the rotation Ω (see Rotate) keeps the mean and covariance.
//
// When p < N the same w and T are computed exactly from the p×p
// eigendecomposition Ỹ'Ỹ = WΛ_pW' instead (T = I + ỸW g(Λ_p) W'Ỹ' with
// g(λ) = ((1+λ/(N-1))^-1/2 - 1)/λ, and S^-1Ỹ = Ỹ((N-1)I+Ỹ'Ỹ)^-1), which
// costs O(Np² + N²n) rather than O(N³) and lets large ensembles run.
//
// An ETKF is not safe for concurrent use; Analyze does not allocate.
type ETKF struct {
	cfg ETKFConfig
	r   *ObsError

	obsSpace bool

	mu, mua []float64 // n
	xo, dy  []float64 // p
	a       []float64 // N×n anomalies
	y       []float64 // N×p whitened observed anomalies
	x       []float64 // N×n transformed anomalies
	w       []float64 // N mean weights

	// Ensemble-space path.
	s, t   []float64 // N×N: S (destroyed by the eigensolver); the transform T
	z      []float64 // N×N or p×p eigenvectors, one per row
	lam    []float64 // N or p eigenvalues
	gv, tv []float64 // N scratch vectors
	eig    *symEig

	// Observation-space path.
	g  []float64 // p×p Ỹ'Ỹ (destroyed by the eigensolver)
	b  []float64 // N×p ỸW
	bp []float64 // p×n B'A
	pv []float64 // p scratch

	rot    *rotator
	stream *Stream
}

// NewETKF validates cfg against R and allocates every workspace the
// analysis needs.
func NewETKF(cfg ETKFConfig, R *ObsError) (*ETKF, error) {
	if err := checkFilterConfig("ETKF", cfg.Members, cfg.Dim, cfg.Obs, cfg.Inflation, R); err != nil {
		return nil, err
	}
	return newETKF(cfg, R, cfg.Obs < cfg.Members), nil
}

// newETKF builds an ETKF on the chosen path (tests force either one).
func newETKF(cfg ETKFConfig, R *ObsError, obsSpace bool) *ETKF {
	N, n, p := cfg.Members, cfg.Dim, cfg.Obs
	f := &ETKF{
		cfg: cfg, r: R, obsSpace: obsSpace,
		mu: make([]float64, n), mua: make([]float64, n),
		xo: make([]float64, p), dy: make([]float64, p),
		a: make([]float64, N*n), y: make([]float64, N*p), x: make([]float64, N*n),
		w: make([]float64, N),
	}
	if obsSpace {
		f.g = make([]float64, p*p)
		f.z = make([]float64, p*p)
		f.lam = make([]float64, p)
		f.b = make([]float64, N*p)
		f.bp = make([]float64, p*n)
		f.pv = make([]float64, p)
		f.eig = newSymEig(p)
	} else {
		f.s = make([]float64, N*N)
		f.t = make([]float64, N*N)
		f.z = make([]float64, N*N)
		f.lam = make([]float64, N)
		f.gv = make([]float64, N)
		f.tv = make([]float64, N)
		f.eig = newSymEig(N)
	}
	if cfg.Rotate {
		f.rot = newRotator(N, n)
		f.stream = NewStream(cfg.Seed, PurposeRotation, 0)
	}
	return f
}

// Config returns the configuration the filter was built with.
func (f *ETKF) Config() ETKFConfig { return f.cfg }

// errNonFinite reports an analysis that met NaN or Inf values.
var errNonFinite = errors.New("non-finite values in the ensemble, observed ensemble or observation (has the model diverged?)")

// Analyze performs one ETKF analysis on E in place (see [ETKF]). index
// keys the rotation stream. On error E is unchanged.
func (f *ETKF) Analyze(E, HE *Ensemble, y []float64, index uint64) error {
	N, n, p := f.cfg.Members, f.cfg.Dim, f.cfg.Obs
	if err := checkAnalysisArgs("ETKF", N, n, p, E, HE, y); err != nil {
		return err
	}
	anomalies(f.a, f.mu, E.Data, N, n)
	anomalies(f.y, f.xo, HE.Data, N, p)
	for i, v := range y {
		f.dy[i] = v - f.xo[i]
	}
	f.r.whitenRows(f.y, N)
	f.r.whitenVec(f.dy)

	var ok bool
	if f.obsSpace {
		ok = f.transformObsSpace()
	} else {
		ok = f.transformEnsSpace()
	}
	if !ok {
		return fmt.Errorf("ETKF analysis %d: %w", index, errNonFinite)
	}

	// mean_a = mean + A'w.
	copy(f.mua, f.mu)
	blasImpl.Dgemv(blas.Trans, N, n, 1, f.a, n, f.w, 1, 1, f.mua, 1)
	if !allFinite(f.mua) {
		return fmt.Errorf("ETKF analysis %d: %w", index, errNonFinite)
	}
	if f.rot != nil {
		f.stream.Reset(f.cfg.Seed, PurposeRotation, index)
		f.rot.apply(f.x, f.stream)
	}
	infl := f.cfg.Inflation
	for k := 0; k < N; k++ {
		row := E.Data[k*n : (k+1)*n]
		xr := f.x[k*n : (k+1)*n]
		for i, m := range f.mua {
			row[i] = m + infl*xr[i]
		}
	}
	return nil
}

// transformEnsSpace sets w and x = T A from the N×N eigendecomposition of
// S = (N-1)I + ỸỸ'. It reports false on non-finite values.
func (f *ETKF) transformEnsSpace() bool {
	N, n, p := f.cfg.Members, f.cfg.Dim, f.cfg.Obs
	n1 := float64(N - 1)
	syrkRows(f.s, f.y, N, p)
	for i := 0; i < N; i++ {
		f.s[i*N+i] += n1
	}
	if !allFinite(f.dy) || !f.eig.decompose(f.s, f.lam, f.z) {
		return false
	}
	if !(f.lam[0] > 0) {
		return false
	}
	zt := f.z // V', eigenvectors in rows
	// w = V Λ^-1 V' Ỹδ.
	blasImpl.Dgemv(blas.NoTrans, N, p, 1, f.y, p, f.dy, 1, 0, f.gv, 1)
	blasImpl.Dgemv(blas.NoTrans, N, N, 1, zt, N, f.gv, 1, 0, f.tv, 1)
	for k, l := range f.lam {
		f.tv[k] /= l
	}
	blasImpl.Dgemv(blas.Trans, N, N, 1, zt, N, f.tv, 1, 0, f.w, 1)
	// T = U U' with U = V diag((N-1)^1/4 Λ^-1/4), built in s (free again).
	u := f.s
	for k, l := range f.lam {
		f.tv[k] = math.Sqrt(math.Sqrt(n1 / l))
	}
	for i := 0; i < N; i++ {
		row := u[i*N : (i+1)*N]
		for k, sc := range f.tv {
			row[k] = zt[k*N+i] * sc
		}
	}
	syrkRows(f.t, u, N, N)
	blasImpl.Dgemm(blas.NoTrans, blas.NoTrans, N, n, N, 1, f.t, N, f.a, n, 0, f.x, n)
	return true
}

// transformObsSpace sets w and x = T A from the p×p eigendecomposition of
// Ỹ'Ỹ (p < N). It reports false on non-finite values.
func (f *ETKF) transformObsSpace() bool {
	N, n, p := f.cfg.Members, f.cfg.Dim, f.cfg.Obs
	n1 := float64(N - 1)
	blasImpl.Dsyrk(blas.Upper, blas.Trans, p, N, 1, f.y, p, 0, f.g, p)
	if !allFinite(f.dy) || !f.eig.decompose(f.g, f.lam, f.z) {
		return false
	}
	// B = ỸW, with W' = z.
	blasImpl.Dgemm(blas.NoTrans, blas.Trans, N, p, p, 1, f.y, p, f.z, p, 0, f.b, p)
	// w = Ỹ ((N-1)I + Ỹ'Ỹ)^-1 δ = B diag(1/(N-1+λ)) W'δ.
	blasImpl.Dgemv(blas.NoTrans, p, p, 1, f.z, p, f.dy, 1, 0, f.pv, 1)
	for k, l := range f.lam {
		f.pv[k] /= n1 + math.Max(l, 0)
	}
	blasImpl.Dgemv(blas.NoTrans, N, p, 1, f.b, p, f.pv, 1, 0, f.w, 1)
	// T A = A + B diag(g) B'A with g(λ) = -1/((N-1) r (1+r)), r = sqrt(1+λ/(N-1)),
	// which is ((1+λ/(N-1))^-1/2 - 1)/λ written without cancellation.
	blasImpl.Dgemm(blas.Trans, blas.NoTrans, p, n, N, 1, f.b, p, f.a, n, 0, f.bp, n)
	for k, l := range f.lam {
		r := math.Sqrt(1 + math.Max(l, 0)/n1)
		gk := -1 / (n1 * r * (1 + r))
		row := f.bp[k*n : (k+1)*n]
		for j := range row {
			row[j] *= gk
		}
	}
	copy(f.x, f.a)
	blasImpl.Dgemm(blas.NoTrans, blas.NoTrans, N, n, p, 1, f.b, p, f.bp, n, 1, f.x, n)
	return true
}
