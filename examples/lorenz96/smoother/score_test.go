// Scores of the Lorenz-96 4D-Var smoother example (windows of 16 steps
// every 8, observations every 4, B = 0.2 I): the smoothed estimate at
// each window's start must beat the filter estimate at its end, and the
// speed of one window.
package smoother

import (
	"context"
	"strconv"
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

// TestSmoothedBeatsFilter runs seeds 1–3. Measured (6000 steps, 649
// windows scored): analysis (filter) rmse 0.386, 0.385, 0.387; smoothed
// 0.293, 0.293, 0.293; forecast 0.80–0.84. The bounds leave room for
// rounding across platforms, not for a smoother that does not smooth:
// the smoothed rmse must be at most 85% of the filter's, and the filter
// must track the truth (below 0.5, the observation error's std being 1).
func TestSmoothedBeatsFilter(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		c := NewSmooth()
		if err := c.Set("seed", strconv.FormatUint(seed, 10)); err != nil {
			t.Fatal(err)
		}
		sum, err := c.Run(context.Background(), cycrt.RunOptions{})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		t.Logf("seed %d: rmse analysis %.4f smoothed %.4f forecast %.4f over %d windows",
			seed, sum.RMSEAnalysis, sum.RMSESmoothed, sum.RMSEForecast, sum.Analyses)
		if sum.Analyses != 649 || !sum.HasSmoothed || sum.Smoothed != 649 {
			t.Errorf("seed %d: %d windows scored, %d smoothed, want 649", seed, sum.Analyses, sum.Smoothed)
		}
		if !(sum.RMSEAnalysis > 0.2 && sum.RMSEAnalysis < 0.5) {
			t.Errorf("seed %d: filter rmse %v, want in (0.2, 0.5)", seed, sum.RMSEAnalysis)
		}
		if !(sum.RMSESmoothed > 0.1 && sum.RMSESmoothed < 0.85*sum.RMSEAnalysis) {
			t.Errorf("seed %d: smoothed rmse %v, want in (0.1, 0.85 × the filter's %v)", seed, sum.RMSESmoothed, sum.RMSEAnalysis)
		}
		if !(sum.RMSEAnalysis < sum.RMSEForecast && sum.RMSEForecast < 1.2) {
			t.Errorf("seed %d: forecast rmse %v, want between the filter's %v and 1.2", seed, sum.RMSEForecast, sum.RMSEAnalysis)
		}
	}
}

// BenchmarkCycle times one window of the generated code: 8 steps of the
// truth and its observations, the 4D-Var analysis over 16 steps and the
// next background. Run with
//
//	go test -run '^$' -bench Cycle -benchmem ./examples/lorenz96/smoother/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, NewSmooth(), 100)
}
