// The Lorenz-96 model as std/lorenz96.cyc declares it, and the trajectories the emulator learns from.

package main

import (
	"fmt"
	"math/rand/v2"
)

// The model of std/lorenz96.cyc: N sites on a ring, forcing F, one RK4
// step of dt per model step.
const (
	sites   = 40
	forcing = 8.0
	dt      = 0.05
)

// l96 integrates the model; its RK4 stages are allocated once.
type l96 struct {
	k1, k2, k3, k4, tmp [sites]float64
}

// tendency sets dx to dx_i/dt = (x_{i+1} − x_{i−2}) x_{i−1} − x_i + F,
// indices modulo N, the expression of std/lorenz96.cyc evaluated in the
// same order.
func tendency(dx, x *[sites]float64) {
	for i := range sites {
		ip1, im1, im2 := (i+1)%sites, (i+sites-1)%sites, (i+sites-2)%sites
		dx[i] = (x[ip1]-x[im2])*x[im1] - x[i] + forcing
	}
}

// step advances x by one model step (classical RK4 with dt).
func (m *l96) step(x *[sites]float64) {
	tendency(&m.k1, x)
	for i := range sites {
		m.tmp[i] = x[i] + 0.5*dt*m.k1[i]
	}
	tendency(&m.k2, &m.tmp)
	for i := range sites {
		m.tmp[i] = x[i] + 0.5*dt*m.k2[i]
	}
	tendency(&m.k3, &m.tmp)
	for i := range sites {
		m.tmp[i] = x[i] + dt*m.k3[i]
	}
	tendency(&m.k4, &m.tmp)
	for i := range sites {
		x[i] += dt / 6 * (m.k1[i] + 2*m.k2[i] + 2*m.k3[i] + m.k4[i])
	}
}

// pairs holds model states and their one-step increments, row-major
// [count, sites]: after[s] = before[s] + inc[s] is one model step.
type pairs struct {
	before, inc []float64
	count       int
}

// trajectoryPairs samples count states from one long trajectory started
// at F plus a small perturbation drawn with seed, spun up for spinup
// steps, taking a state every gap steps, and pairs each with its one-step
// increment.
func trajectoryPairs(seed uint64, count, spinup, gap int) (*pairs, error) {
	if count < 1 || spinup < 0 || gap < 1 {
		return nil, fmt.Errorf("trajectory: %d states, spin-up %d, gap %d: want at least 1 state, a non-negative spin-up and a gap of at least 1", count, spinup, gap)
	}
	rng := rand.New(rand.NewPCG(seed, 0x4c393620656d75)) // "L96 emu"
	var x [sites]float64
	for i := range x {
		x[i] = forcing + 0.01*rng.NormFloat64()
	}
	var m l96
	for range spinup {
		m.step(&x)
	}
	p := &pairs{before: make([]float64, 0, count*sites), inc: make([]float64, 0, count*sites), count: count}
	for range count {
		for range gap - 1 {
			m.step(&x)
		}
		x0 := x
		m.step(&x)
		p.before = append(p.before, x0[:]...)
		for i := range sites {
			p.inc = append(p.inc, x[i]-x0[i])
		}
	}
	return p, nil
}
