// Reading a NetCDF history (docs/history-format.md) for cyclec plot: the
// variables the figure needs, checked against the layout the runtime writes.
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strconv"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// runHistory is what cyclec plot reads from a NetCDF history.
type runHistory struct {
	path      string
	program   string // the program and cycle attributes, "" when absent
	cycle     string
	seed      string
	members   int
	timeUnits string // the time variable's units, "" when absent

	times []float64 // one a record
	steps []int

	stateDims  []string // the state's dimensions after time: one (vec) or two (grid)
	stateShape []int
	stateUnits string // the units attribute of analysis_mean, "" when absent

	// The record variables, record-major: records × state size (truth,
	// analysisMean) or records × obsSize (obs); nil when the file has none.
	truth, analysisMean, obs []float64
	obsDim                   string
	obsSize                  int

	rmseForecast, rmseAnalysis, spreadForecast, spreadAnalysis []float64
}

// historyVars are the variables every cyclec history has.
var historyVars = []string{"time", "analysis_mean", "rmse_forecast", "rmse_analysis", "spread_forecast", "spread_analysis"}

// readRunHistory opens the NetCDF history at path and reads what the
// figure needs. A file that is missing, not NetCDF, or not laid out as a
// cyclec history gets an error naming the file and what was expected.
func readRunHistory(path string) (*runHistory, error) {
	nc, err := cycrt.OpenNetCDF(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: %w", path, pe.Err)
		}
		return nil, fmt.Errorf("%s is not a NetCDF history: %w", path, err)
	}
	defer nc.Close()
	for _, name := range historyVars {
		if nc.Var(name) == nil {
			return nil, fmt.Errorf("%s is not a cyclec history: it has no variable %s (a history has %v; see docs/history-format.md)", path, name, historyVars)
		}
	}
	h := &runHistory{path: path, program: textAttr(nc, "program"), cycle: textAttr(nc, "cycle"), seed: textAttr(nc, "seed")}
	if a, ok := nc.Attr("ensemble_size"); ok && len(a.Values) == 1 {
		h.members = int(a.Values[0])
	}
	if err := h.readShapes(nc); err != nil {
		return nil, err
	}
	if h.times, err = h.readRecordVar(nc, "time", nil); err != nil {
		return nil, err
	}
	if u, ok := nc.Var("time").Attr("units"); ok {
		h.timeUnits = u.String()
	}
	if u, ok := nc.Var("analysis_mean").Attr("units"); ok {
		h.stateUnits = u.String()
	}
	if nc.Var("step") != nil {
		st, err := h.readRecordVar(nc, "step", nil)
		if err != nil {
			return nil, err
		}
		h.steps = make([]int, len(st))
		for k, v := range st {
			h.steps[k] = int(v)
		}
	}
	if h.analysisMean, err = h.readRecordVar(nc, "analysis_mean", h.stateDims); err != nil {
		return nil, err
	}
	if nc.Var("truth") != nil {
		if h.truth, err = h.readRecordVar(nc, "truth", h.stateDims); err != nil {
			return nil, err
		}
	}
	if v := nc.Var("observation"); v != nil {
		if len(v.Dims) != 2 {
			return nil, fmt.Errorf("%s: variable observation has %d dimensions, want 2 (time, obs)", path, len(v.Dims))
		}
		h.obsDim, h.obsSize = nc.Dims[v.Dims[1]].Name, v.Shape[1]
		if h.obs, err = h.readRecordVar(nc, "observation", []string{h.obsDim}); err != nil {
			return nil, err
		}
	}
	for _, s := range []struct {
		name string
		dst  *[]float64
	}{{"rmse_forecast", &h.rmseForecast}, {"rmse_analysis", &h.rmseAnalysis}, {"spread_forecast", &h.spreadForecast}, {"spread_analysis", &h.spreadAnalysis}} {
		if *s.dst, err = h.readRecordVar(nc, s.name, nil); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// readShapes takes the record count and the state's dimensions from
// analysis_mean, which is (time, i) or (time, i, j).
func (h *runHistory) readShapes(nc *cycrt.NetCDFFile) error {
	if nc.NumRecs == 0 {
		return fmt.Errorf("%s: the history has no records (want at least the initial one)", h.path)
	}
	v := nc.Var("analysis_mean")
	if !v.Record || len(v.Dims) < 2 || len(v.Dims) > 3 {
		return fmt.Errorf("%s: variable analysis_mean has dimensions %v, want (time, i) or (time, i, j)", h.path, dimNames(nc, v))
	}
	for k, d := range v.Dims[1:] {
		h.stateDims = append(h.stateDims, nc.Dims[d].Name)
		h.stateShape = append(h.stateShape, v.Shape[k+1])
	}
	for _, n := range h.stateShape {
		if n == 0 {
			return fmt.Errorf("%s: variable analysis_mean has an empty dimension (%v)", h.path, dimNames(nc, v))
		}
	}
	return nil
}

// readRecordVar reads the record variable name, checking that its
// dimensions are (time, dims...), and returns its values as float64.
func (h *runHistory) readRecordVar(nc *cycrt.NetCDFFile, name string, dims []string) ([]float64, error) {
	v := nc.Var(name)
	want := append([]string{"time"}, dims...)
	got := dimNames(nc, v)
	ok := v.Record && len(got) == len(want)
	for k := 0; ok && k < len(want); k++ {
		ok = got[k] == want[k]
	}
	if !ok {
		return nil, fmt.Errorf("%s: variable %s has dimensions %v, want %v", h.path, name, got, want)
	}
	vals, err := nc.ReadFloat64(name)
	if err != nil {
		return nil, err
	}
	return vals, nil
}

// dimNames lists the names of v's dimensions.
func dimNames(nc *cycrt.NetCDFFile, v *cycrt.NCVar) []string {
	names := make([]string, len(v.Dims))
	for k, d := range v.Dims {
		names[k] = nc.Dims[d].Name
	}
	return names
}

// textAttr is the global attribute name as text, "" when absent.
func textAttr(nc *cycrt.NetCDFFile, name string) string {
	a, ok := nc.Attr(name)
	if !ok {
		return ""
	}
	if a.Type != cycrt.NCChar && len(a.Values) == 1 && a.Values[0] == math.Trunc(a.Values[0]) {
		return strconv.FormatInt(int64(a.Values[0]), 10)
	}
	return a.String()
}

// records is the number of records.
func (h *runHistory) records() int { return len(h.times) }

// stateSize is the number of values in one state.
func (h *runHistory) stateSize() int {
	n := 1
	for _, s := range h.stateShape {
		n *= s
	}
	return n
}

// isGrid reports whether the state is two-dimensional (a grid carrier).
func (h *runHistory) isGrid() bool { return len(h.stateShape) == 2 }
