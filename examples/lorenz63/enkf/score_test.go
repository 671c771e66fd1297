// Scores of the Lorenz-63 perturbed-observation EnKF example (10 members,
// inflation 1.04) against Sakov, Oliver & Bertino (2012).
package enkf

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

// TestPublishedScore judges this row against the long-run score of an
// independent reference implementation, 0.676 (mean over 60 seeds of
// 10,000 analyses; docs/investigations/etkf-rotation-divergence.md), not
// against the published 0.56 – 0.65: the 0.65 for 10 members comes from
// 1,000-analysis runs, which miss the filter's occasional bad stretches
// (0.56 is the 100-member figure). The median of five seeds scatters from
// 0.64 to 0.72 in both implementations, so twenty seeds are used.
func TestPublishedScore(t *testing.T) {
	var seeds []uint64
	for s := uint64(1); s <= 20; s++ {
		seeds = append(seeds, s)
	}
	scoretest.Run(t, func() cycrt.Cycle { return NewTwin() },
		scoretest.Published{Lo: 0.56, Hi: 0.65, Diverged: 2.0},
		scoretest.Protocol{Seeds: seeds, MinAnalyses: 10000, Reference: 0.676,
			Why: "the published figure comes from 1,000-analysis runs; judged against the reference's 10,000-analysis mean"})
}
