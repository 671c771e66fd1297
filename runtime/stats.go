// Running scores (RMSE and spread) as benchmarks.md defines them.

package runtime

import (
	"fmt"
	"math"
)

// Stats accumulates the scores of a twin experiment: at each analysis time
// the RMSE of the ensemble mean against the truth, sqrt(mean_i (x̄_i -
// x_i)²), and the spread, sqrt(mean_i var_i) with the unbiased variance,
// both for the forecast just before the analysis and for the analysis
// (after inflation and rotation). The scores are time means over the
// analyses after the first `spinup`.
//
// A weighted ensemble (a particle filter's, [Ensemble].Weights set) is
// scored by its weighted mean and unbiased weighted spread, as
// [Ensemble.MeanSpread] computes them.
//
// Call Forecast then Analysis once per analysis time (ForecastState then
// AnalysisState for the single state of a `da` cycle, scored with the
// element-wise error variance its analysis reports). None allocates.
// A shape mismatch records NaN scores and is reported by [Stats.Err].
//
// A run with no truth (observations from a file) passes a nil truth: the
// spread is accumulated as usual, the RMSE is NaN, and [Stats.Fill] marks
// the summary NoTruth.
type Stats struct {
	dim, spinup int
	mean        []float64

	n            int // analyses seen
	lastF, lastA float64
	sumRF, sumSF float64
	sumRA, sumSA float64
	nF, nA       int
	noTruth      bool // some call had no truth
	err          error
}

// NewStats returns empty statistics for states of length dim that skip the
// first spinup analyses.
func NewStats(dim, spinup int) *Stats {
	return &Stats{dim: dim, spinup: max(spinup, 0), mean: make([]float64, max(dim, 0)),
		lastF: math.NaN(), lastA: math.NaN()}
}

// Forecast scores the forecast ensemble E against the truth just before an
// analysis. It counts toward the forecast scores when the analysis that
// follows is past the spin-up.
func (s *Stats) Forecast(E *Ensemble, truth []float64) {
	s.addForecast(s.score(E, truth))
}

// Analysis scores the analysis ensemble E (after inflation) against the
// truth. The first spinup analyses are not counted.
func (s *Stats) Analysis(E *Ensemble, truth []float64) {
	s.addAnalysis(s.score(E, truth))
}

// ForecastState scores a single forecast state x (the `da` cycles' EKF,
// 3D-Var, OI) against the truth just before an analysis, as Forecast
// scores an ensemble: the RMSE of x, and the spread sqrt(mean_i
// variance_i) from the element-wise error variance the analysis reports
// (the diagonal of its covariance, DAPPER's rmv). A nil variance means the
// method has none: the spread is NaN, and so is its time mean in the
// summary (printed as not available). A nil truth is handled as by
// Forecast.
func (s *Stats) ForecastState(x, variance, truth []float64) {
	s.addForecast(s.scoreState(x, variance, truth))
}

// AnalysisState scores a single analysis state x and its element-wise
// error variance (nil for none) as [Stats.ForecastState] does, counted
// as [Stats.Analysis] counts an ensemble: the first spinup analyses are
// not.
func (s *Stats) AnalysisState(x, variance, truth []float64) {
	s.addAnalysis(s.scoreState(x, variance, truth))
}

// addForecast records the forecast scores before an analysis.
func (s *Stats) addForecast(rmse, spread float64) {
	s.lastF = rmse
	if s.n >= s.spinup {
		s.sumRF += rmse
		s.sumSF += spread
		s.nF++
	}
}

// addAnalysis records the scores of an analysis and counts it.
func (s *Stats) addAnalysis(rmse, spread float64) {
	s.lastA = rmse
	if s.n >= s.spinup {
		s.sumRA += rmse
		s.sumSA += spread
		s.nA++
	}
	s.n++
}

// LastRMSE returns the RMSE of the latest forecast and analysis (NaN
// before the first).
func (s *Stats) LastRMSE() (forecast, analysis float64) { return s.lastF, s.lastA }

// Err returns the first shape mismatch met, or nil.
func (s *Stats) Err() error { return s.err }

// Fill sets the score fields of sum: Analyses (the counted ones), Spinup,
// and the time means RMSEAnalysis, RMSEForecast, SpreadAnalysis and
// SpreadForecast. A mean over no analyses is NaN. Without a truth the
// RMSEs are NaN and NoTruth is set.
func (s *Stats) Fill(sum *Summary) {
	sum.Analyses = s.nA
	sum.Spinup = s.spinup
	sum.RMSEAnalysis = ratio(s.sumRA, s.nA)
	sum.SpreadAnalysis = ratio(s.sumSA, s.nA)
	sum.RMSEForecast = ratio(s.sumRF, s.nF)
	sum.SpreadForecast = ratio(s.sumSF, s.nF)
	if s.noTruth {
		sum.NoTruth = true
		sum.RMSEAnalysis, sum.RMSEForecast = math.NaN(), math.NaN()
	}
}

// score returns the RMSE of E's mean against truth and E's spread.
func (s *Stats) score(E *Ensemble, truth []float64) (rmse, spread float64) {
	if E != nil && E.Weights != nil && len(E.Weights) != E.Members {
		if s.err == nil {
			s.err = fmt.Errorf("statistics: ensemble has %d weights for %d members", len(E.Weights), E.Members)
		}
		return math.NaN(), math.NaN()
	}
	if truth == nil && E != nil && E.Dim == s.dim && len(E.Data) == E.Members*E.Dim && s.dim > 0 {
		s.noTruth = true
		return math.NaN(), E.MeanSpread(s.mean)
	}
	if E == nil || E.Dim != s.dim || len(truth) != s.dim || len(E.Data) != E.Members*E.Dim || s.dim == 0 {
		if s.err == nil {
			s.err = fmt.Errorf("statistics: ensemble or truth does not have dimension %d", s.dim)
		}
		return math.NaN(), math.NaN()
	}
	spread = E.MeanSpread(s.mean)
	return rmseOf(s.mean, truth), spread
}

// scoreState returns the RMSE of x against truth and the spread
// sqrt(mean(variance)), NaN for a nil variance.
func (s *Stats) scoreState(x, variance, truth []float64) (rmse, spread float64) {
	if len(x) != s.dim || s.dim == 0 || (variance != nil && len(variance) != s.dim) || (truth != nil && len(truth) != s.dim) {
		if s.err == nil {
			s.err = fmt.Errorf("statistics: state, variance or truth does not have dimension %d", s.dim)
		}
		return math.NaN(), math.NaN()
	}
	spread = math.NaN()
	if variance != nil {
		var sum float64
		for _, v := range variance {
			sum += v
		}
		spread = math.Sqrt(sum / float64(s.dim))
	}
	if truth == nil {
		s.noTruth = true
		return math.NaN(), spread
	}
	return rmseOf(x, truth), spread
}

// rmseOf returns sqrt(mean_i (x_i − truth_i)²); the slices have the same
// non-zero length.
func rmseOf(x, truth []float64) float64 {
	truth = truth[:len(x)]
	var ss float64
	for i, m := range x {
		d := m - truth[i]
		ss += d * d
	}
	return math.Sqrt(ss / float64(len(x)))
}

// ratio returns sum/n, or NaN when n is 0.
func ratio(sum float64, n int) float64 {
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// FillSmoothed sets the smoother fields of sum from s, statistics of the
// final smoothed ensembles (fed through [Stats.Analysis] in the order of
// their analysis times): HasSmoothed, RMSESmoothed, SpreadSmoothed and
// Smoothed, the number of analysis times counted.
func (s *Stats) FillSmoothed(sum *Summary) {
	sum.HasSmoothed = true
	sum.Smoothed = s.nA
	sum.RMSESmoothed = ratio(s.sumRA, s.nA)
	sum.SpreadSmoothed = ratio(s.sumSA, s.nA)
	if s.noTruth {
		sum.RMSESmoothed = math.NaN()
	}
}
