// The cycle fed from a file against the twin experiment of etkf.cyc that
// the file comes from: exactly the twin's observations give exactly the
// twin's analyses, the committed file (rounded, with gaps) still tracks the
// twin's truth, and its CSV and NetCDF forms give the same run. The
// committed file is written by this test: go test . -run TestObsFileIsFresh -update
package etkffile

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/cyclec/cyclec/examples/lorenz96/etkf"
	cycrt "github.com/cyclec/cyclec/runtime"
)

var update = flag.Bool("update", false, "rewrite ../etkffile.csv from the twin run")

// obsFile is the committed observation file, as the cycle names it.
var obsFile = filepath.Join("..", "etkffile.csv")

// missingPurpose keys the stream that picks the values left out of the
// committed file; no run draws from it.
const missingPurpose cycrt.Purpose = 1 << 32

// twinRun is what the twin experiment of etkf.cyc, run with this cycle's
// settings, went through at each analysis: the time, the observation it
// drew, the truth and the analysis ensemble mean, each row-major with one
// row per analysis.
type twinRun struct {
	times           []float64
	y, truth, means []float64
}

// runTwin runs etkf.cyc's twin experiment with the settings of cycle Real.
// The observation of analysis k is recovered as the twin's Next draws it:
// y = H(truth) + noise from the stream (Seed, PurposeObsNoise, k), H the
// identity and R = I.
func runTwin(t *testing.T) *twinRun {
	t.Helper()
	own := NewReal()
	c := etkf.NewTwin()
	c.Steps, c.ObsEvery, c.Spinup, c.Seed = own.Steps, own.ObsEvery, own.Spinup, own.Seed
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	ones := make([]float64, Lorenz96StateSize)
	for i := range ones {
		ones[i] = 1
	}
	r, err := cycrt.NewDiagObsError(ones)
	if err != nil {
		t.Fatal(err)
	}
	noise := cycrt.NewStream(c.Seed, cycrt.PurposeObsNoise, 0)
	run := &twinRun{}
	mean, spread := make([]float64, Lorenz96StateSize), make([]float64, Lorenz96StateSize)
	for k := 0; !c.Done(); k++ {
		if err := c.Next(); err != nil {
			t.Fatal(err)
		}
		step, _, _ := c.Progress()
		y := append([]float64(nil), c.Truth[:]...)
		noise.Reset(c.Seed, cycrt.PurposeObsNoise, uint64(k))
		r.AddNoise(y, noise)
		cycrt.ElementMeanSpread(c.E, mean, spread)
		run.times = append(run.times, float64(step)*Lorenz96L96DT)
		run.y = append(run.y, y...)
		run.truth = append(run.truth, c.Truth[:]...)
		run.means = append(run.means, mean...)
	}
	return run
}

// csvOf writes observations as an observation file: one record per
// analysis time but those keep rejects, values formatted by format, NaN as
// an empty field.
func csvOf(times, y []float64, keep func(k int) bool, format func(v float64) string) []byte {
	var b bytes.Buffer
	p := Lorenz96StateSize
	b.WriteString("time")
	for i := range p {
		b.WriteString(",x" + strconv.Itoa(i))
	}
	b.WriteString("\n")
	for k, at := range times {
		if !keep(k) {
			continue
		}
		b.WriteString(strconv.FormatFloat(at, 'g', -1, 64))
		for _, v := range y[k*p : (k+1)*p] {
			b.WriteString(",")
			if !math.IsNaN(v) {
				b.WriteString(format(v))
			}
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

// committedFile is the content of ../etkffile.csv: the twin's
// observations to four decimals, each value missing with probability 0.1,
// and at analysis times k ≡ 12 and 24 (mod 25) no observation, the one a
// record with every value empty, the other no record.
func committedFile(run *twinRun) []byte {
	p := Lorenz96StateSize
	y := append([]float64(nil), run.y...)
	pick := cycrt.NewStream(1, missingPurpose, 0)
	for i := range y {
		k := i / p
		if pick.Uniform() < 0.1 || k%25 == 12 {
			y[i] = math.NaN()
		}
	}
	var b bytes.Buffer
	b.WriteString("# Observations of the Lorenz-96 twin experiment of etkf.cyc (seed 1, every 2 steps),\n")
	b.WriteString("# rounded to 4 decimals, with gaps. Written by: go test ./examples/lorenz96/etkffile -run TestObsFileIsFresh -update\n")
	b.Write(csvOf(run.times, y, func(k int) bool { return k%25 != 24 },
		func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }))
	return b.Bytes()
}

// TestObsFileIsFresh checks that the committed file is exactly what
// committedFile makes of the twin run (and rewrites it with -update).
func TestObsFileIsFresh(t *testing.T) {
	want := committedFile(runTwin(t))
	if *update {
		tmp := obsFile + ".tmp"
		if err := os.WriteFile(tmp, want, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, obsFile); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(obsFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, want) {
		t.Errorf("%s is not the twin run's observations: run go test . -run TestObsFileIsFresh -update", obsFile)
	}
}

// stepMeans runs c to the end and returns its ensemble mean after every
// analysis time, row-major.
func stepMeans(t *testing.T, c *Real) []float64 {
	t.Helper()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	var means []float64
	mean, spread := make([]float64, Lorenz96StateSize), make([]float64, Lorenz96StateSize)
	for !c.Done() {
		if err := c.Next(); err != nil {
			t.Fatal(err)
		}
		cycrt.ElementMeanSpread(c.E, mean, spread)
		means = append(means, mean...)
	}
	return means
}

// maxDiff returns the largest |a_i - b_i|.
func maxDiff(a, b []float64) float64 {
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

// TestFileRunReproducesTwin feeds the cycle exactly the observations the
// twin drew (written at full precision) and checks its ensemble mean after
// every analysis against the twin's, with the same seed.
func TestFileRunReproducesTwin(t *testing.T) {
	run := runTwin(t)
	dir := t.TempDir()
	all := func(int) bool { return true }
	exact := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	if err := os.WriteFile(filepath.Join(dir, "twin.csv"), csvOf(run.times, run.y, all, exact), 0o644); err != nil {
		t.Fatal(err)
	}
	c := NewReal()
	c.Dir, c.ObsFile = dir, "twin.csv"
	means := stepMeans(t, c)
	if len(means) != len(run.means) {
		t.Fatalf("%d analysis means, twin %d", len(means)/Lorenz96StateSize, len(run.means)/Lorenz96StateSize)
	}
	d := maxDiff(means, run.means)
	t.Logf("analysis means differ from the twin's by at most %g", d)
	if d > 1e-12 {
		t.Errorf("analysis means differ from the twin's by up to %g", d)
	}
	sum, err := c.Summary()
	if err != nil {
		t.Fatal(err)
	}
	if want := (len(run.times) - c.Spinup) * Lorenz96StateSize; sum.Analyses != len(run.times)-c.Spinup || sum.ObsAssimilated != want {
		t.Errorf("%d analyses, %d values scored; want %d, %d", sum.Analyses, sum.ObsAssimilated, len(run.times)-c.Spinup, want)
	}
}

// TestTracksTheTruthWithGaps runs the cycle on the committed file and
// scores its analysis means against the twin's truth, which it never sees:
// the RMSE must stay well below the climatological error (the RMS
// deviation of the truth from its time mean, about 3.6 for Lorenz-96
// with F = 8), and under the divergence bound benchmarks.md uses for
// Lorenz-96 (1.0).
func TestTracksTheTruthWithGaps(t *testing.T) {
	run := runTwin(t)
	c := NewReal()
	c.Dir = ".."
	means := stepMeans(t, c)
	p, K := Lorenz96StateSize, len(run.times)
	var sse, clim float64
	mean := make([]float64, p)
	for k := c.Spinup; k < K; k++ {
		for i := range p {
			mean[i] += run.truth[k*p+i] / float64(K-c.Spinup)
		}
	}
	for k := c.Spinup; k < K; k++ {
		var ss, cs float64
		for i := range p {
			d := means[k*p+i] - run.truth[k*p+i]
			ss += d * d
			e := run.truth[k*p+i] - mean[i]
			cs += e * e
		}
		sse += math.Sqrt(ss / float64(p))
		clim += math.Sqrt(cs / float64(p))
	}
	rmse, climate := sse/float64(K-c.Spinup), clim/float64(K-c.Spinup)
	t.Logf("analysis RMSE %.4f against the truth; climatological error %.4f", rmse, climate)
	if !(rmse < 1.0) || !(rmse < 0.2*climate) {
		t.Errorf("analysis RMSE %.4f, want below 1 and below a fifth of the climatological error %.4f", rmse, climate)
	}
	sum, err := c.Summary()
	if err != nil {
		t.Fatal(err)
	}
	if !sum.NoTruth || !(sum.ConsistencyRatio > 0.5 && sum.ConsistencyRatio < 2) || !(sum.OMARMS < sum.OMFRMS) {
		t.Errorf("summary: no truth %v, consistency ratio %v, O−A %v, O−F %v", sum.NoTruth, sum.ConsistencyRatio, sum.OMARMS, sum.OMFRMS)
	}
}

// TestCSVAndNetCDFAgree writes the committed file as NetCDF, NaN marking
// the missing values, and checks that both forms give the same run.
func TestCSVAndNetCDFAgree(t *testing.T) {
	p := Lorenz96StateSize
	tab, err := cycrt.ReadObsCSV(obsFile, p)
	if err != nil {
		t.Fatal(err)
	}
	nc := filepath.Join(t.TempDir(), "etkffile.nc")
	w, err := cycrt.NewNetCDFWriter(nc, cycrt.NC64BitOffset)
	if err != nil {
		t.Fatal(err)
	}
	w.AddDim("time", 0)
	w.AddDim("site", p)
	tv, _ := w.AddVar("time", cycrt.NCDouble, []string{"time"})
	yv, _ := w.AddVar("y", cycrt.NCDouble, []string{"time", "site"}, cycrt.NCDoubles("_FillValue", math.NaN()))
	if err := w.Create(); err != nil {
		t.Fatal(err)
	}
	for r := range tab.Times {
		if err := w.PutRecord(tv, tab.Times[r:r+1]); err != nil {
			t.Fatal(err)
		}
		if err := w.PutRecord(yv, tab.Values[r*p:(r+1)*p]); err != nil {
			t.Fatal(err)
		}
		if err := w.AppendRecord(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	fromCSV, fromNC := NewReal(), NewReal()
	fromCSV.Dir = ".."
	if err := fromNC.Set("obs_file", nc); err != nil {
		t.Fatal(err)
	}
	a, b := stepMeans(t, fromCSV), stepMeans(t, fromNC)
	if len(a) != len(b) || maxDiff(a, b) != 0 {
		t.Errorf("the CSV and NetCDF runs differ (by up to %g)", maxDiff(a, b))
	}
	sa, err := fromCSV.Summary()
	if err != nil {
		t.Fatal(err)
	}
	sb, err := fromNC.Summary()
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%+v", *sa) != fmt.Sprintf("%+v", *sb) {
		t.Errorf("summaries differ:\ncsv    %+v\nnetcdf %+v", sa, sb)
	}
	if sa.Analyses == 0 || sa.ObsAssimilated == 0 {
		t.Errorf("the runs assimilated nothing: %+v", sa)
	}
}

// BenchmarkCycle times one analysis cycle fed from the committed file:
// the forecast of 40 members over two model steps, the file's
// observation, the ETKF analysis and the scores, over the whole file (the
// times without an observation included). Run with
//
//	go test -run '^$' -bench Cycle -benchmem ./examples/lorenz96/etkffile/
func BenchmarkCycle(b *testing.B) {
	c := NewReal()
	c.Dir = ".."
	if err := c.Start(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if c.Done() {
			b.StopTimer()
			if err := c.Start(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		if err := c.Next(); err != nil {
			b.Fatal(err)
		}
	}
}
