// Expression trees of forward-model equations, expression obs operators and
// recurrence conditions, with constants already folded.
package ir

// Expr is a checked expression. Every Expr is one of the types below.
type Expr interface{ exprNode() }

// Num is a numeric literal or a folded constant.
type Num struct{ Value float64 }

// ParamRef reads a run-time parameter of the enclosing forward model.
type ParamRef struct{ Name string }

// Time is the model time t.
type Time struct{}

// Step is the model time step dt of the enclosing forward model.
type Step struct{}

// IndexVar is the value of a loop index variable (i or j) as a number. Dim
// is the position of the variable among the equation's loop dimensions.
type IndexVar struct {
	Name string
	Dim  int
}

// Index reads one element of the state (Var is the forward model's or obs
// operator's input parameter). Idx has one entry per dimension of the
// carrier; an index past the ends of a dimension follows the carrier's
// boundary rule there (Carrier.Boundary): it wraps around, gives a fixed
// value or reads the nearest element. When several dimensions are out of
// range, the first of them (in dimension order) whose rule is fixed gives
// the value.
type Index struct {
	Var string
	Idx []Affine
}

// Affine is an integer index expression Offset + Σ Coef[d]·var_d over the
// equation's loop variables (d indexes Equation.Loops()). A constant index
// has all coefficients zero.
type Affine struct {
	Coef   []int // len = number of loop variables of the equation
	Offset int
}

// Const reports whether the index does not depend on any loop variable.
func (a Affine) Const() bool {
	for _, c := range a.Coef {
		if c != 0 {
			return false
		}
	}
	return true
}

// Unary is a unary operation; Op is "-" (negation) or "!" (logical not).
type Unary struct {
	Op string
	X  Expr
}

// Binary is an arithmetic operation; Op is one of + - * / ^.
type Binary struct {
	Op   string
	L, R Expr
}

// Call applies a built-in function: sin cos tan exp log sqrt abs tanh (one
// argument) or min max (two or more).
type Call struct {
	Func string
	Args []Expr
}

// Compare is a comparison; Op is one of < <= > >= == !=. It is a boolean.
type Compare struct {
	Op   string
	L, R Expr
}

// Logical combines booleans; Op is "&&" or "||".
type Logical struct {
	Op   string
	L, R Expr
}

func (*Num) exprNode()      {}
func (*ParamRef) exprNode() {}
func (*Time) exprNode()     {}
func (*Step) exprNode()     {}
func (*IndexVar) exprNode() {}
func (*Index) exprNode()    {}
func (*Unary) exprNode()    {}
func (*Binary) exprNode()   {}
func (*Call) exprNode()     {}
func (*Compare) exprNode()  {}
func (*Logical) exprNode()  {}
