// Package scoretest runs a generated twin experiment at several seeds and
// judges its scores against a published value the way benchmarks.md does:
// the median over seeds within a relative tolerance of the published value
// (or range), and no seed diverging.
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

// Seeds are the seeds every score is measured at.
var Seeds = []uint64{1, 2, 3, 4, 5}

// Run runs the cycle made by newCycle once per seed and checks the scores.
// minAnalyses is the least number of scored analyses a run must have.
func Run(t *testing.T, newCycle func() cycrt.Cycle, want Published, minAnalyses int) {
	t.Helper()
	var scores []float64
	for _, seed := range Seeds {
		c := newCycle()
		if err := c.Set("seed", strconv.FormatUint(seed, 10)); err != nil {
			t.Fatal(err)
		}
		sum, err := c.Run(context.Background(), cycrt.RunOptions{})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if sum.Analyses < minAnalyses {
			t.Fatalf("seed %d: %d scored analyses, want at least %d", seed, sum.Analyses, minAnalyses)
		}
		t.Logf("seed %d: rmse_analysis %.4f rmse_forecast %.4f spread_analysis %.4f (%d analyses)",
			seed, sum.RMSEAnalysis, sum.RMSEForecast, sum.SpreadAnalysis, sum.Analyses)
		if limit := divergence(want); !(sum.RMSEAnalysis <= limit) {
			t.Errorf("seed %d diverged: rmse_analysis %.4f > %.4f", seed, sum.RMSEAnalysis, limit)
		}
		scores = append(scores, sum.RMSEAnalysis)
	}
	med := Median(scores)
	lo, hi := want.Lo*(1-Tolerance), want.Hi*(1+Tolerance)
	t.Logf("median rmse_analysis %.4f; published %s; accepted [%.4f, %.4f]", med, want, lo, hi)
	if !(med >= lo && med <= hi) {
		t.Errorf("median rmse_analysis %.4f outside the published %s widened by %.0f%%: [%.4f, %.4f]", med, want, Tolerance*100, lo, hi)
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
