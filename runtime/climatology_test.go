// Tests of the climatology accumulator and of the files it writes.

package runtime

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// twoPass returns the mean and the unbiased covariance of the rows of
// xs by the two-pass formula.
func twoPass(xs [][]float64) (mean, cov []float64) {
	n, N := len(xs[0]), len(xs)
	mean = make([]float64, n)
	for _, x := range xs {
		for i, v := range x {
			mean[i] += v
		}
	}
	for i := range mean {
		mean[i] /= float64(N)
	}
	cov = make([]float64, n*n)
	for _, x := range xs {
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				cov[i*n+j] += (x[i] - mean[i]) * (x[j] - mean[j])
			}
		}
	}
	for i := range cov {
		cov[i] /= float64(N - 1)
	}
	return mean, cov
}

// TestClimatologyMoments checks the mean and covariance on samples whose
// moments are known exactly, and against the two-pass formula on samples
// with a large offset, where a naive sum of squares loses every digit.
func TestClimatologyMoments(t *testing.T) {
	t.Run("exact", func(t *testing.T) {
		// (0,0), (2,0), (0,2), (2,2): mean (1,1), covariance (4/3) I.
		c := NewClimatology(2)
		for _, x := range [][]float64{{0, 0}, {2, 0}, {0, 2}, {2, 2}} {
			c.Add(x)
		}
		mean, cov := make([]float64, 2), make([]float64, 4)
		c.Mean(mean)
		c.Cov(cov)
		if c.Count() != 4 || mean[0] != 1 || mean[1] != 1 {
			t.Errorf("count %d, mean %v; want 4, [1 1]", c.Count(), mean)
		}
		want := []float64{4.0 / 3, 0, 0, 4.0 / 3}
		if maxAbsDiff(cov, want) > 1e-15 {
			t.Errorf("covariance %v, want %v", cov, want)
		}
	})
	for _, offset := range []float64{0, 1e8} {
		t.Run(fmt.Sprintf("offset %g", offset), func(t *testing.T) { checkClimatologyOffset(t, offset) })
	}
}

// checkClimatologyOffset compares the accumulator with the two-pass
// moments of correlated samples about offset.
func checkClimatologyOffset(t *testing.T, offset float64) {
	n, N := 5, 3000
	s := NewStream(11, PurposeEnsembleInit, 0)
	xs := make([][]float64, N)
	c := NewClimatology(n)
	for k := range xs {
		x := make([]float64, n)
		z := s.Normal()
		for i := range x {
			// Correlated elements of different scales.
			x[i] = offset + float64(i+1)*(z+0.5*s.Normal())
		}
		xs[k] = x
		c.Add(x)
	}
	wantMean, wantCov := twoPass(xs)
	mean, cov := make([]float64, n), make([]float64, n*n)
	c.Mean(mean)
	c.Cov(cov)
	if d := maxAbsDiff(mean, wantMean); d > 1e-12*math.Max(1, offset) {
		t.Errorf("offset %g: mean off by %.3g", offset, d)
	}
	if d := relDiff(cov, wantCov); d > 1e-8 {
		t.Errorf("offset %g: covariance off the two-pass one by %.3g relative", offset, d)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if cov[i*n+j] != cov[j*n+i] {
				t.Fatalf("offset %g: covariance not symmetric at (%d,%d)", offset, i, j)
			}
		}
	}
}

// TestClimatologyRejects checks that a misshapen or non-finite state is
// not added and is reported, and that fewer than two states give NaN.
func TestClimatologyRejects(t *testing.T) {
	c := NewClimatology(2)
	mean, cov := make([]float64, 2), make([]float64, 4)
	c.Mean(mean)
	c.Add([]float64{1, 2})
	c.Cov(cov)
	if !math.IsNaN(cov[0]) {
		t.Errorf("covariance of one state %v, want NaN", cov)
	}
	c.Add([]float64{1})
	c.Add([]float64{nan(), 1})
	if c.Count() != 1 {
		t.Errorf("count %d after two rejected states, want 1", c.Count())
	}
	if c.Err() == nil || !strings.Contains(c.Err().Error(), "has 1 values, want 2") {
		t.Errorf("error %v, want the first (misshapen) state", c.Err())
	}
	dir := t.TempDir()
	if err := c.WriteFiles(filepath.Join(dir, "m.csv"), filepath.Join(dir, "B.csv")); err == nil {
		t.Errorf("WriteFiles after a rejected state: no error")
	}
}

// TestClimatologyWriteFiles writes the moments and reads them back with
// ReadVectorCSV and ReadMatrixCSV: the same bits. It also checks that a
// write that fails leaves both targets as they were and no temporary
// file behind.
func TestClimatologyWriteFiles(t *testing.T) {
	n := 6
	c := NewClimatology(n)
	s := NewStream(12, PurposeEnsembleInit, 0)
	x := make([]float64, n)
	for k := 0; k < 500; k++ {
		for i := range x {
			x[i] = 1e3*s.Normal() + 1e-7*float64(i) + math.Pi
		}
		c.Add(x)
	}
	mean, cov := make([]float64, n), make([]float64, n*n)
	c.Mean(mean)
	c.Cov(cov)

	dir := t.TempDir()
	mp, cp := filepath.Join(dir, "mean.csv"), filepath.Join(dir, "M.csv")
	if err := c.WriteFiles(mp, cp); err != nil {
		t.Fatal(err)
	}
	gotMean, err := ReadVectorCSV(mp, n)
	if err != nil {
		t.Fatal(err)
	}
	gotCov, err := ReadMatrixCSV(cp, n, n)
	if err != nil {
		t.Fatal(err)
	}
	if !sameBits(gotMean, mean) {
		t.Errorf("mean read back %v, want %v", gotMean, mean)
	}
	if !sameBits(gotCov, cov) {
		t.Errorf("covariance read back differs from the one written")
	}
	if _, err := NewBackground(gotCov, n, 1); err != nil {
		t.Errorf("the written covariance is not a valid B: %v", err)
	}
	for _, p := range []string{mp, cp} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o644 {
			t.Errorf("%s has mode %v, want 0644", p, fi.Mode().Perm())
		}
	}

	// A covariance path in a missing directory: the mean, written first
	// to its temporary file, must not replace the previous mean.
	before, err := os.ReadFile(mp)
	if err != nil {
		t.Fatal(err)
	}
	c.Add(x)
	if err := c.WriteFiles(mp, filepath.Join(dir, "missing", "M.csv")); err == nil {
		t.Fatal("WriteFiles into a missing directory: no error")
	}
	after, err := os.ReadFile(mp)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Errorf("a failed write changed %s", mp)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	if err := c.WriteFiles(mp, mp); err == nil {
		t.Errorf("the same path for both files: no error")
	}
}

// TestClimatologyAddZeroAllocs checks that Add allocates nothing.
func TestClimatologyAddZeroAllocs(t *testing.T) {
	c := NewClimatology(40)
	x := l96State(40, 1)
	allocs := testing.AllocsPerRun(100, func() { c.Add(x) })
	if allocs != 0 {
		t.Errorf("Add: %v allocations per call, want 0", allocs)
	}
}

// TestClimatologyCheckpoint stops a sample halfway, saves it, restores it
// into a fresh accumulator and goes on: the moments must be bit-identical
// to those of the run that did not stop. A checkpoint of another length,
// one with a section missing or with values below the diagonal is refused
// and leaves the accumulator as it was; a saved error survives.
func TestClimatologyCheckpoint(t *testing.T) {
	n, N := 4, 200
	s := NewStream(3, PurposeEnsembleInit, 0)
	xs := make([][]float64, N)
	for k := range xs {
		xs[k] = make([]float64, n)
		for i := range xs[k] {
			xs[k][i] = 5*s.Normal() + float64(i)
		}
	}
	whole := NewClimatology(n)
	for _, x := range xs {
		whole.Add(x)
	}

	first := NewClimatology(n)
	for _, x := range xs[:N/3] {
		first.Add(x)
	}
	ck := &Checkpoint{}
	first.SaveCheckpoint(ck, "clim")
	first.Add(xs[0]) // changes after the save must not leak into it
	resumed := NewClimatology(n)
	if err := resumed.RestoreCheckpoint(ck, "clim"); err != nil {
		t.Fatal(err)
	}
	if resumed.Count() != N/3 {
		t.Fatalf("restored %d states, want %d", resumed.Count(), N/3)
	}
	for _, x := range xs[N/3:] {
		resumed.Add(x)
	}
	wm, wc, rm, rc := make([]float64, n), make([]float64, n*n), make([]float64, n), make([]float64, n*n)
	whole.Mean(wm)
	whole.Cov(wc)
	resumed.Mean(rm)
	resumed.Cov(rc)
	if !sameBits(wm, rm) || !sameBits(wc, rc) {
		t.Errorf("resumed moments differ from the uninterrupted ones:\nmean %v\nwant %v", rm, wm)
	}

	t.Run("refused", func(t *testing.T) {
		other := NewClimatology(n + 1)
		if err := other.RestoreCheckpoint(ck, "clim"); err == nil || !strings.Contains(err.Error(), "length 4, not 5") {
			t.Errorf("another length: error %v", err)
		}
		if err := resumed.RestoreCheckpoint(ck, "other"); err == nil {
			t.Error("a missing section: no error")
		}
		bad := &Checkpoint{}
		first.SaveCheckpoint(bad, "clim")
		sums := make([]float64, n*n)
		sums[1*n+0] = 1 // below the diagonal
		bad.PutFloats("clim.sums", sums)
		if err := resumed.RestoreCheckpoint(bad, "clim"); err == nil || !strings.Contains(err.Error(), "below the diagonal") {
			t.Errorf("a lower triangle: error %v", err)
		}
		if resumed.Count() != N {
			t.Errorf("a refused restore changed the count to %d", resumed.Count())
		}
		resumed.Mean(rm)
		if !sameBits(wm, rm) {
			t.Error("a refused restore changed the mean")
		}
	})

	t.Run("error kept", func(t *testing.T) {
		c := NewClimatology(n)
		c.Add(xs[0])
		c.Add([]float64{1})
		ck := &Checkpoint{}
		c.SaveCheckpoint(ck, "clim")
		r := NewClimatology(n)
		if err := r.RestoreCheckpoint(ck, "clim"); err != nil {
			t.Fatal(err)
		}
		if r.Err() == nil || r.Err().Error() != c.Err().Error() {
			t.Errorf("restored error %v, want %v", r.Err(), c.Err())
		}
	})
}
