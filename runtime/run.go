// RunCycle: the loop every generated cycle's Run shares (Start, Next
// until Done, cancellation, progress, timing, history files and
// checkpoints), so that generated code holds only what is particular to
// its cycle.

package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Stepper is what a generated cycle offers callers that drive it one
// cycle at a time, and what RunCycle drives.
type Stepper interface {
	// Start validates the settings and prepares a run.
	Start() error
	// Next runs one cycle: an assimilation cycle, or one model step for
	// forecasts.
	Next() error
	// Done reports whether the run has no cycle left.
	Done() bool
	// Summary returns the scores of the run so far, without timing.
	Summary() (*Summary, error)
	// Progress reports the model steps done, the model steps of the whole
	// run and the cycles done (what SecondsPerCycle divides by).
	Progress() (step, steps, cycles int)
}

// HistoryCycle is a Stepper that records a history (history = every(k)):
// Start records the initial state and Next every k-th step to the
// recorder it was given.
type HistoryCycle interface {
	Stepper
	// HistoryMeta describes the records: the state's dimensions, the
	// observation size, the ensemble, the time step.
	HistoryMeta() HistoryMeta
	// SetHistory attaches the recorder Start and Next record to; nil
	// detaches it.
	SetHistory(r *HistoryRecorder)
}

// Checkpointer is a Stepper whose whole state a checkpoint holds
// (checkpoint = every(k)).
type Checkpointer interface {
	Stepper
	// Name returns the cycle's name, which the checkpoint records.
	Name() string
	// CheckpointEvery is the k of checkpoint = every(k): the cycles
	// (analyses, or steps for forecasts) between checkpoints.
	CheckpointEvery() int
	// SaveState puts the state of the run after the last Next in c.
	SaveState(c *Checkpoint)
	// RestoreState sets the state of a started run to the one c holds.
	RestoreState(c *Checkpoint) error
}

// cancelEvery is how many cycles RunCycle runs between looks at the
// context: often enough to stop within milliseconds, rarely enough to cost
// nothing.
const cancelEvery = 64

// historySection names the history's sections in a checkpoint.
const historySection = "history"

// RunCycle runs s to completion: Start, then Next until Done, then the
// summary with WallSeconds, SecondsPerCycle and ConfigHash filled in. It
// returns ctx.Err() when ctx is cancelled, and calls opts.Progress, when
// set, after every cycle.
//
// When s records a history (a [HistoryCycle]) it records to opts.History
// or to the file opts.HistoryPath, which RunCycle creates, closes at the
// end and discards when the run fails. With opts.Checkpoint.Path and an s
// that is a [Checkpointer], it writes the run's state there every k
// cycles (and when cancelled) with [WriteCheckpoint]; with Resume it
// first reads it back, refusing a checkpoint of another run
// ([Checkpoint.Matches]), and continues the history file the interrupted
// run left. A run that finishes removes its checkpoint; one that fails or
// is cancelled after a checkpoint keeps it, and its history's temporary
// file, for a resume.
func RunCycle(ctx context.Context, s Stepper, opts RunOptions) (*Summary, error) {
	begin := time.Now()
	r, err := newRunner(s, opts)
	if err != nil {
		return nil, err
	}
	if r.hc != nil {
		defer r.hc.SetHistory(nil)
	}
	// A panic in the cycle (a bug) ends the run like an error: no history
	// file appears, and a checkpoint taken before it stays usable.
	defer func() {
		if p := recover(); p != nil {
			r.abandon()
			panic(p)
		}
	}()
	if err := r.begin(); err != nil {
		r.abandon()
		return nil, err
	}
	for n := 0; !s.Done(); n++ {
		if n%cancelEvery == 0 {
			if err := ctx.Err(); err != nil {
				if r.cp != nil {
					if cerr := r.checkpoint(); cerr != nil {
						err = errors.Join(err, cerr)
					}
				}
				r.abandon()
				return nil, err
			}
		}
		if err := s.Next(); err != nil {
			r.abandon()
			return nil, err
		}
		if opts.Progress != nil {
			step, steps, _ := s.Progress()
			opts.Progress(step, steps)
		}
		if r.cp != nil {
			if _, _, cycles := s.Progress(); cycles%r.every == 0 && !s.Done() {
				if err := r.checkpoint(); err != nil {
					r.abandon()
					return nil, err
				}
			}
		}
	}
	wall := time.Since(begin).Seconds()
	sum, err := s.Summary()
	if err != nil {
		r.abandon()
		return nil, err
	}
	sum.WallSeconds = wall
	if _, _, cycles := s.Progress(); cycles > 0 {
		sum.SecondsPerCycle = wall / float64(cycles)
	}
	if opts.ConfigHash != "" {
		sum.ConfigHash = opts.ConfigHash
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	return sum, nil
}

// runner holds the files of one RunCycle call.
type runner struct {
	s     Stepper
	opts  RunOptions
	hc    HistoryCycle     // s, when it records a history to hist
	hist  History          // what the cycle records to
	own   ResumableHistory // the history file RunCycle opened, or nil
	meta  HistoryMeta
	cp    Checkpointer // s, when checkpoints are written
	every int
	ckpt  *Checkpoint // reused for every checkpoint
	saved bool        // a checkpoint of this run is at opts.Checkpoint.Path
}

// newRunner checks opts against what s supports.
func newRunner(s Stepper, opts RunOptions) (*runner, error) {
	r := &runner{s: s, opts: opts}
	if hc, ok := s.(HistoryCycle); ok && (opts.History != nil || opts.HistoryPath != "") {
		r.hc, r.hist = hc, opts.History
		r.meta = hc.HistoryMeta()
		r.meta.Version, r.meta.ConfigHash = opts.Version, opts.ConfigHash
		if opts.Program != "" {
			r.meta.Program = opts.Program
		}
	} else if opts.HistoryPath != "" {
		return nil, fmt.Errorf("history %s: the cycle records no history (it needs history = every(k))", opts.HistoryPath)
	}
	ck := opts.Checkpoint
	if ck.Path == "" {
		if ck.Resume {
			return nil, errors.New("resume: no checkpoint file named")
		}
		return r, nil
	}
	cp, ok := s.(Checkpointer)
	if !ok {
		return nil, fmt.Errorf("checkpoint %s: the cycle writes no checkpoints (it needs checkpoint = every(k))", ck.Path)
	}
	r.cp, r.every = cp, ck.Every
	if r.every == 0 {
		r.every = cp.CheckpointEvery()
	}
	if r.every < 1 {
		return nil, fmt.Errorf("checkpoint %s: every %d cycles, want at least 1", ck.Path, r.every)
	}
	if r.hc != nil && opts.History != nil {
		return nil, fmt.Errorf("checkpoint %s: a checkpointed run writes its history itself (RunOptions.HistoryPath), not to RunOptions.History", ck.Path)
	}
	settings := append([]Setting(nil), opts.Settings...)
	if r.hc != nil {
		settings = append(settings, Setting{Name: "history", Value: opts.HistoryPath})
	}
	r.ckpt = &Checkpoint{Program: opts.Program, Cycle: cp.Name(), Version: opts.Version,
		ConfigHash: opts.ConfigHash, Settings: settings}
	return r, nil
}

// begin starts the run afresh, or from the checkpoint.
func (r *runner) begin() error {
	if r.cp == nil || !r.opts.Checkpoint.Resume {
		if r.hc != nil && r.hist == nil {
			h, err := CreateHistory(r.opts.HistoryPath, r.meta)
			if err != nil {
				return err
			}
			r.own, r.hist = h, h
		}
		if r.hc != nil {
			r.hc.SetHistory(NewHistoryRecorder(r.hist, r.meta))
		}
		return r.s.Start()
	}
	path := r.opts.Checkpoint.Path
	c, err := ReadCheckpoint(path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("cannot resume: no checkpoint %s (the run finished, or was stopped before its first checkpoint)", path)
	}
	if err != nil {
		return fmt.Errorf("cannot resume: %w", err)
	}
	if err := c.Matches(r.ckpt.Program, r.ckpt.Cycle, r.ckpt.Version, r.ckpt.ConfigHash, r.ckpt.Settings); err != nil {
		return err
	}
	if err := r.s.Start(); err != nil {
		return err
	}
	if err := r.cp.RestoreState(c); err != nil {
		return fmt.Errorf("resume from %s: %w", path, err)
	}
	r.saved = true
	if r.hc != nil {
		h, err := ResumeHistory(r.opts.HistoryPath, r.meta, c, historySection)
		if err != nil {
			return fmt.Errorf("resume from %s: %w", path, err)
		}
		r.own, r.hist = h, h
		r.hc.SetHistory(NewHistoryRecorder(h, r.meta))
	}
	return nil
}

// checkpoint writes the run's state: the history first (its records so
// far made durable), then the cycle's state, atomically.
func (r *runner) checkpoint() error {
	if r.own != nil {
		if err := r.own.SaveCheckpoint(r.ckpt, historySection); err != nil {
			return err
		}
	}
	r.cp.SaveState(r.ckpt)
	if err := WriteCheckpoint(r.opts.Checkpoint.Path, r.ckpt); err != nil {
		return err
	}
	r.saved = true
	return nil
}

// abandon ends a run that failed or was cancelled: its history file is
// discarded, or kept for a resume when a checkpoint of the run exists.
func (r *runner) abandon() {
	if r.own == nil {
		return
	}
	if r.saved {
		r.own.Detach()
	} else {
		r.own.Discard()
	}
}

// finish ends a run that completed: the checkpoint goes, then the history
// is put in place (a kill between the two leaves no checkpoint, so the
// run is started again and writes the same history).
func (r *runner) finish() error {
	if r.cp != nil {
		if err := os.Remove(r.opts.Checkpoint.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			r.abandon()
			return fmt.Errorf("checkpoint: %w", err)
		}
		r.saved = false
	}
	if r.own == nil {
		return nil
	}
	if err := r.own.Close(); err != nil {
		return err
	}
	if r.cp != nil {
		// Runs killed before their first checkpoint left temporary
		// histories that nothing will resume.
		path := r.opts.HistoryPath
		removeStaleTemps(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	}
	return nil
}
