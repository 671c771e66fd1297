// Tests of the running scores.

package runtime

import (
	"math"
	"testing"
)

func TestStats(t *testing.T) {
	// Two-member ensembles of dimension 2 around truth (0, 0).
	ens := func(a, b []float64) *Ensemble {
		E := NewEnsemble(2, 2)
		copy(E.Member(0), a)
		copy(E.Member(1), b)
		return E
	}
	truth := []float64{0, 0}
	type step struct {
		f, a *Ensemble
	}
	steps := []step{
		{ens([]float64{9, 9}, []float64{9, 9}), ens([]float64{9, 9}, []float64{9, 9})},   // spin-up, ignored
		{ens([]float64{1, 1}, []float64{3, 3}), ens([]float64{0, 1}, []float64{0, 1})},   // f: rmse 2, spread sqrt2; a: rmse sqrt(1/2), spread 0
		{ens([]float64{0, 0}, []float64{2, 2}), ens([]float64{1, -1}, []float64{-1, 1})}, // f: rmse 1, spread sqrt2; a: rmse 0, spread sqrt2
	}
	s := NewStats(2, 1)
	var sum Summary
	s.Fill(&sum)
	if !math.IsNaN(sum.RMSEAnalysis) || sum.Analyses != 0 {
		t.Errorf("empty Fill: %d analyses, RMSE %v; want 0 and NaN", sum.Analyses, sum.RMSEAnalysis)
	}
	for _, st := range steps {
		s.Forecast(st.f, truth)
		s.Analysis(st.a, truth)
	}
	f, a := s.LastRMSE()
	if f != 1 || a != 0 {
		t.Errorf("LastRMSE = %v, %v; want 1, 0", f, a)
	}
	s.Fill(&sum)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"Analyses", float64(sum.Analyses), 2},
		{"Spinup", float64(sum.Spinup), 1},
		{"RMSEForecast", sum.RMSEForecast, 1.5},
		{"RMSEAnalysis", sum.RMSEAnalysis, math.Sqrt(0.5) / 2},
		{"SpreadForecast", sum.SpreadForecast, math.Sqrt2},
		{"SpreadAnalysis", sum.SpreadAnalysis, math.Sqrt2 / 2},
	} {
		if math.Abs(c.got-c.want) > 1e-14 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if err := s.Err(); err != nil {
		t.Errorf("Err() = %v", err)
	}
}

func TestStatsShapeMismatch(t *testing.T) {
	s := NewStats(3, 0)
	s.Analysis(NewEnsemble(2, 2), []float64{0, 0})
	if _, a := s.LastRMSE(); !math.IsNaN(a) {
		t.Errorf("mismatched analysis RMSE %v, want NaN", a)
	}
	if s.Err() == nil {
		t.Error("Err() = nil after a shape mismatch")
	}
}

func TestStatsWeighted(t *testing.T) {
	E := randomEnsemble(12, 3, 1, 0.9, 71)
	w := randomWeights(12, 72)
	mean, variance := weightedMoments(E, w)
	truth := []float64{0.5, 1.5, 0.8}
	var se, mv float64
	for i := range truth {
		se += (mean[i] - truth[i]) * (mean[i] - truth[i])
		mv += variance[i]
	}
	wantRMSE, wantSpread := math.Sqrt(se/3), math.Sqrt(mv/3)
	E.Weights = w
	s := NewStats(3, 0)
	s.Forecast(E, truth)
	s.Analysis(E, truth)
	var sum Summary
	s.Fill(&sum)
	if math.Abs(sum.RMSEAnalysis-wantRMSE) > 1e-13 || math.Abs(sum.SpreadAnalysis-wantSpread) > 1e-13 {
		t.Errorf("weighted scores: RMSE %v spread %v, want %v %v", sum.RMSEAnalysis, sum.SpreadAnalysis, wantRMSE, wantSpread)
	}
	if s.Err() != nil {
		t.Errorf("Err() = %v", s.Err())
	}
	// A weights slice of the wrong length is a shape mismatch.
	E.Weights = w[:3]
	s.Analysis(E, truth)
	if _, a := s.LastRMSE(); !math.IsNaN(a) || s.Err() == nil {
		t.Errorf("3 weights for 12 members: RMSE %v, Err %v; want NaN and an error", a, s.Err())
	}
}
