// The plain-text history format: one line per state of a record, written
// atomically and resumable from a checkpoint.

package runtime

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// historyFormat is the first header line of a text history file.
const historyFormat = "cyclec history v1"

// CreateTextHistory creates the text history file at path (format below;
// docs/history-format.md has the same description with reading examples).
// It writes to a temporary file in the same directory, which Close renames
// to path, so no half-written file is ever left under path: a failed
// Append or Close removes the temporary file.
//
// The format is plain text, one line per state of a record, readable by
// numpy.loadtxt, numpy.genfromtxt and pandas.read_csv(sep=r"\s+",
// comment="#", header=None):
//
//	# cyclec history v1
//	# program: l96.cyc
//	# cycle: l96_etkf
//	# dim: 3
//	# seed: 1
//	# config_hash: 3f2a9c41d0e5b7a8
//	# columns: step time kind mean_0 mean_1 mean_2 spread_0 spread_1 spread_2
//	0 0 truth 1.2 -0.5 3 nan nan nan
//	1 0.05 forecast 1.1 -0.4 2.9 0.3 0.2 0.25
//
// A [HistoryRecord] gives up to three lines, in this order: its truth
// (kind truth), its forecast (kind forecast, or state for a run without
// an ensemble) and its analysis (kind analysis); absent parts give no
// line. A variational analysis's record (meta.Outer > 0, the header then
// has an outer line) adds one line of kind outer per outer loop made, in
// loop order: mean_0 is the cost at the loop's end, spread_0 the
// gradient norm at its start, every other column nan. A smoother's record
// ends with the line of kind smoothed, at the smoothed state's own step. Every line has 3 + 2·dim whitespace-separated fields: the integer
// step, the model time, the kind, dim means and dim spreads. A line
// without spread (the truth, a deterministic state) has nan spreads.
// Observations, scores and members are only in the NetCDF format.
// Numbers are written in Go's shortest round-tripping form ('g'), with
// nan, inf and -inf spelled in lower case. Header lines start with '#';
// the meta values are written as given, with newlines replaced by spaces,
// and the config_hash line is left out when there is no hash.
func CreateTextHistory(path string, meta HistoryMeta) (*TextHistory, error) {
	h, header, err := newTextHistory(path, meta)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	h.f, h.w = f, bufio.NewWriter(f)
	// CreateTemp makes the file private (0600); a history is an ordinary
	// output file that others on the machine may read, like one os.Create
	// makes.
	if err := f.Chmod(0o644); err != nil {
		h.abort()
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	if err := h.write(header); err != nil {
		return nil, err
	}
	return h, nil
}

// reopenTextHistory continues the temporary file temp that an
// interrupted run left: its header must be the one meta gives, and it is
// cut back to size bytes.
func reopenTextHistory(path string, meta HistoryMeta, temp string, size int64) (*TextHistory, error) {
	h, header, err := newTextHistory(path, meta)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(temp, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("history %s: resume: %w", path, err)
	}
	got := make([]byte, len(header))
	if _, err := f.ReadAt(got, 0); err != nil || string(got) != string(header) {
		f.Close()
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("history %s: resume from %s: reading the header: %w", path, temp, err)
		}
		return nil, fmt.Errorf("history %s: resume from %s: the file's header is not the one this run writes (a different program or settings)", path, temp)
	}
	st, err := f.Stat()
	if err == nil && (st.Size() < size || size < int64(len(header))) {
		err = fmt.Errorf("the file has %d bytes, the checkpoint counted %d", st.Size(), size)
	}
	if err == nil {
		err = f.Truncate(size)
	}
	if err == nil {
		_, err = f.Seek(size, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("history %s: resume from %s: %w", path, temp, err)
	}
	h.f, h.w, h.size = f, bufio.NewWriter(f), size
	return h, nil
}

// newTextHistory checks meta and returns the history, without a file, and
// its header.
func newTextHistory(path string, meta HistoryMeta) (*TextHistory, []byte, error) {
	dim := meta.StateSize()
	if dim <= 0 {
		return nil, nil, fmt.Errorf("history %s: state of shape %v, want at least one value", path, meta.StateShape)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n", historyFormat)
	fmt.Fprintf(&b, "# program: %s\n", oneLine(meta.Program))
	fmt.Fprintf(&b, "# cycle: %s\n", oneLine(meta.Cycle))
	fmt.Fprintf(&b, "# dim: %d\n", dim)
	fmt.Fprintf(&b, "# seed: %d\n", meta.Seed)
	if meta.ConfigHash != "" {
		fmt.Fprintf(&b, "# config_hash: %s\n", oneLine(meta.ConfigHash))
	}
	if meta.Outer < 0 {
		return nil, nil, fmt.Errorf("history %s: %d outer loops, want >= 0", path, meta.Outer)
	}
	if meta.Outer > 0 {
		fmt.Fprintf(&b, "# outer: %d\n", meta.Outer)
	}
	b.WriteString("# columns: step time kind")
	for _, name := range []string{"mean", "spread"} {
		for i := 0; i < dim; i++ {
			fmt.Fprintf(&b, " %s_%d", name, i)
		}
	}
	b.WriteByte('\n')
	stateKind := "forecast"
	if meta.Members == 0 {
		stateKind = "state"
	}
	return &TextHistory{path: path, dim: dim, stateKind: stateKind, outer: meta.Outer}, []byte(b.String()), nil
}

// TextHistory writes a text history file; see [CreateTextHistory].
type TextHistory struct {
	path      string
	f         *os.File
	w         *bufio.Writer
	size      int64 // bytes handed to w so far
	dim       int
	stateKind string // kind of the forecast line: forecast, or state without an ensemble
	outer     int    // outer loops a record's minimisation may have (0: none recorded)
	buf       []byte
	err       error // first error; the history is then dead
	done      bool
}

// Append implements History: the record's truth, forecast, analysis,
// outer-loop and smoothed lines. Every state slice must have length dim
// or be nil, Cost and GradNorm at most the meta's Outer values (the
// same number, or one of them nil). Once the buffer has grown to a
// record's length it allocates nothing.
func (h *TextHistory) Append(r *HistoryRecord) error {
	if h.err != nil {
		return h.err
	}
	if h.done {
		return fmt.Errorf("history %s: record after Close", h.path)
	}
	if r == nil {
		return fmt.Errorf("history %s: nil record", h.path)
	}
	parts := [...]struct {
		kind         string
		step         int
		time         float64
		mean, spread []float64
	}{
		{"truth", r.Step, r.Time, r.Truth, nil},
		{h.stateKind, r.Step, r.Time, r.ForecastMean, r.ForecastSpread},
		{"analysis", r.Step, r.Time, r.AnalysisMean, r.AnalysisSpread},
		// A smoother's finished state, at its own (earlier) step and time.
		{"smoothed", r.SmoothedStep, r.SmoothedTime, r.SmoothedMean, r.SmoothedSpread},
	}
	for _, p := range parts {
		if (p.mean != nil && len(p.mean) != h.dim) || (p.spread != nil && len(p.spread) != h.dim) {
			return fmt.Errorf("history %s: %s at step %d has %d means and %d spreads, want %d or none", h.path, p.kind, r.Step, len(p.mean), len(p.spread), h.dim)
		}
	}
	loops := 0
	if h.outer > 0 {
		loops = max(len(r.Cost), len(r.GradNorm))
		if loops > h.outer || (r.Cost != nil && r.GradNorm != nil && len(r.Cost) != len(r.GradNorm)) {
			return fmt.Errorf("history %s: step %d has %d costs and %d gradient norms, want the same number, at most %d", h.path, r.Step, len(r.Cost), len(r.GradNorm), h.outer)
		}
	}
	b := h.buf[:0]
	for _, p := range parts[:3] {
		b = h.appendState(b, p.step, p.time, p.kind, p.mean, p.spread)
	}
	// The minimisation belongs to the record's own analysis; a smoother's
	// earlier state comes last.
	for o := 0; o < loops; o++ {
		b = h.appendOuter(b, r, o)
	}
	sm := parts[3]
	b = h.appendState(b, sm.step, sm.time, sm.kind, sm.mean, sm.spread)
	h.buf = b
	return h.write(b)
}

// appendState appends the line of a state of kind kind (none when mean
// is nil); a nil spread is written as nan.
func (h *TextHistory) appendState(b []byte, step int, time float64, kind string, mean, spread []float64) []byte {
	if mean == nil {
		return b
	}
	b = strconv.AppendInt(b, int64(step), 10)
	b = append(b, ' ')
	b = appendNumber(b, time)
	b = append(b, ' ')
	b = append(b, kind...)
	for _, v := range mean {
		b = append(b, ' ')
		b = appendNumber(b, v)
	}
	for i := 0; i < h.dim; i++ {
		b = append(b, ' ')
		if spread == nil {
			b = append(b, "nan"...)
		} else {
			b = appendNumber(b, spread[i])
		}
	}
	return append(b, '\n')
}

// appendOuter appends the line of kind outer of outer loop o of r: the
// cost at its end as mean_0, the gradient norm at its start as spread_0
// (nan where r has none) and nan in every other column.
func (h *TextHistory) appendOuter(b []byte, r *HistoryRecord, o int) []byte {
	at := func(v []float64) float64 {
		if o < len(v) {
			return v[o]
		}
		return math.NaN()
	}
	b = strconv.AppendInt(b, int64(r.Step), 10)
	b = append(b, ' ')
	b = appendNumber(b, r.Time)
	b = append(b, " outer"...)
	for i := 0; i < 2*h.dim; i++ {
		b = append(b, ' ')
		switch i {
		case 0:
			b = appendNumber(b, at(r.Cost))
		case h.dim:
			b = appendNumber(b, at(r.GradNorm))
		default:
			b = append(b, "nan"...)
		}
	}
	return append(b, '\n')
}

// write hands b to the buffered writer, killing the history on failure.
func (h *TextHistory) write(b []byte) error {
	if _, err := h.w.Write(b); err != nil {
		h.err = fmt.Errorf("history %s: %w", h.path, err)
		h.abort()
		return h.err
	}
	h.size += int64(len(b))
	return nil
}

// SaveCheckpoint implements [ResumableHistory]: it flushes and syncs the
// temporary file and stores its base name and length in bytes.
func (h *TextHistory) SaveCheckpoint(c *Checkpoint, name string) error {
	if h.err != nil {
		return h.err
	}
	if h.done {
		return fmt.Errorf("history %s: checkpoint after Close", h.path)
	}
	err := h.w.Flush()
	if err == nil {
		err = h.f.Sync()
	}
	if err != nil {
		h.err = fmt.Errorf("history %s: %w", h.path, err)
		h.abort()
		return h.err
	}
	saveHistoryCheckpoint(c, name, historyText, h.f.Name(), h.size)
	return nil
}

// Detach implements [ResumableHistory]: it flushes and closes the
// temporary file and leaves it for a resumed run.
func (h *TextHistory) Detach() {
	if h.done {
		return
	}
	h.done = true
	if h.err == nil {
		_ = h.w.Flush()
	}
	_ = h.f.Close()
}

// Close implements History: it flushes, syncs and renames the temporary
// file into place, or removes it if anything failed.
func (h *TextHistory) Close() error {
	if h.done || h.err != nil {
		return h.err
	}
	h.done = true
	err := h.w.Flush()
	if err == nil {
		err = h.f.Sync()
	}
	if cerr := h.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(h.f.Name(), h.path)
	}
	if err != nil {
		_ = os.Remove(h.f.Name())
		h.err = fmt.Errorf("history %s: %w", h.path, err)
	}
	return h.err
}

// abort closes and removes the temporary file after a failure.
func (h *TextHistory) abort() {
	h.done = true
	_ = h.f.Close()
	_ = os.Remove(h.f.Name())
}

// Discard implements History: the temporary file is removed, unless
// Close already put the file in place.
func (h *TextHistory) Discard() {
	if !h.done {
		h.abort()
	}
}

// appendNumber appends v in the history number format.
func appendNumber(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "nan"...)
	case math.IsInf(v, 1):
		return append(b, "inf"...)
	case math.IsInf(v, -1):
		return append(b, "-inf"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// oneLine replaces line breaks so a value fits on one header line.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}
