// The Cycle interface that every generated assimilation cycle implements.

package runtime

import "context"

// Cycle is one assimilation cycle declared in a .cyc program. Generated
// code implements it; the command line drives it.
type Cycle interface {
	// Name returns the cycle's name as declared in the program.
	Name() string
	// Set applies a run-time override (--set name=value). An unknown name
	// or a value that does not parse for the option's kind is an error
	// that names both.
	Set(name, value string) error
	// Run runs the whole twin experiment and returns its summary. It stops
	// early with ctx.Err() when ctx is cancelled.
	Run(ctx context.Context, opts RunOptions) (*Summary, error)
}

// RunOptions are the caller's hooks into a run. Nil fields mean none.
type RunOptions struct {
	// History, when not nil, receives the records of the run.
	History History
	// Progress, when not nil, is called with the number of model steps done
	// and the total.
	Progress func(step, steps int)
}
