// Printing diagnostics for people: the message, the source line, a caret
// under the column, then the notes.
package diag

import (
	"fmt"
	"io"
	"strings"
)

// Sources returns the text of a file by name, for quoting source lines. It
// reports false when the file is unknown.
type Sources func(file string) ([]byte, bool)

// Fprint writes every diagnostic of l to w in the form
//
//	file:line:col: error: message
//	    source line
//	    ^
//	    file:line:col: note: message
//
// The source line and caret are omitted when src cannot supply the file.
func Fprint(w io.Writer, l List, src Sources) {
	for _, d := range l {
		fmt.Fprintln(w, d.Error())
		if line, ok := sourceLine(src, d.Pos); ok {
			fmt.Fprintf(w, "    %s\n    %s^\n", line, caretPad(line, d.Pos.Col))
		}
		for _, n := range d.Notes {
			fmt.Fprintf(w, "    %s: note: %s\n", n.Pos, n.Msg)
		}
	}
}

// sourceLine returns line pos.Line of pos.File with tabs kept, so the caret
// padding can mirror them.
func sourceLine(src Sources, pos Pos) (string, bool) {
	if src == nil || !pos.IsValid() {
		return "", false
	}
	text, ok := src(pos.File)
	if !ok {
		return "", false
	}
	lines := strings.Split(string(text), "\n")
	if pos.Line > len(lines) {
		return "", false
	}
	return strings.TrimRight(lines[pos.Line-1], "\r"), true
}

// caretPad returns the spaces (and tabs, where the line has them) that put
// a caret under byte column col of line.
func caretPad(line string, col int) string {
	var b strings.Builder
	for i := 0; i < col-1 && i < len(line); i++ {
		if line[i] == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}
