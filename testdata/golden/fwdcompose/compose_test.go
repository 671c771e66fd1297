package fwdcompose

import (
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// TestSplitAppliesItsParts checks that one step of the composite is two
// steps of Advect (at t and t + AdvectDT) followed by one step of Relax,
// and that the composite's parameters are its components'.
func TestSplitAppliesItsParts(t *testing.T) {
	var x Ring
	for i := range x {
		x[i] = float64(i%5) - 1.5
	}
	want := x
	a, r := NewAdvect(), NewRelax()
	r.F = 7.5
	a.Step(&want, 1)
	a.Step(&want, 1+AdvectDT)
	r.Step(&want, 1)

	s := NewSplit()
	s.Relax.F = 7.5
	s.Step(&x, 1)
	if x != want {
		t.Errorf("Split.Step = %v, want %v", x, want)
	}

	c := NewTwin()
	if err := c.Set("F", "7.5"); err != nil || c.Split.Relax.F != 7.5 {
		t.Errorf("Set F: %v, F = %v", err, c.Split.Relax.F)
	}
	sum, err := c.Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Analyses != 40 || !(sum.RMSEAnalysis < sum.RMSEForecast) {
		t.Errorf("summary %+v", sum)
	}
}
