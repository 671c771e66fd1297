// The formatter's declarations, bodies and option blocks.
package lang

import (
	"strconv"

	"github.com/alecthomas/participle/v2/lexer"
)

// noPos is the position of tokens the tree does not locate (`=`, `,`, names).
var noPos lexer.Position

// importClause prints `import "path"` or `import "path" as name`.
func (p *printer) importClause(im *Import) {
	p.token(im.Pos, "import")
	p.space()
	p.token(noPos, strconv.Quote(im.Path))
	if im.Alias != "" {
		p.space()
		p.token(noPos, "as")
		p.space()
		p.token(noPos, im.Alias)
	}
}

// decl prints one top-level declaration.
func (p *printer) decl(d *Decl) {
	switch {
	case d.Const != nil:
		c := d.Const
		p.token(c.Pos, "const")
		p.space()
		p.token(noPos, c.Name)
		p.assign()
		p.expr(c.Value)
	case d.Carrier != nil:
		c := d.Carrier
		p.token(c.Pos, "carrier")
		p.space()
		p.token(noPos, c.Name)
		p.assign()
		p.token(noPos, c.Kind.Text())
		p.token(noPos, "[")
		p.compact++
		p.exprList(c.Shape)
		p.compact--
		if c.Options == nil {
			p.closing(c.EndPos, "]")
		} else {
			p.closing(c.Shape[len(c.Shape)-1].EndPos, "]")
			p.optionBlock(c.Options)
		}
	case d.Forward != nil:
		p.forward(d.Forward)
	case d.Obs != nil:
		p.obs(d.Obs)
	case d.Analysis != nil:
		a := d.Analysis
		p.token(a.Pos, "analysis")
		p.space()
		p.token(noPos, a.Name)
		p.assign()
		if a.Go != nil {
			p.goRef(noPos, *a.Go)
		} else {
			p.token(noPos, a.Kind.Text())
		}
		p.optionBlock(a.Options)
	case d.Cycle != nil:
		c := d.Cycle
		p.token(c.Pos, "cycle")
		p.space()
		p.token(noPos, c.Name)
		p.assign()
		p.token(noPos, c.Kind.Text())
		if c.Args != nil {
			p.argList(c.Args)
		}
		p.optionBlock(c.Options)
	}
}

// assign prints ` = `.
func (p *printer) assign() {
	p.space()
	p.token(noPos, "=")
	p.space()
}

// goRef prints `go "path"`.
func (p *printer) goRef(pos lexer.Position, path string) {
	p.token(pos, "go")
	p.space()
	p.token(noPos, strconv.Quote(path))
}

// signature prints `(x: State)`.
func (p *printer) signature(s *Signature) {
	p.token(s.Pos, "(")
	p.token(noPos, s.Var)
	p.token(noPos, ":")
	p.space()
	p.qualIdent(s.Carrier)
	p.closing(s.EndPos, ")")
}

// forward prints a forward model: a body or a form with its options.
func (p *printer) forward(f *ForwardDecl) {
	p.token(f.Pos, "forward")
	p.space()
	p.token(noPos, f.Name)
	p.signature(f.Sig)
	if f.Form != nil {
		p.assign()
		form := f.Form
		switch {
		case form.Go != nil:
			p.goRef(form.Pos, *form.Go)
		case form.Neural != nil:
			p.token(form.Pos, "neural")
			p.space()
			p.token(noPos, strconv.Quote(*form.Neural))
		default:
			p.token(form.Pos, "compose")
			p.token(noPos, "(")
			for i, q := range form.Compose {
				if i > 0 {
					p.token(noPos, ",")
					p.space()
				}
				p.qualIdent(q)
			}
			p.closing(form.EndPos, ")")
		}
		p.optionBlock(f.Options)
		return
	}
	stmts := make([]func(), len(f.Body))
	for i, s := range f.Body {
		stmts[i] = func() { p.forwardStmt(s) }
	}
	p.body(len(f.Body) <= 1 && f.Sig.EndPos.Line == f.EndPos.Line, f.EndPos, stmts)
}

// forwardStmt prints one statement of a forward body.
func (p *printer) forwardStmt(s *ForwardStmt) {
	switch {
	case s.Param != nil:
		p.token(s.Param.Pos, "param")
		p.space()
		p.token(noPos, s.Param.Name)
		p.assign()
		p.expr(s.Param.Value)
	case s.Eq != nil:
		p.equation(s.Eq)
	case s.Option != nil:
		p.option(s.Option)
	}
}

// obs prints an observation operator.
func (p *printer) obs(o *ObsDecl) {
	p.token(o.Pos, "obs")
	p.space()
	p.token(noPos, o.Name)
	p.signature(o.Sig)
	p.space()
	p.token(noPos, "->")
	p.space()
	p.qualIdent(o.Out)
	if o.Form != nil {
		p.assign()
		form := o.Form
		switch {
		case form.Go != nil:
			p.goRef(form.Pos, *form.Go)
		case form.Linear != nil:
			p.token(form.Pos, "linear")
			p.space()
			p.token(noPos, strconv.Quote(*form.Linear))
		case form.Call != nil:
			p.call(form.Call)
		}
		p.optionBlock(o.Options)
		return
	}
	stmts := make([]func(), len(o.Body))
	for i, s := range o.Body {
		stmts[i] = func() { p.equation(s.Eq) }
	}
	p.body(len(o.Body) <= 1 && o.Out.EndPos.Line == o.EndPos.Line, o.EndPos, stmts)
}

// equation prints `ddt x[i] = e`, `next x[i in 1..N-2] = e` or `y[j] = e`.
func (p *printer) equation(e *Equation) {
	if e.Kind != "" {
		p.token(e.Pos, e.Kind)
		p.space()
		p.token(noPos, e.Var)
	} else {
		p.token(e.Pos, e.Var)
	}
	p.token(noPos, "[")
	p.compact++
	for i, ix := range e.Index {
		if i > 0 {
			p.token(noPos, ",")
			p.space()
		}
		p.lhsIndex(ix)
	}
	p.compact--
	last := e.Index[len(e.Index)-1]
	p.closing(last.EndPos, "]")
	p.assign()
	p.expr(e.Value)
}

// lhsIndex prints one index of a left-hand side: an expression, or a
// range `i in 1..N-2` with the ends unspaced, as inside any brackets.
func (p *printer) lhsIndex(ix *LHSIndex) {
	if ix.Var == "" {
		p.expr(ix.Expr)
		return
	}
	p.token(ix.Pos, ix.Var)
	p.space()
	p.token(noPos, "in")
	p.space()
	p.expr(ix.Lo)
	p.token(noPos, "..")
	p.expr(ix.Hi)
}

// option prints `name = value`.
func (p *printer) option(o *Option) {
	p.token(o.Pos, o.Name)
	p.assign()
	p.value(o.Value)
}

// body prints a forward or obs body ending at end: on one line when
// oneLine (one statement at most, written on one line), else one
// statement per line.
func (p *printer) body(oneLine bool, end lexer.Position, stmts []func()) {
	p.space()
	p.token(noPos, "{")
	p.block(oneLine, end, stmts, "")
}

// optionBlock prints ` { a = 1, b = 2 }` when the block was written on
// one line (its braces on the same line), else one option per line.
func (p *printer) optionBlock(b *OptionBlock) {
	if b == nil {
		return
	}
	p.space()
	p.token(b.Pos, "{")
	items := make([]func(), len(b.Options))
	for i, o := range b.Options {
		items[i] = func() { p.option(o) }
	}
	p.block(b.Pos.Line == b.EndPos.Line, b.EndPos, items, ",")
}

// block prints the items of a block after its `{` and the closing `}` of
// a block that ends at end. One-line blocks separate items with sep and a
// space.
func (p *printer) block(oneLine bool, end lexer.Position, items []func(), sep string) {
	if oneLine {
		for i, item := range items {
			if i > 0 {
				p.token(noPos, sep)
			}
			p.space()
			item()
		}
		p.flush(end)
		if len(items) > 0 || p.ws != wsNone {
			p.space()
		}
		p.closing(end, "}")
		return
	}
	p.indent++
	for i, item := range items {
		if i == 0 {
			p.newline(nlFirst)
		} else {
			p.newline(nlItem)
		}
		item()
	}
	if len(items) == 0 {
		p.newline(nlFirst)
	} else {
		p.newline(nlItem)
	}
	p.flush(end)
	p.indent--
	p.newline(nlClose)
	p.closing(end, "}")
}
