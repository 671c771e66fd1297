// Observation-space scores, for runs with no truth (data.md §2).

package runtime

import (
	"fmt"
	"math"
)

// ObsStats accumulates the scores of a cycle in observation space, which
// need no truth: over the values assimilated by the scored analyses (all
// but the first spinup), with d_F = y - mean(HE_f) the innovation (O−F)
// and d_A = y - mean(HE_a) the analysis residual (O−A),
//
//	OMFMean = mean(d_F)        OMFRMS = sqrt(mean(d_F²))
//	OMAMean = mean(d_A)        OMARMS = sqrt(mean(d_A²))
//	ConsistencyRatio = mean(d_F²) / mean(var_i(HE_f) + R_ii)
//
// where var_i(HE_f) is the unbiased (N-1) variance over members of the
// observed forecast ensemble, the diagonal of H P_f H'. The means are over
// values (every present value of every scored analysis counts once), and
// missing values (NaN in y) are left out. A ratio near 1 says the
// ensemble's spread matches its error; above 1, the ensemble is
// overconfident.
//
// Call Forecast with the observed forecast ensemble before each analysis
// and Analysis with the observed analysis ensemble (H applied again to the
// updated members) after it, with the same y. Neither allocates. A shape
// mismatch is recorded and reported by [ObsStats.Err].
type ObsStats struct {
	p, spinup int
	r         *ObsError
	mean, vs  []float64 // p: mean and sum of squared deviations over members (weighted ones for a weighted ensemble)

	n            int // analyses seen
	nF, nA       int // values scored before and after the analyses
	sumF, sumF2  float64
	sumA, sumA2  float64
	sumVar       float64 // sum of var_i(HE_f) + R_ii over the scored values
	err          error
	lastF, lastA float64 // RMS of O−F and O−A of the latest analysis
	noSpread     bool    // a forecast was a single state: H P_f H' unknown, no consistency ratio
}

// NewObsStats returns empty statistics for observations of size p with
// error covariance R, skipping the first spinup analyses.
func NewObsStats(p, spinup int, R *ObsError) (*ObsStats, error) {
	switch {
	case p < 1:
		return nil, fmt.Errorf("observation statistics: %d observations, want at least 1", p)
	case R == nil || R.Dim() != p:
		return nil, fmt.Errorf("observation statistics: no observation-error covariance of size %d", p)
	}
	return &ObsStats{p: p, spinup: max(spinup, 0), r: R, mean: make([]float64, p), vs: make([]float64, p),
		lastF: math.NaN(), lastA: math.NaN()}, nil
}

// Forecast scores the observed forecast ensemble HE against y just before
// an analysis; it counts when that analysis is past the spin-up.
func (s *ObsStats) Forecast(HE *Ensemble, y []float64) {
	if !s.moments(HE, y, true) {
		return
	}
	count := s.n >= s.spinup
	var k int
	s.lastF, k = s.departures(y, count, &s.sumF, &s.sumF2, 1/float64(HE.Members-1))
	if count {
		s.nF += k
	}
}

// ForecastState scores the observed forecast of a single state (a da
// cycle's), hx = H(x_f), against y, as Forecast scores an ensemble. With
// no ensemble there is no H P_f H', so the consistency ratio of the run
// is not available (NaN) once any forecast was scored this way.
func (s *ObsStats) ForecastState(hx, y []float64) {
	if len(hx) != s.p || len(y) != s.p {
		if s.err == nil {
			s.err = fmt.Errorf("observation statistics: observed state or observation does not have size %d", s.p)
		}
		return
	}
	copy(s.mean, hx)
	s.noSpread = true
	count := s.n >= s.spinup
	var k int
	s.lastF, k = s.departures(y, count, &s.sumF, &s.sumF2, 0)
	if count {
		s.nF += k
	}
}

// departures goes through the values of y present: it returns the RMS of
// y − s.mean over them and their number and, when count, adds the
// departures and their squares to *sum and *sum2 and, for a forecast
// (inv = 1/(N−1) > 0), each value's var(HE) + R_ii to s.sumVar.
func (s *ObsStats) departures(y []float64, count bool, sum, sum2 *float64, inv float64) (float64, int) {
	var ss float64
	var k int
	for i, v := range y {
		if v != v {
			continue
		}
		d := v - s.mean[i]
		ss += d * d
		k++
		if count {
			*sum += d
			*sum2 += d * d
			if inv > 0 {
				s.sumVar += s.vs[i]*inv + s.r.vars[i]
			}
		}
	}
	return rms(ss, k), k
}

// Analysis scores the observed analysis ensemble HE against y after the
// analysis and ends it: the first spinup calls are not counted. A y with
// every value missing scores nothing but still counts toward the spin-up.
func (s *ObsStats) Analysis(HE *Ensemble, y []float64) {
	if s.moments(HE, y, false) {
		count := s.n >= s.spinup
		var k int
		s.lastA, k = s.departures(y, count, &s.sumA, &s.sumA2, 0)
		if count {
			s.nA += k
		}
	}
	s.n++
}

// Last returns the RMS of O−F and of O−A of the latest analysis (NaN
// before the first, or when it had no value present).
func (s *ObsStats) Last() (omf, oma float64) { return s.lastF, s.lastA }

// Err returns the first shape mismatch met, or nil.
func (s *ObsStats) Err() error { return s.err }

// Fill sets the observation-space fields of sum (see [Summary]):
// HasObsScores, ObsAssimilated (the values of the scored analyses) and the
// means of [ObsStats]. A mean over no values is NaN.
func (s *ObsStats) Fill(sum *Summary) {
	sum.HasObsScores = true
	sum.ObsAssimilated = s.nA
	sum.OMFMean = ratio(s.sumF, s.nF)
	sum.OMFRMS = math.Sqrt(ratio(s.sumF2, s.nF))
	sum.OMAMean = ratio(s.sumA, s.nA)
	sum.OMARMS = math.Sqrt(ratio(s.sumA2, s.nA))
	sum.ConsistencyRatio = math.NaN()
	if s.nF > 0 && !s.noSpread && s.sumVar > 0 {
		sum.ConsistencyRatio = s.sumF2 / s.sumVar
	}
}

// moments checks the shapes and computes the mean of HE over members
// (and, for withVar, the sums of squared deviations) into s.mean, s.vs.
func (s *ObsStats) moments(HE *Ensemble, y []float64, withVar bool) bool {
	if HE == nil || HE.Dim != s.p || len(y) != s.p || HE.Members < 1 || len(HE.Data) != HE.Members*HE.Dim ||
		(withVar && HE.Members < 2) {
		if s.err == nil {
			s.err = fmt.Errorf("observation statistics: observed ensemble or observation does not have size %d (and at least 2 members for the forecast)", s.p)
		}
		return false
	}
	N, p := HE.Members, s.p
	w := HE.Weights
	if w != nil && len(w) != N {
		if s.err == nil {
			s.err = fmt.Errorf("observation statistics: %d weights for %d members", len(w), N)
		}
		return false
	}
	HE.Mean(s.mean)
	if !withVar {
		return true
	}
	clear(s.vs)
	if w == nil {
		for k := 0; k < N; k++ {
			row := HE.Data[k*p : (k+1)*p]
			for i, m := range s.mean {
				d := row[i] - m
				s.vs[i] += d * d
			}
		}
		return true
	}
	// The unbiased weighted variance Σw d²/(1-Σw²), held as N-1 times
	// itself like the unweighted sums (degenerate weights: Σw d²).
	var sw2 float64
	for k := 0; k < N; k++ {
		sw2 += w[k] * w[k]
		row := HE.Data[k*p : (k+1)*p]
		for i, m := range s.mean {
			d := row[i] - m
			s.vs[i] += w[k] * d * d
		}
	}
	ub := float64(N-1) / (1 - sw2)
	if math.IsInf(ub, 0) || !(ub > 0) {
		ub = float64(N - 1)
	}
	for i := range s.vs {
		s.vs[i] *= ub
	}
	return true
}

// rms returns sqrt(ss/k), or NaN when k is 0.
func rms(ss float64, k int) float64 { return math.Sqrt(ratio(ss, k)) }
