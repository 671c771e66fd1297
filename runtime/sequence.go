// Sequences of cycles (sequence(A, B, …)): the state one part hands the
// next, the loop that runs the parts in order as one Stepper, and the run
// that gives every part that records a history a file of its own.

package runtime

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/blas"
)

// Handover is what one part of a sequence passes to the next when it has
// finished: its final state and, for an ensemble cycle, its ensemble, for
// a Kalman filter (kf, ekf) its final covariance, and the truth of a twin
// experiment. How the next part starts from it:
//
//   - a single-state cycle (forecast, recurrence, windowed) starts from
//     State: the previous part's state, or the mean of its final ensemble;
//   - a Kalman filter starts from State with the previous filter's
//     Covariance when there is one, and otherwise with its own initial
//     covariance (std² I): the sample covariance of an ensemble of N
//     members has rank N-1 at most, and a filter without model error
//     could never correct the directions it leaves out;
//   - an ensemble cycle takes the previous ensemble member for member when
//     it is an unweighted ensemble of the same size, and otherwise draws
//     its members around State, member k from the stream (seed,
//     PurposeEnsembleInit, k): from N(State, Covariance) when a Kalman
//     filter handed one over, else from its own initial distribution's
//     spread, as a cycle started afresh draws them around the
//     distribution's mean;
//   - a twin experiment's truth continues from Truth when the previous part
//     had one, and otherwise starts at State.
//
// State, Covariance and Truth are the Handover's own copies; Ensemble is
// the finished part's, which nothing changes once that part is done.
type Handover struct {
	// State is the final state: the trajectory's, or the (weighted)
	// ensemble mean of an ensemble cycle.
	State []float64
	// Ensemble is the final ensemble of an ensemble cycle, nil for a
	// single state.
	Ensemble *Ensemble
	// Covariance is the final analysis error covariance of a Kalman
	// filter, len(State)² values row-major, nil for any other part.
	Covariance []float64
	// Truth is the truth of a twin experiment at its end, nil for a part
	// without one.
	Truth []float64

	sqrt []float64 // a square root of Covariance, made by InitEnsemble
}

// SetState records a single final state x (a copy), with no ensemble, no
// covariance and no truth.
func (h *Handover) SetState(x []float64) {
	h.State = append(h.State[:0], x...)
	h.Ensemble, h.Covariance, h.Truth, h.sqrt = nil, nil, nil, nil
}

// SetEnsemble records a final ensemble: E itself and its (weighted) mean as
// the state, with no covariance and no truth.
func (h *Handover) SetEnsemble(E *Ensemble) {
	if cap(h.State) < E.Dim {
		h.State = make([]float64, E.Dim)
	}
	h.State = h.State[:E.Dim]
	E.Mean(h.State)
	h.Ensemble, h.Covariance, h.Truth, h.sqrt = E, nil, nil, nil
}

// SetCovariance records a Kalman filter's final covariance P (a copy,
// len(State)² values row-major), after SetState.
func (h *Handover) SetCovariance(P []float64) {
	h.Covariance = append([]float64(nil), P...)
	h.sqrt = nil
}

// SetTruth records the truth of a twin experiment (a copy), after
// SetState or SetEnsemble.
func (h *Handover) SetTruth(x []float64) {
	h.Truth = append([]float64(nil), x...)
}

// InitState sets x to the handed-over state. A state of another size is an
// error.
func (h *Handover) InitState(x []float64) error {
	if len(h.State) != len(x) {
		return fmt.Errorf("the previous part handed over a state of %d values, want %d", len(h.State), len(x))
	}
	copy(x, h.State)
	return nil
}

// InitCovariance sets the n×n covariance P of a Kalman filter to the
// handed-over one when the part before was a Kalman filter, and leaves it
// as it is (the filter's own initial covariance) otherwise (see
// [Handover]). A covariance of another size is an error.
func (h *Handover) InitCovariance(P []float64) error {
	if h.Covariance == nil {
		return nil
	}
	if len(h.Covariance) != len(P) {
		return fmt.Errorf("the previous part handed over a covariance of %d values, want %d", len(h.Covariance), len(P))
	}
	copy(P, h.Covariance)
	return nil
}

// InitTruth sets the truth x of a twin experiment: the handed-over truth
// when there is one, else the handed-over state.
func (h *Handover) InitTruth(x []float64) error {
	if len(h.Truth) == 0 {
		return h.InitState(x)
	}
	if len(h.Truth) != len(x) {
		return fmt.Errorf("the previous part handed over a truth of %d values, want %d", len(h.Truth), len(x))
	}
	copy(x, h.Truth)
	return nil
}

// InitEnsemble sets the members of E: a copy of the handed-over ensemble
// when it is unweighted and of E's size, else draws around the
// handed-over state, member k from the stream (seed, PurposeEnsembleInit,
// k): State + L z with L L' the handed-over covariance when there is one
// (L its Cholesky factor, or V Λ^1/2 from its eigendecomposition when it
// is only semi-definite), else State + std z (see [Handover]).
func (h *Handover) InitEnsemble(E *Ensemble, std float64, seed uint64) error {
	if len(h.State) != E.Dim {
		return fmt.Errorf("the previous part handed over a state of %d values, want %d", len(h.State), E.Dim)
	}
	if p := h.Ensemble; p != nil && p.Weights == nil && p.Members == E.Members && p.Dim == E.Dim {
		copy(E.Data, p.Data)
		return nil
	}
	s := NewStream(seed, PurposeEnsembleInit, 0)
	if h.Covariance == nil {
		for k := range E.Members {
			s.Reset(seed, PurposeEnsembleInit, uint64(k))
			InitNormal(E.Member(k), h.State, std, s)
		}
		return nil
	}
	n := E.Dim
	if len(h.Covariance) != n*n {
		return fmt.Errorf("the previous part handed over a covariance of %d values, want %d", len(h.Covariance), n*n)
	}
	if h.sqrt == nil {
		l, err := covarianceSqrt(h.Covariance, n)
		if err != nil {
			return fmt.Errorf("the previous part's covariance: %w", err)
		}
		h.sqrt = l
	}
	z := make([]float64, n)
	for k := range E.Members {
		s.Reset(seed, PurposeEnsembleInit, uint64(k))
		InitNormal(z, nil, 1, s)
		x := E.Member(k)
		copy(x, h.State)
		blasImpl.Dgemv(blas.NoTrans, n, n, 1, h.sqrt, n, z, 1, 1, x, 1)
	}
	return nil
}

// SequencePart is a cycle that can be a part of a sequence: a Stepper
// that hands over its final state and can start from the one the part
// before it handed over. Generated cycles of every kind a sequence may
// run implement it.
type SequencePart interface {
	Stepper
	// Name returns the cycle's name as declared in the program.
	Name() string
	// Handover puts the final state of a finished run in h.
	Handover(h *Handover)
	// StartFrom is Start with the initial state taken from h instead of
	// drawn from the cycle's initial distribution (see [Handover]).
	StartFrom(h *Handover) error
}

// Sequence runs the parts of a sequence cycle one after another, each
// from the final state of the one before, as one Stepper: Next makes one
// Next of the part running (starting the next part first when that one is
// done), and the sequence is done when its last part is. The first part
// starts as it would on its own. A generated sequence cycle holds one and
// passes it its parts at Start. The zero value is ready to start.
type Sequence struct {
	name    string
	parts   []SequencePart
	cur     int // the part running
	started bool
	hand    Handover
	begin   []time.Time // when each part started
	wall    []float64   // each finished part's wall time, NaN until it has finished
}

// Start starts a run of the sequence name over parts: the first part
// starts afresh. The parts must be distinct values (a cycle that runs
// twice is two values of its type, each with its own state); a sequence
// needs at least one.
func (s *Sequence) Start(name string, parts ...SequencePart) error {
	if len(parts) == 0 {
		return fmt.Errorf("sequence %s: no parts to run", name)
	}
	for i, p := range parts {
		for _, q := range parts[:i] {
			if p == q {
				return fmt.Errorf("sequence %s: part %s appears twice", name, p.Name())
			}
		}
	}
	*s = Sequence{name: name, parts: parts, begin: make([]time.Time, len(parts)), wall: make([]float64, len(parts))}
	for i := range s.wall {
		s.wall[i] = math.NaN()
	}
	s.begin[0] = time.Now()
	if err := parts[0].Start(); err != nil {
		return fmt.Errorf("sequence %s: %w", name, err)
	}
	s.started = true
	s.finished()
	return nil
}

// Next runs one Next of the part running. When that part is done, the
// next one is started from its final state first (and any that follow
// with nothing to do, in turn). After the whole sequence is done it does
// nothing. It allocates nothing but what starting a part allocates.
func (s *Sequence) Next() error {
	if !s.started {
		return fmt.Errorf("sequence %s: Next called before Start", s.name)
	}
	p := s.parts[s.cur]
	for p.Done() {
		if s.cur == len(s.parts)-1 {
			return nil
		}
		p.Handover(&s.hand)
		s.cur++
		p = s.parts[s.cur]
		s.begin[s.cur] = time.Now()
		if err := p.StartFrom(&s.hand); err != nil {
			return fmt.Errorf("sequence %s: %w", s.name, err)
		}
		s.finished()
	}
	if err := p.Next(); err != nil {
		return err
	}
	s.finished()
	return nil
}

// finished records the wall time of the part running once it is done.
func (s *Sequence) finished() {
	if s.parts[s.cur].Done() && s.wall[s.cur] != s.wall[s.cur] {
		s.wall[s.cur] = time.Since(s.begin[s.cur]).Seconds()
	}
}

// Done reports whether the last part has started and is done.
func (s *Sequence) Done() bool {
	return s.started && s.cur == len(s.parts)-1 && s.parts[s.cur].Done()
}

// Running returns the part running (the last one once the sequence is
// done), or nil before Start.
func (s *Sequence) Running() SequencePart {
	if !s.started {
		return nil
	}
	return s.parts[s.cur]
}

// Progress adds up the parts' progress: the model steps done, the model
// steps of every part's run and the cycles done. Before Start it is all
// zero.
func (s *Sequence) Progress() (step, steps, cycles int) {
	for _, p := range s.parts {
		a, b, c := p.Progress()
		step, steps, cycles = step+a, steps+b, cycles+c
	}
	return step, steps, cycles
}

// Summary returns the sequence's summary: kind "sequence", the model steps
// of all the parts and one summary per part that has started, in order,
// each with its own wall time and time per cycle once it has finished
// (the sequence's own timing is [RunCycle]'s).
func (s *Sequence) Summary() (*Summary, error) {
	if !s.started {
		return nil, fmt.Errorf("sequence %s: Summary called before Start", s.name)
	}
	sum := &Summary{Cycle: s.name, Kind: "sequence"}
	for i, p := range s.parts[:s.cur+1] {
		ps, err := p.Summary()
		if err != nil {
			return nil, fmt.Errorf("sequence %s: %w", s.name, err)
		}
		if w := s.wall[i]; w == w {
			ps.WallSeconds = w
			if _, _, cycles := p.Progress(); cycles > 0 {
				ps.SecondsPerCycle = w / float64(cycles)
			}
		}
		sum.Steps += ps.Steps
		sum.Parts = append(sum.Parts, ps)
	}
	return sum, nil
}

// SequenceCycle is a generated sequence cycle as [RunSequence] runs it: a
// Stepper over its parts.
type SequenceCycle interface {
	Stepper
	// Name returns the sequence's name as declared in the program.
	Name() string
	// Parts returns the cycles the sequence runs, in order.
	Parts() []SequencePart
}

// PartHistoryPath is the history file of part within a sequence whose
// history is written to path: the part's name inserted before the
// extension ("day.nc" and "Twin" give "day.Twin.nc"; "out/day" gives
// "out/day.Twin").
func PartHistoryPath(path, part string) string {
	ext := filepath.Ext(path)
	if strings.ContainsAny(ext, `/\`) {
		ext = ""
	}
	return strings.TrimSuffix(path, ext) + "." + part + ext
}

// PartLabels names the parts of a sequence for its config hash and its
// history files: each part's name, and for a cycle the sequence runs more
// than once, "name#k" for its k-th run from the second on (Twin, Forecast,
// Twin#2, Forecast#2).
func PartLabels(parts []SequencePart) []string {
	labels := make([]string, len(parts))
	runs := map[string]int{}
	for i, p := range parts {
		name := p.Name()
		runs[name]++
		labels[i] = name
		if k := runs[name]; k > 1 {
			labels[i] = name + "#" + strconv.Itoa(k)
		}
	}
	return labels
}

// RunSequence runs s to completion with [RunCycle]. With opts.HistoryPath,
// every part that records a history (a [HistoryCycle]) writes it to its own
// file, [PartHistoryPath](opts.HistoryPath, label) with the part's label
// from [PartLabels], in the format that name
// asks for; the files appear when the whole sequence has finished, and
// none does when it fails or is cancelled. A sequence keeps no
// checkpoints, and opts.History (one history for every part) is an error.
func RunSequence(ctx context.Context, s SequenceCycle, opts RunOptions) (*Summary, error) {
	if opts.History != nil {
		return nil, fmt.Errorf("sequence %s: the parts of a sequence write one history file each (RunOptions.HistoryPath), not one History", s.Name())
	}
	if opts.Checkpoint.Path != "" {
		return nil, fmt.Errorf("checkpoint %s: a sequence writes no checkpoints", opts.Checkpoint.Path)
	}
	var files []ResumableHistory
	var recording []HistoryCycle
	discard := func() {
		for _, f := range files {
			f.Discard()
		}
	}
	defer func() {
		for _, hc := range recording {
			hc.SetHistory(nil)
		}
	}()
	if opts.HistoryPath != "" {
		parts := s.Parts()
		labels := PartLabels(parts)
		for i, p := range parts {
			hc, ok := p.(HistoryCycle)
			if !ok {
				continue
			}
			meta := hc.HistoryMeta()
			meta.Version, meta.ConfigHash = opts.Version, opts.ConfigHash
			if opts.Program != "" {
				meta.Program = opts.Program
			}
			h, err := CreateHistory(PartHistoryPath(opts.HistoryPath, labels[i]), meta)
			if err != nil {
				discard()
				return nil, fmt.Errorf("sequence %s: %w", s.Name(), err)
			}
			files = append(files, h)
			recording = append(recording, hc)
			hc.SetHistory(NewHistoryRecorder(h, meta))
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("history %s: no part of sequence %s records a history (a part needs history = every(k))", opts.HistoryPath, s.Name())
		}
	}
	opts.HistoryPath = ""
	sum, err := RunCycle(ctx, s, opts)
	if err != nil {
		discard()
		return nil, err
	}
	for i, f := range files {
		if err := f.Close(); err != nil {
			for _, rest := range files[i+1:] {
				rest.Discard()
			}
			return nil, fmt.Errorf("sequence %s: %w", s.Name(), err)
		}
	}
	return sum, nil
}

// AddPart adds to h the configuration of part, a cycle of a sequence: its
// settings under the part's name ("Twin.steps") and its data files with
// the label prefixed by it ("Twin: obs_err"), so that two parts reading
// different files or set differently give different hashes.
func (h *ConfigHash) AddPart(name string, part Cycle) error {
	sub := NewConfigHash()
	if err := part.Config(sub); err != nil {
		return err
	}
	for _, d := range sub.data {
		d.label = name + ": " + d.label
		h.data = append(h.data, d)
	}
	for k, v := range sub.settings {
		h.settings[name+"."+k] = v
	}
	return nil
}
