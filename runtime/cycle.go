// The Cycle interface that every generated assimilation cycle implements,
// and the options of a run.

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
	// Config adds to h what the run's numbers depend on beyond the
	// program: every data file the cycle reads (by its role, under Dir)
	// and every run-time setting with its value in effect, in canonical
	// form (so that --set F=8.0 and the default F = 8 agree). A data file
	// that cannot be read is an error naming it.
	Config(h *ConfigHash) error
	// Run runs the whole twin experiment and returns its summary. It stops
	// early with ctx.Err() when ctx is cancelled.
	Run(ctx context.Context, opts RunOptions) (*Summary, error)
}

// RunOptions are the caller's hooks into a run. Zero fields mean none.
type RunOptions struct {
	// History, when not nil, receives the records of a cycle that
	// records a history; the caller closes or discards it.
	History History
	// HistoryPath, when History is nil, is the file [RunCycle] writes
	// the history of a cycle that records one to, in the format its name
	// asks for ([CreateHistory]). It appears only when the run finishes.
	HistoryPath string
	// Checkpoint, when its Path is set, makes RunCycle write checkpoints
	// of a cycle that supports them and, with Resume, continue from one.
	Checkpoint CheckpointOptions

	// The run's identity, carried by its summary, history and
	// checkpoints: the program file's name, the cyclec version, the
	// config hash ([ConfigHash.Sum]) and every setting in effect
	// ([ConfigHash.Settings]). A resumed run must have the same.
	Program, Version, ConfigHash string
	Settings                     []Setting

	// Progress, when not nil, is called with the number of model steps done
	// and the total.
	Progress func(step, steps int)
}

// CheckpointOptions say where and how often [RunCycle] checkpoints.
type CheckpointOptions struct {
	Path   string // the checkpoint file; "" writes none
	Every  int    // cycles between checkpoints; 0 takes the cycle's own (checkpoint = every(k))
	Resume bool   // continue from the checkpoint at Path instead of starting afresh
}
