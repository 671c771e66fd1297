// Tests of FileSource: matching records to analysis times, and its errors.

package runtime

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// csvSource builds a FileSource from CSV text.
func csvSource(t *testing.T, text string, p int, grid AnalysisGrid) (*FileSource, error) {
	t.Helper()
	tab, err := ParseObsCSV("obs.csv", strings.NewReader(text), p)
	if err != nil {
		t.Fatalf("the test file does not read: %v", err)
	}
	return NewFileSourceTable(tab, grid)
}

func TestFileSourceMatching(t *testing.T) {
	// Analyses every 2 steps of 0.05: at 0.1, 0.2, 0.3, 0.4, 0.5.
	grid := AnalysisGrid{DT: 0.05, ObsEvery: 2, Steps: 11}
	text := "time,a,b\n" +
		"0.1,1,2\n" +
		"0.2124,3,\n" + // within half a step of 0.2
		"0.4,nan,\n" + // every value missing: no analysis
		"0.49,5,6\n" +
		"0.6,7,8\n" + // after the run: unused
		"0.63,7,8\n" // off the grid, but after the run: unused
	s, err := csvSource(t, text, 2, grid)
	if err != nil {
		t.Fatal(err)
	}
	if s.Observations() != 3 || s.Unused() != 2 || s.Path() != "obs.csv" {
		t.Errorf("Observations, Unused, Path = %d, %d, %q, want 3, 2, obs.csv", s.Observations(), s.Unused(), s.Path())
	}
	for _, tc := range []struct {
		t    float64
		ok   bool
		want []float64
	}{
		{float64(2) * 0.05, true, []float64{1, 2}},
		{float64(4) * 0.05, true, []float64{3, miss}},
		{float64(6) * 0.05, false, nil},
		{float64(8) * 0.05, false, nil},
		{float64(10) * 0.05, true, []float64{5, 6}},
		{0.6, false, nil},
		{0, false, nil},
	} {
		y := []float64{-9, -9}
		ok, err := s.Observe(tc.t, y)
		if err != nil || ok != tc.ok || (ok && !sameFloats(y, tc.want)) {
			t.Errorf("Observe(%v) = %v, %v, y %v; want %v, nil, y %v", tc.t, ok, err, y, tc.ok, tc.want)
		}
	}
	if _, err := s.Observe(0.1, make([]float64, 3)); err == nil || !strings.Contains(err.Error(), "want 2") {
		t.Errorf("Observe with 3 values: error %v, want a length error", err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		y := [2]float64{}
		_, _ = s.Observe(0.2, y[:])
		_, _ = s.Observe(0.3, y[:])
	})
	if allocs != 0 {
		t.Errorf("Observe: %v allocations per call, want 0", allocs)
	}
}

func TestFileSourceDecimalTimes(t *testing.T) {
	// 3 × 0.1 is 0.30000000000000004 in float64; a file says 0.3.
	grid := AnalysisGrid{DT: 0.1, ObsEvery: 3, Steps: 30}
	var b strings.Builder
	b.WriteString("time,y\n")
	for k := 1; k <= 10; k++ {
		fmt.Fprintf(&b, "%s,%d\n", strconv.FormatFloat(float64(3*k)/10, 'f', -1, 64), k)
	}
	s, err := csvSource(t, b.String(), 1, grid)
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; k <= 10; k++ {
		y := []float64{0}
		ok, err := s.Observe(float64(3*k)*0.1, y)
		if err != nil || !ok || y[0] != float64(k) {
			t.Errorf("analysis %d: Observe = %v, %v, y %v, want true, nil, %d", k, ok, err, y, k)
		}
	}
}

func TestFileSourceExplicitTimes(t *testing.T) {
	grid := AnalysisGrid{DT: 0.01, Times: []float64{0.5, 1, 2.5}}
	s, err := csvSource(t, "time,y\n0.5,1\n2.504,3\n", 1, grid)
	if err != nil {
		t.Fatal(err)
	}
	y := []float64{0}
	for _, tc := range []struct {
		t    float64
		ok   bool
		want float64
	}{{0.5, true, 1}, {1, false, 0}, {2.5, true, 3}} {
		ok, err := s.Observe(tc.t, y)
		if err != nil || ok != tc.ok || (ok && y[0] != tc.want) {
			t.Errorf("Observe(%v) = %v, %v, y %v; want %v, %v", tc.t, ok, err, y, tc.ok, tc.want)
		}
	}
	_, err = csvSource(t, "time,y\n0.5,1\n1.7,3\n", 1, grid)
	if err == nil || !strings.Contains(err.Error(), "obs.csv:3:") || !strings.Contains(err.Error(), "nearest are 1 and 2.5") ||
		strings.Contains(err.Error(), "one every") {
		t.Errorf("off-grid record: error %v", err)
	}
}

func TestFileSourceErrors(t *testing.T) {
	grid := AnalysisGrid{DT: 0.05, ObsEvery: 2, Steps: 10} // 0.1 … 0.5
	for _, tc := range []struct {
		name string
		text string
		errs []string
	}{
		{"record at the initial time", "time,y\n0,1\n0.1,2\n", []string{"obs.csv:2:", "time 0 is before the first analysis, at time 0.1", "every 2 steps of 0.05", "initial time"}},
		{"between analyses", "time,y\n0.1,1\n0.15,2\n", []string{"obs.csv:3:", "time 0.15", "half a model step (0.025)", "nearest are 0.1 and 0.2"}},
		{"two records for one analysis", "time,y\n0.1,1\n# x\n0.19,2\n0.21,3\n", []string{"obs.csv:5:", "time 0.21", "analysis at time 0.2", "time 0.19 (obs.csv:4)", "one record per analysis"}},
		{"two records, first all missing", "time,y,z\n0.3,,\n0.31,1,2\n", []string{"obs.csv:3:", "obs.csv:2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := strings.Count(strings.SplitN(tc.text, "\n", 2)[0], ",")
			s, err := csvSource(t, tc.text, p, grid)
			if err == nil {
				t.Fatalf("got %+v, want an error", s)
			}
			for _, want := range tc.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

func TestNewFileSourceTableErrors(t *testing.T) {
	grid := AnalysisGrid{DT: 0.05, ObsEvery: 1, Steps: 10}
	inf := math.Inf(1)
	for _, tc := range []struct {
		name     string
		times, y []float64
		p        int
		grid     AnalysisGrid
		errs     []string
	}{
		{"no records", nil, nil, 1, grid, []string{"obs.nc: no records"}},
		{"shape", []float64{0.05, 0.1}, []float64{1, 2, 3}, 2, grid, []string{"obs.nc:", "3 values for 2 records of 2, want 4"}},
		{"NaN time", []float64{0.05, miss}, []float64{1, 2}, 1, grid, []string{"obs.nc: time index 1:", "time is NaN"}},
		{"out of order", []float64{0.1, 0.05}, []float64{1, 2}, 1, grid, []string{"obs.nc: time index 1:", "not after time 0.1"}},
		{"infinite value", []float64{0.05}, []float64{inf}, 1, grid, []string{"obs.nc: time index 0:", "value 1 is +Inf"}},
		{"all missing", []float64{0.05, 0.1}, []float64{miss, miss}, 1, grid, []string{"obs.nc:", "every value of the 2 records is missing"}},
		{"off grid", []float64{0.1, 0.15}, []float64{1, 2}, 1, AnalysisGrid{DT: 0.05, ObsEvery: 2, Steps: 10}, []string{"obs.nc: time index 1:", "nearest are 0.1 and 0.2"}},
		{"bad dt", []float64{0.05}, []float64{1}, 1, AnalysisGrid{DT: 0, ObsEvery: 1}, []string{"obs.nc:", "model step 0"}},
		{"bad obs_every", []float64{0.05}, []float64{1}, 1, AnalysisGrid{DT: 1, ObsEvery: 0}, []string{"obs.nc:", "obs_every = 0"}},
		{"explicit times too close", []float64{0.05}, []float64{1}, 1, AnalysisGrid{DT: 1, Times: []float64{1, 1.5}}, []string{"1.5 follows 1 by less than a model step"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewFileSource("obs.nc", tc.times, tc.y, tc.p, tc.grid)
			if err == nil {
				t.Fatalf("got %+v, want an error", s)
			}
			for _, want := range tc.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
	tab := &ObsTable{Path: "obs.csv", P: 2, Times: []float64{1}, Values: []float64{1, 2}, Lines: []int{2}}
	if err := tab.check(3); err == nil || !strings.Contains(err.Error(), "2 values per record, but the observation has 3") {
		t.Errorf("p mismatch: error %v", err)
	}
	if _, err := NewFileSourceTable(nil, grid); err == nil {
		t.Error("nil table: no error")
	}
}

func TestOpenObsFile(t *testing.T) {
	grid := AnalysisGrid{DT: 1, ObsEvery: 1, Steps: 3}
	path := writeFile(t, "OBS.CSV", "time,y\n1,10\n3,30\n")
	s, err := OpenObsFile(path, 1, grid)
	if err != nil {
		t.Fatal(err)
	}
	y := []float64{0}
	if ok, err := s.Observe(3, y); !ok || err != nil || y[0] != 30 {
		t.Errorf("Observe(3) = %v, %v, y %v", ok, err, y)
	}
	if _, err := OpenObsFile(path, 2, grid); err == nil || !strings.Contains(err.Error(), path+":1:") {
		t.Errorf("wrong p: error %v, want one naming %s:1", err, path)
	}
	for _, tc := range []struct{ name, want string }{
		{"obs.txt", `unknown observation file format ".txt"`},
	} {
		if _, err := OpenObsFile(tc.name, 1, grid); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestObsFileFormatsAgree writes the same observations as CSV and as
// NetCDF (with a missing value) and checks both sources give the same
// observations at every analysis.
func TestObsFileFormatsAgree(t *testing.T) {
	grid := AnalysisGrid{DT: 0.5, ObsEvery: 2, Steps: 8}
	times := []float64{1, 2, 4}
	y := []float64{0.25, math.NaN(), 1.5, -2, 3, 4.125}
	csv := writeFile(t, "obs.csv", "time,a,b\n1,0.25,\n2,1.5,-2\n4,3,4.125\n")
	nc := filepath.Join(t.TempDir(), "obs.nc")
	w, err := NewNetCDFWriter(nc, NC64BitOffset)
	if err != nil {
		t.Fatal(err)
	}
	w.AddDim("time", 0)
	w.AddDim("station", 2)
	tv, _ := w.AddVar("time", NCDouble, []string{"time"})
	yv, _ := w.AddVar("y", NCDouble, []string{"time", "station"}, NCDoubles("_FillValue", math.NaN()))
	if err := w.Create(); err != nil {
		t.Fatal(err)
	}
	for r := range times {
		if err := w.PutRecord(tv, times[r:r+1]); err != nil {
			t.Fatal(err)
		}
		if err := w.PutRecord(yv, y[2*r:2*r+2]); err != nil {
			t.Fatal(err)
		}
		if err := w.AppendRecord(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	a, err := OpenObsFile(csv, 2, grid)
	if err != nil {
		t.Fatal(err)
	}
	b, err := OpenObsFile(nc, 2, grid)
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; k <= 4; k++ {
		at := float64(k) * 1.0
		ya, yb := make([]float64, 2), make([]float64, 2)
		oka, erra := a.Observe(at, ya)
		okb, errb := b.Observe(at, yb)
		if oka != okb || erra != nil || errb != nil || math.Float64bits(ya[0]) != math.Float64bits(yb[0]) || math.Float64bits(ya[1]) != math.Float64bits(yb[1]) {
			t.Errorf("t = %v: csv %v %v %v, netcdf %v %v %v", at, oka, ya, erra, okb, yb, errb)
		}
	}
}
