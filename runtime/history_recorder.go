// HistoryRecorder: builds history records from a cycle's state, so that
// generated cycles hand over their truth, ensemble and observations and
// never assemble a record themselves.

package runtime

import "math"

// HistoryRecorder assembles one [HistoryRecord] at a time from the state
// of a cycle and appends it to a [History]. A generated cycle calls, at a
// recorded analysis, Truth and Forecast before the analysis, then
// Observation, Analysis (and, for a variational analysis, Minimisation;
// for a smoother, Smoothed or SmoothedState) and Append after it; a
// forecast calls Forecast (an ensemble) or State (one trajectory) and
// Append. What is not given for a record is written as missing, and its
// scores are NaN.
//
// The means, spreads and scores are computed into buffers allocated by
// [NewHistoryRecorder], so recording allocates nothing. The truth and the
// observation are referenced, not copied: they must not change before
// Append. It is not safe for concurrent use.
type HistoryRecorder struct {
	h       History
	rec     HistoryRecord
	n       int
	members bool

	fMean, fSpread, aMean, aSpread []float64
	sMean, sSpread                 []float64 // a smoother's finished state
	fMembers, aMembers             []float64
	cost, gradNorm                 []float64 // a variational minimisation, meta.Outer values
	spreadF, spreadA               float64
}

// NewHistoryRecorder returns a recorder of states of meta's size (and,
// with meta.RecordMembers, of meta.Members members) appending to h.
func NewHistoryRecorder(h History, meta HistoryMeta) *HistoryRecorder {
	n := meta.StateSize()
	r := &HistoryRecorder{h: h, n: n, members: meta.RecordMembers && meta.Members > 0,
		fMean: make([]float64, n), fSpread: make([]float64, n),
		aMean: make([]float64, n), aSpread: make([]float64, n)}
	if meta.Smoothed {
		r.sMean, r.sSpread = make([]float64, n), make([]float64, n)
	}
	if r.members {
		r.fMembers = make([]float64, n*meta.Members)
		r.aMembers = make([]float64, n*meta.Members)
	}
	if meta.Outer > 0 {
		r.cost, r.gradNorm = make([]float64, meta.Outer), make([]float64, meta.Outer)
	}
	r.reset()
	return r
}

// History returns the history the recorder appends to.
func (r *HistoryRecorder) History() History { return r.h }

// Truth sets the record's true state (referenced until Append).
func (r *HistoryRecorder) Truth(x []float64) { r.rec.Truth = x }

// Observation sets the observation assimilated (referenced until Append).
func (r *HistoryRecorder) Observation(y []float64) { r.rec.Obs = y }

// State sets the state of a run without an ensemble, recorded as the
// forecast mean with no spread (the text format's kind state).
func (r *HistoryRecorder) State(x []float64) {
	copy(r.fMean, x)
	r.rec.ForecastMean, r.rec.ForecastSpread = r.fMean, nil
}

// Forecast records the ensemble before the analysis: its mean, its
// element-wise spread, its spread score and, when members are recorded,
// every member.
func (r *HistoryRecorder) Forecast(E *Ensemble) {
	r.spreadF = r.ensemble(E, r.fMean, r.fSpread, r.fMembers)
	r.rec.ForecastMean, r.rec.ForecastSpread = r.fMean, r.fSpread
	if r.members {
		r.rec.ForecastMembers = r.fMembers
	}
}

// Analysis records the ensemble after the analysis, as Forecast does.
func (r *HistoryRecorder) Analysis(E *Ensemble) {
	r.spreadA = r.ensemble(E, r.aMean, r.aSpread, r.aMembers)
	r.rec.AnalysisMean, r.rec.AnalysisSpread = r.aMean, r.aSpread
	if r.members {
		r.rec.AnalysisMembers = r.aMembers
	}
}

// ForecastState records a single state before the analysis (a `da`
// cycle's), with the element-wise error variance its analysis reports:
// the spread is the square root of each variance and the spread score
// sqrt(mean_i variance_i), as [Stats.ForecastState] scores it. A nil
// variance (a method without one) records the spread as missing.
func (r *HistoryRecorder) ForecastState(x, variance []float64) {
	r.spreadF = r.state(x, variance, r.fMean, r.fSpread)
	r.rec.ForecastMean, r.rec.ForecastSpread = r.fMean, r.fSpread
	if variance == nil {
		r.rec.ForecastSpread = nil
	}
}

// AnalysisState records a single state after the analysis, as
// ForecastState does.
func (r *HistoryRecorder) AnalysisState(x, variance []float64) {
	r.spreadA = r.state(x, variance, r.aMean, r.aSpread)
	r.rec.AnalysisMean, r.rec.AnalysisSpread = r.aMean, r.aSpread
	if variance == nil {
		r.rec.AnalysisSpread = nil
	}
}

// state copies x into mean and the square roots of variance into spread,
// returning the spread score (NaN without a variance, or when x is not of
// the recorder's dimension).
func (r *HistoryRecorder) state(x, variance, mean, spread []float64) float64 {
	if len(x) != r.n || (variance != nil && len(variance) != r.n) {
		for i := range mean {
			mean[i], spread[i] = math.NaN(), math.NaN()
		}
		return math.NaN()
	}
	copy(mean, x)
	if variance == nil {
		return math.NaN()
	}
	sum := 0.0
	for i, v := range variance {
		spread[i] = math.Sqrt(v)
		sum += v
	}
	return math.Sqrt(sum / float64(r.n))
}

// Smoothed records the ensemble a smoother has just finished, the state
// of the earlier analysis at step (model time t), with that time's truth
// (nil for none; referenced until Append). The recorder must have been
// made for a history with Smoothed set.
func (r *HistoryRecorder) Smoothed(E *Ensemble, step int, t float64, truth []float64) {
	if r.sMean == nil {
		return
	}
	rec := &r.rec
	rec.SmoothedStep, rec.SmoothedTime = step, t
	rec.SpreadSmoothed = r.ensemble(E, r.sMean, r.sSpread, nil)
	rec.SmoothedMean, rec.SmoothedSpread = r.sMean, r.sSpread
	rec.RMSESmoothed = rmse(r.sMean, truth)
}

// SmoothedState records the single state a smoother has just finished
// (a smoother cycle's analysis at the start of its window, after every
// observation of the window), the state at the earlier step (model time
// t), with that time's truth (nil for none; referenced until Append). x
// is copied. It has no spread: a variational smoother reports no error
// variance, so the spread is recorded as missing. The recorder must have
// been made for a history with Smoothed set.
func (r *HistoryRecorder) SmoothedState(x []float64, step int, t float64, truth []float64) {
	if r.sMean == nil {
		return
	}
	rec := &r.rec
	rec.SmoothedStep, rec.SmoothedTime = step, t
	rec.SpreadSmoothed = r.state(x, nil, r.sMean, r.sSpread)
	rec.SmoothedMean, rec.SmoothedSpread = r.sMean, nil
	rec.RMSESmoothed = rmse(r.sMean, truth)
}

// Minimisation records what the variational analysis m reports about the
// minimisation it has just made: the cost at the end and the gradient
// norm at the start of each outer loop, at most the meta's Outer of them.
// The recorder must have been made for a history with Outer set;
// otherwise nothing is recorded.
func (r *HistoryRecorder) Minimisation(m Minimisation) {
	if r.cost == nil {
		return
	}
	k := min(m.Outer(), len(r.cost))
	for o := 0; o < k; o++ {
		_, r.cost[o] = m.Cost(o)
		r.gradNorm[o] = m.GradNorm(o)
	}
	r.rec.Cost, r.rec.GradNorm = r.cost[:k], r.gradNorm[:k]
}

// ensemble writes E's mean and element-wise spread, copies its members
// when they are recorded and returns its spread score as [Stats] computes
// it (NaN when E is not of the recorder's dimension).
func (r *HistoryRecorder) ensemble(E *Ensemble, mean, spread, members []float64) float64 {
	if E == nil || E.Dim != r.n || len(E.Data) != E.Members*E.Dim {
		for i := range mean {
			mean[i], spread[i] = math.NaN(), math.NaN()
		}
		return math.NaN()
	}
	s := E.MeanSpread(mean)
	ElementMeanSpread(E, mean, spread)
	if members != nil {
		copy(members, E.Data)
	}
	return s
}

// Append computes the record's scores, appends it at step and model time
// t, and starts an empty record.
func (r *HistoryRecorder) Append(step int, t float64) error {
	rec := &r.rec
	rec.Step, rec.Time = step, t
	if rec.ForecastSpread != nil {
		rec.SpreadForecast = r.spreadF
	}
	if rec.AnalysisSpread != nil {
		rec.SpreadAnalysis = r.spreadA
	}
	rec.RMSEForecast = rmse(rec.ForecastMean, rec.Truth)
	rec.RMSEAnalysis = rmse(rec.AnalysisMean, rec.Truth)
	err := r.h.Append(rec)
	r.reset()
	return err
}

// reset empties the record: no states, NaN scores.
func (r *HistoryRecorder) reset() {
	r.rec = HistoryRecord{RMSEForecast: math.NaN(), RMSEAnalysis: math.NaN(),
		SpreadForecast: math.NaN(), SpreadAnalysis: math.NaN(),
		RMSESmoothed: math.NaN(), SpreadSmoothed: math.NaN()}
}

// rmse is sqrt(mean_i (mean_i - truth_i)²) summed in index order, as
// [Stats] computes it; NaN when either is missing or their lengths differ.
func rmse(mean, truth []float64) float64 {
	if mean == nil || truth == nil || len(mean) != len(truth) || len(mean) == 0 {
		return math.NaN()
	}
	var ss float64
	for i, m := range mean {
		d := m - truth[i]
		ss += d * d
	}
	return math.Sqrt(ss / float64(len(mean)))
}
