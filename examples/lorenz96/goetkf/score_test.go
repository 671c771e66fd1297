// The L96 ETKF experiment with the model in plain Go: the published score,
// and the speed of one DA cycle beside the .cyc model's
// (examples/lorenz96/etkf).
package goetkf

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

func TestPublishedScore(t *testing.T) {
	scoretest.Run(t, func() cycrt.Cycle { return NewTwin() },
		scoretest.Published{Lo: 0.18, Hi: 0.18, Diverged: 1.0}, scoretest.Protocol{MinAnalyses: 10000})
}

// BenchmarkCycle times one DA cycle with the Go model. Compare with
//
//	go test -run '^$' -bench Cycle -benchmem ./examples/lorenz96/etkf/ ./examples/lorenz96/goetkf/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, NewTwin(), 500)
}
