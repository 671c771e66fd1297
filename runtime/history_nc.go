// NetCDF history files (data.md §3): one CF record per recorded analysis, streamed, atomic, resumable.

package runtime

import (
	"fmt"
	"math"
)

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
	sStep, sTime, sMean, sSpread, rmseS, spreadS       int // a smoother's finished states; -1 without
	outer, cost, gradNorm                              int // a variational minimisation: outer loops, variables (-1 without)
	scalar                                             [1]float64
	loops                                              []float64 // Outer values: a record's per-loop values padded with fill
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
func CreateNetCDFHistory(path string, meta HistoryMeta) (*NetCDFHistory, error) {
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
func ReopenNetCDFHistory(path string, meta HistoryMeta, tempPath string, records int) (*NetCDFHistory, error) {
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
func RestoreNetCDFHistory(path string, meta HistoryMeta, data []byte) (*NetCDFHistory, error) {
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
func defineNetCDFHistory(path string, meta HistoryMeta) (*NetCDFHistory, error) {
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
	if meta.ObsSize < 0 || meta.Members < 0 || meta.Outer < 0 {
		return nil, fmt.Errorf("history %s: observation size %d, ensemble size %d and %d outer loops, want >= 0", path, meta.ObsSize, meta.Members, meta.Outer)
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
	h := &NetCDFHistory{w: w, path: path, n: n, p: meta.ObsSize, truth: -1, obs: -1, fMembers: -1, aMembers: -1,
		sStep: -1, sTime: -1, sMean: -1, sSpread: -1, rmseS: -1, spreadS: -1,
		outer: meta.Outer, cost: -1, gradNorm: -1, loops: make([]float64, meta.Outer)}
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
func (h *NetCDFHistory) define(meta HistoryMeta, obsDim string) error {
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
	if h.outer > 0 {
		dims = append(dims, dim{"outer", h.outer})
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
	// The variables keep their names either way, so that one script reads
	// both kinds of run; only what they hold is worded differently.
	words := historyWords(meta.Members)
	for _, f := range []struct {
		id   *int
		name string
		long string
	}{
		{&h.fMean, "forecast_mean", words.forecast + " " + words.mean},
		{&h.fSpread, "forecast_spread", words.forecast + " " + words.spread},
		{&h.aMean, "analysis_mean", words.analysis + " " + words.mean},
		{&h.aSpread, "analysis_spread", words.analysis + " " + words.spread},
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
		{&h.rmseF, "rmse_forecast", "RMSE of the forecast " + words.scored + " against the truth"},
		{&h.rmseA, "rmse_analysis", "RMSE of the analysis " + words.scored + " against the truth"},
		{&h.spreadF, "spread_forecast", words.forecast + " " + words.total},
		{&h.spreadA, "spread_analysis", words.analysis + " " + words.total},
	} {
		if *f.id, err = field(f.name, []string{"time"}, f.long); err != nil {
			return err
		}
	}
	if meta.Smoothed {
		if h.sStep, err = field("smoothed_step", []string{"time"}, "model step of the smoothed state this record carries (fill: none yet)"); err != nil {
			return err
		}
		if h.sTime, err = field("smoothed_time", []string{"time"}, "model time of the smoothed state this record carries"); err != nil {
			return err
		}
		for _, f := range []struct {
			id    *int
			name  string
			shape []string
			long  string
		}{
			{&h.sMean, "smoothed_mean", state, "mean of the smoothed ensemble of step smoothed_step, after its last update"},
			{&h.sSpread, "smoothed_spread", state, "spread of that ensemble (standard deviation, N-1)"},
			{&h.rmseS, "rmse_smoothed", []string{"time"}, "RMSE of the smoothed mean against the truth of step smoothed_step"},
			{&h.spreadS, "spread_smoothed", []string{"time"}, "smoothed ensemble spread, sqrt(mean of the variances)"},
		} {
			if *f.id, err = field(f.name, f.shape, f.long); err != nil {
				return err
			}
		}
	}
	if h.outer > 0 {
		if h.cost, err = field("cost", []string{"time", "outer"}, "nonlinear cost of the variational analysis at the end of each outer loop (fill: loop not made)"); err != nil {
			return err
		}
		if h.gradNorm, err = field("grad_norm", []string{"time", "outer"}, "norm of the cost's gradient in the preconditioned control variable at the start of each outer loop"); err != nil {
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
func (h *NetCDFHistory) Append(r *HistoryRecord) error {
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
		{h.sMean, r.SmoothedMean, h.n},
		{h.sSpread, r.SmoothedSpread, h.n},
	}
	for _, f := range fields {
		if f.vals != nil && f.id >= 0 && len(f.vals) != f.want {
			return fmt.Errorf("history %s: step %d: variable %s has %d values, want %d", h.path, r.Step, h.w.vars[f.id].Name, len(f.vals), f.want)
		}
	}
	loops := [...]struct {
		id   int
		vals []float64
	}{{h.cost, r.Cost}, {h.gradNorm, r.GradNorm}}
	for _, f := range loops {
		if f.vals != nil && f.id >= 0 && len(f.vals) > h.outer {
			return fmt.Errorf("history %s: step %d: variable %s has %d values, want at most %d", h.path, r.Step, h.w.vars[f.id].Name, len(f.vals), h.outer)
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
	if h.sStep >= 0 && r.SmoothedMean != nil {
		smoothed := [...]struct {
			id int
			v  float64
		}{{h.sStep, float64(r.SmoothedStep)}, {h.sTime, r.SmoothedTime}, {h.rmseS, r.RMSESmoothed}, {h.spreadS, r.SpreadSmoothed}}
		for _, s := range smoothed {
			h.scalar[0] = s.v
			if err := h.w.PutRecord(s.id, h.scalar[:]); err != nil {
				return fmt.Errorf("history: step %d: %w", r.Step, err)
			}
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
	for _, f := range loops {
		if f.id < 0 || f.vals == nil {
			continue
		}
		n := copy(h.loops, f.vals)
		for i := n; i < h.outer; i++ {
			h.loops[i] = math.NaN()
		}
		if err := h.w.PutRecord(f.id, h.loops); err != nil {
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

// SaveCheckpoint implements [ResumableHistory]: it writes the record
// count into the temporary file's header, syncs it and stores the file's
// base name and record count under name.
func (h *NetCDFHistory) SaveCheckpoint(c *Checkpoint, name string) error {
	if err := h.w.Flush(); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if err := h.w.f.Sync(); err != nil {
		return fmt.Errorf("history: %w", h.w.fail(err))
	}
	saveHistoryCheckpoint(c, name, historyNetCDF, h.w.TempPath(), int64(h.w.Records()))
	return nil
}

// Detach implements [ResumableHistory]: the temporary file is completed
// to the records so far, closed and left for a resumed run.
func (h *NetCDFHistory) Detach() { h.w.detach() }

// Close finishes the file and renames it into place, as History's Close.
func (h *NetCDFHistory) Close() error { return h.w.Close() }

// Discard removes the temporary file, as History's Discard.
func (h *NetCDFHistory) Discard() { h.w.Discard() }

// historyLongNames words the long_name attributes of a history's mean and
// spread variables.
type historyLongNames struct {
	forecast, analysis string // what is recorded before and after the analysis
	mean, spread       string // the state variables, after forecast/analysis
	total              string // the per-record spread, after forecast/analysis
	scored             string // what the RMSE scores
}

// historyWords returns the wording for a run of N members. Without an
// ensemble (N = 0: a da cycle's one state, or a deterministic forecast)
// the "mean" variables hold the state itself and the "spread" ones the
// square root of the analysis's own error variance (diag P for kf and
// ekf, diag B or diag (I−KH)B for oi and var3d), fill where the analysis
// has none (var4d, go analyses).
func historyWords(members int) historyLongNames {
	if members > 0 {
		return historyLongNames{
			forecast: "forecast ensemble", analysis: "analysis ensemble",
			mean: "mean", spread: "spread (standard deviation, N-1)",
			total: "spread, sqrt(mean of the variances)", scored: "mean",
		}
	}
	return historyLongNames{
		forecast: "forecast", analysis: "analysis",
		mean: "state", spread: "error standard deviation estimated by the analysis (fill: none)",
		total: "error spread estimated by the analysis, sqrt(mean of the variances) (fill: none)", scored: "state",
	}
}
