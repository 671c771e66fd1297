// The formatter's expressions: operators spaced (unspaced inside index
// brackets, as in `x[i-2]`), parentheses exactly where they were written,
// numbers as written, strings quoted with Go escapes.
package lang

import "strconv"

// expr prints an expression.
func (p *printer) expr(e *Expr) {
	p.andExpr(e.Left)
	for _, t := range e.Rest {
		p.binary(t.Op, t.Right.Left.Left.Left.Left)
		p.andExpr(t.Right)
	}
}

func (p *printer) andExpr(e *AndExpr) {
	p.cmpExpr(e.Left)
	for _, t := range e.Rest {
		p.binary(t.Op, t.Right.Left.Left.Left)
		p.cmpExpr(t.Right)
	}
}

func (p *printer) cmpExpr(e *CmpExpr) {
	p.addExpr(e.Left)
	if e.Right != nil {
		p.binary(e.Op, e.Right.Left.Left)
		p.addExpr(e.Right)
	}
}

func (p *printer) addExpr(e *AddExpr) {
	p.mulExpr(e.Left)
	for _, t := range e.Rest {
		p.binary(t.Op, t.Right.Left)
		p.mulExpr(t.Right)
	}
}

func (p *printer) mulExpr(e *MulExpr) {
	p.unaryExpr(e.Left)
	for _, t := range e.Rest {
		p.binary(t.Op, t.Right)
		p.unaryExpr(t.Right)
	}
}

// binary prints a binary operator whose right operand starts with right:
// spaced, except inside index brackets where it is unspaced unless the
// operand starts with a unary operator (`x[i+1]`, but `x[i - -1]`).
func (p *printer) binary(op string, right *UnaryExpr) {
	spaced := p.compact == 0 || right != nil && right.Op != ""
	if spaced {
		p.space()
	}
	p.token(noPos, op)
	if spaced {
		p.space()
	}
}

// unaryExpr prints `-x`, `!x` or a power; a repeated operator is spaced
// (`- -x`).
func (p *printer) unaryExpr(e *UnaryExpr) {
	if e.Power != nil {
		p.powerExpr(e.Power)
		return
	}
	p.token(e.Pos, e.Op)
	if e.Operand != nil && e.Operand.Op == e.Op {
		p.space()
	}
	p.unaryExpr(e.Operand)
}

func (p *printer) powerExpr(e *PowerExpr) {
	p.postfix(e.Base)
	if e.Exponent != nil {
		p.binary("^", e.Exponent)
		p.unaryExpr(e.Exponent)
	}
}

// postfix prints a primary and its index, `x[i+1]` or `q[i, j]`.
func (p *printer) postfix(e *Postfix) {
	p.primary(e.Primary)
	if len(e.Index) == 0 {
		return
	}
	p.token(noPos, "[")
	p.compact++
	p.exprList(e.Index)
	p.compact--
	p.closing(e.EndPos, "]")
}

// exprList prints expressions separated by `, `.
func (p *printer) exprList(list []*Expr) {
	for i, e := range list {
		if i > 0 {
			p.token(noPos, ",")
			p.space()
		}
		p.expr(e)
	}
}

func (p *printer) primary(e *Primary) {
	switch {
	case e.Number != nil:
		p.token(e.Pos, *e.Number)
	case e.String != nil:
		p.token(e.Pos, strconv.Quote(*e.String))
	case e.Bool != nil:
		p.token(e.Pos, *e.Bool)
	case e.Vector != nil:
		p.vector(e)
	case e.Paren != nil:
		p.token(e.Pos, "(")
		p.expr(e.Paren)
		p.closing(e.EndPos, ")")
	case e.Call != nil:
		p.call(e.Call)
	}
}

// vector prints a vector literal: `[a, b, c]` when written on one line;
// otherwise one row per source line, each element row ending in `,`, and
// the brackets on lines of their own.
func (p *printer) vector(e *Primary) {
	p.token(e.Pos, "[")
	if e.Pos.Line == e.EndPos.Line {
		p.exprList(e.Vector)
		p.closing(e.EndPos, "]")
		return
	}
	p.indent++
	for i, el := range e.Vector {
		switch {
		case i == 0:
			p.newline(nlFirst)
		case el.Pos.Line > e.Vector[i-1].EndPos.Line:
			p.newline(nlItem)
		default:
			p.space()
		}
		p.expr(el)
		p.token(noPos, ",")
	}
	p.newline(nlItem)
	p.flush(e.EndPos)
	p.indent--
	p.newline(nlClose)
	p.closing(e.EndPos, "]")
}

// call prints `name` or `name(args)`.
func (p *printer) call(c *Call) {
	p.qualIdent(c.Name)
	if c.Args != nil {
		p.argList(c.Args)
	}
}

// argList prints `(a, name = b)`.
func (p *printer) argList(l *ArgList) {
	p.token(l.Pos, "(")
	for i, a := range l.Args {
		if i > 0 {
			p.token(noPos, ",")
			p.space()
		}
		if a.Name != "" {
			p.token(a.Pos, a.Name)
			p.assign()
		}
		p.value(a.Value)
	}
	p.closing(l.EndPos, ")")
}

// value prints an option or argument value.
func (p *printer) value(v *Value) {
	if v.Go != nil {
		p.goRef(v.Pos, *v.Go)
		return
	}
	p.expr(v.Expr)
}

// qualIdent prints `name` or `pkg.name`.
func (p *printer) qualIdent(q *QualIdent) {
	for i, part := range q.Parts {
		if i == 0 {
			p.token(q.Pos, part)
		} else {
			p.token(noPos, ".")
			p.token(noPos, part)
		}
	}
}
