// Package gol96 is Lorenz-96 written by hand in plain Go, as a user would
// write their own model: RK4, the periodic wrap peeled at the edges, and
// workspaces kept between steps. examples/lorenz96/goetkf.cyc runs it in
// the benchmark experiment instead of the .cyc model.
package gol96

// Model is Lorenz-96 on a ring with forcing F. It is not safe for
// concurrent use: each worker needs its own value.
type Model struct {
	F                   float64
	k1, k2, k3, k4, tmp []float64
}

// NewModel returns the model with the standard forcing F = 8.
func NewModel() *Model { return &Model{F: 8} }

// tendency writes dx/dt at x into dx.
func (m *Model) tendency(dx, x []float64) {
	n := len(x)
	F := m.F
	dx[0] = (x[1]-x[n-2])*x[n-1] - x[0] + F
	dx[1] = (x[2]-x[n-1])*x[0] - x[1] + F
	for i := 2; i < n-1; i++ {
		dx[i] = (x[i+1]-x[i-2])*x[i-1] - x[i] + F
	}
	dx[n-1] = (x[0]-x[n-3])*x[n-2] - x[n-1] + F
}

// Step advances x in place from time t by dt with RK4.
func (m *Model) Step(x []float64, t, dt float64) error {
	n := len(x)
	if len(m.k1) != n {
		m.k1, m.k2, m.k3, m.k4, m.tmp = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	}
	k1, k2, k3, k4, tmp := m.k1, m.k2, m.k3, m.k4, m.tmp
	m.tendency(k1, x)
	for i := range x {
		tmp[i] = x[i] + dt/2*k1[i]
	}
	m.tendency(k2, tmp)
	for i := range x {
		tmp[i] = x[i] + dt/2*k2[i]
	}
	m.tendency(k3, tmp)
	for i := range x {
		tmp[i] = x[i] + dt*k3[i]
	}
	m.tendency(k4, tmp)
	for i := range x {
		x[i] += dt / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
	}
	return nil
}
