// Tests of the text history file: its lines, atomicity, resuming and the
// choice of format by name.

package runtime

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// textMeta is the description of a two-value state.
func textMeta(members int) HistoryMeta {
	return HistoryMeta{Program: "l63.cyc", Cycle: "etkf", Seed: 9, StateDims: []string{"i"}, StateShape: []int{2}, Members: members}
}

func TestTextHistoryFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.hist")
	meta := textMeta(4)
	meta.ConfigHash = "3f2a9c41d0e5b7a8"
	h, err := CreateTextHistory(path, meta)
	if err != nil {
		t.Fatal(err)
	}
	recs := []HistoryRecord{
		{Step: 0, Time: 0, Truth: []float64{1.5, -2}},
		{Step: 25, Time: 0.25, ForecastMean: []float64{1, 2}, ForecastSpread: []float64{0.5, 0.25},
			AnalysisMean: []float64{nan(), 1e-20}, AnalysisSpread: []float64{0, 3}, Obs: []float64{7}},
		{Step: 50, Time: 0.5, AnalysisMean: []float64{1, 2}},
	}
	for i := range recs {
		if err := h.Append(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("history file exists before Close (stat error %v)", err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := `# cyclec history v1
# program: l63.cyc
# cycle: etkf
# dim: 2
# seed: 9
# config_hash: 3f2a9c41d0e5b7a8
# columns: step time kind mean_0 mean_1 spread_0 spread_1
0 0 truth 1.5 -2 nan nan
25 0.25 forecast 1 2 0.5 0.25
25 0.25 analysis nan 1e-20 0 3
50 0.5 analysis 1 2 nan nan
`
	if string(b) != want {
		t.Errorf("history file:\n%s\nwant:\n%s", b, want)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the history", len(entries))
	}
}

func TestTextHistoryStateKind(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.txt")
	h, err := CreateTextHistory(path, textMeta(0))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Append(&HistoryRecord{Step: 3, Time: 0.5, ForecastMean: []float64{1, 2}}); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !strings.HasSuffix(string(b), "\n3 0.5 state 1 2 nan nan\n") {
		t.Errorf("a run without an ensemble wrote\n%s\nwant its forecast line of kind state", b)
	}
}

func TestTextHistoryBadRecord(t *testing.T) {
	for _, tc := range []struct {
		name string
		rec  HistoryRecord
		want string
	}{
		{"short truth", HistoryRecord{Truth: []float64{1}}, "truth at step 0 has 1 means and 0 spreads, want 2"},
		{"short spread", HistoryRecord{Step: 4, ForecastMean: []float64{1, 2}, ForecastSpread: []float64{1}}, "forecast at step 4 has 2 means and 1 spreads"},
		{"long analysis", HistoryRecord{AnalysisMean: []float64{1, 2, 3}}, "analysis at step 0 has 3 means"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "h.txt")
			h, err := CreateTextHistory(path, textMeta(3))
			if err != nil {
				t.Fatal(err)
			}
			err = h.Append(&tc.rec)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("Append error %v, want one naming %s and saying %q", err, path, tc.want)
			}
			// A rejected record does not poison the file: it is validated first.
			if err := h.Append(&HistoryRecord{Truth: []float64{1, 2}}); err != nil {
				t.Fatal(err)
			}
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestTextHistoryCreateErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := CreateTextHistory(filepath.Join(dir, "missing", "h.txt"), textMeta(1)); err == nil {
		t.Error("CreateTextHistory in a missing directory succeeded")
	}
	if _, err := CreateTextHistory(filepath.Join(dir, "h.txt"), HistoryMeta{}); err == nil || !strings.Contains(err.Error(), "want at least one value") {
		t.Errorf("CreateTextHistory without a shape: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed creations left %d files", len(entries))
	}
}

func TestTextHistoryCloseFailureRemovesTemp(t *testing.T) {
	dir := t.TempDir()
	// The target is a non-empty directory, so the final rename fails.
	path := filepath.Join(dir, "h.txt")
	if err := os.MkdirAll(filepath.Join(path, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	h, err := CreateTextHistory(path, textMeta(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Append(&HistoryRecord{Truth: []float64{1, 2}}); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err == nil {
		t.Fatal("Close renamed over a directory")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "h.txt" {
		t.Errorf("after a failed Close the directory holds %v, want only h.txt", entries)
	}
}

func TestNopHistory(t *testing.T) {
	h := NopHistory()
	if err := h.Append(&HistoryRecord{}); err != nil {
		t.Error(err)
	}
	if err := h.Close(); err != nil {
		t.Error(err)
	}
}

func TestTextHistoryDiscardLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	h, err := CreateTextHistory(filepath.Join(dir, "h.txt"), textMeta(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Append(&HistoryRecord{Truth: []float64{1, 2}}); err != nil {
		t.Fatal(err)
	}
	h.Discard()
	h.Discard() // twice is harmless
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("after Discard the directory holds %v, want nothing", entries)
	}
	// Discard after a successful Close keeps the file.
	path := filepath.Join(dir, "kept.txt")
	h, err = CreateTextHistory(path, textMeta(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	h.Discard()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("Discard after Close removed the file: %v", err)
	}
}

// TestHistoryResume checks, for both formats, that a history saved at a
// checkpoint, written on, detached (the run killed) and resumed from the
// checkpoint ends with the bytes of an uninterrupted history.
func TestHistoryResume(t *testing.T) {
	meta := sampleHistoryMeta()
	for _, name := range []string{"run.nc", "run.txt"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			write := func(h History, from, to int) {
				t.Helper()
				for k := from; k < to; k++ {
					if err := h.Append(sampleHistoryRecord(k)); err != nil {
						t.Fatal(err)
					}
				}
			}
			ref := filepath.Join(dir, "ref", name)
			os.Mkdir(filepath.Dir(ref), 0o755)
			h, err := CreateHistory(ref, meta)
			if err != nil {
				t.Fatal(err)
			}
			write(h, 0, 5)
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
			want, _ := os.ReadFile(ref)

			path := filepath.Join(dir, name)
			killed, err := CreateHistory(path, meta)
			if err != nil {
				t.Fatal(err)
			}
			write(killed, 0, 2)
			var c Checkpoint
			if err := killed.SaveCheckpoint(&c, "history"); err != nil {
				t.Fatal(err)
			}
			write(killed, 2, 4) // after the checkpoint, lost to the kill
			killed.Detach()
			if _, err := os.Stat(path); err == nil {
				t.Fatal("Detach put the history in place")
			}
			h, err = ResumeHistory(path, meta, &c, "history")
			if err != nil {
				t.Fatal(err)
			}
			write(h, 2, 5)
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(path)
			if !bytes.Equal(got, want) || len(want) == 0 {
				t.Errorf("resumed history differs from the uninterrupted one (%d and %d bytes)", len(got), len(want))
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 2 {
				t.Errorf("after the resumed Close the directory holds %v, want the history and ref/", entries)
			}
		})
	}
}

func TestResumeHistoryRefuses(t *testing.T) {
	meta := sampleHistoryMeta()
	dir := t.TempDir()
	h, err := CreateHistory(filepath.Join(dir, "a.txt"), meta)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Append(sampleHistoryRecord(0)); err != nil {
		t.Fatal(err)
	}
	var c Checkpoint
	if err := h.SaveCheckpoint(&c, "history"); err != nil {
		t.Fatal(err)
	}
	h.Detach()
	other := meta
	other.Seed++
	tooLong := func() *Checkpoint {
		var d Checkpoint
		saveHistoryCheckpoint(&d, "history", historyText, filepath.Join(dir, "never"), 1)
		d.PutInts("history.pos", []int64{1 << 40})
		d.PutBytes("history.file", c.sections["history.file"].data)
		return &d
	}
	badName := func() *Checkpoint {
		var d Checkpoint
		saveHistoryCheckpoint(&d, "history", historyText, "x", 1)
		d.PutBytes("history.file", []byte("../x"))
		return &d
	}
	for _, tc := range []struct {
		name string
		path string
		meta HistoryMeta
		c    *Checkpoint
		want string
	}{
		{"other format", filepath.Join(dir, "a.nc"), meta, &c, "the checkpoint holds a text history, this run writes netcdf"},
		{"other settings", filepath.Join(dir, "a.txt"), other, &c, "header is not the one this run writes"},
		{"no sections", filepath.Join(dir, "a.txt"), meta, &Checkpoint{}, `no section "history.format"`},
		{"past the end", filepath.Join(dir, "a.txt"), meta, tooLong(), "the checkpoint counted 1099511627776"},
		{"not a name", filepath.Join(dir, "a.txt"), meta, badName(), `holds "../x", not a file name`},
	} {
		if _, err := ResumeHistory(tc.path, tc.meta, tc.c, "history"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: ResumeHistory gave %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
}

func TestCreateHistoryFormat(t *testing.T) {
	dir := t.TempDir()
	for name, magic := range map[string]string{"a.nc": "CDF\x02", "b.NC": "CDF\x02", "c.txt": "# cyclec", "d": "# cyclec", "e.nc4": "# cyclec"} {
		path := filepath.Join(dir, name)
		h, err := CreateHistory(path, sampleHistoryMeta())
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Close(); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(path)
		if !strings.HasPrefix(string(b), magic) {
			t.Errorf("%s starts %q, want %q", name, b[:min(len(b), 8)], magic)
		}
	}
	if h, err := CreateHistory(filepath.Join(dir, "none", "x.nc"), sampleHistoryMeta()); err == nil || h != nil {
		t.Errorf("CreateHistory in a missing directory gave %v, %v; want a nil history and an error", h, err)
	}
}

// TestSmoothedHistory checks that a smoother's finished state reaches
// both formats: a text line of kind smoothed at its own step and time,
// and the NetCDF smoothed_* variables of the record that carries it.
func TestSmoothedHistory(t *testing.T) {
	meta := textMeta(3)
	meta.Smoothed, meta.Truth = true, true
	dir := t.TempDir()
	for _, name := range []string{"h.txt", "h.nc"} {
		path := filepath.Join(dir, name)
		h, err := CreateHistory(path, meta)
		if err != nil {
			t.Fatal(err)
		}
		r := NewHistoryRecorder(h, meta)
		E := &Ensemble{Members: 3, Dim: 2, Data: []float64{1, 2, 3, 4, 5, 6}}
		r.Truth([]float64{3, 4})
		r.Forecast(E)
		r.Analysis(E)
		if err := r.Append(0, 0); err != nil {
			t.Fatal(err)
		}
		r.Forecast(E)
		r.Analysis(E)
		r.Smoothed(E, 0, 0, []float64{3, 5})
		if err := r.Append(2, 0.1); err != nil {
			t.Fatal(err)
		}
		if err := h.Close(); err != nil {
			t.Fatal(err)
		}
		if name == "h.txt" {
			b, _ := os.ReadFile(path)
			if !strings.HasSuffix(string(b), "\n0 0 smoothed 3 4 2 2\n") {
				t.Errorf("text history ends\n%s\nwant the smoothed line of step 0 last", b)
			}
			continue
		}
		f, err := OpenNetCDF(path)
		if err != nil {
			t.Fatal(err)
		}
		steps, err := f.ReadFloat64("smoothed_step")
		if err != nil {
			t.Fatal(err)
		}
		rm, _ := f.ReadFloat64("rmse_smoothed")
		mean, _ := f.ReadFloat64("smoothed_mean")
		f.Close()
		if len(steps) != 2 || steps[0] == steps[0] || steps[1] != 0 {
			t.Errorf("smoothed_step = %v, want [fill, 0]", steps)
		}
		if len(rm) != 2 || math.Abs(rm[1]-math.Sqrt(0.5)) > 1e-15 || len(mean) != 4 || mean[2] != 3 || mean[3] != 4 {
			t.Errorf("rmse_smoothed = %v, smoothed_mean = %v", rm, mean)
		}
	}
}
