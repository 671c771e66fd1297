// The observation-source interface a cycle fed by real observations reads from.

package runtime

// ObsSource delivers the observations of a cycle that has no truth run:
// observations read from a file ([FileSource]) or produced by the user's
// own Go code (data.md §1, a `go` source, through [ObsFunc]).
//
// Observe fills y (the length of the cycle's observation carrier, p) with
// the observation for the analysis at model time t, the t of the cycle: 0
// at the first step, k·dt after k steps. It reports ok = false when there
// is no observation at that time; the cycle then makes no analysis and the
// ensemble goes on with its forecast, and the contents of y are
// unspecified. A NaN element of y marks a missing value: the analyses
// leave it out (see [ETKF.Analyze], [EnKF.Analyze]). An error stops the
// run.
//
// A cycle calls Observe once per analysis time, in increasing time, from
// one goroutine; an implementation may rely on that, but [FileSource]
// does not (it answers any t, in any order, so a resumed run reads the
// same observations).
type ObsSource interface {
	Observe(t float64, y []float64) (ok bool, err error)
}

// ObsFunc adapts a function with the signature of a user `go` source,
// func(t float64, y []float64) (ok bool, err error), to an [ObsSource].
type ObsFunc func(t float64, y []float64) (ok bool, err error)

// Observe calls f(t, y).
func (f ObsFunc) Observe(t float64, y []float64) (ok bool, err error) { return f(t, y) }

// Compile-time checks that the sources implement ObsSource.
var (
	_ ObsSource = ObsFunc(nil)
	_ ObsSource = (*FileSource)(nil)
)
