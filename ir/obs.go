// Observation operators: the parts every kind shares, and one type per
// kind (identity, subsample, indices, a matrix file, equations, a
// composite, user Go).
package ir

// ObsOp is an observation (compare) operator from In to Out. The fields
// here are common to every kind; Def holds what is particular to one.
type ObsOp struct {
	Name       string
	SourceName string // name as written in the .cyc source
	Pos        Pos
	Doc        string // the comment written just above the declaration
	Var        string // input parameter name, e.g. "x"
	In         *Carrier
	Out        *Carrier

	// Linear reports whether the operator is linear in its input.
	Linear bool
	// NonlinearAt is nil exactly when Linear holds; otherwise it points at
	// the first nonlinear term of an expression body, the go reference, or
	// that of the first nonlinear part of a composite.
	NonlinearAt *Reason
	// NoDerivative is nil when the operator has a linearisation (exact for
	// identity, subsample, indices and linear; generated for expression
	// bodies; the jacobian or finite differences for go; chained for
	// compose). An expression body that calls min or max on its input has
	// none (no derivative where the arguments tie), nor has a composite
	// with such a part; NoDerivative then says why, at the place to fix.
	NoDerivative *Reason

	// Given are the sites the source gave with `locations = …`, for forms
	// whose observations have no place of their own (nil otherwise).
	Given *ObsSites

	Def ObsDef
}

// ObsSites says where the observations of an operator sit on its input
// carrier, for localisation: observation j sits at flat element
// Start + j*Step, or at Indices[j] when Indices is not nil.
type ObsSites struct {
	Start, Step int
	Indices     []int
}

// Sites returns where the observations of o sit: the elements that
// identity, subsample and indices operators read, or what the source gave
// with `locations`; nil when neither says.
func (o *ObsOp) Sites() *ObsSites {
	switch d := o.Def.(type) {
	case *Identity:
		return &ObsSites{Start: 0, Step: 1}
	case *Subsample:
		return &ObsSites{Start: d.Start, Step: d.Step}
	case *Indices:
		return &ObsSites{Indices: d.Indices}
	}
	return o.Given
}

// ObsDef is the kind-specific part of an observation operator: one of
// *Identity, *Subsample, *Indices, *LinearObs, *ExprObs, *ComposeObs or
// *GoObs.
type ObsDef interface {
	// Form names the kind as messages do: "identity", "subsample", …
	Form() string
}

// Identity observes every element: y = x.
type Identity struct{}

// Subsample observes y[j] = x[Start + j*Step] (flat indices into In).
type Subsample struct{ Start, Step int }

// Indices observes y[j] = x[Indices[j]] (flat indices into In).
type Indices struct{ Indices []int }

// LinearObs is y = H x with H read from a CSV file: rows = Out.Size(),
// cols = In.Size().
type LinearObs struct {
	Matrix string // path relative to the .cyc file
}

// ExprObs gives y by equations: LHS over Out, RHS reading Var.
type ExprObs struct{ Eqs []*Equation }

// ComposeObs applies Parts in order (Parts[0] first).
type ComposeObs struct{ Parts []*ObsOp }

// GoObs is a user Go function func(y, x []float64), with an optional
// Jacobian func(J, x []float64).
type GoObs struct {
	Ref      *GoRef
	Jacobian *GoRef // nil when not given
}

// Form implements ObsDef.
func (*Identity) Form() string { return "identity" }

// Form implements ObsDef.
func (*Subsample) Form() string { return "subsample" }

// Form implements ObsDef.
func (*Indices) Form() string { return "indices" }

// Form implements ObsDef.
func (*LinearObs) Form() string { return "linear" }

// Form implements ObsDef.
func (*ExprObs) Form() string { return "expression" }

// Form implements ObsDef.
func (*ComposeObs) Form() string { return "compose" }

// Form implements ObsDef.
func (*GoObs) Form() string { return "go" }
