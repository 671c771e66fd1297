// Determinism of the whole tool: the same program and seed give the same
// bytes of Go and the same numbers, whatever GOMAXPROCS is.
package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// runJSON runs `cyclec run --json` on path with GOMAXPROCS set and returns
// the summary without its timing fields.
func runJSON(t *testing.T, path, maxprocs string, extra ...string) map[string]any {
	t.Helper()
	t.Setenv("GOMAXPROCS", maxprocs)
	var stdout, stderr bytes.Buffer
	args := append([]string{"run", path, "--json"}, extra...)
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("cyclec %v: exit %d\n%s", args, code, stderr.String())
	}
	var sum map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil {
		t.Fatalf("cyclec %v printed %q: %v", args, stdout.String(), err)
	}
	for _, timing := range []string{"wall_seconds", "seconds_per_cycle"} {
		if _, ok := sum[timing]; !ok {
			t.Fatalf("summary lacks %s: %s", timing, stdout.String())
		}
		delete(sum, timing)
	}
	return sum
}

func TestRunIsDeterministic(t *testing.T) {
	t.Setenv("CYCLEC_CACHE", t.TempDir())
	path := filepath.Join("..", "..", "examples", "lorenz96", "enkf.cyc")
	short := []string{"--set", "steps=600", "--set", "spinup=100", "--set", "seed=4"}
	first := runJSON(t, path, "1", short...)
	second := runJSON(t, path, "2", short...)
	third := runJSON(t, path, "2", short...)
	a, _ := json.Marshal(first)
	for _, other := range []map[string]any{second, third} {
		b, _ := json.Marshal(other)
		if !bytes.Equal(a, b) {
			t.Errorf("runs differ:\n%s\n%s", a, b)
		}
	}
	if first["rmse_analysis"] == nil || first["analyses"].(float64) != 500 {
		t.Errorf("unexpected summary %s", a)
	}
	// A different seed must change the numbers, or the test proves nothing.
	other := runJSON(t, path, "1", "--set", "steps=600", "--set", "spinup=100", "--set", "seed=5")
	if other["rmse_analysis"] == first["rmse_analysis"] {
		t.Errorf("seeds 4 and 5 gave the same rmse_analysis %v", first["rmse_analysis"])
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	src := filepath.Join("..", "..", "examples", "lorenz63", "etkf.cyc")
	var outs [][]byte
	for range 2 {
		dir := t.TempDir()
		var stdout, stderr bytes.Buffer
		if code := run([]string{"build", src, "-o", dir}, &stdout, &stderr); code != 0 {
			t.Fatalf("build: exit %d\n%s", code, stderr.String())
		}
		data, err := os.ReadFile(filepath.Join(dir, "etkf.cyc.go"))
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, data)
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("two builds of the same program gave different bytes")
	}
}
