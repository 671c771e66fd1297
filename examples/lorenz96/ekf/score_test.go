// Scores of the Lorenz-96 EKF example (inflation 10 per unit time) against Sakov \& Oke (2008), and the speed of one DA cycle.
package ekf

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

func TestPublishedScore(t *testing.T) {
	scoretest.Run(t, func() cycrt.Cycle { return NewTwin() },
		scoretest.Published{Lo: 0.24, Hi: 0.24, Diverged: 1.0}, scoretest.Protocol{MinAnalyses: 10000, AtMost: true})
}

// BenchmarkCycle times one DA cycle of the generated code. Run with
//
//	go test -run '^$' -bench Cycle -benchmem ./examples/lorenz96/ekf/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, NewTwin(), 200)
}
