// The lexer of .cyc source (language.md §1): a hand-written scanner that
// reports every malformed token with its own position and message, and
// feeds participle the token stream, comments and whitespace included.
package lang

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cyclec/cyclec/diag"
)

// Token types of the scanner. The names are those the grammar refers to
// (`@Ident`, `@String`, `@Number`); Comment and Whitespace are elided.
const (
	tokEOF        = lexer.EOF
	tokComment    = lexer.TokenType(-2)
	tokString     = lexer.TokenType(-3)
	tokNumber     = lexer.TokenType(-4)
	tokIdent      = lexer.TokenType(-5)
	tokOp         = lexer.TokenType(-6)
	tokWhitespace = lexer.TokenType(-7)
)

// maxScanErrors bounds the lexical errors reported for one file.
const maxScanErrors = 10

// operators lists the punctuation of the language, two-character ones
// first so that the longest match wins.
var operators = []string{
	"->", "<=", ">=", "==", "!=", "&&", "||", "..",
	"-", "+", "*", "/", "^", "(", ")", "[", "]", "{", "}", ",", "=", "<", ">", "!", ";", ":", ".",
}

// cycLexer is the lexer definition handed to participle. Parse does not go
// through its Lex method (it scans once and parses from the token slice),
// but participle needs the symbol table, and the method keeps the
// definition usable on its own.
type cycLexer struct{}

// Symbols implements lexer.Definition.
func (cycLexer) Symbols() map[string]lexer.TokenType {
	return map[string]lexer.TokenType{
		"EOF":        tokEOF,
		"Comment":    tokComment,
		"String":     tokString,
		"Number":     tokNumber,
		"Ident":      tokIdent,
		"Op":         tokOp,
		"Whitespace": tokWhitespace,
	}
}

// Lex implements lexer.Definition; it fails with the first lexical error.
func (cycLexer) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", filename, err)
	}
	toks, diags := scan(filename, src)
	if len(diags) > 0 {
		d := diags[0]
		return nil, &lexer.Error{Msg: d.Msg, Pos: lexer.Position{Filename: d.Pos.File, Offset: d.Pos.Offset, Line: d.Pos.Line, Column: d.Pos.Col}}
	}
	return &sliceLexer{toks: toks}, nil
}

// sliceLexer replays a scanned token slice; the last token is EOF.
type sliceLexer struct {
	toks []lexer.Token
	i    int
}

// Next implements lexer.Lexer.
func (l *sliceLexer) Next() (lexer.Token, error) {
	t := l.toks[l.i]
	if l.i < len(l.toks)-1 {
		l.i++
	}
	return t, nil
}

// scanner walks the source byte by byte keeping line and column.
type scanner struct {
	filename string
	src      []byte
	off      int
	line     int
	col      int
	toks     []lexer.Token
	diags    diag.List
}

// scan splits src into tokens, ending with EOF. String tokens keep their
// quotes (Parse unquotes the captured values afterwards, so that a string
// can never match a punctuation literal of the grammar). Malformed tokens
// are reported and skipped, so one run reports several independent errors.
func scan(filename string, src []byte) ([]lexer.Token, diag.List) {
	s := &scanner{filename: filename, src: src, line: 1, col: 1}
	for s.off < len(src) && len(s.diags) < maxScanErrors {
		s.next()
	}
	s.toks = append(s.toks, lexer.Token{Type: tokEOF, Pos: s.pos()})
	return s.toks, s.diags
}

// pos is the current position.
func (s *scanner) pos() lexer.Position {
	return lexer.Position{Filename: s.filename, Offset: s.off, Line: s.line, Column: s.col}
}

// posAt is the position n bytes ahead of the current one.
func (s *scanner) posAt(n int) lexer.Position {
	p := s.pos()
	for _, c := range s.src[s.off : s.off+n] {
		if c == '\n' {
			p.Line++
			p.Column = 1
		} else {
			p.Column++
		}
	}
	p.Offset += n
	return p
}

// advance moves past n bytes, counting lines.
func (s *scanner) advance(n int) {
	for _, c := range s.src[s.off : s.off+n] {
		if c == '\n' {
			s.line++
			s.col = 1
		} else {
			s.col++
		}
	}
	s.off += n
}

// emit records a token of the n bytes at the current position.
func (s *scanner) emit(typ lexer.TokenType, n int) {
	s.toks = append(s.toks, lexer.Token{Type: typ, Value: string(s.src[s.off : s.off+n]), Pos: s.pos()})
	s.advance(n)
}

// errorf reports a lexical error at p.
func (s *scanner) errorf(p lexer.Position, format string, args ...any) {
	s.diags.Add(Pos(p), "syntax", format, args...)
}

// next scans one token (or reports one error) at the current offset.
func (s *scanner) next() {
	rest := s.src[s.off:]
	c := rest[0]
	switch {
	case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		n := 1
		for n < len(rest) && strings.IndexByte(" \t\r\n", rest[n]) >= 0 {
			n++
		}
		s.emit(tokWhitespace, n)
	case c == '/' && len(rest) > 1 && rest[1] == '/':
		n := len(rest)
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			n = i
		}
		if !utf8.Valid(rest[:n]) {
			s.badUTF8(rest[:n])
		}
		s.emit(tokComment, n)
	case c == '/' && len(rest) > 1 && rest[1] == '*':
		i := bytes.Index(rest[2:], []byte("*/"))
		if i < 0 {
			s.errorf(s.pos(), "block comment is not terminated: `/*` has no matching `*/`")
			s.advance(len(rest))
			return
		}
		if !utf8.Valid(rest[:i+4]) {
			s.badUTF8(rest[:i+4])
		}
		s.emit(tokComment, i+4)
	case c == '"':
		s.scanString()
	case isDigit(c) || c == '.' && len(rest) > 1 && isDigit(rest[1]):
		s.scanNumber()
	case isLetter(c):
		n := 1
		for n < len(rest) && (isLetter(rest[n]) || isDigit(rest[n])) {
			n++
		}
		s.emit(tokIdent, n)
	default:
		for _, op := range operators {
			if bytes.HasPrefix(rest, []byte(op)) {
				s.emit(tokOp, len(op))
				return
			}
		}
		s.scanStray()
	}
}

// badUTF8 reports the first invalid byte of b, which starts at the current
// offset.
func (s *scanner) badUTF8(b []byte) {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			s.errorf(s.posAt(i), "invalid UTF-8 encoding")
			return
		}
		i += size
	}
}

// scanStray reports a character that starts no token and skips it.
func (s *scanner) scanStray() {
	rest := s.src[s.off:]
	r, size := utf8.DecodeRune(rest)
	switch {
	case r == utf8.RuneError && size <= 1:
		s.errorf(s.pos(), "invalid UTF-8 encoding")
	case r == '&':
		s.errorf(s.pos(), "unexpected character `&`; the logical and is `&&`")
	case r == '|':
		s.errorf(s.pos(), "unexpected character `|`; the logical or is `||`")
	case r == '\'':
		s.errorf(s.pos(), "unexpected character `'`; strings are written in double quotes")
	case r == '#':
		s.errorf(s.pos(), "unexpected character `#`; comments start with `//`")
	case strconv.IsPrint(r) && r != '`':
		s.errorf(s.pos(), "unexpected character `%c`", r)
	default:
		s.errorf(s.pos(), "unexpected character %U", r)
	}
	s.advance(size)
}

// scanString scans a double-quoted string with Go escapes. An unknown
// escape or a string left open at the end of its line is reported.
func (s *scanner) scanString() {
	rest := s.src[s.off:]
	start := s.pos()
	ok := true
	i := 1
	for {
		if i >= len(rest) || rest[i] == '\n' {
			s.errorf(start, "string is not terminated before the end of the line")
			s.advance(i)
			return
		}
		c := rest[i]
		if c == '"' {
			i++
			break
		}
		if c == '\\' {
			chunk := string(rest[i:min(len(rest), i+10)]) // the longest escape is \UXXXXXXXX
			_, _, tail, err := strconv.UnquoteChar(chunk, '"')
			if err != nil {
				n := escapeLen(rest[i:])
				s.errorf(s.posAt(i), "invalid escape sequence `%s` in string", string(rest[i:i+n]))
				ok = false
				i += n
				continue
			}
			i += len(chunk) - len(tail)
			continue
		}
		r, size := utf8.DecodeRune(rest[i:])
		if r == utf8.RuneError && size <= 1 {
			s.errorf(s.posAt(i), "invalid UTF-8 encoding in string")
			ok = false
		}
		i += size
	}
	if ok {
		s.emit(tokString, i)
		return
	}
	s.advance(i)
}

// escapeLen is the length of the (invalid) escape at the start of b: the
// backslash and the character after it, or the backslash alone at the end
// of a line.
func escapeLen(b []byte) int {
	if len(b) < 2 || b[1] == '\n' {
		return 1
	}
	_, size := utf8.DecodeRune(b[1:])
	return 1 + size
}

// scanNumber scans 42, 0.05, 1e-6, .5, 3. (but not the 1 of the range
// 1..N as a fraction) and reports a number run into
// letters (`2x`) or an exponent without digits (`1e`).
func (s *scanner) scanNumber() {
	rest := s.src[s.off:]
	i := 0
	for i < len(rest) && isDigit(rest[i]) {
		i++
	}
	if i < len(rest) && rest[i] == '.' && !(i+1 < len(rest) && rest[i+1] == '.') {
		// A second dot is the range operator: `1..N` is 1, `..`, N.
		i++
		for i < len(rest) && isDigit(rest[i]) {
			i++
		}
	}
	if i < len(rest) && (rest[i] == 'e' || rest[i] == 'E') {
		j := i + 1
		if j < len(rest) && (rest[j] == '+' || rest[j] == '-') {
			j++
		}
		if j < len(rest) && isDigit(rest[j]) {
			for j < len(rest) && isDigit(rest[j]) {
				j++
			}
			i = j
		}
	}
	rangeOp := i+1 < len(rest) && rest[i] == '.' && rest[i+1] == '.'
	if i < len(rest) && !rangeOp && (isLetter(rest[i]) || isDigit(rest[i]) || rest[i] == '.') {
		j := i
		for j < len(rest) && (isLetter(rest[j]) || isDigit(rest[j]) || rest[j] == '.') {
			j++
		}
		s.errorf(s.pos(), "malformed number `%s`", string(rest[:j]))
		s.advance(j)
		return
	}
	s.emit(tokNumber, i)
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' }
