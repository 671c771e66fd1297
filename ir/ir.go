// Package ir is the resolved, checked form of a .cyc program: carriers with
// concrete shapes, models as expression trees, observation operators,
// analyses and cycles. The checker produces it from the syntax tree and
// code generation consumes it; it holds no syntax nodes, so grammar changes
// never reach codegen.
//
// It lives in its own package (rather than inside check/) so that codegen
// depends only on this data model, never on the checker's machinery.
package ir

import "github.com/cyclec/cyclec/diag"

// Pos is a source position (see diag.Pos). File is the path as the user
// named it ("examples/l96/etkf.cyc") or "std/lorenz96.cyc" for the standard
// library; generated code prints only its base name, so that output never
// depends on where it was built.
type Pos = diag.Pos

// Program is one checked .cyc file together with everything it imports.
// Declarations from imported modules are included (each exactly once), in a
// deterministic order: imports first, depth first, then the file's own, each
// in source order.
type Program struct {
	Package string // package name of the generated Go
	Source  string // base name of the root .cyc file, e.g. "etkf.cyc"

	Consts   []*Const
	Carriers []*Carrier
	Forwards []*Forward
	Obs      []*ObsOp
	Analyses []*Analysis
	Cycles   []*Cycle
}

// Const is a folded constant: a scalar or a vector (a point in state space).
type Const struct {
	Name       string // Go-ready name: qualified names are joined, "lorenz96.X0" → "Lorenz96X0"
	SourceName string // name as written in the .cyc source, e.g. "lorenz96.X0"
	Pos        Pos
	Doc        string    // the comment written just above the declaration
	IsInt      bool      // scalar whose value is an integer written without a fraction
	Value      float64   // scalar value (unused when Vec != nil)
	Vec        []float64 // vector value, or nil for a scalar
}

// Carrier is a state shape: a nominal type with compile-time dimensions.
type Carrier struct {
	Name       string // Go-ready name (qualified names joined, see Const.Name)
	SourceName string // name as written, e.g. "lorenz96.State"
	Pos        Pos
	Doc        string // the comment written just above the declaration
	Dims       []int  // one entry for vec, two (rows, cols) for grid; row-major
	// Bounds says, per dimension, what a read past either end gives; nil
	// when every dimension is periodic (the default).
	Bounds []Boundary
}

// BoundaryKind says what a read past the ends of a carrier dimension gives.
type BoundaryKind int

// Boundary rules of a carrier dimension. The zero value is periodic, the
// default.
const (
	BoundaryPeriodic BoundaryKind = iota // the index wraps around: x[-1] is x[n-1]
	BoundaryFixed                        // the read gives Boundary.Value
	BoundaryClamp                        // the read gives the nearest element: x[-1] is x[0]
)

// Boundary is the rule for reads past the ends of one carrier dimension.
type Boundary struct {
	Kind  BoundaryKind
	Value float64 // the value read outside, for BoundaryFixed
}

// Boundary is the rule of dimension d (periodic when Bounds is nil).
func (c *Carrier) Boundary(d int) Boundary {
	if d < len(c.Bounds) {
		return c.Bounds[d]
	}
	return Boundary{}
}

// Periodic reports whether every dimension of the carrier wraps around.
func (c *Carrier) Periodic() bool {
	for _, b := range c.Bounds {
		if b.Kind != BoundaryPeriodic {
			return false
		}
	}
	return true
}

// Size is the number of elements of the carrier.
func (c *Carrier) Size() int {
	n := 1
	for _, d := range c.Dims {
		n *= d
	}
	return n
}

// Grid reports whether the carrier is two-dimensional.
func (c *Carrier) Grid() bool { return len(c.Dims) == 2 }

// GoRef names a user Go function, type or constructor.
type GoRef struct {
	ImportPath string // e.g. "example.com/ocean"
	Name       string // e.g. "Step"
	Package    string // the package's name, e.g. "ocean"; "" when not resolved
	Pos        Pos
}

// Reason points at what keeps a model or an operator from having a
// property the checker computes (derivatives, linearity): Pos is the place
// to fix and Msg says what is there in a few words, such as "x[i+1] *
// x[i-1] multiplies two state reads". Messages about the property are
// built around it, and codegen reads only whether it is nil.
type Reason struct {
	Pos Pos
	Msg string
}

// Vector is a constant vector a declaration gives, inline or from a data
// file: exactly one of Path and Values is set.
type Vector struct {
	Pos  Pos
	Path string // a CSV file of numbers, read in row-major order; relative to the .cyc file
	// Values are the elements when the source gives them (a list, a
	// vector constant, or a number the checker broadcast to the state).
	Values []float64
}

// Param is a run-time parameter of a forward model.
type Param struct {
	Name    string
	Pos     Pos
	Default float64
}

// Equation gives the tendency (ddt) or next value (next) of the elements of
// a carrier selected by its left-hand side.
//
// For obs expression forms the left-hand side is the output y and the
// right-hand side reads the operator's input.
type Equation struct {
	Pos Pos
	// LHS has one entry per dimension of the carrier: either a loop over the
	// dimension (or a range of it) bound to an index variable, or one fixed
	// element.
	LHS []LHSIndex
	RHS Expr
}

// LHSIndex is one dimension of an equation's left-hand side.
type LHSIndex struct {
	Var   string // index variable ("i", "j") when the dimension is looped over, else ""
	Fixed int    // the element, when Var == ""
	// Lo and Hi bound a loop to the elements Lo ≤ e < Hi of its dimension
	// (`i in Lo..Hi-1` in the source); Hi == 0 means the whole dimension.
	Lo, Hi int
}

// Span is the range [lo, hi) of elements the index covers in a dimension of
// n elements: the loop's range, or the fixed element alone.
func (l LHSIndex) Span(n int) (lo, hi int) {
	switch {
	case l.Var == "":
		return l.Fixed, l.Fixed + 1
	case l.Hi == 0:
		return 0, n
	}
	return l.Lo, l.Hi
}

// Loops reports the index variables of the equation's loop dimensions, in
// dimension order.
func (e *Equation) Loops() []string {
	var vs []string
	for _, l := range e.LHS {
		if l.Var != "" {
			vs = append(vs, l.Var)
		}
	}
	return vs
}
