// Syntax rules checked after the grammar, which elides newlines and lexes
// keywords as names: items written on one line need a separator, keywords
// cannot be used as names, and each body admits only its own equation form.
package lang

import (
	"bytes"
	"sort"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cyclec/cyclec/diag"
)

// ruleChecker holds the significant tokens of the file being checked.
type ruleChecker struct {
	src   []byte
	toks  []lexer.Token // significant tokens in source order, ending with EOF
	diags diag.List
}

// checkRules reports every violation of the rules in f.
func checkRules(f *File, toks []lexer.Token, src []byte) diag.List {
	c := &ruleChecker{src: src}
	for _, t := range toks {
		if t.Type != tokComment && t.Type != tokWhitespace {
			c.toks = append(c.toks, t)
		}
	}
	c.separators(f)
	c.names(f)
	return c.diags
}

// index returns the index of the significant token starting at p, or -1.
func (c *ruleChecker) index(p lexer.Position) int {
	i := sort.Search(len(c.toks), func(i int) bool { return c.toks[i].Pos.Offset >= p.Offset })
	if i < len(c.toks) && c.toks[i].Pos.Offset == p.Offset {
		return i
	}
	return -1
}

// tok returns the significant token n places after the one at p, or the
// token at p itself when that is not found.
func (c *ruleChecker) tok(p lexer.Position, n int) lexer.Token {
	i := c.index(p)
	if i < 0 || i+n >= len(c.toks) {
		return lexer.Token{Pos: p}
	}
	return c.toks[i+n]
}

// separators checks that every item of a list after the first starts on a
// new line or after a separator token.
func (c *ruleChecker) separators(f *File) {
	var top []lexer.Position
	if f.Package != nil {
		top = append(top, f.Package.Pos)
	}
	for _, im := range f.Imports {
		top = append(top, im.Pos)
	}
	for _, d := range f.Decls {
		top = append(top, d.Pos)
	}
	c.separated(top, "newline or `;`")
	Walk(f, func(n any) {
		var items []lexer.Position
		switch n := n.(type) {
		case *ForwardDecl:
			for _, s := range n.Body {
				items = append(items, s.Pos)
			}
		case *ObsDecl:
			for _, s := range n.Body {
				items = append(items, s.Pos)
			}
		case *OptionBlock:
			for _, o := range n.Options {
				items = append(items, o.Pos)
			}
		}
		c.separated(items, "newline, `;` or `,`")
	})
}

// separated reports each item after the first that follows the token
// before it on the same line with no separator in between.
func (c *ruleChecker) separated(items []lexer.Position, want string) {
	for _, p := range items[min(1, len(items)):] {
		i := c.index(p)
		if i <= 0 {
			continue
		}
		prev := c.toks[i-1]
		if prev.Type == tokOp && (prev.Value == ";" || prev.Value == "," || prev.Value == "{") {
			continue
		}
		end := prev.Pos.Offset + len(prev.Value)
		if end <= p.Offset && bytes.IndexByte(c.src[end:p.Offset], '\n') >= 0 {
			continue
		}
		c.diags.Add(Pos(p), "syntax", "missing %s before `%s`", want, c.toks[i].Value)
	}
}

// names checks that no keyword is used as a name, and the equation forms
// of forward and obs bodies.
func (c *ruleChecker) names(f *File) {
	if f.Package != nil {
		c.notKeyword(c.tok(f.Package.Pos, 1), "the package name")
	}
	for _, im := range f.Imports {
		if im.Alias != "" {
			c.notKeyword(c.tok(im.Pos, 3), "an import name")
		}
	}
	Walk(f, func(n any) {
		switch n := n.(type) {
		case *ConstDecl:
			c.notKeyword(c.tok(n.Pos, 1), "a constant name")
		case *CarrierDecl:
			c.notKeyword(c.tok(n.Pos, 1), "a carrier name")
		case *ForwardDecl:
			c.notKeyword(c.tok(n.Pos, 1), "a forward model name")
			for _, s := range n.Body {
				switch {
				case s.Eq != nil && s.Eq.Kind == "":
					c.diags.Add(Pos(s.Eq.Pos), "syntax", "an equation of a forward body starts with `ddt` (a tendency) or `next` (a map): write `ddt %s[…] = …`", s.Eq.Var)
				case s.Option != nil && s.Option.Name == "param":
					c.diags.Add(Pos(c.tok(s.Option.Pos, 1).Pos), "syntax", "expected a parameter name after `param`, found `=`")
				case s.Option != nil && (s.Option.Name == "ddt" || s.Option.Name == "next"):
					c.diags.Add(Pos(c.tok(s.Option.Pos, 1).Pos), "syntax", "expected a state variable after `%s`, as in `%s x[i] = …`; found `=`", s.Option.Name, s.Option.Name)
				}
			}
		case *ObsDecl:
			c.notKeyword(c.tok(n.Pos, 1), "an obs operator name")
			for _, s := range n.Body {
				switch {
				case s.Eq.Kind != "":
					c.diags.Add(Pos(s.Eq.Pos), "syntax", "an obs body equation has no `%s`: write `y[j] = …`", s.Eq.Kind)
				case s.Eq.Var != "y":
					c.diags.Add(Pos(s.Eq.Pos), "syntax", "an obs body defines its output `y`: write `y[…] = …`, not `%s[…] = …`", s.Eq.Var)
				}
			}
			if n.Form != nil && n.Form.Call != nil && n.Form.Call.Args == nil && len(n.Form.Call.Name.Parts) == 1 && n.Form.Call.Name.Parts[0] == "linear" {
				c.diags.Add(Pos(c.tok(n.Form.Call.Name.Pos, 1).Pos), "syntax", "expected a file name after `linear`, as in `linear \"H.csv\"`")
			}
		case *AnalysisDecl:
			c.notKeyword(c.tok(n.Pos, 1), "an analysis name")
			if n.Go == nil && n.Kind.Text() == "go" {
				c.diags.Add(Pos(c.tok(n.Pos, 4).Pos), "syntax", "expected a string after `go`, as in `go \"example.com/pkg.New\"`")
			} else if n.Go == nil && IsKeyword(n.Kind.Text()) {
				c.diags.Add(Pos(c.tok(n.Pos, 3).Pos), "syntax", "`%s` is a keyword, not an analysis kind", n.Kind.Text())
			}
		case *CycleDecl:
			c.notKeyword(c.tok(n.Pos, 1), "a cycle name")
			if IsKeyword(n.Kind.Text()) {
				c.diags.Add(Pos(c.tok(n.Pos, 3).Pos), "syntax", "`%s` is a keyword, not a cycle kind", n.Kind.Text())
			}
		case *ParamStmt:
			c.notKeyword(c.tok(n.Pos, 1), "a parameter name")
		case *LHSIndex:
			if n.Var != "" {
				c.notKeyword(c.tok(n.Pos, 0), "an index variable")
			}
		case *Signature:
			c.notKeyword(c.tok(n.Pos, 1), "the state variable")
		case *Equation:
			at := n.Pos
			if n.Kind != "" {
				at = c.tok(n.Pos, 1).Pos
			}
			c.notKeyword(c.tok(at, 0), "an equation's variable")
		case *QualIdent:
			if len(n.Parts) == 1 && n.Parts[0] == "go" {
				c.diags.Add(Pos(c.tok(n.Pos, 1).Pos), "syntax", "expected a string after `go`, as in `go \"example.com/pkg.Name\"`")
				return
			}
			for j := range n.Parts {
				c.notKeyword(c.tok(n.Pos, 2*j), "a name")
			}
		}
	})
}

// notKeyword reports t when it is a keyword used where a name is required.
func (c *ruleChecker) notKeyword(t lexer.Token, what string) {
	if t.Type == tokIdent && IsKeyword(t.Value) {
		c.diags.Add(Pos(t.Pos), "syntax", "`%s` is a keyword and cannot be used as %s", t.Value, what)
	}
}
