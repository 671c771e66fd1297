// Tests of the NetCDF history: its variables and attributes, missing values, atomicity, resume and allocation.

package runtime

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleHistoryMeta is a 2×3 grid, 2 observations, 2 recorded members.
func sampleHistoryMeta() HistoryMeta {
	return HistoryMeta{
		Program: "grid.cyc", Cycle: "grid_etkf", Seed: 7, Version: "0.3.0", ConfigHash: "c0ffee",
		StateDims: []string{"i", "j"}, StateShape: []int{2, 3},
		ObsSize: 2, Members: 2, RecordMembers: true, Truth: true, Dt: 0.05,
	}
}

// sampleHistoryRecord is record k of the sample history: values that
// tell the variables and records apart.
func sampleHistoryRecord(k int) *HistoryRecord {
	st := func(base float64) []float64 {
		x := make([]float64, 6)
		for i := range x {
			x[i] = base + float64(k) + float64(i)/10
		}
		return x
	}
	r := &HistoryRecord{
		Step: 5 * k, Time: 0.25 * float64(k),
		Truth: st(100), ForecastMean: st(200), ForecastSpread: st(300),
		AnalysisMean: st(400), AnalysisSpread: st(500),
		Obs:          []float64{float64(k), math.NaN()},
		RMSEForecast: 1 + float64(k), RMSEAnalysis: 0.5, SpreadForecast: 0.9, SpreadAnalysis: math.NaN(),
		AnalysisMembers: append(st(600), st(700)...),
	}
	if k == 0 { // the initial record: no observation, forecast = analysis
		r.Obs = nil
		r.ForecastMean, r.ForecastSpread = r.AnalysisMean, r.AnalysisSpread
	}
	return r
}

// writeSampleHistory writes the sample history of records records.
func writeSampleHistory(t testing.TB, path string, records int) {
	t.Helper()
	h, err := CreateNetCDFHistory(path, sampleHistoryMeta())
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < records; k++ {
		if err := h.Append(sampleHistoryRecord(k)); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestNetCDFHistoryContents(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.nc")
	writeSampleHistory(t, path, 3)
	f, err := OpenNetCDF(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Format != NC64BitOffset || f.NumRecs != 3 {
		t.Fatalf("format %v with %d records, want 64-bit offset with 3", f.Format, f.NumRecs)
	}
	var dims []string
	for _, d := range f.Dims {
		dims = append(dims, d.Name)
	}
	if got := strings.Join(dims, " "); got != "time i j member obs" {
		t.Errorf("dimensions %q", got)
	}
	for name, want := range map[string]string{
		"Conventions": "CF-1.8", "program": "grid.cyc", "cycle": "grid_etkf", "seed": "7",
		"cyclec_version": "0.3.0", "config_hash": "c0ffee", "title": "cyclec history of grid_etkf (grid.cyc)",
		"ensemble_size": "2", "model_dt": "0.05",
	} {
		if a, ok := f.Attr(name); !ok || a.String() != want {
			t.Errorf("attribute %s = %q, want %q", name, a.String(), want)
		}
	}
	nan := math.NaN()
	for _, c := range []struct {
		name  string
		dims  string
		first []float64 // the first values
		at    int       // and the value at index at
		want  float64
	}{
		{"time", "time", []float64{0, 0.25, 0.5}, 2, 0.5},
		{"step", "time", []float64{0, 5, 10}, 1, 5},
		{"i", "i", []float64{0, 1}, 1, 1},
		{"j", "j", []float64{0, 1, 2}, 2, 2},
		{"truth", "time i j", []float64{100, 100.1, 100.2}, 6 + 5, 101.5},
		{"forecast_mean", "time i j", []float64{400, 400.1}, 6, 201},
		{"analysis_spread", "time i j", []float64{500}, 17, 502.5},
		{"observation", "time obs", []float64{nan, nan, 1, nan, 2, nan}, 4, 2},
		{"rmse_forecast", "time", []float64{1, 2, 3}, 2, 3},
		{"spread_analysis", "time", []float64{nan, nan, nan}, 0, nan},
		{"forecast_members", "time member i j", []float64{nan}, 35, nan},
		{"analysis_members", "time member i j", []float64{600, 600.1}, 12 + 6, 701},
	} {
		v := f.Var(c.name)
		if v == nil {
			t.Errorf("no variable %s", c.name)
			continue
		}
		if got := dimNames(f, v); got != strings.ReplaceAll(c.dims, " ", ", ") {
			t.Errorf("%s has dimensions (%s), want (%s)", c.name, got, c.dims)
		}
		got, err := f.ReadFloat64(c.name)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) < len(c.first) || !equalFloats(got[:len(c.first)], c.first) || !equalFloats(got[c.at:c.at+1], []float64{c.want}) {
			t.Errorf("%s = %v, want %v... and %g at %d", c.name, got, c.first, c.want, c.at)
		}
	}
	tv := f.Var("time")
	for name, want := range map[string]string{"standard_name": "time", "units": "1", "axis": "T"} {
		if a, ok := tv.Attr(name); !ok || a.Text != want {
			t.Errorf("time:%s = %q, want %q", name, a.Text, want)
		}
	}
	if a, ok := f.Var("truth").Attr("_FillValue"); !ok || !math.IsNaN(a.Values[0]) {
		t.Errorf("truth:_FillValue = %+v, want NaN", a)
	}
}

// Without a truth, observations or members, those variables are absent;
// a seed too large for an int attribute is text.
func TestNetCDFHistoryMinimal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "min.nc")
	h, err := CreateNetCDFHistory(path, HistoryMeta{Program: "p.cyc", Cycle: "c", Seed: 1 << 40,
		StateDims: []string{"k"}, StateShape: []int{3}, Members: 10, TimeUnits: "days", Format: NCClassic})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Append(&HistoryRecord{Step: 1, Time: 0.5, ForecastMean: []float64{1, 2, 3}, AnalysisMean: []float64{4, 5, 6}}); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := OpenNetCDF(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Format != NCClassic {
		t.Errorf("format %v", f.Format)
	}
	for _, name := range []string{"truth", "observation", "forecast_members", "analysis_members", "member", "obs"} {
		if f.Var(name) != nil {
			t.Errorf("variable %s present", name)
		}
	}
	if a, _ := f.Attr("seed"); a.Type != NCChar || a.Text != "1099511627776" {
		t.Errorf("seed = %+v, want the text 1099511627776", a)
	}
	if a, _ := f.Var("time").Attr("units"); a.Text != "days" {
		t.Errorf("time:units = %q", a.Text)
	}
	if got, _ := f.ReadFloat64("forecast_spread"); !equalFloats(got, []float64{math.NaN(), math.NaN(), math.NaN()}) {
		t.Errorf("forecast_spread = %v, want NaN (not given)", got)
	}
}

// TestNetCDFHistoryLongNames checks that the long_name attributes say what
// the variables hold: an ensemble's mean and spread, or (without an
// ensemble) the one state and the analysis's own error estimate.
func TestNetCDFHistoryLongNames(t *testing.T) {
	for _, tc := range []struct {
		members        int
		mean, spread   string
		rmse, total    string
		wrong1, wrong2 string
	}{
		{10, "analysis ensemble mean", "analysis ensemble spread (standard deviation, N-1)",
			"RMSE of the analysis mean against the truth", "forecast ensemble spread, sqrt(mean of the variances)", "state", "estimated"},
		{0, "analysis state", "analysis error standard deviation estimated by the analysis (fill: none)",
			"RMSE of the analysis state against the truth", "forecast error spread estimated by the analysis, sqrt(mean of the variances) (fill: none)", "ensemble", "N-1"},
	} {
		path := filepath.Join(t.TempDir(), "names.nc")
		h, err := CreateNetCDFHistory(path, HistoryMeta{Program: "p.cyc", Cycle: "c", StateDims: []string{"i"}, StateShape: []int{2}, Members: tc.members})
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Close(); err != nil {
			t.Fatal(err)
		}
		f, err := OpenNetCDF(path)
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]string{"analysis_mean": tc.mean, "analysis_spread": tc.spread,
			"rmse_analysis": tc.rmse, "spread_forecast": tc.total} {
			a, _ := f.Var(name).Attr("long_name")
			if a.Text != want {
				t.Errorf("%d members: %s:long_name = %q, want %q", tc.members, name, a.Text, want)
			}
		}
		for _, name := range []string{"forecast_mean", "forecast_spread", "analysis_mean", "analysis_spread"} {
			a, _ := f.Var(name).Attr("long_name")
			if strings.Contains(a.Text, tc.wrong1) || strings.Contains(a.Text, tc.wrong2) {
				t.Errorf("%d members: %s:long_name = %q says %q or %q", tc.members, name, a.Text, tc.wrong1, tc.wrong2)
			}
		}
		f.Close()
	}
}

func TestNetCDFHistoryErrors(t *testing.T) {
	dir := t.TempDir()
	base := sampleHistoryMeta
	for _, c := range []struct {
		name string
		meta func() HistoryMeta
		want string
	}{
		{"no dims", func() HistoryMeta { m := base(); m.StateDims = nil; return m }, "0 state dimension names for 2"},
		{"zero length", func() HistoryMeta { m := base(); m.StateShape = []int{2, 0}; return m }, "j has length 0"},
		{"dim named time", func() HistoryMeta { m := base(); m.StateDims = []string{"time", "j"}; return m }, "dimension time defined twice"},
		{"dim named step", func() HistoryMeta { m := base(); m.StateDims = []string{"i", "step"}; return m }, "variable step defined twice"},
		{"obs dim clash", func() HistoryMeta { m := base(); m.ObsDim = "member"; return m }, "dimension member defined twice"},
		{"members without ensemble", func() HistoryMeta { m := base(); m.Members = 0; return m }, "ensemble size is 0"},
		{"bad format", func() HistoryMeta { m := base(); m.Format = 9; return m }, "format 9"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := CreateNetCDFHistory(filepath.Join(dir, "e.nc"), c.meta())
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "e.nc") {
				t.Fatalf("error %v, want one naming e.nc and saying %q", err, c.want)
			}
		})
	}
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Errorf("failed creations left %v", names)
	}
}

// A record with a wrong length is refused whole: the next record is as
// if it had never been tried.
func TestNetCDFHistoryBadRecord(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.nc")
	h, err := CreateNetCDFHistory(path, sampleHistoryMeta())
	if err != nil {
		t.Fatal(err)
	}
	h.Append(sampleHistoryRecord(0))
	bad := sampleHistoryRecord(1)
	bad.Obs = []float64{1, 2, 3}
	if err := h.Append(bad); err == nil || !strings.Contains(err.Error(), "observation has 3 values, want 2") || !strings.Contains(err.Error(), "step 5") {
		t.Fatalf("bad record: %v", err)
	}
	if err := h.Append(&HistoryRecord{Step: math.MaxInt32 + 1}); err == nil {
		t.Fatal("step 2^31 accepted")
	}
	h.Append(sampleHistoryRecord(1))
	h.Append(sampleHistoryRecord(2))
	if h.Records() != 3 {
		t.Errorf("%d records, want 3", h.Records())
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	ref := filepath.Join(dir, "ref.nc")
	writeSampleHistory(t, ref, 3)
	want, _ := os.ReadFile(ref)
	if !bytes.Equal(got, want) {
		t.Error("a refused record changed the file")
	}
	if err := h.Append(sampleHistoryRecord(3)); err == nil {
		t.Error("append after Close succeeded")
	}
}

func TestNetCDFHistoryDiscard(t *testing.T) {
	dir := t.TempDir()
	h, err := CreateNetCDFHistory(filepath.Join(dir, "d.nc"), sampleHistoryMeta())
	if err != nil {
		t.Fatal(err)
	}
	h.Append(sampleHistoryRecord(0))
	if tmp := h.TempPath(); filepath.Dir(tmp) != dir || !strings.HasPrefix(filepath.Base(tmp), ".d.nc.tmp") {
		t.Errorf("temporary file %s, want .d.nc.tmp* in %s", tmp, dir)
	}
	h.Discard()
	h.Discard()
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Errorf("after Discard: %v", names)
	}
	if err := h.Close(); err == nil {
		// Close after Discard has nothing to put in place.
		if _, serr := os.Stat(filepath.Join(dir, "d.nc")); serr == nil {
			t.Error("Close after Discard made d.nc")
		}
	}
}

// A run killed after a checkpoint at record 2 and resumed, from the
// temporary file or from the saved bytes, writes the same file as an
// uninterrupted run.
func TestNetCDFHistoryResume(t *testing.T) {
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref.nc")
	writeSampleHistory(t, ref, 5)
	want, _ := os.ReadFile(ref)

	killed, err := CreateNetCDFHistory(filepath.Join(dir, "run.nc"), sampleHistoryMeta())
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 2; k++ {
		killed.Append(sampleHistoryRecord(k))
	}
	// What the checkpoint stores.
	tmp, records := killed.TempPath(), killed.Records()
	saved, err := killed.AppendBytes(nil)
	if err != nil {
		t.Fatal(err)
	}
	killed.Append(sampleHistoryRecord(2)) // written after the checkpoint, then killed

	for _, c := range []struct {
		name   string
		reopen func(path string) (*NetCDFHistory, error)
	}{
		{"bytes", func(path string) (*NetCDFHistory, error) {
			return RestoreNetCDFHistory(path, sampleHistoryMeta(), saved)
		}},
		{"temp file", func(path string) (*NetCDFHistory, error) {
			return ReopenNetCDFHistory(path, sampleHistoryMeta(), tmp, records)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name+".nc")
			h, err := c.reopen(path)
			if err != nil {
				t.Fatal(err)
			}
			for k := 2; k < 5; k++ {
				if err := h.Append(sampleHistoryRecord(k)); err != nil {
					t.Fatal(err)
				}
			}
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(path)
			if !bytes.Equal(got, want) {
				t.Errorf("resumed history differs from the uninterrupted one (%d and %d bytes)", len(got), len(want))
			}
		})
	}
	other := sampleHistoryMeta()
	other.Seed = 8
	if _, err := RestoreNetCDFHistory(filepath.Join(dir, "x.nc"), other, saved); err == nil || !strings.Contains(err.Error(), "different program or settings") {
		t.Errorf("resume with another seed: %v", err)
	}
	if _, err := ReopenNetCDFHistory(filepath.Join(dir, "x.nc"), sampleHistoryMeta(), filepath.Join(dir, "gone"), 2); err == nil {
		t.Error("reopening a missing temporary file succeeded")
	}
}

func TestNetCDFHistoryAppendZeroAllocs(t *testing.T) {
	h, err := CreateNetCDFHistory(filepath.Join(t.TempDir(), "a.nc"), sampleHistoryMeta())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Discard()
	r := sampleHistoryRecord(1)
	if allocs := testing.AllocsPerRun(100, func() { h.Append(r) }); allocs != 0 {
		t.Errorf("%v allocations per record, want 0", allocs)
	}
}

// BenchmarkNetCDFHistoryAppend appends L96-sized records: 40 variables,
// 40 observations, 40 members recorded.
func BenchmarkNetCDFHistoryAppend(b *testing.B) {
	n, N := 40, 40
	h, err := CreateNetCDFHistory(filepath.Join(b.TempDir(), "b.nc"), HistoryMeta{
		Program: "l96.cyc", Cycle: "c", StateDims: []string{"i"}, StateShape: []int{n},
		ObsSize: n, Members: N, RecordMembers: true, Truth: true, Dt: 0.05,
	})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Discard()
	x := make([]float64, n)
	members := make([]float64, N*n)
	r := &HistoryRecord{Truth: x, ForecastMean: x, ForecastSpread: x, AnalysisMean: x, AnalysisSpread: x, Obs: x,
		ForecastMembers: members, AnalysisMembers: members}
	b.ReportAllocs()
	for b.Loop() {
		r.Step++
		if err := h.Append(r); err != nil {
			b.Fatal(err)
		}
	}
}

// TestOpenNetCDFNoRecords checks that a file with no records yet opens,
// even when its record variables begin past its end and one record would
// be larger than the whole file: a history whose run stopped before its
// first record, as ncdump reads it.
func TestOpenNetCDFNoRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.nc")
	h, err := CreateNetCDFHistory(path, HistoryMeta{Program: "p.cyc", Cycle: "c", StateDims: []string{"i"},
		StateShape: []int{5000}, Members: 40, RecordMembers: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := OpenNetCDF(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.NumRecs != 0 {
		t.Errorf("%d records, want 0", f.NumRecs)
	}
	if v := f.Var("analysis_members"); v == nil || v.Shape[0] != 0 || v.Shape[1] != 40 || v.Shape[2] != 5000 {
		t.Errorf("analysis_members = %+v, want shape [0 40 5000]", v)
	}
}
