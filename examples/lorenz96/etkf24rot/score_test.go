// Scores of the Lorenz-96 ETKF example (24 members, inflation 1.013,
// rotation) against Sakov & Oke (2008) as tabulated in benchmarks.md.
package etkf24rot

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

// TestPublishedScore judges this row at the run length the published 0.18
// comes from (DAPPER's sakov2008: 1,000 analyses after a 400-step burn-in)
// rather than at benchmarks.md's 10,000. With random rotations at this low
// inflation the filter diverges catastrophically at a steady rate of about
// 5e-5 per step — in an independent NumPy implementation exactly as here —
// so at 11,000 steps each seed diverges with probability 0.4–0.5 and which
// seeds do changes with any rounding difference; see
// docs/investigations/etkf-rotation-divergence.md. At 1,000 analyses about
// 5% of seeds diverge; one of five may.
func TestPublishedScore(t *testing.T) {
	scoretest.Run(t, func() cycrt.Cycle { return NewTwin() },
		scoretest.Published{Lo: 0.18, Hi: 0.18, Diverged: 1.0},
		scoretest.Protocol{Steps: 1400, Spinup: 400, MinAnalyses: 1000, MaxDiverged: 1,
			Why: "DAPPER's run length: rotation at inflation 1.013 diverges at a steady rate in any faithful implementation (docs/investigations/etkf-rotation-divergence.md)"})
}
