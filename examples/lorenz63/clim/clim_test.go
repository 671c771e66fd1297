// The Lorenz-63 climatology example: a short run writes a mean and a
// covariance of the state's size that a var3d or oi analysis can read, and
// the committed files are those of the full run, with the climatological
// moments of the classic parameters.
package clim

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// check reads the mean and covariance under dir, requiring the state's
// size, a symmetric covariance with a positive diagonal, and the header
// that says how many states they are of.
func check(t *testing.T, dir string, states int) (mean, cov []float64) {
	t.Helper()
	n := Lorenz63StateSize
	mp, cp := filepath.Join(dir, "clim_mean.csv"), filepath.Join(dir, "clim_cov.csv")
	mean, err := cycrt.ReadVectorCSV(mp, n)
	if err != nil {
		t.Fatal(err)
	}
	cov, err = cycrt.ReadMatrixCSV(cp, n, n)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if !(cov[i*n+i] > 0) {
			t.Errorf("variance %d is %v", i, cov[i*n+i])
		}
		for j := range i {
			if cov[i*n+j] != cov[j*n+i] {
				t.Errorf("covariance not symmetric at (%d, %d): %v, %v", i, j, cov[i*n+j], cov[j*n+i])
			}
		}
	}
	if _, err := cycrt.NewBackground(cov, n, 1); err != nil {
		t.Errorf("%s is not a usable B: %v", cp, err)
	}
	head, err := os.ReadFile(mp)
	if err != nil {
		t.Fatal(err)
	}
	if want := "# climatological mean of " + strconv.Itoa(states) + " states"; !strings.HasPrefix(string(head), want) {
		t.Errorf("%s starts %.50q, want %q", mp, head, want)
	}
	return mean, cov
}

// TestShortRun runs the example for 600 steps past its spin-up into a
// temporary directory.
func TestShortRun(t *testing.T) {
	c := NewClim()
	c.Dir = t.TempDir()
	c.Steps = c.Spinup + 600
	if _, err := c.Run(context.Background(), cycrt.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	check(t, c.Dir, 600)
}

// TestCommittedFiles checks the committed clim_mean.csv and clim_cov.csv:
// written by the run clim.cyc declares (its number of states), and near
// the known climatology: x and y symmetric about 0 and uncorrelated with
// z, mean z ≈ 23.5, x and y strongly correlated.
func TestCommittedFiles(t *testing.T) {
	c := NewClim()
	mean, cov := check(t, "..", c.Steps-c.Spinup)
	if math.Abs(mean[0]) > 0.5 || math.Abs(mean[1]) > 0.5 || math.Abs(mean[2]-23.5) > 0.3 {
		t.Errorf("mean %.3f, want (0, 0, 23.5) within (0.5, 0.5, 0.3)", mean)
	}
	sx, sy := math.Sqrt(cov[0]), math.Sqrt(cov[4])
	if r := cov[1] / (sx * sy); r < 0.8 || r > 0.95 {
		t.Errorf("correlation of x and y %.3f, want 0.8 – 0.95", r)
	}
	if r := cov[2] / (sx * math.Sqrt(cov[8])); math.Abs(r) > 0.05 {
		t.Errorf("correlation of x and z %.3f, want about 0", r)
	}
}
