// Observation sources read from files: records matched to the cycle's analysis times (data.md §2).

package runtime

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
)

// ObsTable is an observation file held in memory, whatever its format:
// one record per observation time, in increasing time.
type ObsTable struct {
	Path   string    // the file, for messages
	P      int       // values per record
	Times  []float64 // model time of each record
	Values []float64 // len(Times)×P, row-major; NaN marks a missing value
	// Lines gives the file line of each record (the CSV reader sets it);
	// when nil, messages name records by their index along the time
	// dimension, from 0, as NetCDF tools do.
	Lines []int
}

// where names record i for a message: "obs.csv:12" or "obs.nc: time index 3".
func (tab *ObsTable) where(i int) string {
	if i < len(tab.Lines) {
		return fmt.Sprintf("%s:%d", tab.Path, tab.Lines[i])
	}
	return fmt.Sprintf("%s: time index %d", tab.Path, i)
}

// check validates the table's shape, its times (finite, strictly
// increasing) and values (finite or NaN, not all missing), so that a
// table from any reader meets the CSV reader's guarantees.
func (tab *ObsTable) check(p int) error {
	n := len(tab.Times)
	switch {
	case tab.P != p:
		return fmt.Errorf("%s: %d values per record, but the observation has %d", tab.Path, tab.P, p)
	case p < 1:
		return fmt.Errorf("%s: %d values per record, want at least 1", tab.Path, p)
	case n == 0:
		return fmt.Errorf("%s: no records", tab.Path)
	case len(tab.Values) != n*p:
		return fmt.Errorf("%s: %d values for %d records of %d, want %d", tab.Path, len(tab.Values), n, p, n*p)
	case tab.Lines != nil && len(tab.Lines) != n:
		return fmt.Errorf("%s: %d line numbers for %d records", tab.Path, len(tab.Lines), n)
	}
	present := 0
	for i, t := range tab.Times {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return fmt.Errorf("%s: time is %v, want a finite number", tab.where(i), t)
		}
		if i > 0 && !(t > tab.Times[i-1]) {
			return fmt.Errorf("%s: time %v is not after time %v of the record before: records must be in increasing time",
				tab.where(i), t, tab.Times[i-1])
		}
		for j, v := range tab.Values[i*p : (i+1)*p] {
			switch {
			case math.IsInf(v, 0):
				return fmt.Errorf("%s: value %d is %v, want a finite number or a missing value", tab.where(i), j+1, v)
			case !math.IsNaN(v):
				present++
			}
		}
	}
	if present == 0 {
		return fmt.Errorf("%s: every value of the %d records is missing", tab.Path, n)
	}
	return nil
}

// AnalysisGrid describes when a cycle makes its analyses. The cycle's
// model time is k·DT after k steps; by default an analysis follows every
// ObsEvery steps, at the times ObsEvery·DT, 2·ObsEvery·DT, … up to Steps
// steps (Steps/ObsEvery analyses; none at time 0). When Times is not nil
// it lists the analysis times instead (increasing, at least one model
// step apart) and ObsEvery and Steps are not used.
type AnalysisGrid struct {
	DT       float64   // model time step (> 0)
	ObsEvery int       // model steps between analyses (>= 1)
	Steps    int       // model steps of the run (>= 0)
	Times    []float64 // explicit analysis times, or nil
}

// check validates the grid.
func (g *AnalysisGrid) check() error {
	switch {
	case !(g.DT > 0) || math.IsInf(g.DT, 0):
		return fmt.Errorf("analysis times: model step %v, want a finite value > 0", g.DT)
	case g.Times != nil:
		for i, t := range g.Times {
			if math.IsNaN(t) || math.IsInf(t, 0) {
				return fmt.Errorf("analysis times: time %d is %v, want a finite number", i, t)
			}
			if i > 0 && !(t-g.Times[i-1] >= g.DT*(1-1e-9)) {
				return fmt.Errorf("analysis times: %v follows %v by less than a model step (%v)", t, g.Times[i-1], g.DT)
			}
		}
	case g.ObsEvery < 1:
		return fmt.Errorf("analysis times: obs_every = %d, want at least 1", g.ObsEvery)
	case g.Steps < 0:
		return fmt.Errorf("analysis times: steps = %d, want at least 0", g.Steps)
	}
	return nil
}

// count returns the number of analyses.
func (g *AnalysisGrid) count() int {
	if g.Times != nil {
		return len(g.Times)
	}
	return g.Steps / g.ObsEvery
}

// time returns the time of analysis k (from 0), computed as the cycle
// computes its model time: steps × DT.
func (g *AnalysisGrid) time(k int) float64 {
	if g.Times != nil {
		return g.Times[k]
	}
	return float64((k+1)*g.ObsEvery) * g.DT
}

// below returns the last analysis whose time is <= t, or -1 when t is
// before the first (count() > 0).
func (g *AnalysisGrid) below(t float64) int {
	K := g.count()
	if g.Times == nil {
		k := int(math.Floor(t/(float64(g.ObsEvery)*g.DT))) - 1
		k = min(max(k, -1), K-1)
		// Correct the rounding of the division against time(k).
		for k+1 < K && g.time(k+1) <= t {
			k++
		}
		for k >= 0 && g.time(k) > t {
			k--
		}
		return k
	}
	lo, hi := 0, K // the first analysis with time > t is in [lo, hi]
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if g.Times[m] <= t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}

// FileSource is an [ObsSource] over the records of an observation file,
// each matched to one analysis of the cycle when the source is built:
//
//   - A record belongs to the analysis whose time is within half a model
//     step of its time (|t_record - t_analysis| < DT/2).
//   - A record before the first analysis, or between analyses, is an
//     error naming the record and the nearest analysis times; two records
//     for the same analysis are an error naming both.
//   - Records more than half a step after the last analysis of the run are
//     not used (a run may be shorter than its file); [FileSource.Unused]
//     counts them.
//   - An analysis with no record, or whose record has every value missing,
//     gets ok = false from Observe; missing values are NaN in y.
//
// So every error in the file is met before the run starts. Observe does
// not allocate; a FileSource is immutable and safe for concurrent use.
type FileSource struct {
	path   string
	p      int
	tol    float64   // half a model step
	at     []float64 // analysis time of each usable record, increasing
	vals   []float64 // their values, len(at)×p
	unused int
}

// obsReaders maps a file extension (lower case) to the reader of that
// format, for [OpenObsFile].
var obsReaders = map[string]func(path string, p int) (*ObsTable, error){
	".csv": ReadObsCSV,
	".nc":  readObsNetCDF,
}

// readObsNetCDF reads a NetCDF observation file (see [ReadNetCDFObs]) into
// a table.
func readObsNetCDF(path string, p int) (*ObsTable, error) {
	times, y, err := ReadNetCDFObs(path, p)
	if err != nil {
		return nil, err
	}
	return &ObsTable{Path: path, P: p, Times: times, Values: y}, nil
}

// OpenObsFile reads the observation file at path in the format its
// extension names (.csv or .nc) and
// matches its records to the analyses of grid (see [FileSource]). p is the
// size of the cycle's observation.
func OpenObsFile(path string, p int, grid AnalysisGrid) (*FileSource, error) {
	ext := strings.ToLower(filepath.Ext(path))
	read, ok := obsReaders[ext]
	switch {
	case !ok:
		return nil, fmt.Errorf("%s: unknown observation file format %q, want .csv or .nc", path, ext)
	}
	tab, err := read(path, p)
	if err != nil {
		return nil, err
	}
	return NewFileSourceTable(tab, grid)
}

// NewFileSource matches the records of an observation file already read
// (by a reader that does not know lines, such as the NetCDF one) to the
// analyses of grid: times holds the record times, y the records' p values
// each, row-major, NaN for a missing value. path names the file in
// messages, which name records by their time index from 0. See
// [FileSource] for the rules; y is copied.
func NewFileSource(path string, times, y []float64, p int, grid AnalysisGrid) (*FileSource, error) {
	return NewFileSourceTable(&ObsTable{Path: path, P: p, Times: times, Values: y}, grid)
}

// NewFileSourceTable validates tab (shape, finite increasing times, not
// every value missing) and matches its records to the analyses of grid
// (see [FileSource]). The values are copied.
func NewFileSourceTable(tab *ObsTable, grid AnalysisGrid) (*FileSource, error) {
	if tab == nil {
		return nil, fmt.Errorf("observation file: no table")
	}
	if err := tab.check(tab.P); err != nil {
		return nil, err
	}
	if err := grid.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", tab.Path, err)
	}
	p, K := tab.P, grid.count()
	s := &FileSource{path: tab.Path, p: p, tol: grid.DT / 2}
	owner := -1 // the record matched to the latest analysis
	lastK := -1 // that analysis
	for i, t := range tab.Times {
		if K == 0 || t >= grid.time(K-1)+s.tol {
			s.unused = len(tab.Times) - i
			break
		}
		k := grid.below(t)
		if k+1 < K && (k < 0 || grid.time(k+1)-t < t-grid.time(k)) {
			k++ // the nearer of the two
		}
		if !(math.Abs(t-grid.time(k)) < s.tol) {
			return nil, fmt.Errorf("%s: %w", tab.where(i), s.offGrid(t, &grid))
		}
		if k == lastK {
			return nil, fmt.Errorf("%s: record at time %v is for the analysis at time %v, like the record at time %v (%s): want one record per analysis",
				tab.where(i), t, grid.time(k), tab.Times[owner], tab.where(owner))
		}
		owner, lastK = i, k
		row := tab.Values[i*p : (i+1)*p]
		if anyPresent(row) {
			s.at = append(s.at, grid.time(k))
			s.vals = append(s.vals, row...)
		}
	}
	return s, nil
}

// offGrid explains why a record at time t belongs to no analysis.
func (s *FileSource) offGrid(t float64, g *AnalysisGrid) error {
	k := g.below(t)
	every := ""
	if g.Times == nil {
		every = fmt.Sprintf(" (one every %d steps of %v)", g.ObsEvery, g.DT)
	}
	if k < 0 {
		return fmt.Errorf("record at time %v is before the first analysis, at time %v%s; a cycle makes no analysis at its initial time",
			t, g.time(0), every)
	}
	return fmt.Errorf("record at time %v is not within half a model step (%v) of an analysis time: the nearest are %v and %v%s",
		t, s.tol, g.time(k), g.time(k+1), every)
}

// anyPresent reports whether some value of row is not NaN.
func anyPresent(row []float64) bool {
	for _, v := range row {
		if !math.IsNaN(v) {
			return true
		}
	}
	return false
}

// Observe copies into y the record for the analysis at model time t and
// reports true, or reports false when no record (or one with every value
// missing) belongs to that time. Missing values are NaN. y must have the
// observation's length p.
func (s *FileSource) Observe(t float64, y []float64) (bool, error) {
	if len(y) != s.p {
		return false, fmt.Errorf("%s: observation has %d values, want %d", s.path, len(y), s.p)
	}
	lo, hi := 0, len(s.at) // first record with at > t - tol
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.at[m] <= t-s.tol {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(s.at) || !(math.Abs(s.at[lo]-t) < s.tol) {
		return false, nil
	}
	copy(y, s.vals[lo*s.p:(lo+1)*s.p])
	return true, nil
}

// Observations returns the number of analyses that have an observation
// (a record with at least one value present).
func (s *FileSource) Observations() int { return len(s.at) }

// Unused returns the number of records after the last analysis of the
// run, which the run does not read.
func (s *FileSource) Unused() int { return s.unused }

// Path returns the file the source was read from.
func (s *FileSource) Path() string { return s.path }
