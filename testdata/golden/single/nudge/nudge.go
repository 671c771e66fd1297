// Package nudge is a user's Go analysis for the single golden case: it
// nudges each observed site halfway to its observation.
package nudge

import (
	"fmt"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// filter moves every observed site (the even ones) of every member half
// of the way to its observation.
type filter struct{ cfg cycrt.GoAnalysisConfig }

// New returns the nudging analysis for cfg's sizes.
func New(cfg cycrt.GoAnalysisConfig) (cycrt.Analysis, error) {
	if cfg.Dim != 2*cfg.Obs {
		return nil, fmt.Errorf("nudge: %d sites for %d observations, want twice as many", cfg.Dim, cfg.Obs)
	}
	return &filter{cfg: cfg}, nil
}

// Analyze implements cycrt.Analysis.
func (f *filter) Analyze(E, HE *cycrt.Ensemble, y []float64, _ uint64) error {
	for k := 0; k < E.Members; k++ {
		x, hx := E.Member(k), HE.Member(k)
		for j, v := range y {
			x[2*j] += 0.5 * (v - hx[j])
		}
	}
	return nil
}
