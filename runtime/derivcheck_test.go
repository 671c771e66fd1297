// Tests of the derivative tests: a correct tangent-linear and adjoint pass,
// and each kind of mistake fails the test meant to catch it.

package runtime

import (
	"strings"
	"testing"
)

// ringMap is x_i ← x_i + c x_{i+1} x_{i-1} on a ring, with its exact
// derivatives unless told to get one wrong.
type ringMap struct {
	c                      float64
	badTangent, badAdjoint bool
	y                      []float64
}

func (m *ringMap) at(x []float64, i int) float64 { return x[(i+len(x))%len(x)] }

func (m *ringMap) Step(x []float64, t float64) {
	n := len(x)
	for i := range x {
		m.y[i] = x[i] + m.c*m.at(x, i+1)*m.at(x, i-1)
	}
	copy(x, m.y[:n])
}

func (m *ringMap) Tangent(x, dx []float64, t float64) {
	c := m.c
	if m.badTangent {
		c *= 1.01
	}
	for i := range x {
		m.y[i] = dx[i] + c*(m.at(dx, i+1)*m.at(x, i-1)+m.at(x, i+1)*m.at(dx, i-1))
	}
	copy(dx, m.y[:len(x)])
}

func (m *ringMap) Adjoint(x, ax []float64, t float64) {
	n := len(x)
	c := m.c
	if m.badTangent {
		c *= 1.01 // the transpose of the wrong tangent-linear
	}
	clear(m.y)
	for i := range x {
		m.y[i] += ax[i]
		up, down := (i+1)%n, (i-1+n)%n
		m.y[up] += c * x[down] * ax[i]
		sign := 1.0
		if m.badAdjoint && i == 3 {
			sign = -1
		}
		m.y[down] += sign * c * x[up] * ax[i]
	}
	copy(ax, m.y[:n])
}

// squareObs (tangent_test.go) observes (x0², x1 x2).

func TestCheckModelDerivatives(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    *ringMap
		want string // "" passes
	}{
		{"exact", &ringMap{c: 0.3}, ""},
		{"linear", &ringMap{c: 0}, ""},
		{"adjoint with a sign flipped", &ringMap{c: 0.3, badAdjoint: true}, "dot-product test failed"},
		{"tangent-linear and adjoint off by 1%", &ringMap{c: 0.3, badTangent: true}, "Taylor test"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.m.y = make([]float64, 8)
			x := make([]float64, 8)
			DerivativeTestState(x, 1)
			err := CheckModelDerivatives(tc.m, x, 0)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected failure: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestCheckObsDerivatives(t *testing.T) {
	x := make([]float64, 3)
	DerivativeTestState(x, 4)
	if err := CheckObsDerivatives(squareObs{}, x, 2); err != nil {
		t.Fatal(err)
	}
	if err := CheckObsDerivatives(wrongObs{}, x, 2); err == nil || !strings.Contains(err.Error(), "dot-product") {
		t.Fatalf("an adjoint that is not the transpose passed: %v", err)
	}
}

// wrongObs has squareObs's tangent-linear but drops a term of its adjoint.
type wrongObs struct{ squareObs }

func (wrongObs) Adjoint(ax, x, ay []float64) {
	ax[0] += 2 * x[0] * ay[0]
	ax[1] += x[2] * ay[1]
}
