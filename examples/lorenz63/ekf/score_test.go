// Scores of the Lorenz-63 EKF example (inflation 180 per unit time) against DAPPER's listing for Sakov, Oliver \& Bertino (2012), and the speed of one DA cycle.
package ekf

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

func TestPublishedScore(t *testing.T) {
	scoretest.Run(t, func() cycrt.Cycle { return NewTwin() },
		scoretest.Published{Lo: 0.92, Hi: 0.92, Diverged: 2.0}, scoretest.Protocol{MinAnalyses: 10000, AtMost: true})
}

// BenchmarkCycle times one DA cycle of the generated code. Run with
//
//	go test -run '^$' -bench Cycle -benchmem ./examples/lorenz63/ekf/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, NewTwin(), 200)
}
