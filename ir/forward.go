// Forward models: the parts every kind shares, and one type per kind of
// body (ddt equations, a next map, user Go, a composite, a network).
package ir

// Forward is a forward (predict) model. The fields here are common to every
// kind; Def holds what is particular to one.
type Forward struct {
	Name       string // Go-ready name
	SourceName string // name as written in the .cyc source
	Pos        Pos
	Doc        string   // the comment written just above the declaration, without comment markers
	Var        string   // name of the state parameter, e.g. "x"
	Carrier    *Carrier // shape of the state

	Params []*Param
	DT     float64 // model time advanced by one step

	// Linear reports whether the model is linear in its state (every
	// equation is linear in the state with coefficients that do not depend
	// on the state). Needed by kf.
	Linear bool
	// NonlinearAt is nil exactly when Linear holds; otherwise it points at
	// the first term that makes the model nonlinear (the first nonlinear
	// term of the first such equation, the go reference, the first
	// nonlinear layer of a network, or that of the first nonlinear part of
	// a composite).
	NonlinearAt *Reason
	// NoDerivative is nil when the model has a tangent-linear and an
	// adjoint of its step: generated for ddt and next bodies (unless an
	// equation calls min or max on the state, which has no derivative
	// where the arguments tie), the user's GoForward.Tangent and Adjoint,
	// and for a composite those of every part. Otherwise it says why not,
	// at the place to fix. The analyses that need derivatives (ekf, var4d)
	// are refused over a model whose NoDerivative is set.
	NoDerivative *Reason

	Def ForwardDef
}

// ForwardDef is the kind-specific part of a forward model: one of *ODE,
// *Map, *GoForward, *Compose or *Neural.
type ForwardDef interface {
	// Form names the kind as messages do: "ddt", "next", "go", "compose"
	// or "neural".
	Form() string
}

// Scheme is a time integrator for ODE forward models.
type Scheme int

// Integration schemes.
const (
	SchemeRK4 Scheme = iota + 1
	SchemeRK2
	SchemeEuler
)

// ODE is a model given by ddt equations, integrated by Scheme.
type ODE struct {
	Scheme   Scheme
	Substeps int         // integrator sub-steps per DT, ≥ 1
	Eqs      []*Equation // the tendencies; together they cover the carrier once
}

// Map is a model given by next equations: a discrete map.
type Map struct {
	Eqs []*Equation // the next values; together they cover the carrier once
}

// GoForward is a model written by the user in Go: a function
// func(x []float64, t, dt float64) [error], or a type whose pointer has
// Step(x []float64, t, dt float64) error.
type GoForward struct {
	Ref *GoRef
	// Tangent and Adjoint are the user's derivatives of the function form
	// (options tangent = go "…" and adjoint = go "…", given together or not
	// at all), nil when not given. Tangent is func(x, dx []float64, t, dt
	// float64): it replaces dx by M dx, M the Jacobian of one step at x,
	// leaving x unchanged; Adjoint is func(x, ax []float64, t, dt float64)
	// and replaces ax by Mᵀ ax. The type form has neither (its derivatives
	// are not supported yet, and Forward.NoDerivative says so).
	Tangent, Adjoint *GoRef
	// Type reports the type form; Fields are then its exported float64
	// fields (run-time parameters) and HasNew whether NewT() *T exists.
	Type   bool
	Fields []string
	HasNew bool
	// ReturnsError reports whether the function form returns an error.
	ReturnsError bool
}

// Compose applies its components in order.
type Compose struct {
	Parts []*Component
}

// Component is one part of a composed forward model.
type Component struct {
	Model *Forward
	Steps int // how many of the component's own steps make one step of the composite
}

// Neural is a dense network read from a safetensors weights file.
type Neural struct {
	Path     string // weights file, relative to the .cyc file that names it
	Residual bool   // x + net(x) instead of net(x)
	// Widths are the layer widths from input to output (len = layers+1)
	// and Activations the function applied after each layer ("linear"
	// after the last unless the file says otherwise), when the compiler
	// has read the file's header; nil otherwise.
	Widths      []int
	Activations []string
}

// Form implements ForwardDef.
func (*ODE) Form() string { return "ddt" }

// Form implements ForwardDef.
func (*Map) Form() string { return "next" }

// Form implements ForwardDef.
func (*GoForward) Form() string { return "go" }

// Form implements ForwardDef.
func (*Compose) Form() string { return "compose" }

// Form implements ForwardDef.
func (*Neural) Form() string { return "neural" }

// Equations returns the equations of an ODE or a Map, and nil for other
// kinds.
func (f *Forward) Equations() []*Equation {
	switch d := f.Def.(type) {
	case *ODE:
		return d.Eqs
	case *Map:
		return d.Eqs
	}
	return nil
}
