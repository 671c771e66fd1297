// The dense network against an independent NumPy evaluation
// (testdata/neural_eval.py), which parses the weights file itself.

package runtime

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// requireNumPy fails the test unless debianPython can import NumPy.
func requireNumPy(t *testing.T) {
	t.Helper()
	out, err := exec.Command(debianPython, "-c", "import numpy").CombinedOutput()
	if err != nil {
		t.Fatalf("the NumPy cross-check needs %s with NumPy (Debian packages python3 and python3-numpy): run `make deps`\n%v: %s", debianPython, err, out)
	}
}

func TestNeuralAgainstNumPy(t *testing.T) {
	requireNumPy(t)
	for _, tc := range []struct {
		name     string
		widths   []int
		dtype    string
		names    func(int) string
		meta     map[string]string
		residual bool
	}{
		{"40-64-64-40 tanh", []int{40, 64, 64, 40}, "F64", layersNames, map[string]string{"activation": "tanh"}, false},
		{"40-64-64-40 tanh residual", []int{40, 64, 64, 40}, "F64", layersNames, map[string]string{"activation": "tanh"}, true},
		{"default activation", []int{40, 64, 64, 40}, "F64", layersNames, nil, false},
		{"sequential F32 relu", []int{12, 30, 20, 12}, "F32", sequentialNames, map[string]string{"activation": "relu"}, true},
		{"activations list", []int{9, 16, 16, 9}, "F64", layersNames, map[string]string{"activation": "relu", "activations": "sigmoid, relu ,tanh"}, false},
		{"one linear layer", []int{5, 5}, "F32", sequentialNames, map[string]string{"activation": "sigmoid"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const N = 40
			rng := rand.New(rand.NewPCG(2024, 5))
			dim := tc.widths[0]
			path := writeNet(t, netTensors(rng, tc.widths, tc.dtype, tc.names), tc.meta)
			net, err := NewNetwork(path, dim, N, tc.residual)
			if err != nil {
				t.Fatal(err)
			}
			E := NewEnsemble(N, dim)
			var states strings.Builder
			for k := 0; k < N; k++ {
				x := E.Member(k)
				for i := range x {
					v := 3 * rng.NormFloat64()
					x[i] = v
					if i > 0 {
						states.WriteByte(' ')
					}
					states.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
				}
				states.WriteByte('\n')
			}
			statesPath := filepath.Join(filepath.Dir(path), "states.txt")
			if err := os.WriteFile(statesPath, []byte(states.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			want := numpyEval(t, path, statesPath, tc.residual, N, dim)

			if err := net.StepEnsemble(E); err != nil {
				t.Fatal(err)
			}
			var worst float64
			for k := 0; k < N; k++ {
				d := relMaxDiff(E.Member(k), want[k*dim:(k+1)*dim])
				worst = math.Max(worst, d)
				if d > 1e-12 {
					t.Errorf("member %d: Go and NumPy differ by %.3g relative (max norm), want <= 1e-12", k, d)
				}
			}
			t.Logf("largest member-wise relative difference from NumPy: %.3g", worst)
		})
	}
}

// numpyEval runs testdata/neural_eval.py and parses its N×dim result.
func numpyEval(t *testing.T, weights, states string, residual bool, N, dim int) []float64 {
	t.Helper()
	args := []string{"testdata/neural_eval.py", weights, states}
	if residual {
		args = append(args, "--residual")
	}
	cmd := exec.Command(debianPython, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("neural_eval.py: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != N {
		t.Fatalf("neural_eval.py printed %d lines, want %d", len(lines), N)
	}
	vals := make([]float64, 0, N*dim)
	for k, line := range lines {
		fields := strings.Fields(line)
		if len(fields) != dim {
			t.Fatalf("neural_eval.py line %d has %d numbers, want %d", k+1, len(fields), dim)
		}
		for _, f := range fields {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("neural_eval.py line %d: %v", k+1, err)
			}
			vals = append(vals, v)
		}
	}
	return vals
}
