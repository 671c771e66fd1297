// Test models for 4D-Var: Lorenz-96 with the exact tangent-linear and
// adjoint of its RK4 step, a linear model, and observation operators with
// their derivatives.

package runtime

// var4dL96 is Lorenz-96 (forcing 8) of any size ≥ 4 with an RK4 step of
// length dt, its tangent-linear and its adjoint, the exact derivatives of
// the discrete step. It allocates nothing after construction.
type var4dL96 struct {
	n                  int
	dt                 float64
	p1, m1, m2         []int     // the periodic neighbours i+1, i-1, i-2
	x2, x3, x4         []float64 // stage states
	k1, k2, k3, k4     []float64 // stage tendencies
	d2, d3, d4         []float64 // tangent stage states
	a1, a2, a3, a4, ta []float64 // adjoint stage tendencies, scratch
}

func newVar4DL96(n int, dt float64) *var4dL96 {
	v := func() []float64 { return make([]float64, n) }
	m := &var4dL96{n: n, dt: dt, x2: v(), x3: v(), x4: v(), k1: v(), k2: v(), k3: v(), k4: v(),
		d2: v(), d3: v(), d4: v(), a1: v(), a2: v(), a3: v(), a4: v(), ta: v(),
		p1: make([]int, n), m1: make([]int, n), m2: make([]int, n)}
	for i := 0; i < n; i++ {
		m.p1[i], m.m1[i], m.m2[i] = (i+1)%n, (i+n-1)%n, (i+n-2)%n
	}
	return m
}

// tendency writes f(x) into dx.
func (m *var4dL96) tendency(dx, x []float64) {
	for i := range x {
		dx[i] = (x[m.p1[i]]-x[m.m2[i]])*x[m.m1[i]] - x[i] + 8
	}
}

// jac writes J(x) u into dst, J the Jacobian of the tendency at x.
func (m *var4dL96) jac(dst, x, u []float64) {
	for i := range x {
		p1, m1, m2 := m.p1[i], m.m1[i], m.m2[i]
		dst[i] = (u[p1]-u[m2])*x[m1] + (x[p1]-x[m2])*u[m1] - u[i]
	}
}

// jacT adds J(x)ᵀ a to dst.
func (m *var4dL96) jacT(dst, x, a []float64) {
	for i, ai := range a {
		p1, m1, m2 := m.p1[i], m.m1[i], m.m2[i]
		dst[p1] += x[m1] * ai
		dst[m2] -= x[m1] * ai
		dst[m1] += (x[p1] - x[m2]) * ai
		dst[i] -= ai
	}
}

// stages computes the RK4 stage states and tendencies from x.
func (m *var4dL96) stages(x []float64) {
	h := m.dt
	m.tendency(m.k1, x)
	for i := range x {
		m.x2[i] = x[i] + 0.5*h*m.k1[i]
	}
	m.tendency(m.k2, m.x2)
	for i := range x {
		m.x3[i] = x[i] + 0.5*h*m.k2[i]
	}
	m.tendency(m.k3, m.x3)
	for i := range x {
		m.x4[i] = x[i] + h*m.k3[i]
	}
	m.tendency(m.k4, m.x4)
}

func (m *var4dL96) Step(x []float64, _ float64) {
	m.stages(x)
	for i := range x {
		x[i] += m.dt / 6 * (m.k1[i] + 2*m.k2[i] + 2*m.k3[i] + m.k4[i])
	}
}

func (m *var4dL96) Tangent(x, dx []float64, _ float64) {
	h := m.dt
	m.stages(x)
	// The stage tendencies' tangents reuse k1..k4's companions a1..a4.
	m.jac(m.a1, x, dx)
	for i := range dx {
		m.d2[i] = dx[i] + 0.5*h*m.a1[i]
	}
	m.jac(m.a2, m.x2, m.d2)
	for i := range dx {
		m.d3[i] = dx[i] + 0.5*h*m.a2[i]
	}
	m.jac(m.a3, m.x3, m.d3)
	for i := range dx {
		m.d4[i] = dx[i] + h*m.a3[i]
	}
	m.jac(m.a4, m.x4, m.d4)
	for i := range dx {
		dx[i] += h / 6 * (m.a1[i] + 2*m.a2[i] + 2*m.a3[i] + m.a4[i])
	}
}

func (m *var4dL96) Adjoint(x, ax []float64, _ float64) {
	h := m.dt
	m.stages(x)
	// Adjoints of the stage tendencies from the final combination.
	for i, a := range ax {
		m.a1[i], m.a2[i], m.a3[i], m.a4[i] = h/6*a, h/3*a, h/3*a, h/6*a
	}
	// dk4 = J(x4) d4, d4 = dx + h dk3.
	clear(m.ta)
	m.jacT(m.ta, m.x4, m.a4)
	for i, t := range m.ta {
		ax[i] += t
		m.a3[i] += h * t
	}
	// dk3 = J(x3) d3, d3 = dx + h/2 dk2.
	clear(m.ta)
	m.jacT(m.ta, m.x3, m.a3)
	for i, t := range m.ta {
		ax[i] += t
		m.a2[i] += 0.5 * h * t
	}
	// dk2 = J(x2) d2, d2 = dx + h/2 dk1.
	clear(m.ta)
	m.jacT(m.ta, m.x2, m.a2)
	for i, t := range m.ta {
		ax[i] += t
		m.a1[i] += 0.5 * h * t
	}
	// dk1 = J(x) dx.
	m.jacT(ax, x, m.a1)
}

// var4dLinear is the linear model x ← A x (A n×n row-major).
type var4dLinear struct {
	n   int
	a   []float64
	tmp []float64
}

func (m *var4dLinear) apply(x []float64, trans bool) {
	n := m.n
	for i := 0; i < n; i++ {
		var s float64
		for j := 0; j < n; j++ {
			if trans {
				s += m.a[j*n+i] * x[j]
			} else {
				s += m.a[i*n+j] * x[j]
			}
		}
		m.tmp[i] = s
	}
	copy(x, m.tmp)
}

func newVar4DLinear(a []float64, n int) *var4dLinear {
	return &var4dLinear{n: n, a: a, tmp: make([]float64, n)}
}

func (m *var4dLinear) Step(x []float64, _ float64)        { m.apply(x, false) }
func (m *var4dLinear) Tangent(_, dx []float64, _ float64) { m.apply(dx, false) }
func (m *var4dLinear) Adjoint(_, ax []float64, _ float64) { m.apply(ax, true) }

// var4dLinearObs is y = H x (H p×n row-major).
type var4dLinearObs struct {
	p, n int
	h    []float64
}

func (o *var4dLinearObs) Tangent(dy, _, dx []float64) {
	for i := 0; i < o.p; i++ {
		var s float64
		for j := 0; j < o.n; j++ {
			s += o.h[i*o.n+j] * dx[j]
		}
		dy[i] = s
	}
}

func (o *var4dLinearObs) Apply(y, x []float64) { o.Tangent(y, x, x) }

func (o *var4dLinearObs) Adjoint(ax, _, ay []float64) {
	for i := 0; i < o.p; i++ {
		for j := 0; j < o.n; j++ {
			ax[j] += o.h[i*o.n+j] * ay[i]
		}
	}
}

// var4dIdentityObs observes every element: H = I.
type var4dIdentityObs struct{}

func (var4dIdentityObs) Apply(y, x []float64)        { copy(y, x) }
func (var4dIdentityObs) Tangent(dy, _, dx []float64) { copy(dy, dx) }
func (var4dIdentityObs) Adjoint(ax, _, ay []float64) {
	for i, a := range ay {
		ax[i] += a
	}
}

// var4dQuadObs observes y_j = x_{idx_j} + c·x_{idx_j+1}², a nonlinear
// operator onto fewer values than the state.
type var4dQuadObs struct {
	idx []int
	c   float64
}

func (o var4dQuadObs) next(x []float64, i int) int { return (i + 1) % len(x) }

func (o var4dQuadObs) Apply(y, x []float64) {
	for j, i := range o.idx {
		q := x[o.next(x, i)]
		y[j] = x[i] + o.c*q*q
	}
}

func (o var4dQuadObs) Tangent(dy, x, dx []float64) {
	for j, i := range o.idx {
		k := o.next(x, i)
		dy[j] = dx[i] + 2*o.c*x[k]*dx[k]
	}
}

func (o var4dQuadObs) Adjoint(ax, x, ay []float64) {
	for j, i := range o.idx {
		k := o.next(x, i)
		ax[i] += ay[j]
		ax[k] += 2 * o.c * x[k] * ay[j]
	}
}
