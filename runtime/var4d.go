// Strong-constraint incremental 4D-Var: Gauss–Newton outer loops about
// the model trajectory, conjugate-gradient inner loops on the
// B^1/2-preconditioned control variable.

package runtime

import (
	"errors"
	"fmt"
	"math"
)

// DefaultVar4DTol is the inner-loop tolerance a [Var4DConfig] with Tol 0
// gets: conjugate gradients stop once the gradient of the quadratic cost
// (in the preconditioned control variable) has fallen to this fraction of
// its norm at the start of the outer loop.
const DefaultVar4DTol = 1e-6

// Var4DConfig configures a [Var4D].
type Var4DConfig struct {
	Dim, Obs int     // state size n, observation count p
	Steps    int     // window length in model steps
	ObsAt    []int   // model steps after the window start at which observations are assimilated: each in 1..Steps, increasing (a da cycle passes [Steps])
	DT       float64 // the model step, in model time; step s of the window starts at t0 + s·DT
	Inner    int     // the most conjugate-gradient iterations per outer loop (>= 1)
	Outer    int     // Gauss–Newton outer loops (>= 1)
	Tol      float64 // relative reduction of the preconditioned gradient norm at which CG stops early, in [0, 1); 0 gives DefaultVar4DTol
}

// Minimisation is what a variational analysis reports about its last
// minimisation, readable after each analysis without allocating. Outer
// loops are numbered 0 … Outer()-1.
type Minimisation interface {
	// Outer returns the number of outer loops the last analysis made.
	Outer() int
	// Cost returns the nonlinear cost at the start and at the end of
	// outer loop o.
	Cost(o int) (before, after float64)
	// GradNorm returns the norm of the cost's gradient, in the
	// preconditioned control variable, at the start of outer loop o.
	GradNorm(o int) float64
	// InnerIters returns the inner iterations outer loop o used.
	InnerIters(o int) int
	// Reduced reports whether the last outer loop did not increase the
	// nonlinear cost (see [Var4D.Reduced]).
	Reduced() bool
}

// Var4D is strong-constraint incremental 4D-Var over a window of Steps
// model steps. With the background xb at the window start, B = L Lᵀ (the
// [Background]'s square root), the control variable v with x0 = xb + L v
// and the observations y_k at steps ObsAt[k], it minimises
//
//	J(v) = ½|v|² + ½ Σ_k |R^-1/2 (y_k − H(M_k(xb + L v)))|²
//
// (M_k the model over the first ObsAt[k] steps, R^-1/2 the inverse of
// R's Cholesky factor) by Gauss–Newton: each outer loop runs the model
// from the current x0 = xb + L v, storing the state at every step start,
// and minimises the quadratic
//
//	Ĵ(δv) = ½|v + δv|² + ½ Σ_k |d_k − G_k δv|²,   G_k = R^-1/2 H_k M_k L,
//
// with d_k the whitened innovations of that trajectory and H_k, M_k the
// Jacobians along it, by conjugate gradients from δv = 0, then sets v +=
// δv. The background term stays about xb, so the outer loops converge to
// a minimum of J itself. The Hessian I + Σ_k G_kᵀ G_k is well
// conditioned, so CG needs few iterations. Each gradient and each
// Hessian-vector product costs one tangent-linear sweep forward over the
// window (the gradient needs none) and one adjoint sweep back.
//
// A NaN in an observation is a missing value and nil an observation
// time without any: their rows of y, H and R are left out.
//
// A Var4D is not safe for concurrent use; Analyze does not allocate.
type Var4D struct {
	cfg Var4DConfig
	tol float64
	b   *Background
	r   *ObsError
	obs []*windowObs

	// Set during Analyze.
	m  TangentModel
	h  TangentObs
	t0 float64

	traj     []float64 // (Steps+1)×n: the state at every step start, then the window end
	xb       []float64 // n: the background
	ctl, dv  []float64 // n: the control variable v, the increment δv
	res, dir []float64 // n: CG residual and direction
	hd       []float64 // n: Hessian times direction
	dx, lam  []float64 // n: tangent and adjoint states
	fc       []float64 // n: the background propagated to the window end

	outer           int
	before, after   []float64 // Outer: nonlinear costs
	grad            []float64 // Outer: gradient norms
	inner           []int     // Outer: inner iterations
	reduced, forecs bool
}

// Compile-time check that Var4D reports its minimisation.
var _ Minimisation = (*Var4D)(nil)

// NewVar4D validates cfg against B and R and allocates every workspace
// the analysis needs.
func NewVar4D(cfg Var4DConfig, b *Background, r *ObsError) (*Var4D, error) {
	switch {
	case cfg.Dim < 1:
		return nil, fmt.Errorf("4D-Var: state dimension %d, want at least 1", cfg.Dim)
	case cfg.Obs < 1:
		return nil, fmt.Errorf("4D-Var: %d observations, want at least 1", cfg.Obs)
	case cfg.Steps < 1:
		return nil, fmt.Errorf("4D-Var: window of %d steps, want at least 1", cfg.Steps)
	case len(cfg.ObsAt) == 0:
		return nil, fmt.Errorf("4D-Var: no observation times in the window")
	case !(cfg.DT > 0) || math.IsInf(cfg.DT, 0):
		return nil, fmt.Errorf("4D-Var: model step %v, want a finite value > 0", cfg.DT)
	case cfg.Inner < 1 || cfg.Outer < 1:
		return nil, fmt.Errorf("4D-Var: %d inner and %d outer iterations, want at least 1 of each", cfg.Inner, cfg.Outer)
	case !(cfg.Tol >= 0 && cfg.Tol < 1):
		return nil, fmt.Errorf("4D-Var: tolerance %v, want a value in [0, 1)", cfg.Tol)
	case b == nil:
		return nil, fmt.Errorf("4D-Var: no background covariance")
	case b.Dim() != cfg.Dim:
		return nil, fmt.Errorf("4D-Var: background covariance is %dx%d but the state has %d values", b.Dim(), b.Dim(), cfg.Dim)
	case r == nil:
		return nil, fmt.Errorf("4D-Var: no observation-error covariance")
	case r.Dim() != cfg.Obs:
		return nil, fmt.Errorf("4D-Var: observation-error covariance is %dx%d but there are %d observations", r.Dim(), r.Dim(), cfg.Obs)
	}
	for k, s := range cfg.ObsAt {
		if s < 1 || s > cfg.Steps || (k > 0 && s <= cfg.ObsAt[k-1]) {
			return nil, fmt.Errorf("4D-Var: observation times %v, want increasing steps in 1..%d", cfg.ObsAt, cfg.Steps)
		}
	}
	n := cfg.Dim
	cfg.ObsAt = append([]int(nil), cfg.ObsAt...)
	v := &Var4D{cfg: cfg, tol: cfg.Tol, b: b, r: r,
		traj: make([]float64, (cfg.Steps+1)*n), xb: make([]float64, n),
		ctl: make([]float64, n), dv: make([]float64, n),
		res: make([]float64, n), dir: make([]float64, n), hd: make([]float64, n),
		dx: make([]float64, n), lam: make([]float64, n), fc: make([]float64, n),
		before: make([]float64, cfg.Outer), after: make([]float64, cfg.Outer),
		grad: make([]float64, cfg.Outer), inner: make([]int, cfg.Outer),
		reduced: true,
	}
	if v.tol == 0 {
		v.tol = DefaultVar4DTol
	}
	for _, s := range cfg.ObsAt {
		v.obs = append(v.obs, newWindowObs(s, r))
	}
	return v, nil
}

// Config returns the configuration the analysis was built with.
func (v *Var4D) Config() Var4DConfig { return v.cfg }

// errVarNonFinite reports a minimisation that met NaN or Inf values.
var errVarNonFinite = errors.New("non-finite values in the trajectory, its cost or the minimisation (has the model diverged?)")

// Analyze makes one 4D-Var analysis of the window starting at model time
// t0 (see [Var4D]): x0 holds the background at the window start and is
// replaced by the analysis there; xEnd receives the analysis propagated
// to the window end (m over Steps steps), the state the cycle carries on.
// ys[k] is the observation at step ObsAt[k] (nil for none), referenced
// only during the call. What the minimisation did is read afterwards
// through the [Minimisation] methods, and [Var4D.Forecast] gives the
// background propagated to the window end.
//
// x0 and xEnd must not overlap. When no value of any observation is
// present, Analyze returns [ErrNoObservations] (not wrapped), leaves x0
// as it was and sets xEnd to the background's forecast. On any other
// error x0 and xEnd are unchanged (the Minimisation methods then describe
// the outer loops finished before it). It does not allocate in any case.
func (v *Var4D) Analyze(x0, xEnd []float64, t0 float64, m TangentModel, h TangentObs, ys [][]float64) error {
	n, p := v.cfg.Dim, v.cfg.Obs
	switch {
	case len(x0) != n || len(xEnd) != n:
		return fmt.Errorf("4D-Var: states of %d and %d values, want %d", len(x0), len(xEnd), n)
	case len(ys) != len(v.obs):
		return fmt.Errorf("4D-Var: %d observations for %d observation times", len(ys), len(v.obs))
	case m == nil || h == nil:
		return fmt.Errorf("4D-Var: no model or observation operator")
	}
	for k, y := range ys {
		if y != nil && len(y) != p {
			return fmt.Errorf("4D-Var: observation %d has %d values, want %d", k, len(y), p)
		}
	}
	v.m, v.h, v.t0 = m, h, t0
	defer v.release()
	present := 0
	for k, y := range ys {
		if !v.obs[k].set(y, v.r) {
			return fmt.Errorf("4D-Var analysis at time %v: observation at step %d: %w", t0, v.obs[k].step, errSubsetR)
		}
		present += v.obs[k].present
	}
	v.outer, v.reduced, v.forecs = 0, true, false
	copy(v.xb, x0)
	clear(v.ctl)
	if present == 0 {
		copy(v.traj[:n], v.xb)
		v.forward()
		end := v.state(v.cfg.Steps)
		copy(v.fc, end)
		v.forecs = true
		copy(xEnd, end)
		return ErrNoObservations
	}

	cost, err := v.linearise()
	if err != nil {
		return err
	}
	copy(v.fc, v.state(v.cfg.Steps))
	v.forecs = true
	for o := 0; o < v.cfg.Outer; o++ {
		v.before[o] = cost
		gnorm := v.gradient(v.res) // res = -g
		v.grad[o] = gnorm
		iters := 0
		if gnorm > 0 {
			iters = v.conjugateGradients(gnorm)
			for i, d := range v.dv {
				v.ctl[i] += d
			}
			if cost, err = v.linearise(); err != nil {
				return err
			}
		}
		if !(gnorm < math.Inf(1)) || !allFinite(v.ctl) {
			return fmt.Errorf("4D-Var analysis at time %v: %w", t0, errVarNonFinite)
		}
		v.after[o], v.inner[o] = cost, iters
		v.outer = o + 1
	}
	last := v.outer - 1
	v.reduced = !costRose(v.before[last], v.after[last])
	copy(x0, v.traj[:n])
	copy(xEnd, v.state(v.cfg.Steps))
	return nil
}

// costRiseTol is the relative rise of the cost that [Var4D.Reduced]
// puts down to rounding: at convergence the last outer loop changes the
// cost by less than its evaluation's rounding error, about 1e-14 of it.
const costRiseTol = 1e-12

// costRose reports whether an outer loop raised the cost from before to
// after by more than rounding.
func costRose(before, after float64) bool {
	return after > before+costRiseTol*math.Abs(before)
}

// release drops the references Analyze held.
func (v *Var4D) release() {
	v.m, v.h = nil, nil
	for _, o := range v.obs {
		o.y = nil
	}
}

// state returns the stored state at the start of step s of the window (s
// = Steps: its end).
func (v *Var4D) state(s int) []float64 {
	n := v.cfg.Dim
	return v.traj[s*n : (s+1)*n]
}

// stepTime is the model time at the start of step s of the window.
func (v *Var4D) stepTime(s int) float64 { return v.t0 + float64(s)*v.cfg.DT }

// forward runs the model over the window from the state in traj[0],
// storing every step's start and the end.
func (v *Var4D) forward() {
	n := v.cfg.Dim
	for s := 1; s <= v.cfg.Steps; s++ {
		x := v.traj[s*n : (s+1)*n]
		copy(x, v.traj[(s-1)*n:s*n])
		v.m.Step(x, v.stepTime(s-1))
	}
}

// linearise sets x0 = xb + L v, runs the model over the window from it
// and computes the whitened innovations of that trajectory. It returns
// the nonlinear cost J(v), or an error when it is not finite.
func (v *Var4D) linearise() (float64, error) {
	n := v.cfg.Dim
	x := v.traj[:n]
	v.b.SqrtMul(x, v.ctl)
	var ss float64
	for i, c := range v.ctl {
		x[i] += v.xb[i]
		ss += c * c
	}
	v.forward()
	cost := 0.5 * ss
	for _, o := range v.obs {
		if o.present == 0 {
			continue
		}
		v.h.Apply(o.hx, v.state(o.step))
		cost += o.innovation(v.r)
	}
	if !(math.Abs(cost) < math.Inf(1)) {
		return cost, fmt.Errorf("4D-Var analysis at time %v: %w", v.t0, errVarNonFinite)
	}
	return cost, nil
}

// tangent applies G_k = R^-1/2 H_k M_k L to u along the stored
// trajectory, leaving G_k u in each observation's w.
func (v *Var4D) tangent(u []float64) {
	v.b.SqrtMul(v.dx, u)
	s := 0
	for _, o := range v.obs {
		for ; s < o.step; s++ {
			v.m.Tangent(v.state(s), v.dx, v.stepTime(s))
		}
		if o.present == 0 {
			continue
		}
		v.h.Tangent(o.w, v.state(s), v.dx)
		o.whiten(o.w, v.r)
	}
}

// adjoint writes Σ_k G_kᵀ w_k into dst, with w_k each observation's w,
// in one sweep back over the window; the w are overwritten.
func (v *Var4D) adjoint(dst []float64) {
	clear(v.lam)
	s := v.obs[len(v.obs)-1].step
	for k := len(v.obs) - 1; k >= 0; k-- {
		o := v.obs[k]
		for ; s > o.step; s-- {
			v.m.Adjoint(v.state(s-1), v.lam, v.stepTime(s-1))
		}
		if o.present == 0 {
			continue
		}
		o.whitenT(o.w, v.r)
		v.h.Adjoint(v.lam, v.state(s), o.w)
	}
	for ; s > 0; s-- {
		v.m.Adjoint(v.state(s-1), v.lam, v.stepTime(s-1))
	}
	v.b.SqrtTMul(dst, v.lam)
}

// gradient writes the negative gradient of J at the current trajectory,
// Σ_k G_kᵀ d_k − v, into dst and returns its norm.
func (v *Var4D) gradient(dst []float64) float64 {
	for _, o := range v.obs {
		copy(o.w, o.d)
	}
	v.adjoint(dst)
	var ss float64
	for i, c := range v.ctl {
		dst[i] -= c
		ss += dst[i] * dst[i]
	}
	return math.Sqrt(ss)
}

// hessian writes (I + Σ_k G_kᵀ G_k) u into dst.
func (v *Var4D) hessian(dst, u []float64) {
	v.tangent(u)
	v.adjoint(dst)
	for i, x := range u {
		dst[i] += x
	}
}

// conjugateGradients minimises the quadratic of the outer loop from δv =
// 0, given its negative gradient there in res (norm r0), and leaves δv in
// dv. It returns the Hessian products it used: at most Inner, fewer when
// the residual has fallen to tol·r0 (or to zero, or rounding has made
// the curvature non-positive).
func (v *Var4D) conjugateGradients(r0 float64) int {
	clear(v.dv)
	copy(v.dir, v.res)
	rr := r0 * r0
	stop := v.tol * r0
	iters := 0
	for iters < v.cfg.Inner && rr > 0 && math.Sqrt(rr) > stop {
		v.hessian(v.hd, v.dir)
		iters++
		pq := blasImpl.Ddot(len(v.dir), v.dir, 1, v.hd, 1)
		if !(pq > 0) {
			break
		}
		alpha := rr / pq
		var next float64
		for i, d := range v.dir {
			v.dv[i] += alpha * d
			v.res[i] -= alpha * v.hd[i]
			next += v.res[i] * v.res[i]
		}
		beta := next / rr
		for i, r := range v.res {
			v.dir[i] = r + beta*v.dir[i]
		}
		rr = next
	}
	return iters
}

// Outer returns the number of outer loops the last Analyze made: Outer
// of the configuration, or 0 after an analysis without observations or
// before the first.
func (v *Var4D) Outer() int { return v.outer }

// Cost returns the nonlinear cost J at the start and at the end of outer
// loop o of the last Analyze.
func (v *Var4D) Cost(o int) (before, after float64) { return v.before[o], v.after[o] }

// GradNorm returns |∇J| in the control variable v at the start of outer
// loop o of the last Analyze.
func (v *Var4D) GradNorm(o int) float64 { return v.grad[o] }

// InnerIters returns the conjugate-gradient iterations (Hessian-vector
// products) outer loop o of the last Analyze used.
func (v *Var4D) InnerIters(o int) int { return v.inner[o] }

// Reduced reports whether the last outer loop of the last Analyze left
// the nonlinear cost no higher than it found it, up to rounding (a rise
// of at most 1e-12 of the cost, what a converged loop may show). A false
// value means the Gauss–Newton step overshot (the problem is too
// nonlinear over the window for its linearisation); the analysis is
// still that last iterate.
func (v *Var4D) Reduced() bool { return v.reduced }

// Forecast returns the background propagated to the window end by the
// last Analyze (the forecast before the analysis), or nil before the
// first. It is the analysis's workspace: read it before the next call.
func (v *Var4D) Forecast() []float64 {
	if !v.forecs {
		return nil
	}
	return v.fc
}
