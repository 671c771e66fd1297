// Scores of the Lorenz-96 ETKF example (40 members, inflation 1.01)
// against Sakov & Oke (2008), and the speed of one DA cycle.
package etkf

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

func TestPublishedScore(t *testing.T) {
	scoretest.Run(t, func() cycrt.Cycle { return NewTwin() },
		scoretest.Published{Lo: 0.18, Hi: 0.18, Diverged: 1.0}, scoretest.Protocol{MinAnalyses: 10000})
}

// BenchmarkCycle times one DA cycle of the generated code: the forecast of
// 40 members and the truth over one model step, the observation, the ETKF
// analysis and the statistics. Run with
//
//	go test -run '^$' -bench Cycle -benchmem ./examples/lorenz96/etkf/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, NewTwin(), 500)
}
