// Benchmarks of parsing and formatting a file that uses every construct.
package lang

import (
	"os"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	src, err := os.ReadFile("testdata/corpus/spec.cyc")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if f, diags := Parse("spec.cyc", src); f == nil {
			b.Fatal(diags)
		}
	}
}

func BenchmarkFormat(b *testing.B) {
	src, err := os.ReadFile("testdata/corpus/spec.cyc")
	if err != nil {
		b.Fatal(err)
	}
	f, diags := Parse("spec.cyc", src)
	if f == nil {
		b.Fatal(diags)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		Format(f)
	}
}
