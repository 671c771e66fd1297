// A network whose one linear layer is the Shift map: the generated ETKF
// over it must agree with the exact Kalman filter after every analysis,
// and the committed weights must be exactly that map (`go test
// ./examples/linear/netshift -run Weights -update` rewrites them).
package netshift

import (
	"flag"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cyclec/cyclec/examples/internal/kftest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

var update = flag.Bool("update", false, "rewrite ../shift.safetensors")

// weights is the path of the weights file, relative to this directory.
var weights = filepath.Join("..", "shift.safetensors")

// shiftTensors are the weights of x ← 0.95 x[i] + 0.2 x[i+1] (periodic).
func shiftTensors() map[string]cycrt.Tensor {
	const n = StateSize
	w := make([]float64, n*n)
	for i := range n {
		w[i*n+i] = 0.95
		w[i*n+(i+1)%n] = 0.2
	}
	return map[string]cycrt.Tensor{
		"layers.0.weight": {DType: "F64", Shape: []int{n, n}, Data: w},
		"layers.0.bias":   {DType: "F64", Shape: []int{n}, Data: make([]float64, n)},
	}
}

func TestWeightsAreTheShiftMap(t *testing.T) {
	want := shiftTensors()
	if *update {
		if err := cycrt.WriteSafetensors(weights, want, map[string]string{"activation": "linear"}); err != nil {
			t.Fatal(err)
		}
	}
	h, got, err := cycrt.ReadSafetensors(weights)
	if err != nil {
		t.Fatal(err)
	}
	if h.Metadata["activation"] != "linear" || len(got) != len(want) {
		t.Fatalf("metadata %v, %d tensors", h.Metadata, len(got))
	}
	for name, w := range want {
		if g, ok := got[name]; !ok || !slices.Equal(g.Data, w.Data) || !slices.Equal(g.Shape, w.Shape) {
			t.Errorf("tensor %s differs from the Shift map", name)
		}
	}
}

func TestMatchesKalmanFilter(t *testing.T) {
	c := NewTwin()
	c.Dir = ".." // the directory of netshift.cyc, which names the weights
	m := NewShift()
	if err := m.Load(c.Dir, 1); err != nil {
		t.Fatal(err)
	}
	h := &Half{}
	// The ETKF is exact for a linear-Gaussian system: only rounding
	// separates it from the Kalman filter.
	const tol = 1e-9
	check := func(t *testing.T, a int, d kftest.Diff) {
		if d.Mean > tol || d.Cov > tol {
			t.Errorf("analysis %d: ensemble differs from the Kalman filter: mean %.2e, cov %.2e (tolerance %.0e)", a, d.Mean, d.Cov, tol)
		}
	}
	kftest.Run(t, kftest.Twin{
		N: StateSize, P: ObsSize, ObsEvery: c.ObsEvery, Analyses: c.Steps / c.ObsEvery,
		Start:    c.Start,
		Next:     c.Next,
		Ensemble: func() *cycrt.Ensemble { return c.E },
		Obs:      func() []float64 { return c.y[:] },
		Step: func(x []float64) {
			if err := m.Step((*State)(x), 0); err != nil {
				t.Fatal(err)
			}
		},
		Observe:   func(y, x []float64) { h.Apply((*Obs)(y), (*State)(x)) },
		ObsErrVar: 0.5,
		Check:     check,
		Summary:   c.Summary,
	})
}
