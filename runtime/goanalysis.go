// The configuration a user Go analysis constructor is given
// (`analysis X = go "example.com/myfilter.New"`).

package runtime

// GoAnalysisConfig is what the generated code passes to a user Go analysis
// constructor, which has the signature
//
//	func New(cfg cycrt.GoAnalysisConfig) (cycrt.Analysis, error)
//
// The sizes are fixed at compile time; the constructor allocates its
// workspaces from them, so that Analyze need not allocate.
type GoAnalysisConfig struct {
	Members int       // ensemble size N (E.Members and HE.Members in Analyze)
	Dim     int       // state size (E.Dim)
	Obs     int       // observation count (len(y), HE.Dim)
	R       *ObsError // observation-error covariance, Obs×Obs
	// Seed is the run's seed. An analysis that draws random numbers
	// derives its streams from Seed and the index Analyze is given, so
	// that a run is reproducible and independent of worker count.
	Seed uint64
}
