// Scores of the Lorenz-96 4D-Var example (obs_every = 4, B = 0.2 I) against DAPPER's listing, and the speed of one DA cycle.
package var4d

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

func TestPublishedScore(t *testing.T) {
	scoretest.Run(t, func() cycrt.Cycle { return NewTwin() },
		scoretest.Published{Lo: 0.46, Hi: 0.46, Diverged: 1.0}, scoretest.Protocol{MinAnalyses: 10000})
}

// BenchmarkCycle times one DA cycle of the generated code. Run with
//
//	go test -run '^$' -bench Cycle -benchmem ./examples/lorenz96/var4d/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, NewTwin(), 200)
}
