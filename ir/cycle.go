// Cycles: the parts every kind shares, one type per kind, initial
// distributions and observation sources.
package ir

import "strconv"

// CycleKind names how a cycle steps through time.
type CycleKind string

// Cycle kinds of language.md §7.
const (
	CycleForecast         CycleKind = "forecast"
	CycleEnsembleForecast CycleKind = "ensemble_forecast"
	CycleDA               CycleKind = "da"
	CycleEnsembleDA       CycleKind = "ensemble_da"
	CycleSmoother         CycleKind = "smoother"
	CycleWindowed         CycleKind = "windowed"
	CycleRecurrence       CycleKind = "recurrence"
	CycleSequence         CycleKind = "sequence"
)

// Cycle steps a model (and, for DA kinds, observations and an analysis)
// through time. The fields here are shared by every kind but sequence
// (whose parts carry their own); Def holds what is particular to a kind.
type Cycle struct {
	Name       string
	SourceName string // name as written in the .cyc source
	Pos        Pos
	Doc        string // the comment written just above the declaration

	Steps int // model steps
	// Seed keys every random stream of the run: the truth and ensemble
	// draws, observation noise and the analysis. It comes from
	// source = twin(seed = s) or the cycle's own `seed` option (default 1).
	Seed    uint64
	Init    Init // initial distribution; defaults to normal(mean = 0, std = 1)
	History int  // record every History steps; 0 = no history
	// HistoryMembers also records every member's state (history_members
	// = true, an extension; only with History and an ensemble).
	HistoryMembers bool
	Checkpoint     int // checkpoint every Checkpoint analyses (steps for forecasts); 0 = none

	Def CycleDef
}

// CycleDef is the kind-specific part of a cycle: one of *Forecast,
// *EnsembleForecast, *DA, *EnsembleDA, *Smoother, *Windowed, *Recurrence
// or *Sequence.
type CycleDef interface {
	// Kind names the cycle kind as the source does.
	Kind() CycleKind
}

// Kind names the cycle's kind.
func (c *Cycle) Kind() CycleKind { return c.Def.Kind() }

// Model is the forward model the cycle steps (its step model for windowed
// and recurrence cycles), or nil for a sequence.
func (c *Cycle) Model() *Forward {
	switch d := c.Def.(type) {
	case *Forecast:
		return d.Model
	case *EnsembleForecast:
		return d.Model
	case *DA:
		return d.Model
	case *EnsembleDA:
		return d.Model
	case *Smoother:
		return d.Model
	case *Windowed:
		return d.Step
	case *Recurrence:
		return d.Step
	}
	return nil
}

// Assimilation is the predict–compare–update part of a DA, ensemble DA or
// smoother cycle, or nil for other kinds.
func (c *Cycle) Assimilation() *Assimilation {
	switch d := c.Def.(type) {
	case *DA:
		return &d.Assimilation
	case *EnsembleDA:
		return &d.Assimilation
	case *Smoother:
		return &d.Assimilation
	}
	return nil
}

// Members is the cycle's ensemble size (from the cycle or its analysis), or
// 0 for a single trajectory.
func (c *Cycle) Members() int {
	switch d := c.Def.(type) {
	case *EnsembleForecast:
		return d.Members
	case *EnsembleDA:
		return d.Members
	case *Smoother:
		return d.Members
	}
	return 0
}

// Forecast steps one trajectory of Model.
type Forecast struct {
	Model *Forward
	// Climatology, when not nil, is where the run writes the sample mean
	// and covariance of its states, for the B and the mean of oi, var3d
	// and var4d (option climatology = files(mean = "m.csv", cov =
	// "c.csv")).
	Climatology *Climatology
	// Spinup is the number of model steps whose states are left out of
	// the climatology: the sample is the states after steps Spinup+1 …
	// Steps (option spinup, only with climatology; 0 by default).
	Spinup int
}

// Climatology names the files a forecast writes its sample statistics
// to: MeanPath one value per state element, one per line; CovPath the
// sample covariance (divided by the number of states less one), one row a
// line, comma-separated, as "M.csv" matrices are read. Both are relative
// to the .cyc file, and differ.
type Climatology struct {
	Pos               Pos // the files(…) call
	MeanPath, CovPath string
}

// EnsembleForecast steps Members independent trajectories of Model.
type EnsembleForecast struct {
	Model   *Forward
	Members int
}

// Assimilation is what every DA kind shares: the model, how it is seen,
// how it is corrected and where the observations come from.
type Assimilation struct {
	Model *Forward
	// Truth, when not nil, is the model a twin experiment's truth runs
	// with instead of Model (truth = M: an imperfect-model experiment).
	Truth    *Forward
	Obs      *ObsOp
	ObsErr   *Matrix // R, Size = Obs.Out.Size()
	Analysis *Analysis
	ObsEvery int    // analyse every ObsEvery model steps (≥ 1)
	Spinup   int    // analyses left out of the statistics
	Source   Source // where observations come from
}

// DA cycles one state through predict–compare–update. Its analysis is
// kf, ekf, oi, var3d, var4d (whose assimilation window is the ObsEvery
// steps up to each analysis) or a user go analysis, which is given the
// state as a 1-member ensemble.
type DA struct{ Assimilation }

// EnsembleDA cycles an ensemble of Members through predict–compare–update.
type EnsembleDA struct {
	Assimilation
	Members int // from the cycle or its analysis; ≥ 1
}

// Smoother runs its var4d analysis over windows of Window model steps,
// one starting every Stride steps (1 ≤ Stride ≤ Window ≤ Steps; both are
// whole numbers of ObsEvery, so every window ends at an observation time).
type Smoother struct {
	Assimilation
	Members        int
	Window, Stride int
}

// Windowed applies Step over rolling windows of Window model steps, one
// starting every Stride steps (1 ≤ Stride ≤ Window ≤ Steps).
type Windowed struct {
	Step           *Forward
	Window, Stride int
}

// Recurrence repeats Step until Until holds or MaxIters is reached.
type Recurrence struct {
	Step     *Forward
	Until    Expr // a Compare or Logical that reads the state
	MaxIters int  // ≥ 1
}

// Sequence runs Parts in order, threading the final state of each into the
// next. A part may appear more than once (it runs again from the state it
// is given) and may itself be a sequence, whose parts then run in its
// place; Leaves lists the cycles that run.
type Sequence struct{ Parts []*Cycle }

// Leaves lists the cycles the sequence runs, in order: its parts, with
// every nested sequence replaced by its own leaves. A cycle that appears
// twice is listed twice.
func (s *Sequence) Leaves() []*Cycle {
	var out []*Cycle
	for _, p := range s.Parts {
		if sq, ok := p.Def.(*Sequence); ok {
			out = append(out, sq.Leaves()...)
			continue
		}
		out = append(out, p)
	}
	return out
}

// Labels names the leaves (see Leaves) for settings, the config hash and
// history file names: each cycle's source name, and "name#k" for its k-th
// run from the second on (Twin, Forecast, Twin#2). cycrt.PartLabels labels
// the parts of a generated sequence the same way.
func (s *Sequence) Labels() []string {
	leaves := s.Leaves()
	out := make([]string, len(leaves))
	runs := map[*Cycle]int{}
	for i, p := range leaves {
		runs[p]++
		out[i] = p.SourceName
		if k := runs[p]; k > 1 {
			out[i] += "#" + strconv.Itoa(k)
		}
	}
	return out
}

// Kind implements CycleDef.
func (*Forecast) Kind() CycleKind { return CycleForecast }

// Kind implements CycleDef.
func (*EnsembleForecast) Kind() CycleKind { return CycleEnsembleForecast }

// Kind implements CycleDef.
func (*DA) Kind() CycleKind { return CycleDA }

// Kind implements CycleDef.
func (*EnsembleDA) Kind() CycleKind { return CycleEnsembleDA }

// Kind implements CycleDef.
func (*Smoother) Kind() CycleKind { return CycleSmoother }

// Kind implements CycleDef.
func (*Windowed) Kind() CycleKind { return CycleWindowed }

// Kind implements CycleDef.
func (*Recurrence) Kind() CycleKind { return CycleRecurrence }

// Kind implements CycleDef.
func (*Sequence) Kind() CycleKind { return CycleSequence }

// Init is an initial distribution: *NormalInit.
type Init interface {
	// InitPos is where the distribution is written.
	InitPos() Pos
}

// NormalInit is normal(mean = m, std = s): independent draws around Mean.
type NormalInit struct {
	Pos  Pos
	Mean []float64 // one entry per state element (a scalar mean is broadcast)
	// MeanFrom names the constant the mean came from ("lorenz96.X0"), or ""
	// for a scalar mean; for doc comments only.
	MeanFrom string
	Std      float64
}

// InitPos implements Init.
func (n *NormalInit) InitPos() Pos { return n.Pos }

// Source is where a DA cycle's observations come from: *TwinSource,
// *FileSource or *GoSource.
type Source interface {
	// SourcePos is where the source is written.
	SourcePos() Pos
}

// TwinSource is a synthetic truth run from the initial distribution,
// observed as H(truth) + N(0, R): the classic twin experiment.
type TwinSource struct {
	Pos  Pos
	Seed uint64 // also seeds the ensemble and the analysis
}

// FileSource reads observations from a CSV or NetCDF file.
type FileSource struct {
	Pos  Pos
	Path string // relative to the .cyc file
}

// GoSource is a user Go function func(t float64, y []float64) (bool, error).
type GoSource struct {
	Pos Pos
	Ref *GoRef
}

// SourcePos implements Source.
func (s *TwinSource) SourcePos() Pos { return s.Pos }

// SourcePos implements Source.
func (s *FileSource) SourcePos() Pos { return s.Pos }

// SourcePos implements Source.
func (s *GoSource) SourcePos() Pos { return s.Pos }
