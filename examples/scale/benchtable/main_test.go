package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestTable reads three runs of one point and a skipped point and checks
// the median, the range, the allocations and the reason.
func TestTable(t *testing.T) {
	in := `BenchmarkScale
BenchmarkScale/etkf/N=40/n=1000
BenchmarkScale/etkf/N=40/n=1000-2         	     100	   1300000 ns/op	       0 B/op	       0 allocs/op
BenchmarkScale/etkf/N=40/n=1000-2         	     100	   1500000 ns/op	       0 B/op	       0 allocs/op
BenchmarkScale/etkf/N=40/n=1000-2         	     100	   1400000 ns/op	       0 B/op	       0 allocs/op
BenchmarkScale/enkf/N=40/n=5000
    scale_test.go:87: slow (run with -scale.all): too slow
--- SKIP: BenchmarkScale/enkf/N=40/n=5000
PASS
`
	rows, err := read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	write(&out, rows)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want a header and 2 rows:\n%s", len(lines), out.String())
	}
	if f := strings.Fields(lines[1]); len(f) < 5 || f[0] != "etkf" || f[1] != "40" || f[2] != "1000" || f[3] != "1400.0" || f[len(f)-1] != "0" {
		t.Errorf("row %q: want etkf 40 1000 with median 1400.0 µs and 0 allocs", lines[1])
	}
	if !strings.Contains(lines[1], "(1300.0 – 1500.0, 3)") {
		t.Errorf("row %q: want the range (1300.0 – 1500.0, 3)", lines[1])
	}
	if !strings.Contains(lines[2], "skipped: slow (run with -scale.all): too slow") {
		t.Errorf("row %q: want the skip and its reason", lines[2])
	}
}
