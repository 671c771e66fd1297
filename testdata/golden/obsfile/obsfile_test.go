package obsfile

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// The file of these tests: the cycle analyses at t = 2, 4, …, 40; there is
// no record at t = 6, every value is missing at t = 12, and some single
// values are missing.
const (
	gapTime   = 6  // no record
	emptyTime = 12 // every value missing
)

// value is the observation of site j at time t in the test file, NaN for
// the values left missing.
func value(t, j int) float64 {
	if t == emptyTime || (t%8 == 0 && j == 1) {
		return math.NaN()
	}
	return math.Sin(float64(t)/5+float64(j)) + 1
}

// writeFile writes the test file into a new directory and returns it.
func writeFile(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("# buoys, hand-made\ntime,y0,y1,y2\n")
	for tt := 2; tt <= 40; tt += 2 {
		if tt == gapTime {
			continue
		}
		fmt.Fprintf(&b, "%d", tt)
		for j := range ObsSize {
			v := value(tt, j)
			if math.IsNaN(v) {
				b.WriteString(",")
				continue
			}
			fmt.Fprintf(&b, ",%.17g", v)
		}
		b.WriteString("\n")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "buoys.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// history keeps the steps of a run's records, and whether any had a
// truth.
type history struct {
	kinds []string
	truth bool
}

func (h *history) Append(r *cycrt.HistoryRecord) error {
	h.kinds = append(h.kinds, fmt.Sprintf("record@%d", r.Step))
	h.truth = h.truth || r.Truth != nil
	return nil
}
func (h *history) Close() error { return nil }
func (h *history) Discard()     {}

// TestAnalysisIndexCountsTimes checks that an analysis time with no record
// still advances the analysis index that keys the EnKF's perturbations:
// the analysis after the gap at t = 6 is the one a fresh filter makes with
// index 3 (the fourth analysis time), not 2 (the third analysis made).
func TestAnalysisIndexCountsTimes(t *testing.T) {
	c := NewReal()
	c.Dir = writeFile(t)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	for range 3 { // t = 2, 4, and 6 with no record
		if err := c.Next(); err != nil {
			t.Fatal(err)
		}
	}
	before := append([]float64(nil), c.E.Data...)
	if err := c.Next(); err != nil { // t = 8
		t.Fatal(err)
	}
	if _, _, cycles := c.Progress(); cycles != 4 {
		t.Errorf("Progress: %d cycles, want 4", cycles)
	}

	redo := func(index uint64) []float64 {
		E, HE := cycrt.NewEnsemble(RealMembers, StateSize), cycrt.NewEnsemble(RealMembers, ObsSize)
		copy(E.Data, before)
		m := NewShift()
		for k := range RealMembers {
			x := (*State)(E.Member(k))
			m.Step(x, 6)
			m.Step(x, 7)
			(&Half{}).Apply((*Obs)(HE.Member(k)), x)
		}
		y := make([]float64, ObsSize)
		for j := range y {
			y[j] = value(8, j)
		}
		r, err := cycrt.NewDiagObsError([]float64{0.5, 0.5, 0.5})
		if err != nil {
			t.Fatal(err)
		}
		f, err := NewFilter(RealMembers, StateSize, ObsSize, r, c.Seed)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Analyze(E, HE, y, index); err != nil {
			t.Fatal(err)
		}
		return E.Data
	}
	equal := func(a, b []float64) bool {
		for i := range a {
			if a[i] != b[i] {
				return false
			}
		}
		return true
	}
	if !equal(c.E.Data, redo(3)) {
		t.Errorf("the analysis at t = 8 is not the EnKF analysis with index 3")
	}
	if equal(c.E.Data, redo(2)) {
		t.Errorf("indices 2 and 3 give the same analysis: the test cannot tell them apart")
	}
}

// TestRunScoresWithoutTruth checks the summary of a whole run and its
// history: 18 analyses made of 20 times, 16 scored after a spin-up of 2,
// the values of those counted, and a history record at the start and at
// every due time, made or not, none with a truth.
func TestRunScoresWithoutTruth(t *testing.T) {
	c := NewReal()
	c.Dir = writeFile(t)
	h := &history{}
	sum, err := c.Run(t.Context(), cycrt.RunOptions{History: h})
	if err != nil {
		t.Fatal(err)
	}
	values, made := 0, 0
	for tt := 2; tt <= 40; tt += 2 {
		if tt == gapTime || tt == emptyTime {
			continue
		}
		made++
		for j := range ObsSize {
			if made > 2 && !math.IsNaN(value(tt, j)) {
				values++
			}
		}
	}
	switch {
	case !sum.NoTruth || !sum.HasObsScores:
		t.Errorf("NoTruth %v, HasObsScores %v: want both", sum.NoTruth, sum.HasObsScores)
	case sum.Analyses != 16 || sum.Steps != 40:
		t.Errorf("%d analyses scored in %d steps, want 16 in 40", sum.Analyses, sum.Steps)
	case sum.ObsAssimilated != values:
		t.Errorf("%d values assimilated, want %d", sum.ObsAssimilated, values)
	case !(sum.OMARMS < sum.OMFRMS) || !(sum.ConsistencyRatio > 0) || !(sum.SpreadAnalysis < sum.SpreadForecast):
		t.Errorf("scores: O−A %v, O−F %v, ratio %v, spread %v / %v", sum.OMARMS, sum.OMFRMS, sum.ConsistencyRatio,
			sum.SpreadAnalysis, sum.SpreadForecast)
	case !math.IsNaN(sum.RMSEAnalysis):
		t.Errorf("RMSE %v without a truth", sum.RMSEAnalysis)
	}
	want := []string{"record@0"} // the initial ensemble
	for step := 4; step <= 40; step += 4 {
		want = append(want, fmt.Sprintf("record@%d", step))
	}
	if got := strings.Join(h.kinds, " "); got != strings.Join(want, " ") {
		t.Errorf("history:\n%s\nwant\n%s", got, strings.Join(want, " "))
	}
	if h.truth {
		t.Errorf("a history record of a file-fed run has a truth")
	}
}

// TestObsFileSetting checks that obs_file names the file relative to Dir,
// or absolutely, and that a bad file fails Start with its line.
func TestObsFileSetting(t *testing.T) {
	dir := writeFile(t)
	if err := os.WriteFile(filepath.Join(dir, "bad.csv"), []byte("time,y0,y1,y2\n2,1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir, file string
		want            string // substring of Start's error; "" for none
	}{
		{"default", dir, "", ""},
		{"absolute", "/nonexistent", filepath.Join(dir, "buoys.csv"), ""},
		{"bad", dir, "bad.csv", "bad.csv:2"},
		{"missing", dir, "none.csv", "none.csv"},
		{"unknown format", dir, "buoys.txt", `want .csv or .nc`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewReal()
			c.Dir = tt.dir
			if tt.file != "" {
				if err := c.Set("obs_file", tt.file); err != nil {
					t.Fatal(err)
				}
			}
			err := c.Start()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Start: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "cycle Real: source: ")):
				t.Errorf("Start: %v, want an error with %q", err, tt.want)
			}
		})
	}
	if err := NewReal().Set("obs_file", ""); err == nil {
		t.Errorf("an empty obs_file was accepted")
	}
}

// TestNextAllocatesNothing checks Next with observations, with none and
// with values missing.
func TestNextAllocatesNothing(t *testing.T) {
	c := NewReal()
	c.Dir = writeFile(t)
	c.Steps = 1 << 20 // times past the file's end have no record
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(40, func() {
		if err := c.Next(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Next allocates %v times", allocs)
	}
}

// TestConfigHashCoversTheObsFile checks that the run's config hash
// changes when the observation file does, and only then.
func TestConfigHashCoversTheObsFile(t *testing.T) {
	sum := func(dir string) string {
		c := NewReal()
		c.Dir = dir
		h := cycrt.NewConfigHash()
		if err := c.Config(h); err != nil {
			t.Fatal(err)
		}
		return h.Sum()
	}
	dir := writeFile(t)
	a, b := sum(dir), sum(dir)
	path := filepath.Join(dir, "buoys.csv")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(data, []byte("# one more comment\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	if c := sum(dir); a != b || c == a {
		t.Errorf("hashes %s, %s, then %s after the file changed", a, b, c)
	}
}
