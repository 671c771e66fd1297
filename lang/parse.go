// Parsing: the participle parser built on the syntax tree, run over the
// scanner's tokens, then the syntax rules the grammar does not express
// (rules.go) and the translation of parse errors into positioned
// diagnostics people understand (errors.go).
package lang

import (
	"strconv"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cyclec/cyclec/diag"
)

// Keywords are the reserved words of language.md §1. They are lexed as
// identifiers and matched by value in the grammar, so they stay usable as
// option and argument names (`obs = Full`, `analysis = A`); anywhere a name
// is declared or referred to, Parse rejects them.
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

var parser = participle.MustBuild[File](
	participle.Lexer(cycLexer{}),
	participle.Elide("Comment", "Whitespace"),
	participle.UseLookahead(4),
)

// Parse parses one .cyc file. filename is used in positions as given. It
// returns the tree, or a nil tree and the diagnostics when the file has a
// syntax error: every lexical error, else the first grammar error, else
// every violation of the rules the grammar leaves to a later pass (the
// statement separators, keywords used as names, equation forms).
func Parse(filename string, src []byte) (*File, diag.List) {
	toks, diags := scan(filename, src)
	if len(diags) > 0 {
		return nil, diags
	}
	if diags := checkNesting(toks); len(diags) > 0 {
		return nil, diags
	}
	plex, err := lexer.Upgrade(&sliceLexer{toks: toks}, tokComment, tokWhitespace)
	if err != nil {
		diags.Add(diag.Pos{File: filename, Line: 1, Col: 1}, "syntax", "%v", err)
		return nil, diags
	}
	f, err := parser.ParseFromLexer(plex)
	if err != nil {
		pos, msg := syntaxError(filename, toks, err)
		diags.Add(pos, "syntax", "%s", msg)
		return nil, diags
	}
	unquoteStrings(f)
	f.Comments = comments(toks)
	if diags := checkRules(f, toks, src); len(diags) > 0 {
		diags.Sort()
		return nil, diags
	}
	return f, nil
}

// maxNesting bounds how deeply constructs may nest, so that the recursive
// parser cannot exhaust the stack on hostile input.
const maxNesting = 500

// checkNesting rejects input that nests deeper than maxNesting: brackets,
// and unbroken chains of unary operators and `^` (`- -x`, `a^b^c`), which
// parse recursively too.
func checkNesting(toks []lexer.Token) diag.List {
	var diags diag.List
	chain := []int{0} // unary and ^ operators in the current expression, per bracket level
	depth := 0
	prevEnds := false // the previous significant token ends an operand
	for _, t := range toks {
		if t.Type == tokComment || t.Type == tokWhitespace {
			continue
		}
		if t.Type == tokOp {
			switch t.Value {
			case "(", "[", "{":
				depth++
				chain = append(chain, 0)
			case ")", "]", "}":
				if depth > 0 {
					depth--
					chain = chain[:len(chain)-1]
				}
			case "^", "!":
				chain[len(chain)-1]++
			case "-":
				if prevEnds { // binary minus ends the chain
					chain[len(chain)-1] = 0
				} else {
					chain[len(chain)-1]++
				}
			default: // separators and the other binary operators end it
				chain[len(chain)-1] = 0
			}
		}
		total := depth
		for _, n := range chain {
			total += n
		}
		if total > maxNesting {
			diags.Add(Pos(t.Pos), "syntax", "nesting too deep: more than %d levels of brackets and operators", maxNesting)
			return diags
		}
		prevEnds = t.Type == tokIdent || t.Type == tokNumber || t.Type == tokString || t.Value == ")" || t.Value == "]"
	}
	return diags
}

// comments collects the comment tokens for the formatter.
func comments(toks []lexer.Token) []*Comment {
	var out []*Comment
	for _, t := range toks {
		if t.Type == tokComment {
			end := t.Pos
			end.Advance(t.Value)
			out = append(out, &Comment{Pos: t.Pos, EndPos: end, Text: t.Value})
		}
	}
	return out
}

// unquoteStrings replaces the quoted text of every string literal in the
// tree by its value. The scanner has checked every escape, so unquoting
// cannot fail; a failure leaves the text as written.
func unquoteStrings(f *File) {
	unq := func(s *string) {
		if s == nil {
			return
		}
		if v, err := strconv.Unquote(*s); err == nil {
			*s = v
		}
	}
	for _, im := range f.Imports {
		unq(&im.Path)
	}
	Walk(f, func(n any) {
		switch n := n.(type) {
		case *ForwardForm:
			unq(n.Go)
			unq(n.Neural)
		case *ObsForm:
			unq(n.Go)
			unq(n.Linear)
		case *AnalysisDecl:
			unq(n.Go)
		case *Value:
			unq(n.Go)
		case *Primary:
			unq(n.String)
		}
	})
}

// Pos converts a participle position to a diagnostic position.
func Pos(p lexer.Position) diag.Pos {
	return diag.Pos{File: p.Filename, Offset: p.Offset, Line: p.Line, Col: p.Column}
}

// Grammar returns the EBNF of the language, for the language reference.
func Grammar() string { return parser.String() }
