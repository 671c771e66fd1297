// Tests of sequences: the hand-over rules, the Stepper over the parts,
// the histories of RunSequence and the parts' config.

package runtime

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// addPart is a SequencePart over a state of two values: Start sets it to
// its start value, StartFrom to the handed-over state, and each of its
// steps Next calls adds inc to every value.
type addPart struct {
	name    string
	steps   int
	start   float64
	inc     float64
	x       [2]float64
	step    int
	started bool
	from    bool // the last start was StartFrom
	failAt  int  // Next fails at this step (1-based); 0 never
	history *HistoryRecorder
}

func (p *addPart) Name() string                { return p.name }
func (p *addPart) Start() error                { return p.begin(nil) }
func (p *addPart) StartFrom(h *Handover) error { return p.begin(h) }

// begin starts the part from its start value, or from h.
func (p *addPart) begin(h *Handover) error {
	p.x = [2]float64{p.start, p.start}
	p.step, p.started, p.from = 0, true, h != nil
	if h != nil {
		if err := h.InitState(p.x[:]); err != nil {
			return err
		}
	}
	return p.recordState()
}
func (p *addPart) Next() error {
	p.step++
	if p.step == p.failAt {
		return errors.New("part " + p.name + " failed")
	}
	p.x[0] += p.inc
	p.x[1] += p.inc
	return p.recordState()
}
func (p *addPart) recordState() error {
	if p.history == nil {
		return nil
	}
	p.history.State(p.x[:])
	return p.history.Append(p.step, float64(p.step))
}
func (p *addPart) Done() bool { return p.step >= p.steps }
func (p *addPart) Summary() (*Summary, error) {
	if !p.started {
		return nil, errors.New("part " + p.name + ": not started")
	}
	return &Summary{Cycle: p.name, Kind: "forecast", Members: 1, Steps: p.step}, nil
}
func (p *addPart) Progress() (int, int, int) { return p.step, p.steps, p.step }
func (p *addPart) Handover(h *Handover)      { h.SetState(p.x[:]) }

// recordingPart is an addPart that records a history.
type recordingPart struct{ *addPart }

func (p recordingPart) HistoryMeta() HistoryMeta {
	return HistoryMeta{Cycle: p.name, StateDims: []string{"i"}, StateShape: []int{2}, Dt: 1}
}
func (p recordingPart) SetHistory(r *HistoryRecorder) { p.history = r }

// seqCycle is a SequenceCycle over parts, as a generated sequence is.
type seqCycle struct {
	parts []SequencePart
	seq   Sequence
}

func (c *seqCycle) Name() string                 { return "Seq" }
func (c *seqCycle) Parts() []SequencePart        { return c.parts }
func (c *seqCycle) Start() error                 { return c.seq.Start("Seq", c.parts...) }
func (c *seqCycle) Next() error                  { return c.seq.Next() }
func (c *seqCycle) Done() bool                   { return c.seq.Done() }
func (c *seqCycle) Summary() (*Summary, error)   { return c.seq.Summary() }
func (c *seqCycle) Progress() (int, int, int)    { return c.seq.Progress() }
func (c *seqCycle) Config(h *ConfigHash) error   { return nil }
func (c *seqCycle) Set(name, value string) error { return nil }
func (c *seqCycle) Run(ctx context.Context, opts RunOptions) (*Summary, error) {
	return RunSequence(ctx, c, opts)
}

func TestSequenceThreadsTheState(t *testing.T) {
	a := &addPart{name: "A", steps: 3, start: 1, inc: 1}
	b := &addPart{name: "B", steps: 0, start: 100, inc: 10} // nothing to do: passes its start on
	c := &addPart{name: "C", steps: 2, start: -5, inc: 0.5}
	var s Sequence
	if _, _, n := s.Progress(); n != 0 || s.Running() != nil || s.Done() {
		t.Fatalf("an unstarted sequence reports progress %d, running %v, done %v", n, s.Running(), s.Done())
	}
	if err := s.Start("S", a, b, c); err != nil {
		t.Fatal(err)
	}
	if step, steps, _ := s.Progress(); step != 0 || steps != 5 {
		t.Errorf("progress at the start: %d of %d steps, want 0 of 5", step, steps)
	}
	nexts := 0
	for !s.Done() {
		if err := s.Next(); err != nil {
			t.Fatal(err)
		}
		if nexts++; nexts > 10 {
			t.Fatal("the sequence does not finish")
		}
	}
	if nexts != 5 {
		t.Errorf("%d calls of Next, want 5 (one per step of a part)", nexts)
	}
	if a.from || !b.from || !c.from {
		t.Errorf("started from a hand-over: A %v, B %v, C %v; want false, true, true", a.from, b.from, c.from)
	}
	// A ends at 1+3 = 4; B takes 4 and makes no step; C adds 2·0.5.
	if b.x != [2]float64{4, 4} || c.x != [2]float64{5, 5} {
		t.Errorf("B ended at %v and C at %v, want [4 4] and [5 5]", b.x, c.x)
	}
	if s.Running() != c {
		t.Errorf("the part running at the end is %v, want C", s.Running())
	}
	if err := s.Next(); err != nil || c.step != 2 {
		t.Errorf("Next after the end gave %v and stepped C to %d", err, c.step)
	}
	sum, err := s.Summary()
	if err != nil {
		t.Fatal(err)
	}
	if sum.Kind != "sequence" || sum.Steps != 5 || len(sum.Parts) != 3 {
		t.Fatalf("summary kind %q, %d steps, %d parts; want sequence, 5, 3", sum.Kind, sum.Steps, len(sum.Parts))
	}
	for i, p := range sum.Parts {
		if p.Cycle != string(rune('A'+i)) || !(p.WallSeconds >= 0) {
			t.Errorf("part %d: %s, wall %v", i, p.Cycle, p.WallSeconds)
		}
	}
	if sum.Parts[1].SecondsPerCycle != 0 || !(sum.Parts[0].SecondsPerCycle >= 0) {
		t.Errorf("time per cycle: A %v, B (no cycles) %v", sum.Parts[0].SecondsPerCycle, sum.Parts[1].SecondsPerCycle)
	}
}

func TestSequenceSummaryMidRun(t *testing.T) {
	a := &addPart{name: "A", steps: 2, inc: 1}
	b := &addPart{name: "B", steps: 2, inc: 1}
	var s Sequence
	if _, err := s.Summary(); err == nil {
		t.Error("Summary before Start gave no error")
	}
	if err := s.Start("S", a, b); err != nil {
		t.Fatal(err)
	}
	if err := s.Next(); err != nil {
		t.Fatal(err)
	}
	sum, err := s.Summary()
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Parts) != 1 {
		t.Errorf("mid-run summary has %d parts, want only the one started", len(sum.Parts))
	}
	if sum.Parts[0].WallSeconds != 0 {
		t.Errorf("a part still running has wall time %v, want none yet", sum.Parts[0].WallSeconds)
	}
}

func TestSequenceErrors(t *testing.T) {
	a := &addPart{name: "A", steps: 2}
	tests := []struct {
		name  string
		parts []SequencePart
		run   bool // Start succeeds; the error comes from Next
		want  string
	}{
		{"no parts", nil, false, "sequence S: no parts to run"},
		{"a part twice", []SequencePart{a, &addPart{name: "B"}, a}, false, "sequence S: part A appears twice"},
		{"a part fails", []SequencePart{&addPart{name: "A", steps: 3, failAt: 2}}, true, "part A failed"},
		{"a hand-over of the wrong size", []SequencePart{&addPart{name: "A", steps: 1}, &sizedPart{n: 3}}, true,
			"sequence S: the previous part handed over a state of 2 values, want 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Sequence
			err := s.Start("S", tt.parts...)
			if tt.run {
				if err != nil {
					t.Fatal(err)
				}
				for err == nil && !s.Done() {
					err = s.Next()
				}
			}
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	var s Sequence
	if err := s.Next(); err == nil || !strings.Contains(err.Error(), "Next called before Start") {
		t.Errorf("Next before Start gave %v", err)
	}
}

// sizedPart starts from a hand-over into a state of n values.
type sizedPart struct {
	addPart
	n int
}

func (p *sizedPart) StartFrom(h *Handover) error { return h.InitState(make([]float64, p.n)) }

func TestSequenceNextAllocatesNothing(t *testing.T) {
	a := &addPart{name: "A", steps: 1 << 20, inc: 1}
	var s Sequence
	if err := s.Start("S", a, &addPart{name: "B", steps: 1}); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() {
		if err := s.Next(); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Sequence.Next allocates %v times within a part, want 0", n)
	}
}

func TestHandover(t *testing.T) {
	E := NewEnsemble(3, 2)
	copy(E.Data, []float64{1, 2, 3, 4, 5, 9})
	var h Handover
	h.SetEnsemble(E)
	if h.Ensemble != E || len(h.State) != 2 || h.State[0] != 3 || h.State[1] != 5 || h.Truth != nil {
		t.Fatalf("SetEnsemble: state %v, ensemble %p, truth %v; want the mean [3 5], E and no truth", h.State, h.Ensemble, h.Truth)
	}
	truth := []float64{7, 8}
	h.SetTruth(truth)
	truth[0] = -1
	if len(h.Truth) != 2 || h.Truth[0] != 7 {
		t.Errorf("SetTruth kept %v, want a copy [7 8]", h.Truth)
	}

	t.Run("same size copies the members", func(t *testing.T) {
		F := NewEnsemble(3, 2)
		if err := h.InitEnsemble(F, 1, 1); err != nil {
			t.Fatal(err)
		}
		for i, v := range F.Data {
			if v != E.Data[i] {
				t.Fatalf("members %v, want the handed-over %v", F.Data, E.Data)
			}
		}
	})
	draws := func(members int, seed uint64, mean []float64, std float64) *Ensemble {
		want := NewEnsemble(members, 2)
		s := NewStream(seed, PurposeEnsembleInit, 0)
		for k := range members {
			s.Reset(seed, PurposeEnsembleInit, uint64(k))
			InitNormal(want.Member(k), mean, std, s)
		}
		return want
	}
	check := func(t *testing.T, h *Handover, members int) {
		t.Helper()
		F := NewEnsemble(members, 2)
		if err := h.InitEnsemble(F, 0.5, 9); err != nil {
			t.Fatal(err)
		}
		want := draws(members, 9, h.State, 0.5)
		for i, v := range F.Data {
			if v != want.Data[i] {
				t.Fatalf("members %v, want draws around %v: %v", F.Data, h.State, want.Data)
			}
		}
	}
	t.Run("another size draws around the mean", func(t *testing.T) { check(t, &h, 5) })
	t.Run("a weighted ensemble draws around its mean", func(t *testing.T) {
		W := NewEnsemble(3, 2)
		copy(W.Data, E.Data)
		W.Weights = []float64{0.5, 0.25, 0.25}
		var hw Handover
		hw.SetEnsemble(W)
		if hw.State[0] != 0.5*1+0.25*3+0.25*5 {
			t.Fatalf("weighted mean %v", hw.State)
		}
		check(t, &hw, 3)
	})
	t.Run("a single state draws around it", func(t *testing.T) {
		var hs Handover
		hs.SetTruth([]float64{1, 1})
		hs.SetState([]float64{2, -2})
		if hs.Truth != nil || hs.Ensemble != nil {
			t.Fatal("SetState kept a truth or an ensemble")
		}
		check(t, &hs, 4)
		x := make([]float64, 2)
		if err := hs.InitTruth(x); err != nil || x[0] != 2 || x[1] != -2 {
			t.Errorf("InitTruth without a truth gave %v, %v; want the state [2 -2]", x, err)
		}
	})
	t.Run("a truth carries on", func(t *testing.T) {
		x := make([]float64, 2)
		if err := h.InitTruth(x); err != nil || x[0] != 7 || x[1] != 8 {
			t.Errorf("InitTruth gave %v, %v; want the truth [7 8]", x, err)
		}
		if err := h.InitTruth(make([]float64, 3)); err == nil || !strings.Contains(err.Error(), "truth of 2 values, want 3") {
			t.Errorf("a truth of the wrong size gave %v", err)
		}
	})
	if err := h.InitEnsemble(NewEnsemble(2, 3), 1, 1); err == nil || !strings.Contains(err.Error(), "state of 2 values, want 3") {
		t.Errorf("an ensemble of the wrong dimension gave %v", err)
	}
}

// TestHandoverCovariance checks a Kalman filter's hand-over: the next
// filter starts with its covariance, and an ensemble is drawn from
// N(State, Covariance), member k from its own stream whatever the size.
func TestHandoverCovariance(t *testing.T) {
	P := []float64{
		4, 1.2, -0.6,
		1.2, 1, 0.3,
		-0.6, 0.3, 0.5,
	}
	mean := []float64{1, -2, 3}
	var h Handover
	h.SetState(mean)
	h.SetCovariance(P)
	P[0] = -1
	if h.Covariance[0] != 4 {
		t.Fatalf("SetCovariance kept %v, want a copy", h.Covariance)
	}
	P[0] = 4

	t.Run("a filter starts with it", func(t *testing.T) {
		got := make([]float64, 9)
		if err := h.InitCovariance(got); err != nil {
			t.Fatal(err)
		}
		for i := range P {
			if got[i] != P[i] {
				t.Fatalf("InitCovariance gave %v, want %v", got, P)
			}
		}
		if err := h.InitCovariance(make([]float64, 4)); err == nil || !strings.Contains(err.Error(), "covariance of 9 values, want 4") {
			t.Errorf("a covariance of the wrong size gave %v", err)
		}
	})
	t.Run("without one a filter keeps its own", func(t *testing.T) {
		var hs Handover
		hs.SetState(mean)
		own := []float64{2, 0, 0, 0, 2, 0, 0, 0, 2}
		if err := hs.InitCovariance(own); err != nil || own[0] != 2 || own[1] != 0 {
			t.Errorf("InitCovariance without a covariance changed P to %v (%v)", own, err)
		}
		var he Handover
		he.SetState(mean)
		he.SetCovariance(P)
		he.SetEnsemble(NewEnsemble(2, 3))
		if he.Covariance != nil {
			t.Error("SetEnsemble kept the covariance")
		}
		he.SetCovariance(P)
		he.SetState(mean)
		if he.Covariance != nil {
			t.Error("SetState kept the covariance")
		}
	})
	t.Run("an ensemble is drawn from it", func(t *testing.T) {
		const members = 40000
		E := NewEnsemble(members, 3)
		if err := h.InitEnsemble(E, 0.1, 11); err != nil {
			t.Fatal(err)
		}
		var m [3]float64
		for k := range members {
			for i, v := range E.Member(k) {
				m[i] += v / members
			}
		}
		for i := range m {
			if se := math.Sqrt(P[i*3+i] / members); math.Abs(m[i]-mean[i]) > 5*se {
				t.Errorf("sample mean %d = %.4f, want %v within %.4f", i, m[i], mean[i], 5*se)
			}
		}
		for i := range 3 {
			for j := range 3 {
				var c float64
				for k := range members {
					x := E.Member(k)
					c += (x[i] - m[i]) * (x[j] - m[j])
				}
				c /= members - 1
				// The standard error of a sample covariance is about
				// sqrt((P_ii P_jj + P_ij²)/members).
				se := math.Sqrt((P[i*3+i]*P[j*3+j] + P[i*3+j]*P[i*3+j]) / members)
				if math.Abs(c-P[i*3+j]) > 5*se {
					t.Errorf("sample covariance (%d,%d) = %.4f, want %v within %.4f", i, j, c, P[i*3+j], 5*se)
				}
			}
		}
		F := NewEnsemble(3, 3)
		if err := h.InitEnsemble(F, 0.1, 11); err != nil {
			t.Fatal(err)
		}
		for i, v := range F.Data {
			if v != E.Data[i] {
				t.Fatalf("the first 3 of 40000 draws %v differ from 3 draws %v", E.Data[:9], F.Data)
			}
		}
	})
	t.Run("a semi-definite one draws in its range", func(t *testing.T) {
		v := []float64{1, 2, -1}
		var hs Handover
		hs.SetState(mean)
		hs.SetCovariance([]float64{1, 2, -1, 2, 4, -2, -1, -2, 1}) // v v'
		E := NewEnsemble(5, 3)
		if err := hs.InitEnsemble(E, 0.1, 3); err != nil {
			t.Fatal(err)
		}
		for k := range 5 {
			x := E.Member(k)
			c := x[0] - mean[0]
			for i := range v {
				if d := x[i] - mean[i] - c*v[i]; math.Abs(d) > 1e-12 {
					t.Fatalf("member %d = %v is not the mean plus a multiple of %v", k, x, v)
				}
			}
		}
	})
	t.Run("an indefinite one is an error", func(t *testing.T) {
		var hs Handover
		hs.SetState([]float64{0, 0})
		hs.SetCovariance([]float64{1, 2, 2, 1})
		if err := hs.InitEnsemble(NewEnsemble(2, 2), 1, 1); err == nil || !strings.Contains(err.Error(), "not positive semi-definite") {
			t.Errorf("an indefinite covariance gave %v", err)
		}
	})
}

func TestPartHistoryPath(t *testing.T) {
	for _, tt := range []struct{ path, part, want string }{
		{"day.nc", "Twin", "day.Twin.nc"},
		{"out/day.history", "Forecast", "out/day.Forecast.history"},
		{"out/day", "Twin", "out/day.Twin"},
		{"a.b/day", "Twin", "a.b/day.Twin"},
		{"day.nc", "std.Twin", "day.std.Twin.nc"},
	} {
		if got := PartHistoryPath(filepath.FromSlash(tt.path), tt.part); got != filepath.FromSlash(tt.want) {
			t.Errorf("PartHistoryPath(%q, %q) = %q, want %q", tt.path, tt.part, got, tt.want)
		}
	}
}

// historyRecords reads the state column of a text history: one value per
// record.
func historyRecords(t *testing.T, path string) []float64 {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []float64
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || strings.HasPrefix(line, "#") {
			continue
		}
		v, err := strconv.ParseFloat(f[3], 64)
		if err != nil {
			t.Fatalf("%s: %q: %v", path, line, err)
		}
		out = append(out, v)
	}
	return out
}

func TestRunSequenceHistories(t *testing.T) {
	dir := t.TempDir()
	parts := func(failAt int) (*seqCycle, []*addPart) {
		a := &addPart{name: "A", steps: 2, start: 1, inc: 1}
		b := &addPart{name: "B", steps: 2, inc: 10}
		c := &addPart{name: "C", steps: 3, inc: 1, failAt: failAt}
		return &seqCycle{parts: []SequencePart{recordingPart{a}, b, recordingPart{c}}}, []*addPart{a, b, c}
	}
	s, ps := parts(0)
	path := filepath.Join(dir, "day.history")
	sum, err := RunSequence(context.Background(), s, RunOptions{HistoryPath: path, ConfigHash: "abc"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Parts) != 3 || sum.ConfigHash != "abc" || sum.Steps != 7 {
		t.Errorf("summary: %d parts, config %q, %d steps", len(sum.Parts), sum.ConfigHash, sum.Steps)
	}
	if ps[0].history != nil || ps[2].history != nil {
		t.Error("RunSequence left the parts attached to their histories")
	}
	// A: 1, 2, 3. B has none. C starts from B's 23 and steps to 26.
	if got := historyRecords(t, filepath.Join(dir, "day.A.history")); len(got) != 3 || got[0] != 1 || got[2] != 3 {
		t.Errorf("A's history %v, want 1, 2, 3", got)
	}
	if got := historyRecords(t, filepath.Join(dir, "day.C.history")); len(got) != 4 || got[0] != 23 || got[3] != 26 {
		t.Errorf("C's history %v, want 23, 24, 25, 26", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "day.B.history")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a part without a history has a file: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the sequence's own path has a file: %v", err)
	}

	failDir := t.TempDir()
	s, _ = parts(2)
	if _, err := RunSequence(context.Background(), s, RunOptions{HistoryPath: filepath.Join(failDir, "day.nc")}); err == nil || err.Error() != "part C failed" {
		t.Errorf("a failing part gave %v", err)
	}
	if left, _ := os.ReadDir(failDir); len(left) != 0 {
		t.Errorf("a failed sequence left %d files, want none", len(left))
	}

	for _, tt := range []struct {
		name string
		s    SequenceCycle
		opts RunOptions
		want string
	}{
		{"one history for every part", s, RunOptions{History: NopHistory()}, "sequence Seq: the parts of a sequence write one history file each"},
		{"checkpoints", s, RunOptions{Checkpoint: CheckpointOptions{Path: "x.ckpt"}}, "checkpoint x.ckpt: a sequence writes no checkpoints"},
		{"no part records", &seqCycle{parts: []SequencePart{&addPart{name: "A", steps: 1}}}, RunOptions{HistoryPath: filepath.Join(failDir, "h")},
			"no part of sequence Seq records a history"},
	} {
		if _, err := RunSequence(context.Background(), tt.s, tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

// configPart is a Cycle whose Config adds one setting and one file.
type configPart struct {
	seqCycle
	steps string
	file  string
}

func (p *configPart) Config(h *ConfigHash) error {
	h.AddSetting("steps", p.steps)
	return h.AddFile("obs_err", p.file)
}

func TestConfigHashAddPart(t *testing.T) {
	dir := t.TempDir()
	f1, f2 := filepath.Join(dir, "r1.csv"), filepath.Join(dir, "r2.csv")
	for i, f := range []string{f1, f2} {
		if err := os.WriteFile(f, []byte(strconv.Itoa(i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hash := func(aSteps, bSteps, aFile, bFile string) *ConfigHash {
		h := NewConfigHash()
		for _, p := range []struct {
			name string
			c    *configPart
		}{{"A", &configPart{steps: aSteps, file: aFile}}, {"B", &configPart{steps: bSteps, file: bFile}}} {
			if err := h.AddPart(p.name, p.c); err != nil {
				t.Fatal(err)
			}
		}
		return h
	}
	base := hash("10", "20", f1, f2)
	settings := base.Settings()
	if len(settings) != 2 || settings[0] != (Setting{Name: "A.steps", Value: "10"}) || settings[1] != (Setting{Name: "B.steps", Value: "20"}) {
		t.Errorf("settings %v, want A.steps=10 and B.steps=20", settings)
	}
	for name, other := range map[string]*ConfigHash{
		"parts' settings swapped": hash("20", "10", f1, f2),
		"parts' files swapped":    hash("10", "20", f2, f1),
	} {
		if other.Sum() == base.Sum() {
			t.Errorf("%s: the same hash %s", name, base.Sum())
		}
	}
	if again := hash("10", "20", f1, f2); again.Sum() != base.Sum() {
		t.Errorf("the same parts hash to %s and %s", base.Sum(), again.Sum())
	}
	h := NewConfigHash()
	if err := h.AddPart("A", &configPart{steps: "1", file: filepath.Join(dir, "missing")}); err == nil || !strings.Contains(err.Error(), "obs_err") {
		t.Errorf("a missing file gave %v", err)
	}
}
