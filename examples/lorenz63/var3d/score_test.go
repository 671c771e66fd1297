// Scores of the lorenz63 3D-Var example against DAPPER's listing, and the
// speed of one DA cycle.
package var3d

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

// newTwin is the example's cycle, reading the climatology beside its .cyc
// file.
func newTwin() *Twin {
	c := NewTwin()
	c.Dir = ".."
	return c
}

func TestPublishedScore(t *testing.T) {
	scoretest.Run(t, func() cycrt.Cycle { return newTwin() },
		scoretest.Published{Lo: 1.04, Hi: 1.04, Diverged: 2.0}, scoretest.Protocol{MinAnalyses: 10000})
}

// BenchmarkCycle times one DA cycle of the generated code. Run with
//
//	go test -run '^$' -bench Cycle -benchmem ./examples/lorenz63/var3d/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, newTwin(), 200)
}
