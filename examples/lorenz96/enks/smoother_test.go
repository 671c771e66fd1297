// The smoother example: at every seed the final smoothed ensembles, which
// have seen two more observations, are closer to the truth than the
// filter's analyses, and both track it.
package enks

import (
	"context"
	"github.com/cyclec/cyclec/examples/internal/scoretest"
	"strconv"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

func TestSmoothedBeatsFiltered(t *testing.T) {
	for seed := 1; seed <= 3; seed++ {
		c := NewTwin()
		for _, kv := range [][2]string{{"seed", strconv.Itoa(seed)}, {"steps", "3000"}, {"spinup", "500"}} {
			if err := c.Set(kv[0], kv[1]); err != nil {
				t.Fatal(err)
			}
		}
		sum, err := c.Run(context.Background(), cycrt.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seed %d: rmse_analysis %.4f rmse_smoothed %.4f over %d smoothed times", seed, sum.RMSEAnalysis, sum.RMSESmoothed, sum.Smoothed)
		if !sum.HasSmoothed || sum.Smoothed != sum.Analyses-2 {
			t.Errorf("seed %d: %d smoothed analysis times for %d analyses, want all but the last 2", seed, sum.Smoothed, sum.Analyses)
		}
		if !(sum.RMSEAnalysis < 0.3) {
			t.Errorf("seed %d: the filter does not track: rmse_analysis %.4f", seed, sum.RMSEAnalysis)
		}
		if !(sum.RMSESmoothed < sum.RMSEAnalysis) {
			t.Errorf("seed %d: smoothed rmse %.4f not below the filter's %.4f", seed, sum.RMSESmoothed, sum.RMSEAnalysis)
		}
	}
}

// BenchmarkCycle times one assimilation cycle of the generated code after
// a warm-up onto the attractor. Run with
//
//	go test -run '^$' -bench Cycle -benchmem ./examples/lorenz96/enks/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, NewTwin(), 200)
}
