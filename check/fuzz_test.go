// The fuzz target: no input, however malformed, makes the checker panic,
// and a program comes back exactly when there are no errors.
package check

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/cyclec/cyclec/stdlib"
)

func FuzzCheckSource(f *testing.F) {
	for _, pat := range []string{"testdata/*.cyc", "testdata/good/*.cyc", "testdata/imports/*.cyc"} {
		files, err := filepath.Glob(pat)
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range files {
			src, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
		}
	}
	for _, mod := range stdlib.Modules() {
		_, src, ok := stdlib.Lookup(mod)
		if !ok {
			f.Fatalf("no %s", mod)
		}
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		r := newTestReader()
		prog, diags := CheckSource("fuzz.cyc", src, testConfig(r))
		if (prog == nil) != diags.HasErrors() {
			t.Fatalf("program %v with diagnostics %v", prog != nil, diags)
		}
		if !sort.SliceIsSorted(diags, func(i, j int) bool {
			a, b := diags[i].Pos, diags[j].Pos
			if a.File != b.File {
				return a.File < b.File
			}
			if a.Line != b.Line {
				return a.Line < b.Line
			}
			return a.Col < b.Col
		}) {
			t.Fatalf("diagnostics not sorted: %v", diags)
		}
	})
}
