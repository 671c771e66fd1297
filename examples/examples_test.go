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
			dir := filepath.Dir(src)
			read := func(p string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, filepath.FromSlash(p))) }
			files, diags := cyclec.Generate(filepath.ToSlash(src), data, cyclec.Options{ReadFile: read, Version: cyclec.Version})
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
