// The formatter's printer (`cyclec fmt`): it prints the syntax tree back
// token by token and interleaves the comments at their source positions.
// Whitespace is requested, not written: a pending space or newline is
// materialised only when the next token comes, so that a comment can still
// slip in before it (trailing the line) or after it (leading the next
// item). The rules themselves are listed in docs/language.md, "Canonical
// form".
package lang

import (
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cyclec/cyclec/diag"
)

// Format prints f in canonical form. It keeps every comment of
// f.Comments, numbers as written and the parentheses of the source, and is
// idempotent: formatting the parse of its output gives the same bytes.
// Nodes without positions (a tree built by hand) print as if written on
// one line.
func Format(f *File) []byte {
	p := &printer{comments: f.Comments}
	p.file(f)
	return alignComments(p.out, p.trailing)
}

// FormatSource parses src and formats it. On a syntax error it returns nil
// and the diagnostics.
func FormatSource(filename string, src []byte) ([]byte, diag.List) {
	f, diags := Parse(filename, src)
	if f == nil {
		return nil, diags
	}
	return Format(f), diags
}

// indentUnit is one level of indentation.
const indentUnit = "    "

// wsKind is a pending piece of whitespace.
type wsKind int

const (
	wsNone wsKind = iota
	wsSpace
	wsNewline
)

// nlKind says whether a pending newline may become a blank line.
type nlKind int

const (
	nlItem  nlKind = iota // between items: a blank line in the source is kept (at most one)
	nlFirst               // before the first item of a block: never blank
	nlClose               // before a closing bracket: never blank
	nlCont                // a line break inside a statement, after a // comment: never blank
	nlBlank               // always blank (after the package clause and the imports)
)

// printer accumulates the output.
type printer struct {
	out      []byte
	comments []*Comment
	next     int // index of the next comment to print

	indent   int    // current indentation level
	ws       wsKind // pending whitespace
	nl       nlKind // kind of the pending newline
	nlIndent int    // indentation after the pending newline
	lastLine int    // source line on which the last printed item ends
	compact  int    // > 0 inside index brackets: operators unspaced
	trailing []int  // output offsets of the trailing // comments
}

// space requests one space before the next token.
func (p *printer) space() {
	if p.ws < wsSpace {
		p.ws = wsSpace
	}
}

// newline requests a line break of the given kind before the next token,
// indented at the current level.
func (p *printer) newline(kind nlKind) {
	p.ws, p.nl, p.nlIndent = wsNewline, kind, p.indent
}

// token prints s, the text of a token that starts at pos in the source
// (the zero position when unknown). Comments before pos are printed first.
func (p *printer) token(pos lexer.Position, s string) {
	if pos.Line > 0 {
		p.flush(pos)
	}
	p.materialize(pos.Line)
	p.out = append(p.out, s...)
	if pos.Line > 0 {
		p.lastLine = pos.Line
	}
}

// closing prints the closing bracket s of a node that ends at end: the
// comments inside the node go first.
func (p *printer) closing(end lexer.Position, s string) {
	if end.Line > 0 {
		p.flush(end)
	}
	p.materialize(end.Line)
	p.out = append(p.out, s...)
	if end.Line > p.lastLine {
		p.lastLine = end.Line
	}
}

// materialize writes the pending whitespace before something that starts
// on source line line (0 when unknown).
func (p *printer) materialize(line int) {
	switch p.ws {
	case wsSpace:
		if len(p.out) > 0 && p.out[len(p.out)-1] != '\n' {
			p.out = append(p.out, ' ')
		}
	case wsNewline:
		if len(p.out) > 0 {
			p.out = append(p.out, '\n')
			if p.nl == nlBlank || p.nl == nlItem && line > 0 && p.lastLine > 0 && line > p.lastLine+1 {
				p.out = append(p.out, '\n')
			}
			p.out = append(p.out, strings.Repeat(indentUnit, p.nlIndent)...)
		}
	}
	p.ws = wsNone
}

// flush prints the comments that start before pos.
func (p *printer) flush(pos lexer.Position) {
	for p.next < len(p.comments) && p.comments[p.next].Pos.Offset < pos.Offset {
		c := p.comments[p.next]
		p.next++
		nextLine := pos.Line
		if p.next < len(p.comments) && p.comments[p.next].Pos.Offset < pos.Offset {
			nextLine = p.comments[p.next].Pos.Line
		}
		p.comment(c, nextLine)
	}
}

// flushAll prints the comments left at the end of the file.
func (p *printer) flushAll() {
	for p.next < len(p.comments) {
		c := p.comments[p.next]
		p.next++
		nextLine := 0
		if p.next < len(p.comments) {
			nextLine = p.comments[p.next].Pos.Line
		}
		p.comment(c, nextLine)
	}
}

// comment prints c, followed in the source by something on line nextLine.
// A comment on the line of the last printed token trails it; any other
// comment leads the next item on a line of its own.
func (p *printer) comment(c *Comment, nextLine int) {
	endLine := c.Pos.Line + strings.Count(c.Text, "\n")
	lineComment := strings.HasPrefix(c.Text, "//")
	text := commentText(c.Text)
	atLineStart := len(p.out) == 0 || p.out[len(p.out)-1] == '\n'
	if !atLineStart && c.Pos.Line == p.lastLine {
		// Trailing: written now, before the pending whitespace.
		if last := p.out[len(p.out)-1]; last != ' ' && (lineComment || last != '(' && last != '[') {
			p.out = append(p.out, ' ')
		}
		if lineComment {
			p.trailing = append(p.trailing, len(p.out))
		}
		p.out = append(p.out, text...)
		p.lastLine = endLine
		switch {
		case lineComment && p.ws != wsNewline:
			p.ws, p.nl, p.nlIndent = wsNewline, nlCont, p.indent+1
		case !lineComment && p.ws == wsNone:
			p.ws = wsSpace
		}
		return
	}
	// Leading: on a line of its own (or the first thing in the file).
	kind, indent := p.nl, p.nlIndent
	if p.ws != wsNewline {
		kind, indent = nlCont, p.indent+1
		if len(p.out) == 0 {
			kind, indent = nlItem, p.indent
		}
		p.ws, p.nl, p.nlIndent = wsNewline, kind, indent
	}
	p.materialize(c.Pos.Line)
	p.out = append(p.out, text...)
	p.lastLine = endLine
	after := nlItem
	switch kind {
	case nlCont, nlClose:
		after = kind
	}
	if lineComment || nextLine == 0 || nextLine > endLine {
		p.ws, p.nl, p.nlIndent = wsNewline, after, indent
	} else {
		p.ws = wsSpace
	}
}

// alignComments aligns the trailing // comments of consecutive lines that
// have the same indentation, one space after the longest code among them.
// at lists the output offsets where trailing comments start.
func alignComments(out []byte, at []int) []byte {
	if len(at) < 2 {
		return out
	}
	lines := strings.SplitAfter(string(out), "\n")
	col := make([]int, len(lines)) // byte column of the trailing comment, or -1
	start, j := 0, 0
	for i, l := range lines {
		col[i] = -1
		for j < len(at) && at[j] < start+len(l) {
			col[i] = at[j] - start
			j++
		}
		start += len(l)
	}
	indent := func(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }
	code := func(i int) string { return strings.TrimRight(lines[i][:col[i]], " ") }
	for i := 0; i < len(lines); {
		if col[i] < 0 {
			i++
			continue
		}
		end := i + 1
		for end < len(lines) && col[end] >= 0 && indent(lines[end]) == indent(lines[i]) {
			end++
		}
		width := 0
		for k := i; k < end; k++ {
			width = max(width, utf8.RuneCountInString(code(k)))
		}
		for k := i; k < end && end-i > 1; k++ {
			c := code(k)
			lines[k] = c + strings.Repeat(" ", width+1-utf8.RuneCountInString(c)) + lines[k][col[k]:]
		}
		i = end
	}
	return []byte(strings.Join(lines, ""))
}

// commentText is the canonical text of a comment: a line comment loses
// its trailing blanks, a block comment its carriage returns before line
// feeds.
func commentText(text string) string {
	if strings.HasPrefix(text, "//") {
		return strings.TrimRight(text, " \t\r")
	}
	return strings.ReplaceAll(text, "\r\n", "\n")
}

// file prints a whole file.
func (p *printer) file(f *File) {
	if f.Package != nil {
		p.token(f.Package.Pos, "package")
		p.space()
		p.token(lexer.Position{}, f.Package.Name)
	}
	for i, im := range f.Imports {
		if i == 0 {
			p.newline(nlBlank)
		} else {
			p.newline(nlItem)
		}
		p.importClause(im)
	}
	for i, d := range f.Decls {
		if i == 0 {
			p.newline(nlBlank)
		} else {
			p.newline(nlItem)
		}
		p.decl(d)
	}
	p.newline(nlItem)
	p.flushAll()
	if len(p.out) > 0 {
		p.out = append(p.out, '\n')
	}
}
