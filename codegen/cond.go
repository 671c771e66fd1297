// Conditions: the boolean expressions of a recurrence's until (ir.Compare,
// ir.Logical and logical not over arithmetic on the state) rendered as a
// Go bool expression, and as source text for doc comments and messages.
// The arithmetic inside is expr.go's.
package codegen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// Go precedences of the boolean operators, below precAdd.
const (
	precOr  = 1
	precAnd = 2
	precCmp = 3
)

// checkCond reports the first part of the condition e that cannot be
// emitted over a state of dims dimensions: a condition is made of
// comparisons of arithmetic on the state and constants, combined with
// &&, || and !.
func checkCond(e ir.Expr, dims int) error {
	switch e := e.(type) {
	case *ir.Logical:
		if e.Op != "&&" && e.Op != "||" {
			return fmt.Errorf("unknown logical operator %s", e.Op)
		}
		if err := checkCond(e.L, dims); err != nil {
			return err
		}
		return checkCond(e.R, dims)
	case *ir.Unary:
		if e.Op != "!" {
			return fmt.Errorf("%s of a number where a condition is needed", e.Op)
		}
		return checkCond(e.X, dims)
	case *ir.Compare:
		switch e.Op {
		case "<", "<=", ">", ">=", "==", "!=":
		default:
			return fmt.Errorf("unknown comparison %s", e.Op)
		}
		for _, x := range []ir.Expr{e.L, e.R} {
			if err := checkExpr(x, 0, dims, true); err != nil {
				return err
			}
			if anyExpr(x, func(x ir.Expr) bool {
				switch x.(type) {
				case *ir.ParamRef, *ir.Time, *ir.Step, *ir.IndexVar:
					return true
				}
				return false
			}) {
				return fmt.Errorf("a condition reads only the state and constants")
			}
		}
		return nil
	case nil:
		return fmt.Errorf("missing condition")
	}
	return fmt.Errorf("%s where a condition is needed", describe(e))
}

// cond renders the condition e (checked by checkCond) and returns its Go
// precedence.
func (env *exprEnv) cond(e ir.Expr) (jen.Code, int) {
	switch e := e.(type) {
	case *ir.Logical:
		prec := precOr
		if e.Op == "&&" {
			prec = precAnd
		}
		l, lp := env.cond(e.L)
		r, rp := env.cond(e.R)
		if lp < prec {
			l = jen.Parens(l)
		}
		if rp <= prec {
			r = jen.Parens(r)
		}
		return jen.Add(l).Op(e.Op).Add(r), prec
	case *ir.Unary:
		x, p := env.cond(e.X)
		if p < precUnary {
			x = jen.Parens(x)
		}
		return jen.Op("!").Add(x), precUnary
	case *ir.Compare:
		l, lp := env.expr(e.L, nil)
		r, rp := env.expr(e.R, nil)
		if lp <= precCmp {
			l = jen.Parens(l)
		}
		if rp <= precCmp {
			r = jen.Parens(r)
		}
		return jen.Add(l).Op(e.Op).Add(r), precCmp
	}
	env.g.internal(ir.Pos{}, "cannot emit %s as a condition", describe(e))
	return jen.False(), precPrimary
}

// Precedences of the .cyc grammar (language.md §7), for condText.
const (
	srcOr = iota + 1
	srcAnd
	srcCmp
	srcAdd
	srcMul
	srcUnary
	srcPow
	srcPrimary
)

// condText writes the condition or expression e as cyclec fmt would,
// with the parentheses the grammar needs: abs(x[0] ^ 2 - 2) < 1e-12.
// Indices are printed as the constant offsets a condition has (it has no
// loops).
func condText(e ir.Expr) string {
	s, _ := srcText(e)
	return s
}

// srcText is condText with the precedence of the result.
func srcText(e ir.Expr) (string, int) {
	wrap := func(s string, p, min int) string {
		if p < min {
			return "(" + s + ")"
		}
		return s
	}
	switch e := e.(type) {
	case *ir.Num:
		s := strconv.FormatFloat(e.Value, 'g', -1, 64)
		if e.Value < 0 {
			return s, srcUnary
		}
		return s, srcPrimary
	case *ir.Index:
		idx := make([]string, len(e.Idx))
		for i, a := range e.Idx {
			idx[i] = strconv.Itoa(a.Offset)
		}
		return e.Var + "[" + strings.Join(idx, ", ") + "]", srcPrimary
	case *ir.ParamRef:
		return e.Name, srcPrimary
	case *ir.Time:
		return "t", srcPrimary
	case *ir.Step:
		return "dt", srcPrimary
	case *ir.IndexVar:
		return e.Name, srcPrimary
	case *ir.Call:
		args := make([]string, len(e.Args))
		for i, a := range e.Args {
			args[i], _ = srcText(a)
		}
		return e.Func + "(" + strings.Join(args, ", ") + ")", srcPrimary
	case *ir.Unary:
		x, p := srcText(e.X)
		return e.Op + wrap(x, p, srcUnary), srcUnary
	case *ir.Binary:
		prec := map[string]int{"+": srcAdd, "-": srcAdd, "*": srcMul, "/": srcMul, "^": srcPow}[e.Op]
		l, lp := srcText(e.L)
		r, rp := srcText(e.R)
		if e.Op == "^" {
			// Right-associative, and binding tighter than a unary minus.
			return wrap(l, lp, srcPow+1) + " ^ " + wrap(r, rp, srcUnary), srcPow
		}
		return wrap(l, lp, prec) + " " + e.Op + " " + wrap(r, rp, prec+1), prec
	case *ir.Compare:
		l, lp := srcText(e.L)
		r, rp := srcText(e.R)
		return wrap(l, lp, srcAdd) + " " + e.Op + " " + wrap(r, rp, srcAdd), srcCmp
	case *ir.Logical:
		prec := srcOr
		if e.Op == "&&" {
			prec = srcAnd
		}
		l, lp := srcText(e.L)
		r, rp := srcText(e.R)
		return wrap(l, lp, prec) + " " + e.Op + " " + wrap(r, rp, prec+1), prec
	}
	return "?", srcPrimary
}
