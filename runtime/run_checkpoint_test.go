// Tests of RunCycle's history files and checkpoints: a run stopped at any
// cycle and resumed ends with the summary and history bytes of an
// uninterrupted run, and a resume of another run is refused.

package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// walker is a small twin experiment in the shape of a generated cycle: a
// truth and a 4-member ensemble of 3 values random-walk with noise keyed
// by step, the members are nudged toward the truth, scores and a history
// every 3 steps; it implements HistoryCycle and Checkpointer.
type walker struct {
	steps, every, ckEvery int
	seed                  uint64
	failAt                int // Next fails after this step (1-based); 0 never

	E     *Ensemble
	truth []float64
	step  int
	stats *Stats
	noise *Stream
	y     []float64
	rec   *HistoryRecorder
}

func newWalker(steps int) *walker {
	return &walker{steps: steps, every: 3, ckEvery: 4, seed: 5}
}

func (w *walker) Name() string         { return "Walk" }
func (w *walker) CheckpointEvery() int { return w.ckEvery }
func (w *walker) HistoryMeta() HistoryMeta {
	return HistoryMeta{Program: "walk.cyc", Cycle: "Walk", Seed: w.seed, StateDims: []string{"i"}, StateShape: []int{3},
		ObsSize: 3, Members: 4, RecordMembers: true, Truth: true, Dt: 0.1}
}
func (w *walker) SetHistory(r *HistoryRecorder) { w.rec = r }

func (w *walker) Start() error {
	w.E, w.truth, w.y = NewEnsemble(4, 3), make([]float64, 3), make([]float64, 3)
	w.stats, w.noise = NewStats(3, 2), NewStream(w.seed, PurposeObsNoise, 0)
	s := NewStream(w.seed, PurposeTruthInit, 0)
	InitNormal(w.truth, nil, 1, s)
	InitNormal(w.E.Data, nil, 1, s)
	w.step = 0
	if w.rec != nil {
		w.rec.Truth(w.truth)
		w.rec.Forecast(w.E)
		w.rec.Analysis(w.E)
		return w.rec.Append(0, 0)
	}
	return nil
}

func (w *walker) Next() error {
	w.step++
	w.noise.Reset(w.seed, PurposeObsNoise, uint64(w.step))
	for i := range w.truth {
		w.truth[i] += 0.3 * w.noise.Normal()
		w.y[i] = w.truth[i] + 0.1*w.noise.Normal()
	}
	for i := range w.E.Data {
		w.E.Data[i] += 0.5 * w.noise.Normal()
	}
	w.stats.Forecast(w.E, w.truth)
	due := w.rec != nil && w.step%w.every == 0
	if due {
		w.rec.Truth(w.truth)
		w.rec.Forecast(w.E)
		w.rec.Observation(w.y)
	}
	for i := range w.E.Data {
		w.E.Data[i] += 0.5 * (w.y[i%3] - w.E.Data[i])
	}
	w.stats.Analysis(w.E, w.truth)
	if due {
		w.rec.Analysis(w.E)
		if err := w.rec.Append(w.step, 0.1*float64(w.step)); err != nil {
			return err
		}
	}
	if w.step == w.failAt {
		return errors.New("killed")
	}
	return nil
}

func (w *walker) Done() bool { return w.step >= w.steps }
func (w *walker) Summary() (*Summary, error) {
	s := &Summary{Cycle: "Walk", Steps: w.step}
	w.stats.Fill(s)
	return s, nil
}
func (w *walker) Progress() (int, int, int) { return w.step, w.steps, w.step }

func (w *walker) SaveState(c *Checkpoint) {
	c.PutCounters("counters", w.step)
	c.PutFloats("truth", w.truth)
	c.PutFloats("ensemble", w.E.Data)
	w.stats.SaveCheckpoint(c, "stats")
}

func (w *walker) RestoreState(c *Checkpoint) error {
	for _, err := range []error{c.Counters("counters", &w.step), c.Floats("truth", w.truth),
		c.Floats("ensemble", w.E.Data), w.stats.RestoreCheckpoint(c, "stats")} {
		if err != nil {
			return err
		}
	}
	return nil
}

// walkOptions are the options of a walker run in dir.
func walkOptions(dir, history string, resume bool) RunOptions {
	return RunOptions{HistoryPath: filepath.Join(dir, history),
		Checkpoint: CheckpointOptions{Path: filepath.Join(dir, "walk.ckpt"), Resume: resume},
		Program:    "walk.cyc", Version: "test", ConfigHash: "0123456789abcdef",
		Settings: []Setting{{Name: "steps", Value: "29"}, {Name: "seed", Value: "5"}}}
}

// untimed is the summary without its timing.
func untimed(s *Summary) string {
	c := *s
	c.WallSeconds, c.SecondsPerCycle = 0, 0
	return fmt.Sprintf("%+v", c)
}

func TestRunCycleResumeIsExact(t *testing.T) {
	for _, history := range []string{"walk.nc", "walk.txt"} {
		t.Run(history, func(t *testing.T) {
			refDir := t.TempDir()
			ref, err := RunCycle(context.Background(), newWalker(29), walkOptions(refDir, history, false))
			if err != nil {
				t.Fatal(err)
			}
			want, _ := os.ReadFile(filepath.Join(refDir, history))
			if entries, _ := os.ReadDir(refDir); len(entries) != 1 {
				t.Errorf("a finished run left %v, want only its history", entries)
			}
			if ref.ConfigHash != "0123456789abcdef" || ref.Steps != 29 {
				t.Errorf("summary %+v: want config hash and 29 steps", ref)
			}
			// Stop the run after every step in turn (before the first
			// checkpoint too, and after the last), then resume it, or
			// start again when no checkpoint was written yet.
			for stop := 1; stop < 29; stop++ {
				dir := t.TempDir()
				w := newWalker(29)
				w.failAt = stop
				if _, err := RunCycle(context.Background(), w, walkOptions(dir, history, false)); err == nil || err.Error() != "killed" {
					t.Fatalf("stop %d: the stopped run gave %v", stop, err)
				}
				_, err := os.Stat(filepath.Join(dir, "walk.ckpt"))
				if (err == nil) != (stop > 4) {
					t.Fatalf("stop %d: checkpoint exists: %v", stop, err == nil)
				}
				got, err := RunCycle(context.Background(), newWalker(29), walkOptions(dir, history, err == nil))
				if err != nil {
					t.Fatalf("stop %d: resume: %v", stop, err)
				}
				b, _ := os.ReadFile(filepath.Join(dir, history))
				if !bytes.Equal(b, want) {
					t.Errorf("stop %d: history differs from the uninterrupted one (%d and %d bytes)", stop, len(b), len(want))
				}
				if untimed(got) != untimed(ref) {
					t.Errorf("stop %d: summary\n%s\nwant\n%s", stop, untimed(got), untimed(ref))
				}
				if entries, _ := os.ReadDir(dir); len(entries) != 1 {
					t.Errorf("stop %d: the resumed run left %v, want only its history", stop, entries)
				}
			}
		})
	}
}

func TestRunCycleCancelCheckpoints(t *testing.T) {
	refDir, dir := t.TempDir(), t.TempDir()
	ref, err := RunCycle(context.Background(), newWalker(200), walkOptions(refDir, "w.nc", false))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	opts := walkOptions(dir, "w.nc", false)
	opts.Progress = func(step, steps int) {
		if step == 70 {
			cancel()
		}
	}
	if _, err := RunCycle(ctx, newWalker(200), opts); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run gave %v", err)
	}
	c, err := ReadCheckpoint(filepath.Join(dir, "walk.ckpt"))
	if err != nil {
		t.Fatal(err)
	}
	var step int
	// Cancellation is seen every 64 cycles: at step 128, not a multiple of 4.
	if err := c.Counters("counters", &step); err != nil || step != 128 {
		t.Errorf("the checkpoint written on cancellation is at step %d (%v), want 128", step, err)
	}
	got, err := RunCycle(context.Background(), newWalker(200), walkOptions(dir, "w.nc", true))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(refDir, "w.nc"))
	b, _ := os.ReadFile(filepath.Join(dir, "w.nc"))
	if !bytes.Equal(a, b) || untimed(got) != untimed(ref) {
		t.Errorf("resumed after cancellation: history equal %v, summary %s, want %s", bytes.Equal(a, b), untimed(got), untimed(ref))
	}
}

func TestRunCycleResumeRefuses(t *testing.T) {
	dir := t.TempDir()
	w := newWalker(29)
	w.failAt = 10
	if _, err := RunCycle(context.Background(), w, walkOptions(dir, "w.nc", false)); err == nil {
		t.Fatal("the stopped run succeeded")
	}
	for _, tc := range []struct {
		name string
		opts func() RunOptions
		want string
	}{
		{"setting", func() RunOptions {
			o := walkOptions(dir, "w.nc", true)
			o.Settings[1].Value = "6"
			return o
		}, `setting seed was "5", now "6"`},
		{"history", func() RunOptions { return walkOptions(dir, "v.nc", true) }, "setting history was"},
		{"hash", func() RunOptions {
			o := walkOptions(dir, "w.nc", true)
			o.ConfigHash = "fedcba9876543210"
			return o
		}, "(the program source, an imported file or a data file changed)"},
		{"version", func() RunOptions {
			o := walkOptions(dir, "w.nc", true)
			o.Version = "other"
			return o
		}, `cyclec version was "test", now "other"`},
		{"no checkpoint", func() RunOptions { return walkOptions(t.TempDir(), "w.nc", true) }, "cannot resume: no checkpoint"},
	} {
		_, err := RunCycle(context.Background(), newWalker(29), tc.opts())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: resume gave %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
	// The refusals left the checkpoint and the history's temporary file
	// alone: the right resume still succeeds.
	if _, err := RunCycle(context.Background(), newWalker(29), walkOptions(dir, "w.nc", true)); err != nil {
		t.Errorf("resume after the refusals: %v", err)
	}
}

func TestRunCycleOptionErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		s    Stepper
		opts RunOptions
		want string
	}{
		{"history of a cycle without", &countdown{n: 3}, RunOptions{HistoryPath: filepath.Join(dir, "h.nc")}, "records no history"},
		{"checkpoint of a cycle without", &countdown{n: 3}, RunOptions{Checkpoint: CheckpointOptions{Path: filepath.Join(dir, "c")}}, "writes no checkpoints"},
		{"resume without a file", &countdown{n: 3}, RunOptions{Checkpoint: CheckpointOptions{Resume: true}}, "no checkpoint file named"},
		{"caller's history", newWalker(3), RunOptions{History: NopHistory(), Checkpoint: CheckpointOptions{Path: filepath.Join(dir, "c")}}, "writes its history itself"},
	} {
		if _, err := RunCycle(context.Background(), tc.s, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused runs left %v", entries)
	}
}

func TestHistoryRecorderScores(t *testing.T) {
	E := NewEnsemble(3, 2)
	copy(E.Data, []float64{1, 2, 3, 4, 5, 9})
	truth := []float64{2, 4}
	st := NewStats(2, 0)
	st.Forecast(E, truth)
	var got HistoryRecord
	h := &captureHistory{rec: &got}
	r := NewHistoryRecorder(h, HistoryMeta{StateShape: []int{2}, Members: 3, RecordMembers: true})
	r.Truth(truth)
	r.Forecast(E)
	if err := r.Append(4, 0.5); err != nil {
		t.Fatal(err)
	}
	f, _ := st.LastRMSE()
	if got.RMSEForecast != f || got.SpreadForecast != E.Spread() || got.Step != 4 || got.Time != 0.5 {
		t.Errorf("record scores %v %v at %d, %v; want the Stats RMSE %v and spread %v", got.RMSEForecast, got.SpreadForecast, got.Step, got.Time, f, E.Spread())
	}
	if !isNaN(got.RMSEAnalysis) || !isNaN(got.SpreadAnalysis) || got.AnalysisMean != nil || len(got.ForecastMembers) != 6 {
		t.Errorf("a record without analysis has analysis %v, %v, %v and %d forecast member values", got.RMSEAnalysis, got.SpreadAnalysis, got.AnalysisMean, len(got.ForecastMembers))
	}
	// The next record starts empty.
	r.State([]float64{1, 1})
	if err := r.Append(5, 1); err != nil {
		t.Fatal(err)
	}
	if got.Truth != nil || got.ForecastSpread != nil || !isNaN(got.SpreadForecast) || !isNaN(got.RMSEForecast) {
		t.Errorf("a state-only record carries %v, %v, %v, %v", got.Truth, got.ForecastSpread, got.SpreadForecast, got.RMSEForecast)
	}
}

// captureHistory copies the last record appended.
type captureHistory struct{ rec *HistoryRecord }

func (c *captureHistory) Append(r *HistoryRecord) error { *c.rec = *r; return nil }
func (c *captureHistory) Close() error                  { return nil }
func (c *captureHistory) Discard()                      {}

func isNaN(v float64) bool { return v != v }

// BenchmarkHistoryRecord is one recorded analysis of a 40-member,
// 40-variable ensemble to a NetCDF history: it allocates nothing.
func BenchmarkHistoryRecord(b *testing.B) {
	meta := HistoryMeta{StateDims: []string{"i"}, StateShape: []int{40}, ObsSize: 40, Members: 40, Truth: true, Dt: 0.05}
	h, err := CreateHistory(filepath.Join(b.TempDir(), "b.nc"), meta)
	if err != nil {
		b.Fatal(err)
	}
	defer h.Discard()
	r := NewHistoryRecorder(h, meta)
	E, truth, y := NewEnsemble(40, 40), make([]float64, 40), make([]float64, 40)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r.Truth(truth)
		r.Forecast(E)
		r.Observation(y)
		r.Analysis(E)
		if err := r.Append(i, float64(i)); err != nil {
			b.Fatal(err)
		}
	}
}
