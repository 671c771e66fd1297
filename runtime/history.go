// History output: the History interface, the record and run description
// both file formats share, the choice of format by file name, and resuming
// a history from a checkpoint.

package runtime

import (
	"fmt"
	"path/filepath"
	"strings"
)

// History receives the records of a run as they are produced. The file
// histories ([CreateHistory]) appear under their name only when Close
// succeeds.
type History interface {
	// Append writes one record.
	Append(r *HistoryRecord) error
	// Close finishes the history. For a file it is only then that the
	// file appears under its name.
	Close() error
	// Discard abandons the history of a run that failed or was
	// interrupted: for a file, the temporary file is removed and nothing
	// appears under its name.
	Discard()
}

// ResumableHistory is a History that a checkpoint can continue: the
// NetCDF and text history files. [RunCycle] saves it at every checkpoint
// and, on --resume, continues it with [ResumeHistory].
type ResumableHistory interface {
	History
	// SaveCheckpoint hands every record so far to the operating system,
	// syncs the temporary file to disk and stores in c, under sections
	// name+".format", name+".file" and name+".pos", what ResumeHistory
	// needs to continue it: the format, the temporary file's base name
	// and its length in records (NetCDF) or bytes (text).
	SaveCheckpoint(c *Checkpoint, name string) error
	// Detach closes the temporary file and leaves it in place for a run
	// that resumes from a checkpoint; nothing appears under the name.
	Detach()
}

// HistoryMeta describes the run and the shapes of a history.
type HistoryMeta struct {
	Program    string // the .cyc file, as the user named it
	Cycle      string // the cycle's name
	Seed       uint64
	Version    string // the cyclec version
	ConfigHash string
	Title      string // the title attribute; "" gives "cyclec history of <cycle> (<program>)"

	// StateDims names the state's dimensions after the carrier's index
	// variables, slowest varying first: one for a vec carrier ("i"), two
	// for a grid ("i", "j"). StateShape gives their lengths.
	StateDims  []string
	StateShape []int

	// ObsSize is the number of values in an observation; 0 records no
	// observations. ObsDim names their dimension ("" gives "obs"); it must
	// differ from the state's dimensions, "time", "member" and "outer", so an
	// observation carrier indexed by the state's own index variable keeps
	// the default.
	ObsSize int
	ObsDim  string

	Members       int  // ensemble size N (0 for a run without an ensemble)
	RecordMembers bool // also record every member's forecast and analysis state (NetCDF only)
	Truth         bool // the run has a truth (a twin experiment)
	Smoothed      bool // the records carry a smoother's finished states (see HistoryRecord)

	// Outer is the number of outer loops of a variational analysis whose
	// minimisation the records carry (HistoryRecord's Cost and
	// GradNorm); 0 records none.
	Outer int

	Dt        float64 // the model step, in time units
	TimeUnits string  // units of the model time; "" gives "1" (dimensionless)

	Format NCFormat // 0 gives NC64BitOffset
}

// StateSize is the number of values of a state: the product of
// StateShape (0 without a shape).
func (m *HistoryMeta) StateSize() int {
	if len(m.StateShape) == 0 {
		return 0
	}
	n := 1
	for _, l := range m.StateShape {
		n *= l
	}
	return n
}

// HistoryRecord is one record of a history: the state of the cycle at
// one recorded analysis (or model step, for forecasts). Slices of the
// state have the state's size n (the product of StateShape, row-major);
// a nil slice is written as fill values (NaN), as is a NaN anywhere.
type HistoryRecord struct {
	Step int
	Time float64

	Truth                        []float64 // nil without a truth
	ForecastMean, ForecastSpread []float64 // the ensemble before the analysis; the state of a deterministic run
	AnalysisMean, AnalysisSpread []float64 // after the analysis (and inflation, rotation)
	Obs                          []float64 // the ObsSize values assimilated, NaN missing; nil for none

	// The record's scores (benchmarks.md, as [Stats] computes them): the
	// RMSE of the forecast and analysis means against the truth (NaN
	// when there is no truth) and the spreads, sqrt(mean_i var_i). Zero
	// is a value: pass NaN for a score that does not exist.
	RMSEForecast, RMSEAnalysis, SpreadForecast, SpreadAnalysis float64

	// With RecordMembers, the members' states, N·n values row-major
	// (member k at [k·n, (k+1)·n)); nil is written as fill.
	ForecastMembers, AnalysisMembers []float64

	// A smoother's record also carries the ensemble it has just
	// finished: the state at the earlier analysis step SmoothedStep (model
	// time SmoothedTime) after its last update, its mean and element-wise
	// spread, and their RMSE against that time's truth and spread score.
	// SmoothedMean nil means none.
	SmoothedStep                 int
	SmoothedTime                 float64
	SmoothedMean, SmoothedSpread []float64
	RMSESmoothed, SpreadSmoothed float64

	// A variational analysis's record also carries its minimisation, one
	// value per outer loop made (at most HistoryMeta.Outer; the loops not
	// made are written as fill): the nonlinear cost at the end of each
	// outer loop and the norm of its gradient at the start. nil means
	// none.
	Cost, GradNorm []float64
}

// IsNetCDFPath reports whether a history at path is written as NetCDF:
// its name ends in ".nc" (in any case). Any other name gets the text
// format.
func IsNetCDFPath(path string) bool {
	return strings.EqualFold(filepath.Ext(path), ".nc")
}

// CreateHistory creates the history file at path in the format its name
// asks for: NetCDF ([CreateNetCDFHistory]) for a name ending in .nc, the
// text format ([CreateTextHistory]) otherwise. Either is written to a
// temporary file in the same directory and renamed to path by Close.
func CreateHistory(path string, meta HistoryMeta) (ResumableHistory, error) {
	if IsNetCDFPath(path) {
		return nonNil(CreateNetCDFHistory(path, meta))
	}
	return nonNil(CreateTextHistory(path, meta))
}

// History formats as a checkpoint names them.
const (
	historyNetCDF = "netcdf"
	historyText   = "text"
)

// ResumeHistory continues the history at path from what
// [ResumableHistory.SaveCheckpoint] stored in c under name: the temporary
// file the interrupted run left, in the directory of path, cut back to
// the records the checkpoint counted. meta must be the run's; appending
// the records that follow gives the bytes an uninterrupted run writes.
func ResumeHistory(path string, meta HistoryMeta, c *Checkpoint, name string) (ResumableHistory, error) {
	format, err := c.Bytes(name + ".format")
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	want := historyText
	if IsNetCDFPath(path) {
		want = historyNetCDF
	}
	if string(format) != want {
		return nil, fmt.Errorf("history %s: the checkpoint holds a %s history, this run writes %s", path, format, want)
	}
	file, err := c.Bytes(name + ".file")
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	if len(file) == 0 || strings.ContainsAny(string(file), `/\`) || string(file) == "." || string(file) == ".." {
		return nil, fmt.Errorf("history %s: %s: section %q holds %q, not a file name", path, c.where(), name+".file", file)
	}
	var pos [1]int64
	if err := c.Ints(name+".pos", pos[:]); err != nil {
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	if pos[0] < 0 {
		return nil, fmt.Errorf("history %s: %s: section %q holds %d, want at least 0", path, c.where(), name+".pos", pos[0])
	}
	temp := filepath.Join(filepath.Dir(path), string(file))
	if want == historyNetCDF {
		return nonNil(ReopenNetCDFHistory(path, meta, temp, int(pos[0])))
	}
	return nonNil(reopenTextHistory(path, meta, temp, pos[0]))
}

// nonNil returns h as a ResumableHistory, or a nil interface (not a nil
// pointer in one) with the error.
func nonNil[H ResumableHistory](h H, err error) (ResumableHistory, error) {
	if err != nil {
		return nil, err
	}
	return h, nil
}

// saveHistoryCheckpoint stores the sections ResumeHistory reads.
func saveHistoryCheckpoint(c *Checkpoint, name, format, temp string, pos int64) {
	c.PutBytes(name+".format", []byte(format))
	c.PutBytes(name+".file", []byte(filepath.Base(temp)))
	c.PutInts(name+".pos", []int64{pos})
}

// NopHistory returns a History that discards everything.
func NopHistory() History { return nopHistory{} }

// nopHistory is the History of NopHistory.
type nopHistory struct{}

// Append implements History.
func (nopHistory) Append(*HistoryRecord) error { return nil }

// Close implements History.
func (nopHistory) Close() error { return nil }

// Discard implements History.
func (nopHistory) Discard() {}
