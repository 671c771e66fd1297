// Fuzz tests: no input makes Parse panic or report an error without a
// usable position, and the formatter round-trips everything that parses.
// Crashers found by `go test -fuzz` are kept under testdata/fuzz/ and run
// as regression cases by plain `go test`.
package lang

import (
	"os"
	"path/filepath"
	"testing"
)

// addSeeds adds the repository's sources, lang/testdata and the inputs of
// the error tests to the seed corpus.
func addSeeds(f *testing.F) {
	var files []string
	for _, pattern := range []string{
		"../stdlib/*.cyc",
		"../examples/*/*.cyc",
		"../testdata/golden/*/input.cyc",
		"testdata/corpus/*.cyc",
		"testdata/format/*.input",
	} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, s := range []string{
		"", "package a\nconst N = 1 const M = 2", "package a\nanalysis A = etkf { members 40 }",
		"package a\nforward F(x: S) {\n    ddt x[i] 3\n}", "package a\nconst X = [1, 2,\n3] // c",
		"package a\ncycle C = da { until = x[0] < }", "package a\n/* open", "package a\nconst S = \"\\q\"",
	} {
		f.Add([]byte(s))
	}
}

func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		file, diags := Parse("fuzz.cyc", src)
		if file != nil && len(diags) > 0 {
			t.Fatalf("tree returned with diagnostics %v", diags)
		}
		if file == nil && len(diags) == 0 {
			t.Fatal("no tree and no diagnostic")
		}
		for _, d := range diags {
			if d.Pos.File != "fuzz.cyc" || d.Pos.Line < 1 || d.Pos.Col < 1 || d.Pos.Offset < 0 || d.Pos.Offset > len(src) || d.Msg == "" {
				t.Fatalf("bad diagnostic %+v", d)
			}
		}
	})
}

func FuzzFormat(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		if err := roundTrip("fuzz.cyc", src); err != nil {
			t.Fatalf("%v\ninput:\n%s", err, src)
		}
	})
}
