// Tests of the observation-space scores and of summaries without a truth.

package runtime

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// obsScoresDirect computes the ObsStats scores from their definitions:
// one pass per analysis, straight from the formulas, sums in float64.
func obsScoresDirect(fc, an []*Ensemble, ys [][]float64, R []float64, spinup int) (n int, omfMean, omfRMS, omaMean, omaRMS, ratio float64) {
	var sF, sF2, sA, sA2, sV float64
	for a := spinup; a < len(ys); a++ {
		y := ys[a]
		N, p := fc[a].Members, fc[a].Dim
		for i := 0; i < p; i++ {
			if math.IsNaN(y[i]) {
				continue
			}
			var mf, ma float64
			for k := 0; k < N; k++ {
				mf += fc[a].Data[k*p+i] / float64(N)
				ma += an[a].Data[k*p+i] / float64(N)
			}
			var v float64
			for k := 0; k < N; k++ {
				d := fc[a].Data[k*p+i] - mf
				v += d * d / float64(N-1)
			}
			sF += y[i] - mf
			sF2 += (y[i] - mf) * (y[i] - mf)
			sA += y[i] - ma
			sA2 += (y[i] - ma) * (y[i] - ma)
			sV += v + R[i]
			n++
		}
	}
	return n, sF / float64(n), math.Sqrt(sF2 / float64(n)), sA / float64(n), math.Sqrt(sA2 / float64(n)), sF2 / sV
}

func TestObsStatsMatchesDirect(t *testing.T) {
	const N, p, analyses, spinup = 7, 5, 6, 2
	vars := []float64{0.5, 1, 1.5, 2, 0.25}
	R, err := NewDiagObsError(vars)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewObsStats(p, spinup, R)
	if err != nil {
		t.Fatal(err)
	}
	rng := NewStream(3, PurposeObsNoise, 0)
	var fc, an []*Ensemble
	var ys [][]float64
	for a := 0; a < analyses; a++ {
		f := randomEnsemble(N, p, 1+float64(a), 0.8, uint64(10+a))
		g := randomEnsemble(N, p, 1.2+float64(a), 0.4, uint64(50+a))
		y := make([]float64, p)
		for i := range y {
			y[i] = 1.1 + float64(a) + rng.Normal()
		}
		y[a%p] = math.NaN() // one value missing each time
		if a == 4 {
			for i := range y {
				y[i] = math.NaN() // an analysis with nothing present
			}
		}
		fc, an, ys = append(fc, f), append(an, g), append(ys, y)
		s.Forecast(f, y)
		s.Analysis(g, y)
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	var sum Summary
	s.Fill(&sum)
	n, fm, fr, am, ar, ratio := obsScoresDirect(fc, an, ys, vars, spinup)
	if n != 3*(p-1) || sum.ObsAssimilated != n || !sum.HasObsScores {
		t.Errorf("ObsAssimilated = %d (HasObsScores %v), direct %d, want %d", sum.ObsAssimilated, sum.HasObsScores, n, 3*(p-1))
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"omf_mean", sum.OMFMean, fm}, {"omf_rms", sum.OMFRMS, fr},
		{"oma_mean", sum.OMAMean, am}, {"oma_rms", sum.OMARMS, ar},
		{"consistency_ratio", sum.ConsistencyRatio, ratio},
	} {
		if !(math.Abs(c.got-c.want) <= 1e-12*math.Max(1, math.Abs(c.want))) {
			t.Errorf("%s = %v, direct %v", c.name, c.got, c.want)
		}
	}
	// Last is the latest analysis alone.
	omf, oma := s.Last()
	_, _, lf, _, la, _ := obsScoresDirect(fc, an, ys, vars, analyses-1)
	if math.Abs(omf-lf) > 1e-12 || math.Abs(oma-la) > 1e-12 {
		t.Errorf("Last() = %v, %v, direct %v, %v", omf, oma, lf, la)
	}
}

func TestObsStatsConsistentEnsemble(t *testing.T) {
	// y ~ N(mean, spread² + R) drawn independently: the ratio tends to 1.
	const N, p, analyses = 20, 4, 4000
	R := identityR(t, p)
	s, err := NewObsStats(p, 0, R)
	if err != nil {
		t.Fatal(err)
	}
	rng := NewStream(7, PurposeObsNoise, 0)
	HE := NewEnsemble(N, p)
	y := make([]float64, p)
	for a := 0; a < analyses; a++ {
		for i := range HE.Data {
			HE.Data[i] = 2 * rng.Normal() // member variance 4
		}
		for i := range y {
			y[i] = math.Sqrt(4+1) * rng.Normal()
		}
		s.Forecast(HE, y)
		s.Analysis(HE, y)
	}
	var sum Summary
	s.Fill(&sum)
	// The forecast mean has variance 4/N, so E[(O−F)²] = 5 + 4/N.
	want := (5 + 4.0/N) / 5
	if math.Abs(sum.ConsistencyRatio-want) > 0.05 {
		t.Errorf("consistency ratio %v, want about %v", sum.ConsistencyRatio, want)
	}
}

func TestObsStatsErrorsAndAllocs(t *testing.T) {
	R := identityR(t, 3)
	if _, err := NewObsStats(3, 0, identityR(t, 2)); err == nil {
		t.Error("R of the wrong size: no error")
	}
	if _, err := NewObsStats(0, 0, R); err == nil {
		t.Error("p = 0: no error")
	}
	s, err := NewObsStats(3, 0, R)
	if err != nil {
		t.Fatal(err)
	}
	var empty Summary
	s.Fill(&empty)
	if empty.ObsAssimilated != 0 || !math.IsNaN(empty.OMFRMS) || !math.IsNaN(empty.ConsistencyRatio) {
		t.Errorf("no analyses: %+v, want 0 values and NaN scores", empty)
	}
	HE := randomEnsemble(5, 3, 0, 1, 1)
	y := []float64{1, math.NaN(), 2}
	allocs := testing.AllocsPerRun(100, func() {
		s.Forecast(HE, y)
		s.Analysis(HE, y)
	})
	if allocs != 0 {
		t.Errorf("ObsStats.Forecast+Analysis: %v allocations, want 0", allocs)
	}
	if s.Err() != nil {
		t.Fatal(s.Err())
	}
	s.Forecast(randomEnsemble(5, 2, 0, 1, 1), y)
	if s.Err() == nil || !strings.Contains(s.Err().Error(), "size 3") {
		t.Errorf("shape mismatch: Err() = %v", s.Err())
	}
	one, _ := NewObsStats(3, 0, R)
	one.Forecast(randomEnsemble(1, 3, 0, 1, 1), y)
	if one.Err() == nil {
		t.Error("one member: no error for the forecast variance")
	}
}

func TestStatsWithoutTruth(t *testing.T) {
	E := randomEnsemble(6, 4, 1, 0.5, 2)
	s := NewStats(4, 1)
	for a := 0; a < 3; a++ {
		s.Forecast(E, nil)
		s.Analysis(E, nil)
	}
	if s.Err() != nil {
		t.Fatal(s.Err())
	}
	var sum Summary
	s.Fill(&sum)
	if !sum.NoTruth || !math.IsNaN(sum.RMSEAnalysis) || !math.IsNaN(sum.RMSEForecast) || sum.Analyses != 2 {
		t.Errorf("summary %+v, want NoTruth, NaN RMSEs, 2 analyses", sum)
	}
	if d := sum.SpreadAnalysis - E.Spread(); math.Abs(d) > 1e-14 || sum.SpreadForecast != sum.SpreadAnalysis {
		t.Errorf("spread %v and %v, want %v", sum.SpreadAnalysis, sum.SpreadForecast, E.Spread())
	}
}

func TestSummaryWithoutTruth(t *testing.T) {
	s := Summary{Cycle: "real", Kind: "etkf", Seed: 1, Members: 20, Steps: 100, Analyses: 90, Spinup: 10,
		RMSEAnalysis: 0.3, RMSEForecast: 0.4, SpreadAnalysis: 0.25, SpreadForecast: 0.35, NoTruth: true,
		HasObsScores: true, ObsAssimilated: 3600, OMFMean: 0.0123, OMFRMS: 1.0412, OMAMean: 0.005, OMARMS: 0.6021,
		ConsistencyRatio: math.NaN()}
	var buf bytes.Buffer
	if err := s.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"truth": false, "rmse_analysis": nil, "rmse_forecast": nil, "spread_analysis": 0.25,
		"spread_forecast": 0.35, "obs_assimilated": 3600.0, "omf_mean": 0.0123, "omf_rms": 1.0412,
		"oma_mean": 0.005, "oma_rms": 0.6021, "consistency_ratio": nil}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %#v (present %v), want %#v", k, g, ok, v)
		}
	}
	if len(got) != 14+7 {
		t.Errorf("%d fields, want 21: %s", len(got), buf.String())
	}
	buf.Reset()
	if err := s.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, w := range []string{"spread    analysis 0.2500", "obs       3600 values assimilated",
		"o-f       mean 0.0123     rms 1.0412", "o-a       mean 0.0050     rms 0.6021", "ratio     not available"} {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks %q:\n%s", w, text)
		}
	}
	if strings.Contains(text, "rmse") {
		t.Errorf("text of a run without truth has an rmse line:\n%s", text)
	}
}

func TestSummaryTwinUnchanged(t *testing.T) {
	// A twin run: no truth flag and no observation fields, in JSON or text.
	s := Summary{Cycle: "l96", Kind: "etkf", Members: 40, Analyses: 10, Spinup: 1, RMSEAnalysis: 0.18, ObsAssimilated: 5}
	var buf bytes.Buffer
	if err := s.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"truth", "obs_assimilated", "omf_mean", "consistency_ratio"} {
		if strings.Contains(buf.String(), `"`+k+`"`) {
			t.Errorf("twin JSON has %q: %s", k, buf.String())
		}
	}
	buf.Reset()
	if err := s.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "rmse      analysis 0.1800") || strings.Contains(buf.String(), "o-f") {
		t.Errorf("twin text:\n%s", buf.String())
	}
}

// TestObsStatsWeighted checks that a weighted observed ensemble is scored
// with its weighted mean and unbiased weighted variance, and that equal
// weights give the unweighted figures.
func TestObsStatsWeighted(t *testing.T) {
	R, err := NewDiagObsError([]float64{1, 1})
	if err != nil {
		t.Fatal(err)
	}
	HE := &Ensemble{Members: 3, Dim: 2, Data: []float64{0, 0, 1, 2, 4, 4}}
	y := []float64{1, 1}
	mk := func() *ObsStats {
		s, err := NewObsStats(2, 0, R)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	plain := mk()
	plain.Forecast(HE, y)
	equal := mk()
	HE.Weights = []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}
	equal.Forecast(HE, y)
	var a, b Summary
	plain.Fill(&a)
	equal.Fill(&b)
	if math.Abs(a.OMFMean-b.OMFMean) > 1e-12 || math.Abs(a.ConsistencyRatio-b.ConsistencyRatio) > 1e-12 {
		t.Errorf("equal weights: %+v, unweighted %+v", b, a)
	}
	HE.Weights = []float64{0.5, 0.5, 0}
	weighted := mk()
	weighted.Forecast(HE, y)
	var c Summary
	weighted.Fill(&c)
	// Weighted mean (0.5, 1): departures 0.5 and 0, mean square 0.125;
	// variances Σw d²/(1-Σw²) = (0.25, 1)/0.5 = (0.5, 2), plus R = 1.
	if math.Abs(c.OMFMean-0.25) > 1e-12 {
		t.Errorf("weighted O-F mean %v, want 0.25", c.OMFMean)
	}
	want := 0.125 / ((0.5 + 1 + 2 + 1) / 2)
	if math.Abs(c.ConsistencyRatio-want) > 1e-12 {
		t.Errorf("weighted consistency ratio %v, want %v", c.ConsistencyRatio, want)
	}
}

// TestObsStatsState scores a single state's forecast and analysis: the
// departures as an ensemble's mean would give them, missing values left
// out, and no consistency ratio.
func TestObsStatsState(t *testing.T) {
	r, err := NewDiagObsError([]float64{1, 1})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewObsStats(2, 0, r)
	if err != nil {
		t.Fatal(err)
	}
	y := []float64{1, math.NaN()}
	s.ForecastState([]float64{3, 5}, y)
	HE := NewEnsemble(1, 2)
	copy(HE.Data, []float64{2, 7})
	s.Analysis(HE, y)
	var sum Summary
	s.Fill(&sum)
	if s.Err() != nil || sum.OMFMean != -2 || sum.OMARMS != 1 || sum.ObsAssimilated != 1 || !math.IsNaN(sum.ConsistencyRatio) {
		t.Errorf("err %v, o-f mean %v (want -2), o-a rms %v (want 1), %d assimilated (want 1), ratio %v (want NaN)",
			s.Err(), sum.OMFMean, sum.OMARMS, sum.ObsAssimilated, sum.ConsistencyRatio)
	}
	s.ForecastState([]float64{1}, y)
	if s.Err() == nil {
		t.Error("a state of the wrong size is not an error")
	}
}
