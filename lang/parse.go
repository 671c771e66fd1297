// Parsing: the lexer, the participle parser built on the syntax tree, and
// the translation of parse errors into positioned diagnostics.
package lang

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cyclec/cyclec/diag"
)

// Keywords are the reserved words of language.md §1. They cannot name
// declarations, parameters or index variables.
var Keywords = []string{
	"package", "import", "const", "carrier", "forward", "obs", "analysis",
	"cycle", "param", "ddt", "next", "go", "neural", "true", "false",
}

// IsKeyword reports whether name is reserved.
func IsKeyword(name string) bool {
	for _, k := range Keywords {
		if k == name {
			return true
		}
	}
	return false
}

// cycLexer tokenises .cyc source. Keywords are lexed as identifiers and
// matched by value in the grammar, so that option names such as `obs` and
// `analysis` remain usable where the grammar expects a name.
var cycLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Comment", Pattern: `//[^\n]*|/\*(?s:.*?)\*/`},
	{Name: "String", Pattern: `"(?:\\.|[^"\\\n])*"`},
	{Name: "Number", Pattern: `(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?`},
	{Name: "Ident", Pattern: `[A-Za-z_][A-Za-z0-9_]*`},
	{Name: "Op", Pattern: `->|<=|>=|==|!=|&&|\|\||[-+*/^()\[\]{},=<>!;:.]`},
	{Name: "Whitespace", Pattern: `[ \t\r\n]+`},
})

var parser = participle.MustBuild[File](
	participle.Lexer(cycLexer),
	participle.Elide("Comment", "Whitespace"),
	participle.Unquote("String"),
	participle.UseLookahead(4),
)

// Parse parses one .cyc file. filename is used in positions as given. On
// failure it returns the diagnostics (a parse stops at its first syntax
// error) and a nil file.
func Parse(filename string, src []byte) (*File, diag.List) {
	var diags diag.List
	f, err := parser.ParseBytes(filename, src)
	if err != nil {
		diags.Add(errorPos(filename, err), "syntax", "%s", syntaxMessage(err))
		return nil, diags
	}
	f.Comments = comments(filename, src)
	return f, nil
}

// errorPos extracts the position of a participle error.
func errorPos(filename string, err error) diag.Pos {
	var perr participle.Error
	if errors.As(err, &perr) {
		return Pos(perr.Position())
	}
	return diag.Pos{File: filename, Line: 1, Col: 1}
}

// syntaxMessage rewrites participle's wording into the project's: no
// position prefix (the diagnostic carries it) and token names people know.
func syntaxMessage(err error) string {
	var perr participle.Error
	msg := err.Error()
	if errors.As(err, &perr) {
		msg = perr.Message()
	}
	msg = strings.ReplaceAll(msg, "<ident>", "a name")
	msg = strings.ReplaceAll(msg, "<string>", "a string")
	msg = strings.ReplaceAll(msg, "<number>", "a number")
	msg = strings.ReplaceAll(msg, "<eof>", "end of file")
	if strings.HasPrefix(msg, "invalid input text") {
		return "unexpected character " + strings.TrimPrefix(msg, "invalid input text ")
	}
	return "syntax error: " + msg
}

// comments lexes src again to collect its comments for the formatter.
func comments(filename string, src []byte) []*Comment {
	lx, err := cycLexer.LexString(filename, string(src))
	if err != nil {
		return nil
	}
	commentType := cycLexer.Symbols()["Comment"]
	var out []*Comment
	for {
		tok, err := lx.Next()
		if err != nil || tok.EOF() {
			return out
		}
		if tok.Type == commentType {
			out = append(out, &Comment{Pos: tok.Pos, Text: tok.Value})
		}
	}
}

// Pos converts a participle position to a diagnostic position.
func Pos(p lexer.Position) diag.Pos {
	return diag.Pos{File: p.Filename, Offset: p.Offset, Line: p.Line, Col: p.Column}
}

// Grammar returns the EBNF of the language, for the language reference.
func Grammar() string { return fmt.Sprint(parser.String()) }
