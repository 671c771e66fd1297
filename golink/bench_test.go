// Benchmarks of resolution: the go/packages load dominates, so these
// measure what a `cyclec check` of a file with go references costs.
package golink

import (
	"path/filepath"
	"testing"
)

// BenchmarkFindModule measures the go env call that finds the module.
func BenchmarkFindModule(b *testing.B) {
	root := b.TempDir()
	writeTree(b, root, map[string]string{"go.mod": "module example.com/m\n\ngo 1.26\n"})
	r := &Resolver{Env: testEnv()}
	for b.Loop() {
		if _, err := r.FindModule(root); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResolveOne resolves one forward function in a one-package
// module: the floor of what a file with a go reference costs.
func BenchmarkResolveOne(b *testing.B) {
	root := b.TempDir()
	writeTree(b, root, map[string]string{
		"go.mod":       "module example.com/m\n\ngo 1.26\n",
		"fwd/fwd.go":   "package fwd\n\nfunc Step(x []float64, t, dt float64) {}\n",
		"models/m.cyc": "package m\n",
	})
	benchResolve(b, filepath.Join(root, "models"), []Ref{{"example.com/m/fwd", "Step", Forward}})
}

// BenchmarkResolveModel resolves every reference of the shared fixture
// (eleven packages, one of them broken and one missing).
func BenchmarkResolveModel(b *testing.B) {
	root := b.TempDir()
	writeTree(b, root, modelModule)
	refs := make([]Ref, len(modelCases))
	for i, c := range modelCases {
		refs[i] = c.ref
	}
	benchResolve(b, filepath.Join(root, "models"), refs)
}

// benchResolve times Resolve(dir, refs).
func benchResolve(b *testing.B, dir string, refs []Ref) {
	r := &Resolver{Env: testEnv()}
	for b.Loop() {
		if _, err := r.Resolve(dir, refs); err != nil {
			b.Fatal(err)
		}
	}
}
