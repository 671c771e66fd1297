// Tests of the observation CSV reader: the format, bad files and a fuzz target.

package runtime

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// miss is a missing value in the expected tables.
var miss = math.NaN()

func TestParseObsCSV(t *testing.T) {
	for _, tc := range []struct {
		name   string
		text   string
		p      int
		times  []float64
		values []float64
		lines  []int
	}{
		{name: "plain", p: 2, text: "time,y0,y1\n0.05,1,2\n0.1,3,4\n",
			times: []float64{0.05, 0.1}, values: []float64{1, 2, 3, 4}, lines: []int{2, 3}},
		{name: "missing values", p: 3, text: "time,a,b,c\n0.05,,nan,1.5\n0.1,NaN, 2 ,\n",
			times: []float64{0.05, 0.1}, values: []float64{miss, miss, 1.5, miss, 2, miss}, lines: []int{2, 3}},
		{name: "comments, blank lines, CRLF, BOM", p: 1, text: "\xef\xbb\xbf# made by hand\r\n\r\ntime,y\r\n  # a comment\r\n0.25,-1e-3\r\n\r\n0.5,7\r\n",
			times: []float64{0.25, 0.5}, values: []float64{-1e-3, 7}, lines: []int{5, 7}},
		{name: "time not first, quoted header", p: 2, text: `"y0","time","y1"` + "\n1,0.05,2\n",
			times: []float64{0.05}, values: []float64{1, 2}, lines: []int{2}},
		{name: "whitespace separated (numpy.savetxt)", p: 2, text: "time y0 y1\n5.000000000000000278e-02 1.0e+00 nan\n1.0e-01\t3.0e+00   4.0e+00\n",
			times: []float64{0.05, 0.1}, values: []float64{1, miss, 3, 4}, lines: []int{2, 3}},
		{name: "Time in capitals", p: 1, text: "Time,obs\n1,2\n", times: []float64{1}, values: []float64{2}, lines: []int{2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := ParseObsCSV("obs.csv", strings.NewReader(tc.text), tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if tab.P != tc.p || tab.Path != "obs.csv" {
				t.Errorf("P = %d, Path = %q, want %d, obs.csv", tab.P, tab.Path, tc.p)
			}
			if !sameFloats(tab.Times, tc.times) || !sameFloats(tab.Values, tc.values) {
				t.Errorf("times %v values %v, want %v %v", tab.Times, tab.Values, tc.times, tc.values)
			}
			if len(tab.Lines) != len(tc.lines) {
				t.Fatalf("lines %v, want %v", tab.Lines, tc.lines)
			}
			for i := range tc.lines {
				if tab.Lines[i] != tc.lines[i] {
					t.Errorf("lines %v, want %v", tab.Lines, tc.lines)
				}
			}
		})
	}
}

// sameFloats reports whether a and b are equal element by element, NaN
// matching NaN.
func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

func TestParseObsCSVErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		p    int
		errs []string // substrings of the error
	}{
		{"empty file", "", 2, []string{"obs.csv:", "no header line", "time and 2 values"}},
		{"only comments", "# nothing\n\n", 2, []string{"obs.csv:", "no header line"}},
		{"no records", "time,a,b\n# later\n", 2, []string{"obs.csv:", "no records after the header (line 1)"}},
		{"no time column", "t,a,b\n1,2,3\n", 2, []string{"obs.csv:1:", "no column named time"}},
		{"two time columns", "time,a,time\n1,2,3\n", 2, []string{"obs.csv:1:", "columns 1 and 3"}},
		{"semicolons", "time;a;b\n1;2;3\n", 2, []string{"obs.csv:1:", "not semicolons"}},
		{"header commented by savetxt", "# time a b\n1.0 2.0 3.0\n", 2, []string{"obs.csv:2:", "want a header line", `comments=""`}},
		{"header too narrow", "time,a\n1,2\n", 2, []string{"obs.csv:1:", "header has 2 columns, want 3 (time and 2 values)"}},
		{"pandas index", ",time,a,b\n0,1,2,3\n", 2, []string{"obs.csv:1:", "header has 4 columns", "index=False"}},
		{"short record", "time,a,b\n1,2,3\n2,4\n", 2, []string{"obs.csv:3:", "2 columns separated by commas, want 3", "line 1"}},
		{"long record", "time,a,b\n1,2,3,4\n", 2, []string{"obs.csv:2:", "4 columns", "want 3"}},
		{"whitespace short", "time a b\n1 2\n", 2, []string{"obs.csv:2:", "2 columns separated by spaces, want 3"}},
		{"comma in whitespace file", "time a b\n1,2,3\n", 2, []string{"obs.csv:2:", "use one separator"}},
		{"not a number", "time,a,b\n1,2,x3\n", 2, []string{"obs.csv:2:", "column 3", `"x3" is not a number`, "missing value"}},
		{"infinite value", "time,a,b\n1,inf,3\n", 2, []string{"obs.csv:2:", "column 2", `"inf" is not finite`}},
		{"out of range", "time,a\n1,1e999\n", 1, []string{"obs.csv:2:", "out of the range"}},
		{"bad time", "time,a\n0.1x,1\n", 1, []string{"obs.csv:2:", "column 1 (time)", `"0.1x" is not a number`}},
		{"missing time", "time,a\n,1\n", 1, []string{"obs.csv:2:", "the time is missing"}},
		{"NaN time", "a,time\n1,nan\n", 1, []string{"obs.csv:2:", "column 2 (time)", "the time is missing"}},
		{"infinite time", "time,a\n-inf,1\n", 1, []string{"obs.csv:2:", "not finite"}},
		{"times out of order", "time,a\n0.2,1\n# c\n0.1,2\n", 1, []string{"obs.csv:4:", "time 0.1 is not after time 0.2 on line 2", "increasing time"}},
		{"repeated time", "time,a\n0.2,1\n0.2,2\n", 1, []string{"obs.csv:3:", "not after"}},
		{"all missing", "time,a,b\n1,,nan\n2,NaN,\n", 2, []string{"obs.csv:", "every value of the 2 records (lines 2-3) is missing"}},
		{"bad p", "time,a\n1,2\n", 0, []string{"obs.csv:", "at least 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := ParseObsCSV("obs.csv", strings.NewReader(tc.text), tc.p)
			if err == nil {
				t.Fatalf("got %+v, want an error", tab)
			}
			for _, s := range tc.errs {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}

func TestReadObsCSVFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "obs.csv")
	if err := os.WriteFile(good, []byte("time,y\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tab, err := ReadObsCSV(good, 1)
	if err != nil || tab.Path != good || !sameFloats(tab.Values, []float64{2}) {
		t.Fatalf("ReadObsCSV(%s) = %+v, %v", good, tab, err)
	}
	for name, path := range map[string]string{
		"missing":   filepath.Join(dir, "absent.csv"),
		"directory": dir,
	} {
		_, err := ReadObsCSV(path, 1)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming %s", name, err, path)
		}
		if name == "missing" && !os.IsNotExist(unwrapAll(err)) {
			t.Errorf("missing: error %v is not a not-exist error", err)
		}
	}
	long := filepath.Join(dir, "long.csv")
	if err := os.WriteFile(long, append([]byte("time,y\n1,"), bytes.Repeat([]byte("1"), maxObsLine+1)...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadObsCSV(long, 1); err == nil || !strings.Contains(err.Error(), long+":2: line longer than") {
		t.Errorf("long line: error %v, want one naming %s:2", err, long)
	}
}

// FuzzReadObsCSV checks that the reader never panics, that what it
// accepts meets its guarantees (shape, finite increasing times, finite or
// missing values, something present), and that a table written back in
// the same format reads back identically.
func FuzzReadObsCSV(f *testing.F) {
	for _, seed := range []string{
		"time,y0,y1\n0.05,1,2\n0.1,3,4\n",
		"time,a,b,c\n0.05,,nan,1.5\n0.1,NaN, 2 ,\n",
		"\xef\xbb\xbf# c\r\ntime,y\r\n0.25,-1e-3\r\n",
		"time y0 y1\n5e-02 1 nan\n1e-01\t3 4\n",
		`"y0","time"` + "\n1,0.05\n",
		",time,a,b\n0,1,2,3\n",
		"# time a\n1 2\n",
		"time,a\n0.2,1\n0.1,2\n",
		"time,a\n1,0x1p-3\n2,1_0\n",
	} {
		f.Add([]byte(seed), 2)
		f.Add([]byte(seed), 1)
	}
	f.Fuzz(func(t *testing.T, data []byte, p int) {
		if p < -1 || p > 8 {
			return
		}
		tab, err := ParseObsCSV("fuzz.csv", bytes.NewReader(data), p)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.csv") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if err := tab.check(p); err != nil {
			t.Fatalf("accepted a table that fails its check: %v", err)
		}
		if len(tab.Lines) != len(tab.Times) {
			t.Fatalf("%d lines for %d records", len(tab.Lines), len(tab.Times))
		}
		for i := 1; i < len(tab.Lines); i++ {
			if tab.Lines[i] <= tab.Lines[i-1] {
				t.Fatalf("lines %v not increasing", tab.Lines)
			}
		}
		var buf bytes.Buffer
		buf.WriteString("time")
		for j := 0; j < p; j++ {
			buf.WriteString(",y" + strconv.Itoa(j))
		}
		buf.WriteByte('\n')
		for i, tm := range tab.Times {
			buf.WriteString(strconv.FormatFloat(tm, 'g', -1, 64))
			for _, v := range tab.Values[i*p : (i+1)*p] {
				buf.WriteByte(',')
				if !math.IsNaN(v) {
					buf.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
				}
			}
			buf.WriteByte('\n')
		}
		back, err := ParseObsCSV("back.csv", &buf, p)
		if err != nil {
			t.Fatalf("the table written back does not read: %v", err)
		}
		if !sameFloats(back.Times, tab.Times) || !sameFloats(back.Values, tab.Values) {
			t.Fatalf("round trip changed the table: %v %v, then %v %v", tab.Times, tab.Values, back.Times, back.Values)
		}
	})
}
