// Tests of the scores of a single state with an element-wise variance.

package runtime

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestStatsState checks ForecastState and AnalysisState on hand-computed
// values: the spin-up skipped as for ensembles, RMSE of the state,
// spread sqrt(mean variance).
func TestStatsState(t *testing.T) {
	truth := []float64{0, 0}
	type step struct{ xf, vf, xa, va []float64 }
	steps := []step{
		{[]float64{9, 9}, []float64{9, 9}, []float64{9, 9}, []float64{9, 9}}, // spin-up, ignored
		{[]float64{2, 2}, []float64{1, 3}, []float64{0, 1}, []float64{0.5, 0.5}},
		{[]float64{1, -1}, []float64{4, 4}, []float64{0, 0}, []float64{0, 2}},
	}
	s := NewStats(2, 1)
	for _, st := range steps {
		s.ForecastState(st.xf, st.vf, truth)
		s.AnalysisState(st.xa, st.va, truth)
	}
	f, a := s.LastRMSE()
	if f != 1 || a != 0 {
		t.Errorf("LastRMSE = %v, %v; want 1, 0", f, a)
	}
	var sum Summary
	s.Fill(&sum)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"Analyses", float64(sum.Analyses), 2},
		{"RMSEForecast", sum.RMSEForecast, 1.5},                      // (2 + 1)/2
		{"RMSEAnalysis", sum.RMSEAnalysis, math.Sqrt(0.5) / 2},       // (sqrt(1/2) + 0)/2
		{"SpreadForecast", sum.SpreadForecast, (math.Sqrt2 + 2) / 2}, // sqrt(2), sqrt(4)
		{"SpreadAnalysis", sum.SpreadAnalysis, (math.Sqrt(0.5) + 1) / 2},
	} {
		if math.Abs(c.got-c.want) > 1e-14 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if err := s.Err(); err != nil {
		t.Errorf("Err() = %v", err)
	}
}

// TestStatsStateNoVariance checks that a nil variance leaves the RMSE
// alone and makes the spread NaN, reported as null in JSON and with no
// value in the text summary; and that a nil truth marks the summary
// NoTruth.
func TestStatsStateNoVariance(t *testing.T) {
	s := NewStats(2, 0)
	s.ForecastState([]float64{1, 1}, nil, []float64{0, 0})
	s.AnalysisState([]float64{0, 1}, nil, []float64{0, 0})
	sum := Summary{Cycle: "single", Kind: "var3d", Members: 1, Steps: 1}
	s.Fill(&sum)
	if sum.RMSEForecast != 1 || !math.IsNaN(sum.SpreadForecast) || !math.IsNaN(sum.SpreadAnalysis) {
		t.Errorf("forecast RMSE %v, spreads %v %v; want 1, NaN, NaN", sum.RMSEForecast, sum.SpreadForecast, sum.SpreadAnalysis)
	}
	b, err := json.Marshal(sum)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"spread_analysis":null`)) || !bytes.Contains(b, []byte(`"spread_forecast":null`)) {
		t.Errorf("JSON %s: want null spreads", b)
	}
	var text strings.Builder
	if err := sum.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	// The spread line must show no number (NaN today).
	spreadLine := ""
	for _, l := range strings.Split(text.String(), "\n") {
		if strings.HasPrefix(l, "spread") {
			spreadLine = l
		}
	}
	if spreadLine == "" || strings.ContainsAny(spreadLine, "0123456789") {
		t.Errorf("text summary:\n%s\nwant a spread line with no value", text.String())
	}

	nt := NewStats(2, 0)
	nt.ForecastState([]float64{1, 1}, []float64{1, 1}, nil)
	nt.AnalysisState([]float64{1, 1}, []float64{4, 4}, nil)
	var ns Summary
	nt.Fill(&ns)
	if !ns.NoTruth || !math.IsNaN(ns.RMSEAnalysis) || ns.SpreadAnalysis != 2 {
		t.Errorf("no truth: NoTruth %v, RMSE %v, spread %v; want true, NaN, 2", ns.NoTruth, ns.RMSEAnalysis, ns.SpreadAnalysis)
	}
}

// TestStatsStateShapeMismatch checks that a state, variance or truth of
// the wrong length scores NaN and sets Err.
func TestStatsStateShapeMismatch(t *testing.T) {
	for _, tc := range []struct {
		name        string
		x, v, truth []float64
	}{
		{"state", []float64{1}, nil, []float64{0, 0}},
		{"variance", []float64{1, 1}, []float64{1}, []float64{0, 0}},
		{"truth", []float64{1, 1}, nil, []float64{0, 0, 0}},
	} {
		s := NewStats(2, 0)
		s.AnalysisState(tc.x, tc.v, tc.truth)
		if _, a := s.LastRMSE(); !math.IsNaN(a) || s.Err() == nil {
			t.Errorf("%s: RMSE %v, Err %v; want NaN and an error", tc.name, a, s.Err())
		}
	}
}

// TestStatsStateZeroAllocs checks that the single-state scores allocate
// nothing.
func TestStatsStateZeroAllocs(t *testing.T) {
	x, v, truth := l96State(40, 1), make([]float64, 40), l96State(40, 2)
	s := NewStats(40, 5)
	allocs := testing.AllocsPerRun(100, func() {
		s.ForecastState(x, v, truth)
		s.AnalysisState(x, nil, truth)
	})
	if allocs != 0 {
		t.Errorf("ForecastState+AnalysisState: %v allocations, want 0", allocs)
	}
}
