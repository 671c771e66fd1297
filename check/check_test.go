// The diagnostics harness: every testdata/*.cyc file is checked, and its
// inline expectations (`// ERROR "regexp"`, `// WARNING "regexp"`, as
// go/types writes them) must match the diagnostics exactly. Files under
// testdata/good must check with no diagnostics at all.
package check

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/types"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/cyclec/cyclec/diag"
)

// testReader reads files under testdata, as the command reads files
// relative to the working directory, and remembers what it read.
type testReader struct {
	root  string
	files map[string][]byte
}

func newTestReader() *testReader {
	return &testReader{root: "testdata", files: map[string][]byte{}}
}

func (r *testReader) ReadFile(p string) ([]byte, error) {
	if path.IsAbs(p) || strings.HasPrefix(path.Clean(p), "..") {
		return nil, fmt.Errorf("%s: outside testdata", p)
	}
	data, err := os.ReadFile(filepath.Join(r.root, filepath.FromSlash(p)))
	if err != nil {
		return nil, errors.Unwrap(err) // "no such file or directory", without the test's own path
	}
	r.files[p] = data
	return data, nil
}

// fakeGo resolves the Go references the test programs name: a map from
// "importpath.Name" to the function's type as Go source, or "type" for a
// forward type with Step (whose float64 fields follow: "type Kappa U").
type fakeGo map[string]string

// fakeWant is the signature each role wants, as the fake compares them.
var fakeWant = map[GoRole]string{
	GoForward:  "func([]float64, float64, float64)",
	GoObs:      "func([]float64, []float64)",
	GoJacobian: "func([]float64, []float64)",
	GoAnalysis: "func(cycrt.GoAnalysisConfig) (cycrt.Analysis, error)",
	GoSource:   "func(float64, []float64) (bool, error)",
	GoTangent:  "func([]float64, []float64, float64, float64)",
	GoAdjoint:  "func([]float64, []float64, float64, float64)",
}

// fakeRole names a role as the old messages did.
var fakeRole = map[GoRole]string{
	GoForward: "go forward model", GoObs: "go obs operator", GoJacobian: "jacobian",
	GoAnalysis: "go analysis", GoSource: "go observation source",
	GoTangent: "tangent", GoAdjoint: "adjoint",
}

func (f fakeGo) Resolve(reqs []GoRequest) ([]GoResult, error) {
	out := make([]GoResult, len(reqs))
	for i, r := range reqs {
		ref := r.ImportPath + "." + r.Name
		sig, ok := f[ref]
		switch {
		case !ok:
			out[i].Err = fmt.Errorf("cannot resolve %s %s: package %s has no function %s", fakeRole[r.Role], ref, r.ImportPath, r.Name)
		case strings.HasPrefix(sig, "type") && r.Role == GoForward:
			out[i] = GoResult{Type: true, Fields: strings.Fields(sig)[1:], HasNew: true}
		case canonicalSig(sig) == canonicalSig(fakeWant[r.Role]):
		case r.Role == GoForward && canonicalSig(sig) == canonicalSig("func([]float64, float64, float64) error"):
			out[i].ReturnsError = true
		default:
			out[i].Err = fmt.Errorf("%s %s has type %s, want %s", fakeRole[r.Role], ref, sig, fakeWant[r.Role])
		}
	}
	return out, nil
}

// canonicalSig prints a function type without parameter names.
func canonicalSig(s string) string {
	e, err := parser.ParseExpr(s)
	ft, ok := e.(*ast.FuncType)
	if err != nil || !ok {
		return strings.Join(strings.Fields(s), "")
	}
	list := func(fl *ast.FieldList) string {
		if fl == nil {
			return ""
		}
		var parts []string
		for _, f := range fl.List {
			t := types.ExprString(f.Type)
			n := max(len(f.Names), 1)
			for range n {
				parts = append(parts, t)
			}
		}
		return strings.Join(parts, ",")
	}
	return "func(" + list(ft.Params) + ")(" + list(ft.Results) + ")"
}

// testGo is the Go world of the test programs.
var testGo = fakeGo{
	"example.com/ocean.Step":        "func(x []float64, t float64, dt float64)",
	"example.com/ocean.Wrong":       "func(x []float64, t float64)",
	"example.com/inst.Radiance":     "func(y, x []float64)",
	"example.com/inst.Jacobian":     "func(jac []float64, x []float64)",
	"example.com/myfilter.New":      "func(cfg cycrt.GoAnalysisConfig) (cycrt.Analysis, error)",
	"example.com/obsfeed.Next":      "func(t float64, y []float64) (ok bool, err error)",
	"example.com/ocean.Model":       "type Kappa U",
	"example.com/ocean.StepSimple":  "func([]float64, float64, float64)",
	"example.com/ocean.StepTangent": "func(x, dx []float64, t, dt float64)",
	"example.com/ocean.StepAdjoint": "func(x, ax []float64, t, dt float64)",
}

func testConfig(r *testReader) Config {
	return Config{ReadFile: r.ReadFile, Go: testGo}
}

// expectation is one `// ERROR "re"` or `// WARNING "re"`.
type expectation struct {
	file string
	line int
	sev  diag.Severity
	re   *regexp.Regexp
	used bool
}

var expectRE = regexp.MustCompile(`(ERROR|WARNING) ("(?:[^"\\]|\\.)*")`)

// expectations collects the expectations of a .cyc source.
func expectations(t *testing.T, file string, src []byte) []*expectation {
	var out []*expectation
	for i, line := range strings.Split(string(src), "\n") {
		k := strings.Index(line, "//")
		if k < 0 {
			continue
		}
		for _, m := range expectRE.FindAllStringSubmatch(line[k:], -1) {
			// The pattern is taken literally between the quotes, except
			// that \" stands for a quote, so regexp escapes need no
			// doubling.
			pat := strings.ReplaceAll(m[2][1:len(m[2])-1], `\"`, `"`)
			re, err := regexp.Compile(pat)
			if err != nil {
				t.Fatalf("%s:%d: bad regexp %q: %v", file, i+1, pat, err)
			}
			sev := diag.Error
			if m[1] == "WARNING" {
				sev = diag.Warning
			}
			out = append(out, &expectation{file: file, line: i + 1, sev: sev, re: re})
		}
	}
	return out
}

// checkFile checks testdata/name and returns its diagnostics and the
// expectations of every .cyc file it read.
func checkFile(t *testing.T, name string) (diag.List, []*expectation) {
	t.Helper()
	r := newTestReader()
	src, err := r.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	_, diags := CheckSource(name, src, testConfig(r))
	var names []string
	for n := range r.files {
		if strings.HasSuffix(n, ".cyc") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var exps []*expectation
	for _, n := range names {
		exps = append(exps, expectations(t, n, r.files[n])...)
	}
	return diags, exps
}

// TestErrors runs every bad program of testdata against its inline
// expectations.
func TestErrors(t *testing.T) {
	files, err := filepath.Glob("testdata/*.cyc")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 40 {
		t.Errorf("only %d bad programs in testdata; want at least 40", len(files))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".cyc"), func(t *testing.T) {
			diags, exps := checkFile(t, name)
			if len(exps) == 0 {
				t.Errorf("%s has no expectations", name)
			}
			for _, d := range diags {
				found := false
				for _, e := range exps {
					if !e.used && e.file == d.Pos.File && e.line == d.Pos.Line && e.sev == d.Severity && e.re.MatchString(d.Msg) {
						e.used, found = true, true
						break
					}
				}
				if !found {
					t.Errorf("unexpected %s", d.Error())
				}
			}
			for _, e := range exps {
				if !e.used {
					what := "error"
					if e.sev == diag.Warning {
						what = "warning"
					}
					t.Errorf("%s:%d: no %s matching %q", e.file, e.line, what, e.re)
				}
			}
		})
	}
}

// TestGood checks that every program of testdata/good checks without a
// single diagnostic.
func TestGood(t *testing.T) {
	files, err := filepath.Glob("testdata/good/*.cyc")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no good programs")
	}
	for _, f := range files {
		name := "good/" + filepath.Base(f)
		t.Run(strings.TrimSuffix(filepath.Base(f), ".cyc"), func(t *testing.T) {
			r := newTestReader()
			src, err := r.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			prog, diags := CheckSource(name, src, testConfig(r))
			for _, d := range diags {
				t.Errorf("%s", d.Error())
			}
			if prog == nil {
				t.Fatal("no program")
			}
		})
	}
}
