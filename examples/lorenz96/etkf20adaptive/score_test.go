// Scores of the adaptive-inflation ETKF example (20 members, rotation,
// inflation = adaptive) against the best hand-tuned ETKF at 20 members.
package etkf20adaptive

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

// bestTuned is the best median analysis RMSE of our ETKF at 20 members
// with rotation over fixed inflations 1.01–1.06, seeds 1–5, 10,000
// analyses: 0.1828 at 1.02 (1.01 diverges; DAPPER lists 0.20 at 1.04).
const bestTuned = 0.1828

// TestWithinTenPercentOfTuned asks of the untuned filter what the issue
// does: a median within 10% of the best hand-tuned score, no seed lost.
func TestWithinTenPercentOfTuned(t *testing.T) {
	scoretest.Run(t, func() cycrt.Cycle { return NewTwin() },
		scoretest.Published{Lo: 0, Hi: bestTuned * 1.10 / (1 + scoretest.Tolerance), Diverged: 1.0},
		scoretest.Protocol{MinAnalyses: 10000, Why: "within 10% of the best hand-tuned ETKF (0.1828 at inflation 1.02)"})
}

// BenchmarkCycle times one assimilation cycle of the generated code after
// a warm-up onto the attractor. Run with
//
//	go test -run '^$' -bench Cycle -benchmem ./examples/lorenz96/etkf20adaptive/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, NewTwin(), 200)
}
