// The tests every generated tangent-linear and adjoint must pass, shared
// by the test files cyclec generates: the dot-product test of the adjoint
// against the tangent-linear, and the Taylor test of the tangent-linear
// against the nonlinear step.

package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// Tolerances and settings of the derivative tests.
const (
	// DotTolerance bounds |<M dx, ay> - <dx, Mᵀ ay>| relative to
	// |M dx|·|ay|: an adjoint that is the transpose of its tangent-linear
	// in exact arithmetic passes it with a few ulps to spare.
	DotTolerance = 1e-12
	// taylorTrials and dotTrials are the random directions each test draws.
	taylorTrials = 2
	dotTrials    = 3
)

// DerivativeTestState fills x with the state the generated derivative
// tests linearise about: draws uniform in [0.5, 1.5] from a stream keyed
// by seed, away from 0 so that log, sqrt and divisions stay in their
// domain.
func DerivativeTestState(x []float64, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	for i := range x {
		x[i] = 0.5 + r.Float64()
	}
}

// CheckModelDerivatives runs the dot-product and Taylor tests of m's
// Tangent and Adjoint at x (which it leaves unchanged) and model time t,
// and returns an error describing the first failure.
func CheckModelDerivatives(m TangentModel, x []float64, t float64) error {
	n := len(x)
	x0 := append([]float64(nil), x...)
	step := func(y, x []float64) { copy(y, x); m.Step(y, t) }
	tangent := func(dy, dx []float64) { copy(dy, dx); m.Tangent(x, dy, t) }
	adjoint := func(ax, ay []float64) { copy(ax, ay); m.Adjoint(x, ax, t) }
	if err := dotTest(n, n, tangent, adjoint); err != nil {
		return fmt.Errorf("adjoint: %w", err)
	}
	if err := taylorTest(x, n, step, tangent); err != nil {
		return fmt.Errorf("tangent-linear: %w", err)
	}
	for i := range x {
		if math.Float64bits(x[i]) != math.Float64bits(x0[i]) {
			return fmt.Errorf("Tangent or Adjoint changed the state they linearise about (element %d: %v, was %v)", i, x[i], x0[i])
		}
	}
	return nil
}

// CheckObsDerivatives runs the dot-product and Taylor tests of h's
// Tangent and Adjoint at x, for an operator with p outputs.
func CheckObsDerivatives(h TangentObs, x []float64, p int) error {
	n := len(x)
	apply := func(y, x []float64) { h.Apply(y, x) }
	tangent := func(dy, dx []float64) { h.Tangent(dy, x, dx) }
	adjoint := func(ax, ay []float64) { clear(ax); h.Adjoint(ax, x, ay) }
	if err := dotTest(n, p, tangent, adjoint); err != nil {
		return fmt.Errorf("adjoint: %w", err)
	}
	if err := taylorTest(x, p, apply, tangent); err != nil {
		return fmt.Errorf("tangent-linear: %w", err)
	}
	return nil
}

// dotTest checks <T dx, ay> = <dx, A ay> for random dx (length n) and ay
// (length p).
func dotTest(n, p int, tangent func(dy, dx []float64), adjoint func(ax, ay []float64)) error {
	r := rand.New(rand.NewPCG(2, 0x5bd1e995))
	dx, ay := make([]float64, n), make([]float64, p)
	tdx, aay := make([]float64, p), make([]float64, n)
	for trial := 0; trial < dotTrials; trial++ {
		for i := range dx {
			dx[i] = r.NormFloat64()
		}
		for i := range ay {
			ay[i] = r.NormFloat64()
		}
		tangent(tdx, dx)
		adjoint(aay, ay)
		lhs, rhs := dotProduct(tdx, ay), dotProduct(dx, aay)
		scale := math.Sqrt(dotProduct(tdx, tdx)*dotProduct(ay, ay)) + math.Sqrt(dotProduct(dx, dx)*dotProduct(aay, aay))
		if !finiteValue(lhs) || !finiteValue(rhs) {
			return fmt.Errorf("<M dx, y> = %v and <dx, Mᵀ y> = %v are not finite", lhs, rhs)
		}
		if scale == 0 {
			continue // a zero derivative passes trivially
		}
		if rel := math.Abs(lhs-rhs) / scale; rel > DotTolerance {
			return fmt.Errorf("dot-product test failed: <M dx, y> = %.17g but <dx, Mᵀ y> = %.17g (relative difference %.3g > %g)", lhs, rhs, rel, DotTolerance)
		}
	}
	return nil
}

// taylorTest checks that the tangent-linear is the derivative of f at x:
// the residual |f(x + ε dx) − f(x) − ε T dx| shrinks as ε² while it is
// above rounding, or stays at rounding level for a linear f.
func taylorTest(x []float64, p int, f func(y, x []float64), tangent func(dy, dx []float64)) error {
	n := len(x)
	r := rand.New(rand.NewPCG(3, 0x2545f491))
	dx, xe := make([]float64, n), make([]float64, n)
	fx, fe, tdx := make([]float64, p), make([]float64, p), make([]float64, p)
	f(fx, x)
	size := math.Sqrt(dotProduct(fx, fx)/float64(max(p, 1))) + 1
	floor := 1e-13 * size * math.Sqrt(float64(max(p, 1)))
	for trial := 0; trial < taylorTrials; trial++ {
		for i := range dx {
			dx[i] = r.NormFloat64()
		}
		tangent(tdx, dx)
		var res []float64
		for k := 1; k <= 8; k++ {
			eps := math.Pow(10, -float64(k))
			for i := range xe {
				xe[i] = x[i] + eps*dx[i]
			}
			f(fe, xe)
			s := 0.0
			for i := range fe {
				d := fe[i] - fx[i] - eps*tdx[i]
				s += d * d
			}
			res = append(res, math.Sqrt(s))
		}
		if err := secondOrder(res, floor); err != nil {
			return err
		}
	}
	return nil
}

// secondOrder judges the residuals at ε = 10⁻¹ … 10⁻⁸: every one at
// rounding level (a linear map), or at least two successive decades above
// it over which each shrinks by a factor near 100, and none that grows
// while above it.
func secondOrder(res []float64, floor float64) error {
	table := func() string {
		var b strings.Builder
		for k, v := range res {
			fmt.Fprintf(&b, " 1e-%d:%.3g", k+1, v)
		}
		return b.String()
	}
	for _, v := range res {
		if !finiteValue(v) {
			return fmt.Errorf("Taylor test: residual not finite (ε, residual:%s)", table())
		}
	}
	good := 0
	for k := 0; k+1 < len(res); k++ {
		a, b := res[k], res[k+1]
		if b < 100*floor {
			break // rounding dominates from here on
		}
		ratio := a / b
		switch {
		case ratio >= 70 && ratio <= 140:
			good++
		case k == 0:
			// the largest step may still see third-order terms
		default:
			return fmt.Errorf("Taylor test: the residual shrank by %.3g from ε = 1e-%d to 1e-%d, want about 100 (second order) (ε, residual:%s)", ratio, k+1, k+2, table())
		}
	}
	if good >= 2 {
		return nil
	}
	for _, v := range res {
		if v > 1e3*floor {
			return fmt.Errorf("Taylor test: the residual does not shrink as ε² over two decades (ε, residual:%s)", table())
		}
	}
	return nil // the tangent-linear is exact: a linear map
}

// dotProduct is the inner product of equal-length vectors.
func dotProduct(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// finiteValue reports whether v is neither NaN nor infinite.
func finiteValue(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
