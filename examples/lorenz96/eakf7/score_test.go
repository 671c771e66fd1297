// Scores of the Lorenz-96 localised serial EAKF example (7 members,
// inflation 1.07, rotation, Gaspari–Cohn radius 6) against DAPPER's
// SL_EAKF in the Sakov & Oke (2008) setting.
package eakf7

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

func TestPublishedScore(t *testing.T) {
	scoretest.Run(t, func() cycrt.Cycle { return NewTwin() },
		scoretest.Published{Lo: 0.23, Hi: 0.23, Diverged: 1.0}, scoretest.Protocol{MinAnalyses: 10000})
}

// BenchmarkCycle times one assimilation cycle of the generated code after
// a warm-up onto the attractor. Run with
//
//	go test -run '^$' -bench Cycle -benchmem ./examples/lorenz96/eakf7/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, NewTwin(), 200)
}
