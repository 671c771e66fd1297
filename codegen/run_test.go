// TestCompileAndRun builds the generated Go of every test program in one
// temporary module against this repository's runtime, vets it, and runs a
// driver (testdata/run) that exercises the cycles, settings, history and
// allocations and evaluates every model and operator at random states;
// the results are judged here against an IR interpreter and the published
// behaviour of the filters.
package codegen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cyclec/cyclec/ir"
)

// Data files of the obsforms program.
var (
	testH = []float64{ // 4×12
		1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 1, -1, 0, 0, 0, 0,
		0.25, 0.25, 0.25, 0.25, 0, 0, 0, 0, 0, 0, 0, 2,
	}
	testRDiag = []float64{0.5, 1, 2, 0.25}
	testRFull = []float64{ // 4×4 SPD
		1, 0.2, 0, 0,
		0.2, 1, 0.2, 0,
		0, 0.2, 1, 0.2,
		0, 0, 0.2, 1,
	}
)

// runSummary mirrors the summary JSON.
type runSummary struct {
	Cycle          string   `json:"cycle"`
	Kind           string   `json:"kind"`
	Seed           uint64   `json:"seed"`
	Members        int      `json:"members"`
	Steps          int      `json:"steps"`
	Analyses       int      `json:"analyses"`
	Spinup         int      `json:"spinup"`
	RMSEAnalysis   *float64 `json:"rmse_analysis"`
	RMSEForecast   *float64 `json:"rmse_forecast"`
	SpreadAnalysis *float64 `json:"spread_analysis"`
	SpreadForecast *float64 `json:"spread_forecast"`
	WallSeconds    *float64 `json:"wall_seconds"`
	SecondsPerCyc  *float64 `json:"seconds_per_cycle"`
}

// runOutput mirrors the driver's JSON.
type runOutput struct {
	RHS      map[string][]runSample `json:"rhs"`
	Obs      map[string][]runSample `json:"obs"`
	NaiveL96 float64                `json:"naive_l96"`
	Cycles   map[string]*struct {
		Summary       *runSummary    `json:"summary"`
		SameAtProcs   bool           `json:"same_at_procs"`
		NextAllocs    float64        `json:"next_allocs"`
		History       map[string]int `json:"history"`
		HistoryErr    string         `json:"history_err"`
		CancelErr     string         `json:"cancel_err"`
		Progress      int            `json:"progress"`
		Err           string         `json:"err"`
		SetOK         string         `json:"set_ok"`
		SetUnknownErr string         `json:"set_unknown_err"`
		SetBadErr     string         `json:"set_bad_err"`
		MissingErr    string         `json:"missing_err"`
	} `json:"cycles"`
	Errors []string `json:"errors"`
}

type runSample struct {
	X []float64 `json:"x"`
	T float64   `json:"t"`
	Y []float64 `json:"y"`
}

// repoRoot is the module root above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || !bytes.Contains(mod, []byte("module github.com/cyclec/cyclec\n")) {
		t.Fatalf("%s is not the cyclec module root: %v", root, err)
	}
	return root
}

// writeCSV writes rows of cols values.
func writeCSV(t *testing.T, path string, vals []float64, cols int) {
	t.Helper()
	var b strings.Builder
	for i, v := range vals {
		if i%cols > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, v)
		if i%cols == cols-1 {
			b.WriteString("\n")
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// goCmd runs the go command in dir with module settings that keep it
// offline and independent of any workspace.
func goCmd(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

// buildModule writes the generated packages and the driver into a new
// module and returns its directory.
func buildModule(t *testing.T) string {
	root := repoRoot(t)
	dir := t.TempDir()
	gomod := fmt.Sprintf("module gentest\n\ngo 1.26\n\nrequire github.com/cyclec/cyclec v0.0.0\n\nreplace github.com/cyclec/cyclec => %s\n", root)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	copyFile := func(from, to string) {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tp := range testPrograms {
		pkg := filepath.Join(dir, tp.name)
		if err := os.MkdirAll(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range generateAll(t, tp.prog(), Options{Version: "test"}) {
			if err := os.WriteFile(filepath.Join(pkg, f.Name), f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		copyFile(filepath.Join("testdata", "run", tp.name+"_check.go"), filepath.Join(pkg, "check.go"))
	}
	copyFile(filepath.Join("testdata", "run", "main.go"), filepath.Join(dir, "main.go"))
	writeCSV(t, filepath.Join(dir, "data", "H.csv"), testH, 12)
	writeCSV(t, filepath.Join(dir, "data", "r.csv"), testRDiag, 4)
	writeCSV(t, filepath.Join(dir, "data", "R.csv"), testRFull, 4)
	return dir
}

func TestCompileAndRun(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("the go command is needed to compile generated code: %v", err)
	}
	dir := buildModule(t)
	goCmd(t, dir, "vet", "./...")
	// The generated tests: every model's and operator's derivatives.
	goCmd(t, dir, "test", "-count=1", "./...")
	goCmd(t, dir, "build", "-o", "gentest", ".")
	run := exec.Command(filepath.Join(dir, "gentest"), filepath.Join(dir))
	var stderr bytes.Buffer
	run.Stderr = &stderr
	raw, err := run.Output()
	if err != nil {
		t.Fatalf("gentest: %v\n%s", err, stderr.Bytes())
	}
	var out runOutput
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("gentest output: %v\n%s", err, raw)
	}
	for _, e := range out.Errors {
		t.Errorf("gentest: %s", e)
	}
	t.Run("rhs", func(t *testing.T) { checkRHS(t, &out) })
	t.Run("obs", func(t *testing.T) { checkObs(t, &out) })
	t.Run("cycles", func(t *testing.T) { checkCycles(t, &out) })
}

// near reports whether generated and interpreted values agree; the two
// evaluate the same operations, but the compiler may fuse multiply-adds
// differently in each.
func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-12*(1+math.Abs(want))
}

// checkRHS compares every right-hand side the driver evaluated with the
// IR interpreter, and the peeled L96 tendency with the naive one.
func checkRHS(t *testing.T, out *runOutput) {
	if out.NaiveL96 != 0 {
		t.Errorf("peeled L96 tendency differs from the modulo transcription by %g", out.NaiveL96)
	}
	models := map[string]*ir.Forward{}
	for _, tp := range testPrograms {
		for _, m := range tp.prog().Forwards {
			models[tp.name+"."+m.Name] = m
		}
	}
	if len(out.RHS) != len(models) {
		t.Errorf("driver evaluated %d models, the programs have %d", len(out.RHS), len(models))
	}
	for name, samples := range out.RHS {
		m := models[name]
		if m == nil {
			t.Errorf("unknown model %s", name)
			continue
		}
		if len(samples) == 0 {
			t.Errorf("%s: no samples", name)
		}
		for _, s := range samples {
			want, err := evalForward(m, s.X, s.T)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if len(s.Y) != len(want) {
				t.Fatalf("%s: %d outputs, want %d", name, len(s.Y), len(want))
			}
			for i := range want {
				if !near(s.Y[i], want[i]) {
					t.Errorf("%s at t=%g: element %d = %v, interpreter %v", name, s.T, i, s.Y[i], want[i])
				}
			}
		}
	}
}

// checkObs compares every operator the driver applied with the interpreter.
func checkObs(t *testing.T, out *runOutput) {
	ops := map[string]*ir.ObsOp{}
	for _, tp := range testPrograms {
		for _, o := range tp.prog().Obs {
			if _, identity := o.Def.(*ir.Identity); !identity {
				ops[tp.name+"."+o.Name] = o
			}
		}
	}
	if len(out.Obs) != len(ops) {
		t.Errorf("driver applied %d operators, the programs have %d that are not the identity", len(out.Obs), len(ops))
	}
	for name, samples := range out.Obs {
		o := ops[name]
		if o == nil {
			t.Errorf("unknown operator %s", name)
			continue
		}
		for _, s := range samples {
			want, err := evalObs(o, s.X, testH)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if len(s.Y) != len(want) {
				t.Fatalf("%s: %d outputs, want %d", name, len(s.Y), len(want))
			}
			for i := range want {
				if !near(s.Y[i], want[i]) {
					t.Errorf("%s: element %d = %v, interpreter %v", name, i, s.Y[i], want[i])
				}
			}
		}
	}
}

// checkCycles judges every cycle run.
func checkCycles(t *testing.T, out *runOutput) {
	type expect struct {
		kind       string
		steps      int
		analyses   int
		members    int
		progress   int     // calls of Next
		maxRMSE    float64 // 0: no score
		history    map[string]int
		setOK      string
		missingErr string
	}
	want := map[string]expect{
		// Sakov & Oke (2008): 0.18 with 40 members and inflation 1.01; a
		// short run is noisier, hence the margin.
		"l96.Twin":   {"etkf", 2000, 1500, 40, 2000, 0.3, map[string]int{"truth": 21, "forecast": 21, "analysis": 21}, "9.5 8.25", ""},
		"l96.Sub":    {"etkf", 300, 50, 40, 150, 1.0, nil, "", ""},
		"l96.Traj":   {"forecast", 100, 0, 1, 100, 0, map[string]int{"state": 11}, "", ""},
		"l96.Spread": {"ensemble_forecast", 50, 0, 10, 50, 0, map[string]int{"forecast": 3}, "", ""},
		// Sakov, Oliver & Bertino (2012): 0.56–0.65 with 10 members and
		// inflation 1.04; 160 analyses are noisy.
		"l63.Twin":        {"enkf", 5000, 160, 10, 200, 1.0, nil, "2.5", ""},
		"obsforms.Files":  {"etkf", 30, 8, 8, 10, 2.0, map[string]int{"truth": 11, "forecast": 11, "analysis": 11}, "", "r.csv"},
		"obsforms.FullR":  {"etkf", 20, 20, 8, 20, 2.0, nil, "", ""},
		"obsforms.Inline": {"etkf", 30, 8, 8, 10, 2.0, nil, "", ""},
		"stencil.Iterate": {"forecast", 20, 0, 1, 20, 0, map[string]int{"state": 5}, "", ""},
	}
	if len(out.Cycles) != len(want) {
		t.Errorf("driver ran %d cycles, want %d", len(out.Cycles), len(want))
	}
	// R as an inline diag([…]) and as the file of the same variances give
	// the same run.
	if a, b := out.Cycles["obsforms.Inline"], out.Cycles["obsforms.Files"]; a != nil && b != nil && a.Summary != nil && b.Summary != nil {
		if fmtPtr(a.Summary.RMSEAnalysis) != fmtPtr(b.Summary.RMSEAnalysis) || fmtPtr(a.Summary.SpreadAnalysis) != fmtPtr(b.Summary.SpreadAnalysis) {
			t.Errorf("inline diag R gave rmse %s spread %s, the file of the same variances %s and %s",
				fmtPtr(a.Summary.RMSEAnalysis), fmtPtr(a.Summary.SpreadAnalysis), fmtPtr(b.Summary.RMSEAnalysis), fmtPtr(b.Summary.SpreadAnalysis))
		}
	} else {
		t.Errorf("obsforms.Inline or obsforms.Files has no summary")
	}
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			r := out.Cycles[name]
			if r == nil {
				t.Fatalf("not run")
			}
			if r.Err != "" {
				t.Fatalf("run failed: %s", r.Err)
			}
			s := r.Summary
			if s == nil {
				t.Fatalf("no summary")
			}
			cycle := name[strings.Index(name, ".")+1:]
			if s.Cycle != cycle || s.Kind != w.kind || s.Steps != w.steps || s.Analyses != w.analyses || s.Members != w.members {
				t.Errorf("summary %+v, want cycle %s kind %s, %d steps, %d analyses, %d members", *s, cycle, w.kind, w.steps, w.analyses, w.members)
			}
			if s.WallSeconds == nil || *s.WallSeconds <= 0 || s.SecondsPerCyc == nil || *s.SecondsPerCyc <= 0 {
				t.Errorf("no timing in the summary")
			}
			if w.maxRMSE > 0 {
				if s.RMSEAnalysis == nil || !(*s.RMSEAnalysis < w.maxRMSE) || s.RMSEForecast == nil || s.SpreadAnalysis == nil {
					t.Errorf("rmse_analysis = %v, want < %v", fmtPtr(s.RMSEAnalysis), w.maxRMSE)
				}
				t.Logf("rmse_analysis %.4f, rmse_forecast %.4f, spread %.4f over %d analyses, %.3g s per cycle",
					*s.RMSEAnalysis, *s.RMSEForecast, *s.SpreadAnalysis, s.Analyses, *s.SecondsPerCyc)
			}
			if w.kind == "ensemble_forecast" && (s.SpreadForecast == nil || !(*s.SpreadForecast > 0)) {
				t.Errorf("spread_forecast = %v, want > 0", fmtPtr(s.SpreadForecast))
			}
			if !r.SameAtProcs {
				t.Errorf("summary differs between GOMAXPROCS 1 and 2")
			}
			if r.NextAllocs != 0 {
				t.Errorf("200 calls of Next, with a history, allocate %v times", r.NextAllocs)
			}
			if r.CancelErr != "canceled" {
				t.Errorf("Run with a cancelled context returned %q, want context.Canceled", r.CancelErr)
			}
			if r.Progress != w.progress {
				t.Errorf("Progress called %d times, want %d (once per Next)", r.Progress, w.progress)
			}
			if r.HistoryErr != "" {
				t.Errorf("history: %s", r.HistoryErr)
			}
			if len(r.History) != len(w.history) {
				t.Errorf("history records %v, want %v", r.History, w.history)
			}
			for k, n := range w.history {
				if r.History[k] != n {
					t.Errorf("history records %v, want %v", r.History, w.history)
				}
			}
			if !strings.Contains(r.SetUnknownErr, `no setting "nosuch"`) || !strings.Contains(r.SetUnknownErr, "known: steps") {
				t.Errorf("Set(nosuch) error %q does not name the setting and the known ones", r.SetUnknownErr)
			}
			if !strings.Contains(r.SetBadErr, "steps") || !strings.Contains(r.SetBadErr, "non-negative integer") || !strings.Contains(r.SetBadErr, "lots") {
				t.Errorf("Set(steps, lots) error %q does not name the setting, the kind and the value", r.SetBadErr)
			}
			if r.SetOK != w.setOK {
				t.Errorf("parameter settings gave %q, want %q", r.SetOK, w.setOK)
			}
			if !strings.Contains(r.MissingErr, w.missingErr) || (w.missingErr == "") != (r.MissingErr == "") {
				t.Errorf("missing data file error %q, want one naming %q", r.MissingErr, w.missingErr)
			}
		})
	}
}

// fmtPtr prints a possibly null score.
func fmtPtr(p *float64) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}
