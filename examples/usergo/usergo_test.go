// Package usergo tests a forward model written by a user in plain Go, in
// a module of their own outside this repository (testdata/l96user: an
// RK4 Lorenz-96), through `cyclec run` as a user runs it: the ETKF N40
// experiment must score as the .cyc model does, and a wrong signature must
// be a positioned error showing the signature found and the one wanted.
package usergo

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// cyclec builds the command from this checkout.
func cyclec(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cyclec")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/cyclec")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building cyclec: %v\n%s", err, out)
	}
	return bin
}

// userModule copies testdata/l96user to a directory outside the
// repository.
func userModule(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk("testdata/l96user", func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("testdata/l96user", p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// score runs one seed and returns the analysis RMSE.
func score(t *testing.T, bin, dir, file string, seed int) float64 {
	t.Helper()
	cmd := exec.Command(bin, "run", file, "--json", "--set", "seed="+strconv.Itoa(seed))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CYCLEC_CACHE="+filepath.Join(os.TempDir(), "cyclec-usergo-cache"), "GOPROXY=off")
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("cyclec run %s seed %d: %v\n%s", file, seed, err, stderr)
	}
	var sum struct {
		RMSE float64 `json:"rmse_analysis"`
		N    int     `json:"analyses"`
	}
	if err := json.Unmarshal(out, &sum); err != nil {
		t.Fatalf("summary %q: %v", out, err)
	}
	if sum.N != 10000 {
		t.Fatalf("%s seed %d scored %d analyses, want 10000", file, seed, sum.N)
	}
	return sum.RMSE
}

func TestUserGoModelScoresAsTheCycModel(t *testing.T) {
	bin := cyclec(t)
	dir := userModule(t)
	cycModel, err := filepath.Abs("../lorenz96/etkf.cyc")
	if err != nil {
		t.Fatal(err)
	}
	for seed := 1; seed <= 5; seed++ {
		user := score(t, bin, dir, "etkf.cyc", seed)
		ref := score(t, bin, dir, cycModel, seed)
		t.Logf("seed %d: user Go model %.4f, .cyc model %.4f", seed, user, ref)
		if math.Abs(user-ref) > 0.02*ref {
			t.Errorf("seed %d: user Go model scores %.4f, the .cyc model %.4f: more than 2%% apart", seed, user, ref)
		}
	}
}

func TestUserGoModelWrongSignature(t *testing.T) {
	bin := cyclec(t)
	dir := userModule(t)
	if err := os.WriteFile(filepath.Join(dir, "l96", "wrong.go"), []byte("package l96\n\n// Tendency has the wrong shape for a model.\nfunc Tendency(dx, x []float64) {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(dir, "etkf.cyc"))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(src), "l96.Model", "l96.Tendency", 1)
	if err := os.WriteFile(filepath.Join(dir, "bad.cyc"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "check", "bad.cyc")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("cyclec check bad.cyc: %v, want exit 1\n%s", err, out)
	}
	for _, want := range []string{
		"bad.cyc:6:34: error:",
		"is func(dx, x []float64)",
		"want func(x []float64, t, dt float64) or func(x []float64, t, dt float64) error",
		"^",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestRunGoExampleInThisModule runs the in-repository Go-model example
// through cyclec run: its Go code lives in this module, which the run must
// then build against instead of the embedded runtime copy.
func TestRunGoExampleInThisModule(t *testing.T) {
	bin := cyclec(t)
	cmd := exec.Command(bin, "run", "examples/lorenz96/goetkf.cyc", "--set", "steps=300", "--set", "spinup=100")
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "CYCLEC_CACHE="+filepath.Join(os.TempDir(), "cyclec-usergo-cache"), "GOPROXY=off")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "200 counted after 100 spin-up") {
		t.Fatalf("cyclec run examples/lorenz96/goetkf.cyc: %v\n%s", err, out)
	}
}

// TestUserGoModelInWorkspace runs a .cyc file of one workspace module
// whose model is in another: cyclec run builds against every module the
// go.work uses.
func TestUserGoModelInWorkspace(t *testing.T) {
	bin := cyclec(t)
	ws := t.TempDir()
	model := userModule(t)
	src, err := os.ReadFile(filepath.Join(model, "etkf.cyc"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(model, "etkf.cyc")); err != nil {
		t.Fatal(err)
	}
	cyc := strings.NewReplacer("steps = 11000", "steps = 300", "spinup = 1000", "spinup = 100").Replace(string(src))
	write := func(p, data string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(ws, "app", "go.mod"), "module example.com/app\n\ngo 1.26\n")
	write(filepath.Join(ws, "app", "etkf.cyc"), cyc)
	write(filepath.Join(ws, "go.work"), "go 1.26\n\nuse (\n\t./app\n\t"+model+"\n)\n")
	cmd := exec.Command(bin, "run", "etkf.cyc")
	cmd.Dir = filepath.Join(ws, "app")
	cmd.Env = append(os.Environ(), "CYCLEC_CACHE="+filepath.Join(os.TempDir(), "cyclec-usergo-cache"), "GOPROXY=off")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "200 counted after 100 spin-up") {
		t.Fatalf("cyclec run in a workspace: %v\n%s", err, out)
	}
}
