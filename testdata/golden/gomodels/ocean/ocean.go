// Package ocean is a user's Go model for the gomodels golden case.
package ocean

import "errors"

// Drift moves every site a little towards its right neighbour.
func Drift(x []float64, t, dt float64) {
	first := x[0]
	for i := range len(x) - 1 {
		x[i] += dt * (x[i+1] - x[i])
	}
	x[len(x)-1] += dt * (first - x[len(x)-1])
}

// DriftTangent replaces dx by M dx, M the Jacobian of Drift: Drift is
// linear in the state, so its tangent-linear is Drift itself.
func DriftTangent(x, dx []float64, t, dt float64) { Drift(dx, t, dt) }

// DriftAdjoint replaces ax by Mᵀ ax: Drift's M is (1-dt)·I plus dt times
// the shift to the right neighbour (periodic), so Mᵀ mixes each site with
// its left neighbour.
func DriftAdjoint(x, ax []float64, t, dt float64) {
	n := len(ax)
	last := ax[n-1]
	for i := n - 1; i > 0; i-- {
		ax[i] = (1-dt)*ax[i] + dt*ax[i-1]
	}
	ax[0] = (1-dt)*ax[0] + dt*last
}

// Model relaxes the state towards Target at rate Kappa.
type Model struct {
	Kappa, Target float64
	Steps         int // not a parameter: not a float64
}

// NewModel returns the model with its default parameters.
func NewModel() *Model { return &Model{Kappa: 0.5, Target: 1} }

// Step advances x by dt.
func (m *Model) Step(x []float64, t, dt float64) error {
	if m.Kappa < 0 {
		return errors.New("ocean: negative Kappa")
	}
	for i := range x {
		x[i] += dt * m.Kappa * (m.Target - x[i])
	}
	m.Steps++
	return nil
}
