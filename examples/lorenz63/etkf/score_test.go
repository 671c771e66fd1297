// Scores of the Lorenz-63 ETKF example (10 members, inflation 1.02,
// rotation) against Sakov, Oliver & Bertino (2012), and the speed of one
// DA cycle.
package etkf

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

func TestPublishedScore(t *testing.T) {
	scoretest.Run(t, func() cycrt.Cycle { return NewTwin() },
		scoretest.Published{Lo: 0.54, Hi: 0.60, Diverged: 2.0}, scoretest.Protocol{MinAnalyses: 10000})
}

// BenchmarkCycle times one DA cycle: 25 RK4 steps of 10 members and the
// truth, the observation, the ETKF analysis and the statistics. Run with
//
//	go test -run '^$' -bench Cycle -benchmem ./examples/lorenz63/etkf/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, NewTwin(), 200)
}
