// Package l96 is Lorenz-96 written by hand in Go: RK4 with F = 8.
package l96

// Model is Lorenz-96 on a ring; F is the forcing.
type Model struct {
	F              float64
	k1, k2, k3, k4 []float64
	tmp            []float64
}

// NewModel returns the model with F = 8.
func NewModel() *Model { return &Model{F: 8} }

func (m *Model) tendency(dx, x []float64) {
	n := len(x)
	for i := range x {
		dx[i] = (x[(i+1)%n]-x[(i+n-2)%n])*x[(i+n-1)%n] - x[i] + m.F
	}
}

// Step advances x by dt with RK4.
func (m *Model) Step(x []float64, t, dt float64) error {
	n := len(x)
	if len(m.k1) != n {
		m.k1, m.k2, m.k3, m.k4, m.tmp = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	}
	m.tendency(m.k1, x)
	for i := range x {
		m.tmp[i] = x[i] + dt/2*m.k1[i]
	}
	m.tendency(m.k2, m.tmp)
	for i := range x {
		m.tmp[i] = x[i] + dt/2*m.k2[i]
	}
	m.tendency(m.k3, m.tmp)
	for i := range x {
		m.tmp[i] = x[i] + dt*m.k3[i]
	}
	m.tendency(m.k4, m.tmp)
	for i := range x {
		x[i] += dt / 6 * (m.k1[i] + 2*m.k2[i] + 2*m.k3[i] + m.k4[i])
	}
	return nil
}

// Tendency has the wrong shape for a forward model.
