// Package scoretest runs a generated twin experiment at several seeds and
// judges its scores the way benchmarks.md does: the median analysis RMSE
// over the seeds within a relative tolerance of the published value (or
// range), and no seed diverging.
package scoretest

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// Published is a published analysis-RMSE score: a value (Lo == Hi) or a
// range.
type Published struct {
	Lo, Hi float64
	// Diverged is the absolute RMSE above which a seed counts as diverged
	// (1.0 for L96, 2.0 for L63), besides 3× the published value.
	Diverged float64
}

// Tolerance is the relative widening of the published value or range that
// the median may fall in (benchmarks.md: 7%).
const Tolerance = 0.07

// Seeds are the seeds benchmarks.md measures every score at.
var Seeds = []uint64{1, 2, 3, 4, 5}

// Protocol says how the runs are made and judged; the zero value is
// benchmarks.md's: seeds 1–5, the run length written in the program, no
// seed may diverge, the median judged against the published score.
type Protocol struct {
	Seeds       []uint64 // default Seeds
	Steps       int      // model steps per run; 0 keeps the program's
	Spinup      int      // analyses left out; 0 keeps the program's
	MinAnalyses int      // least number of scored analyses a run must have
	// MaxDiverged is how many seeds may diverge; non-zero only where an
	// investigation showed that a faithful implementation diverges too
	// (Why says where).
	MaxDiverged int
	// Reference, when non-zero, replaces the published value as the centre
	// of the tolerance: the long-run score of an independent reference
	// implementation, where the published figure came from shorter runs
	// (Why says where it was measured).
	Reference float64
	Why       string
	// AtMost judges the median against the published value from above
	// only: a method whose derivatives are exact where the publication's
	// were approximate (the EKF) must score as well or better, so the
	// median must not exceed the published value, and any lower one is
	// accepted.
	AtMost bool
}

// Run runs the cycle made by newCycle once per seed and checks the scores.
func Run(t *testing.T, newCycle func() cycrt.Cycle, want Published, p Protocol) {
	t.Helper()
	seeds := p.Seeds
	if seeds == nil {
		seeds = Seeds
	}
	if p.Why != "" {
		t.Logf("protocol: %s", p.Why)
	}
	var scores []float64
	diverged := 0
	for _, seed := range seeds {
		c := newCycle()
		set(t, c, "seed", strconv.FormatUint(seed, 10))
		if p.Steps > 0 {
			set(t, c, "steps", strconv.Itoa(p.Steps))
		}
		if p.Spinup > 0 {
			set(t, c, "spinup", strconv.Itoa(p.Spinup))
		}
		sum, err := c.Run(context.Background(), cycrt.RunOptions{})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if sum.Analyses < p.MinAnalyses {
			t.Fatalf("seed %d: %d scored analyses, want at least %d", seed, sum.Analyses, p.MinAnalyses)
		}
		t.Logf("seed %d: rmse_analysis %.4f rmse_forecast %.4f spread_analysis %.4f (%d analyses)",
			seed, sum.RMSEAnalysis, sum.RMSEForecast, sum.SpreadAnalysis, sum.Analyses)
		if limit := divergence(want); !(sum.RMSEAnalysis <= limit) {
			diverged++
			t.Logf("seed %d diverged: rmse_analysis %.4f > %.4f", seed, sum.RMSEAnalysis, limit)
		}
		scores = append(scores, sum.RMSEAnalysis)
	}
	if diverged > p.MaxDiverged {
		t.Errorf("%d of %d seeds diverged; at most %d may", diverged, len(seeds), p.MaxDiverged)
	}
	med := Median(scores)
	lo, hi := want.Lo*(1-Tolerance), want.Hi*(1+Tolerance)
	centre := fmt.Sprintf("published %s", want)
	if p.Reference > 0 {
		lo, hi = p.Reference*(1-Tolerance), p.Reference*(1+Tolerance)
		centre = fmt.Sprintf("reference long-run %.3f (published %s)", p.Reference, want)
	}
	if p.AtMost {
		lo, hi = 0, want.Hi
		centre += ", as good or better"
	}
	t.Logf("median rmse_analysis %.4f over %d seeds; %s; accepted [%.4f, %.4f]", med, len(seeds), centre, lo, hi)
	if !(med >= lo && med <= hi) {
		t.Errorf("median rmse_analysis %.4f outside %s (tolerance %.0f%%): [%.4f, %.4f]", med, centre, Tolerance*100, lo, hi)
	}
}

// set applies one setting or fails the test.
func set(t *testing.T, c cycrt.Cycle, name, value string) {
	t.Helper()
	if err := c.Set(name, value); err != nil {
		t.Fatal(err)
	}
}

// divergence is the RMSE above which a seed has diverged.
func divergence(p Published) float64 {
	return min(3*p.Hi, p.Diverged)
}

// String formats the published value or range.
func (p Published) String() string {
	if p.Lo == p.Hi {
		return fmt.Sprintf("%.2f", p.Lo)
	}
	return fmt.Sprintf("%.2f – %.2f", p.Lo, p.Hi)
}

// Median returns the median of xs (xs is not modified).
func Median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Stepper is a generated DA cycle driven one assimilation cycle at a time.
type Stepper interface {
	Set(name, value string) error
	Start() error
	Next() error
}

// BenchmarkCycle times one call of Next — one whole assimilation cycle of
// the generated code — after warmup cycles that settle the run onto the
// attractor, so that the timing is of a typical cycle.
func BenchmarkCycle(b *testing.B, c Stepper, warmup int) {
	b.Helper()
	if err := c.Set("steps", "1000000000"); err != nil {
		b.Fatal(err)
	}
	if err := c.Start(); err != nil {
		b.Fatal(err)
	}
	for range warmup {
		if err := c.Next(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Next(); err != nil {
			b.Fatal(err)
		}
	}
}
