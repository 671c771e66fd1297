// How the generated climatology forecast behaves: which states are in its
// sample, that a resumed run writes the same files, and what it refuses.
package climatology

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// run makes a Clim writing under a fresh directory (with the out/
// subdirectory its covariance goes to), applies set, and starts it.
func run(t *testing.T, set func(c *Clim)) *Clim {
	t.Helper()
	c := NewClim()
	c.Dir = t.TempDir()
	if err := os.Mkdir(filepath.Join(c.Dir, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	if set != nil {
		set(c)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	return c
}

// finish calls Next until Done.
func finish(t *testing.T, c *Clim) {
	t.Helper()
	for !c.Done() {
		if err := c.Next(); err != nil {
			t.Fatal(err)
		}
	}
}

// files reads back what c wrote.
func files(t *testing.T, c *Clim) (mean, cov []float64) {
	t.Helper()
	mean, err := cycrt.ReadVectorCSV(filepath.Join(c.Dir, "clim_mean.csv"), Lorenz63StateSize)
	if err != nil {
		t.Fatal(err)
	}
	cov, err = cycrt.ReadMatrixCSV(filepath.Join(c.Dir, "out", "clim_cov.csv"), Lorenz63StateSize, Lorenz63StateSize)
	if err != nil {
		t.Fatal(err)
	}
	return mean, cov
}

// TestSample compares the files with the two-pass moments of the states
// after steps Spinup+1 … Steps (Spinup set to 150), stepped here from the
// same initial draw: a sample that took in the state at step Spinup, or
// missed the last, or files written before the last step, would differ.
func TestSample(t *testing.T) {
	c := run(t, func(c *Clim) {
		// The spin-up is a run-time setting (--set spinup=150).
		if err := c.Set("spinup", "150"); err != nil {
			t.Fatal(err)
		}
	})
	x := c.X
	var xs [][]float64
	for k := 0; k < c.Steps; k++ {
		c.Lorenz63L63.Step(&x, float64(k)*Lorenz63L63DT)
		if k+1 > c.Spinup {
			xs = append(xs, append([]float64(nil), x[:]...))
		}
	}
	if len(xs) != 250 {
		t.Fatalf("%d states in the reference sample, want 250", len(xs))
	}
	for !c.Done() {
		if _, err := os.Stat(filepath.Join(c.Dir, "clim_mean.csv")); err == nil {
			t.Fatalf("the mean was written at step %d, before the last", c.step)
		}
		if err := c.Next(); err != nil {
			t.Fatal(err)
		}
	}
	mean, cov := files(t, c)
	n := Lorenz63StateSize
	want := make([]float64, n)
	for _, s := range xs {
		for i, v := range s {
			want[i] += v / float64(len(xs))
		}
	}
	for i := range n {
		if math.Abs(mean[i]-want[i]) > 1e-10*(1+math.Abs(want[i])) {
			t.Errorf("mean[%d] = %v, want %v", i, mean[i], want[i])
		}
		for j := range n {
			var s float64
			for _, x := range xs {
				s += (x[i] - want[i]) * (x[j] - want[j])
			}
			s /= float64(len(xs) - 1)
			if math.Abs(cov[i*n+j]-s) > 1e-10*(1+math.Abs(s)) {
				t.Errorf("cov[%d][%d] = %v, want %v", i, j, cov[i*n+j], s)
			}
		}
	}
}

// TestResume stops a run past the spin-up, restores its checkpoint into a
// fresh cycle and finishes it: the files must be byte-identical to those
// of the run that did not stop. Restoring into a cycle with another
// spin-up is refused rather than writing a wrong climatology.
func TestResume(t *testing.T) {
	whole := run(t, nil)
	finish(t, whole)

	first := run(t, nil)
	for range 130 {
		if err := first.Next(); err != nil {
			t.Fatal(err)
		}
	}
	ck := &cycrt.Checkpoint{}
	first.SaveState(ck)
	resumed := run(t, nil)
	if err := resumed.RestoreState(ck); err != nil {
		t.Fatal(err)
	}
	finish(t, resumed)
	for _, name := range []string{"clim_mean.csv", filepath.Join("out", "clim_cov.csv")} {
		a, err := os.ReadFile(filepath.Join(whole.Dir, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(resumed.Dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s of the resumed run differs from the uninterrupted run's", name)
		}
	}

	other := run(t, func(c *Clim) { c.Spinup = 50 })
	err := other.RestoreState(ck)
	if err == nil || !strings.Contains(err.Error(), "holds 30 states, but 130 model steps after spinup = 50 make 80") {
		t.Errorf("restore with another spin-up: error %v", err)
	}
}

// TestRefusals: too few states for a covariance stop Start, and a file
// that cannot be written is an error from the last Next naming its path.
func TestRefusals(t *testing.T) {
	c := NewClim()
	c.Steps = c.Spinup + 1
	if err := c.Start(); err == nil || !strings.Contains(err.Error(), "leave 1 states") {
		t.Errorf("steps = spinup + 1: error %v", err)
	}

	c = run(t, func(c *Clim) { c.ClimCov = filepath.Join("missing", "cov.csv") })
	var err error
	for !c.Done() && err == nil {
		err = c.Next()
	}
	if err == nil || !strings.Contains(err.Error(), filepath.Join("missing", "cov.csv")) || c.step != c.Steps {
		t.Errorf("an unwritable covariance: error %v at step %d", err, c.step)
	}
	if _, statErr := os.Stat(filepath.Join(c.Dir, "clim_mean.csv")); statErr == nil {
		t.Error("the mean was written although the covariance could not be")
	}
}
