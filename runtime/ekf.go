// The extended Kalman filter: one state with a full covariance, propagated
// by the model's tangent-linear and updated through the operator's Jacobian.

package runtime

import (
	"fmt"
	"math"
)

// EKFConfig configures an [EKF].
type EKFConfig struct {
	Dim, Obs int // state size n, observation count p
	// Inflation is DAPPER's covariance factor per unit model time a >= 1
	// (1 = none): every model step multiplies the forecast covariance by
	// a^DT.
	Inflation float64
	DT        float64 // model time step, > 0
	// Additive is the standard deviation s of an additive inflation
	// (0 = none): every analysis adds s² to the diagonal of its
	// covariance, the covariance of the N(0, s²) draws an ensemble
	// filter's additive inflation adds to every member.
	Additive float64
}

// EKF is the extended Kalman filter on a mean x and a full covariance P
// (n×n), following DAPPER's ExtKF:
//
//	forecast, per model step:  P ← a^dt M P Mᵀ,  x ← Step(x)
//	analysis:                  K = P Hᵀ (H P Hᵀ + R)^-1,
//	                           x ← x + K (y − H(x)),  P ← (I − K H) P
//
// with a the inflation per unit time (DAPPER's infl ** dt, so tuning does
// not depend on dt), M the Jacobian of the model step and H that of the
// operator at the forecast x. There is no model-error term (DAPPER's
// dt·Q; the language has none).
//
// Where ours differs from DAPPER: M is the exact derivative of the
// discrete step (the generated tangent-linear, stage by stage for
// Runge–Kutta schemes) taken at the state at the start of the step, the
// one the step is applied to. DAPPER's ExtKF steps the mean first and
// takes the Jacobian at the state after the step, and its Jacobians are
// resolvents of the continuous tangent-linear model with J frozen over
// the step (L96: expm(dt J), L63: I + dt J). In the linear-Gaussian case
// both are the exact Kalman filter, and the `kf` analysis is this filter
// with a = 1 over a linear model (it equals [KalmanFilter] to rounding).
//
// The analysis uses S = H P Hᵀ + R = L Lᵀ (Cholesky, never inverted),
// W = L^-1 H P and P_a = P − Wᵀ W, which is (I − K H) P written so that it
// is symmetric by construction, as in [KalmanFilter]. The Joseph form
// (I − K H) P (I − K H)ᵀ + K R Kᵀ guards against a gain that is not the
// optimal one for P; here K is that optimal gain to rounding, and Joseph
// would cost two n×n×n products per analysis instead of one n×n×p rank
// update. A NaN in y is a missing value: its rows of H, y and R are left
// out.
//
// The spread it reports is the square root of the mean of diag(P), as
// DAPPER's rmv for a Kalman filter: [EKF.Variance] after Forecast for the
// forecast and after Analyze for the analysis.
//
// An EKF is not safe for concurrent use. Forecast and Analyze do not
// allocate.
type EKF struct {
	cfg     EKFConfig
	perStep float64   // a^dt
	x, p    []float64 // n, n×n
	tn      []float64 // n×n scratch: the analysis covariance before it is accepted
	inc     []float64 // n analysis increment
	core    blue
}

// NewEKF validates cfg against R and starts the filter at the given mean
// (length n) and covariance (n×n row-major, symmetric to a relative
// 1e-10); both are copied.
func NewEKF(cfg EKFConfig, r *ObsError, mean, cov []float64) (*EKF, error) {
	n, p := cfg.Dim, cfg.Obs
	switch {
	case n < 1:
		return nil, fmt.Errorf("EKF: state dimension %d, want at least 1", n)
	case p < 1:
		return nil, fmt.Errorf("EKF: %d observations, want at least 1", p)
	case !(cfg.Inflation >= 1) || cfg.Inflation > 1e6:
		return nil, fmt.Errorf("EKF: inflation %v, want a finite value >= 1", cfg.Inflation)
	case !(cfg.DT > 0) || math.IsInf(cfg.DT, 0):
		return nil, fmt.Errorf("EKF: model time step %v, want a finite value > 0", cfg.DT)
	case !(cfg.Additive >= 0) || math.IsInf(cfg.Additive, 0):
		return nil, fmt.Errorf("EKF: additive inflation %v, want a finite value >= 0", cfg.Additive)
	case r == nil:
		return nil, fmt.Errorf("EKF: no observation-error covariance")
	case r.Dim() != p:
		return nil, fmt.Errorf("EKF: observation-error covariance is %dx%d but there are %d observations", r.Dim(), r.Dim(), p)
	case len(mean) != n:
		return nil, fmt.Errorf("EKF: initial mean has %d values, want %d", len(mean), n)
	case len(cov) != n*n:
		return nil, fmt.Errorf("EKF: initial covariance has %d values, want %d×%d = %d", len(cov), n, n, n*n)
	case !allFinite(mean):
		return nil, fmt.Errorf("EKF: initial mean is not finite")
	}
	if err := checkSymmetric(cov, n); err != nil {
		return nil, fmt.Errorf("EKF: initial covariance: %w", err)
	}
	f := &EKF{cfg: cfg, perStep: math.Pow(cfg.Inflation, cfg.DT),
		x: append([]float64(nil), mean...), p: append([]float64(nil), cov...),
		tn: make([]float64, n*n), inc: make([]float64, n)}
	symmetrize(f.p, n)
	f.core.init(n, p, r)
	f.core.wt = make([]float64, n*p)
	return f, nil
}

// Config returns the configuration the filter was built with.
func (f *EKF) Config() EKFConfig { return f.cfg }

// Mean returns the current mean. The slice aliases the filter's state: it
// is valid, and changes, until the next Forecast or Analyze.
func (f *EKF) Mean() []float64 { return f.x }

// Cov returns the current covariance (n×n row-major), aliased like Mean.
func (f *EKF) Cov() []float64 { return f.p }

// Variance writes diag(P) into dst (length n).
func (f *EKF) Variance(dst []float64) {
	n := f.cfg.Dim
	dst = dst[:n]
	for i := range dst {
		dst[i] = f.p[i*n+i]
	}
}

// Forecast advances the filter by steps model steps from model time t0
// (step k starting at t0 + k·DT): per step P ← a^dt M P Mᵀ, M the
// Jacobian of the step at the state it starts from, then x ← Step(x).
// M P Mᵀ is formed with 2n tangent-linear calls: M is applied to the rows
// of P (its columns, P being symmetric), giving P Mᵀ; that is transposed
// to M P and M applied to its rows again. A non-finite mean or covariance
// at the end is an error; the filter is then not usable.
func (f *EKF) Forecast(m TangentModel, t0 float64, steps int) error {
	n := f.cfg.Dim
	if m == nil {
		return fmt.Errorf("EKF forecast: no model")
	}
	if steps < 0 {
		return fmt.Errorf("EKF forecast: %d steps, want >= 0", steps)
	}
	for k := 0; k < steps; k++ {
		t := t0 + float64(k)*f.cfg.DT
		for i := 0; i < n; i++ {
			m.Tangent(f.x, f.p[i*n:(i+1)*n], t)
		}
		transpose(f.p, n)
		for i := 0; i < n; i++ {
			m.Tangent(f.x, f.p[i*n:(i+1)*n], t)
		}
		symmetrizeScaled(f.p, n, f.perStep)
		m.Step(f.x, t)
	}
	if !allFinite(f.x) || !allFinite(f.p) {
		return fmt.Errorf("EKF forecast: %w", errNonFiniteState)
	}
	return nil
}

// Analyze assimilates y with the operator h: H is h's Jacobian at the
// forecast mean (built from its tangent-linear), S = H P Hᵀ + R,
// x ← x + P Hᵀ S^-1 (y − H(x)) and P ← (I − K H) P (see [EKF]). When
// every value of y is missing it returns [ErrNoObservations] (not
// wrapped); on any error the filter is unchanged.
func (f *EKF) Analyze(h TangentObs, y []float64) error {
	p := f.cfg.Obs
	c := &f.core
	if h == nil {
		return fmt.Errorf("EKF analysis: no observation operator")
	}
	if len(y) != p {
		return fmt.Errorf("EKF analysis: observation has %d values, want %d", len(y), p)
	}
	m, err := c.present(y)
	if err == ErrNoObservations {
		return err
	}
	if err != nil {
		return fmt.Errorf("EKF analysis: %w", err)
	}
	h.Apply(c.hx, f.x)
	c.innovation(y)
	if !allFinite(c.inn[:m]) {
		return fmt.Errorf("EKF analysis: the innovation y − H(x) is not finite")
	}
	c.jacobian(h, f.x)
	if err := c.factor(f.p, nil); err != nil {
		return fmt.Errorf("EKF analysis: %w", err)
	}
	c.increment(f.inc)
	c.covarianceUpdate(f.tn, f.p)
	if !allFinite(f.inc) || !allFinite(f.tn) {
		return fmt.Errorf("EKF analysis: %w", errNonFiniteState)
	}
	for i, d := range f.inc {
		f.x[i] += d
	}
	copy(f.p, f.tn)
	if s := f.cfg.Additive; s != 0 {
		n := f.cfg.Dim
		for i := 0; i < n; i++ {
			f.p[i*n+i] += s * s
		}
	}
	return nil
}

// transpose transposes the n×n matrix a in place.
func transpose(a []float64, n int) {
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			a[i*n+j], a[j*n+i] = a[j*n+i], a[i*n+j]
		}
	}
}

// symmetrizeScaled replaces the n×n matrix a by c (a + aᵀ)/2.
func symmetrizeScaled(a []float64, n int, c float64) {
	h := 0.5 * c
	for i := 0; i < n; i++ {
		a[i*n+i] *= c
		for j := i + 1; j < n; j++ {
			v := h * (a[i*n+j] + a[j*n+i])
			a[i*n+j], a[j*n+i] = v, v
		}
	}
}
