// The recurrence examples: Newton's iteration for sqrt(2) and the
// fixed point of cos, their iteration counts and the error of a run whose
// max_iters is too small.
package newton

import (
	"math"
	"strings"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// dottie is the fixed point of cos, to the last bit.
const dottie = 0.7390851332151607

func TestSqrt2(t *testing.T) {
	sum, err := NewSqrt2().Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Converged || sum.Iterations != 5 {
		t.Fatalf("converged %v after %d iterations, want after 5 (quadratic convergence from 1)", sum.Converged, sum.Iterations)
	}
	if x := sum.FinalState[0]; math.Abs(x-math.Sqrt2) > 1e-12 {
		t.Errorf("x = %v, want sqrt(2) = %v to 1e-12", x, math.Sqrt2)
	}
}

// TestDottie checks the iteration count against the same iteration in
// plain Go: the first k with |cos(x_k) - x_k| < 1e-12.
func TestDottie(t *testing.T) {
	sum, err := NewDottie().Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	x, k := 1.0, 0
	for math.Abs(math.Cos(x)-x) >= 1e-12 {
		x, k = math.Cos(x), k+1
	}
	if !sum.Converged || sum.Iterations != k || sum.FinalState[0] != x {
		t.Fatalf("converged %v after %d iterations at %v, want after %d at %v", sum.Converged, sum.Iterations, sum.FinalState[0], k, x)
	}
	if math.Abs(x-dottie) > 1e-12 {
		t.Errorf("x = %v, want %v to 1e-12", x, dottie)
	}
	if r := sum.Residual; !(r > 0 && r < 1e-11) {
		t.Errorf("residual %v, want the last update, below 1e-11", r)
	}
}

// TestTooFewIterations gives Newton 4 iterations, one too few: the run
// fails, naming the count and the condition.
func TestTooFewIterations(t *testing.T) {
	c := NewSqrt2()
	if err := c.Set("steps", "4"); err != nil {
		t.Fatal(err)
	}
	_, err := c.Run(t.Context(), cycrt.RunOptions{})
	if err == nil || !strings.Contains(err.Error(), "cycle Sqrt2: did not converge after 4 iterations: abs(x[0] ^ 2 - 2) < 1e-12 does not hold") {
		t.Fatalf("error %v, want the non-convergence", err)
	}
	if sum, _ := c.Summary(); sum.Converged || sum.Iterations != 4 {
		t.Errorf("summary: converged %v after %d iterations", sum.Converged, sum.Iterations)
	}
}
