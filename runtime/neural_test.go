// Tests of dense-network forward models: validation, exact small cases,
// ensemble against single-state evaluation, allocations and a benchmark.

package runtime

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// netTensors returns random weights for a dense network with the given
// widths. names gives layer k's tensor prefix; dtype is "F64" or "F32".
func netTensors(rng *rand.Rand, widths []int, dtype string, names func(k int) string) map[string]Tensor {
	ts := map[string]Tensor{}
	for k := 0; k+1 < len(widths); k++ {
		in, out := widths[k], widths[k+1]
		w := make([]float64, out*in)
		b := make([]float64, out)
		sc := 1 / math.Sqrt(float64(in))
		for i := range w {
			w[i] = sc * rng.NormFloat64()
		}
		for i := range b {
			b[i] = 0.1 * rng.NormFloat64()
		}
		ts[names(k)+".weight"] = Tensor{DType: dtype, Shape: []int{out, in}, Data: w}
		ts[names(k)+".bias"] = Tensor{DType: dtype, Shape: []int{out}, Data: b}
	}
	return ts
}

// layersNames is the layers.<k> scheme; sequentialNames numbers Linear
// layers as an nn.Sequential alternating with activations does.
func layersNames(k int) string     { return fmt.Sprintf("layers.%d", k) }
func sequentialNames(k int) string { return fmt.Sprint(2 * k) }

// writeNet writes tensors and metadata to a new file and returns its path.
func writeNet(t testing.TB, ts map[string]Tensor, meta map[string]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "emu.safetensors")
	if err := WriteSafetensors(path, ts, meta); err != nil {
		t.Fatal(err)
	}
	return path
}

// tensorOf returns an F64 tensor of the given shape.
func tensorOf(shape []int, v ...float64) Tensor { return Tensor{Shape: shape, Data: v} }

func TestNetworkSpecErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	good := func() map[string]Tensor { return netTensors(rng, []int{4, 6, 4}, "F64", layersNames) }
	with := func(ts map[string]Tensor, edits map[string]*Tensor) map[string]Tensor {
		for k, v := range edits {
			if v == nil {
				delete(ts, k)
			} else {
				ts[k] = *v
			}
		}
		return ts
	}
	ptr := func(t Tensor) *Tensor { return &t }
	for _, tc := range []struct {
		name string
		ts   map[string]Tensor
		meta map[string]string
		dim  int
		want string
	}{
		{"first input", good(), nil, 5, `layer 0 ("layers.0.weight", shape [6 4]) takes 4 inputs, but the carrier has size 5`},
		{"chain", with(good(), map[string]*Tensor{"layers.1.weight": ptr(tensorOf([]int{4, 5}, make([]float64, 20)...))}), nil, 4,
			`layer 1 ("layers.1.weight", shape [4 5]) takes 5 inputs, but layer 0 ("layers.0.weight") gives 6 outputs`},
		{"last output", with(good(), map[string]*Tensor{
			"layers.1.weight": ptr(tensorOf([]int{3, 6}, make([]float64, 18)...)),
			"layers.1.bias":   ptr(tensorOf([]int{3}, 0, 0, 0)),
		}), nil, 4, `the last layer, layer 1 ("layers.1.weight", shape [3 6]), gives 3 outputs, but the carrier has size 4`},
		{"missing bias", with(good(), map[string]*Tensor{"layers.1.bias": nil}), nil, 4, `layer 1 has tensor "layers.1.weight" but no "layers.1.bias"`},
		{"missing weight", with(good(), map[string]*Tensor{"layers.0.weight": nil}), nil, 4, `layer 0 has tensor "layers.0.bias" but no "layers.0.weight"`},
		{"mixed schemes", with(good(), map[string]*Tensor{"3.weight": ptr(tensorOf([]int{4, 4}, make([]float64, 16)...))}), nil, 4,
			`tensors "3.weight" and "layers.0.bias" mix the layers.<k> and <k> naming schemes`},
		{"unexpected tensor", with(good(), map[string]*Tensor{"layers.1.running_mean": ptr(tensorOf([]int{4}, 0, 0, 0, 0))}), nil, 4, `unexpected tensor "layers.1.running_mean"`},
		{"leading zero", with(good(), map[string]*Tensor{"layers.01.bias": ptr(tensorOf([]int{4}, 0, 0, 0, 0))}), nil, 4, `unexpected tensor "layers.01.bias"`},
		{"no layers", map[string]Tensor{}, nil, 4, "no layer tensors"},
		{"unknown activation", good(), map[string]string{"activation": "gelu"}, 4, `metadata "activation" is "gelu", want one of tanh, relu, sigmoid, linear`},
		{"unknown in list", good(), map[string]string{"activations": "tanh, swish"}, 4, `metadata "activations" entry 2 (layer 1) is "swish"`},
		{"list too short", good(), map[string]string{"activations": "tanh"}, 4, `metadata "activations" "tanh" names 1 activations, want one per layer: 2`},
		{"bad activation under list", good(), map[string]string{"activation": "elu", "activations": "tanh,linear"}, 4, `metadata "activation" is "elu"`},
		{"bias shape", with(good(), map[string]*Tensor{"layers.0.bias": ptr(tensorOf([]int{5}, 0, 0, 0, 0, 0))}), nil, 4,
			`layer 0: bias "layers.0.bias" has shape [5], want [6] (the 6 outputs of weight "layers.0.weight" [6 4])`},
		{"weight rank", with(good(), map[string]*Tensor{"layers.0.weight": ptr(tensorOf([]int{24}, make([]float64, 24)...))}), nil, 4,
			`layer 0: weight "layers.0.weight" has shape [24], want [out, in] with both positive`},
		{"zero width", map[string]Tensor{"0.weight": tensorOf([]int{0, 4}), "0.bias": tensorOf([]int{0})}, nil, 4, `shape [0 4], want [out, in] with both positive`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeNet(t, tc.ts, tc.meta)
			_, err := ReadNetworkSpec(path, tc.dim)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), path+": ") {
				t.Fatalf("error %v\nwant one starting %q and containing %q", err, path+": ", tc.want)
			}
			if _, err2 := NewNetwork(path, tc.dim, 3, false); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("NewNetwork error %v, want the header check's %v", err2, err)
			}
		})
	}
	// A dtype the loader cannot read is caught from the header alone.
	path := filepath.Join(t.TempDir(), "bf16.safetensors")
	raw := rawSafetensors(`{"0.bias":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]},"0.weight":{"dtype":"F32","shape":[1,1],"data_offsets":[2,6]}}`, make([]byte, 6))
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadNetworkSpec(path, 1); err == nil || !strings.Contains(err.Error(), `layer 0: tensor "0.bias" has dtype BF16; only F32 and F64 are supported`) {
		t.Errorf("BF16 bias: error %v", err)
	}
}

func TestNetworkSpecShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name      string
		ts        map[string]Tensor
		meta      map[string]string
		widths    []int
		acts      []string
		defaulted bool
	}{
		{"default", netTensors(rng, []int{5, 7, 3, 5}, "F64", layersNames), nil, []int{5, 7, 3, 5}, []string{"tanh", "tanh", "linear"}, true},
		{"relu sequential with gaps", netTensors(rng, []int{5, 8, 5}, "F32", sequentialNames), map[string]string{"activation": "relu"}, []int{5, 8, 5}, []string{"relu", "linear"}, false},
		{"list overrides", netTensors(rng, []int{5, 8, 5}, "F64", layersNames), map[string]string{"activation": "relu", "activations": " sigmoid ,tanh"}, []int{5, 8, 5}, []string{"sigmoid", "tanh"}, false},
		{"one layer", netTensors(rng, []int{5, 5}, "F64", layersNames), map[string]string{"activation": "sigmoid"}, []int{5, 5}, []string{"linear"}, false},
		{"numeric order", map[string]Tensor{
			"10.weight": tensorOf([]int{5, 2}, make([]float64, 10)...), "10.bias": tensorOf([]int{5}, make([]float64, 5)...),
			"9.weight": tensorOf([]int{2, 5}, make([]float64, 10)...), "9.bias": tensorOf([]int{2}, 0, 0),
		}, nil, []int{5, 2, 5}, []string{"tanh", "linear"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ReadNetworkSpec(writeNet(t, tc.ts, tc.meta), 5)
			if err != nil {
				t.Fatal(err)
			}
			var acts []string
			for _, l := range s.Layers {
				acts = append(acts, l.Activation)
			}
			if !slices.Equal(s.Widths(), tc.widths) || !slices.Equal(acts, tc.acts) || s.DefaultedActivation != tc.defaulted {
				t.Errorf("widths %v, activations %v, defaulted %v; want %v, %v, %v", s.Widths(), acts, s.DefaultedActivation, tc.widths, tc.acts, tc.defaulted)
			}
		})
	}
}

// TestNetworkLinearExact checks that one linear layer gives W x + b
// exactly: small integers make every sum exact in any order.
func TestNetworkLinearExact(t *testing.T) {
	W := []float64{1, 2, -3, 0, 4, -1, 5, 2, 7}
	b := []float64{0.5, -1, 2}
	for _, meta := range []map[string]string{nil, {"activation": "relu"}, {"activations": "linear"}} {
		path := writeNet(t, map[string]Tensor{"layers.0.weight": tensorOf([]int{3, 3}, W...), "layers.0.bias": tensorOf([]int{3}, b...)}, meta)
		for _, residual := range []bool{false, true} {
			net, err := NewNetwork(path, 3, 4, residual)
			if err != nil {
				t.Fatal(err)
			}
			E := NewEnsemble(4, 3)
			copy(E.Data, []float64{1, 2, 3, -4, 0, 6, 0, 0, 0, 7, -8, 9})
			want := make([]float64, len(E.Data))
			for k := 0; k < 4; k++ {
				x := E.Member(k)
				for i := 0; i < 3; i++ {
					v := b[i]
					for j := 0; j < 3; j++ {
						v += W[i*3+j] * x[j]
					}
					if residual {
						v += x[i]
					}
					want[k*3+i] = v
				}
			}
			single := slices.Clone(E.Member(1))
			if err := net.StepEnsemble(E); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(E.Data, want) {
				t.Errorf("meta %v residual %v: StepEnsemble gave %v, want %v", meta, residual, E.Data, want)
			}
			if err := net.Step(single); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(single, want[3:6]) {
				t.Errorf("meta %v residual %v: Step gave %v, want %v", meta, residual, single, want[3:6])
			}
		}
	}
}

// TestNetworkActivations runs x through identity layers with each
// activation and compares with known values of the functions.
func TestNetworkActivations(t *testing.T) {
	xs := []float64{0, math.Log(3), -math.Log(3), math.Log(2), -2.5, 40, -800}
	want := map[string][]float64{
		"linear":  xs,
		"relu":    {0, math.Log(3), 0, math.Log(2), 0, 40, 0},
		"sigmoid": {0.5, 0.75, 0.25, 2.0 / 3, 0.07585818002124355, 1, 0},
		"tanh":    {0, 0.8, -0.8, 0.6, -0.9866142981514303, 1, -1},
	}
	n := len(xs)
	eye := make([]float64, n*n)
	for i := 0; i < n; i++ {
		eye[i*n+i] = 1
	}
	for _, act := range Activations {
		for _, meta := range []map[string]string{{"activation": act}, {"activations": "linear," + act}} {
			ts := map[string]Tensor{
				"0.weight": tensorOf([]int{n, n}, eye...), "0.bias": tensorOf([]int{n}, make([]float64, n)...),
				"2.weight": tensorOf([]int{n, n}, eye...), "2.bias": tensorOf([]int{n}, make([]float64, n)...),
			}
			if _, list := meta["activations"]; list {
				// The last entry applies after the last layer; the first is linear.
				ts["0.bias"], ts["2.bias"] = tensorOf([]int{n}, xs...), tensorOf([]int{n}, make([]float64, n)...)
			} else {
				ts["0.bias"] = tensorOf([]int{n}, xs...)
			}
			net, err := NewNetwork(writeNet(t, ts, meta), n, 1, false)
			if err != nil {
				t.Fatal(err)
			}
			E := NewEnsemble(1, n)
			if err := net.StepEnsemble(E); err != nil {
				t.Fatal(err)
			}
			for i, w := range want[act] {
				if got := E.Data[i]; math.Abs(got-w) > 1e-15*math.Max(1, math.Abs(w)) {
					t.Errorf("%v: f(%v) = %v, want %v", meta, xs[i], got, w)
				}
			}
		}
	}
}

// TestNetworkEnsembleMatchesStep compares the batched evaluation with the
// per-state one, across sizes that exercise the product tiling (members
// beyond 64, widths beyond 192), and checks member counts below capacity.
func TestNetworkEnsembleMatchesStep(t *testing.T) {
	for _, tc := range []struct {
		widths   []int
		members  int
		residual bool
		meta     map[string]string
	}{
		{[]int{40, 64, 64, 40}, 40, false, map[string]string{"activation": "tanh"}},
		{[]int{40, 64, 64, 40}, 40, true, map[string]string{"activation": "relu"}},
		{[]int{7, 200, 7}, 130, true, map[string]string{"activations": "sigmoid,tanh"}},
		{[]int{3, 3}, 5, false, nil},
	} {
		t.Run(fmt.Sprint(tc.widths, tc.members, tc.residual), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			dim := tc.widths[0]
			net, err := NewNetwork(writeNet(t, netTensors(rng, tc.widths, "F64", layersNames), tc.meta), dim, tc.members, tc.residual)
			if err != nil {
				t.Fatal(err)
			}
			for _, N := range []int{tc.members, tc.members/2 + 1} {
				E := NewEnsemble(N, dim)
				for i := range E.Data {
					E.Data[i] = 2 * rng.NormFloat64()
				}
				want := slices.Clone(E.Data)
				for k := 0; k < N; k++ {
					if err := net.Step(want[k*dim : (k+1)*dim]); err != nil {
						t.Fatal(err)
					}
				}
				if err := net.StepEnsemble(E); err != nil {
					t.Fatal(err)
				}
				if d := relMaxDiff(E.Data, want); d > 1e-13 {
					t.Errorf("%d members: ensemble and single-state results differ by %.3g relative", N, d)
				}
			}
		})
	}
}

// relMaxDiff is max|a-b| / max|b|.
func relMaxDiff(a, b []float64) float64 {
	var d, s float64
	for i := range b {
		d = math.Max(d, math.Abs(a[i]-b[i]))
		s = math.Max(s, math.Abs(b[i]))
	}
	return d / s
}

func TestNetworkStepErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	path := writeNet(t, netTensors(rng, []int{4, 8, 4}, "F64", layersNames), nil)
	net, err := NewNetwork(path, 4, 3, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		E    *Ensemble
		want string
	}{
		{"nil", nil, "ensemble is nil"},
		{"too many", NewEnsemble(4, 4), "ensemble has 4 members of dimension 4, want 1 to 3 of dimension 4"},
		{"wrong dim", NewEnsemble(2, 5), "ensemble has 2 members of dimension 5"},
		{"empty", NewEnsemble(0, 4), "ensemble has 0 members"},
		{"short data", &Ensemble{Members: 2, Dim: 4, Data: make([]float64, 7)}, "ensemble has 7 values, want 2 members × 4"},
	} {
		if err := net.StepEnsemble(tc.E); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), path) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	if err := net.Step(make([]float64, 3)); err == nil || !strings.Contains(err.Error(), "state has length 3, want 4") {
		t.Errorf("short state: error %v", err)
	}
	if _, err := NewNetwork(path, 4, 0, false); err == nil || !strings.Contains(err.Error(), "network for 0 members") {
		t.Errorf("zero members: error %v", err)
	}
	if _, err := NewNetwork(filepath.Join(t.TempDir(), "absent.safetensors"), 4, 1, false); err == nil || !strings.Contains(err.Error(), "absent.safetensors") {
		t.Errorf("missing file: error %v", err)
	}
}

func TestNetworkZeroAllocs(t *testing.T) {
	for _, tc := range []struct {
		widths  []int
		members int
	}{
		{[]int{40, 64, 64, 40}, 40},
		{[]int{7, 200, 7}, 130}, // tiled products
	} {
		rng := rand.New(rand.NewPCG(9, 10))
		dim := tc.widths[0]
		net, err := NewNetwork(writeNet(t, netTensors(rng, tc.widths, "F64", layersNames), nil), dim, tc.members, true)
		if err != nil {
			t.Fatal(err)
		}
		E := NewEnsemble(tc.members, dim)
		x := make([]float64, dim)
		if a := testing.AllocsPerRun(20, func() { _ = net.StepEnsemble(E) }); a != 0 {
			t.Errorf("%v: StepEnsemble allocates %v times per call, want 0", tc.widths, a)
		}
		if a := testing.AllocsPerRun(20, func() { _ = net.Step(x) }); a != 0 {
			t.Errorf("%v: Step allocates %v times per call, want 0", tc.widths, a)
		}
	}
}

// BenchmarkNeuralEnsemble steps 40 members through a 40→64→64→40 tanh
// network and reports the time per member step.
func BenchmarkNeuralEnsemble(b *testing.B) {
	const N, dim = 40, 40
	rng := rand.New(rand.NewPCG(11, 12))
	net, err := NewNetwork(writeNet(b, netTensors(rng, []int{dim, 64, 64, dim}, "F64", layersNames), map[string]string{"activation": "tanh"}), dim, N, true)
	if err != nil {
		b.Fatal(err)
	}
	E := NewEnsemble(N, dim)
	for i := range E.Data {
		E.Data[i] = rng.NormFloat64()
	}
	E0 := slices.Clone(E.Data)
	b.ReportAllocs()
	for b.Loop() {
		copy(E.Data, E0) // keep the state bounded
		if err := net.StepEnsemble(E); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/N, "ns/member-step")
}
