package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadSparseCSV checks both file forms against the dense product,
// and the errors of the triplet form.
func TestReadSparseCSV(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dense := []float64{0, 2, 0, -1, 0, 0, 0, 0, 0.5, 0, 0, 3}
	x := []float64{1, 2, 3, 4}
	want := make([]float64, 3)
	for r := 0; r < 3; r++ {
		for c := 0; c < 4; c++ {
			want[r] += dense[r*4+c] * x[c]
		}
	}
	for _, tc := range []struct{ name, text string }{
		{"dense.csv", "0, 2, 0, -1\n0 0 0 0\n# a comment\n0.5 0 0 3\n"},
		{"triplets.csv", "# H as triplets\nrow,col,value\n2, 3, 3\n0,3,-1\n0,1,2\n2,0,0.5\n"},
	} {
		s, err := ReadSparseCSV(write(tc.name, tc.text), 3, 4)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if s.NonZeros() != 4 {
			t.Errorf("%s: %d nonzeros, want 4", tc.name, s.NonZeros())
		}
		y := make([]float64, 3)
		s.MulVec(y, x)
		for r := range y {
			if y[r] != want[r] {
				t.Errorf("%s: y[%d] = %v, want %v", tc.name, r, y[r], want[r])
			}
		}
		for r := 0; r < 3; r++ {
			for q := s.Start[r] + 1; q < s.Start[r+1]; q++ {
				if s.Col[q] <= s.Col[q-1] {
					t.Errorf("%s: row %d columns not increasing", tc.name, r)
				}
			}
		}
		if a := testing.AllocsPerRun(10, func() { s.MulVec(y, x) }); a != 0 {
			t.Errorf("MulVec allocates %v times", a)
		}
		// The adjoint adds Hᵀ v: column c of the dense matrix times v.
		v := []float64{1, -2, 0.5}
		got := []float64{1, 1, 1, 1}
		s.MulTransAdd(got, v)
		for c := 0; c < 4; c++ {
			want := 1.0
			for r := 0; r < 3; r++ {
				want += dense[r*4+c] * v[r]
			}
			if got[c] != want {
				t.Errorf("%s: (1 + Hᵀv)[%d] = %v, want %v", tc.name, c, got[c], want)
			}
		}
	}
	for _, tc := range []struct{ text, msg string }{
		{"row,col,value\n0,4,1\n", "outside the 3x4 matrix"},
		{"row,col,value\n0,1,1\n0,1,2\n", "given again (first at line 2)"},
		{"row,col,value\n0,1\n", "want row, col and value"},
		{"row,col,value\n0.5,1,1\n", "outside the 3x4 matrix"},
		{"1,2,3,4\n", "found 1 rows, want 3"},
	} {
		_, err := ReadSparseCSV(write("bad.csv", tc.text), 3, 4)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: error %v, want one saying %q", tc.text, err, tc.msg)
		}
	}
}
