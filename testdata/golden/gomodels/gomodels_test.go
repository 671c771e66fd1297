package gomodels

import (
	"math"
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

// TestDerivativeCyclesTrackTheTruth runs the da cycles that linearise the
// user's code: ekf through Drift's Go tangent-linear and Pairs's Go
// Jacobian, var3d through Squares's finite-difference Jacobian. Each
// analysis must be better than the forecast it corrects.
func TestDerivativeCyclesTrackTheTruth(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    cycrt.Cycle
	}{
		{"ekf", NewTrack()},
		{"var3d", NewVar()},
	} {
		sum, err := tc.c.Run(t.Context(), cycrt.RunOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		t.Logf("%s: rmse analysis %.4f forecast %.4f", tc.name, sum.RMSEAnalysis, sum.RMSEForecast)
		if sum.Analyses != 35 || !(sum.RMSEAnalysis < sum.RMSEForecast) {
			t.Errorf("%s: %d analyses, rmse analysis %v, forecast %v: want 35 and an analysis better than its forecast",
				tc.name, sum.Analyses, sum.RMSEAnalysis, sum.RMSEForecast)
		}
	}
}

// TestGoObsLinearisations compares the Jacobians the analyses take of the
// go operators, column by column through Tangent, with the exact ones:
// Pairs's is the user's, exactly; Squares's is by finite differences, to
// about √ε, and is taken again at a new state.
func TestGoObsLinearisations(t *testing.T) {
	jac := make([]float64, ObsSize*StateSize)
	dx, dy := make([]float64, StateSize), make([]float64, ObsSize)
	x := make([]float64, StateSize)
	cycrt.DerivativeTestState(x, 5)
	cycrt.ObsJacobian(jac, cycPairsSlices{&Pairs{}}, x, dx, dy)
	for i := range ObsSize {
		for j := range StateSize {
			want := 0.0
			if j/2 == i {
				want = 0.5
			}
			if got := jac[i*StateSize+j]; got != want {
				t.Errorf("Pairs: J[%d][%d] = %v, want %v", i, j, got, want)
			}
		}
	}
	sq := cycSquaresSlices{&Squares{}}
	for seed := uint64(6); seed <= 7; seed++ {
		cycrt.DerivativeTestState(x, seed)
		cycrt.ObsJacobian(jac, sq, x, dx, dy)
		for i := range ObsSize {
			for j := range StateSize {
				want := 0.0
				if j == 2*i {
					want = 2 * x[j]
				}
				if got := jac[i*StateSize+j]; math.Abs(got-want) > 1e-7*(1+math.Abs(want)) {
					t.Errorf("Squares at state %d: J[%d][%d] = %v, want %v", seed, i, j, got, want)
				}
			}
		}
	}
}
