// Symbolic derivatives of equation right-hand sides with respect to the
// state elements they read: the coefficients a tangent-linear model
// multiplies the perturbation by (δy = Σ_r ∂f/∂x_r · δx_r) and its adjoint
// scatters with (λ_r += ∂f/∂x_r · λ). They are exact for the expression
// as written, so the derivatives of the discrete scheme built from them
// are exact too.
package codegen

import (
	"fmt"

	"github.com/cyclec/cyclec/ir"
)

// partial is the derivative of an expression with respect to one state
// element it reads.
type partial struct {
	read *ir.Index // the read (its first occurrence in the expression)
	key  string    // the element read, as readKey gives it
	coef ir.Expr   // ∂e/∂read, an expression of the state, parameters and indices
}

// readKey names the element a read reads, so that two reads of the same
// element (x[i-1] twice in Lorenz-96) share one partial.
func readKey(r *ir.Index) string { return fmt.Sprintf("%s%v", r.Var, r.Idx) }

// partials returns ∂e/∂x_r for every state element x_r that e reads, in
// the order the reads first appear. Terms known to be zero are left out;
// a read whose derivative is zero everywhere keeps a partial with
// coefficient 0 only when the expression's structure cannot show it.
func partials(e ir.Expr) ([]partial, error) {
	return derive(e)
}

// derive is partials for one node.
func derive(e ir.Expr) ([]partial, error) {
	switch e := e.(type) {
	case *ir.Num, *ir.ParamRef, *ir.Time, *ir.Step, *ir.IndexVar:
		return nil, nil
	case *ir.Index:
		return []partial{{read: e, key: readKey(e), coef: dNum1()}}, nil
	case *ir.Unary:
		if e.Op != "-" {
			return nil, fmt.Errorf("cannot differentiate unary %s", e.Op)
		}
		ps, err := derive(e.X)
		return scalePartials(ps, dNeg), err
	case *ir.Binary:
		return deriveBinary(e)
	case *ir.Call:
		return deriveCall(e)
	case nil:
		return nil, fmt.Errorf("missing expression")
	}
	return nil, fmt.Errorf("cannot differentiate %s", describe(e))
}

// deriveBinary applies the sum, product, quotient and power rules.
func deriveBinary(e *ir.Binary) ([]partial, error) {
	dl, err := derive(e.L)
	if err != nil {
		return nil, err
	}
	dr, err := derive(e.R)
	if err != nil {
		return nil, err
	}
	switch e.Op {
	case "+":
		return mergePartials(dl, dr), nil
	case "-":
		return mergePartials(dl, scalePartials(dr, dNeg)), nil
	case "*":
		// (LR)' = L'R + LR'.
		return mergePartials(
			scalePartials(dl, func(c ir.Expr) ir.Expr { return dMul(c, e.R) }),
			scalePartials(dr, func(c ir.Expr) ir.Expr { return dMul(e.L, c) })), nil
	case "/":
		// (L/R)' = L'/R - L R'/R².
		return mergePartials(
			scalePartials(dl, func(c ir.Expr) ir.Expr { return dDiv(c, e.R) }),
			scalePartials(dr, func(c ir.Expr) ir.Expr { return dNeg(dDiv(dMul(e.L, c), dMul(e.R, e.R))) })), nil
	case "^":
		if len(dr) == 0 {
			// (L^n)' = n L^(n-1) L' for an exponent free of the state.
			return scalePartials(dl, func(c ir.Expr) ir.Expr {
				return dMul(dMul(e.R, dPow(e.L, dSub(e.R, dNum1()))), c)
			}), nil
		}
		// (L^R)' = L^R (R' log L + R L'/L).
		return mergePartials(
			scalePartials(dr, func(c ir.Expr) ir.Expr { return dMul(e, dMul(c, dCall("log", e.L))) }),
			scalePartials(dl, func(c ir.Expr) ir.Expr { return dMul(e, dDiv(dMul(e.R, c), e.L)) })), nil
	}
	return nil, fmt.Errorf("cannot differentiate operator %s", e.Op)
}

// deriveCall applies the chain rule to the one-argument built-ins.
func deriveCall(e *ir.Call) ([]partial, error) {
	if !anyExpr(e, func(x ir.Expr) bool { _, ok := x.(*ir.Index); return ok }) {
		return nil, nil // free of the state: min(c, 2) of parameters included
	}
	if len(e.Args) != 1 {
		return nil, fmt.Errorf("cannot differentiate %s of %d arguments (it is not differentiable where its arguments tie)", e.Func, len(e.Args))
	}
	x := e.Args[0]
	dx, err := derive(x)
	if err != nil || len(dx) == 0 {
		return nil, err
	}
	var outer ir.Expr // f'(x)
	switch e.Func {
	case "sin":
		outer = dCall("cos", x)
	case "cos":
		outer = dNeg(dCall("sin", x))
	case "tan":
		outer = dAdd(dNum1(), dMul(e, e)) // 1 + tan²
	case "exp":
		outer = e
	case "log":
		outer = dDiv(dNum1(), x)
	case "sqrt":
		outer = dDiv(&ir.Num{Value: 0.5}, e)
	case "abs":
		outer = dDiv(x, e) // the sign of x (NaN at 0, where abs has no derivative)
	case "tanh":
		outer = dSub(dNum1(), dMul(e, e)) // 1 - tanh²
	default:
		return nil, fmt.Errorf("cannot differentiate %s", e.Func)
	}
	return scalePartials(dx, func(c ir.Expr) ir.Expr { return dMul(outer, c) }), nil
}

// mergePartials adds b's partials to a's, element by element, keeping the
// order of first appearance.
func mergePartials(a, b []partial) []partial {
	out := append([]partial(nil), a...)
	for _, q := range b {
		found := false
		for i := range out {
			if out[i].key == q.key {
				out[i].coef = dAdd(out[i].coef, q.coef)
				found = true
				break
			}
		}
		if !found {
			out = append(out, q)
		}
	}
	return out
}

// scalePartials maps f over the coefficients.
func scalePartials(ps []partial, f func(ir.Expr) ir.Expr) []partial {
	out := make([]partial, len(ps))
	for i, p := range ps {
		out[i] = partial{read: p.read, key: p.key, coef: f(p.coef)}
	}
	return out
}

// Expression builders that fold the trivial cases (x·1, x+0, -(-x)), so
// the coefficients read as one would write them.

func dNum1() ir.Expr { return &ir.Num{Value: 1} }

func dIsNum(e ir.Expr, v float64) bool {
	n, ok := e.(*ir.Num)
	return ok && n.Value == v
}

func dAdd(a, b ir.Expr) ir.Expr {
	switch {
	case dIsNum(a, 0):
		return b
	case dIsNum(b, 0):
		return a
	}
	return &ir.Binary{Op: "+", L: a, R: b}
}

func dSub(a, b ir.Expr) ir.Expr {
	if dIsNum(b, 0) {
		return a
	}
	if na, ok := a.(*ir.Num); ok {
		if nb, ok := b.(*ir.Num); ok {
			return &ir.Num{Value: na.Value - nb.Value}
		}
	}
	return &ir.Binary{Op: "-", L: a, R: b}
}

func dMul(a, b ir.Expr) ir.Expr {
	switch {
	case dIsNum(a, 1):
		return b
	case dIsNum(b, 1):
		return a
	case dIsNum(a, 0) || dIsNum(b, 0):
		return &ir.Num{Value: 0}
	}
	// Signs float to the top, where the derivatives' sums fold them.
	if neg, x := dSplitSign(a); neg {
		return dNeg(dMul(x, b))
	}
	if neg, y := dSplitSign(b); neg {
		return dNeg(dMul(a, y))
	}
	return &ir.Binary{Op: "*", L: a, R: b}
}

func dDiv(a, b ir.Expr) ir.Expr {
	if dIsNum(b, 1) {
		return a
	}
	if neg, x := dSplitSign(a); neg {
		return dNeg(dDiv(x, b))
	}
	return &ir.Binary{Op: "/", L: a, R: b}
}

func dPow(a, n ir.Expr) ir.Expr {
	switch {
	case dIsNum(n, 1):
		return a
	case dIsNum(n, 0):
		return dNum1()
	}
	return &ir.Binary{Op: "^", L: a, R: n}
}

func dNeg(a ir.Expr) ir.Expr {
	if u, ok := a.(*ir.Unary); ok && u.Op == "-" {
		return u.X
	}
	if n, ok := a.(*ir.Num); ok {
		return &ir.Num{Value: -n.Value}
	}
	return &ir.Unary{Op: "-", X: a}
}

// dSplitSign reports whether e is a negation or a negative number, and
// its magnitude.
func dSplitSign(e ir.Expr) (bool, ir.Expr) {
	switch e := e.(type) {
	case *ir.Num:
		if e.Value < 0 {
			return true, &ir.Num{Value: -e.Value}
		}
	case *ir.Unary:
		if e.Op == "-" {
			return true, e.X
		}
	}
	return false, e
}

func dCall(f string, x ir.Expr) ir.Expr { return &ir.Call{Func: f, Args: []ir.Expr{x}} }
