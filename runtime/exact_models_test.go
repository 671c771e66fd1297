// Test models with exact tangent-linear and adjoint steps (RK4 Lorenz-96 and
// Lorenz-63, a linear map), linear and identity observation operators, and
// a single-state twin experiment.

package runtime

import (
	"math"
	"testing"
)

// vectorField is the right-hand side f of dx/dt = f(x) with its Jacobian.
type vectorField interface {
	tendency(dx, x []float64)
	jacVec(out, x, v []float64)     // out = J(x) v
	jacTVecAdd(out, x, a []float64) // out += J(x)ᵀ a
}

// exactRK4 is a classical RK4 step of a vector field with the exact
// tangent-linear and adjoint of the discrete step, stage by stage, as
// cyclec generates them. It implements TangentModel.
type exactRK4[F vectorField] struct {
	f                  F
	dt                 float64
	k1, k2, k3, k4     []float64
	x2, x3, x4         []float64
	d1, d2, d3, d4, ds []float64
	a0                 []float64
}

func newExactRK4[F vectorField](f F, n int, dt float64) *exactRK4[F] {
	v := func() []float64 { return make([]float64, n) }
	return &exactRK4[F]{f: f, dt: dt, k1: v(), k2: v(), k3: v(), k4: v(), x2: v(), x3: v(), x4: v(),
		d1: v(), d2: v(), d3: v(), d4: v(), ds: v(), a0: v()}
}

// stages computes the stage tendencies k1…k4 and the stage states
// x2, x3, x4 of the step from x.
func (m *exactRK4[F]) stages(x []float64) {
	dt := m.dt
	m.f.tendency(m.k1, x)
	for i, v := range x {
		m.x2[i] = v + 0.5*dt*m.k1[i]
	}
	m.f.tendency(m.k2, m.x2)
	for i, v := range x {
		m.x3[i] = v + 0.5*dt*m.k2[i]
	}
	m.f.tendency(m.k3, m.x3)
	for i, v := range x {
		m.x4[i] = v + dt*m.k3[i]
	}
	m.f.tendency(m.k4, m.x4)
}

func (m *exactRK4[F]) Step(x []float64, t float64) {
	m.stages(x)
	for i := range x {
		x[i] += m.dt / 6 * (m.k1[i] + 2*m.k2[i] + 2*m.k3[i] + m.k4[i])
	}
}

func (m *exactRK4[F]) Tangent(x, dx []float64, t float64) {
	dt := m.dt
	m.stages(x)
	m.f.jacVec(m.d1, x, dx)
	for i, v := range dx {
		m.ds[i] = v + 0.5*dt*m.d1[i]
	}
	m.f.jacVec(m.d2, m.x2, m.ds)
	for i, v := range dx {
		m.ds[i] = v + 0.5*dt*m.d2[i]
	}
	m.f.jacVec(m.d3, m.x3, m.ds)
	for i, v := range dx {
		m.ds[i] = v + dt*m.d3[i]
	}
	m.f.jacVec(m.d4, m.x4, m.ds)
	for i := range dx {
		dx[i] += dt / 6 * (m.d1[i] + 2*m.d2[i] + 2*m.d3[i] + m.d4[i])
	}
}

func (m *exactRK4[F]) Adjoint(x, ax []float64, t float64) {
	dt := m.dt
	m.stages(x)
	a0, g := m.a0, m.ds
	copy(a0, ax)
	// adjoint of k4 = f(x4), x4 = x + dt k3
	for i, v := range a0 {
		m.d4[i] = dt / 6 * v
	}
	clear(g)
	m.f.jacTVecAdd(g, m.x4, m.d4)
	for i, v := range a0 {
		ax[i] += g[i]
		m.d3[i] = dt/3*v + dt*g[i]
	}
	clear(g)
	m.f.jacTVecAdd(g, m.x3, m.d3)
	for i, v := range a0 {
		ax[i] += g[i]
		m.d2[i] = dt/3*v + 0.5*dt*g[i]
	}
	clear(g)
	m.f.jacTVecAdd(g, m.x2, m.d2)
	for i, v := range a0 {
		ax[i] += g[i]
		m.d1[i] = dt/6*v + 0.5*dt*g[i]
	}
	m.f.jacTVecAdd(ax, x, m.d1)
}

// lorenz96Field is dx_i/dt = (x_{i+1} − x_{i−2}) x_{i−1} − x_i + F, periodic.
// The loops run over the interior and do the wrapped ends apart, as
// generated code does, so the benchmarks time the filter rather than
// index arithmetic.
type lorenz96Field struct{ force float64 }

func (f lorenz96Field) tendency(dx, x []float64) {
	n := len(x)
	dx = dx[:n]
	dx[0] = (x[1]-x[n-2])*x[n-1] - x[0] + f.force
	dx[1] = (x[2]-x[n-1])*x[0] - x[1] + f.force
	for i := 2; i < n-1; i++ {
		dx[i] = (x[i+1]-x[i-2])*x[i-1] - x[i] + f.force
	}
	dx[n-1] = (x[0]-x[n-3])*x[n-2] - x[n-1] + f.force
}

func (lorenz96Field) jacVec(out, x, v []float64) {
	n := len(x)
	out, v = out[:n], v[:n]
	at := func(i, ip, im, imm int) {
		out[i] = (v[ip]-v[imm])*x[im] + (x[ip]-x[imm])*v[im] - v[i]
	}
	at(0, 1, n-1, n-2)
	at(1, 2, 0, n-1)
	for i := 2; i < n-1; i++ {
		out[i] = (v[i+1]-v[i-2])*x[i-1] + (x[i+1]-x[i-2])*v[i-1] - v[i]
	}
	at(n-1, 0, n-2, n-3)
}

func (lorenz96Field) jacTVecAdd(out, x, a []float64) {
	n := len(x)
	for i, ai := range a {
		ip, im, imm := (i+1)%n, (i+n-1)%n, (i+n-2)%n
		out[ip] += ai * x[im]
		out[imm] -= ai * x[im]
		out[im] += ai * (x[ip] - x[imm])
		out[i] -= ai
	}
}

// lorenz63Field is Lorenz-63 with sigma 10, rho 28, beta 8/3.
type lorenz63Field struct{}

func (lorenz63Field) tendency(dx, x []float64) {
	dx[0] = 10 * (x[1] - x[0])
	dx[1] = x[0]*(28-x[2]) - x[1]
	dx[2] = x[0]*x[1] - 8.0/3*x[2]
}

func (lorenz63Field) jacVec(out, x, v []float64) {
	out[0] = 10 * (v[1] - v[0])
	out[1] = (28-x[2])*v[0] - v[1] - x[0]*v[2]
	out[2] = x[1]*v[0] + x[0]*v[1] - 8.0/3*v[2]
}

func (lorenz63Field) jacTVecAdd(out, x, a []float64) {
	out[0] += -10*a[0] + (28-x[2])*a[1] + x[1]*a[2]
	out[1] += 10*a[0] - a[1] + x[0]*a[2]
	out[2] += -x[0]*a[1] - 8.0/3*a[2]
}

// newExactL96 returns the Sakov & Oke 2008 Lorenz-96 (F = 8, dt = 0.05).
func newExactL96(n int) *exactRK4[lorenz96Field] {
	return newExactRK4(lorenz96Field{force: 8}, n, 0.05)
}

// newExactL63 returns the Sakov, Oliver & Bertino 2012 Lorenz-63 (dt = 0.01).
func newExactL63() *exactRK4[lorenz63Field] { return newExactRK4(lorenz63Field{}, 3, 0.01) }

// linearModel is the map x ← M x (n×n).
type linearModel struct {
	n   int
	M   []float64
	tmp []float64
}

func newLinearModel(M []float64, n int) *linearModel {
	return &linearModel{n: n, M: M, tmp: make([]float64, n)}
}

func (m *linearModel) Step(x []float64, t float64) { m.Tangent(nil, x, t) }

func (m *linearModel) Tangent(_, dx []float64, _ float64) {
	n := m.n
	for i := 0; i < n; i++ {
		var s float64
		for j, v := range m.M[i*n : (i+1)*n] {
			s += v * dx[j]
		}
		m.tmp[i] = s
	}
	copy(dx, m.tmp)
}

func (m *linearModel) Adjoint(_, ax []float64, _ float64) {
	n := m.n
	clear(m.tmp)
	for i := 0; i < n; i++ {
		for j, v := range m.M[i*n : (i+1)*n] {
			m.tmp[j] += v * ax[i]
		}
	}
	copy(ax, m.tmp)
}

// linearObs is y = H x (p×n).
type linearObs struct {
	p, n int
	H    []float64
}

func (o linearObs) Apply(y, x []float64) { o.Tangent(y, nil, x) }

func (o linearObs) Tangent(dy, _, dx []float64) {
	for i := 0; i < o.p; i++ {
		var s float64
		for j, v := range o.H[i*o.n : (i+1)*o.n] {
			s += v * dx[j]
		}
		dy[i] = s
	}
}

func (o linearObs) Adjoint(ax, _, ay []float64) {
	for i := 0; i < o.p; i++ {
		for j, v := range o.H[i*o.n : (i+1)*o.n] {
			ax[j] += v * ay[i]
		}
	}
}

// eyeObs is the identity operator y = x, as a TangentObs.
type eyeObs struct{}

func (eyeObs) Apply(y, x []float64)        { copy(y, x) }
func (eyeObs) Tangent(dy, _, dx []float64) { copy(dy, dx) }
func (eyeObs) Adjoint(ax, _, ay []float64) {
	for i, v := range ay {
		ax[i] += v
	}
}

// l96State returns a state on the Lorenz-96 attractor: x0 = (1, 0, …)
// spun up for 2000 steps, then seed·100 more.
func l96State(n int, seed int) []float64 {
	m := newExactL96(n)
	x := make([]float64, n)
	x[0] = 1
	for k := 0; k < 2000+100*seed; k++ {
		m.Step(x, 0)
	}
	return x
}

// twin is a single-state twin experiment of cycles analyses, with steps
// model steps between them, H = I and R = r I, scored after spn analyses.
type twin struct {
	model       TangentModel
	x0          []float64 // truth start
	steps, dim  int
	r           float64
	dt          float64
	seed        uint64
	cycles, spn int
}

// run drives the analysis given by forecast and analyze, which update
// state, and returns the time mean analysis RMSE and spread; variance
// gives the forecast's or the analysis's error variance.
func (tw twin) run(t testing.TB, state []float64, forecast func(t0 float64) error,
	analyze func(y []float64) error, variance func(dst []float64, analysis bool)) (rmse, spread float64) {
	t.Helper()
	n := tw.dim
	R, err := NewDiagObsError(constVec(n, tw.r))
	if err != nil {
		t.Fatal(err)
	}
	truth := append([]float64(nil), tw.x0...)
	stats := NewStats(n, tw.spn)
	y, v := make([]float64, n), make([]float64, n)
	for c := 0; c < tw.cycles; c++ {
		t0 := float64(c*tw.steps) * tw.dt
		for k := 0; k < tw.steps; k++ {
			tw.model.Step(truth, t0+float64(k)*tw.dt)
		}
		if err := forecast(t0); err != nil {
			t.Fatalf("cycle %d: %v", c, err)
		}
		variance(v, false)
		stats.ForecastState(state, v, truth)
		copy(y, truth)
		R.AddNoise(y, NewStream(tw.seed, PurposeObsNoise, uint64(c)))
		if err := analyze(y); err != nil {
			t.Fatalf("cycle %d: %v", c, err)
		}
		variance(v, true)
		stats.AnalysisState(state, v, truth)
	}
	var sum Summary
	stats.Fill(&sum)
	return sum.RMSEAnalysis, sum.SpreadAnalysis
}

// constVec returns n copies of v.
func constVec(n int, v float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// mustDiagR returns R = I of size p.
func mustDiagR(t testing.TB, p int) *ObsError {
	t.Helper()
	R, err := NewDiagObsError(constVec(p, 1))
	if err != nil {
		t.Fatal(err)
	}
	return R
}

// TestExactModelsTangentAdjoint checks the test models' tangent-linear
// against central finite differences of the step and their adjoint by the
// dot-product test <M dx, a> = <dx, Mᵀ a>.
func TestExactModelsTangentAdjoint(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    TangentModel
		x    []float64
	}{
		{"L96", newExactL96(40), l96State(40, 1)},
		{"L63", newExactL63(), []float64{1.509, -1.531, 25.46}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := len(tc.x)
			s := NewStream(7, PurposeEnsembleInit, 0)
			dx, a := make([]float64, n), make([]float64, n)
			for i := range dx {
				dx[i], a[i] = s.Normal(), s.Normal()
			}
			mdx := append([]float64(nil), dx...)
			tc.m.Tangent(tc.x, mdx, 0)
			// Finite differences, step h: error O(h²).
			const h = 1e-5
			xp, xm := make([]float64, n), make([]float64, n)
			for i := range xp {
				xp[i], xm[i] = tc.x[i]+h*dx[i], tc.x[i]-h*dx[i]
			}
			tc.m.Step(xp, 0)
			tc.m.Step(xm, 0)
			fd := make([]float64, n)
			for i := range fd {
				fd[i] = (xp[i] - xm[i]) / (2 * h)
			}
			if d := relDiff(mdx, fd); d > 1e-7 {
				t.Errorf("tangent-linear differs from finite differences by %.3g relative", d)
			}
			mta := append([]float64(nil), a...)
			tc.m.Adjoint(tc.x, mta, 0)
			var lhs, rhs float64
			for i := range a {
				lhs += mdx[i] * a[i]
				rhs += dx[i] * mta[i]
			}
			if math.Abs(lhs-rhs) > 1e-13*math.Abs(lhs) {
				t.Errorf("dot-product test: <M dx, a> = %v, <dx, Mᵀa> = %v", lhs, rhs)
			}
		})
	}
}
