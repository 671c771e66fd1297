// Checks of the committed Lorenz-96 emulator weights against the model they emulate.
package emulator

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// emuWeights is the committed weights file, which train/ writes.
const emuWeights = "l96emu.safetensors"

// The model of std/lorenz96.cyc.
const (
	emuSites   = 40
	emuForcing = 8.0
	emuDT      = 0.05
)

// Bounds on the emulator's error against RK4 on fresh attractor states,
// about twice what the committed file measures (README.md): a retrained
// file must be as good, a broken or swapped one fails.
const (
	emuMaxOneStepRMSE = 0.012 // one step; the increment's std is 0.93, the climatological std 3.64
	emuMaxTenStepRMSE = 0.10  // ten steps (0.5 time units) of free running from the same state
)

// emuTendency sets dx to dx_i/dt = (x_{i+1} − x_{i−2}) x_{i−1} − x_i + F.
func emuTendency(dx, x []float64) {
	for i := range emuSites {
		dx[i] = (x[(i+1)%emuSites]-x[(i+emuSites-2)%emuSites])*x[(i+emuSites-1)%emuSites] - x[i] + emuForcing
	}
}

// emuRK4 advances x by one RK4 step of emuDT.
func emuRK4(x []float64) {
	var k1, k2, k3, k4, tmp [emuSites]float64
	emuTendency(k1[:], x)
	for i := range tmp {
		tmp[i] = x[i] + emuDT/2*k1[i]
	}
	emuTendency(k2[:], tmp[:])
	for i := range tmp {
		tmp[i] = x[i] + emuDT/2*k2[i]
	}
	emuTendency(k3[:], tmp[:])
	for i := range tmp {
		tmp[i] = x[i] + emuDT*k3[i]
	}
	emuTendency(k4[:], tmp[:])
	for i := range tmp {
		x[i] += emuDT / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
	}
}

// emuAttractorStates returns count states, gap steps apart, of a
// trajectory from a seed the trainer never uses, after a spin-up onto the
// attractor: one state per row.
func emuAttractorStates(count, gap int) []float64 {
	rng := rand.New(rand.NewPCG(20240607, 99))
	x := make([]float64, emuSites)
	for i := range x {
		x[i] = emuForcing + 0.01*rng.NormFloat64()
	}
	for range 2000 {
		emuRK4(x)
	}
	out := make([]float64, 0, count*emuSites)
	for range count {
		for range gap {
			emuRK4(x)
		}
		out = append(out, x...)
	}
	return out
}

// emuRMSE returns the root-mean-square difference of a and b.
func emuRMSE(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s / float64(len(a)))
}

func TestEmulatorSpec(t *testing.T) {
	spec, err := cycrt.ReadNetworkSpec(emuWeights, emuSites)
	if err != nil {
		t.Fatal(err)
	}
	h, err := cycrt.ReadSafetensorsHeader(emuWeights)
	if err != nil {
		t.Fatal(err)
	}
	// tanh between layers, none after the last.
	var acts, want []string
	for k, l := range spec.Layers {
		acts = append(acts, l.Activation)
		want = append(want, map[bool]string{true: "linear", false: "tanh"}[k == len(spec.Layers)-1])
	}
	w := spec.Widths()
	checks := []struct {
		what      string
		got, want any
	}{
		{"inputs", w[0], emuSites},
		{"outputs", w[len(w)-1], emuSites},
		{"hidden layers", len(spec.Layers) > 1, true},
		{"activations", strings.Join(acts, ","), strings.Join(want, ",")},
		{"activation defaulted", spec.DefaultedActivation, false},
		{`metadata "activation"`, h.Metadata["activation"], "tanh"},
		{"file size below 1 MB", h.DataStart+h.DataSize < 1<<20, true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %s = %v, want %v", emuWeights, c.what, c.got, c.want)
		}
	}
	for _, ti := range h.Tensors {
		if ti.DType != "F32" {
			t.Errorf("%s: tensor %q has dtype %s, want F32", emuWeights, ti.Name, ti.DType)
		}
	}
	for _, key := range []string{"seed", "training_data", "epochs", "loss", "heldout_rmse", "trainer"} {
		if h.Metadata[key] == "" {
			t.Errorf("%s: no metadata %q describing the training", emuWeights, key)
		}
	}
	// The header does not fit a carrier of another size.
	if _, err := cycrt.ReadNetworkSpec(emuWeights, emuSites-1); err == nil {
		t.Errorf("%s: accepted as a network on %d sites", emuWeights, emuSites-1)
	}
}

func TestEmulatorAgainstRK4(t *testing.T) {
	const members = 400
	states := emuAttractorStates(members, 7)
	net, err := cycrt.NewNetwork(emuWeights, emuSites, members, true)
	if err != nil {
		t.Fatal(err)
	}
	truth := slices.Clone(states)
	E := &cycrt.Ensemble{Members: members, Dim: emuSites, Data: slices.Clone(states)}
	cases := []struct {
		name  string
		steps int
		bound float64
	}{
		{"one step", 1, emuMaxOneStepRMSE},
		{"ten steps", 10, emuMaxTenStepRMSE},
	}
	done := 0
	var oneStep []float64 // member 0 after one step
	for _, c := range cases {
		for ; done < c.steps; done++ {
			for m := range members {
				emuRK4(truth[m*emuSites : (m+1)*emuSites])
			}
			if err := net.StepEnsemble(E); err != nil {
				t.Fatal(err)
			}
			if done == 0 {
				oneStep = slices.Clone(E.Data[:emuSites])
			}
		}
		rmse := emuRMSE(E.Data, truth)
		persistence := emuRMSE(states, truth)
		t.Logf("%s: emulator RMSE %.5f, persistence %.5f", c.name, rmse, persistence)
		if !(rmse < c.bound) {
			t.Errorf("%s: emulator RMSE against RK4 %.5f over %d attractor states, want below %g (persistence: %.4f)", c.name, rmse, members, c.bound, persistence)
		}
	}
	// One state at a time gives what the ensemble step gave it.
	x := slices.Clone(states[:emuSites])
	if err := net.Step(x); err != nil {
		t.Fatal(err)
	}
	if d := emuRMSE(x, oneStep); !(d < 1e-12) {
		t.Errorf("Step and StepEnsemble differ on the same state by %.3g (RMS)", d)
	}
}

// BenchmarkEmulatorStepEnsemble times one emulator step of a 40-member
// ensemble, the forecast of one DA cycle with the emulator as the model.
func BenchmarkEmulatorStepEnsemble(b *testing.B) {
	const members = 40
	net, err := cycrt.NewNetwork(emuWeights, emuSites, members, true)
	if err != nil {
		b.Fatal(err)
	}
	states := emuAttractorStates(members, 7)
	E := &cycrt.Ensemble{Members: members, Dim: emuSites, Data: states}
	b.ReportAllocs()
	for b.Loop() {
		copy(E.Data, states)
		if err := net.StepEnsemble(E); err != nil {
			b.Fatal(err)
		}
	}
}
