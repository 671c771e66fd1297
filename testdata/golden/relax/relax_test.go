package relax

import (
	"math"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// TestRelaxationWidensSpread runs the same twin experiment (same seed,
// truth and observations) with the ETKF relaxed to prior spread plus
// additive noise and without either: relaxation pulls the analysis spread
// back toward the larger forecast spread, so the relaxed run's mean
// analysis spread must be larger, and both runs must stay finite.
func TestRelaxationWidensSpread(t *testing.T) {
	relaxed, err := NewWithRTPS().Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := NewWithout().Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*cycrt.Summary{relaxed, plain} {
		if s.Analyses != 180 || math.IsNaN(s.RMSEAnalysis) || math.IsNaN(s.SpreadAnalysis) {
			t.Fatalf("cycle %s: %d analyses scored (want 180), rmse %v, spread %v", s.Cycle, s.Analyses, s.RMSEAnalysis, s.SpreadAnalysis)
		}
	}
	t.Logf("rtps = 0.7, additive = 0.01: rmse %.4f, spread %.4f; without: rmse %.4f, spread %.4f",
		relaxed.RMSEAnalysis, relaxed.SpreadAnalysis, plain.RMSEAnalysis, plain.SpreadAnalysis)
	if !(relaxed.SpreadAnalysis > 1.2*plain.SpreadAnalysis) {
		t.Errorf("analysis spread %v with rtps = 0.7, %v without: want the relaxed one larger by 20%%",
			relaxed.SpreadAnalysis, plain.SpreadAnalysis)
	}
}

// TestRelaxationReproducible runs each relaxed cycle twice: the additive
// draws come from the stream keyed by the seed and the analysis index, so
// the scores agree to the bit.
func TestRelaxationReproducible(t *testing.T) {
	runs := map[string]func() (*cycrt.Summary, error){
		"WithRTPS": func() (*cycrt.Summary, error) { return NewWithRTPS().Run(t.Context(), cycrt.RunOptions{}) },
		"WithRTPP": func() (*cycrt.Summary, error) { return NewWithRTPP().Run(t.Context(), cycrt.RunOptions{}) },
	}
	for name, run := range runs {
		a, err := run()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, err := run()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if math.Float64bits(a.RMSEAnalysis) != math.Float64bits(b.RMSEAnalysis) ||
			math.Float64bits(a.SpreadAnalysis) != math.Float64bits(b.SpreadAnalysis) {
			t.Errorf("%s: two runs differ: rmse %v and %v, spread %v and %v", name, a.RMSEAnalysis, b.RMSEAnalysis, a.SpreadAnalysis, b.SpreadAnalysis)
		}
		if math.IsNaN(a.RMSEAnalysis) || !(a.SpreadAnalysis > 0) {
			t.Errorf("%s: rmse %v, spread %v", name, a.RMSEAnalysis, a.SpreadAnalysis)
		}
	}
}

// TestConstructorsCarryOptions checks that the generated constructors
// pass the source's options to the runtime.
func TestConstructorsCarryOptions(t *testing.T) {
	R, err := cycrt.NewDiagObsError([]float64{1, 1})
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewRelaxed(WithRTPSMembers, 3, 2, R, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c := e.Config(); c.RTPS != 0.7 || c.Additive != 0.01 || c.RTPP != 0 || c.Inflation != 1 {
		t.Errorf("Relaxed: %+v", c)
	}
	k, err := NewDamped(WithRTPPMembers, 3, 2, R, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c := k.Config(); c.RTPP != 0.5 || c.Additive != 0.02 || c.RTPS != 0 || c.Inflation != 1.01 {
		t.Errorf("Damped: %+v", c)
	}
}
