// Lorenz-63 and Lorenz-96 RK4 models written as generated code would, for scores and benchmarks.

package runtime

// l96 is a hand-written Lorenz-96 RK4 step for 40 variables, as generated
// code would write it, used to time a whole cycle.
type l96 struct{ k1, k2, k3, k4, tmp [40]float64 }

func (m *l96) tendency(dx, x *[40]float64) {
	const F = 8.0
	dx[0] = (x[1]-x[38])*x[39] - x[0] + F
	dx[1] = (x[2]-x[39])*x[0] - x[1] + F
	for i := 2; i < 39; i++ {
		dx[i] = (x[i+1]-x[i-2])*x[i-1] - x[i] + F
	}
	dx[39] = (x[0]-x[37])*x[38] - x[39] + F
}

func (m *l96) step(x *[40]float64, dt float64) {
	m.tendency(&m.k1, x)
	for i := range x {
		m.tmp[i] = x[i] + 0.5*dt*m.k1[i]
	}
	m.tendency(&m.k2, &m.tmp)
	for i := range x {
		m.tmp[i] = x[i] + 0.5*dt*m.k2[i]
	}
	m.tendency(&m.k3, &m.tmp)
	for i := range x {
		m.tmp[i] = x[i] + dt*m.k3[i]
	}
	m.tendency(&m.k4, &m.tmp)
	for i := range x {
		x[i] += dt / 6 * (m.k1[i] + 2*m.k2[i] + 2*m.k3[i] + m.k4[i])
	}
}

// l63 is Lorenz-63 (sigma 10, rho 28, beta 8/3) with an RK4 step.
type l63 struct{ k1, k2, k3, k4, tmp [3]float64 }

func (m *l63) tendency(dx, x *[3]float64) {
	dx[0] = 10 * (x[1] - x[0])
	dx[1] = x[0]*(28-x[2]) - x[1]
	dx[2] = x[0]*x[1] - 8.0/3*x[2]
}

func (m *l63) step(x *[3]float64, dt float64) {
	m.tendency(&m.k1, x)
	for i := range x {
		m.tmp[i] = x[i] + 0.5*dt*m.k1[i]
	}
	m.tendency(&m.k2, &m.tmp)
	for i := range x {
		m.tmp[i] = x[i] + 0.5*dt*m.k2[i]
	}
	m.tendency(&m.k3, &m.tmp)
	for i := range x {
		m.tmp[i] = x[i] + dt*m.k3[i]
	}
	m.tendency(&m.k4, &m.tmp)
	for i := range x {
		x[i] += dt / 6 * (m.k1[i] + 2*m.k2[i] + 2*m.k3[i] + m.k4[i])
	}
}
