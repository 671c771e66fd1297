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
	IsInt      bool      // scalar whose value is an integer written without a fraction
	Value      float64   // scalar value (unused when Vec != nil)
	Vec        []float64 // vector value, or nil for a scalar
}

// Carrier is a state shape: a nominal type with compile-time dimensions.
type Carrier struct {
	Name       string // Go-ready name (qualified names joined, see Const.Name)
	SourceName string // name as written, e.g. "lorenz96.State"
	Pos        Pos
	Dims       []int // one entry for vec, two (rows, cols) for grid; row-major
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

// ForwardKind says how a forward model advances its state.
type ForwardKind int

// Forward model kinds.
const (
	ForwardODE     ForwardKind = iota + 1 // ddt equations integrated by Scheme
	ForwardMap                            // next equations: a discrete map
	ForwardGo                             // a user Go function
	ForwardCompose                        // components applied in order
	ForwardNeural                         // a dense network from a weights file
)

// Scheme is a time integrator for ODE forward models.
type Scheme int

// Integration schemes.
const (
	SchemeRK4 Scheme = iota + 1
	SchemeRK2
	SchemeEuler
)

// Forward is a forward (predict) model.
type Forward struct {
	Name       string // Go-ready name
	SourceName string // name as written in the .cyc source
	Pos        Pos
	Var        string   // name of the state parameter, e.g. "x"
	Carrier    *Carrier // shape of the state

	Params []*Param
	DT     float64 // model time advanced by one step

	Kind     ForwardKind
	Scheme   Scheme       // ForwardODE only
	Substeps int          // ForwardODE only, ≥ 1
	Eqs      []*Equation  // ForwardODE (tendencies) and ForwardMap (next values)
	Go       *GoRef       // ForwardGo
	Parts    []*Component // ForwardCompose, in application order
	Neural   *Neural      // ForwardNeural

	// Linear reports whether the model is linear in its state (every
	// equation is linear in the state with coefficients that do not depend
	// on the state). Needed by kf.
	Linear bool
}

// Component is one part of a composed forward model.
type Component struct {
	Model *Forward
	Steps int // how many of the component's own steps make one step of the composite
}

// Neural describes a dense network forward model.
type Neural struct {
	Path     string // weights file, relative to the .cyc file that names it
	Residual bool   // x + net(x) instead of net(x)
}

// GoRef names a user Go function or constructor.
type GoRef struct {
	ImportPath string // e.g. "example.com/ocean"
	Name       string // e.g. "Step"
	Pos        Pos
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
	// whole dimension bound to an index variable, or one fixed element.
	LHS []LHSIndex
	RHS Expr
}

// LHSIndex is one dimension of an equation's left-hand side.
type LHSIndex struct {
	Var   string // index variable ("i", "j") when the dimension is looped over, else ""
	Fixed int    // the element, when Var == ""
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

// ObsKind says how an observation operator is given.
type ObsKind int

// Observation operator kinds.
const (
	ObsIdentity  ObsKind = iota + 1
	ObsSubsample         // y[j] = x[Start + j*Step]
	ObsIndices           // y[j] = x[Indices[j]]
	ObsLinear            // y = H x with H read from a CSV file
	ObsExpr              // y[...] = expression equations
	ObsCompose           // Parts applied in order (Parts[0] first)
	ObsGo                // a user Go function func(y, x []float64)
)

// ObsOp is an observation (compare) operator from In to Out.
type ObsOp struct {
	Name       string
	SourceName string // name as written in the .cyc source
	Pos        Pos
	Var        string // input parameter name, e.g. "x"
	In         *Carrier
	Out        *Carrier
	Kind       ObsKind

	Start, Step int         // ObsSubsample (flat indices into In)
	Indices     []int       // ObsIndices (flat indices into In)
	Matrix      string      // ObsLinear: CSV path relative to the .cyc file, rows = Out.Size(), cols = In.Size()
	Eqs         []*Equation // ObsExpr: LHS over Out, RHS reads Var
	Parts       []*ObsOp    // ObsCompose, application order
	Go          *GoRef      // ObsGo
	Jacobian    *GoRef      // ObsGo: optional user Jacobian

	// Linear reports whether the operator is linear in its input.
	Linear bool
}

// AnalysisKind names an analysis method.
type AnalysisKind string

// Analysis kinds of language.md §6.
const (
	AnalysisKF    AnalysisKind = "kf"
	AnalysisEKF   AnalysisKind = "ekf"
	AnalysisEnKF  AnalysisKind = "enkf"
	AnalysisETKF  AnalysisKind = "etkf"
	AnalysisEnSRF AnalysisKind = "ensrf"
	AnalysisLETKF AnalysisKind = "letkf"
	AnalysisPF    AnalysisKind = "pf"
	AnalysisOI    AnalysisKind = "oi"
	AnalysisVar3D AnalysisKind = "var3d"
	AnalysisVar4D AnalysisKind = "var4d"
	AnalysisEnKS  AnalysisKind = "enks"
	AnalysisGo    AnalysisKind = "go"
)

// Analysis is an analysis (update) step with its options resolved and
// defaults filled in.
type Analysis struct {
	Name       string
	SourceName string // name as written in the .cyc source
	Pos        Pos
	Kind       AnalysisKind

	Members   int     // ensemble size (ensemble kinds); 0 when not given
	Inflation float64 // multiplicative, 1 = none
	Additive  float64 // additive inflation std, 0 = none
	RTPP      float64 // relaxation to prior perturbations, 0 = none
	RTPS      float64 // relaxation to prior spread, 0 = none
	Rotate    bool    // etkf: random mean-preserving rotation

	Localize *Localization // letkf, ensrf

	Particles int     // pf
	Resample  string  // pf: systematic | residual | multinomial
	Threshold float64 // pf: ESS fraction that triggers resampling
	Jitter    float64 // pf

	B            *Matrix // oi, var3d, var4d
	Inner, Outer int     // var4d
	Lag          int     // enks

	Go *GoRef // AnalysisGo: constructor of a user filter
}

// Localization is a covariance localisation function.
type Localization struct {
	Func   string // e.g. "gaspari_cohn"
	Radius float64
}

// MatrixKind says how a matrix (R or B) is given.
type MatrixKind int

// Matrix forms of language.md §6.
const (
	MatrixDiag           MatrixKind = iota + 1 // diag(v): v on the diagonal
	MatrixDiagFile                             // diag("v.csv"): diagonal read from a file
	MatrixFile                                 // "M.csv": full matrix read from a file
	MatrixScaledIdentity                       // scaled_identity(v)
)

// Matrix is a covariance matrix (R or B) of a known size.
type Matrix struct {
	Kind  MatrixKind
	Pos   Pos
	Value float64 // MatrixDiag, MatrixScaledIdentity
	Path  string  // MatrixDiagFile, MatrixFile: relative to the .cyc file
	Size  int     // rows (= cols)
}

// CycleKind names how a cycle steps through time.
type CycleKind string

// Cycle kinds of language.md §7.
const (
	CycleForecast         CycleKind = "forecast"
	CycleEnsembleForecast CycleKind = "ensemble_forecast"
	CycleDA               CycleKind = "da"
	CycleEnsembleDA       CycleKind = "ensemble_da"
	CycleSmoother         CycleKind = "smoother"
	CycleWindowed         CycleKind = "windowed"
	CycleRecurrence       CycleKind = "recurrence"
	CycleSequence         CycleKind = "sequence"
)

// Cycle steps a model (and, for DA kinds, observations and an analysis)
// through time. Fields not used by a kind are zero.
type Cycle struct {
	Name       string
	SourceName string // name as written in the .cyc source
	Pos        Pos
	Kind       CycleKind

	Model    *Forward
	Obs      *ObsOp
	ObsErr   *Matrix // R, Size = Obs.Out.Size()
	Analysis *Analysis
	Members  int // ensemble size (from the cycle or its analysis)

	Steps    int // model steps
	ObsEvery int // analyse every ObsEvery model steps (≥ 1)
	Spinup   int // analyses left out of the statistics

	// Seed keys every random stream of the run: the truth and ensemble
	// draws, observation noise and the analysis. It comes from
	// source = twin(seed = s) or the cycle's own `seed` option (default 1).
	Seed uint64

	Init       *Init   // initial distribution; defaults to normal(mean = 0, std = 1)
	Source     *Source // where observations come from (da kinds)
	History    int     // record every History steps; 0 = no history
	Checkpoint int     // checkpoint every Checkpoint steps; 0 = none

	Window, Stride int      // smoother, windowed
	Step           *Forward // windowed, recurrence: the step applied
	Until          Expr     // recurrence: stop condition (a Compare or Logical)
	MaxIters       int      // recurrence
	Parts          []*Cycle // sequence, in order
}

// InitKind says how a cycle's initial state is drawn.
type InitKind int

// Initial-state forms.
const (
	InitNormal InitKind = iota + 1 // normal(mean = m, std = s)
)

// Init is an initial distribution.
type Init struct {
	Kind InitKind
	Pos  Pos
	Mean []float64 // one entry per state element (a scalar mean is broadcast)
	// MeanFrom names the constant the mean came from ("lorenz96.X0"), or ""
	// for a scalar mean; for doc comments only.
	MeanFrom string
	Std      float64
}

// SourceKind says where a DA cycle's observations come from.
type SourceKind int

// Observation sources.
const (
	SourceTwin SourceKind = iota + 1 // synthetic truth run + H(truth) + N(0, R)
	SourceFile                       // observations read from a file
	SourceGo                         // a user Go function
)

// Source is a DA cycle's observation source.
type Source struct {
	Kind SourceKind
	Pos  Pos
	Seed uint64 // SourceTwin; also seeds the ensemble and the analysis
	Path string // SourceFile
	Go   *GoRef // SourceGo
}
