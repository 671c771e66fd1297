// The climatology of a free run: the running sample mean and covariance of
// its states, written to the files the var3d and oi analyses read as B.

package runtime

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

// Climatology accumulates the sample mean and covariance of a sequence of
// states (a long free `forecast` run), the recipe for a climatological
// background covariance: DAPPER's OptInterp and Var3D take B as the
// sample covariance of the truth run, and a cycle can read ours back as
// B = "M.csv" (the matrix file) with its mean.
//
// The update is Welford's: with d = x − mean before the k-th state,
// mean += d/k and C += (k−1)/k · d dᵀ (the sum of squared deviations
// about the current mean), so no large sums cancel. Only the upper
// triangle of C is updated. Add does not allocate.
//
// A state of the wrong length or with a non-finite value is not added;
// the first one is reported by [Climatology.Err] and by WriteFiles.
type Climatology struct {
	n     int
	count int
	mean  []float64 // n
	c     []float64 // n×n sum of squared deviations, upper triangle
	d     []float64 // n scratch
	err   error
}

// NewClimatology returns an empty accumulator for states of length n.
func NewClimatology(n int) *Climatology {
	n = max(n, 0)
	return &Climatology{n: n, mean: make([]float64, n), c: make([]float64, n*n), d: make([]float64, n)}
}

// Dim returns the state length n.
func (c *Climatology) Dim() int { return c.n }

// Add adds the state x (length n) to the sample.
func (c *Climatology) Add(x []float64) {
	n := c.n
	if len(x) != n || n == 0 {
		if c.err == nil {
			c.err = fmt.Errorf("climatology: state %d has %d values, want %d", c.count+1, len(x), n)
		}
		return
	}
	if !allFinite(x) {
		if c.err == nil {
			c.err = fmt.Errorf("climatology: state %d is not finite (has the model diverged?)", c.count+1)
		}
		return
	}
	c.count++
	k := float64(c.count)
	for i, v := range x {
		c.d[i] = v - c.mean[i]
		c.mean[i] += c.d[i] / k
	}
	f := (k - 1) / k
	for i := 0; i < n; i++ {
		di := f * c.d[i]
		if di == 0 {
			continue
		}
		row, d := c.c[i*n+i:(i+1)*n], c.d[i:]
		for j, dj := range d {
			row[j] += di * dj
		}
	}
}

// Count returns the number of states added.
func (c *Climatology) Count() int { return c.count }

// Err returns the first state that could not be added, or nil.
func (c *Climatology) Err() error { return c.err }

// Mean writes the sample mean into dst (length n); NaN before any state.
func (c *Climatology) Mean(dst []float64) {
	dst = dst[:c.n]
	if c.count == 0 {
		for i := range dst {
			dst[i] = math.NaN()
		}
		return
	}
	copy(dst, c.mean)
}

// Cov writes the unbiased sample covariance (divided by N − 1) into dst
// (n×n row-major, both triangles); NaN with fewer than two states.
func (c *Climatology) Cov(dst []float64) {
	n := c.n
	dst = dst[:n*n]
	if c.count < 2 {
		for i := range dst {
			dst[i] = math.NaN()
		}
		return
	}
	s := 1 / float64(c.count-1)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := c.c[i*n+j] * s
			dst[i*n+j], dst[j*n+i] = v, v
		}
	}
}

// WriteFiles writes the mean to meanPath (one value a line, the format
// [ReadVectorCSV] reads) and the covariance to covPath (one matrix row a
// line, comma-separated, the format [ReadMatrixCSV] reads), each with a
// '#' comment line first saying what it is. Values are printed in the
// shortest form that reads back to the same float64 bits.
//
// Both files are written in full to temporary files in their directories
// before either is renamed over its target, so an error while writing
// leaves both targets as they were (each rename replaces its file
// atomically). It is an error to write fewer than two states, or after
// a state that could not be added.
func (c *Climatology) WriteFiles(meanPath, covPath string) error {
	if c.err != nil {
		return fmt.Errorf("writing climatology: %w", c.err)
	}
	if c.count < 2 {
		return fmt.Errorf("writing climatology: %d states, want at least 2 for a covariance", c.count)
	}
	if meanPath == covPath {
		return fmt.Errorf("writing climatology: mean and covariance would both go to %s", meanPath)
	}
	n := c.n
	cov := make([]float64, n*n)
	c.Cov(cov)

	buf := fmt.Appendf(nil, "# climatological mean of %d states of length %d\n", c.count, n)
	for _, v := range c.mean {
		buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
		buf = append(buf, '\n')
	}
	meanTmp, err := writeTemp(meanPath, buf)
	if err != nil {
		return fmt.Errorf("writing climatology mean: %w", err)
	}

	buf = fmt.Appendf(buf[:0], "# climatological covariance (unbiased, N-1) of %d states, %dx%d\n", c.count, n, n)
	for i := 0; i < n; i++ {
		for j, v := range cov[i*n : (i+1)*n] {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
		}
		buf = append(buf, '\n')
	}
	covTmp, err := writeTemp(covPath, buf)
	if err != nil {
		_ = os.Remove(meanTmp)
		return fmt.Errorf("writing climatology covariance: %w", err)
	}

	if err := os.Rename(covTmp, covPath); err != nil {
		_ = os.Remove(meanTmp)
		_ = os.Remove(covTmp)
		return fmt.Errorf("writing climatology covariance: %w", err)
	}
	if err := os.Rename(meanTmp, meanPath); err != nil {
		_ = os.Remove(meanTmp)
		return fmt.Errorf("writing climatology mean (the covariance %s was written): %w", covPath, err)
	}
	return nil
}

// writeTemp writes data to a new temporary file in the directory of
// path (named after it, hidden), synced to disk, and returns its name; on
// error it leaves nothing behind.
func writeTemp(path string, data []byte) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	name := f.Name()
	fail := func(err error) (string, error) {
		_ = f.Close()
		_ = os.Remove(name)
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	// CreateTemp makes the file private; these are ordinary outputs.
	if err := f.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(name)
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return name, nil
}

// SaveCheckpoint stores the sample in c as name+".counts" (int64: the
// state length n and the states added), name+".mean" (the running mean,
// n values), name+".sums" (the n×n sums of squared deviations, upper
// triangle, row-major) and name+".err" (the first state that could not be
// added, empty when there was none), so that a resumed run writes the
// same files, bit for bit, as one that did not stop. It does not allocate
// once c holds the sections.
func (c *Climatology) SaveCheckpoint(ck *Checkpoint, name string) {
	counts := [...]int64{int64(c.n), int64(c.count)}
	saveScores(ck, name, c.c, counts[:], c.err)
	ck.PutFloats(name+".mean", c.mean)
}

// RestoreCheckpoint sets the sample to the one SaveCheckpoint stored in ck
// under name. c must have been made by NewClimatology with the saved
// state length; a different length, a missing section, a negative count,
// a non-finite sum or a lower triangle that is not zero is an error and
// leaves c unchanged.
func (c *Climatology) RestoreCheckpoint(ck *Checkpoint, name string) error {
	n := c.n
	// The length first, so that a checkpoint of another model says so
	// rather than that its sums are of the wrong size.
	var counts [2]int64
	if err := ck.Ints(name+".counts", counts[:]); err != nil {
		return fmt.Errorf("climatology: %w", err)
	}
	if counts[0] != int64(n) {
		return fmt.Errorf("climatology: %s: saved for states of length %d, not %d", ck.where(), counts[0], n)
	}
	sums := make([]float64, n*n)
	saved, err := loadScores(ck, name, "climatology", sums, counts[:])
	if err != nil {
		return err
	}
	mean := make([]float64, n)
	if err := ck.Floats(name+".mean", mean); err != nil {
		return fmt.Errorf("climatology: %w", err)
	}
	count := counts[1]
	switch {
	case count < 0:
		return fmt.Errorf("climatology: %s: section %q: %d states", ck.where(), name+".counts", count)
	case !allFinite(mean) || !allFinite(sums):
		return fmt.Errorf("climatology: %s: sections %q and %q hold non-finite values", ck.where(), name+".mean", name+".sums")
	}
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			if sums[i*n+j] != 0 {
				return fmt.Errorf("climatology: %s: section %q: element (%d, %d) below the diagonal is %g, not 0",
					ck.where(), name+".sums", i, j, sums[i*n+j])
			}
		}
	}
	c.count = int(count)
	copy(c.mean, mean)
	copy(c.c, sums)
	c.err = savedError(saved)
	return nil
}
