// Tests of the text history file.

package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHistoryFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.hist")
	h, err := CreateHistory(path, HistoryMeta{Program: "l63.cyc", Cycle: "etkf", Dim: 2, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	recs := []Record{
		{Step: 0, Time: 0, Kind: "truth", Mean: []float64{1.5, -2}},
		{Step: 25, Time: 0.25, Kind: "forecast", Mean: []float64{1, 2}, Spread: []float64{0.5, 0.25}},
		{Step: 25, Time: 0.25, Kind: "analysis", Mean: []float64{nan(), 1e-20}, Spread: []float64{0, 3}},
	}
	for i := range recs {
		if err := h.Record(&recs[i]); err != nil {
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
# columns: step time kind mean_0 mean_1 spread_0 spread_1
0 0 truth 1.5 -2 nan nan
25 0.25 forecast 1 2 0.5 0.25
25 0.25 analysis nan 1e-20 0 3
`
	if string(b) != want {
		t.Errorf("history file:\n%s\nwant:\n%s", b, want)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the history", len(entries))
	}
}

func TestHistoryBadRecordLeavesNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		rec  Record
		want string
	}{
		{"short mean", Record{Kind: "truth", Mean: []float64{1}}, "has 1 means, want 2"},
		{"short spread", Record{Kind: "forecast", Mean: []float64{1, 2}, Spread: []float64{1}}, "has 1 spreads"},
		{"two-word kind", Record{Kind: "a b", Mean: []float64{1, 2}}, "not one word"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "h.txt")
			h, err := CreateHistory(path, HistoryMeta{Dim: 2})
			if err != nil {
				t.Fatal(err)
			}
			err = h.Record(&tc.rec)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("Record error %v, want one naming %s and saying %q", err, path, tc.want)
			}
			// A rejected record does not poison the file: it is validated first.
			if err := h.Record(&Record{Kind: "state", Mean: []float64{1, 2}}); err != nil {
				t.Fatal(err)
			}
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestHistoryCreateErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := CreateHistory(filepath.Join(dir, "missing", "h.txt"), HistoryMeta{Dim: 1}); err == nil {
		t.Error("CreateHistory in a missing directory succeeded")
	}
	if _, err := CreateHistory(filepath.Join(dir, "h.txt"), HistoryMeta{Dim: 0}); err == nil {
		t.Error("CreateHistory with dimension 0 succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed creations left %d files", len(entries))
	}
}

func TestHistoryCloseFailureRemovesTemp(t *testing.T) {
	dir := t.TempDir()
	// The target is a non-empty directory, so the final rename fails.
	path := filepath.Join(dir, "h.txt")
	if err := os.MkdirAll(filepath.Join(path, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	h, err := CreateHistory(path, HistoryMeta{Dim: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Record(&Record{Kind: "truth", Mean: []float64{1}}); err != nil {
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
	if err := h.Record(&Record{Kind: "truth"}); err != nil {
		t.Error(err)
	}
	if err := h.Close(); err != nil {
		t.Error(err)
	}
}

func TestHistoryDiscardLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	h, err := CreateHistory(filepath.Join(dir, "h.txt"), HistoryMeta{Dim: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Record(&Record{Kind: "truth", Mean: []float64{1}}); err != nil {
		t.Fatal(err)
	}
	h.Discard()
	h.Discard() // twice is harmless
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("after Discard the directory holds %v, want nothing", entries)
	}
	// Discard after a successful Close keeps the file.
	path := filepath.Join(dir, "kept.txt")
	h, err = CreateHistory(path, HistoryMeta{Dim: 1})
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
