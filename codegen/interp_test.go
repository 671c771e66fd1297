// A direct interpreter of IR equations and observation operators, with
// modulo indexing and the boundary rules applied element by element: the
// reference that generated code (edges peeled, wraps and boundaries
// resolved at generation time) is compared against.
package codegen

import (
	"fmt"
	"math"

	"github.com/cyclec/cyclec/ir"
)

// evalEquations applies eqs to x (shape inDims) and returns the output of
// shape outDims.
func evalEquations(eqs []*ir.Equation, in *ir.Carrier, outDims []int, x []float64, params map[string]float64, t, dt float64) ([]float64, error) {
	size := 1
	for _, d := range outDims {
		size *= d
	}
	out := make([]float64, size)
	for _, eq := range eqs {
		var ranges [][2]int
		for d, l := range eq.LHS {
			if l.Var != "" {
				lo, hi := l.Span(outDims[d])
				ranges = append(ranges, [2]int{lo, hi})
			}
		}
		vals := make([]int, len(ranges))
		var rec func(v int) error
		rec = func(v int) error {
			if v < len(ranges) {
				for vals[v] = ranges[v][0]; vals[v] < ranges[v][1]; vals[v]++ {
					if err := rec(v + 1); err != nil {
						return err
					}
				}
				return nil
			}
			y, err := evalExpr(eq.RHS, in, x, vals, params, t, dt)
			if err != nil {
				return err
			}
			flat, stride, lv := 0, 1, len(vals)
			for d := len(eq.LHS) - 1; d >= 0; d-- {
				e := eq.LHS[d].Fixed
				if eq.LHS[d].Var != "" {
					lv--
					e = vals[lv]
				}
				flat += e * stride
				stride *= outDims[d]
			}
			out[flat] = y
			return nil
		}
		if err := rec(0); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// evalExpr evaluates e with the loop variables at vals.
func evalExpr(e ir.Expr, in *ir.Carrier, x []float64, vals []int, params map[string]float64, t, dt float64) (float64, error) {
	ev := func(e ir.Expr) (float64, error) { return evalExpr(e, in, x, vals, params, t, dt) }
	dims := in.Dims
	switch e := e.(type) {
	case *ir.Num:
		return e.Value, nil
	case *ir.ParamRef:
		v, ok := params[e.Name]
		if !ok {
			return 0, fmt.Errorf("no parameter %s", e.Name)
		}
		return v, nil
	case *ir.Time:
		return t, nil
	case *ir.Step:
		return dt, nil
	case *ir.IndexVar:
		return float64(vals[e.Dim]), nil
	case *ir.Index:
		el := make([]int, len(e.Idx))
		for d := range e.Idx {
			a := e.Idx[d].Offset
			for v, c := range e.Idx[d].Coef {
				a += c * vals[v]
			}
			n := dims[d]
			switch b := in.Boundary(d); {
			case a >= 0 && a < n:
			case b.Kind == ir.BoundaryFixed:
				return b.Value, nil // the first fixed dimension outside gives the value
			case b.Kind == ir.BoundaryClamp:
				a = max(0, min(n-1, a))
			default:
				a %= n
				if a < 0 {
					a += n
				}
			}
			el[d] = a
		}
		flat, stride := 0, 1
		for d := len(el) - 1; d >= 0; d-- {
			flat += el[d] * stride
			stride *= dims[d]
		}
		return x[flat], nil
	case *ir.Unary:
		v, err := ev(e.X)
		return -v, err
	case *ir.Binary:
		l, err := ev(e.L)
		if err != nil {
			return 0, err
		}
		r, err := ev(e.R)
		if err != nil {
			return 0, err
		}
		switch e.Op {
		case "+":
			return l + r, nil
		case "-":
			return l - r, nil
		case "*":
			return l * r, nil
		case "/":
			return l / r, nil
		case "^":
			return math.Pow(l, r), nil
		}
	case *ir.Call:
		args := make([]float64, len(e.Args))
		for i, a := range e.Args {
			v, err := ev(a)
			if err != nil {
				return 0, err
			}
			args[i] = v
		}
		fs := map[string]func(float64) float64{
			"sin": math.Sin, "cos": math.Cos, "tan": math.Tan, "exp": math.Exp, "log": math.Log,
			"sqrt": math.Sqrt, "abs": math.Abs, "tanh": math.Tanh,
		}
		if f, ok := fs[e.Func]; ok {
			return f(args[0]), nil
		}
		v := args[0]
		for _, a := range args[1:] {
			if e.Func == "min" {
				v = math.Min(v, a)
			} else {
				v = math.Max(v, a)
			}
		}
		return v, nil
	}
	return 0, fmt.Errorf("cannot evaluate %T", e)
}

// evalForward is the right-hand side of model m at (x, t) with default
// parameters.
func evalForward(m *ir.Forward, x []float64, t float64) ([]float64, error) {
	params := map[string]float64{}
	for _, p := range m.Params {
		params[p.Name] = p.Default
	}
	return evalEquations(m.Equations(), m.Carrier, m.Carrier.Dims, x, params, t, m.DT)
}

// evalObs applies operator o to x; matrix is H for linear operators.
func evalObs(o *ir.ObsOp, x, matrix []float64) ([]float64, error) {
	p := o.Out.Size()
	y := make([]float64, p)
	switch d := o.Def.(type) {
	case *ir.Identity:
		copy(y, x)
	case *ir.Subsample:
		for j := range y {
			y[j] = x[d.Start+j*d.Step]
		}
	case *ir.Indices:
		for j, i := range d.Indices {
			y[j] = x[i]
		}
	case *ir.LinearObs:
		n := o.In.Size()
		for r := range y {
			for c := 0; c < n; c++ {
				y[r] += matrix[r*n+c] * x[c]
			}
		}
	case *ir.ExprObs:
		return evalEquations(d.Eqs, o.In, o.Out.Dims, x, nil, 0, 0)
	default:
		return nil, fmt.Errorf("cannot evaluate obs form %s", o.Def.Form())
	}
	return y, nil
}
