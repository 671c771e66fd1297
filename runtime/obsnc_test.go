// Tests of the NetCDF observation reader: shapes, types, missing values and the errors data.md §2 asks for.

package runtime

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// obsFile describes an observation file to write.
type obsFile struct {
	unlimited bool
	timeType  NCType
	timeAttrs []NCAttr
	yType     NCType
	yDims     []string // default time, obs
	yAttrs    []NCAttr
	times     []float64
	y         []float64 // row-major, len(times)·width
	width     int
	noY       bool
	noTime    bool
}

// write writes the file into dir and returns its path.
func (o obsFile) write(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "obs.nc")
	w, err := NewNetCDFWriter(path, NC64BitOffset)
	if err != nil {
		t.Fatal(err)
	}
	must := func(i int, err error) int {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	nt := len(o.times)
	if o.unlimited {
		nt = 0
	}
	must(w.AddDim("time", nt))
	must(w.AddDim("station", o.width))
	if o.timeType == 0 {
		o.timeType = NCDouble
	}
	if o.yType == 0 {
		o.yType = NCDouble
	}
	if o.yDims == nil {
		o.yDims = []string{"time", "station"}
	}
	tv, yv := -1, -1
	if !o.noTime {
		tv = must(w.AddVar("time", o.timeType, []string{"time"}, o.timeAttrs...))
	}
	if !o.noY {
		yv = must(w.AddVar("y", o.yType, o.yDims, o.yAttrs...))
	}
	if err := w.Create(); err != nil {
		t.Fatal(err)
	}
	if o.unlimited {
		for r := range o.times {
			if tv >= 0 {
				must(0, w.PutRecord(tv, o.times[r:r+1]))
			}
			if yv >= 0 {
				must(0, w.PutRecord(yv, o.y[r*o.width:(r+1)*o.width]))
			}
			must(0, w.AppendRecord())
		}
	} else {
		if tv >= 0 {
			must(0, w.WriteVar(tv, o.times))
		}
		if yv >= 0 && len(o.yDims) == 2 && o.yDims[0] == "time" {
			must(0, w.WriteVar(yv, o.y))
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadNetCDFObs(t *testing.T) {
	nan := math.NaN()
	times := []float64{0.05, 0.1, 0.15}
	for _, c := range []struct {
		name  string
		file  obsFile
		wantY []float64
	}{
		{"double fixed", obsFile{times: times, width: 2, y: []float64{1, 2, 3, nan, 5, 6}}, []float64{1, 2, 3, nan, 5, 6}},
		{"double unlimited", obsFile{unlimited: true, times: times, width: 2, y: []float64{1, 2, 3, 4, 5, 6}}, []float64{1, 2, 3, 4, 5, 6}},
		{"float with _FillValue", obsFile{unlimited: true, times: times, width: 2, yType: NCFloat,
			yAttrs: []NCAttr{NCFloats("_FillValue", -999)}, y: []float64{0.5, -999, 3, 4, -999, 6}}, []float64{0.5, nan, 3, 4, nan, 6}},
		{"missing_value list", obsFile{times: times, width: 2, yAttrs: []NCAttr{NCDoubles("missing_value", -1, -2)},
			y: []float64{-1, 2, 3, -2, 5, 6}}, []float64{nan, 2, 3, nan, 5, 6}},
		{"packed short", obsFile{times: times, width: 1, yType: NCShort,
			yAttrs: []NCAttr{NCDoubles("scale_factor", 0.5), NCDoubles("add_offset", 10), {Name: "_FillValue", Type: NCShort, Values: []float64{-1}}},
			y:      []float64{2, -1, 4}}, []float64{11, nan, 12}},
		{"int times", obsFile{times: []float64{1, 2}, width: 1, timeType: NCInt, y: []float64{7, 8}}, []float64{7, 8}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := c.file.write(t, t.TempDir())
			gotT, gotY, err := ReadNetCDFObs(path, c.file.width)
			if err != nil {
				t.Fatal(err)
			}
			if !equalFloats(gotT, c.file.times) {
				t.Errorf("times %v, want %v", gotT, c.file.times)
			}
			if !equalFloats(gotY, c.wantY) {
				t.Errorf("y %v, want %v", gotY, c.wantY)
			}
		})
	}
}

func TestReadNetCDFObsErrors(t *testing.T) {
	times := []float64{0.1, 0.2}
	y := []float64{1, 2, 3, 4}
	for _, c := range []struct {
		name string
		file obsFile
		p    int
		want string
	}{
		{"p mismatch", obsFile{times: times, width: 2, y: y}, 3, "y has 2 values a time (dimension station), the observation carrier has 3"},
		{"no y", obsFile{times: times, width: 2, noY: true}, 2, "no variable y"},
		{"no time variable", obsFile{times: times, width: 2, y: y, noTime: true}, 2, "no variable time"},
		{"y transposed", obsFile{times: times, width: 2, y: y, yDims: []string{"station", "time"}}, 2, "y has dimensions (station, time), want (time, <obs dim>)"},
		{"y 1-D", obsFile{times: times, width: 2, y: []float64{1, 2}, yDims: []string{"time"}}, 2, "y has dimensions (time)"},
		{"y char", obsFile{times: times, width: 2, y: y, yType: NCChar}, 2, "y is char"},
		{"time is fill", obsFile{times: []float64{0.1, 9}, width: 2, y: y, timeAttrs: []NCAttr{NCDoubles("_FillValue", 9)}}, 2, "record 1: time is 9, want a number"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := c.file.write(t, t.TempDir())
			_, _, err := ReadNetCDFObs(path, c.p)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v, want one naming %s and saying %q", err, path, c.want)
			}
		})
	}
	dir := t.TempDir()
	// A NaN time, a file without a time dimension, a missing file, an
	// HDF5 file.
	nanTime := obsFile{times: []float64{0.1, math.NaN()}, width: 2, y: y}.write(t, dir)
	if _, _, err := ReadNetCDFObs(nanTime, 2); err == nil || !strings.Contains(err.Error(), "record 1: time is NaN") {
		t.Errorf("NaN time: %v", err)
	}
	noDim := filepath.Join(dir, "nodim.nc")
	w, _ := NewNetCDFWriter(noDim, NCClassic)
	w.AddDim("t", 2)
	w.Close()
	if _, _, err := ReadNetCDFObs(noDim, 2); err == nil || !strings.Contains(err.Error(), "no dimension time") {
		t.Errorf("no time dimension: %v", err)
	}
	if _, _, err := ReadNetCDFObs(filepath.Join(dir, "absent.nc"), 2); err == nil || !strings.Contains(err.Error(), "absent.nc") {
		t.Errorf("missing file: %v", err)
	}
	h5 := filepath.Join(dir, "h5.nc")
	os.WriteFile(h5, []byte("\x89HDF\r\n\x1a\n\x00\x00\x00\x00\x00\x00\x00\x00"), 0o644)
	if _, _, err := ReadNetCDFObs(h5, 2); err == nil || !strings.Contains(err.Error(), "NetCDF-4") || !strings.Contains(err.Error(), "nccopy -k nc6") {
		t.Errorf("HDF5 file: %v", err)
	}
	if _, _, err := ReadNetCDFObs(h5, 0); err == nil || !strings.Contains(err.Error(), "want > 0") {
		t.Errorf("p = 0: %v", err)
	}
}
