// The committed Go of every example must be exactly what the compiler
// generates from its .cyc file now; regenerate with `make examples`.
package examples_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cyclec/cyclec"
	"github.com/cyclec/cyclec/golink"
	"github.com/cyclec/cyclec/lang"
)

func TestExamplesAreFresh(t *testing.T) {
	sources, err := filepath.Glob("*/*.cyc")
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) < 3 {
		t.Fatalf("found %d examples, want at least 3", len(sources))
	}
	for _, src := range sources {
		t.Run(src, func(t *testing.T) {
			data, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			// The checker names files joined to the directory of the .cyc
			// that names them, as the command reads them from here.
			read := func(p string) ([]byte, error) { return os.ReadFile(filepath.FromSlash(p)) }
			opts := cyclec.Options{ReadFile: read, Go: golink.ForCheck(filepath.Dir(src)), Version: cyclec.Version}
			files, diags := cyclec.Generate(filepath.ToSlash(src), data, opts)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			outDir := strings.TrimSuffix(src, ".cyc")
			for _, f := range files {
				have, err := os.ReadFile(filepath.Join(outDir, f.Name))
				if err != nil {
					t.Fatalf("%v: run make examples", err)
				}
				if !bytes.Equal(have, f.Data) {
					t.Errorf("%s is stale: run make examples", filepath.Join(outDir, f.Name))
				}
			}
		})
	}
}

// TestExamplesAreFormatted keeps the examples and the standard library in
// the canonical form `cyclec fmt` prints, since users copy them.
func TestExamplesAreFormatted(t *testing.T) {
	sources, err := filepath.Glob("*/*.cyc")
	if err != nil {
		t.Fatal(err)
	}
	std, err := filepath.Glob("../stdlib/*.cyc")
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range append(sources, std...) {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		out, diags := lang.FormatSource(src, data)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", src, diags)
		}
		if !bytes.Equal(out, data) {
			t.Errorf("%s is not in canonical form: run cyclec fmt -w %s", src, src)
		}
	}
}
