// Tests of strong-constraint incremental 4D-Var: its tangent-linear and
// adjoint chain, the closed-form analysis of a linear problem, the
// convergence of the outer loops, the L96 benchmark score and its
// allocations.

package runtime

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// var4dRandom returns n standard normal draws from the stream seeded by
// seed.
func var4dRandom(n int, seed uint64) []float64 {
	s := NewStream(seed, PurposeTruthInit, 0)
	x := make([]float64, n)
	for i := range x {
		x[i] = s.Normal()
	}
	return x
}

// var4dSPD returns a random n×n symmetric positive-definite matrix,
// row-major, scaled to a diagonal of about scale.
func var4dSPD(n int, scale float64, seed uint64) []float64 {
	q := var4dRandom(n*n, seed)
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for k := 0; k < n; k++ {
				s += q[i*n+k] * q[j*n+k]
			}
			a[i*n+j] = scale * (s/float64(n) + 0.5*b2f(i == j))
		}
	}
	return a
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// var4dL96State returns a state of the L96 attractor of size n.
func var4dL96State(n int, seed uint64) []float64 {
	m := newVar4DL96(n, 0.05)
	x := var4dRandom(n, seed)
	for i := range x {
		x[i] += 8
	}
	for k := 0; k < 1000; k++ {
		m.Step(x, 0)
	}
	return x
}

func TestVar4DL96TangentAdjoint(t *testing.T) {
	const n = 12
	m := newVar4DL96(n, 0.05)
	x := var4dL96State(n, 1)
	u, w := var4dRandom(n, 2), var4dRandom(n, 3)

	// Tangent-linear against central differences of the step.
	tl := append([]float64(nil), u...)
	m.Tangent(x, tl, 0)
	for _, eps := range []float64{1e-4, 1e-5} {
		xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
		for i := range x {
			xp[i] += eps * u[i]
			xm[i] -= eps * u[i]
		}
		m.Step(xp, 0)
		m.Step(xm, 0)
		var worst float64
		for i := range x {
			worst = math.Max(worst, math.Abs((xp[i]-xm[i])/(2*eps)-tl[i]))
		}
		if worst > 1e-6 {
			t.Errorf("eps %g: tangent-linear differs from central differences by %g", eps, worst)
		}
	}
	// Dot-product test: <M u, w> = <u, Mᵀ w>.
	ad := append([]float64(nil), w...)
	m.Adjoint(x, ad, 0)
	lhs, rhs := blasImpl.Ddot(n, tl, 1, w, 1), blasImpl.Ddot(n, u, 1, ad, 1)
	if math.Abs(lhs-rhs) > 1e-13*math.Abs(lhs) {
		t.Errorf("<M u, w> = %.17g but <u, Mᵀ w> = %.17g", lhs, rhs)
	}
	// The state the derivatives are taken at is left unchanged.
	if y := var4dL96State(n, 1); maxAbsDiff(x, y) != 0 {
		t.Errorf("Tangent or Adjoint changed the state")
	}
}

// var4dChainSetup builds a nonlinear 4D-Var problem with full B and R,
// three observation times (one with missing values, one empty), and its
// trajectory linearised at a control variable away from zero.
func var4dChainSetup(t *testing.T) (*Var4D, [][]float64) {
	t.Helper()
	const n, p = 10, 6
	b, err := NewBackground(var4dSPD(n, 0.3, 11), n, 1)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewObsError(var4dSPD(p, 0.5, 12), p)
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewVar4D(Var4DConfig{Dim: n, Obs: p, Steps: 7, ObsAt: []int{2, 3, 5, 7}, DT: 0.05, Inner: 10, Outer: 1}, b, r)
	if err != nil {
		t.Fatal(err)
	}
	xb := var4dL96State(n, 13)
	ys := [][]float64{var4dRandom(p, 14), var4dRandom(p, 15), nil, var4dRandom(p, 16)}
	ys[1][2], ys[1][4] = math.NaN(), math.NaN()
	for _, y := range ys {
		for i := range y {
			y[i] += 8
		}
	}
	v.m, v.h, v.t0 = newVar4DL96(n, 0.05), var4dQuadObs{idx: []int{0, 2, 3, 5, 7, 8}, c: 0.05}, 1.5
	for k, y := range ys {
		if !v.obs[k].set(y, r) {
			t.Fatal("restricted R not positive definite")
		}
	}
	copy(v.xb, xb)
	copy(v.ctl, var4dRandom(n, 17))
	if _, err := v.linearise(); err != nil {
		t.Fatal(err)
	}
	return v, ys
}

func TestVar4DChainAdjoint(t *testing.T) {
	v, _ := var4dChainSetup(t)
	n, p := v.cfg.Dim, v.cfg.Obs
	u := var4dRandom(n, 21)
	v.tangent(u)
	ws := make([][]float64, len(v.obs))
	var lhs float64
	for k, o := range v.obs {
		ws[k] = var4dRandom(p, 22+uint64(k))
		if o.present == 0 {
			continue
		}
		lhs += blasImpl.Ddot(p, o.w, 1, ws[k], 1)
		for i, yi := range o.y {
			if yi != yi && o.w[i] != 0 {
				t.Errorf("tangent image of observation %d has %g in missing row %d", k, o.w[i], i)
			}
		}
		copy(o.w, ws[k])
	}
	got := make([]float64, n)
	v.adjoint(got)
	rhs := blasImpl.Ddot(n, u, 1, got, 1)
	if math.Abs(lhs-rhs) > 1e-12*math.Abs(lhs) {
		t.Errorf("Σ<G_k u, w_k> = %.17g but <u, Σ G_kᵀ w_k> = %.17g", lhs, rhs)
	}
}

func TestVar4DGradient(t *testing.T) {
	v, _ := var4dChainSetup(t)
	n := v.cfg.Dim
	neg := make([]float64, n)
	gnorm := v.gradient(neg)
	if math.Abs(gnorm-math.Sqrt(blasImpl.Ddot(n, neg, 1, neg, 1))) > 1e-14*gnorm || gnorm == 0 {
		t.Fatalf("gradient norm %g", gnorm)
	}
	ctl := append([]float64(nil), v.ctl...)
	e := var4dRandom(n, 31)
	cost := func(step float64) float64 {
		for i := range v.ctl {
			v.ctl[i] = ctl[i] + step*e[i]
		}
		c, err := v.linearise()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	const eps = 1e-5
	fd := (cost(eps) - cost(-eps)) / (2 * eps)
	want := -blasImpl.Ddot(n, neg, 1, e, 1)
	if math.Abs(fd-want) > 1e-6*math.Abs(want) {
		t.Errorf("directional derivative %.12g by differences, %.12g by the adjoint", fd, want)
	}
}

// var4dClosedForm is the analysis of a linear problem: x0a = xb + B Gᵀ
// (G B Gᵀ + R_s)^-1 (y_s − G xb), G the stacked H A^k over the values
// present and R_s the block-diagonal R restricted to them.
func var4dClosedForm(a, h, bcov, rcov, xb []float64, n, p int, obsAt []int, ys [][]float64) []float64 {
	A := mat.NewDense(n, n, a)
	H := mat.NewDense(p, n, h)
	var rowsG [][]float64
	var ysel []float64
	var rIdx [][2]int // (time, row) of each selected row
	pow := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		pow.Set(i, i, 1)
	}
	s := 0
	for k, at := range obsAt {
		for ; s < at; s++ {
			var next mat.Dense
			next.Mul(A, pow)
			pow.Copy(&next)
		}
		var g mat.Dense
		g.Mul(H, pow)
		for i := 0; i < p; i++ {
			if ys[k] == nil || math.IsNaN(ys[k][i]) {
				continue
			}
			rowsG = append(rowsG, mat.Row(nil, i, &g))
			ysel = append(ysel, ys[k][i])
			rIdx = append(rIdx, [2]int{k, i})
		}
	}
	m := len(ysel)
	G := mat.NewDense(m, n, nil)
	for i, row := range rowsG {
		G.SetRow(i, row)
	}
	Rs := mat.NewDense(m, m, nil)
	for i, ri := range rIdx {
		for j, rj := range rIdx {
			if ri[0] == rj[0] {
				Rs.Set(i, j, rcov[ri[1]*p+rj[1]])
			}
		}
	}
	B := mat.NewDense(n, n, bcov)
	var BGt, S mat.Dense
	BGt.Mul(B, G.T())
	S.Mul(G, &BGt)
	S.Add(&S, Rs)
	innov := mat.NewVecDense(m, nil)
	innov.MulVec(G, mat.NewVecDense(n, append([]float64(nil), xb...)))
	for i := range ysel {
		innov.SetVec(i, ysel[i]-innov.AtVec(i))
	}
	var z mat.VecDense
	if err := z.SolveVec(&S, innov); err != nil {
		panic(err)
	}
	var dx mat.VecDense
	dx.MulVec(&BGt, &z)
	out := make([]float64, n)
	for i := range out {
		out[i] = xb[i] + dx.AtVec(i)
	}
	return out
}

func TestVar4DLinearClosedForm(t *testing.T) {
	const n, p = 8, 5
	for _, tc := range []struct {
		name    string
		full    bool
		steps   int
		obsAt   []int
		missing bool
		outer   int
	}{
		{"one time, diagonal B and R", false, 4, []int{4}, false, 1},
		{"one time, full B and R", true, 4, []int{4}, false, 1},
		{"three times, full B and R", true, 6, []int{1, 3, 6}, false, 1},
		{"three times, values missing", true, 6, []int{2, 4, 5}, true, 1},
		{"diagonal, values missing", false, 6, []int{2, 4, 5}, true, 1},
		{"three outer loops", true, 6, []int{1, 3, 6}, true, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := var4dRandom(n*n, 41)
			for i := range a {
				a[i] *= 0.3
			}
			for i := 0; i < n; i++ {
				a[i*n+i] += 1
			}
			h := var4dRandom(p*n, 42)
			bcov, rcov := make([]float64, n*n), make([]float64, p*p)
			var b *Background
			var r *ObsError
			var err error
			if tc.full {
				bcov, rcov = var4dSPD(n, 0.7, 43), var4dSPD(p, 0.4, 44)
				if b, err = NewBackground(bcov, n, 1); err != nil {
					t.Fatal(err)
				}
				if r, err = NewObsError(rcov, p); err != nil {
					t.Fatal(err)
				}
			} else {
				bv, rv := make([]float64, n), make([]float64, p)
				for i := range bv {
					bv[i] = 0.2 + 0.1*float64(i)
					bcov[i*n+i] = bv[i]
				}
				for i := range rv {
					rv[i] = 0.5 + 0.2*float64(i)
					rcov[i*p+i] = rv[i]
				}
				if b, err = NewDiagBackground(bv, 1); err != nil {
					t.Fatal(err)
				}
				if r, err = NewDiagObsError(rv); err != nil {
					t.Fatal(err)
				}
			}
			v, err := NewVar4D(Var4DConfig{Dim: n, Obs: p, Steps: tc.steps, ObsAt: tc.obsAt, DT: 0.1,
				Inner: 4 * n, Outer: tc.outer, Tol: 1e-15}, b, r)
			if err != nil {
				t.Fatal(err)
			}
			xb := var4dRandom(n, 45)
			ys := make([][]float64, len(tc.obsAt))
			for k := range ys {
				ys[k] = var4dRandom(p, 46+uint64(k))
			}
			if tc.missing {
				ys[0][1], ys[1][0], ys[1][4] = math.NaN(), math.NaN(), math.NaN()
			}
			want := var4dClosedForm(a, h, bcov, rcov, xb, n, p, tc.obsAt, ys)
			x0, xEnd := append([]float64(nil), xb...), make([]float64, n)
			model := newVar4DLinear(a, n)
			if err := v.Analyze(x0, xEnd, 0, model, &var4dLinearObs{p: p, n: n, h: h}, ys); err != nil {
				t.Fatal(err)
			}
			if d := maxAbsDiff(x0, want); !(d <= 1e-8) {
				t.Errorf("analysis differs from the closed form by %g\n got %v\nwant %v", d, x0, want)
			}
			end := append([]float64(nil), x0...)
			for s := 0; s < tc.steps; s++ {
				model.Step(end, 0)
			}
			if d := maxAbsDiff(xEnd, end); !(d <= 1e-12) {
				t.Errorf("xEnd differs from the analysis propagated over the window by %g", d)
			}
			fc := append([]float64(nil), xb...)
			for s := 0; s < tc.steps; s++ {
				model.Step(fc, 0)
			}
			if d := maxAbsDiff(v.Forecast(), fc); d != 0 {
				t.Errorf("Forecast differs from the background propagated over the window by %g", d)
			}
			if v.Outer() != tc.outer || !v.Reduced() {
				t.Errorf("%d outer loops, reduced %v; want %d, true", v.Outer(), v.Reduced(), tc.outer)
			}
			before, after := v.Cost(0)
			if !(after < before) || v.InnerIters(0) < 1 || v.InnerIters(0) > 4*n || !(v.GradNorm(0) > 0) {
				t.Errorf("outer loop 0: cost %g → %g, %d inner iterations, gradient %g", before, after, v.InnerIters(0), v.GradNorm(0))
			}
			for o := 1; o < v.Outer(); o++ {
				// The quadratic was minimised exactly: later loops start at
				// the minimum.
				if g := v.GradNorm(o); g > 1e-8*v.GradNorm(0) {
					t.Errorf("outer loop %d starts with gradient %g, want ~0", o, g)
				}
			}
		})
	}
}

// var4dCostX0 is the 4D-Var cost as a function of the initial state,
// computed independently of Var4D for a diagonal B and R and H = I:
// ½ Σ (x0−xb)²/b + ½ Σ_k Σ (y_k − M_k x0)²/r.
func var4dCostX0(m TangentModel, x0, xb []float64, bvar, rvar float64, obsAt []int, ys [][]float64, dt float64) float64 {
	var j float64
	for i := range x0 {
		d := x0[i] - xb[i]
		j += 0.5 * d * d / bvar
	}
	x := append([]float64(nil), x0...)
	s := 0
	for k, at := range obsAt {
		for ; s < at; s++ {
			m.Step(x, float64(s)*dt)
		}
		for i, y := range ys[k] {
			d := y - x[i]
			j += 0.5 * d * d / rvar
		}
	}
	return j
}

// TestVar4DOuterLoopsConverge checks that the outer loops keep the
// background term about xb: on a nonlinear window they converge to a
// point where the gradient of the cost in x0, computed independently by
// central differences, vanishes, and the costs fall loop by loop.
func TestVar4DOuterLoopsConverge(t *testing.T) {
	const n, bvar, rvar, dt = 10, 0.5, 0.3, 0.05
	obsAt := []int{3, 6}
	b, _ := NewDiagBackground(var4dConst(n, bvar), 1)
	r, _ := NewDiagObsError(var4dConst(n, rvar))
	v, err := NewVar4D(Var4DConfig{Dim: n, Obs: n, Steps: 6, ObsAt: obsAt, DT: dt, Inner: 100, Outer: 8, Tol: 1e-12}, b, r)
	if err != nil {
		t.Fatal(err)
	}
	m := newVar4DL96(n, dt)
	truth := var4dL96State(n, 51)
	xb := append([]float64(nil), truth...)
	for i, e := range var4dRandom(n, 52) {
		xb[i] += 1.5 * e
	}
	ys := make([][]float64, len(obsAt))
	x, s := append([]float64(nil), truth...), 0
	for k, at := range obsAt {
		for ; s < at; s++ {
			m.Step(x, 0)
		}
		ys[k] = append([]float64(nil), x...)
		for i, e := range var4dRandom(n, 53+uint64(k)) {
			ys[k][i] += math.Sqrt(rvar) * e
		}
	}
	x0, xEnd := append([]float64(nil), xb...), make([]float64, n)
	if err := v.Analyze(x0, xEnd, 0, m, var4dIdentityObs{}, ys); err != nil {
		t.Fatal(err)
	}
	grad := func(at []float64) float64 {
		var ss float64
		for i := range at {
			const eps = 1e-6
			p, q := append([]float64(nil), at...), append([]float64(nil), at...)
			p[i] += eps
			q[i] -= eps
			g := (var4dCostX0(m, p, xb, bvar, rvar, obsAt, ys, dt) - var4dCostX0(m, q, xb, bvar, rvar, obsAt, ys, dt)) / (2 * eps)
			ss += g * g
		}
		return math.Sqrt(ss)
	}
	g0, ga := grad(xb), grad(x0)
	if !(ga < 1e-6*g0) {
		t.Errorf("|∇J| in x0 is %g at the background and %g at the analysis, want a reduction below 1e-6", g0, ga)
	}
	last := v.Outer() - 1
	if _, after := v.Cost(last); math.Abs(after-var4dCostX0(m, x0, xb, bvar, rvar, obsAt, ys, dt)) > 1e-10*after {
		t.Errorf("reported final cost %g, independent cost %g", after, var4dCostX0(m, x0, xb, bvar, rvar, obsAt, ys, dt))
	}
	for o := 0; o < v.Outer(); o++ {
		before, after := v.Cost(o)
		if o > 0 {
			if _, prev := v.Cost(o - 1); prev != before {
				t.Errorf("outer loop %d starts at cost %g, loop %d ended at %g", o, before, o-1, prev)
			}
		}
		if costRose(before, after) {
			t.Errorf("outer loop %d raised the cost from %g to %g", o, before, after)
		}
		t.Logf("outer %d: cost %.10g → %.10g, |g| %.3g, %d inner", o, before, after, v.GradNorm(o), v.InnerIters(o))
	}
	if g := v.GradNorm(last); !(g < 1e-8*v.GradNorm(0)) {
		t.Errorf("gradient %g at the last outer loop, %g at the first", g, v.GradNorm(0))
	}
}

// var4dConst returns n copies of c.
func var4dConst(n int, c float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = c
	}
	return x
}

// var4dTwin runs the L96 benchmark (n = 40, dt = 0.05, obs_every = 4, H
// = I, R = I, B = 0.2 I, one window per observation) for cycles windows
// and returns the time-mean analysis RMSE at the window end after spinup
// windows, and the mean inner iterations per outer loop.
func var4dTwin(t testing.TB, cycles, spinup, inner, outer int) (rmseA, innerMean float64, increases int) {
	const n, every, dt = 40, 4, 0.05
	b, _ := NewDiagBackground(var4dConst(n, 1), 0.2)
	r := identityR(t, n)
	v, err := NewVar4D(Var4DConfig{Dim: n, Obs: n, Steps: every, ObsAt: []int{every}, DT: dt, Inner: inner, Outer: outer}, b, r)
	if err != nil {
		t.Fatal(err)
	}
	m, truthModel := newVar4DL96(n, dt), newVar4DL96(n, dt)
	truth := var4dL96State(n, 61)
	x := append([]float64(nil), truth...)
	for i, e := range var4dRandom(n, 62) {
		x[i] += e
	}
	xEnd, y := make([]float64, n), make([]float64, n)
	ys := [][]float64{y}
	noise := NewStream(1, PurposeObsNoise, 0)
	stats := NewVarStats(spinup)
	var sum float64
	counted := 0
	for c := 0; c < cycles; c++ {
		for s := 0; s < every; s++ {
			truthModel.Step(truth, float64(c*every+s)*dt)
		}
		copy(y, truth)
		noise.Reset(1, PurposeObsNoise, uint64(c))
		r.AddNoise(y, noise)
		if err := v.Analyze(x, xEnd, float64(c*every)*dt, m, var4dIdentityObs{}, ys); err != nil {
			t.Fatal(err)
		}
		stats.Add(v)
		copy(x, xEnd)
		if c >= spinup {
			sum += rmse(x, truth)
			counted++
		}
	}
	var s Summary
	stats.Fill(&s)
	return sum / float64(counted), s.InnerMean, s.CostIncreases
}

func TestVar4DTwinL96(t *testing.T) {
	rm, inner, inc := var4dTwin(t, 600, 100, 50, 3)
	t.Logf("analysis RMSE %.4f over 500 windows, %.2f inner iterations per outer loop, %d cost increases", rm, inner, inc)
	// DAPPER's Var4D(Lag=1, xB=0.2) scores 0.46; a short run is noisy.
	if !(rm > 0.3 && rm < 0.6) {
		t.Errorf("analysis RMSE %.4f, want near 0.46", rm)
	}
	if !(inner >= 1 && inner <= 50) {
		t.Errorf("mean inner iterations %g", inner)
	}
}

func TestVar4DZeroAllocs(t *testing.T) {
	for _, full := range []bool{false, true} {
		v, ys := var4dChainSetup(t)
		if !full {
			r, _ := NewDiagObsError(var4dConst(v.cfg.Obs, 0.5))
			b, _ := NewDiagBackground(var4dConst(v.cfg.Dim, 0.3), 1)
			var err error
			if v, err = NewVar4D(v.cfg, b, r); err != nil {
				t.Fatal(err)
			}
		}
		n := v.cfg.Dim
		m := newVar4DL96(n, 0.05)
		var h TangentObs = var4dQuadObs{idx: []int{0, 2, 3, 5, 7, 8}, c: 0.05}
		xb := var4dL96State(n, 71)
		x0, xEnd := make([]float64, n), make([]float64, n)
		var err error
		allocs := testing.AllocsPerRun(20, func() {
			copy(x0, xb)
			err = v.Analyze(x0, xEnd, 0, m, h, ys)
		})
		if err != nil {
			t.Fatal(err)
		}
		if allocs != 0 {
			t.Errorf("full R %v: Analyze allocates %v times per call", full, allocs)
		}
	}
}

func TestVar4DNoObservations(t *testing.T) {
	const n = 6
	b, _ := NewDiagBackground(var4dConst(n, 1), 0.2)
	r := identityR(t, n)
	v, err := NewVar4D(Var4DConfig{Dim: n, Obs: n, Steps: 3, ObsAt: []int{1, 3}, DT: 0.05, Inner: 5, Outer: 2}, b, r)
	if err != nil {
		t.Fatal(err)
	}
	m := newVar4DL96(n, 0.05)
	xb := var4dL96State(n, 81)
	x0, xEnd := append([]float64(nil), xb...), make([]float64, n)
	gone := var4dConst(n, math.NaN())
	if err := v.Analyze(x0, xEnd, 0, m, var4dIdentityObs{}, [][]float64{gone, nil}); err != ErrNoObservations {
		t.Fatalf("Analyze with every value missing gave %v, want ErrNoObservations", err)
	}
	fc := append([]float64(nil), xb...)
	for s := 0; s < 3; s++ {
		m.Step(fc, 0)
	}
	if maxAbsDiff(x0, xb) != 0 || maxAbsDiff(xEnd, fc) != 0 || v.Outer() != 0 {
		t.Errorf("x0 moved by %g, xEnd differs from the forecast by %g, %d outer loops", maxAbsDiff(x0, xb), maxAbsDiff(xEnd, fc), v.Outer())
	}
}

// var4dNaNModel is a model that has diverged.
type var4dNaNModel struct{ *var4dL96 }

func (m var4dNaNModel) Step(x []float64, t float64) { x[0] = math.NaN() }

func TestVar4DErrors(t *testing.T) {
	const n = 4
	b, _ := NewDiagBackground(var4dConst(n, 1), 0.2)
	r := identityR(t, n)
	good := Var4DConfig{Dim: n, Obs: n, Steps: 4, ObsAt: []int{4}, DT: 0.05, Inner: 5, Outer: 2}
	for _, tc := range []struct {
		name string
		edit func(*Var4DConfig)
		b    *Background
		r    *ObsError
		want string
	}{
		{"no state", func(c *Var4DConfig) { c.Dim = 0 }, b, r, "state dimension 0"},
		{"no obs", func(c *Var4DConfig) { c.Obs = 0 }, b, r, "0 observations"},
		{"no steps", func(c *Var4DConfig) { c.Steps = 0 }, b, r, "window of 0 steps"},
		{"no times", func(c *Var4DConfig) { c.ObsAt = nil }, b, r, "no observation times"},
		{"time 0", func(c *Var4DConfig) { c.ObsAt = []int{0} }, b, r, "want increasing steps in 1..4"},
		{"time past the end", func(c *Var4DConfig) { c.ObsAt = []int{5} }, b, r, "in 1..4"},
		{"not increasing", func(c *Var4DConfig) { c.ObsAt = []int{2, 2} }, b, r, "increasing"},
		{"dt", func(c *Var4DConfig) { c.DT = math.NaN() }, b, r, "model step NaN"},
		{"inner", func(c *Var4DConfig) { c.Inner = 0 }, b, r, "0 inner"},
		{"outer", func(c *Var4DConfig) { c.Outer = 0 }, b, r, "0 outer"},
		{"tol", func(c *Var4DConfig) { c.Tol = 1 }, b, r, "tolerance 1"},
		{"nil B", func(*Var4DConfig) {}, nil, r, "no background"},
		{"B size", func(c *Var4DConfig) { c.Dim = 3 }, b, r, "background covariance is 4x4 but the state has 3"},
		{"nil R", func(*Var4DConfig) {}, b, nil, "no observation-error"},
		{"R size", func(c *Var4DConfig) { c.Obs = 3 }, b, r, "observation-error covariance is 4x4 but there are 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.edit(&cfg)
			v, err := NewVar4D(cfg, tc.b, tc.r)
			if err == nil || v != nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewVar4D gave %v, %v; want an error with %q", v, err, tc.want)
			}
		})
	}

	v, err := NewVar4D(good, b, r)
	if err != nil {
		t.Fatal(err)
	}
	m := newVar4DL96(n, 0.05)
	x0, xEnd, y := []float64{1, 2, 3, 4}, make([]float64, n), var4dConst(n, 1)
	for _, tc := range []struct {
		name     string
		x0, xEnd []float64
		m        TangentModel
		ys       [][]float64
		want     string
	}{
		{"short state", x0[:3], xEnd, m, [][]float64{y}, "states of 3 and 4 values"},
		{"obs times", x0, xEnd, m, [][]float64{y, y}, "2 observations for 1 observation times"},
		{"obs length", x0, xEnd, m, [][]float64{y[:2]}, "observation 0 has 2 values"},
		{"no model", x0, xEnd, nil, [][]float64{y}, "no model"},
		{"diverged", x0, xEnd, var4dNaNModel{m}, [][]float64{y}, "non-finite"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := append([]float64(nil), tc.x0...)
			for i := range tc.xEnd {
				tc.xEnd[i] = -1
			}
			err := v.Analyze(tc.x0, tc.xEnd, 0, tc.m, var4dIdentityObs{}, tc.ys)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Analyze gave %v, want an error with %q", err, tc.want)
			}
			if tc.name == "diverged" && !errors.Is(err, errVarNonFinite) {
				t.Errorf("error %v does not wrap errVarNonFinite", err)
			}
			if maxAbsDiff(tc.x0, before) != 0 || tc.xEnd[0] != -1 {
				t.Errorf("a failed Analyze changed x0 or xEnd")
			}
		})
	}
}

// BenchmarkVar4DL96 times one cycle of the L96 4D-Var benchmark
// (benchmarks.md: obs_every = 4, B = 0.2 I, R = I, H = I, inner 50, outer
// 3): the truth's 4 steps and its observation, the 4-step forecast the
// cycle scores, the analysis and the scores. It reports the analysis
// RMSE over the timed cycles and the inner iterations per outer loop.
func BenchmarkVar4DL96(b *testing.B) {
	const n, every, dt = 40, 4, 0.05
	bg, _ := NewDiagBackground(var4dConst(n, 1), 0.2)
	r := identityR(b, n)
	v, err := NewVar4D(Var4DConfig{Dim: n, Obs: n, Steps: every, ObsAt: []int{every}, DT: dt, Inner: 50, Outer: 3}, bg, r)
	if err != nil {
		b.Fatal(err)
	}
	var m TangentModel = newVar4DL96(n, dt)
	var h TangentObs = var4dIdentityObs{}
	truthModel := newVar4DL96(n, dt)
	truth := var4dL96State(n, 61)
	E := NewEnsemble(1, n)
	x := E.Data
	copy(x, truth)
	for i, e := range var4dRandom(n, 62) {
		x[i] += e
	}
	xEnd, y := make([]float64, n), make([]float64, n)
	F := NewEnsemble(1, n)
	ys := [][]float64{y}
	noise := NewStream(1, PurposeObsNoise, 0)
	const spinup = 200
	stats, vstats := NewStats(n, spinup), NewVarStats(spinup)
	c := 0
	cycle := func() {
		t0 := float64(c*every) * dt
		for s := 0; s < every; s++ {
			truthModel.Step(truth, t0+float64(s)*dt)
		}
		copy(y, truth)
		noise.Reset(1, PurposeObsNoise, uint64(c))
		r.AddNoise(y, noise)
		copy(F.Data, x)
		for s := 0; s < every; s++ {
			m.Step(F.Data, t0+float64(s)*dt)
		}
		stats.Forecast(F, truth)
		if err := v.Analyze(x, xEnd, t0, m, h, ys); err != nil {
			b.Fatal(err)
		}
		vstats.Add(v)
		copy(x, xEnd)
		stats.Analysis(E, truth)
		c++
	}
	for c < spinup {
		cycle()
	}
	b.ReportAllocs()
	for b.Loop() {
		cycle()
	}
	var sum Summary
	stats.Fill(&sum)
	vstats.Fill(&sum)
	b.ReportMetric(sum.RMSEAnalysis, "rmse_a")
	b.ReportMetric(sum.InnerMean, "inner/outer")
	b.ReportMetric(float64(sum.CostIncreases), "cost_increases")
}

// TestVar4DCostIncrease checks that a Gauss–Newton step that overshoots
// on a strongly nonlinear operator is reported: the last outer loop
// raised the cost, so Reduced is false.
func TestVar4DCostIncrease(t *testing.T) {
	const n = 4
	b, _ := NewDiagBackground(var4dConst(n, 1), 4)
	r, _ := NewDiagObsError(var4dConst(n, 0.01))
	v, err := NewVar4D(Var4DConfig{Dim: n, Obs: n, Steps: 1, ObsAt: []int{1}, DT: 1, Inner: 20, Outer: 1}, b, r)
	if err != nil {
		t.Fatal(err)
	}
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		a[i*n+i] = 1
	}
	x0, xEnd := []float64{0.1, -0.1, 0.05, 0.2}, make([]float64, n)
	ys := [][]float64{{-3, 2, -1, 4}}
	if err := v.Analyze(x0, xEnd, 0, newVar4DLinear(a, n), var4dQuadObs{idx: []int{0, 1, 2, 3}, c: 1}, ys); err != nil {
		t.Fatal(err)
	}
	before, after := v.Cost(0)
	if v.Reduced() || !(after > before) {
		t.Errorf("cost %g → %g, Reduced %v; want a rise reported", before, after, v.Reduced())
	}
	if maxAbsDiff(x0, xEnd) != 0 {
		t.Errorf("with the identity model xEnd %v should equal x0 %v", xEnd, x0)
	}
}
