// Interoperability of the NetCDF files with the reference tools: xarray and ncdump read ours, we read xarray's.

package runtime

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// debianPython is the interpreter the interoperability tests run:
// Debian's, into which python3-numpy and python3-xarray install (`make
// deps`), not whatever python3 is first on PATH.
const debianPython = "/usr/bin/python3"

// requireNetCDFTools fails the test when ncdump or xarray (with its
// NetCDF-3 engines) is missing: `make deps` installs them.
func requireNetCDFTools(t *testing.T) {
	t.Helper()
	if err := netcdfTools(); err != nil {
		t.Fatal(err)
	}
}

// netcdfTools looks for the tools once (importing xarray takes seconds).
var netcdfTools = sync.OnceValue(func() error {
	if _, err := exec.LookPath("ncdump"); err != nil {
		return fmt.Errorf("ncdump is not installed (%v): run `make deps`, which installs netcdf-bin, python3-xarray, python3-netcdf4 and python3-scipy", err)
	}
	if out, err := exec.Command(debianPython, "-c", "import xarray, scipy.io, netCDF4").CombinedOutput(); err != nil {
		return fmt.Errorf("%s cannot import xarray, scipy and netCDF4 (%v: %s): run `make deps`", debianPython, err, out)
	}
	return nil
})

// runTool runs a command and returns its standard output; a failure
// fails the test with the command's output.
func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// expectLines checks that text has each of the lines (trimmed).
func expectLines(t *testing.T, what, text string, lines ...string) {
	t.Helper()
	have := map[string]bool{}
	for _, l := range strings.Split(text, "\n") {
		have[strings.TrimSpace(l)] = true
	}
	for _, l := range lines {
		if !have[l] {
			t.Errorf("%s has no line %q; it is:\n%s", what, l, text)
		}
	}
}

const xarrayCheckHistory = `
import sys, numpy as np, xarray as xr
ds = xr.open_dataset(sys.argv[1])
assert dict(ds.sizes) == {"time": 3, "i": 2, "j": 3, "member": 2, "obs": 2}, dict(ds.sizes)
assert ds.attrs["Conventions"] == "CF-1.8"
assert ds.attrs["config_hash"] == "c0ffee", ds.attrs
assert int(ds.attrs["seed"]) == 7
assert ds.truth.dims == ("time", "i", "j")
assert ds.truth.values[2, 1, 2] == 102.5, ds.truth.values
assert list(ds.time.values) == [0.0, 0.25, 0.5]
assert list(ds.step.values) == [0, 5, 10]
assert ds.time.attrs["standard_name"] == "time"
assert np.isnan(ds.observation.values[0]).all() and ds.observation.values[1, 0] == 1.0
assert np.isnan(ds.observation.values[1, 1])
assert ds.analysis_members.sel(member=1).values[2, 0, 0] == 702.0
assert np.isnan(ds.spread_analysis.values).all()
assert ds.rmse_forecast.values.tolist() == [1.0, 2.0, 3.0]
print("history OK", ds.analysis_mean.values[1, 0, 1])
`

func TestNetCDFInteropHistory(t *testing.T) {
	requireNetCDFTools(t)
	path := filepath.Join(t.TempDir(), "run.nc")
	writeSampleHistory(t, path, 3)

	if out := runTool(t, debianPython, "-c", xarrayCheckHistory, path); strings.TrimSpace(out) != "history OK 401.1" {
		t.Errorf("xarray said %q", out)
	}
	expectLines(t, "ncdump -k", runTool(t, "ncdump", "-k", path), "64-bit offset")
	expectLines(t, "ncdump -h", runTool(t, "ncdump", "-h", path),
		"time = UNLIMITED ; // (3 currently)",
		"i = 2 ;",
		"double truth(time, i, j) ;",
		`time:units = "1" ;`,
		"truth:_FillValue = NaN ;",
		"double analysis_members(time, member, i, j) ;",
		`:Conventions = "CF-1.8" ;`,
		`:program = "grid.cyc" ;`,
		":seed = 7 ;",
		`:config_hash = "c0ffee" ;`)
	expectLines(t, "ncdump -v", runTool(t, "ncdump", "-v", "step,observation,rmse_forecast", path),
		"step = 0, 5, 10 ;",
		"_, _,",
		"1, _,",
		"2, _ ;",
		"rmse_forecast = 1, 2, 3 ;")
}

const xarrayCheckObs = `
import sys, numpy as np, xarray as xr
ds = xr.open_dataset(sys.argv[1])
assert ds.y.dims == ("time", "station"), ds.y.dims
assert ds.sizes["time"] == 3 and ds.sizes["station"] == 2
assert list(ds.time.values) == [0.05, 0.1, 0.15]
y = ds.y.values
assert np.isnan(y[0, 1]) and np.isnan(y[2, 0]) and y[1, 1] == 4.5, y
print("obs OK")
`

func TestNetCDFInteropObsFile(t *testing.T) {
	requireNetCDFTools(t)
	nan := math.NaN()
	times := []float64{0.05, 0.1, 0.15}
	y := []float64{1, -999, 3, 4.5, nan, 6}
	path := obsFile{unlimited: true, times: times, width: 2, yType: NCFloat,
		yAttrs: []NCAttr{NCFloats("_FillValue", -999)}, y: y}.write(t, t.TempDir())
	if out := runTool(t, debianPython, "-c", xarrayCheckObs, path); strings.TrimSpace(out) != "obs OK" {
		t.Errorf("xarray said %q", out)
	}
	expectLines(t, "ncdump", runTool(t, "ncdump", path),
		"float y(time, station) ;",
		"y:_FillValue = -999.f ;",
		"time = 0.05, 0.1, 0.15 ;",
		"1, _,",
		"3, 4.5,",
		"NaNf, 6 ;")
	gotT, gotY, err := ReadNetCDFObs(path, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !equalFloats(gotT, times) || !equalFloats(gotY, []float64{1, nan, 3, 4.5, nan, 6}) {
		t.Errorf("read back %v %v", gotT, gotY)
	}
}

const xarrayWriteFiles = `
import sys, numpy as np, xarray as xr
out = sys.argv[1]
t = np.array([0.05, 0.1, 0.15])
y = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0], [np.nan, 8.0, 9.0]])
for engine in ["netcdf4", "scipy"]:
    for fmt in ["NETCDF3_64BIT", "NETCDF3_CLASSIC"]:
        ds = xr.Dataset({"y": (("time", "station"), y)}, coords={"time": t})
        ds.to_netcdf(f"{out}/obs_{engine}_{fmt}.nc", format=fmt, engine=engine)
        ds.to_netcdf(f"{out}/obsrec_{engine}_{fmt}.nc", format=fmt, engine=engine, unlimited_dims=["time"])
        ds32 = ds.assign(y=ds.y.astype("float32"))
        ds32.to_netcdf(f"{out}/obs32_{engine}_{fmt}.nc", format=fmt, engine=engine, encoding={"y": {"_FillValue": -999.0}})
        ty = xr.Dataset({
            "b": ("k", np.array([-3, 0, 7], dtype="int8")),
            "s": ("k", np.array([-300, 1, 30000], dtype="int16")),
            "i": ("k", np.array([-70000, 2, 70000], dtype="int32")),
            "f": ("k", np.array([0.5, 1.5, -2.25], dtype="float32")),
            "name": ((), "hello"),
        }, attrs={"title": "types", "answer": np.int32(42)})
        ty.to_netcdf(f"{out}/types_{engine}_{fmt}.nc", format=fmt, engine=engine)
    one = xr.Dataset({"s": ("time", np.array([1, 2, 3], dtype="int16")),
                      "b": (("time", "k"), np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype="int8"))})
    one[["s"]].to_netcdf(f"{out}/ones_{engine}.nc", format="NETCDF3_CLASSIC", engine=engine, unlimited_dims=["time"])
    one[["b"]].to_netcdf(f"{out}/oneb_{engine}.nc", format="NETCDF3_CLASSIC", engine=engine, unlimited_dims=["time"])
ds.to_netcdf(f"{out}/obs_nc4.nc", format="NETCDF4")
print("written")
`

func TestNetCDFInteropReadXarray(t *testing.T) {
	requireNetCDFTools(t)
	dir := t.TempDir()
	if out := runTool(t, debianPython, "-c", xarrayWriteFiles, dir); strings.TrimSpace(out) != "written" {
		t.Fatalf("xarray said %q", out)
	}
	nan := math.NaN()
	wantY := []float64{1, nan, 3, 4, 5, 6, nan, 8, 9}
	for _, engine := range []string{"netcdf4", "scipy"} {
		for _, format := range []string{"NETCDF3_64BIT", "NETCDF3_CLASSIC"} {
			wantFormat := map[string]NCFormat{"NETCDF3_64BIT": NC64BitOffset, "NETCDF3_CLASSIC": NCClassic}[format]
			for _, kind := range []string{"obs", "obsrec", "obs32"} {
				path := filepath.Join(dir, kind+"_"+engine+"_"+format+".nc")
				times, y, err := ReadNetCDFObs(path, 3)
				if err != nil {
					t.Errorf("%s: %v", path, err)
					continue
				}
				if !equalFloats(times, []float64{0.05, 0.1, 0.15}) || !equalFloats(y, wantY) {
					t.Errorf("%s: times %v, y %v", path, times, y)
				}
				f, err := OpenNetCDF(path)
				if err != nil {
					t.Fatal(err)
				}
				if f.Format != wantFormat || (kind == "obsrec") != f.Dims[f.Dim("time")].Unlimited {
					t.Errorf("%s: format %v, dims %+v", path, f.Format, f.Dims)
				}
				f.Close()
				if _, _, err := ReadNetCDFObs(path, 2); err == nil || !strings.Contains(err.Error(), "y has 3 values a time (dimension station), the observation carrier has 2") {
					t.Errorf("%s with p = 2: %v", path, err)
				}
			}
			path := filepath.Join(dir, "types_"+engine+"_"+format+".nc")
			f, err := OpenNetCDF(path)
			if err != nil {
				t.Fatal(err)
			}
			for name, want := range map[string][]float64{
				"b": {-3, 0, 7}, "s": {-300, 1, 30000}, "i": {-70000, 2, 70000}, "f": {0.5, 1.5, -2.25},
				"name": {'h', 'e', 'l', 'l', 'o'},
			} {
				if got, err := f.ReadFloat64(name); err != nil || !equalFloats(got, want) {
					t.Errorf("%s: %s = %v (%v), want %v", path, name, got, err, want)
				}
			}
			if a, _ := f.Attr("answer"); a.Type != NCInt || a.String() != "42" {
				t.Errorf("%s: answer = %+v", path, a)
			}
			if a, _ := f.Attr("title"); a.Text != "types" {
				t.Errorf("%s: title = %+v", path, a)
			}
			f.Close()
		}
		// A single short or byte record variable: records are not padded.
		for file, want := range map[string][]float64{"ones": {1, 2, 3}, "oneb": {1, 2, 3, 4, 5, 6, 7, 8, 9}} {
			path := filepath.Join(dir, file+"_"+engine+".nc")
			f, err := OpenNetCDF(path)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := f.ReadFloat64(f.Vars[0].Name); err != nil || !equalFloats(got, want) {
				t.Errorf("%s: %v (%v), want %v", path, got, err, want)
			}
			f.Close()
		}
	}
	// For these, our writer's bytes are netCDF-C's.
	for file, vals := range map[string][]float64{"ones": {1, 2, 3}, "oneb": {1, 2, 3, 4, 5, 6, 7, 8, 9}} {
		path := filepath.Join(dir, file+"_ours.nc")
		w, _ := NewNetCDFWriter(path, NCClassic)
		w.AddDim("time", 0)
		typ, dims, width := NCShort, []string{"time"}, 1
		if file == "oneb" {
			w.AddDim("k", 3)
			typ, dims, width = NCByte, []string{"time", "k"}, 3
		}
		if _, err := w.AddVar(file[3:], typ, dims); err != nil {
			t.Fatal(err)
		}
		w.Create()
		for r := 0; r < 3; r++ {
			w.PutRecord(0, vals[r*width:(r+1)*width])
			w.AppendRecord()
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		ours, _ := os.ReadFile(path)
		theirs, _ := os.ReadFile(filepath.Join(dir, file+"_netcdf4.nc"))
		if !bytes.Equal(ours, theirs) {
			t.Errorf("%s: our bytes differ from netCDF-C's:\n%q\n%q", file, ours, theirs)
		}
	}
	nc4 := filepath.Join(dir, "obs_nc4.nc")
	if _, _, err := ReadNetCDFObs(nc4, 3); err == nil || !strings.Contains(err.Error(), "NetCDF-4 (HDF5)") || !strings.Contains(err.Error(), `format="NETCDF3_64BIT"`) {
		t.Errorf("NetCDF-4 file: %v", err)
	}
}
