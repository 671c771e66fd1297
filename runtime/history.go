// History output: the History interface and its plain-text file format.

package runtime

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// History receives the records of a run (truth, forecast and analysis
// means and spreads) as they are produced.
type History interface {
	// Record appends one record.
	Record(r *Record) error
	// Close finishes the history. For a file it is only then that the
	// file appears under its name.
	Close() error
	// Discard abandons the history of a run that failed or was
	// interrupted: for a file, the temporary file is removed and nothing
	// appears under its name.
	Discard()
}

// Record is one line of history: the mean (and, for ensembles, the spread)
// of one kind of state at one model step.
type Record struct {
	Step   int
	Time   float64
	Kind   string // "truth", "forecast", "analysis" or "state"; one word
	Mean   []float64
	Spread []float64 // nil when there is no ensemble
}

// HistoryMeta describes the run a history file comes from.
type HistoryMeta struct {
	Program, Cycle string
	Dim            int
	Seed           uint64
}

// historyFormat is the first header line of a history file.
const historyFormat = "cyclec history v1"

// CreateHistory creates the text history file at path (format below;
// docs/history-format.md has the same description with reading examples).
// It writes to a temporary file in the same directory, which Close renames
// to path, so no half-written file is ever left under path: a failed
// Record or Close removes the temporary file.
//
// The format is plain text, one record a line, readable by
// numpy.loadtxt, numpy.genfromtxt and pandas.read_csv(sep=r"\s+",
// comment="#", header=None):
//
//	# cyclec history v1
//	# program: l96.cyc
//	# cycle: l96_etkf
//	# dim: 3
//	# seed: 1
//	# columns: step time kind mean_0 mean_1 mean_2 spread_0 spread_1 spread_2
//	0 0 truth 1.2 -0.5 3 nan nan nan
//	1 0.05 forecast 1.1 -0.4 2.9 0.3 0.2 0.25
//
// Every line has 3 + 2·dim whitespace-separated fields: the integer step,
// the model time, the kind (one word: truth, forecast, analysis, state),
// dim means and dim spreads. A record without spread (the truth, a
// deterministic state) has nan spreads. Numbers are written in Go's
// shortest round-tripping form ('g'), with nan, inf and -inf spelled in
// lower case. Header lines start with '#'; the meta values are written as
// given, with newlines replaced by spaces.
func CreateHistory(path string, meta HistoryMeta) (History, error) {
	if meta.Dim <= 0 {
		return nil, fmt.Errorf("history %s: dimension %d, want > 0", path, meta.Dim)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	h := &fileHistory{path: path, f: f, w: bufio.NewWriter(f), dim: meta.Dim}
	// CreateTemp makes the file private (0600); a history is an ordinary
	// output file that others on the machine may read, like one os.Create
	// makes.
	if err := f.Chmod(0o644); err != nil {
		h.abort()
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n", historyFormat)
	fmt.Fprintf(&b, "# program: %s\n", oneLine(meta.Program))
	fmt.Fprintf(&b, "# cycle: %s\n", oneLine(meta.Cycle))
	fmt.Fprintf(&b, "# dim: %d\n", meta.Dim)
	fmt.Fprintf(&b, "# seed: %d\n", meta.Seed)
	b.WriteString("# columns: step time kind")
	for _, name := range []string{"mean", "spread"} {
		for i := 0; i < meta.Dim; i++ {
			fmt.Fprintf(&b, " %s_%d", name, i)
		}
	}
	b.WriteByte('\n')
	if _, err := h.w.WriteString(b.String()); err != nil {
		h.abort()
		return nil, fmt.Errorf("history %s: writing header: %w", path, err)
	}
	return h, nil
}

// fileHistory is the History that CreateHistory returns.
type fileHistory struct {
	path string
	f    *os.File
	w    *bufio.Writer
	dim  int
	buf  []byte
	err  error // first error; the history is then dead
	done bool
}

// Record implements History. Mean must have length dim, Spread dim or 0.
func (h *fileHistory) Record(r *Record) error {
	if h.err != nil {
		return h.err
	}
	if h.done {
		return fmt.Errorf("history %s: record after Close", h.path)
	}
	switch {
	case r == nil:
		return fmt.Errorf("history %s: nil record", h.path)
	case len(r.Mean) != h.dim:
		return fmt.Errorf("history %s: %s record at step %d has %d means, want %d", h.path, r.Kind, r.Step, len(r.Mean), h.dim)
	case len(r.Spread) != 0 && len(r.Spread) != h.dim:
		return fmt.Errorf("history %s: %s record at step %d has %d spreads, want %d or none", h.path, r.Kind, r.Step, len(r.Spread), h.dim)
	case r.Kind == "" || strings.ContainsAny(r.Kind, " \t\r\n#"):
		return fmt.Errorf("history %s: record kind %q is not one word", h.path, r.Kind)
	}
	b := h.buf[:0]
	b = strconv.AppendInt(b, int64(r.Step), 10)
	b = append(b, ' ')
	b = appendNumber(b, r.Time)
	b = append(b, ' ')
	b = append(b, r.Kind...)
	for _, v := range r.Mean {
		b = append(b, ' ')
		b = appendNumber(b, v)
	}
	for i := 0; i < h.dim; i++ {
		b = append(b, ' ')
		if r.Spread == nil {
			b = append(b, "nan"...)
		} else {
			b = appendNumber(b, r.Spread[i])
		}
	}
	b = append(b, '\n')
	h.buf = b
	if _, err := h.w.Write(b); err != nil {
		h.err = fmt.Errorf("history %s: %w", h.path, err)
		h.abort()
		return h.err
	}
	return nil
}

// Close implements History: it flushes, syncs and renames the temporary
// file into place, or removes it if anything failed.
func (h *fileHistory) Close() error {
	if h.done {
		return h.err
	}
	if h.err != nil {
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
func (h *fileHistory) abort() {
	h.done = true
	_ = h.f.Close()
	_ = os.Remove(h.f.Name())
}

// Discard implements History: the temporary file is removed, unless
// Close already put the file in place.
func (h *fileHistory) Discard() {
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

// NopHistory returns a History that discards everything.
func NopHistory() History { return nopHistory{} }

// nopHistory is the History of NopHistory.
type nopHistory struct{}

// Record implements History.
func (nopHistory) Record(*Record) error { return nil }

// Close implements History.
func (nopHistory) Close() error { return nil }

// Discard implements History.
func (nopHistory) Discard() {}
