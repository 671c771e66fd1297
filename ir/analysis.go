// Analyses: the parts every kind shares, one type per method, and the
// options several methods share (inflation and relaxation, localisation,
// covariance matrices).
package ir

// AnalysisKind names an analysis method as the source does.
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
	AnalysisDEnKF AnalysisKind = "denkf"
	AnalysisGo    AnalysisKind = "go"
)

// Analysis is an analysis (update) step with its options resolved and
// defaults filled in. Method holds what is particular to its kind.
type Analysis struct {
	Name       string
	SourceName string // name as written in the .cyc source
	Pos        Pos
	Doc        string // the comment written just above the declaration

	Method Method
}

// Kind names the analysis's method.
func (a *Analysis) Kind() AnalysisKind { return a.Method.Kind() }

// Members is the ensemble size the analysis declares (particles for a
// particle filter), or 0 when it declares none.
func (a *Analysis) Members() int {
	switch m := a.Method.(type) {
	case *ETKF:
		return m.Members
	case *EnKF:
		return m.Members
	case *DEnKF:
		return m.Members
	case *EnSRF:
		return m.Members
	case *LETKF:
		return m.Members
	case *EnKS:
		return m.Members
	case *PF:
		return m.Particles
	case *GoAnalysis:
		return m.Members
	}
	return 0
}

// Inflation is the analysis's inflation and relaxation, and whether it
// has any (the particle filter, variational and user Go analyses do not).
func (a *Analysis) Inflation() (Inflation, bool) {
	switch m := a.Method.(type) {
	case *ETKF:
		return m.Inflation, true
	case *EnKF:
		return m.Inflation, true
	case *DEnKF:
		return m.Inflation, true
	case *EnSRF:
		return m.Inflation, true
	case *LETKF:
		return m.Inflation, true
	case *EnKS:
		return m.Inflation, true
	case *KF:
		return m.Inflation, true
	case *EKF:
		return m.Inflation, true
	}
	return NoInflation, false
}

// Localization is the analysis's localisation, or nil when it has none.
func (a *Analysis) Localization() *Localization {
	switch m := a.Method.(type) {
	case *LETKF:
		return m.Localize
	case *EnSRF:
		return m.Localize
	}
	return nil
}

// Method is the kind-specific part of an analysis: one of *KF, *EKF,
// *EnKF, *DEnKF, *ETKF, *EnSRF, *LETKF, *PF, *OI, *Var3D, *Var4D, *EnKS or
// *GoAnalysis.
type Method interface {
	// Kind names the method as the source does.
	Kind() AnalysisKind
}

// Inflation is the inflation and relaxation applied after an analysis,
// shared by every method that has them. The zero value is not valid: use
// NoInflation.
type Inflation struct {
	Multiplicative float64 // anomalies × a; 1 = none
	Additive       float64 // std of N(0, s²) draws added to every member; 0 = none
	RTPP           float64 // relaxation to prior perturbations, in [0, 1]; 0 = none
	RTPS           float64 // relaxation to prior spread; 0 = none
	// Adaptive replaces the multiplicative factor (then 1) by one
	// estimated at every analysis from the innovations.
	Adaptive bool
}

// NoInflation is an Inflation that changes nothing.
var NoInflation = Inflation{Multiplicative: 1}

// None reports whether the inflation changes nothing.
func (i Inflation) None() bool { return i == NoInflation }

// Localization is a covariance localisation taper as the source wrote it.
type Localization struct {
	Taper Taper
	// Radius is DAPPER's loc_rad: for Gaspari–Cohn the half-width is 1.82
	// radii and the taper is zero beyond 3.64 radii; for a step, the
	// distance up to which it is 1. A cutoff written in the source is
	// converted to this radius.
	Radius float64
	// Cutoff is the distance at which the taper reaches zero when the
	// source gave gaspari_cohn(cutoff = d) (PDAF's and DART's convention),
	// else 0.
	Cutoff float64
	Pos    Pos // the taper call
}

// Taper names a localisation function.
type Taper string

// The tapers.
const (
	TaperGaspariCohn Taper = "gaspari_cohn"
	TaperStep        Taper = "step"
)

// KF is the exact Kalman filter (linear model and operator).
type KF struct{ Inflation Inflation }

// EKF is the extended Kalman filter.
type EKF struct{ Inflation Inflation }

// EnKF is the stochastic (perturbed-observation) ensemble Kalman filter.
type EnKF struct {
	Members   int
	Inflation Inflation
}

// DEnKF is Sakov & Oke's deterministic EnKF: the mean by the Kalman
// gain, the anomalies by half of it.
type DEnKF struct {
	Members   int
	Inflation Inflation
	Rotate    bool // a random mean-preserving rotation after each analysis
}

// ETKF is the square-root ensemble transform Kalman filter.
type ETKF struct {
	Members   int
	Inflation Inflation
	Rotate    bool // a random mean-preserving rotation after each analysis
}

// EnSRF is the serial square-root filter.
type EnSRF struct {
	Members   int
	Inflation Inflation
	Rotate    bool          // a random mean-preserving rotation after each analysis
	Localize  *Localization // nil: none
}

// LETKF is the local ETKF.
type LETKF struct {
	Members   int
	Inflation Inflation
	Rotate    bool // a random mean-preserving rotation after all local analyses
	Localize  *Localization
}

// EnKS is the ensemble Kalman smoother.
type EnKS struct {
	Members   int
	Inflation Inflation
	Rotate    bool // a random mean-preserving rotation of the filter's analysis
	Lag       int  // the analyses after its own that update each analysis time
}

// PF is the bootstrap particle filter.
type PF struct {
	Particles int
	Resample  string  // systematic | residual | multinomial
	Threshold float64 // ESS fraction that triggers resampling
	Jitter    float64
}

// OI is optimal interpolation (DAPPER's OptInterp): every analysis is
// the climatological Mean corrected by the static B's gain, xa = Mean +
// B Hᵀ (H B Hᵀ + R)⁻¹ (y − H(Mean)).
type OI struct {
	B *Matrix
	// Mean is the climatological mean (option mean, required), with one
	// value per state element: a file whose values the checker counted
	// against the state, or the values themselves.
	Mean *Vector
}

// Var3D is 3D-Var with a static B.
type Var3D struct{ B *Matrix }

// Var4D is strong-constraint incremental 4D-Var.
type Var4D struct {
	B            *Matrix
	Inner, Outer int
}

// GoAnalysis is a user Go analysis, built by its constructor.
type GoAnalysis struct {
	Ref     *GoRef
	Members int // 0 when not given
}

// Kind implements Method.
func (*KF) Kind() AnalysisKind { return AnalysisKF }

// Kind implements Method.
func (*EKF) Kind() AnalysisKind { return AnalysisEKF }

// Kind implements Method.
func (*EnKF) Kind() AnalysisKind { return AnalysisEnKF }

// Kind implements Method.
func (*DEnKF) Kind() AnalysisKind { return AnalysisDEnKF }

// Kind implements Method.
func (*ETKF) Kind() AnalysisKind { return AnalysisETKF }

// Kind implements Method.
func (*EnSRF) Kind() AnalysisKind { return AnalysisEnSRF }

// Kind implements Method.
func (*LETKF) Kind() AnalysisKind { return AnalysisLETKF }

// Kind implements Method.
func (*EnKS) Kind() AnalysisKind { return AnalysisEnKS }

// Kind implements Method.
func (*PF) Kind() AnalysisKind { return AnalysisPF }

// Kind implements Method.
func (*OI) Kind() AnalysisKind { return AnalysisOI }

// Kind implements Method.
func (*Var3D) Kind() AnalysisKind { return AnalysisVar3D }

// Kind implements Method.
func (*Var4D) Kind() AnalysisKind { return AnalysisVar4D }

// Kind implements Method.
func (*GoAnalysis) Kind() AnalysisKind { return AnalysisGo }

// MatrixKind says how a matrix (R or B) is given.
type MatrixKind int

// Matrix forms of language.md §6.
const (
	MatrixDiag           MatrixKind = iota + 1 // diag(v) or diag([v0, v1, …]): v, or one vᵢ per row, on the diagonal
	MatrixDiagFile                             // diag("v.csv"): diagonal read from a file
	MatrixFile                                 // "M.csv": full matrix read from a file
	MatrixScaledIdentity                       // scaled_identity(v)
)

// Matrix is a covariance matrix (R or B) of a known size.
type Matrix struct {
	Kind MatrixKind
	Pos  Pos
	// Scale multiplies the whole matrix: k in the source form k * M (a
	// constant k > 0 and any of the forms above, B = 0.02 * "cov.csv"),
	// and 1 otherwise. The checker always sets it; the other fields
	// describe M unscaled.
	Scale float64
	Value float64 // MatrixDiag, MatrixScaledIdentity
	// Values are the variances of diag([v0, v1, …]), one per row (len =
	// Size), or nil when Value is on every element.
	Values []float64
	Path   string // MatrixDiagFile, MatrixFile: relative to the .cyc file
	Size   int    // rows (= cols)
}
