// Expressions: one evaluator for constants, equation right-hand sides,
// indices and conditions. It folds constants, tracks integer-ness, the
// integer affine form of index expressions, what a value depends on and
// whether it is linear in the state, and builds ir.Expr trees.
package check

import (
	"math"
	"strconv"
	"strings"

	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/ir"
	"github.com/cyclec/cyclec/lang"
)

// vkind is the type of a value.
type vkind int

const (
	vBad  vkind = iota // an error was reported: stay silent
	vNum               // a number
	vVec               // a constant vector
	vBool              // a condition
	vStr               // a string literal
)

// dep records what a value depends on.
type dep uint8

const (
	depState dep = 1 << iota // reads the state
	depParam                 // reads a run-time parameter
	depTime                  // reads t or dt
	depLoop                  // reads an index variable
)

// linearity classes of a value with respect to the state.
const (
	linFree      = iota // does not read the state
	linAffine           // affine in the state, state-independent coefficients
	linNonlinear        // anything else
)

// maxIndex bounds the integers of index arithmetic, far beyond any shape.
const maxIndex = 1 << 40

// val is the result of evaluating an expression.
type val struct {
	kind  vkind
	konst bool      // known at compile time (vNum, vVec, vBool literal)
	num   float64   // vNum constant value; vBool literal as 0 or 1
	isInt bool      // constant integer written without a fraction
	vec   []float64 // vVec
	str   string    // vStr
	e     ir.Expr   // vNum and vBool: the IR (an *ir.Num for constants)
	aff   *affine   // integer affine form in the loop variables, when there is one
	deps  dep
	lin   int
	pos   diag.Pos
	from  *object // the constant a plain name refers to
	// nl is the first term that makes the value nonlinear in the state
	// (nil while lin is not linNonlinear), nd the first call with no
	// derivative (min or max of the state), for ir.Reason.
	nl, nd *ir.Reason
}

// firstReason returns a, or b when a is nil.
func firstReason(a, b *ir.Reason) *ir.Reason {
	if a != nil {
		return a
	}
	return b
}

// affine is Offset + Σ Coef[d]·loop_d with integer coefficients.
type affine struct {
	coef []int64
	off  int64
}

func (a *affine) isConst() bool {
	for _, c := range a.coef {
		if c != 0 {
			return false
		}
	}
	return true
}

func (a *affine) ir() ir.Affine {
	out := ir.Affine{Coef: make([]int, len(a.coef)), Offset: int(a.off)}
	for i, c := range a.coef {
		out.Coef[i] = int(c)
	}
	return out
}

func fits(x int64) bool { return x >= -maxIndex && x <= maxIndex }

// combine returns a + s·b, or nil when the result is out of range.
func combine(a, b *affine, s int64) *affine {
	if a == nil || b == nil || len(a.coef) != len(b.coef) {
		return nil
	}
	out := &affine{coef: make([]int64, len(a.coef)), off: a.off + s*b.off}
	if !fits(out.off) {
		return nil
	}
	for i := range a.coef {
		out.coef[i] = a.coef[i] + s*b.coef[i]
		if !fits(out.coef[i]) {
			return nil
		}
	}
	return out
}

// scale returns k·a, or nil when out of range.
func scale(a *affine, k int64) *affine {
	if a == nil || !fits(k) {
		return nil
	}
	out := &affine{coef: make([]int64, len(a.coef)), off: a.off * k}
	if !fits(out.off) {
		return nil
	}
	for i := range a.coef {
		out.coef[i] = a.coef[i] * k
		if !fits(out.coef[i]) {
			return nil
		}
	}
	return out
}

// env is the context an expression is evaluated in.
type env struct {
	c   *checker
	obj *object // declaration being checked: lookups and once-only reports
	mod *module

	state   string        // the state variable that may be read, "" for none
	carrier *ir.Carrier   // its carrier (nil when unknown)
	loops   []string      // index variables bound by the equation, by loop dimension
	ranges  [][2]int      // elements [lo, hi) each loop variable runs over, when the left-hand side checked
	lhsIdx  []ir.LHSIndex // the checked left-hand side, with ranges
	lhs     string        // the equation's left-hand side as written
	inEq    bool          // evaluating an equation's right-hand side
	params  map[string]*ir.Param
	time    bool   // t and dt are available (forward equations)
	output  string // obs output variable, which cannot be read
	where   string // where t and dt are not available, for messages
}

// constEnv evaluates constant expressions of a declaration.
func (c *checker) constEnv(o *object) *env {
	return &env{c: c, obj: o, mod: o.mod}
}

func (v *env) errorf(p diag.Pos, code, format string, args ...any) *diag.Diagnostic {
	return v.c.diags.Add(p, code, format, args...)
}

func bad() val { return val{kind: vBad} }

func numConst(x float64, isInt bool, p diag.Pos) val {
	v := val{kind: vNum, konst: true, num: x, isInt: isInt, e: &ir.Num{Value: x}, pos: p}
	return v
}

// withAff gives a constant its affine form when it is a whole number.
func (v *env) withAff(x val) val {
	if x.kind == vNum && x.konst && x.num == math.Trunc(x.num) && math.Abs(x.num) <= maxIndex {
		x.aff = &affine{coef: make([]int64, len(v.loops)), off: int64(x.num)}
	}
	return x
}

// expr evaluates e.
func (v *env) expr(e *lang.Expr) val {
	if e == nil || e.Left == nil {
		return bad()
	}
	l := v.and(e.Left)
	for _, t := range e.Rest {
		if t == nil {
			return bad()
		}
		l = v.logical("||", l, v.and(t.Right), lang.Pos(t.Pos))
	}
	return l
}

func (v *env) and(a *lang.AndExpr) val {
	if a == nil || a.Left == nil {
		return bad()
	}
	l := v.cmp(a.Left)
	for _, t := range a.Rest {
		if t == nil {
			return bad()
		}
		l = v.logical("&&", l, v.cmp(t.Right), lang.Pos(t.Pos))
	}
	return l
}

func (v *env) logical(op string, l, r val, p diag.Pos) val {
	if !v.cond(l, op) || !v.cond(r, op) {
		return bad()
	}
	return val{kind: vBool, e: &ir.Logical{Op: op, L: l.e, R: r.e}, deps: l.deps | r.deps, pos: l.pos}
}

// cond reports whether x can be an operand of a logical operator.
func (v *env) cond(x val, op string) bool {
	switch x.kind {
	case vBad:
		return false
	case vBool:
		if x.e == nil {
			v.errorf(x.pos, "type", "a constant condition cannot be combined with %s here", op)
			return false
		}
		return true
	}
	v.errorf(x.pos, "type", "operand of %s must be a condition, not %s", op, describe(x))
	return false
}

func (v *env) cmp(c *lang.CmpExpr) val {
	if c == nil || c.Left == nil {
		return bad()
	}
	l := v.add(c.Left)
	if c.Op == "" || c.Right == nil {
		return l
	}
	r := v.add(c.Right)
	if !v.number(l, c.Op) || !v.number(r, c.Op) {
		return bad()
	}
	return val{kind: vBool, e: &ir.Compare{Op: c.Op, L: l.e, R: r.e}, deps: l.deps | r.deps, pos: l.pos}
}

// number reports whether x is a number, reporting anything else as an
// operand of op.
func (v *env) number(x val, op string) bool {
	switch x.kind {
	case vBad:
		return false
	case vNum:
		return true
	}
	v.errorf(x.pos, "type", "operand of %s must be a number, not %s", op, describe(x))
	return false
}

// describe names the type of a value for messages.
func describe(x val) string {
	switch x.kind {
	case vVec:
		return "a vector"
	case vBool:
		if x.e == nil {
			return "a constant true or false"
		}
		return "a condition"
	case vStr:
		return "a string"
	}
	return "a number"
}

func (v *env) add(a *lang.AddExpr) val {
	if a == nil || a.Left == nil {
		return bad()
	}
	l := v.mul(a.Left)
	for _, t := range a.Rest {
		if t == nil {
			return bad()
		}
		l = v.binary(t.Op, l, v.mul(t.Right), lang.Pos(t.Pos), nil)
	}
	return l
}

func (v *env) mul(m *lang.MulExpr) val {
	if m == nil || m.Left == nil {
		return bad()
	}
	l := v.unary(m.Left)
	for k, t := range m.Rest {
		if t == nil {
			return bad()
		}
		l = v.binary(t.Op, l, v.unary(t.Right), lang.Pos(t.Pos), func() string { return mulString(m, k+1) })
	}
	return l
}

// mulString prints the first n+1 factors of a product as written, with
// the operators spaced: "(x[i+1] - x[i-2]) * x[i-1]".
func mulString(m *lang.MulExpr, n int) string {
	var b strings.Builder
	printUnary(&b, m.Left)
	for _, t := range m.Rest[:n] {
		if t != nil {
			b.WriteString(" " + t.Op + " ")
			printUnary(&b, t.Right)
		}
	}
	return b.String()
}

// binary applies an arithmetic operator, folding constants. term prints
// the operation as written (nil for + and -, which never make a value
// nonlinear), for the reason a nonlinear product, quotient or power
// gives.
func (v *env) binary(op string, l, r val, p diag.Pos, term func() string) val {
	okL, okR := v.number(l, op), v.number(r, op)
	if !okL || !okR {
		return bad()
	}
	out := val{kind: vNum, deps: l.deps | r.deps, pos: l.pos,
		nl: firstReason(l.nl, r.nl), nd: firstReason(l.nd, r.nd)}
	switch op {
	case "+", "-":
		out.lin = max(l.lin, r.lin)
	case "*":
		switch {
		case l.lin == linFree:
			out.lin = r.lin
		case r.lin == linFree:
			out.lin = l.lin
		default:
			out.lin = linNonlinear
		}
	case "/":
		out.lin = l.lin
		if r.lin != linFree {
			out.lin = linNonlinear
		}
	case "^":
		switch {
		case l.lin == linFree && r.lin == linFree:
			out.lin = linFree
		case r.konst && r.num == 1:
			out.lin = l.lin
		default:
			out.lin = linNonlinear
		}
	}
	if out.lin == linNonlinear && out.nl == nil && term != nil {
		out.nl = &ir.Reason{Pos: l.pos, Msg: nonlinearTerm(op, l, r, term())}
	}
	if l.konst && r.konst {
		var x float64
		isInt := l.isInt && r.isInt
		switch op {
		case "+":
			x = l.num + r.num
		case "-":
			x = l.num - r.num
		case "*":
			x = l.num * r.num
		case "/":
			if r.num == 0 {
				v.errorf(p, "value", "division by zero")
				return bad()
			}
			x = l.num / r.num
			isInt = isInt && x == math.Trunc(x)
		case "^":
			x = math.Pow(l.num, r.num)
			isInt = isInt && r.num >= 0
		}
		if math.IsInf(x, 0) || math.IsNaN(x) {
			v.errorf(p, "value", "constant %s %s %s is not a finite number", fmtNum(l.num), op, fmtNum(r.num))
			return bad()
		}
		return v.withAff(numConst(x, isInt, l.pos))
	}
	out.e = &ir.Binary{Op: op, L: l.e, R: r.e}
	switch op {
	case "+":
		out.aff = combine(l.aff, r.aff, 1)
	case "-":
		out.aff = combine(l.aff, r.aff, -1)
	case "*":
		switch {
		case l.aff != nil && l.aff.isConst() && r.aff != nil:
			out.aff = scale(r.aff, l.aff.off)
		case r.aff != nil && r.aff.isConst() && l.aff != nil:
			out.aff = scale(l.aff, r.aff.off)
		}
	}
	return out
}

func (v *env) unary(u *lang.UnaryExpr) val {
	if u == nil {
		return bad()
	}
	if u.Op == "" {
		return v.power(u.Power)
	}
	x := v.unary(u.Operand)
	p := lang.Pos(u.Pos)
	if u.Op == "!" {
		if x.kind == vBad {
			return x
		}
		if x.kind != vBool || x.e == nil {
			v.errorf(p, "type", "operand of ! must be a condition on the state, not %s", describe(x))
			return bad()
		}
		return val{kind: vBool, e: &ir.Unary{Op: "!", X: x.e}, deps: x.deps, pos: p}
	}
	if !v.number(x, u.Op) {
		return bad()
	}
	if x.konst {
		y := numConst(-x.num, x.isInt, p)
		return v.withAff(y)
	}
	out := x
	out.pos = p
	out.e = &ir.Unary{Op: "-", X: x.e}
	out.aff = scale(x.aff, -1)
	return out
}

func (v *env) power(pw *lang.PowerExpr) val {
	if pw == nil {
		return bad()
	}
	base := v.postfix(pw.Base)
	if pw.Exponent == nil {
		return base
	}
	exp := v.unary(pw.Exponent)
	return v.binary("^", base, exp, lang.Pos(pw.Pos), func() string {
		var b strings.Builder
		printPostfix(&b, pw.Base)
		b.WriteString("^")
		printUnary(&b, pw.Exponent)
		return b.String()
	})
}

// nonlinearTerm says why the operation l op r, written text, is not
// linear in the state although neither operand is nonlinear by itself.
func nonlinearTerm(op string, l, r val, text string) string {
	text = tightIndices(text)
	read := func(x val) bool { _, ok := x.e.(*ir.Index); return ok }
	switch op {
	case "*":
		if read(l) && read(r) {
			return text + " multiplies two state reads"
		}
		return text + " multiplies two terms that read the state"
	case "/":
		return text + " divides by a term that reads the state"
	}
	if r.lin != linFree {
		return "the exponent of " + text + " reads the state"
	}
	return text + " raises a term that reads the state to a power"
}

func (v *env) postfix(p *lang.Postfix) val {
	if p == nil {
		return bad()
	}
	if len(p.Index) == 0 {
		return v.primary(p.Primary)
	}
	pp := lang.Pos(p.Pos)
	q := primaryName(p.Primary)
	if q == nil {
		v.errorf(pp, "index", "only the state and constant vectors can be indexed")
		return bad()
	}
	if len(q.Parts) == 1 {
		n := q.Parts[0]
		switch {
		case v.state != "" && n == v.state:
			return v.stateRead(p)
		case v.output != "" && n == v.output:
			v.errorf(pp, "output", "%s is the output of the obs operator and cannot be read; the right-hand side reads %s", n, v.state)
			return bad()
		case v.isLocal(n):
			v.errorf(pp, "index", "cannot index %s (%s)", n, v.localKind(n))
			return bad()
		}
	}
	x := v.name(q, lang.Pos(q.Pos))
	if x.kind == vBad {
		return x
	}
	if x.kind != vVec {
		v.errorf(pp, "index", "cannot index %s (%s)", strings.Join(q.Parts, "."), describe(x))
		return bad()
	}
	if len(p.Index) != 1 {
		v.errorf(pp, "index", "%s is a vector and takes one index, not %d", strings.Join(q.Parts, "."), len(p.Index))
		return bad()
	}
	i := v.expr(p.Index[0])
	if i.kind == vBad {
		return i
	}
	if i.kind != vNum || !i.konst || i.num != math.Trunc(i.num) {
		v.errorf(i.pos, "index", "index of constant vector %s must be an integer constant", strings.Join(q.Parts, "."))
		return bad()
	}
	if i.num < 0 || i.num >= float64(len(x.vec)) {
		v.errorf(i.pos, "index", "index %s out of range for %s (%d elements)", fmtNum(i.num), strings.Join(q.Parts, "."), len(x.vec))
		return bad()
	}
	return v.withAff(numConst(x.vec[int(i.num)], false, pp))
}

// stateRead evaluates x[idx…], an element of the state.
func (v *env) stateRead(p *lang.Postfix) val {
	pp := lang.Pos(p.Pos)
	ok := true
	if v.carrier != nil && len(p.Index) != len(v.carrier.Dims) {
		v.errorf(pp, "index", "%s has %s but is read with %d %s", v.state, dimsWord(len(v.carrier.Dims)), len(p.Index), plural(len(p.Index), "index", "indices"))
		ok = false
	}
	idx := make([]ir.Affine, 0, len(p.Index))
	for d, ie := range p.Index {
		a, good := v.index(ie, d)
		if !good {
			ok = false
			continue
		}
		idx = append(idx, a)
	}
	if !ok || !v.obsReach(p, idx) {
		return bad()
	}
	return val{kind: vNum, e: &ir.Index{Var: v.state, Idx: idx}, deps: depState, lin: linAffine, pos: pp}
}

// index evaluates an index of a state read in dimension d: an integer
// affine expression of the loop variables.
func (v *env) index(ie *lang.Expr, d int) (ir.Affine, bool) {
	x := v.expr(ie)
	if x.kind == vBad {
		return ir.Affine{}, false
	}
	p := x.pos
	if ie != nil {
		p = lang.Pos(ie.Pos)
	}
	if x.kind != vNum {
		v.errorf(p, "index", "index of %s must be an integer, not %s", v.state, describe(x))
		return ir.Affine{}, false
	}
	if x.konst && x.num != math.Trunc(x.num) {
		v.errorf(p, "index", "index %s of %s is not an integer", fmtNum(x.num), v.state)
		return ir.Affine{}, false
	}
	if x.aff == nil {
		switch {
		case x.deps&depState != 0:
			v.errorf(p, "index", "index of %s cannot depend on the state", v.state)
		case x.deps&depParam != 0:
			v.errorf(p, "index", "index of %s cannot depend on a parameter: indices are integer expressions of the index variables", v.state)
		case x.deps&depTime != 0:
			v.errorf(p, "index", "index of %s cannot depend on t or dt: indices are integer expressions of the index variables", v.state)
		case x.konst:
			v.errorf(p, "index", "index %s of %s is out of range", fmtNum(x.num), v.state)
		default:
			v.errorf(p, "index", "index %s of %s is not an integer affine expression of the index variables (like i+1 or 2*i)", exprString(ie), v.state)
		}
		return ir.Affine{}, false
	}
	if x.aff.isConst() && v.carrier != nil && d < len(v.carrier.Dims) && x.aff.off >= int64(v.carrier.Dims[d]) &&
		v.carrier.Boundary(d).Kind == ir.BoundaryPeriodic && (v.output == "" || x.aff.off < 2*int64(v.carrier.Dims[d])) {
		// Past the end of a periodic dimension (an obs that wraps more than
		// once is an error of obsReach instead).
		n := int64(v.carrier.Dims[d])
		v.c.diags.Warn(p, "index", "index %d is past the end of %s (size %d) and wraps to %d", x.aff.off, v.state, n, x.aff.off%n)
	}
	return x.aff.ir(), true
}

// isLocal reports whether n is an index variable, parameter or t/dt of
// this context.
func (v *env) isLocal(n string) bool {
	if v.loopDim(n) >= 0 {
		return true
	}
	if _, ok := v.params[n]; ok {
		return true
	}
	return v.time && (n == "t" || n == "dt")
}

func (v *env) localKind(n string) string {
	switch {
	case v.loopDim(n) >= 0:
		return "an index variable"
	case v.params[n] != nil:
		return "a parameter"
	case n == "t":
		return "the model time"
	}
	return "the model time step"
}

func (v *env) loopDim(n string) int {
	for i, l := range v.loops {
		if l == n {
			return i
		}
	}
	return -1
}

func (v *env) primary(p *lang.Primary) val {
	if p == nil {
		return bad()
	}
	pp := lang.Pos(p.Pos)
	switch {
	case p.Number != nil:
		x, err := strconv.ParseFloat(*p.Number, 64)
		if err != nil || math.IsInf(x, 0) {
			v.errorf(pp, "value", "number %s is out of range", *p.Number)
			return bad()
		}
		isInt := !strings.ContainsAny(*p.Number, ".eE")
		return v.withAff(numConst(x, isInt, pp))
	case p.String != nil:
		return val{kind: vStr, str: *p.String, konst: true, pos: pp}
	case p.Bool != nil:
		b := 0.0
		if *p.Bool == "true" {
			b = 1
		}
		return val{kind: vBool, konst: true, num: b, pos: pp}
	case p.Vector != nil:
		return v.vector(p.Vector, pp)
	case p.Paren != nil:
		x := v.expr(p.Paren)
		x.pos = pp
		return x
	case p.Call != nil:
		return v.call(p.Call)
	}
	return bad()
}

// vector evaluates a constant vector [a, b, …].
func (v *env) vector(elems []*lang.Expr, p diag.Pos) val {
	out := val{kind: vVec, konst: true, pos: p, vec: make([]float64, 0, len(elems))}
	ok := true
	for _, e := range elems {
		x := v.expr(e)
		switch {
		case x.kind == vBad:
			ok = false
		case x.kind != vNum || !x.konst:
			ep := x.pos
			if e != nil {
				ep = lang.Pos(e.Pos)
			}
			v.errorf(ep, "type", "elements of a vector must be constant numbers, not %s", describeRuntime(x))
			ok = false
		default:
			out.vec = append(out.vec, x.num)
		}
	}
	if !ok {
		return bad()
	}
	return out
}

func describeRuntime(x val) string {
	if x.kind == vNum {
		return "a value known only at run time"
	}
	return describe(x)
}

// builtins maps the built-in functions to their arity; -2 means two or
// more arguments.
var builtins = map[string]int{
	"sin": 1, "cos": 1, "tan": 1, "exp": 1, "log": 1, "sqrt": 1, "abs": 1, "tanh": 1,
	"min": -2, "max": -2,
}

const builtinList = "sin, cos, tan, exp, log, sqrt, abs, tanh, min, max"

// call evaluates a name (no arguments) or a built-in function call.
func (v *env) call(cl *lang.Call) val {
	if cl == nil || cl.Name == nil || len(cl.Name.Parts) == 0 {
		return bad()
	}
	p := lang.Pos(cl.Pos)
	if cl.Args == nil {
		return v.name(cl.Name, p)
	}
	fname := strings.Join(cl.Name.Parts, ".")
	arity, known := builtins[fname]
	var args []val
	ok := true
	for _, a := range cl.Args.Args {
		if a == nil || a.Value == nil {
			ok = false
			continue
		}
		if a.Name != "" {
			v.errorf(lang.Pos(a.Pos), "call", "%s takes positional arguments, not %s = …", fname, a.Name)
			ok = false
			continue
		}
		if a.Value.Go != nil {
			v.errorf(lang.Pos(a.Pos), "call", "a go reference is not a number")
			ok = false
			continue
		}
		x := v.expr(a.Value.Expr)
		if !v.number(x, fname) {
			ok = false
			continue
		}
		args = append(args, x)
	}
	if !known {
		v.errorf(p, "undefined", "unknown function %s (functions: %s)", fname, builtinList)
		return bad()
	}
	n := len(cl.Args.Args)
	switch {
	case arity == 1 && n != 1:
		v.errorf(p, "call", "%s takes 1 argument, got %d", fname, n)
		return bad()
	case arity == -2 && n < 2:
		v.errorf(p, "call", "%s takes at least 2 arguments, got %d", fname, n)
		return bad()
	}
	if !ok {
		return bad()
	}
	out := val{kind: vNum, pos: p}
	allConst, allInt := true, true
	for _, a := range args {
		out.deps |= a.deps
		if a.lin != linFree {
			out.lin = linNonlinear
		}
		out.nl = firstReason(out.nl, a.nl)
		out.nd = firstReason(out.nd, a.nd)
		allConst = allConst && a.konst
		allInt = allInt && a.isInt
	}
	if out.lin == linNonlinear && out.nl == nil {
		out.nl = &ir.Reason{Pos: p, Msg: callText(cl) + " is not linear in the state"}
	}
	if (fname == "min" || fname == "max") && out.deps&depState != 0 {
		out.nd = &ir.Reason{Pos: p, Msg: callText(cl) + " has no derivative where its arguments are equal"}
	}
	if allConst {
		x := fold(fname, args)
		if math.IsInf(x, 0) || math.IsNaN(x) {
			v.errorf(p, "value", "constant %s(…) is not a finite number", fname)
			return bad()
		}
		isInt := allInt && (fname == "min" || fname == "max" || fname == "abs")
		return v.withAff(numConst(x, isInt, p))
	}
	irArgs := make([]ir.Expr, len(args))
	for i, a := range args {
		irArgs[i] = a.e
	}
	out.e = &ir.Call{Func: fname, Args: irArgs}
	return out
}

// callText prints a call as written, its indices as the formatter does.
func callText(cl *lang.Call) string {
	var b strings.Builder
	printCall(&b, cl)
	return tightIndices(b.String())
}

// tightIndices removes the spaces inside index brackets that the printer
// puts around operators, so that a term reads as the formatter prints it:
// "x[i+1] * x[i-1]". Index expressions hold no strings, and the space
// after a comma between the indices of a grid stays.
func tightIndices(s string) string {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == '[':
			depth++
		case ch == ']':
			depth--
		case ch == ' ' && depth > 0 && (i == 0 || s[i-1] != ','):
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// fold computes a built-in function of constants.
func fold(fname string, args []val) float64 {
	x := args[0].num
	switch fname {
	case "sin":
		return math.Sin(x)
	case "cos":
		return math.Cos(x)
	case "tan":
		return math.Tan(x)
	case "exp":
		return math.Exp(x)
	case "log":
		return math.Log(x)
	case "sqrt":
		return math.Sqrt(x)
	case "abs":
		return math.Abs(x)
	case "tanh":
		return math.Tanh(x)
	case "min":
		for _, a := range args[1:] {
			x = math.Min(x, a.num)
		}
	case "max":
		for _, a := range args[1:] {
			x = math.Max(x, a.num)
		}
	}
	return x
}

// name evaluates a plain or qualified name.
func (v *env) name(q *lang.QualIdent, p diag.Pos) val {
	if len(q.Parts) == 1 {
		n := q.Parts[0]
		if d := v.loopDim(n); d >= 0 {
			a := &affine{coef: make([]int64, len(v.loops))}
			a.coef[d] = 1
			return val{kind: vNum, e: &ir.IndexVar{Name: n, Dim: d}, aff: a, deps: depLoop, pos: p}
		}
		if _, ok := v.params[n]; ok {
			return val{kind: vNum, e: &ir.ParamRef{Name: n}, deps: depParam, pos: p}
		}
		switch {
		case v.state != "" && n == v.state:
			hint := "[i]"
			if v.carrier != nil && v.carrier.Grid() {
				hint = "[i, j]"
			}
			v.errorf(p, "index", "%s is the state and must be read element by element, as %s%s", n, n, hint)
			return bad()
		case v.output != "" && n == v.output:
			v.errorf(p, "output", "%s is the output of the obs operator and cannot be read; the right-hand side reads %s", n, v.state)
			return bad()
		case n == "t" || n == "dt":
			if v.time {
				if n == "t" {
					return val{kind: vNum, e: &ir.Time{}, deps: depTime, pos: p}
				}
				return val{kind: vNum, e: &ir.Step{}, deps: depTime, pos: p}
			}
			what := "time"
			if n == "dt" {
				what = "time step"
			}
			where := v.where
			if where == "" {
				where = "a constant expression"
			}
			v.c.undefinedOnce(v.obj, p, n, "%s is the model %s and means nothing in %s: it can only be used in forward model equations", n, what, where)
			return bad()
		}
		if v.mod.scope[n] == nil && v.inEq && looksLikeIndex(n) {
			hint := "binds no index variable"
			if len(v.loops) == 1 {
				hint = "binds only the index variable " + v.loops[0]
			} else if len(v.loops) > 1 {
				hint = "binds only the index variables " + strings.Join(v.loops, ", ")
			}
			v.c.undefinedOnce(v.obj, p, n, "undefined: %s (the left-hand side %s %s)", n, v.lhs, hint)
			return bad()
		}
	}
	o := v.c.lookup(v.obj, v.mod, p, q.Parts)
	if o == nil {
		return bad()
	}
	if o.kind != kindConst {
		v.errorf(p, "kind", "%s is %s, not a value", strings.Join(q.Parts, "."), o.kind.noun()).With(o.pos, "declared here")
		return bad()
	}
	if o.bad || o.cval.kind == vBad {
		return bad()
	}
	x := o.cval
	x.pos = p
	x.from = o
	x.deps = 0
	x.lin = linFree
	if x.kind == vNum {
		x.e = &ir.Num{Value: x.num}
		x = v.withAff(x)
	}
	return x
}

// looksLikeIndex reports whether an undefined name is probably meant as
// an index variable (i, j, k, i2, …), so a message can say which ones the
// left-hand side binds.
func looksLikeIndex(n string) bool {
	return len(n) <= 2 && n[0] >= 'a' && n[0] <= 'z'
}

// primaryName returns the name a primary consists of, or nil.
func primaryName(p *lang.Primary) *lang.QualIdent {
	if p == nil || p.Call == nil || p.Call.Args != nil || p.Call.Name == nil || len(p.Call.Name.Parts) == 0 {
		return nil
	}
	return p.Call.Name
}

// dimsWord says "1 dimension" or "2 dimensions".
func dimsWord(n int) string {
	return strconv.Itoa(n) + " " + plural(n, "dimension", "dimensions")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
