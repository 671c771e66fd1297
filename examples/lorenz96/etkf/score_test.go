// Scores of the Lorenz-96 ETKF example (24 members, inflation 1.013,
// rotation) against Sakov & Oke (2008) as tabulated in benchmarks.md.
package etkf

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

func TestPublishedScore(t *testing.T) {
	scoretest.Run(t, func() cycrt.Cycle { return NewTwin() },
		scoretest.Published{Lo: 0.18, Hi: 0.18, Diverged: 1.0}, 10000)
}
