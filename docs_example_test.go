// The whole programs docs/language.md shows are compiled and run, so that
// the reference cannot drift from the compiler.
package cyclec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// docExample returns the code block that follows the marker
// <!-- example: name --> in docs/language.md.
func docExample(t *testing.T, name string) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("docs", "language.md"))
	if err != nil {
		t.Fatal(err)
	}
	marker := "<!-- example: " + name + " -->\n```\n"
	_, rest, ok := strings.Cut(string(doc), marker)
	if !ok {
		t.Fatalf("docs/language.md has no %q", strings.TrimSpace(marker))
	}
	src, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatalf("the %s example's code block does not end", name)
	}
	return src
}

// TestDocsDAExample checks, builds and runs the da cycle of the language
// reference: it must compile with no diagnostic at all and its 3D-Var
// must track the truth (an analysis RMSE below the observation error's
// standard deviation, sqrt 2), counted as one state.
func TestDocsDAExample(t *testing.T) {
	src := docExample(t, "da")
	files, diags := Generate("single.cyc", []byte(src), Options{})
	if len(diags) != 0 {
		t.Fatalf("the docs' da example does not compile cleanly:\n%v", diags)
	}
	mod := goldenModule(t)
	pkg := filepath.Join(mod, "single")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(pkg, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := `package single

import (
	"context"
	"math"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

func TestRunsAndTracks(t *testing.T) {
	sum, err := NewSingle().Run(context.Background(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rmse_analysis %.4f rmse_forecast %.4f spread_analysis %.4f over %d analyses", sum.RMSEAnalysis, sum.RMSEForecast, sum.SpreadAnalysis, sum.Analyses)
	if sum.Kind != "var3d" || sum.Members != 0 || sum.Analyses != 900 {
		t.Errorf("kind %q, members %d, %d analyses; want var3d, 0 (one state), 900", sum.Kind, sum.Members, sum.Analyses)
	}
	if !(sum.RMSEAnalysis < math.Sqrt2) || !(sum.RMSEAnalysis < sum.RMSEForecast) || !(sum.SpreadAnalysis > 0) {
		t.Errorf("rmse_analysis %v, rmse_forecast %v, spread_analysis %v: the analysis does not track the truth", sum.RMSEAnalysis, sum.RMSEForecast, sum.SpreadAnalysis)
	}
}
`
	if err := os.WriteFile(filepath.Join(pkg, "run_test.go"), []byte(run), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := goIn(mod, "test", "-count=1", "-v", "./single/")
	if err != nil {
		t.Fatalf("go test of the docs' da example:\n%s", out)
	}
	t.Logf("%s", out)
}
