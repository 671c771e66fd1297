// Expressions: ir.Expr trees rendered as Go arithmetic, with parentheses
// only where Go's precedence needs them (the tree's grouping is kept
// exactly, since floating-point addition is not associative), small
// integer powers multiplied out and index expressions resolved against
// the periodic wrap or the boundary rules of the carrier they read.
package codegen

import (
	"fmt"
	"math"
	"strconv"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// Go operator precedences, as the spec numbers them, plus the levels of
// unary and primary expressions.
const (
	precAdd     = 4
	precMul     = 5
	precUnary   = 6
	precPrimary = 7
)

// mathFuncs maps the one-argument built-ins to package math.
var mathFuncs = map[string]string{
	"sin": "Sin", "cos": "Cos", "tan": "Tan", "exp": "Exp", "log": "Log",
	"sqrt": "Sqrt", "abs": "Abs", "tanh": "Tanh",
}

// exprEnv is what an expression can refer to where it is emitted.
type exprEnv struct {
	in     string        // the ir variable that Index reads (Forward.Var, ObsOp.Var)
	arr    string        // Go name of the array Index reads
	dims   []int         // shape of the carrier Index reads
	bounds []ir.Boundary // its boundary rules (nil: periodic)
	params []string      // Go local of each model parameter, by ir name (nil for obs)
	pnames []string      // ir names matching params
	used   []bool        // which params the expressions read
	time   string        // Go name of the model time, "" where t is not available
	dt     string        // Go name of the model's time step constant, "" where not available
	g      *gen

	// Hoisted terms (see hoist.go): each read from the table field of the
	// model recv at the element site gives for the bindings.
	hoisted map[ir.Expr]string
	recv    string
	site    func(loops []binding) jen.Code
}

// binding is the value of one loop variable where an equation is emitted:
// a Go loop variable ranging over [lo, hi), or a fixed value.
type binding struct {
	name   string // Go loop variable; "" when the value is fixed
	lo, hi int    // range of the loop variable
	fixed  int    // the value when name == ""
}

// param returns the Go local of parameter name and marks it used.
func (env *exprEnv) param(name string) (string, bool) {
	for i, p := range env.pnames {
		if p == name {
			env.used[i] = true
			return env.params[i], true
		}
	}
	return "", false
}

// checkEquations reports equations the generator cannot emit: shapes that
// disagree with the carriers, and expressions outside what a forward
// model (model = true) or an observation operator may use.
func (g *gen) checkEquations(pos ir.Pos, in, out *ir.Carrier, eqs []*ir.Equation, model bool) {
	if in == nil || out == nil {
		g.internal(pos, "equations without a carrier")
		return
	}
	if len(eqs) == 0 {
		g.internal(pos, "no equations")
	}
	for _, eq := range eqs {
		if eq == nil || eq.RHS == nil {
			g.internal(pos, "empty equation")
			continue
		}
		if len(eq.LHS) != len(out.Dims) {
			g.internal(eq.Pos, "equation has %d indices for a carrier of %d dimensions", len(eq.LHS), len(out.Dims))
			continue
		}
		for d, l := range eq.LHS {
			if l.Var == "" && (l.Fixed < 0 || l.Fixed >= out.Dims[d]) {
				g.internal(eq.Pos, "equation assigns element %d of a dimension of %d", l.Fixed, out.Dims[d])
			}
			if l.Var != "" && l.Hi != 0 && (l.Lo < 0 || l.Lo >= l.Hi || l.Hi > out.Dims[d]) {
				g.internal(eq.Pos, "equation loops over elements %d to %d of a dimension of %d", l.Lo, l.Hi-1, out.Dims[d])
			}
		}
		if len(in.Bounds) != 0 && len(in.Bounds) != len(in.Dims) {
			g.internal(eq.Pos, "carrier %s has %d boundary rules for %d dimensions", in.SourceName, len(in.Bounds), len(in.Dims))
		}
		if err := checkExpr(eq.RHS, len(eq.Loops()), len(in.Dims), model); err != nil {
			g.internal(eq.Pos, "%v", err)
		}
	}
}

// checkExpr reports the first part of e that cannot be emitted.
func checkExpr(e ir.Expr, loops, dims int, model bool) error {
	switch e := e.(type) {
	case *ir.Num:
		return nil
	case *ir.ParamRef, *ir.Time, *ir.Step:
		if !model {
			return fmt.Errorf("an observation operator cannot read %s", describe(e))
		}
		return nil
	case *ir.IndexVar:
		if e.Dim < 0 || e.Dim >= loops {
			return fmt.Errorf("index variable %s is not a loop of its equation", e.Name)
		}
		return nil
	case *ir.Index:
		if len(e.Idx) != dims {
			return fmt.Errorf("%s is indexed with %d indices, want %d", e.Var, len(e.Idx), dims)
		}
		for _, a := range e.Idx {
			if len(a.Coef) != loops {
				return fmt.Errorf("index of %s has %d coefficients for %d loops", e.Var, len(a.Coef), loops)
			}
		}
		return nil
	case *ir.Unary:
		if e.Op != "-" {
			return fmt.Errorf("unary %s in arithmetic", e.Op)
		}
		return checkExpr(e.X, loops, dims, model)
	case *ir.Binary:
		switch e.Op {
		case "+", "-", "*", "/", "^":
		default:
			return fmt.Errorf("unknown operator %s", e.Op)
		}
		if err := checkExpr(e.L, loops, dims, model); err != nil {
			return err
		}
		return checkExpr(e.R, loops, dims, model)
	case *ir.Call:
		switch {
		case mathFuncs[e.Func] != "":
			if len(e.Args) != 1 {
				return fmt.Errorf("%s takes one argument, not %d", e.Func, len(e.Args))
			}
		case e.Func == "min" || e.Func == "max":
			if len(e.Args) < 2 {
				return fmt.Errorf("%s takes at least two arguments", e.Func)
			}
		default:
			return fmt.Errorf("unknown function %s", e.Func)
		}
		for _, a := range e.Args {
			if err := checkExpr(a, loops, dims, model); err != nil {
				return err
			}
		}
		return nil
	case nil:
		return fmt.Errorf("missing expression")
	}
	return fmt.Errorf("%s in arithmetic", describe(e))
}

// describe names an expression node for messages.
func describe(e ir.Expr) string {
	switch e.(type) {
	case *ir.ParamRef:
		return "a parameter"
	case *ir.Time:
		return "the model time t"
	case *ir.Step:
		return "the time step dt"
	case *ir.Compare:
		return "a comparison"
	case *ir.Logical:
		return "a logical operator"
	}
	return fmt.Sprintf("%T", e)
}

// expr renders e with the loop variables bound as in loops, and returns
// its Go precedence.
func (env *exprEnv) expr(e ir.Expr, loops []binding) (jen.Code, int) {
	if r := env.hoistedRead(e, loops); r != nil {
		return r, precPrimary
	}
	switch e := e.(type) {
	case *ir.Num:
		return num(e.Value, false)
	case *ir.ParamRef:
		name, ok := env.param(e.Name)
		if !ok {
			// checkEquations ran first; an unknown parameter is a checker
			// bug, reported rather than emitted.
			env.g.internal(ir.Pos{}, "unknown parameter %s", e.Name)
		}
		return jen.Id(name), precPrimary
	case *ir.Time:
		return jen.Id(env.time), precPrimary
	case *ir.Step:
		return jen.Id(env.dt), precPrimary
	case *ir.IndexVar:
		b := loops[e.Dim]
		if b.name == "" {
			// A typed constant, so that arithmetic with it rounds exactly
			// as float64(i) does in the loops of the same equation.
			return jen.Float64().Call(jen.Lit(b.fixed)), precPrimary
		}
		return jen.Float64().Call(jen.Id(b.name)), precPrimary
	case *ir.Index:
		if !env.periodic() {
			return env.read(e.Idx, loops)
		}
		return jen.Id(env.arr).Index(env.index(e.Idx, loops)), precPrimary
	case *ir.Unary:
		x, p := env.expr(e.X, loops)
		if p <= precUnary {
			// "- -x" would print as "--x"; "-(a+b)" needs its parentheses.
			x = jen.Parens(x)
		}
		return jen.Op("-").Add(x), precUnary
	case *ir.Binary:
		return env.binary(e, loops)
	case *ir.Call:
		args := make([]jen.Code, len(e.Args))
		for i, a := range e.Args {
			args[i], _ = env.expr(a, loops)
		}
		if f := mathFuncs[e.Func]; f != "" {
			return jen.Qual("math", f).Call(args...), precPrimary
		}
		// min and max with float operands are Go's built-ins.
		return jen.Id(e.Func).Call(args...), precPrimary
	}
	env.g.internal(ir.Pos{}, "cannot emit %s", describe(e))
	return jen.Lit(0), precPrimary
}

// binary renders an arithmetic operation.
func (env *exprEnv) binary(e *ir.Binary, loops []binding) (jen.Code, int) {
	if e.Op == "^" {
		return env.power(e, loops)
	}
	prec := precAdd
	if e.Op == "*" || e.Op == "/" {
		prec = precMul
	}
	var l, r jen.Code
	var lp, rp int
	if e.Op == "/" && constant(e.L) && constant(e.R) {
		// Both sides constant: keep Go from dividing untyped integers.
		l, lp = constExpr(e.L)
		r, rp = constExpr(e.R)
	} else {
		l, lp = env.expr(e.L, loops)
		r, rp = env.expr(e.R, loops)
	}
	if lp < prec {
		l = jen.Parens(l)
	}
	if rp <= prec {
		// a-(b-c), a/(b*c) and also a+(b+c): floating-point addition is
		// not associative, so the tree's grouping is kept.
		r = jen.Parens(r)
	}
	return jen.Add(l).Op(e.Op).Add(r), prec
}

// power renders x^n: small integer powers of a simple operand multiplied
// out, of a compound operand through an inlined helper, others math.Pow.
func (env *exprEnv) power(e *ir.Binary, loops []binding) (jen.Code, int) {
	n, isNum := e.R.(*ir.Num)
	if isNum && (n.Value == 2 || n.Value == 3) {
		x, p := env.expr(e.L, loops)
		if simple(e.L) {
			if p < precUnary {
				x = jen.Parens(x)
			}
			s := jen.Add(x).Op("*").Add(x)
			if n.Value == 3 {
				s = s.Op("*").Add(x)
			}
			return s, precMul
		}
		helper := "cycSquare"
		if n.Value == 3 {
			helper = "cycCube"
		}
		env.g.helpers[helper] = true
		return jen.Id(helper).Call(x), precPrimary
	}
	x, _ := env.expr(e.L, loops)
	y, _ := env.expr(e.R, loops)
	return jen.Qual("math", "Pow").Call(x, y), precPrimary
}

// simple reports whether e is cheap enough to repeat in x*x.
func simple(e ir.Expr) bool {
	switch e := e.(type) {
	case *ir.Num, *ir.ParamRef, *ir.Time, *ir.Step, *ir.IndexVar, *ir.Index:
		return true
	case *ir.Unary:
		return simple(e.X)
	}
	return false
}

// constant reports whether e is made of numbers only.
func constant(e ir.Expr) bool {
	switch e := e.(type) {
	case *ir.Num:
		return true
	case *ir.Unary:
		return constant(e.X)
	case *ir.Binary:
		return constant(e.L) && constant(e.R)
	}
	return false
}

// constExpr renders a constant expression with float literals.
func constExpr(e ir.Expr) (jen.Code, int) {
	switch e := e.(type) {
	case *ir.Num:
		return num(e.Value, true)
	case *ir.Unary:
		x, p := constExpr(e.X)
		if p <= precUnary {
			x = jen.Parens(x)
		}
		return jen.Op("-").Add(x), precUnary
	case *ir.Binary:
		if e.Op == "^" {
			l, _ := constExpr(e.L)
			r, _ := constExpr(e.R)
			return jen.Qual("math", "Pow").Call(l, r), precPrimary
		}
		prec := precAdd
		if e.Op == "*" || e.Op == "/" {
			prec = precMul
		}
		l, lp := constExpr(e.L)
		r, rp := constExpr(e.R)
		if lp < prec {
			l = jen.Parens(l)
		}
		if rp <= prec {
			r = jen.Parens(r)
		}
		return jen.Add(l).Op(e.Op).Add(r), prec
	}
	return jen.Lit(0.0), precPrimary
}

// num renders a float64 literal: shortest round-tripping form, with a
// fraction or exponent when asFloat is set so Go treats it as a float.
func num(v float64, asFloat bool) (jen.Code, int) {
	switch {
	case math.IsNaN(v):
		return jen.Qual("math", "NaN").Call(), precPrimary
	case math.IsInf(v, 1):
		return jen.Qual("math", "Inf").Call(jen.Lit(1)), precPrimary
	case math.IsInf(v, -1):
		return jen.Qual("math", "Inf").Call(jen.Lit(-1)), precUnary
	}
	s := floatText(v, asFloat)
	if v < 0 || (v == 0 && math.Signbit(v)) {
		return jen.Op(s), precUnary
	}
	return jen.Op(s), precPrimary
}

// floatText is v in Go's shortest round-tripping form.
func floatText(v float64, asFloat bool) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if asFloat {
		isInt := true
		for _, r := range s {
			if r == '.' || r == 'e' || r == 'n' || r == 'I' {
				isInt = false
			}
		}
		if isInt {
			s += ".0"
		}
	}
	return s
}

// walkExpr calls visit on e and, while visit returns true, on its
// operands in order.
func walkExpr(e ir.Expr, visit func(ir.Expr) bool) {
	if !visit(e) {
		return
	}
	switch e := e.(type) {
	case *ir.Unary:
		walkExpr(e.X, visit)
	case *ir.Binary:
		walkExpr(e.L, visit)
		walkExpr(e.R, visit)
	case *ir.Call:
		for _, a := range e.Args {
			walkExpr(a, visit)
		}
	}
}

// anyExpr reports whether some node of e satisfies is.
func anyExpr(e ir.Expr, is func(ir.Expr) bool) bool {
	found := false
	walkExpr(e, func(x ir.Expr) bool {
		found = found || is(x)
		return !found
	})
	return found
}
