// Scores of the adaptive-inflation LETKF example (10 members, rotation,
// Gaspari–Cohn radius 4, inflation = adaptive) against the hand-tuned
// LETKF at 10 members.
package letkf10adaptive

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

// bestTuned is the median analysis RMSE of examples/lorenz96/letkf10
// (inflation 1.02, DAPPER's tuning), seeds 1–5, 10,000 analyses.
const bestTuned = 0.2036

// TestWithinTenPercentOfTuned asks of the untuned filter a median within
// 10% of the hand-tuned one, no seed lost.
func TestWithinTenPercentOfTuned(t *testing.T) {
	scoretest.Run(t, func() cycrt.Cycle { return NewTwin() },
		scoretest.Published{Lo: 0, Hi: bestTuned * 1.10 / (1 + scoretest.Tolerance), Diverged: 1.0},
		scoretest.Protocol{MinAnalyses: 10000, Why: "within 10% of the hand-tuned LETKF at 10 members (0.2036 at inflation 1.02)"})
}

// BenchmarkCycle times one assimilation cycle. Run with
//
//	go test -run '^$' -bench Cycle -benchmem ./examples/lorenz96/letkf10adaptive/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, NewTwin(), 200)
}
