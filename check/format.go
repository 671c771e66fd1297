// Printing syntax and numbers for messages: expressions as the user wrote
// them (`N/3`, `x[i+1]`) and numbers short enough to read.
package check

import (
	"math"
	"strconv"
	"strings"

	"github.com/cyclec/cyclec/lang"
)

// fmtNum formats a number for a message: exactly when that is short,
// otherwise to six significant digits followed by an ellipsis.
func fmtNum(x float64) string {
	s := strconv.FormatFloat(x, 'g', -1, 64)
	if len(s) <= 10 {
		return s
	}
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'g', 6, 64) + "…"
}

// exprString prints an expression compactly: * / ^ without spaces, the
// other operators with.
func exprString(e *lang.Expr) string {
	var b strings.Builder
	printExpr(&b, e)
	return b.String()
}

func printExpr(b *strings.Builder, e *lang.Expr) {
	if e == nil {
		return
	}
	printAnd(b, e.Left)
	for _, t := range e.Rest {
		if t != nil {
			b.WriteString(" || ")
			printAnd(b, t.Right)
		}
	}
}

func printAnd(b *strings.Builder, a *lang.AndExpr) {
	if a == nil {
		return
	}
	printCmp(b, a.Left)
	for _, t := range a.Rest {
		if t != nil {
			b.WriteString(" && ")
			printCmp(b, t.Right)
		}
	}
}

func printCmp(b *strings.Builder, c *lang.CmpExpr) {
	if c == nil {
		return
	}
	printAdd(b, c.Left)
	if c.Op != "" {
		b.WriteString(" " + c.Op + " ")
		printAdd(b, c.Right)
	}
}

func printAdd(b *strings.Builder, a *lang.AddExpr) {
	if a == nil {
		return
	}
	printMul(b, a.Left)
	for _, t := range a.Rest {
		if t != nil {
			b.WriteString(" " + t.Op + " ")
			printMul(b, t.Right)
		}
	}
}

func printMul(b *strings.Builder, m *lang.MulExpr) {
	if m == nil {
		return
	}
	printUnary(b, m.Left)
	for _, t := range m.Rest {
		if t != nil {
			b.WriteString(t.Op)
			printUnary(b, t.Right)
		}
	}
}

func printUnary(b *strings.Builder, u *lang.UnaryExpr) {
	if u == nil {
		return
	}
	if u.Op != "" {
		b.WriteString(u.Op)
		printUnary(b, u.Operand)
		return
	}
	if u.Power == nil {
		return
	}
	printPostfix(b, u.Power.Base)
	if u.Power.Exponent != nil {
		b.WriteString("^")
		printUnary(b, u.Power.Exponent)
	}
}

func printPostfix(b *strings.Builder, p *lang.Postfix) {
	if p == nil {
		return
	}
	printPrimary(b, p.Primary)
	if len(p.Index) > 0 {
		b.WriteString("[")
		printList(b, p.Index)
		b.WriteString("]")
	}
}

func printList(b *strings.Builder, es []*lang.Expr) {
	for i, e := range es {
		if i > 0 {
			b.WriteString(", ")
		}
		printExpr(b, e)
	}
}

func printPrimary(b *strings.Builder, p *lang.Primary) {
	switch {
	case p == nil:
	case p.Number != nil:
		b.WriteString(*p.Number)
	case p.String != nil:
		b.WriteString(strconv.Quote(*p.String))
	case p.Bool != nil:
		b.WriteString(*p.Bool)
	case p.Vector != nil:
		b.WriteString("[")
		printList(b, p.Vector)
		b.WriteString("]")
	case p.Paren != nil:
		b.WriteString("(")
		printExpr(b, p.Paren)
		b.WriteString(")")
	case p.Call != nil:
		printCall(b, p.Call)
	}
}

func printCall(b *strings.Builder, c *lang.Call) {
	if c.Name != nil {
		b.WriteString(strings.Join(c.Name.Parts, "."))
	}
	if c.Args == nil {
		return
	}
	b.WriteString("(")
	for i, a := range c.Args.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		if a == nil {
			continue
		}
		if a.Name != "" {
			b.WriteString(a.Name + " = ")
		}
		if a.Value != nil {
			if a.Value.Go != nil {
				b.WriteString("go " + strconv.Quote(*a.Value.Go))
			} else {
				printExpr(b, a.Value.Expr)
			}
		}
	}
	b.WriteString(")")
}

// elemString names one element of a carrier, as x[5] or q[2, 7].
func elemString(v string, idx []int) string {
	parts := make([]string, len(idx))
	for i, x := range idx {
		parts[i] = strconv.Itoa(x)
	}
	return v + "[" + strings.Join(parts, ", ") + "]"
}

// valueText prints an expression with its value, "N/3 = 13.3333…", or
// just the value when the expression is the number itself.
func valueText(e *lang.Expr, x float64) string {
	s, n := exprString(e), fmtNum(x)
	if s == n || s == "" {
		return n
	}
	return s + " = " + n
}
