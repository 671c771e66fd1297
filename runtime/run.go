// RunCycle: the loop every generated cycle's Run shares (Start, Next
// until Done, cancellation, progress, timing), so that generated code
// holds only what is particular to its cycle.

package runtime

import (
	"context"
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

// cancelEvery is how many cycles RunCycle runs between looks at the
// context: often enough to stop within milliseconds, rarely enough to cost
// nothing.
const cancelEvery = 64

// RunCycle runs s to completion: Start, then Next until Done, then the
// summary with WallSeconds and SecondsPerCycle filled in. It returns
// ctx.Err() when ctx is cancelled, and calls opts.Progress, when set,
// after every cycle.
func RunCycle(ctx context.Context, s Stepper, opts RunOptions) (*Summary, error) {
	begin := time.Now()
	if err := s.Start(); err != nil {
		return nil, err
	}
	for n := 0; !s.Done(); n++ {
		if n%cancelEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if err := s.Next(); err != nil {
			return nil, err
		}
		if opts.Progress != nil {
			step, steps, _ := s.Progress()
			opts.Progress(step, steps)
		}
	}
	wall := time.Since(begin).Seconds()
	sum, err := s.Summary()
	if err != nil {
		return nil, err
	}
	sum.WallSeconds = wall
	if _, _, cycles := s.Progress(); cycles > 0 {
		sum.SecondsPerCycle = wall / float64(cycles)
	}
	return sum, nil
}
