// Tests of a variational analysis's minimisation in the history: the
// NetCDF cost and grad_norm variables, the text lines of kind outer, the
// recorder and resuming.

package runtime

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loopsMinimisation reports given costs (at each loop's end) and
// gradient norms (at its start).
type loopsMinimisation struct{ cost, grad []float64 }

func (l *loopsMinimisation) Outer() int                         { return len(l.cost) }
func (l *loopsMinimisation) Cost(o int) (before, after float64) { return math.NaN(), l.cost[o] }
func (l *loopsMinimisation) GradNorm(o int) float64             { return l.grad[o] }
func (l *loopsMinimisation) InnerIters(int) int                 { return 1 }
func (l *loopsMinimisation) Reduced() bool                      { return true }

// minimisationMeta is a two-element deterministic state with a truth and
// three outer loops.
func minimisationMeta() HistoryMeta {
	m := textMeta(0)
	m.Truth, m.Outer, m.ObsSize = true, 3, 2
	return m
}

// writeMinimisationRecords appends records from to to-1 through a
// recorder: record 0 the initial state, the others an analysis whose
// minimisation made 3 outer loops, or 2 in record 2.
func writeMinimisationRecords(t *testing.T, h History, meta HistoryMeta, from, to int) {
	t.Helper()
	r := NewHistoryRecorder(h, meta)
	E := &Ensemble{Members: 1, Dim: 2, Data: make([]float64, 2)}
	for k := from; k < to; k++ {
		E.Data[0], E.Data[1] = float64(k), -float64(k)
		r.Truth([]float64{float64(k) + 0.5, 0})
		r.State(E.Data)
		if k > 0 {
			r.Analysis(E)
			loops := &loopsMinimisation{cost: []float64{10 * float64(k), 5, 4.5}, grad: []float64{8, 0.25, 1e-3}}
			if k == 2 {
				loops.cost, loops.grad = loops.cost[:2], loops.grad[:2]
			}
			r.Minimisation(loops)
		}
		if err := r.Append(4*k, 0.2*float64(k)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMinimisationHistory(t *testing.T) {
	meta := minimisationMeta()
	dir := t.TempDir()
	for _, name := range []string{"h.txt", "h.nc"} {
		path := filepath.Join(dir, name)
		h, err := CreateHistory(path, meta)
		if err != nil {
			t.Fatal(err)
		}
		writeMinimisationRecords(t, h, meta, 0, 3)
		if err := h.Close(); err != nil {
			t.Fatal(err)
		}
		if name == "h.txt" {
			b, _ := os.ReadFile(path)
			want := "# outer: 3\n# columns: step time kind mean_0 mean_1 spread_0 spread_1\n" +
				"0 0 truth 0.5 0 nan nan\n0 0 state 0 -0 nan nan\n" +
				"4 0.2 truth 1.5 0 nan nan\n4 0.2 state 1 -1 nan nan\n4 0.2 analysis 1 -1 nan nan\n" +
				"4 0.2 outer 10 nan 8 nan\n4 0.2 outer 5 nan 0.25 nan\n4 0.2 outer 4.5 nan 0.001 nan\n" +
				"8 0.4 truth 2.5 0 nan nan\n8 0.4 state 2 -2 nan nan\n8 0.4 analysis 2 -2 nan nan\n" +
				"8 0.4 outer 20 nan 8 nan\n8 0.4 outer 5 nan 0.25 nan\n"
			if !strings.HasSuffix(string(b), want) {
				t.Errorf("text history\n%s\nwant it to end\n%s", b, want)
			}
			continue
		}
		f, err := OpenNetCDF(path)
		if err != nil {
			t.Fatal(err)
		}
		cost, err := f.ReadFloat64("cost")
		if err != nil {
			t.Fatal(err)
		}
		grad, err := f.ReadFloat64("grad_norm")
		if err != nil {
			t.Fatal(err)
		}
		outer, err := f.ReadFloat64("outer")
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		nan := math.NaN()
		wantCost := []float64{nan, nan, nan, 10, 5, 4.5, 20, 5, nan}
		wantGrad := []float64{nan, nan, nan, 8, 0.25, 1e-3, 8, 0.25, nan}
		if !sameBits(cost, wantCost) || !sameBits(grad, wantGrad) {
			t.Errorf("cost(time, outer) = %v, grad_norm = %v; want %v and %v", cost, grad, wantCost, wantGrad)
		}
		if len(outer) != 3 || outer[2] != 2 {
			t.Errorf("outer coordinate %v, want 0 1 2", outer)
		}
	}
}

// TestMinimisationHistoryOff checks that a history without Outer has no
// outer dimension, variables or lines, even when records carry costs.
func TestMinimisationHistoryOff(t *testing.T) {
	meta := minimisationMeta()
	meta.Outer = 0
	dir := t.TempDir()
	for _, name := range []string{"h.txt", "h.nc"} {
		path := filepath.Join(dir, name)
		h, err := CreateHistory(path, meta)
		if err != nil {
			t.Fatal(err)
		}
		rec := &HistoryRecord{Step: 1, ForecastMean: []float64{1, 2}, Cost: []float64{3}, GradNorm: []float64{4}}
		if err := h.Append(rec); err != nil {
			t.Fatal(err)
		}
		if err := h.Close(); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(path)
		if bytes.Contains(b, []byte("outer")) || bytes.Contains(b, []byte("grad_norm")) {
			t.Errorf("%s mentions the minimisation:\n%q", name, b)
		}
	}
}

func TestMinimisationHistoryBadRecord(t *testing.T) {
	meta := minimisationMeta()
	for _, name := range []string{"h.txt", "h.nc"} {
		for _, rec := range []*HistoryRecord{
			{Cost: []float64{1, 2, 3, 4}},
			{GradNorm: []float64{1, 2, 3, 4}},
		} {
			h, err := CreateHistory(filepath.Join(t.TempDir(), name), meta)
			if err != nil {
				t.Fatal(err)
			}
			if err := h.Append(rec); err == nil || !strings.Contains(err.Error(), "at most 3") {
				t.Errorf("%s: a record with 4 outer loops gave %v", name, err)
			}
			h.Discard()
		}
	}
	h, err := CreateHistory(filepath.Join(t.TempDir(), "h.txt"), meta)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Append(&HistoryRecord{Cost: []float64{1, 2}, GradNorm: []float64{1}}); err == nil || !strings.Contains(err.Error(), "2 costs and 1 gradient norms") {
		t.Errorf("text: costs and gradient norms of different lengths gave %v", err)
	}
	h.Discard()
	meta.Outer = -1
	for _, name := range []string{"h.txt", "h.nc"} {
		if h, err := CreateHistory(filepath.Join(t.TempDir(), name), meta); err == nil || !strings.Contains(err.Error(), "-1 outer loops") {
			t.Errorf("%s: Outer -1 gave %v, %v", name, h, err)
		}
	}
}

// TestMinimisationHistoryResume checks that a history with the
// minimisation resumes from a checkpoint byte for byte, and that one
// with another number of outer loops is refused.
func TestMinimisationHistoryResume(t *testing.T) {
	meta := minimisationMeta()
	for _, name := range []string{"run.nc", "run.txt"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			ref := filepath.Join(dir, "ref", name)
			os.Mkdir(filepath.Dir(ref), 0o755)
			h, err := CreateHistory(ref, meta)
			if err != nil {
				t.Fatal(err)
			}
			writeMinimisationRecords(t, h, meta, 0, 5)
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
			want, _ := os.ReadFile(ref)

			path := filepath.Join(dir, name)
			killed, err := CreateHistory(path, meta)
			if err != nil {
				t.Fatal(err)
			}
			writeMinimisationRecords(t, killed, meta, 0, 2)
			var c Checkpoint
			if err := killed.SaveCheckpoint(&c, "history"); err != nil {
				t.Fatal(err)
			}
			writeMinimisationRecords(t, killed, meta, 2, 4) // lost to the kill
			killed.Detach()
			other := meta
			other.Outer = 2
			if h, err := ResumeHistory(path, other, &c, "history"); err == nil || !strings.Contains(err.Error(), "different program or settings") {
				t.Errorf("resume with 2 outer loops instead of 3: %v, %v", h, err)
			}
			h, err = ResumeHistory(path, meta, &c, "history")
			if err != nil {
				t.Fatal(err)
			}
			writeMinimisationRecords(t, h, meta, 2, 5)
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(path)
			if !bytes.Equal(got, want) || len(want) == 0 {
				t.Errorf("resumed history differs from the uninterrupted one (%d and %d bytes)", len(got), len(want))
			}
		})
	}
}

func TestMinimisationRecorderZeroAllocs(t *testing.T) {
	meta := minimisationMeta()
	h, err := CreateNetCDFHistory(filepath.Join(t.TempDir(), "a.nc"), meta)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Discard()
	r := NewHistoryRecorder(h, meta)
	var loops Minimisation = &loopsMinimisation{cost: []float64{3, 2, 1}, grad: []float64{1, 0.1, 0.01}}
	x := []float64{1, 2}
	allocs := testing.AllocsPerRun(100, func() {
		r.State(x)
		r.Minimisation(loops)
		if err := r.Append(1, 0.1); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per record, want 0", allocs)
	}
}

// TestRecorderState checks that a da cycle's single state is recorded
// with the spread its variance gives, and as missing without one.
func TestRecorderState(t *testing.T) {
	var rec HistoryRecord
	r := NewHistoryRecorder(&captureHistory{rec: &rec}, HistoryMeta{StateShape: []int{2}, StateDims: []string{"i"}})
	r.Truth([]float64{0, 0})
	r.ForecastState([]float64{1, 2}, []float64{4, 9})
	r.AnalysisState([]float64{0.5, 1}, nil)
	if err := r.Append(1, 0.1); err != nil {
		t.Fatal(err)
	}
	if got := rec.ForecastSpread; len(got) != 2 || got[0] != 2 || got[1] != 3 {
		t.Errorf("forecast spread %v, want [2 3]", got)
	}
	if want := math.Sqrt(6.5); math.Abs(rec.SpreadForecast-want) > 1e-15 {
		t.Errorf("forecast spread score %v, want %v", rec.SpreadForecast, want)
	}
	if rec.AnalysisSpread != nil || !math.IsNaN(rec.SpreadAnalysis) {
		t.Errorf("analysis spread %v (score %v), want missing", rec.AnalysisSpread, rec.SpreadAnalysis)
	}
	if want := math.Sqrt(2.5); math.Abs(rec.RMSEForecast-want) > 1e-15 || rec.AnalysisMean[1] != 1 {
		t.Errorf("forecast rmse %v (want %v), analysis mean %v", rec.RMSEForecast, want, rec.AnalysisMean)
	}
}

// TestRecorderSmoothedState checks that a smoother cycle's single
// smoothed state is copied, scored against its own truth at its own step,
// and recorded without a spread; and that nothing is recorded without
// meta.Smoothed.
func TestRecorderSmoothedState(t *testing.T) {
	var rec HistoryRecord
	meta := HistoryMeta{StateShape: []int{2}, StateDims: []string{"i"}, Smoothed: true}
	r := NewHistoryRecorder(&captureHistory{rec: &rec}, meta)
	x := []float64{1, 2}
	r.Truth([]float64{9, 9})
	r.AnalysisState([]float64{9, 9}, nil)
	r.SmoothedState(x, 4, 0.2, []float64{0, 0})
	x[0] = 100 // the recorder holds its own copy
	if err := r.Append(8, 0.4); err != nil {
		t.Fatal(err)
	}
	if rec.SmoothedStep != 4 || rec.SmoothedTime != 0.2 || len(rec.SmoothedMean) != 2 || rec.SmoothedMean[0] != 1 || rec.SmoothedMean[1] != 2 {
		t.Errorf("smoothed step %d time %v mean %v, want 4, 0.2, [1 2]", rec.SmoothedStep, rec.SmoothedTime, rec.SmoothedMean)
	}
	if want := math.Sqrt(2.5); math.Abs(rec.RMSESmoothed-want) > 1e-15 {
		t.Errorf("smoothed rmse %v, want %v (against the truth of its own step)", rec.RMSESmoothed, want)
	}
	if rec.SmoothedSpread != nil || !math.IsNaN(rec.SpreadSmoothed) {
		t.Errorf("smoothed spread %v (score %v), want missing", rec.SmoothedSpread, rec.SpreadSmoothed)
	}
	if rec.RMSEAnalysis != 0 {
		t.Errorf("analysis rmse %v, want 0", rec.RMSEAnalysis)
	}

	meta.Smoothed = false
	r = NewHistoryRecorder(&captureHistory{rec: &rec}, meta)
	r.SmoothedState([]float64{1, 2}, 4, 0.2, nil)
	if err := r.Append(8, 0.4); err != nil {
		t.Fatal(err)
	}
	if rec.SmoothedMean != nil {
		t.Errorf("smoothed mean %v recorded without meta.Smoothed", rec.SmoothedMean)
	}
}
