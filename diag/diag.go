// Package diag holds positions and diagnostics shared by the parser, the
// checker and the command: a diagnostic is a positioned message with
// secondary notes, and a list of them sorts by position and prints with the
// offending source line and a caret.
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a source file. Line and Col are 1-based; Col counts
// bytes. The zero Pos means "no position".
type Pos struct {
	File   string
	Offset int
	Line   int
	Col    int
}

// IsValid reports whether p names a place in a file.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String formats p as file:line:col (file:line when the column is unknown).
func (p Pos) String() string {
	switch {
	case !p.IsValid():
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Note is a secondary position attached to a diagnostic, such as where the
// other side of a mismatch was declared.
type Note struct {
	Pos Pos
	Msg string
}

// Severity says whether a diagnostic stops compilation.
type Severity int

// Severities.
const (
	Error Severity = iota
	Warning
)

// Diagnostic is one positioned message.
type Diagnostic struct {
	Pos      Pos
	Severity Severity
	Code     string // short stable identifier, e.g. "undefined", "shape"
	Msg      string
	Notes    []Note
}

// Error formats d as file:line:col: error: msg.
func (d *Diagnostic) Error() string {
	sev := "error"
	if d.Severity == Warning {
		sev = "warning"
	}
	return fmt.Sprintf("%s: %s: %s", d.Pos, sev, d.Msg)
}

// List is a set of diagnostics.
type List []*Diagnostic

// Add appends an error at pos.
func (l *List) Add(pos Pos, code, format string, args ...any) *Diagnostic {
	d := &Diagnostic{Pos: pos, Code: code, Msg: fmt.Sprintf(format, args...)}
	*l = append(*l, d)
	return d
}

// Warn appends a warning at pos.
func (l *List) Warn(pos Pos, code, format string, args ...any) *Diagnostic {
	d := l.Add(pos, code, format, args...)
	d.Severity = Warning
	return d
}

// With attaches a note to d and returns d.
func (d *Diagnostic) With(pos Pos, format string, args ...any) *Diagnostic {
	d.Notes = append(d.Notes, Note{Pos: pos, Msg: fmt.Sprintf(format, args...)})
	return d
}

// Sort orders l by file, then offset (line and column), keeping the order
// of diagnostics at the same position; exact duplicates are removed.
func (l *List) Sort() {
	sort.SliceStable(*l, func(i, j int) bool {
		a, b := (*l)[i].Pos, (*l)[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	out := (*l)[:0]
	for i, d := range *l {
		if i > 0 {
			p := out[len(out)-1]
			if p.Pos == d.Pos && p.Msg == d.Msg && p.Severity == d.Severity {
				continue
			}
		}
		out = append(out, d)
	}
	*l = out
}

// HasErrors reports whether l holds at least one error (not only warnings).
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Err returns l as an error when it holds at least one error, else nil.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return l
}

// Error joins the diagnostics one per line.
func (l List) Error() string {
	var b strings.Builder
	for i, d := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.Error())
	}
	return b.String()
}
