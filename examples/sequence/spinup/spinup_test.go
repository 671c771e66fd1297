// The spin-up-then-forecast example: the forecast starts from the final
// analysis mean, to the bit, and has skill at short leads against the
// continued truth.
package spinup

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// rmse is the root-mean-square difference of a and b.
func rmse(a, b *Lorenz96State) float64 {
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return math.Sqrt(s / float64(len(a)))
}

// run runs Day, recording the forecast's history in a temporary
// directory, and returns it with the forecast's history file.
func run(t *testing.T) (*Day, string) {
	t.Helper()
	dir := t.TempDir()
	day := NewDay()
	sum, err := day.Run(t.Context(), cycrt.RunOptions{HistoryPath: filepath.Join(dir, "spinup.history")})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Parts) != 2 || sum.Parts[0].Analyses != 400 || sum.Parts[1].Steps != 72 {
		t.Fatalf("summary: %d parts, %d analyses, %d forecast steps", len(sum.Parts), sum.Parts[0].Analyses, sum.Parts[1].Steps)
	}
	if r := sum.Parts[0].RMSEAnalysis; !(r < 0.25) {
		t.Errorf("spin-up analysis RMSE %v, want the ETKF's ~0.18", r)
	}
	return day, filepath.Join(dir, "spinup.Forecast.history")
}

// TestForecastStartsFromTheAnalysisMean checks the hand-over twice: the
// forecast's first history record is the mean of the spin-up's final
// ensemble, and 72 steps of the model from that mean give the forecast's
// final state, to the bit.
func TestForecastStartsFromTheAnalysisMean(t *testing.T) {
	day, history := run(t)
	var mean Lorenz96State
	day.Spinup.E.Mean(mean[:])

	data, err := os.ReadFile(history)
	if err != nil {
		t.Fatal(err)
	}
	var first []string
	records := 0
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 3 && !strings.HasPrefix(line, "#") {
			if records == 0 {
				first = f
			}
			records++
		}
	}
	if records != 73 || len(first) < 3+Lorenz96StateSize {
		t.Fatalf("the forecast's history has %d records, want 73", records)
	}
	for i, want := range mean {
		if v, err := strconv.ParseFloat(first[3+i], 64); err != nil || math.Float64bits(v) != math.Float64bits(want) {
			t.Fatalf("the forecast starts with %s at site %d, want the analysis mean %v", first[3+i], i, want)
		}
	}

	x := mean
	m := NewLorenz96L96()
	for s := range 72 {
		m.Step(&x, float64(s)*Lorenz96L96DT)
	}
	if x != day.Forecast.X {
		t.Error("72 steps from the analysis mean do not give the forecast's final state")
	}
}

// TestForecastSkill continues the spin-up's truth beside the forecast:
// the error starts at the analysis error, stays small for the first day
// (4 steps) and grows over the 18 days.
func TestForecastSkill(t *testing.T) {
	day, _ := run(t)
	truth := day.Spinup.Truth
	var x Lorenz96State
	day.Spinup.E.Mean(x[:])
	m, mt := NewLorenz96L96(), NewLorenz96L96()
	errs := []float64{rmse(&x, &truth)}
	for s := range 72 {
		m.Step(&x, float64(s)*Lorenz96L96DT)
		mt.Step(&truth, float64(s)*Lorenz96L96DT)
		errs = append(errs, rmse(&x, &truth))
	}
	if x != day.Forecast.X {
		t.Fatal("the forecast by hand is not the sequence's")
	}
	t.Logf("forecast RMSE against the truth: %.3f at the start, %.3f after a day, %.3f after 5 days, %.3f after 18", errs[0], errs[4], errs[20], errs[72])
	if !(errs[0] < 0.3 && errs[4] < 0.5 && errs[72] > 4*errs[4]) {
		t.Errorf("forecast RMSE %.3f at the start, %.3f after a day, %.3f after 18 days: want small early, growing", errs[0], errs[4], errs[72])
	}
}
