// Scores of the Lorenz-96 LETKF example letkf10 against DAPPER's sakov2008
// list (Sakov & Oke 2008 setting, Gaspari–Cohn radius 4, rotation).
package letkf10

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

func TestPublishedScore(t *testing.T) {
	scoretest.Run(t, func() cycrt.Cycle { return NewTwin() },
		scoretest.Published{Lo: 0.21, Hi: 0.21, Diverged: 1.0}, scoretest.Protocol{MinAnalyses: 10000})
}

// BenchmarkCycle times one assimilation cycle of the generated code after
// a warm-up onto the attractor. Run with
//
//	go test -run '^$' -bench Cycle -benchmem ./examples/lorenz96/letkf10/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, NewTwin(), 200)
}
