package recurrence

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// TestNewtonConverges runs Newton's iteration from 1: it reaches sqrt(2)
// to the last bit in 5 iterations (1.5, 1.41667, 1.414216, 1.41421356237469,
// 1.4142135623730951), the residual being the size of the last update.
func TestNewtonConverges(t *testing.T) {
	sum, err := NewRoot().Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.HasRecurrence || !sum.Converged || sum.Iterations != 5 || sum.Steps != 5 || sum.Kind != "recurrence" {
		t.Fatalf("converged %v after %d iterations (%d steps, kind %q), want 5", sum.Converged, sum.Iterations, sum.Steps, sum.Kind)
	}
	if len(sum.FinalState) != 1 || math.Abs(sum.FinalState[0]-math.Sqrt2) > 1e-12 {
		t.Errorf("final state %v, want sqrt(2) to 1e-12", sum.FinalState)
	}
	if r := sum.Residual; !(r > 1e-13 && r < 1e-11) {
		t.Errorf("residual %v, want the last update, about 1.6e-12", r)
	}
}

// TestTooFewIterations stops Newton after 3 iterations: the run is an
// error naming the count, the condition and the residual, and the summary
// of the cycle says it did not converge.
func TestTooFewIterations(t *testing.T) {
	c := NewRoot()
	if err := c.Set("steps", "3"); err != nil {
		t.Fatal(err)
	}
	_, err := c.Run(t.Context(), cycrt.RunOptions{})
	want := "cycle Root: did not converge after 3 iterations: abs(x[0] ^ 2 - 2) < 1e-12 does not hold (residual 0.00245; max_iters is the setting steps)"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
	sum, err := c.Summary()
	if err != nil {
		t.Fatal(err)
	}
	if sum.Converged || sum.Iterations != 3 {
		t.Errorf("summary: converged %v after %d iterations, want false after 3", sum.Converged, sum.Iterations)
	}
	var b strings.Builder
	if err := sum.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "did not converge after 3 iterations") {
		t.Errorf("text summary:\n%s", b.String())
	}
	if err := c.Next(); err == nil || !strings.Contains(err.Error(), "after the recurrence stopped") {
		t.Errorf("Next after the last iteration gave %v", err)
	}
	if err := c.Set("steps", "0"); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err == nil || !strings.Contains(err.Error(), "steps = 0, want at least 1") {
		t.Errorf("steps = 0 gave %v", err)
	}
}

// TestConditionBeforeTheFirstIteration starts at the root: the condition
// holds at once, so no iteration is made and there is no residual.
func TestConditionBeforeTheFirstIteration(t *testing.T) {
	sum, err := NewAtRoot().Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Converged || sum.Iterations != 0 || !math.IsNaN(sum.Residual) || sum.FinalState[0] != math.Sqrt2 {
		t.Errorf("converged %v after %d iterations, residual %v, state %v; want true, 0, NaN, sqrt(2)",
			sum.Converged, sum.Iterations, sum.Residual, sum.FinalState)
	}
}

// TestJacobi solves -d²u/dx² = 1 on six nodes with u = 0 beyond the ends:
// u_i = (i+1)(6-i)/2. The condition reads the boundary through u[-1].
func TestJacobi(t *testing.T) {
	c := NewPoisson()
	sum, err := c.Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Converged || sum.Iterations < 100 || sum.Iterations > 400 {
		t.Fatalf("converged %v after %d iterations, want convergence after 100 to 400 (spectral radius cos(pi/7))", sum.Converged, sum.Iterations)
	}
	for i, u := range sum.FinalState {
		if want := float64((i+1)*(6-i)) / 2; math.Abs(u-want) > 1e-7 {
			t.Errorf("u[%d] = %v, want %v", i, u, want)
		}
	}
	if r := -0 + 2*c.X[0] - c.X[1] - 1; math.Abs(r) >= 1e-9 {
		t.Errorf("residual at node 0 is %v, want below 1e-9", r)
	}
}

// TestHistory records every iterate of Newton, the start included.
func TestHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "root.history")
	if _, err := NewRoot().Run(t.Context(), cycrt.RunOptions{HistoryPath: path}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 3 && !strings.HasPrefix(line, "#") {
			states = append(states, f[3])
		}
	}
	if len(states) != 6 || states[0] != "1" || states[1] != "1.5" || states[5] != "1.4142135623730951" {
		t.Errorf("recorded states %v, want the 6 iterates from 1 to sqrt(2)", states)
	}
}

// TestNextAllocatesNothing times one iteration with testing.AllocsPerRun.
func TestNextAllocatesNothing(t *testing.T) {
	c := NewPoisson()
	c.Steps = 1 << 20
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() {
		if err := c.Next(); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Next allocates %v times, want 0", n)
	}
}
