package obsgo

import (
	"math"
	"strings"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// TestGoSource runs the cycle on buoy.Observe: of the 40 analysis times
// (every 0.25 up to 10), the 10 at whole times have no observation, so 30
// analyses are made and 26 scored after the spin-up of 4, each with the 39
// values buoy.Observe gives (site 0 is always missing).
func TestGoSource(t *testing.T) {
	c := NewLive()
	sum, err := c.Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case !sum.NoTruth || !sum.HasObsScores:
		t.Errorf("NoTruth %v, HasObsScores %v: want both", sum.NoTruth, sum.HasObsScores)
	case sum.Analyses != 26:
		t.Errorf("%d analyses scored, want 26", sum.Analyses)
	case sum.ObsAssimilated != 26*39:
		t.Errorf("%d values assimilated, want %d", sum.ObsAssimilated, 26*39)
	case !(sum.OMARMS < sum.OMFRMS) || math.IsNaN(sum.ConsistencyRatio):
		t.Errorf("scores: O−A %v, O−F %v, ratio %v", sum.OMARMS, sum.OMFRMS, sum.ConsistencyRatio)
	}
	if _, _, cycles := c.Progress(); cycles != 40 {
		t.Errorf("%d analysis cycles, want 40", cycles)
	}
}

// TestGoSourceError checks that an error of the user's function stops the
// run with the time it was asked for.
func TestGoSourceError(t *testing.T) {
	c := NewLive()
	if err := c.Set("steps", "20100"); err != nil {
		t.Fatal(err)
	}
	_, err := c.Run(t.Context(), cycrt.RunOptions{})
	if err == nil || !strings.Contains(err.Error(), "cycle Live: source at time 1000.25 (step 20005): buoy: no data after t = 1000") {
		t.Errorf("Run: %v", err)
	}
}
