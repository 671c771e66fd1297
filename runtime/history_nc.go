// NetCDF history files (data.md §3): one CF record per recorded analysis, streamed, atomic, resumable.

package runtime

import (
	"fmt"
	"math"
)

// NetCDFHistoryMeta describes the run and the shapes of a NetCDF history.
type NetCDFHistoryMeta struct {
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
	// differ from the state's dimensions, "time" and "member", so an
	// observation carrier indexed by the state's own index variable keeps
	// the default.
	ObsSize int
	ObsDim  string

	Members       int  // ensemble size N (0 for a run without an ensemble)
	RecordMembers bool // also record every member's forecast and analysis state
	Truth         bool // the run has a truth (a twin experiment)

	Dt        float64 // the model step, in time units
	TimeUnits string  // units of the model time; "" gives "1" (dimensionless)

	Format NCFormat // 0 gives NC64BitOffset
}

// NetCDFHistoryRecord is one record of a NetCDF history: the state of the
// cycle at one recorded analysis. Slices of the state have the state's
// size n (the product of StateShape, row-major); a nil slice is written
// as fill values (NaN), as is a NaN anywhere.
type NetCDFHistoryRecord struct {
	Step int
	Time float64

	Truth                        []float64 // nil without a truth
	ForecastMean, ForecastSpread []float64 // the ensemble before the analysis
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
}

// NetCDFHistory writes a NetCDF history file; see [CreateNetCDFHistory]
// and docs/history-format.md for the layout.
type NetCDFHistory struct {
	w    *NetCDFWriter
	path string
	n    int // state size
	p    int // observation size
	m    int // recorded members, 0 if none

	step, time, truth                                  int
	fMean, fSpread, aMean, aSpread, obs                int
	rmseF, rmseA, spreadF, spreadA, fMembers, aMembers int
	scalar                                             [1]float64
}

// CreateNetCDFHistory creates the NetCDF history file at path. Like
// [CreateHistory] it writes to a temporary file in the same directory,
// renamed to path by Close; Discard, or any failure, removes it, so a
// failed or interrupted run leaves nothing under path.
//
// The caller appends one record per recorded time with
// [NetCDFHistory.Append]. By convention the first record is the initial
// state: step 0, time 0, the initial truth, and the initial ensemble mean
// and spread as both forecast and analysis, with no observations and
// scores computed from those (NaN without a truth).
func CreateNetCDFHistory(path string, meta NetCDFHistoryMeta) (*NetCDFHistory, error) {
	h, err := defineNetCDFHistory(path, meta)
	if err != nil {
		return nil, err
	}
	if err := h.w.Create(); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	if err := h.writeCoords(); err != nil {
		h.w.Discard()
		return nil, err
	}
	return h, nil
}

// ReopenNetCDFHistory continues the history of an interrupted run from
// the temporary file it left (the [NetCDFHistory.TempPath] a checkpoint
// stored, with [NetCDFHistory.Records]): meta must be the run's, the file
// is truncated to records records, and appending the records that
// followed gives the same bytes as an uninterrupted run.
func ReopenNetCDFHistory(path string, meta NetCDFHistoryMeta, tempPath string, records int) (*NetCDFHistory, error) {
	h, err := defineNetCDFHistory(path, meta)
	if err != nil {
		return nil, err
	}
	if err := h.w.Resume(tempPath, records); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return h, nil
}

// RestoreNetCDFHistory continues a history from the bytes
// [NetCDFHistory.AppendBytes] gave at a checkpoint, in a new temporary
// file; meta must be the run's.
func RestoreNetCDFHistory(path string, meta NetCDFHistoryMeta, data []byte) (*NetCDFHistory, error) {
	h, err := defineNetCDFHistory(path, meta)
	if err != nil {
		return nil, err
	}
	if err := h.w.ResumeBytes(data); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return h, nil
}

// defineNetCDFHistory checks meta and defines the file's dimensions,
// variables and attributes.
func defineNetCDFHistory(path string, meta NetCDFHistoryMeta) (*NetCDFHistory, error) {
	if len(meta.StateDims) == 0 || len(meta.StateDims) != len(meta.StateShape) {
		return nil, fmt.Errorf("history %s: %d state dimension names for %d lengths, want one or two of each", path, len(meta.StateDims), len(meta.StateShape))
	}
	n := 1
	for k, l := range meta.StateShape {
		if l <= 0 || l > math.MaxInt32/n {
			return nil, fmt.Errorf("history %s: state dimension %s has length %d, want > 0", path, meta.StateDims[k], l)
		}
		n *= l
	}
	if meta.ObsSize < 0 || meta.Members < 0 {
		return nil, fmt.Errorf("history %s: observation size %d and ensemble size %d, want >= 0", path, meta.ObsSize, meta.Members)
	}
	if meta.RecordMembers && meta.Members == 0 {
		return nil, fmt.Errorf("history %s: members recorded but the ensemble size is 0", path)
	}
	format := meta.Format
	if format == 0 {
		format = NC64BitOffset
	}
	w, err := NewNetCDFWriter(path, format)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	h := &NetCDFHistory{w: w, path: path, n: n, p: meta.ObsSize, truth: -1, obs: -1, fMembers: -1, aMembers: -1}
	if meta.RecordMembers {
		h.m = meta.Members
	}
	obsDim := meta.ObsDim
	if obsDim == "" {
		obsDim = "obs"
	}
	if err := h.define(meta, obsDim); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return h, nil
}

// define declares everything; names that clash are errors from the
// writer (a dimension or variable defined twice).
func (h *NetCDFHistory) define(meta NetCDFHistoryMeta, obsDim string) error {
	w := h.w
	type dim struct {
		name string
		n    int
	}
	dims := []dim{{"time", 0}}
	for k, d := range meta.StateDims {
		dims = append(dims, dim{d, meta.StateShape[k]})
	}
	if h.m > 0 {
		dims = append(dims, dim{"member", h.m})
	}
	if h.p > 0 {
		dims = append(dims, dim{obsDim, h.p})
	}
	for _, d := range dims {
		if _, err := w.AddDim(d.name, d.n); err != nil {
			return err
		}
	}
	title := meta.Title
	if title == "" {
		title = fmt.Sprintf("cyclec history of %s (%s)", meta.Cycle, meta.Program)
	}
	seed := NCText("seed", fmt.Sprint(meta.Seed))
	if meta.Seed <= math.MaxInt32 {
		seed = NCInts("seed", int(meta.Seed))
	}
	units := meta.TimeUnits
	if units == "" {
		units = "1"
	}
	for _, a := range []NCAttr{
		NCText("Conventions", "CF-1.8"),
		NCText("title", title),
		NCText("program", meta.Program),
		NCText("cycle", meta.Cycle),
		seed,
		NCText("cyclec_version", meta.Version),
		NCText("config_hash", meta.ConfigHash),
		NCInts("ensemble_size", meta.Members),
		NCDoubles("model_dt", meta.Dt),
	} {
		if err := w.AddAttr(a); err != nil {
			return err
		}
	}
	// Coordinates of the fixed dimensions: their indices.
	for _, d := range dims[1:] {
		if _, err := w.AddVar(d.name, NCInt, []string{d.name}, NCText("long_name", "index "+d.name)); err != nil {
			return err
		}
	}
	var err error
	if h.time, err = w.AddVar("time", NCDouble, []string{"time"},
		NCText("standard_name", "time"), NCText("long_name", "model time"),
		NCText("units", units), NCText("axis", "T")); err != nil {
		return err
	}
	if h.step, err = w.AddVar("step", NCInt, []string{"time"}, NCText("long_name", "model step")); err != nil {
		return err
	}
	state := append([]string{"time"}, meta.StateDims...)
	members := append([]string{"time", "member"}, meta.StateDims...)
	field := func(name string, shape []string, long string) (int, error) {
		return w.AddVar(name, NCDouble, shape, NCText("long_name", long), NCDoubles("_FillValue", math.NaN()))
	}
	if meta.Truth {
		if h.truth, err = field("truth", state, "true state"); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		id   *int
		name string
		long string
	}{
		{&h.fMean, "forecast_mean", "forecast ensemble mean"},
		{&h.fSpread, "forecast_spread", "forecast ensemble spread (standard deviation, N-1)"},
		{&h.aMean, "analysis_mean", "analysis ensemble mean"},
		{&h.aSpread, "analysis_spread", "analysis ensemble spread (standard deviation, N-1)"},
	} {
		if *f.id, err = field(f.name, state, f.long); err != nil {
			return err
		}
	}
	if h.p > 0 {
		if h.obs, err = field("observation", []string{"time", obsDim}, "observations assimilated (NaN: missing)"); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		id   *int
		name string
		long string
	}{
		{&h.rmseF, "rmse_forecast", "RMSE of the forecast mean against the truth"},
		{&h.rmseA, "rmse_analysis", "RMSE of the analysis mean against the truth"},
		{&h.spreadF, "spread_forecast", "forecast ensemble spread, sqrt(mean of the variances)"},
		{&h.spreadA, "spread_analysis", "analysis ensemble spread, sqrt(mean of the variances)"},
	} {
		if *f.id, err = field(f.name, []string{"time"}, f.long); err != nil {
			return err
		}
	}
	if h.m > 0 {
		if h.fMembers, err = field("forecast_members", members, "forecast ensemble members"); err != nil {
			return err
		}
		if h.aMembers, err = field("analysis_members", members, "analysis ensemble members"); err != nil {
			return err
		}
	}
	return nil
}

// writeCoords writes the index coordinates of the fixed dimensions.
func (h *NetCDFHistory) writeCoords() error {
	for v := range h.w.vars {
		vr := &h.w.vars[v]
		if vr.Record {
			continue
		}
		idx := make([]float64, vr.Shape[0])
		for i := range idx {
			idx[i] = float64(i)
		}
		if err := h.w.WriteVar(v, idx); err != nil {
			return fmt.Errorf("history: %w", err)
		}
	}
	return nil
}

// Append writes one record. The lengths are checked before anything is
// written, so a record with a wrong length is refused whole. It
// allocates nothing.
func (h *NetCDFHistory) Append(r *NetCDFHistoryRecord) error {
	if r == nil {
		return fmt.Errorf("history %s: nil record", h.path)
	}
	if r.Step < math.MinInt32 || r.Step > math.MaxInt32 {
		return fmt.Errorf("history %s: step %d does not fit in a NetCDF int", h.path, r.Step)
	}
	fields := [...]struct {
		id   int
		vals []float64
		want int
	}{
		{h.truth, r.Truth, h.n},
		{h.fMean, r.ForecastMean, h.n},
		{h.fSpread, r.ForecastSpread, h.n},
		{h.aMean, r.AnalysisMean, h.n},
		{h.aSpread, r.AnalysisSpread, h.n},
		{h.obs, r.Obs, h.p},
		{h.fMembers, r.ForecastMembers, h.m * h.n},
		{h.aMembers, r.AnalysisMembers, h.m * h.n},
	}
	for _, f := range fields {
		if f.vals != nil && f.id >= 0 && len(f.vals) != f.want {
			return fmt.Errorf("history %s: step %d: variable %s has %d values, want %d", h.path, r.Step, h.w.vars[f.id].Name, len(f.vals), f.want)
		}
	}
	scalars := [...]struct {
		id int
		v  float64
	}{{h.step, float64(r.Step)}, {h.time, r.Time}, {h.rmseF, r.RMSEForecast}, {h.rmseA, r.RMSEAnalysis}, {h.spreadF, r.SpreadForecast}, {h.spreadA, r.SpreadAnalysis}}
	for _, s := range scalars {
		h.scalar[0] = s.v
		if err := h.w.PutRecord(s.id, h.scalar[:]); err != nil {
			return fmt.Errorf("history: step %d: %w", r.Step, err)
		}
	}
	for _, f := range fields {
		if f.id < 0 || f.vals == nil {
			continue
		}
		if err := h.w.PutRecord(f.id, f.vals); err != nil {
			return fmt.Errorf("history: step %d: %w", r.Step, err)
		}
	}
	if err := h.w.AppendRecord(); err != nil {
		return fmt.Errorf("history: step %d: %w", r.Step, err)
	}
	return nil
}

// Records is the number of records appended so far: what a checkpoint
// stores to reopen the history with [ReopenNetCDFHistory].
func (h *NetCDFHistory) Records() int { return h.w.Records() }

// TempPath is the temporary file the history is written to until Close.
func (h *NetCDFHistory) TempPath() string { return h.w.TempPath() }

// Flush writes the record count into the temporary file's header, making
// it a complete NetCDF file of the records so far.
func (h *NetCDFHistory) Flush() error { return h.w.Flush() }

// AppendBytes appends the history's bytes so far, a complete NetCDF file,
// to dst: what a checkpoint stores to continue with
// [RestoreNetCDFHistory].
func (h *NetCDFHistory) AppendBytes(dst []byte) ([]byte, error) { return h.w.AppendBytes(dst) }

// Close finishes the file and renames it into place, as History's Close.
func (h *NetCDFHistory) Close() error { return h.w.Close() }

// Discard removes the temporary file, as History's Discard.
func (h *NetCDFHistory) Discard() { h.w.Discard() }
