// Scores of the Lorenz-96 perturbed-observation EnKF example (40 members,
// inflation 1.06) against Sakov & Oke (2008).
package enkf

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

func TestPublishedScore(t *testing.T) {
	scoretest.Run(t, func() cycrt.Cycle { return NewTwin() },
		scoretest.Published{Lo: 0.22, Hi: 0.22, Diverged: 1.0}, scoretest.Protocol{MinAnalyses: 10000})
}

// BenchmarkCycle times one assimilation cycle of the generated code after
// a warm-up onto the attractor. Run with
//
//	go test -run '^$' -bench Cycle -benchmem ./examples/lorenz96/enkf/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, NewTwin(), 200)
}
