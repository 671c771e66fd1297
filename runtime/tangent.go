// The derivatives the variational and extended-Kalman analyses need from
// a forward model and an observation operator: the generated tangent-linear
// and adjoint of the discrete step and of the operator.

package runtime

// TangentModel is a forward model with the tangent-linear and the adjoint
// of its discrete step. cyclec generates both for equation models (exactly,
// stage by stage for Runge–Kutta schemes); a user Go model supplies them.
// Slices have the state's length; none of the methods allocates.
type TangentModel interface {
	// Step advances x by one model step from model time t.
	Step(x []float64, t float64)
	// Tangent replaces dx by M dx, where M is the Jacobian of Step at x
	// (the state at the start of the step, which is left unchanged).
	Tangent(x, dx []float64, t float64)
	// Adjoint replaces ax by Mᵀ ax, M the Jacobian of Step at x, which is
	// left unchanged.
	Adjoint(x, ax []float64, t float64)
}

// TangentObs is an observation operator with its tangent-linear and
// adjoint. x and the state slices have the state's length, y and the
// observation slices the observation's; none of the methods allocates.
type TangentObs interface {
	// Apply writes H(x) into y.
	Apply(y, x []float64)
	// Tangent writes H dx into dy, H the Jacobian of the operator at x.
	Tangent(dy, x, dx []float64)
	// Adjoint adds Hᵀ ay to ax, H the Jacobian of the operator at x.
	Adjoint(ax, x, ay []float64)
}

// ObsJacobian writes the Jacobian of h at x into jac (p×n row-major, p =
// len(dy), n = len(x)), column by column from the tangent-linear: column j
// is H e_j. dx (length n) and dy (length p) are workspaces; dx is left
// zero.
func ObsJacobian(jac []float64, h TangentObs, x, dx, dy []float64) {
	n, p := len(x), len(dy)
	clear(dx)
	for j := 0; j < n; j++ {
		dx[j] = 1
		h.Tangent(dy, x, dx)
		dx[j] = 0
		for i := 0; i < p; i++ {
			jac[i*n+j] = dy[i]
		}
	}
}
