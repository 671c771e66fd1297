// 3D-Var and optimal interpolation with a static background covariance B,
// and the linearised BLUE update they share with the extended Kalman filter.

package runtime

import (
	"errors"
	"fmt"
	"slices"

	"gonum.org/v1/gonum/blas"
)

// Var3DConfig configures a [Var3D] or an [OI].
type Var3DConfig struct {
	Dim, Obs int // state size n, observation count p
	// LinearObs says the operator's Jacobian is the same at every state
	// (a linear H): the gain K is computed at the first analysis and
	// reused while the same observations are present, so Analyze must be
	// given the same operator every time. An [OI] always reuses its gain,
	// since it linearises at the same state every time.
	LinearObs bool
}

// Var3D is 3D-Var with a static background covariance B, done as DAPPER's
// Var3D does it: one Kalman update of the cycled state x with B as the
// prior covariance,
//
//	x ← x + K (y − H(x)),  K = B Hᵀ (H B Hᵀ + R)^-1,
//
// H the Jacobian of the operator at x (the forecast). For a linear H this
// is the exact minimiser of the 3D-Var cost
// J(x) = ½|x − x_b|²_B^-1 + ½|y − H x|²_R^-1. For a nonlinear H it is one
// Gauss–Newton step from the background, that is incremental 3D-Var with a
// single outer loop, not the minimiser of the nonlinear cost; DAPPER's
// Var3D makes the same single step (it has no iterative minimisation).
//
// S = H B Hᵀ + R is factored by Cholesky (never inverted). A NaN in y is a
// missing value: its rows of H, y and R are left out, so the analysis is
// that of the reduced problem.
//
// The scores it reports follow DAPPER: the analysis error variance is the
// diagonal of (I − K H) B, what DAPPER's Var3D assesses as the analysis
// covariance ([Var3D.Variance]). For the forecast DAPPER reports a
// diagnostic covariance (twice the climatological one times a fitted
// sigmoid of time since the analysis) that affects nothing; ours reports
// diag(B), the prior the analysis assumes ([Var3D.ForecastVariance]).
//
// A Var3D is not safe for concurrent use; Analyze does not allocate.
type Var3D struct {
	st staticBLUE
}

// NewVar3D validates cfg against B and R and allocates every workspace.
func NewVar3D(cfg Var3DConfig, b *Background, r *ObsError) (*Var3D, error) {
	v := &Var3D{}
	if err := v.st.init("3D-Var", cfg, b, r, cfg.LinearObs, false); err != nil {
		return nil, err
	}
	return v, nil
}

// Config returns the configuration the analysis was built with.
func (v *Var3D) Config() Var3DConfig { return v.st.cfg }

// Analyze replaces x (the forecast) by the analysis
// x + B Hᵀ (H B Hᵀ + R)^-1 (y − H(x)), H the operator's Jacobian at x.
// When every value of y is missing it returns [ErrNoObservations] (not
// wrapped) and x is unchanged; on any error x is unchanged.
func (v *Var3D) Analyze(x []float64, h TangentObs, y []float64) error {
	return v.st.analyze(x, x, h, y)
}

// Variance writes the analysis error variance of the latest analysis,
// the diagonal of (I − K H) B, into dst (length n); before the first
// analysis, and after one with no observation, it writes diag(B).
func (v *Var3D) Variance(dst []float64) { copy(dst[:v.st.cfg.Dim], v.st.va) }

// ForecastVariance writes diag(B), the error variance the analysis
// assumes for the forecast, into dst (length n).
func (v *Var3D) ForecastVariance(dst []float64) { v.st.backgroundVariance(dst) }

// OI is optimal interpolation as DAPPER's OptInterp does it: at every
// analysis time it analyses the climatological mean x_c, not the cycled
// state,
//
//	x ← x_c + K (y − H(x_c)),  K = B Hᵀ (H B Hᵀ + R)^-1,
//
// H the operator's Jacobian at x_c and B the climatological covariance,
// so nothing is carried from one analysis to the next. The gain and
// H(x_c) are computed at the first analysis (for each set of
// observations present) and reused: the operator passed to Analyze must
// be the same at every call.
//
// The analysis error variance reported is the diagonal of (I − K H) B
// ([OI.Variance]). DAPPER's OptInterp reports instead 2 B scaled by
// tr((I − K H) B) / tr(B), a diagnostic of twice that trace; ours is the
// covariance of the update itself, as for [Var3D]. DAPPER scores an OI
// forecast as x_c with covariance B ([OI.ForecastVariance] is diag(B)).
//
// An OI is not safe for concurrent use; Analyze does not allocate.
type OI struct {
	st   staticBLUE
	mean []float64 // x_c
}

// NewOI validates cfg, the climatological mean (length n, copied), B and
// R, and allocates every workspace. cfg.LinearObs is not needed: the
// gain is always reused.
func NewOI(cfg Var3DConfig, mean []float64, b *Background, r *ObsError) (*OI, error) {
	o := &OI{}
	if err := o.st.init("optimal interpolation", cfg, b, r, true, true); err != nil {
		return nil, err
	}
	if len(mean) != cfg.Dim {
		return nil, fmt.Errorf("optimal interpolation: mean has %d values, want %d", len(mean), cfg.Dim)
	}
	if !allFinite(mean) {
		return nil, fmt.Errorf("optimal interpolation: mean is not finite")
	}
	o.mean = append([]float64(nil), mean...)
	return o, nil
}

// Config returns the configuration the analysis was built with.
func (o *OI) Config() Var3DConfig { return o.st.cfg }

// Mean returns the climatological mean the analyses start from (do not
// modify it).
func (o *OI) Mean() []float64 { return o.mean }

// Analyze writes x_c + K (y − H(x_c)) into x; the incoming x is not read.
// When every value of y is missing it returns [ErrNoObservations] (not
// wrapped) and x is unchanged (the cycle keeps its forecast); on any
// error x is unchanged.
func (o *OI) Analyze(x []float64, h TangentObs, y []float64) error {
	return o.st.analyze(x, o.mean, h, y)
}

// Variance writes the analysis error variance of the latest analysis,
// the diagonal of (I − K H) B, into dst (length n); before the first
// analysis, and after one with no observation, it writes diag(B).
func (o *OI) Variance(dst []float64) { copy(dst[:o.st.cfg.Dim], o.st.va) }

// ForecastVariance writes diag(B) into dst (length n).
func (o *OI) ForecastVariance(dst []float64) { o.st.backgroundVariance(dst) }

// staticBLUE is the update with a static prior covariance B that Var3D
// and OI share.
type staticBLUE struct {
	name string
	cfg  Var3DConfig
	b    *Background
	core blue
	va   []float64 // n analysis variance

	// The reused gain (reuse set): kt = Kᵀ (m×n, stride n) for the
	// observations in key (all of them when keyAll), and H(x) at the
	// fixed linearisation point when fixedAt is set (OI).
	reuse    bool
	kt       []float64
	kvar     []float64 // n analysis variance that goes with kt
	keyValid bool
	keyAll   bool
	key      []int
	hxValid  bool
	fixedAt  bool
	hxFixed  []float64 // p
	inc      []float64 // n
}

// init validates and allocates. reuse keeps the gain between analyses;
// fixedAt says the linearisation point is the same at every analysis, so
// H there is computed once too.
func (s *staticBLUE) init(name string, cfg Var3DConfig, b *Background, r *ObsError, reuse, fixedAt bool) error {
	switch {
	case cfg.Dim < 1:
		return fmt.Errorf("%s: state dimension %d, want at least 1", name, cfg.Dim)
	case cfg.Obs < 1:
		return fmt.Errorf("%s: %d observations, want at least 1", name, cfg.Obs)
	case b == nil:
		return fmt.Errorf("%s: no background covariance", name)
	case b.Dim() != cfg.Dim:
		return fmt.Errorf("%s: background covariance is %dx%d but the state has %d elements", name, b.Dim(), b.Dim(), cfg.Dim)
	case r == nil:
		return fmt.Errorf("%s: no observation-error covariance", name)
	case r.Dim() != cfg.Obs:
		return fmt.Errorf("%s: observation-error covariance is %dx%d but there are %d observations", name, r.Dim(), r.Dim(), cfg.Obs)
	}
	n, p := cfg.Dim, cfg.Obs
	*s = staticBLUE{name: name, cfg: cfg, b: b, reuse: reuse, fixedAt: fixedAt,
		va: make([]float64, n), inc: make([]float64, n)}
	s.core.init(n, p, r)
	s.backgroundVariance(s.va)
	if reuse {
		s.kt = make([]float64, p*n)
		s.kvar = make([]float64, n)
		s.key = make([]int, 0, p)
		s.hxFixed = make([]float64, p)
	}
	return nil
}

// backgroundVariance writes diag(B) into dst.
func (s *staticBLUE) backgroundVariance(dst []float64) {
	copy(dst[:s.cfg.Dim], s.b.vars)
}

// analyze writes at + K(at) (y − H(at)) into dst (which may be at).
func (s *staticBLUE) analyze(dst, at []float64, h TangentObs, y []float64) error {
	n, p := s.cfg.Dim, s.cfg.Obs
	c := &s.core
	switch {
	case len(dst) != n || len(at) != n:
		return fmt.Errorf("%s: state has %d values, want %d", s.name, len(dst), n)
	case len(y) != p:
		return fmt.Errorf("%s: observation has %d values, want %d", s.name, len(y), p)
	case h == nil:
		return fmt.Errorf("%s: no observation operator", s.name)
	}
	m, err := c.present(y)
	if err == ErrNoObservations {
		s.backgroundVariance(s.va)
		return err
	}
	if err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	if !allFinite(at) {
		return fmt.Errorf("%s: the state is not finite (has the model diverged?)", s.name)
	}
	// Innovation y − H(at), over the present rows.
	if s.fixedAt {
		if !s.hxValid {
			h.Apply(s.hxFixed, at)
			s.hxValid = true
		}
		copy(c.hx, s.hxFixed)
	} else {
		h.Apply(c.hx, at)
	}
	c.innovation(y)
	if !allFinite(c.inn[:m]) {
		return fmt.Errorf("%s: the innovation y − H(x) is not finite", s.name)
	}
	inc := s.inc
	if s.reuse {
		if !s.keyMatches() {
			if err := s.gainAt(h, at); err != nil {
				return err
			}
		}
		// inc = Kᵀᵀ d.
		blasImpl.Dgemv(blas.Trans, m, n, 1, s.kt, n, c.inn, 1, 0, inc, 1)
	} else {
		c.jacobian(h, at)
		if err := c.factor(nil, s.b); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		c.increment(inc)
	}
	if !allFinite(inc) {
		return fmt.Errorf("%s: %w", s.name, errNonFiniteState)
	}
	if s.reuse {
		copy(s.va, s.kvar)
	} else {
		c.analysisVariance(s.va, s.b.vars)
	}
	for i, d := range inc {
		dst[i] = at[i] + d
	}
	return nil
}

// keyMatches reports whether the reused gain was computed for the
// observations present now.
func (s *staticBLUE) keyMatches() bool {
	if !s.keyValid {
		return false
	}
	if s.core.all {
		return s.keyAll
	}
	return !s.keyAll && slices.Equal(s.key, s.core.sub.idx)
}

// gainAt computes the reused gain Kᵀ = L^-T W at the state at, for the
// observations present, and the analysis variance that goes with it.
func (s *staticBLUE) gainAt(h TangentObs, at []float64) error {
	n, c := s.cfg.Dim, &s.core
	m := c.m
	s.keyValid = false
	c.jacobian(h, at)
	if err := c.factor(nil, s.b); err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	kt := s.kt[:m*n]
	copy(kt, c.w[:m*n])
	blasImpl.Dtrsm(blas.Left, blas.Lower, blas.Trans, blas.NonUnit, m, n, 1, c.s, m, kt, n)
	c.analysisVariance(s.kvar, s.b.vars)
	if !allFinite(kt) || !allFinite(s.kvar) {
		return fmt.Errorf("%s: gain: %w", s.name, errNonFiniteState)
	}
	s.keyAll = c.all
	s.key = append(s.key[:0], c.sub.idx...)
	s.keyValid = true
	return nil
}

// errNonFiniteState reports an analysis of a single state that met NaN or
// Inf values.
var errNonFiniteState = errors.New("non-finite values in the state, its covariance or the observation (has the model diverged?)")

// blue is the linearised best linear unbiased update of a single state x
// with prior covariance P and observation-error covariance R that the
// extended Kalman filter, 3D-Var and OI share. With H the operator's
// Jacobian at x (p×n, built column by column from its tangent-linear),
// d = y − H(x) and S = H P Hᵀ + R = L Lᵀ:
//
//	W = L^-1 H P,  increment = Wᵀ L^-1 d = P Hᵀ S^-1 d,  P_a = P − Wᵀ W,
//
// P_a being (I − K H) P, symmetric by construction. The rows of y that
// are NaN (missing) are left out with their rows of H and R: every
// matrix below then holds only the m rows present, packed.
type blue struct {
	n, p int
	r    *ObsError
	sub  *obsSubset
	m    int  // observations present in the current analysis
	all  bool // all p present (sub.idx is then not set)

	hx, inn []float64 // p: H(x), then the innovation packed to m (then L^-1 of it)
	jac     []float64 // p×n Jacobian, rows packed to m
	w       []float64 // p×n H P, then W = L^-1 H P
	s       []float64 // m×m (stride m) S, then its lower Cholesky factor L
	dx, dy  []float64 // workspaces of ObsJacobian: n, p
	wt      []float64 // n×p Wᵀ (covarianceUpdate)

	// When every row of the Jacobian is a unit row e_j (identity,
	// subsample and index operators), sel[a] is the j of row a and the
	// products with H are gathers.
	selection bool
	sel       []int // p
}

// init allocates for n states and the p observations of r.
func (c *blue) init(n, p int, r *ObsError) {
	*c = blue{n: n, p: p, r: r, sub: newObsSubset(r),
		hx: make([]float64, p), inn: make([]float64, p),
		jac: make([]float64, p*n), w: make([]float64, p*n), s: make([]float64, p*p),
		dx: make([]float64, n), dy: make([]float64, p), sel: make([]int, p)}
}

// present finds the observations present in y (see obsSubset.present)
// and returns their number.
func (c *blue) present(y []float64) (int, error) {
	m, err := c.sub.present(y, c.r)
	if err != nil {
		return m, err
	}
	c.m, c.all = m, m == c.p
	return m, nil
}

// innovation sets inn to y − hx over the present rows, packed.
func (c *blue) innovation(y []float64) {
	if c.all {
		for i, v := range y {
			c.inn[i] = v - c.hx[i]
		}
		return
	}
	for a, i := range c.sub.idx {
		c.inn[a] = y[i] - c.hx[i]
	}
}

// jacobian sets jac to the operator's Jacobian at x, its rows packed to
// the observations present.
func (c *blue) jacobian(h TangentObs, x []float64) {
	n := c.n
	ObsJacobian(c.jac, h, x, c.dx, c.dy)
	if !c.all {
		for a, i := range c.sub.idx {
			if a != i {
				copy(c.jac[a*n:(a+1)*n], c.jac[i*n:(i+1)*n])
			}
		}
	}
	c.selection = true
	for a := 0; a < c.m && c.selection; a++ {
		c.sel[a], c.selection = unitRow(c.jac[a*n : (a+1)*n])
	}
}

// unitRow reports whether row is a unit vector e_j, and j.
func unitRow(row []float64) (int, bool) {
	j := -1
	for k, v := range row {
		switch {
		case v == 0:
		case v == 1 && j < 0:
			j = k
		default:
			return 0, false
		}
	}
	return j, j >= 0
}

// factor sets w = H P, S = H P Hᵀ + R, factors S = L Lᵀ and turns w into
// W = L^-1 H P. The prior is the dense n×n pdense, or else b.
func (c *blue) factor(pdense []float64, b *Background) error {
	n, m := c.n, c.m
	jac, w, s := c.jac[:m*n], c.w[:m*n], c.s[:m*m]
	switch {
	case c.selection:
		c.gatherRows(w, pdense, b)
	case pdense != nil:
		gemm(blas.NoTrans, blas.NoTrans, m, n, n, 1, jac, n, pdense, n, 0, w, n)
	case b.diag:
		for a := 0; a < m; a++ {
			row, hrow := w[a*n:(a+1)*n], jac[a*n:(a+1)*n]
			for j, v := range b.vars {
				row[j] = hrow[j] * v
			}
		}
	default:
		gemm(blas.NoTrans, blas.NoTrans, m, n, n, 1, jac, n, b.cov, n, 0, w, n)
	}
	c.addR(s)
	if c.selection {
		// H P Hᵀ = (H P)[:, sel].
		for a := 0; a < m; a++ {
			row, src := s[a*m:(a+1)*m], w[a*n:(a+1)*n]
			for b, j := range c.sel[:m] {
				row[b] += src[j]
			}
		}
	} else {
		gemm(blas.NoTrans, blas.Trans, m, m, n, 1, w, n, jac, n, 1, s, m)
	}
	if !lapImpl.Dpotrf(blas.Lower, m, s, m) {
		return fmt.Errorf("innovation covariance H P Hᵀ + R is not positive definite")
	}
	blasImpl.Dtrsm(blas.Left, blas.Lower, blas.NoTrans, blas.NonUnit, m, n, 1, s, m, w, n)
	return nil
}

// gatherRows sets w = H P for a selection H: row a is row sel[a] of P
// (the dense pdense, or b).
func (c *blue) gatherRows(w, pdense []float64, b *Background) {
	n := c.n
	for a, j := range c.sel[:c.m] {
		row := w[a*n : (a+1)*n]
		switch {
		case pdense != nil:
			copy(row, pdense[j*n:(j+1)*n])
		case b.diag:
			clear(row)
			row[j] = b.vars[j]
		default:
			copy(row, b.cov[j*n:(j+1)*n])
		}
	}
}

// addR sets the m×m s to R restricted to the observations present.
func (c *blue) addR(s []float64) {
	r, p, m := c.r, c.p, c.m
	if c.all {
		r.Dense(s)
		return
	}
	idx := c.sub.idx
	if r.diag {
		clear(s)
		for a, i := range idx {
			s[a*m+a] = r.vars[i]
		}
		return
	}
	for a, i := range idx {
		for b, j := range idx {
			s[a*m+b] = r.cov[i*p+j]
		}
	}
}

// increment whitens the innovation, inn ← L^-1 inn, and writes
// Wᵀ inn = P Hᵀ S^-1 d into inc (length n). factor must have succeeded.
func (c *blue) increment(inc []float64) {
	m := c.m
	blasImpl.Dtrsv(blas.Lower, blas.NoTrans, blas.NonUnit, m, c.s, m, c.inn, 1)
	blasImpl.Dgemv(blas.Trans, m, c.n, 1, c.w, c.n, c.inn, 1, 0, inc, 1)
}

// analysisVariance writes the diagonal of P − Wᵀ W into dst, prior the
// diagonal of P. factor must have succeeded.
func (c *blue) analysisVariance(dst, prior []float64) {
	n := c.n
	copy(dst[:n], prior)
	for a := 0; a < c.m; a++ {
		for j, v := range c.w[a*n : (a+1)*n] {
			dst[j] -= v * v
		}
	}
}

// covarianceUpdate writes P − Wᵀ W into dst (n×n, both triangles), P the
// dense prior. factor must have succeeded.
// Wᵀ W is the Gram matrix of the rows of Wᵀ, which syrkRows forms about
// twice as fast as gonum's Dsyrk at these sizes.
func (c *blue) covarianceUpdate(dst, p []float64) {
	n, m := c.n, c.m
	wt := c.wt[:n*m]
	for a := 0; a < m; a++ {
		for j, v := range c.w[a*n : (a+1)*n] {
			wt[j*m+a] = v
		}
	}
	syrkRows(dst, wt, n, m)
	for i, v := range p[:n*n] {
		dst[i] = v - dst[i]
	}
}
