// Tests of the matrix and vector file readers.

package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadMatrixCSV(t *testing.T) {
	for _, tc := range []struct {
		name       string
		text       string
		rows, cols int
		want       []float64
		errs       []string // substrings of the error, "FILE" for the path
	}{
		{name: "commas", text: "1,2,3\n4,5,6\n", rows: 2, cols: 3, want: []float64{1, 2, 3, 4, 5, 6}},
		{name: "whitespace and comments", text: "# H matrix\n1 0\t0\n\n  0 1 1e-3 # row 2\n", rows: 2, cols: 3, want: []float64{1, 0, 0, 0, 1, 1e-3}},
		{name: "comma and spaces", text: "1, 2\r\n-3.5 , 4\r\n", rows: 2, cols: 2, want: []float64{1, 2, -3.5, 4}},
		// np.savetxt("H.csv", np.array([[1, 0.1], [-2.5, 3e-20]]), header="H") writes this.
		{name: "numpy savetxt default", text: "# H\n1.000000000000000000e+00 1.000000000000000056e-01\n-2.500000000000000000e+00 3.000000000000000287e-20\n",
			rows: 2, cols: 2, want: []float64{1, 0.1, -2.5, 3e-20}},
		{name: "numpy savetxt delimiter comma", text: "1.000000000000000000e+00,1.000000000000000056e-01\n", rows: 1, cols: 2, want: []float64{1, 0.1}},
		{name: "nan", text: "1 nan\n", rows: 1, cols: 2, errs: []string{"FILE:1:", `field 2: "nan" is not a finite number`}},
		{name: "inf", text: "1,-Inf\n", rows: 1, cols: 2, errs: []string{"FILE:1:", `"-Inf" is not a finite number`}},
		{name: "short row", text: "1,2,3\n4,5\n", rows: 2, cols: 3, errs: []string{"FILE:2:", "row 2 has 2 values, want 3", "2x3"}},
		{name: "too few rows", text: "1 2\n", rows: 2, cols: 2, errs: []string{"FILE:", "found 1 rows, want 2"}},
		{name: "extra row", text: "1 2\n3 4\n# c\n5 6\n", rows: 2, cols: 2, errs: []string{"FILE:4:", "extra row 3", "2 rows of 2"}},
		{name: "bad number", text: "1 2\n3 x4\n", rows: 2, cols: 2, errs: []string{"FILE:2:", `field 2: "x4" is not a number`}},
		{name: "empty field", text: "1,,2\n", rows: 1, cols: 3, errs: []string{"FILE:1:", "field 2 is empty"}},
		{name: "bad shape asked", text: "1\n", rows: 0, cols: 1, errs: []string{"FILE", "0x1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "m.csv", tc.text)
			got, err := ReadMatrixCSV(path, tc.rows, tc.cols)
			checkRead(t, path, got, err, tc.want, tc.errs)
		})
	}
}

func TestReadVectorCSV(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		n    int
		want []float64
		errs []string
	}{
		{name: "column", text: "1\n2\n3\n", n: 3, want: []float64{1, 2, 3}},
		{name: "row", text: "1.509, -1.531, 25.46\n", n: 3, want: []float64{1.509, -1.531, 25.46}},
		{name: "mixed", text: "1 2\n# x\n3\n", n: 3, want: []float64{1, 2, 3}},
		{name: "too many", text: "1 2\n3 4\n", n: 3, errs: []string{"FILE:2:", "more than 3 values"}},
		{name: "too few", text: "1 2\n", n: 3, errs: []string{"FILE:", "found 2 values, want 3"}},
		{name: "bad number", text: "1\n2\n1..5\n", n: 3, errs: []string{"FILE:3:", `"1..5" is not a number`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "v.csv", tc.text)
			got, err := ReadVectorCSV(path, tc.n)
			checkRead(t, path, got, err, tc.want, tc.errs)
		})
	}
}

func TestReadCSVMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.csv")
	for name, read := range map[string]func() error{
		"matrix": func() error { _, err := ReadMatrixCSV(path, 2, 2); return err },
		"vector": func() error { _, err := ReadVectorCSV(path, 2); return err },
	} {
		err := read()
		if err == nil || !strings.Contains(err.Error(), path) || !os.IsNotExist(unwrapAll(err)) {
			t.Errorf("%s: error %v, want a not-exist error naming %s", name, err, path)
		}
	}
}

// unwrapAll returns the innermost wrapped error.
func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

func checkRead(t *testing.T, path string, got []float64, err error, want []float64, errs []string) {
	t.Helper()
	if errs != nil {
		if err == nil {
			t.Fatalf("got %v, want an error", got)
		}
		for _, s := range errs {
			s = strings.ReplaceAll(s, "FILE", path)
			if !strings.Contains(err.Error(), s) {
				t.Errorf("error %q does not contain %q", err, s)
			}
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || maxAbsDiff(got, want) != 0 {
		t.Errorf("got %v, want %v", got, want)
	}
}
