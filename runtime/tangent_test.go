// Tests of the Jacobian built from an operator's tangent-linear.

package runtime

import "testing"

// squareObs observes y = (x0², x1 x2).
type squareObs struct{}

func (squareObs) Apply(y, x []float64) { y[0], y[1] = x[0]*x[0], x[1]*x[2] }
func (squareObs) Tangent(dy, x, dx []float64) {
	dy[0], dy[1] = 2*x[0]*dx[0], x[2]*dx[1]+x[1]*dx[2]
}
func (squareObs) Adjoint(ax, x, ay []float64) {
	ax[0] += 2 * x[0] * ay[0]
	ax[1] += x[2] * ay[1]
	ax[2] += x[1] * ay[1]
}

func TestObsJacobian(t *testing.T) {
	x := []float64{1.5, -2, 3}
	jac := make([]float64, 6)
	dx, dy := make([]float64, 3), make([]float64, 2)
	ObsJacobian(jac, squareObs{}, x, dx, dy)
	want := []float64{3, 0, 0, 0, 3, -2}
	for i := range want {
		if jac[i] != want[i] {
			t.Fatalf("Jacobian %v, want %v", jac, want)
		}
	}
	for _, v := range dx {
		if v != 0 {
			t.Fatalf("workspace dx = %v, want zero", dx)
		}
	}
}
