// Speed of the Lorenz-96 LETKF at 20 members (PDAF's timing setting).
package letkf20

import (
	"context"
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

// TestTracks checks, on a short run, that the configuration timed below
// is a working filter.
func TestTracks(t *testing.T) {
	c := NewTwin()
	for _, kv := range [][2]string{{"steps", "3000"}, {"spinup", "500"}} {
		if err := c.Set(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := c.Run(context.Background(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !(sum.RMSEAnalysis < 0.25) {
		t.Errorf("rmse_analysis %.4f over %d analyses: the filter does not track (the 10-member LETKF scores 0.21)", sum.RMSEAnalysis, sum.Analyses)
	}
}

// BenchmarkCycle times one assimilation cycle: the forecast of 20
// members, the observation, 40 local analyses and the statistics. Run with
//
//	go test -run '^$' -bench Cycle -benchmem -cpu 1,2 ./examples/lorenz96/letkf20/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, NewTwin(), 200)
}
