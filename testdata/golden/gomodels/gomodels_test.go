package gomodels

import (
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"

	"cyclecgolden/gomodels/inst"
	"cyclecgolden/gomodels/ocean"
)

// TestWrappersCallTheUserCode checks that the generated wrappers step and
// observe exactly as the user's functions do, that --set reaches the
// fields of the user's type, and that a cycle over them runs.
func TestWrappersCallTheUserCode(t *testing.T) {
	var x, want State
	for i := range x {
		x[i] = float64(i)
	}
	want = x
	ocean.Drift(want[:], 0, DriftDT)
	u := ocean.NewModel()
	if err := u.Step(want[:], 0, OceanDT); err != nil {
		t.Fatal(err)
	}
	b := NewBoth()
	if err := b.Step(&x, 0); err != nil {
		t.Fatal(err)
	}
	if x != want {
		t.Errorf("Both.Step = %v, want %v", x, want)
	}
	var y Obs
	(&Pairs{}).Apply(&y, &x)
	var wy [4]float64
	inst.Pairs(wy[:], x[:])
	if y != Obs(wy) {
		t.Errorf("Pairs.Apply = %v, want %v", y, wy)
	}

	c := NewTwin()
	if err := c.Set("Kappa", "0.25"); err != nil || c.Both.Ocean.Kappa != 0.25 {
		t.Errorf("Set Kappa: %v, Kappa = %v", err, c.Both.Ocean.Kappa)
	}
	sum, err := c.Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Analyses != 35 || !(sum.RMSEAnalysis < sum.RMSEForecast) {
		t.Errorf("summary %+v", sum)
	}
	f := NewFree()
	if err := f.Set("Kappa", "-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Run(t.Context(), cycrt.RunOptions{}); err == nil {
		t.Errorf("a failing user Step did not fail the run")
	}
}
