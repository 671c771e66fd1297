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
	Additive          float64 // std s >= 0 of the N(0, s²) draws added to every member after the analysis (0 = none)
	RTPP              float64 // relaxation to prior perturbations, in [0, 1] (0 = none)
	RTPS              float64 // relaxation to prior spread, >= 0 (0 = none)
	Rotate            bool    // post-multiply the transform by a random mean-preserving rotation
	Seed              uint64  // keys the rotation and additive streams (Seed, PurposeRotation or PurposeAdditiveInflation, analysis index)
}

// inflation returns the inflation and relaxation options of cfg.
func (cfg ETKFConfig) inflation() InflationConfig {
	return InflationConfig{Multiplicative: cfg.Inflation, Additive: cfg.Additive, RTPP: cfg.RTPP, RTPS: cfg.RTPS}
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
// and the rotation Ω (see Rotate) keeps the mean and covariance. With
// RTPP or RTPS the anomalies Ω T A are first relaxed toward A, and
// additive noise comes last (see [Inflator] for the order and formulas).
//
// No eigenvectors are formed: when p >= N, S is reduced to tridiagonal
// form, w comes from one tridiagonal solve and T A from Zolotarev's
// rational approximation of S^-1/2 on S's known spectral interval, a few
// shifted tridiagonal solves; when p < N the same approximation is
// applied through Woodbury's identity to the tridiagonal form of the p×p
// Ỹ'Ỹ, O(Np² + Npn) work rather than O(N³). The work on the N×n and N×p
// matrices is level-3 products by register tiles (see mulB). The [LETKF]
// applies the same transform to each state element.
//
// An ETKF is not safe for concurrent use; Analyze does not allocate.
type ETKF struct {
	cfg ETKFConfig
	r   *ObsError
	sub *obsSubset // the observations present in an analysis with missing values

	obsSpace bool

	mu, mua []float64 // n
	xo, dy  []float64 // p
	a       []float64 // N×n anomalies
	y       []float64 // N×p whitened observed anomalies
	x       []float64 // N×n transformed anomalies
	w       []float64 // N mean weights
	tr      *sqrtTransform

	rot  *seededRotator
	infl *Inflator
}

// NewETKF validates cfg against R and allocates every workspace the
// analysis needs.
func NewETKF(cfg ETKFConfig, R *ObsError) (*ETKF, error) {
	if err := checkFilterConfig("ETKF", cfg.Members, cfg.Dim, cfg.Obs, cfg.Inflation, R); err != nil {
		return nil, err
	}
	infl, err := newInflator("ETKF", cfg.inflation(), cfg.Members, cfg.Dim, cfg.Seed)
	if err != nil {
		return nil, err
	}
	f := newETKF(cfg, R, cfg.Obs < cfg.Members)
	f.infl = infl
	return f, nil
}

// newETKF builds an ETKF on the chosen path (tests force either one). Its
// configuration must be valid.
func newETKF(cfg ETKFConfig, R *ObsError, obsSpace bool) *ETKF {
	N, n, p := cfg.Members, cfg.Dim, cfg.Obs
	infl, _ := newInflator("ETKF", cfg.inflation(), N, n, cfg.Seed)
	f := &ETKF{
		cfg: cfg, r: R, obsSpace: obsSpace, sub: newObsSubset(R), infl: infl,
		mu: make([]float64, n), mua: make([]float64, n),
		xo: make([]float64, p), dy: make([]float64, p),
		a: make([]float64, N*n), y: make([]float64, N*p), x: make([]float64, N*n),
		w: make([]float64, N),
	}
	if obsSpace {
		f.tr = newSqrtTransform(N, n, false, p)
	} else {
		f.tr = newSqrtTransform(N, n, true, 0)
		f.tr.useTransposed(p)
	}
	if cfg.Rotate {
		f.rot = newSeededRotator(N, n, cfg.Seed)
	}
	return f
}

// Config returns the configuration the filter was built with.
func (f *ETKF) Config() ETKFConfig { return f.cfg }

// errNonFinite reports an analysis that met NaN or Inf values.
var errNonFinite = errors.New("non-finite values in the ensemble, observed ensemble or observation (has the model diverged?)")

// Analyze performs one ETKF analysis on E in place (see [ETKF]), then its
// relaxation and inflation. index keys the rotation and additive streams.
// On error E is unchanged.
//
// A NaN in y is a missing value: its rows of HE, y and R are left out, so
// the analysis is that of the reduced problem. When every value is
// missing, Analyze returns [ErrNoObservations] (not wrapped) and leaves E
// unchanged. It does not allocate in any case.
func (f *ETKF) Analyze(E, HE *Ensemble, y []float64, index uint64) error {
	N, n, p := f.cfg.Members, f.cfg.Dim, f.cfg.Obs
	if err := checkAnalysisArgs("ETKF", N, n, p, E, HE, y); err != nil {
		return err
	}
	missing := 0
	for _, v := range y {
		if v != v {
			missing++
		}
	}
	if missing == p {
		return ErrNoObservations
	}
	if membersEqual(E.Data, N, n) {
		return fmt.Errorf("ETKF analysis %d: %w", index, errCollapsed)
	}
	anomalies(f.a, f.mu, E.Data, N, n)
	anomalies(f.y, f.xo, HE.Data, N, p)
	f.infl.prior(E.Data)
	for i, v := range y {
		f.dy[i] = v - f.xo[i]
	}
	if missing == 0 {
		f.r.whitenRows(f.y, N)
		f.r.whitenVec(f.dy)
	} else if !f.whitenPresent(y) {
		return fmt.Errorf("ETKF analysis %d: %w", index, errSubsetR)
	}

	var ok bool
	if f.obsSpace && n > 1 {
		ok = f.tr.obsSpaceRational(f.y, p, f.dy, f.a, n, f.w, f.x)
	} else if f.obsSpace {
		ok = f.tr.obsSpace(f.y, p, f.dy, f.a, n, f.w, f.x)
	} else {
		ok = f.tr.ensSpace(f.y, p, f.dy, f.a, n, f.w, f.x)
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
		f.rot.rotate(f.x, index)
	}
	f.infl.posteriorSplit(E.Data, f.mua, f.x, index)
	return nil
}

// whitenPresent whitens the observed anomalies and the innovation over
// the observations present (y not NaN) with R restricted to them, and sets
// the missing columns of both to zero, which the transforms then ignore
// exactly: a zero column of Ỹ adds nothing to ỸỸ' or Ỹδ. It reports
// false if the restricted R is not numerically positive definite.
func (f *ETKF) whitenPresent(y []float64) bool {
	N, p := f.cfg.Members, f.cfg.Obs
	f.sub.find(y)
	if !f.sub.factor(f.r) {
		return false
	}
	idx := f.sub.idx
	packColumns(f.y, N, p, idx)
	f.r.whitenRowsSub(f.y, N, f.sub)
	unpackColumns(f.y, N, p, idx)
	packColumns(f.dy, 1, p, idx)
	f.r.whitenVecSub(f.dy, f.sub)
	unpackColumns(f.dy, 1, p, idx)
	return true
}

// maxZolotarevPoles bounds the rational transform: beyond it (S's
// condition number above about 10⁴) its coefficients lose digits and the
// eigendecomposition is not much slower.
const maxZolotarevPoles = 24

// sqrtTransform computes the ensemble-space square-root update of N
// members from whitened observed anomalies Ỹ (N×p, one member per row)
// and a whitened innovation δ (p): with S = (N-1)I + ỸỸ',
//
//	w = S^-1 Ỹ δ        and        X = T A = sqrt(N-1) S^-1/2 A
//
// for anomalies A of N×cols. The [ETKF] applies it once to the whole
// state (cols = n); the [LETKF] once per state element (cols = 1) with
// its local, tapered Ỹ and δ. Two exact ways are offered:
//
//   - ensSpace (any p; the cheaper one when p is not much below N):
//     S is reduced to tridiagonal form, w comes from one tridiagonal
//     solve, and T A from Zolotarev's rational approximation of S^-1/2
//     on S's known spectral interval, a few shifted tridiagonal solves.
//     No eigenvectors are formed, except when S is too ill-conditioned
//     for the rational approximation.
//   - obsSpace (p < N): w and T come from the p×p eigendecomposition
//     Ỹ'Ỹ = WΛ_pW' instead: T = I + ỸW g(Λ_p) W'Ỹ' with
//     g(λ) = ((1+λ/(N-1))^-1/2 - 1)/λ, and S^-1Ỹ = Ỹ((N-1)I+Ỹ'Ỹ)^-1,
//     O(Np² + Np·cols) rather than O(N³) work.
//     obsSpaceRational (cols > 1) gets them without eigenvectors, from
//     the rational approximation and the tridiagonal form of Ỹ'Ỹ.
//
// It owns only workspace: the inputs and outputs are the caller's, and
// p may change from call to call up to the size it was built for.
type sqrtTransform struct {
	members, cols int

	// Ensemble-space path.
	s, t    []float64 // N×N: S (destroyed by the eigensolver); the transform T
	z       []float64 // N×N eigenvectors, one per row (fallback)
	lam     []float64 // N eigenvalues (fallback)
	gv, tv  []float64 // N scratch vectors
	eig     *symEig
	zo      *zolotarev   // the rational approximation, recomputed when S's interval changes
	zos     []*zolotarev // or a cache of them by interval (see cacheRational)
	bq      []float64    // N×cols: Q'A
	zq      []float64    // N×cols: R Q'A (ensSpaceProducts)
	yt      []float64    // p×N: Ỹ' (see useTransposed), or nil
	wq, wq2 []float64    // N×cols: forward sweeps of two shifted solves
	ld, li  []float64    // N: LDL' factors of a shifted tridiagonal form
	ld2     []float64    // N: the same for a second shift
	li2     []float64

	// Lanes of rationalColumn (one column): shifts, weights and pivots by
	// lane, and N×lanes inverted pivots, multipliers and sweeps.
	lsig, lgam, lpiv []float64
	lld, lli, lw     []float64

	// Observation-space path, for p up to maxObs.
	maxObs int
	g      []float64 // p×p Ỹ'Ỹ (destroyed by the eigensolver)
	zp     []float64 // p×p eigenvectors, one per row
	lamp   []float64 // p eigenvalues
	b      []float64 // N×p ỸW
	bp     []float64 // p×cols B'A
	pv     []float64 // p scratch
	eigp   *symEig

	// Rational observation-space path (cols > 1; see obsSpaceRational).
	oq, oz []float64 // p×cols: Q'Ỹ'A, then the sum of the shifted solves
	opv    []float64 // p scratch
}

// newSqrtTransform allocates the workspace of N members and cols columns
// for the ensemble-space path (if ens) and for the observation-space path
// with up to maxObs observations (if maxObs > 0).
func newSqrtTransform(N, cols int, ens bool, maxObs int) *sqrtTransform {
	t := &sqrtTransform{members: N, cols: cols, maxObs: maxObs}
	if ens {
		t.s = make([]float64, N*N)
		t.t = make([]float64, N*N)
		t.z = make([]float64, N*N)
		t.lam = make([]float64, N)
		t.gv = make([]float64, N)
		t.tv = make([]float64, N)
		t.eig = newSymEig(N)
		t.zo = newZolotarev(maxZolotarevPoles)
		t.bq = make([]float64, N*cols)
		if cols > 1 {
			t.zq = make([]float64, N*cols)
		}
		t.wq = make([]float64, N*cols)
		t.wq2 = make([]float64, N*cols)
		t.ld = make([]float64, N)
		t.li = make([]float64, N)
		t.ld2 = make([]float64, N)
		t.li2 = make([]float64, N)
		if cols == 1 {
			L := maxZolotarevPoles + 1
			t.lsig, t.lgam, t.lpiv = make([]float64, L), make([]float64, L), make([]float64, L)
			t.lld, t.lli, t.lw = make([]float64, N*L), make([]float64, N*L), make([]float64, N*L)
		}
	}
	if maxObs > 0 {
		p := maxObs
		t.g = make([]float64, p*p)
		t.zp = make([]float64, p*p)
		t.lamp = make([]float64, p)
		t.b = make([]float64, N*p)
		t.bp = make([]float64, p*cols)
		t.pv = make([]float64, p)
		t.eigp = newSymEig(p)
		if cols > 1 {
			t.oq, t.oz, t.opv = make([]float64, p*cols), make([]float64, p*cols), make([]float64, p)
			if !ens {
				t.zo = newZolotarev(maxZolotarevPoles)
				t.wq, t.wq2 = make([]float64, p*cols), make([]float64, p*cols)
				t.ld, t.li = make([]float64, p), make([]float64, p)
				t.ld2, t.li2 = make([]float64, p), make([]float64, p)
			}
		}
	}
	return t
}

// blockedMinMembers is the smallest ensemble for which ensSpace forms S
// by a tiled product from Ỹ': below it syrkRows' dot products are faster.
const blockedMinMembers = 32

// useTransposed gives t room for Ỹ' with up to p observations, so that
// ensSpace forms S by a tiled product.
func (t *sqrtTransform) useTransposed(p int) { t.yt = make([]float64, p*t.members) }

// rationalCacheSize is the number of approximations cacheRational keeps:
// 64 consecutive intervals of the 2^(1/32) grid cover condition numbers
// over a factor of 4 without a miss.
const rationalCacheSize = 64

// cacheRational makes t keep Zolotarev approximations for many intervals
// instead of one, for callers (the LETKF) whose successive S differ: the
// coefficients cost far more than a local analysis. The coefficients
// depend on the interval only, so the cache changes no result.
func (t *sqrtTransform) cacheRational() {
	t.zos = make([]*zolotarev, rationalCacheSize)
	for i := range t.zos {
		t.zos[i] = newZolotarev(maxZolotarevPoles)
	}
}

// rational returns Zolotarev's approximation of x^-1/2 on [1, b] (see
// zolotarev.set), or nil if b is out of its range.
func (t *sqrtTransform) rational(b float64) *zolotarev {
	zo := t.zo
	if t.zos != nil {
		// The slot of b's point on set's grid 2^(k/32).
		k := 0
		if b > 1 && b < 0x1p60 {
			k = int(math.Ceil(32 * math.Log2(b)))
		}
		zo = t.zos[k%rationalCacheSize]
	}
	if !zo.set(b) {
		return nil
	}
	return zo
}

// ensSpace sets w (N) and x = T A (N×cols) from the N×p Ỹ in y, δ in dy
// and the anomalies a (N×cols, cols at most the transform's) on the
// ensemble-space path. S is reduced to tridiagonal form K = Q'SQ; then
// w = Q K^-1 Q'Ỹδ, and since the spectrum of S lies in [N-1, hi] with hi
// from Gershgorin's bound on K, T A = sqrt(N-1) Q r(K) Q'A with
// Zolotarev's rational approximation r of x^-1/2 there (relative error
// ~1e-15), a sum of shifted tridiagonal solves: O(N²(p+cols)) work and
// no eigenvectors. Ill-conditioned S (hi/(N-1) beyond about 10⁴) falls
// back to the eigendecomposition. It reports false on non-finite values.
func (t *sqrtTransform) ensSpace(y []float64, p int, dy, a []float64, cols int, w, x []float64) bool {
	N := t.members
	n1 := float64(N - 1)
	if cols > 1 && N >= blockedMinMembers && len(t.yt) >= p*N {
		// S from Ỹ' (p×N): the tiled product beats syrkRows' dot products.
		yt := t.yt[:p*N]
		transposeTo(yt, y, N, p)
		mulB(blas.Trans, N, N, p, 1, yt, N, yt, N, 0, t.s, N)
	} else {
		syrkRows(t.s, y, N, p)
	}
	for i := 0; i < N; i++ {
		t.s[i*N+i] += n1
	}
	if !allFinite(dy[:p]) || !t.eig.reduceFull(t.s) { // syrkRows set both triangles
		return false
	}
	hi := gershgorinMax(t.eig.d[:N], t.eig.e)
	// S >= (N-1)I exactly; the margins cover rounding.
	lo := n1 * (1 - 0x1p-40)
	hi *= 1 + 0x1p-40
	zo := t.rational(hi / lo)
	if zo == nil {
		return t.ensSpaceEig(y, p, dy, a, cols, w, x)
	}
	if cols > 1 {
		return t.ensSpaceProducts(zo, lo, y, p, dy, a, cols, w, x)
	}
	// One column: w = Q K^-1 Q' Ỹδ and B = Q'A, both at once, then
	// x = sqrt(N-1) lo^-1/2 d0 Q (B + Σ β_l lo (K + lo c_l)^-1 B).
	blasImpl.Dgemv(blas.NoTrans, N, p, 1, y, p, dy, 1, 0, w, 1)
	bq := t.bq[:N]
	copy(bq, a[:N])
	t.eig.applyQT2(t.s, w, bq)
	g0 := math.Sqrt(n1/lo) * zo.d0
	if !t.rationalColumn(zo, lo, g0, w, bq, x) {
		return t.ensSpaceEig(y, p, dy, a, cols, w, x)
	}
	t.eig.applyQ2(t.s, w, x)
	return true
}

// ensSpaceProducts is ensSpace for cols > 1 from the rational
// approximation zo on [lo, hi], with Q' formed explicitly so that the work
// on the N×cols anomalies is level-3 products (mulB) rather than one
// reflector at a time: with R = g0 (I + Σ β_l lo (K + lo c_l I)^-1),
// X = Q R (Q'A) when cols <= N, and X = (Q R Q') A, T formed first, when
// the anomalies are wider than the ensemble.
func (t *sqrtTransform) ensSpaceProducts(zo *zolotarev, lo float64, y []float64, p int, dy, a []float64, cols int, w, x []float64) bool {
	N := t.members
	n1 := float64(N - 1)
	qt := t.z
	t.eig.formQT(t.s, qt)
	// w = Q K^-1 Q' Ỹδ.
	blasImpl.Dgemv(blas.NoTrans, N, p, 1, y, p, dy, 1, 0, t.gv, 1)
	blasImpl.Dgemv(blas.NoTrans, N, N, 1, qt, N, t.gv, 1, 0, t.tv, 1)
	if !t.factorShifted(0, t.ld, t.li) {
		return t.ensSpaceEig(y, p, dy, a, cols, w, x)
	}
	solveTridiagonal(t.tv, 1, t.ld, t.li)
	blasImpl.Dgemv(blas.Trans, N, N, 1, qt, N, t.tv, 1, 0, w, 1)
	// acc = R b with b = Q'A (N×cols) or Q' (N×N).
	wide := cols > N
	bc := cols
	var b, acc []float64
	if wide {
		bc, b, acc = N, qt, t.t
	} else {
		b, acc = t.bq[:N*cols], t.zq[:N*cols]
		mulB(blas.NoTrans, N, cols, N, 1, qt, N, a, cols, 0, b, cols)
	}
	g0 := math.Sqrt(n1/lo) * zo.d0
	for i, v := range b[:N*bc] {
		acc[i] = g0 * v
	}
	l := 0
	for ; l+1 < zo.n; l += 2 {
		if !t.factorShifted(lo*zo.pole[l], t.ld, t.li) || !t.factorShifted(lo*zo.pole[l+1], t.ld2, t.li2) {
			return t.ensSpaceEig(y, p, dy, a, cols, w, x)
		}
		solveTridiagonalAdd2(b, bc, t.ld, t.li, t.ld2, t.li2, t.wq, t.wq2,
			g0*zo.beta[l]*lo, g0*zo.beta[l+1]*lo, acc)
	}
	if l < zo.n {
		if !t.factorShifted(lo*zo.pole[l], t.ld, t.li) {
			return t.ensSpaceEig(y, p, dy, a, cols, w, x)
		}
		solveTridiagonalAdd(b, bc, t.ld, t.li, t.wq, g0*zo.beta[l]*lo, acc)
	}
	if !wide {
		mulB(blas.Trans, N, cols, N, 1, qt, N, acc, cols, 0, x, cols)
		return true
	}
	tm := t.bq[:N*N] // T = Q (R Q')
	mulB(blas.Trans, N, N, N, 1, qt, N, acc, N, 0, tm, N)
	mulB(blas.NoTrans, N, cols, N, 1, tm, N, a, cols, 0, x, cols)
	return true
}

// rationalColumn is the tridiagonal part of ensSpace for one column:
// w ← K^-1 w and x = g0 (b + Σ β_l lo (K + lo c_l)^-1 b). The shifted
// factorisations and solves of every pole (and of the shift 0 for w) run
// as lanes of one loop, so that their recurrences, each a chain of
// dependent divisions or products, overlap instead of following one
// another. Each lane's arithmetic, and the order in which the poles add
// into x, are those of factorShifted, solveTridiagonal and
// solveTridiagonalAdd(2), so the bits are theirs. It reports false on a
// non-positive pivot.
func (t *sqrtTransform) rationalColumn(zo *zolotarev, lo, g0 float64, w, b, x []float64) bool {
	N, L := t.members, zo.n+1 // lane 0: the shift 0, for w
	d, e := t.eig.d[:N], t.eig.e[:N]
	w, b, x = w[:N], b[:N], x[:N]
	sig, gam, piv := t.lsig[:L], t.lgam[:L], t.lpiv[:L]
	sig[0], gam[0] = 0, 0
	for l := 1; l < L; l++ {
		sig[l], gam[l] = lo*zo.pole[l-1], g0*zo.beta[l-1]*lo
	}
	ld, li, lw := t.lld[:N*L], t.lli[:N*L], t.lw[:N*L]
	// Factorisations of K + σ_l I, pivots inverted, and the forward sweep.
	for l := range piv {
		piv[l] = d[0] + sig[l]
		lw[l] = b[0]
	}
	lw[0] = w[0]
	for i := 0; ; i++ {
		ldi := ld[i*L : (i+1)*L]
		for l, pv := range piv {
			if !(pv > 0) {
				return false
			}
			ldi[l] = 1 / pv
		}
		if i == N-1 {
			break
		}
		ei, lii := e[i], li[i*L:(i+1)*L]
		wp, wi := lw[i*L:(i+1)*L], lw[(i+1)*L:(i+2)*L]
		lii, wp, wi = lii[:len(ldi)], wp[:len(ldi)], wi[:len(ldi)]
		bi := b[i+1]
		for l, r := range ldi {
			m := ei * r
			lii[l] = m
			piv[l] = d[i+1] + sig[l] - m*ei
			wi[l] = bi - m*wp[l]
		}
		wi[0] = w[i+1] - lii[0]*wp[0]
	}
	// Backward sweep, the poles adding into x two by two in order.
	last, ldl := lw[(N-1)*L:N*L], ld[(N-1)*L:N*L]
	ldl = ldl[:len(last)]
	for l := range last {
		last[l] *= ldl[l]
	}
	for i := N - 1; i >= 0; i-- {
		wi := lw[i*L : (i+1)*L]
		if i < N-1 {
			wn, ldi, lii := lw[(i+1)*L:(i+2)*L], ld[i*L:(i+1)*L], li[i*L:(i+1)*L]
			wn, ldi, lii = wn[:len(wi)], ldi[:len(wi)], lii[:len(wi)]
			for l := range wi {
				wi[l] = wi[l]*ldi[l] - lii[l]*wn[l]
			}
		}
		w[i] = wi[0]
		acc := g0 * b[i]
		l := 1
		for ; l+1 < L; l += 2 {
			acc += gam[l]*wi[l] + gam[l+1]*wi[l+1]
		}
		if l < L {
			acc += gam[l] * wi[l]
		}
		x[i] = acc
	}
	return true
}

// gershgorinMax returns Gershgorin's upper bound on the eigenvalues of
// the symmetric tridiagonal matrix of diagonal d and off-diagonal e.
func gershgorinMax(d, e []float64) float64 {
	N := len(d)
	hi := 0.0
	for i := 0; i < N; i++ {
		r := d[i]
		if i > 0 {
			r += math.Abs(e[i-1])
		}
		if i < N-1 {
			r += math.Abs(e[i])
		}
		hi = max(hi, r)
	}
	return hi
}

// factorShifted computes the LDL' factorisation of K + σI (K the
// tridiagonal form of S, positive definite, σ >= 0) into ld (reciprocal
// pivots) and li (multipliers). It reports false on a non-positive pivot,
// which only rounding could produce.
func (t *sqrtTransform) factorShifted(sigma float64, ld, li []float64) bool {
	return factorTridiagonal(t.eig.d, t.eig.e, sigma, ld, li)
}

// factorTridiagonal is factorShifted for the tridiagonal matrix of
// diagonal d and off-diagonal e, of order len(ld).
func factorTridiagonal(d, e []float64, sigma float64, ld, li []float64) bool {
	N := len(ld)
	piv := d[0] + sigma
	for i := 0; ; i++ {
		if !(piv > 0) {
			return false
		}
		ld[i] = 1 / piv
		if i == N-1 {
			return true
		}
		l := e[i] * ld[i]
		li[i] = l
		piv = d[i+1] + sigma - l*e[i]
	}
}

// solveTridiagonal solves LDL'x = b in place for the N×cols row-major b,
// with reciprocal pivots ld and multipliers li (see factorShifted).
func solveTridiagonal(x []float64, cols int, ld, li []float64) {
	N := len(ld)
	for i := 1; i < N; i++ {
		xi, xp := x[i*cols:(i+1)*cols], x[(i-1)*cols:i*cols]
		xp = xp[:len(xi)]
		l := li[i-1]
		for j := range xi {
			xi[j] -= l * xp[j]
		}
	}
	last := x[(N-1)*cols : N*cols]
	for j := range last {
		last[j] *= ld[N-1]
	}
	for i := N - 2; i >= 0; i-- {
		xi, xn := x[i*cols:(i+1)*cols], x[(i+1)*cols:(i+2)*cols]
		xn = xn[:len(xi)]
		di, l := ld[i], li[i]
		for j := range xi {
			xi[j] = xi[j]*di - l*xn[j]
		}
	}
}

// solveTridiagonalAdd adds gamma·(LDL')^-1 b to acc (both N×cols), using w
// (N×cols) as scratch: one pass down and one up, the second accumulating.
func solveTridiagonalAdd(b []float64, cols int, ld, li, w []float64, gamma float64, acc []float64) {
	N := len(ld)
	copy(w[:cols], b[:cols])
	for i := 1; i < N; i++ {
		wi, wp, bi := w[i*cols:(i+1)*cols], w[(i-1)*cols:i*cols], b[i*cols:(i+1)*cols]
		wp = wp[:len(wi)]
		bi = bi[:len(wi)]
		l := li[i-1]
		for j := range wi {
			wi[j] = bi[j] - l*wp[j]
		}
	}
	last, al := w[(N-1)*cols:N*cols], acc[(N-1)*cols:N*cols]
	al = al[:len(last)]
	dl := ld[N-1]
	for j := range last {
		v := last[j] * dl
		last[j] = v
		al[j] += gamma * v
	}
	for i := N - 2; i >= 0; i-- {
		wi, wn, ai := w[i*cols:(i+1)*cols], w[(i+1)*cols:(i+2)*cols], acc[i*cols:(i+1)*cols]
		wn, ai = wn[:len(wi)], ai[:len(wi)]
		di, l := ld[i], li[i]
		for j := range wi {
			v := wi[j]*di - l*wn[j]
			wi[j] = v
			ai[j] += gamma * v
		}
	}
}

// solveTridiagonalAdd2 adds g1·(L1D1L1')^-1 b + g2·(L2D2L2')^-1 b to acc
// (all N×cols), with w1, w2 as scratch. It runs down and up four columns
// at a time, both solves together, so that the recurrences stay in
// registers and every load of b and store of acc serves both shifts.
func solveTridiagonalAdd2(b []float64, cols int, ld1, li1, ld2, li2, w1, w2 []float64, g1, g2 float64, acc []float64) {
	N := len(ld1)
	li1, ld2, li2 = li1[:N], ld2[:N], li2[:N]
	j := 0
	for ; j+3 < cols; j += 4 {
		bb := b[j : j+4 : j+4]
		p0, p1, p2, p3 := bb[0], bb[1], bb[2], bb[3]
		q0, q1, q2, q3 := p0, p1, p2, p3
		u1, u2 := w1[j:j+4:j+4], w2[j:j+4:j+4]
		u1[0], u1[1], u1[2], u1[3] = p0, p1, p2, p3
		u2[0], u2[1], u2[2], u2[3] = q0, q1, q2, q3
		for i := 1; i < N; i++ {
			o := i*cols + j
			bb := b[o : o+4 : o+4]
			l1, l2 := li1[i-1], li2[i-1]
			b0, b1, b2, b3 := bb[0], bb[1], bb[2], bb[3]
			p0, p1, p2, p3 = b0-l1*p0, b1-l1*p1, b2-l1*p2, b3-l1*p3
			q0, q1, q2, q3 = b0-l2*q0, b1-l2*q1, b2-l2*q2, b3-l2*q3
			u1, u2 := w1[o:o+4:o+4], w2[o:o+4:o+4]
			u1[0], u1[1], u1[2], u1[3] = p0, p1, p2, p3
			u2[0], u2[1], u2[2], u2[3] = q0, q1, q2, q3
		}
		d1, d2 := ld1[N-1], ld2[N-1]
		p0, p1, p2, p3 = p0*d1, p1*d1, p2*d1, p3*d1
		q0, q1, q2, q3 = q0*d2, q1*d2, q2*d2, q3*d2
		o := (N-1)*cols + j
		aa := acc[o : o+4 : o+4]
		aa[0] += g1*p0 + g2*q0
		aa[1] += g1*p1 + g2*q1
		aa[2] += g1*p2 + g2*q2
		aa[3] += g1*p3 + g2*q3
		for i := N - 2; i >= 0; i-- {
			o := i*cols + j
			u1, u2 := w1[o:o+4:o+4], w2[o:o+4:o+4]
			d1, d2, l1, l2 := ld1[i], ld2[i], li1[i], li2[i]
			p0, p1, p2, p3 = u1[0]*d1-l1*p0, u1[1]*d1-l1*p1, u1[2]*d1-l1*p2, u1[3]*d1-l1*p3
			q0, q1, q2, q3 = u2[0]*d2-l2*q0, u2[1]*d2-l2*q1, u2[2]*d2-l2*q2, u2[3]*d2-l2*q3
			aa := acc[o : o+4 : o+4]
			aa[0] += g1*p0 + g2*q0
			aa[1] += g1*p1 + g2*q1
			aa[2] += g1*p2 + g2*q2
			aa[3] += g1*p3 + g2*q3
		}
	}
	for ; j < cols; j++ { // the last cols%4 columns, one at a time
		p := b[j]
		q := p
		w1[j], w2[j] = p, q
		for i := 1; i < N; i++ {
			o := i*cols + j
			p = b[o] - li1[i-1]*p
			q = b[o] - li2[i-1]*q
			w1[o], w2[o] = p, q
		}
		p, q = p*ld1[N-1], q*ld2[N-1]
		acc[(N-1)*cols+j] += g1*p + g2*q
		for i := N - 2; i >= 0; i-- {
			o := i*cols + j
			p = w1[o]*ld1[i] - li1[i]*p
			q = w2[o]*ld2[i] - li2[i]*q
			acc[o] += g1*p + g2*q
		}
	}
}

// ensSpaceEig is ensSpace from the N×N eigendecomposition of S, whose
// tridiagonal reduction t.eig holds. It reports false on non-finite
// values.
func (t *sqrtTransform) ensSpaceEig(y []float64, p int, dy, a []float64, cols int, w, x []float64) bool {
	N := t.members
	n1 := float64(N - 1)
	if !t.eig.finish(t.s, t.lam, t.z) {
		return false
	}
	if !(t.lam[0] > 0) {
		return false
	}
	zt := t.z // V', eigenvectors in rows
	// w = V Λ^-1 V' Ỹδ.
	blasImpl.Dgemv(blas.NoTrans, N, p, 1, y, p, dy, 1, 0, t.gv, 1)
	blasImpl.Dgemv(blas.NoTrans, N, N, 1, zt, N, t.gv, 1, 0, t.tv, 1)
	for k, l := range t.lam {
		t.tv[k] /= l
	}
	blasImpl.Dgemv(blas.Trans, N, N, 1, zt, N, t.tv, 1, 0, w, 1)
	// T = U U' with U = V diag((N-1)^1/4 Λ^-1/4), built in s (free again).
	u := t.s
	for k, l := range t.lam {
		t.tv[k] = math.Sqrt(math.Sqrt(n1 / l))
	}
	for i := 0; i < N; i++ {
		row := u[i*N : (i+1)*N]
		for k, sc := range t.tv {
			row[k] = zt[k*N+i] * sc
		}
	}
	syrkRows(t.t, u, N, N)
	gemm(blas.NoTrans, blas.NoTrans, N, cols, N, 1, t.t, N, a, cols, 0, x, cols)
	return true
}

// obsSpaceRational sets w and x = T A as obsSpace does (p < N, cols > 1)
// without eigenvectors: G = Ỹ'Ỹ is reduced to tridiagonal form K = Q'GQ
// and, with Zolotarev's r(x) ≈ x^-1/2 on the spectral interval of S/lo
// (S = (N-1)I + ỸỸ', lo just below N-1) and Woodbury's identity
// (σI + ỸỸ')^-1 = (I - Ỹ(σI + G)^-1 Ỹ')/σ,
//
//	T A = sqrt(N-1) S^-1/2 A ≈ c0 A - Ỹ Q Σ_l γ_l (K + σ_l I)^-1 Q'Ỹ'A
//	w   = S^-1 Ỹ δ = Ỹ Q (K + (N-1)I)^-1 Q'δ
//
// with σ_l = N-1 + lo c_l, γ_l = g0 β_l lo/σ_l and c0 = g0 + Σ γ_l. The
// work is three products with the N×p Ỹ (G, Ỹ'A and the update, all
// level-3) and O(p³ + p²·cols) in observation space. Ill-conditioned S
// falls back to obsSpace. It reports false on non-finite values.
func (t *sqrtTransform) obsSpaceRational(y []float64, p int, dy, a []float64, cols int, w, x []float64) bool {
	N := t.members
	n1 := float64(N - 1)
	g, qt := t.g[:p*p], t.zp[:p*p]
	t.eigp.setSize(p)
	mulB(blas.Trans, p, p, N, 1, y, p, y, p, 0, g, p) // both triangles, exactly symmetric
	if !allFinite(dy[:p]) || !t.eigp.reduceFull(g) {
		return false
	}
	d, e := t.eigp.d[:p], t.eigp.e
	lo := n1 * (1 - 0x1p-40)
	hi := (n1 + max(gershgorinMax(d, e), 0)) * (1 + 0x1p-40)
	zo := t.rational(hi / lo)
	if zo == nil {
		return t.obsSpace(y, p, dy, a, cols, w, x)
	}
	t.eigp.formQT(g, qt)
	ld, li, ld2, li2 := t.ld[:p], t.li[:p], t.ld2[:p], t.li2[:p]
	// w = Ỹ Q (K + (N-1)I)^-1 Q'δ.
	pv, pv2 := t.pv[:p], t.opv[:p]
	blasImpl.Dgemv(blas.NoTrans, p, p, 1, qt, p, dy, 1, 0, pv, 1)
	if !factorTridiagonal(d, e, n1, ld, li) {
		return t.obsSpace(y, p, dy, a, cols, w, x)
	}
	solveTridiagonal(pv, 1, ld, li)
	blasImpl.Dgemv(blas.Trans, p, p, 1, qt, p, pv, 1, 0, pv2, 1)
	blasImpl.Dgemv(blas.NoTrans, N, p, 1, y, p, pv2, 1, 0, w, 1)
	// B = Q'Ỹ'A, then Z = Σ γ_l (K + σ_l I)^-1 B.
	ya, bq, z := t.bp[:p*cols], t.oq[:p*cols], t.oz[:p*cols]
	mulB(blas.Trans, p, cols, N, 1, y, p, a, cols, 0, ya, cols)
	mulB(blas.NoTrans, p, cols, p, 1, qt, p, ya, cols, 0, bq, cols)
	clear(z)
	g0 := math.Sqrt(n1/lo) * zo.d0
	c0 := g0
	wq, wq2 := t.wq[:p*cols], t.wq2[:p*cols]
	l := 0
	for ; l+1 < zo.n; l += 2 {
		s1, s2 := n1+lo*zo.pole[l], n1+lo*zo.pole[l+1]
		g1, g2 := g0*zo.beta[l]*lo/s1, g0*zo.beta[l+1]*lo/s2
		c0 += g1 + g2
		if !factorTridiagonal(d, e, s1, ld, li) || !factorTridiagonal(d, e, s2, ld2, li2) {
			return t.obsSpace(y, p, dy, a, cols, w, x)
		}
		solveTridiagonalAdd2(bq, cols, ld, li, ld2, li2, wq, wq2, g1, g2, z)
	}
	if l < zo.n {
		s1 := n1 + lo*zo.pole[l]
		g1 := g0 * zo.beta[l] * lo / s1
		c0 += g1
		if !factorTridiagonal(d, e, s1, ld, li) {
			return t.obsSpace(y, p, dy, a, cols, w, x)
		}
		solveTridiagonalAdd(bq, cols, ld, li, wq, g1, z)
	}
	// X = c0 A - Ỹ (Q Z).
	mulB(blas.Trans, p, cols, p, 1, qt, p, z, cols, 0, ya, cols)
	x, a = x[:N*cols], a[:N*cols]
	for i, v := range a {
		x[i] = c0 * v
	}
	mulB(blas.NoTrans, N, cols, p, -1, y, p, ya, cols, 1, x, cols)
	return allFinite(w[:N])
}

// obsSpace sets w and x = T A as ensSpace does, from the p×p
// eigendecomposition of Ỹ'Ỹ (p < N, p at most the transform's maxObs).
// It reports false on non-finite values.
func (t *sqrtTransform) obsSpace(y []float64, p int, dy, a []float64, cols int, w, x []float64) bool {
	N := t.members
	n1 := float64(N - 1)
	g, z, lam, b, bp, pv := t.g[:p*p], t.zp[:p*p], t.lamp[:p], t.b[:N*p], t.bp[:p*cols], t.pv[:p]
	t.eigp.setSize(p)
	blasImpl.Dsyrk(blas.Upper, blas.Trans, p, N, 1, y, p, 0, g, p)
	if !allFinite(dy[:p]) || !t.eigp.decompose(g, lam, z) {
		return false
	}
	// B = ỸW, with W' = z.
	gemm(blas.NoTrans, blas.Trans, N, p, p, 1, y, p, z, p, 0, b, p)
	// w = Ỹ ((N-1)I + Ỹ'Ỹ)^-1 δ = B diag(1/(N-1+λ)) W'δ.
	blasImpl.Dgemv(blas.NoTrans, p, p, 1, z, p, dy, 1, 0, pv, 1)
	for k, l := range lam {
		pv[k] /= n1 + max(l, 0)
	}
	blasImpl.Dgemv(blas.NoTrans, N, p, 1, b, p, pv, 1, 0, w, 1)
	// T A = A + B diag(g) B'A with g(λ) = -1/((N-1) r (1+r)), r = sqrt(1+λ/(N-1)),
	// which is ((1+λ/(N-1))^-1/2 - 1)/λ written without cancellation.
	gemm(blas.Trans, blas.NoTrans, p, cols, N, 1, b, p, a, cols, 0, bp, cols)
	for k, l := range lam {
		r := math.Sqrt(1 + max(l, 0)/n1)
		gk := -1 / (n1 * r * (1 + r))
		row := bp[k*cols : (k+1)*cols]
		for j := range row {
			row[j] *= gk
		}
	}
	copy(x[:N*cols], a[:N*cols])
	gemm(blas.NoTrans, blas.NoTrans, N, cols, p, 1, b, p, bp, cols, 1, x, cols)
	return true
}
