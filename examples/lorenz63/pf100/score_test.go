// Scores of the Lorenz-63 bootstrap particle filter example (100
// particles, threshold 0.3, jitter 2.4) against DAPPER's sakov2012 list.
package pf100

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

func TestPublishedScore(t *testing.T) {
	scoretest.Run(t, func() cycrt.Cycle { return NewTwin() },
		scoretest.Published{Lo: 0.38, Hi: 0.38, Diverged: 2.0}, scoretest.Protocol{MinAnalyses: 10000})
}

// BenchmarkCycle times one assimilation cycle of the generated code after
// a warm-up onto the attractor. Run with
//
//	go test -run '^$' -bench Cycle -benchmem ./examples/lorenz63/pf100/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, NewTwin(), 200)
}
