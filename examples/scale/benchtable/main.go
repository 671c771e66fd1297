// Command benchtable reads the output of `go test -bench Scale -benchmem`
// over examples/scale/scale on standard input and prints one row per
// point: the kind, N, n, the median time per cycle over the -count runs
// (with the fastest and slowest) and the allocations per cycle. Points the
// benchmark skipped are listed with the reason (which needs -v). `make bench-scale` pipes
// the benchmark through it; the raw output stays benchstat's input.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// result is one benchmark line: BenchmarkScale/etkf/N=40/n=1000-2 … ns/op … allocs/op.
var result = regexp.MustCompile(`^BenchmarkScale/(\w+)/N=(\d+)/n=(\d+)(?:-\d+)?\s+\d+\s+([0-9.]+) ns/op(?:.*?\s([0-9]+) allocs/op)?`)

// skip is the line `go test -v` prints for a skipped point, after the
// log line with the reason.
var skip = regexp.MustCompile(`^\s*--- SKIP: BenchmarkScale/(\w+)/N=(\d+)/n=(\d+)`)

// location is the file:line prefix of a test log line.
var location = regexp.MustCompile(`^\S+\.go:\d+: `)

// point is one row of the table.
type point struct {
	kind   string
	N, n   int
	ns     []float64
	allocs string
	skip   string
}

func main() {
	rows, err := read(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if len(rows) == 0 {
		fmt.Fprintln(os.Stderr, "benchtable: no BenchmarkScale results on standard input")
		os.Exit(1)
	}
	write(os.Stdout, rows)
}

// read collects the rows in the order the benchmark first reports them.
func read(r io.Reader) ([]*point, error) {
	var rows []*point
	byKey := map[string]*point{}
	get := func(m []string) *point {
		key := m[1] + "/" + m[2] + "/" + m[3]
		if p := byKey[key]; p != nil {
			return p
		}
		N, _ := strconv.Atoi(m[2])
		n, _ := strconv.Atoi(m[3])
		p := &point{kind: m[1], N: N, n: n}
		byKey[key] = p
		rows = append(rows, p)
		return p
	}
	sc := bufio.NewScanner(r)
	var logged string // the last log line, which says why a point that follows was skipped
	for sc.Scan() {
		line := sc.Text()
		if m := location.FindStringIndex(strings.TrimSpace(line)); m != nil {
			logged = strings.TrimSpace(line)[m[1]:]
			continue
		}
		if m := skip.FindStringSubmatch(line); m != nil {
			get(m).skip = logged
			continue
		}
		m := result.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		p := get(m)
		ns, err := strconv.ParseFloat(m[4], 64)
		if err != nil {
			return nil, fmt.Errorf("reading %q: %w", line, err)
		}
		p.ns = append(p.ns, ns)
		if m[5] != "" {
			p.allocs = m[5]
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the benchmark output: %w", err)
	}
	return rows, nil
}

// write prints the table.
func write(w io.Writer, rows []*point) {
	fmt.Fprintf(w, "%-5s %4s %5s %12s %21s %7s\n", "kind", "N", "n", "µs/cycle", "(min – max, runs)", "allocs")
	for _, p := range rows {
		if len(p.ns) == 0 {
			fmt.Fprintf(w, "%-5s %4d %5d %12s   skipped: %s\n", p.kind, p.N, p.n, "–", p.skip)
			continue
		}
		s := slices.Clone(p.ns)
		slices.Sort(s)
		allocs := p.allocs
		if allocs == "" {
			allocs = "?"
		}
		fmt.Fprintf(w, "%-5s %4d %5d %12.1f %21s %7s\n", p.kind, p.N, p.n, median(s)/1e3,
			fmt.Sprintf("(%.1f – %.1f, %d)", s[0]/1e3, s[len(s)-1]/1e3, len(s)), allocs)
	}
}

// median returns the median of the sorted s.
func median(s []float64) float64 {
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
