// The emulator in the benchmark ETKF experiment (inflation 1.02), its
// truth run with the physical model: the score seed by seed beside the
// physical model's ETKF (examples/lorenz96/etkf, inflation 1.01) over the
// same run length.
package emulator

import (
	"context"
	"testing"

	"github.com/cyclec/cyclec/examples/lorenz96/etkf"
	cycrt "github.com/cyclec/cyclec/runtime"
)

// emuRun runs the emulator cycle for one seed over a short experiment
// (a 40-member emulator step costs about 3 ms).
func emuRun(t *testing.T, seed uint64) *cycrt.Summary {
	t.Helper()
	c := NewTwin()
	c.Dir = ".." // the directory of emulator.cyc, which names the weights
	c.Seed, c.Steps, c.Spinup = seed, 1500, 500
	sum, err := c.Run(context.Background(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestEmulatorTracksThePhysicalTruth(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		emu := emuRun(t, seed)
		p := etkf.NewTwin()
		p.Seed, p.Steps, p.Spinup = seed, 1500, 500
		phys, err := p.Run(context.Background(), cycrt.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seed %d, %d analyses: emulator %.4f, physical model %.4f", seed, emu.Analyses, emu.RMSEAnalysis, phys.RMSEAnalysis)
		// The emulator's one-step error (0.006) is small beside R = I, so
		// the filter must stay within a third of the physical model's score
		// and far from divergence (1.0 for L96).
		if !(emu.RMSEAnalysis < 1.35*phys.RMSEAnalysis) || !(emu.RMSEAnalysis < 0.3) {
			t.Errorf("seed %d: emulator scores %.4f, physical model %.4f", seed, emu.RMSEAnalysis, phys.RMSEAnalysis)
		}
	}
}
