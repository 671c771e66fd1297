// Twin experiments on L96 for the adaptive inflation: ETKF from the
// benchmark start, EnKF from a climatological ensemble.

package runtime

import (
	"math"
	"os"
	"testing"
)

// adaptiveTwin is one L96 twin experiment (F = 8, dt = 0.05, RK4, 40
// variables, H = I, R = I, an observation every step).
type adaptiveTwin struct {
	kind     string  // "ETKF" (rotated) or "EnKF"
	members  int     // N
	infl     float64 // the filter's fixed post-analysis inflation
	adaptive bool    // an AdaptiveInflation before every analysis
	clim     bool    // truth and members from N(8, 1) per element, else N(x0, 0.001 I)
	seed     uint64
	spinup   int
	analyses int // counted after the spin-up
}

// adaptiveResult is what a twin run measured.
type adaptiveResult struct {
	Summary
	factor float64 // time mean of the adaptive factor after spin-up (1 without)
	lost   int     // counted analyses with an RMSE above 1
}

// run performs the experiment in the order generated code uses: forecast,
// observation, forecast statistics, adaptive inflation, analysis,
// analysis statistics.
func (tw adaptiveTwin) run(t testing.TB) adaptiveResult {
	const n = 40
	R := identityR(t, n)
	var f Analysis
	var err error
	if tw.kind == "EnKF" {
		f, err = NewEnKF(EnKFConfig{Members: tw.members, Dim: n, Obs: n, Inflation: tw.infl, Seed: tw.seed}, R)
	} else {
		f, err = NewETKF(ETKFConfig{Members: tw.members, Dim: n, Obs: n, Inflation: tw.infl, Rotate: true, Seed: tw.seed}, R)
	}
	if err != nil {
		t.Fatal(err)
	}
	var ai *AdaptiveInflation
	if tw.adaptive {
		ai, err = NewAdaptiveInflation(AdaptiveInflationConfig{Members: tw.members, Dim: n, Obs: n}, R)
		if err != nil {
			t.Fatal(err)
		}
	}
	x0, std := make([]float64, n), math.Sqrt(0.001)
	x0[0] = 1
	if tw.clim {
		for i := range x0 {
			x0[i] = 8
		}
		std = 1
	}
	truth := make([]float64, n)
	InitNormal(truth, x0, std, NewStream(tw.seed, PurposeTruthInit, 0))
	E := NewEnsemble(tw.members, n)
	s := NewStream(tw.seed, PurposeEnsembleInit, 0)
	for k := 0; k < tw.members; k++ {
		s.Reset(tw.seed, PurposeEnsembleInit, uint64(k))
		InitNormal(E.Member(k), x0, std, s)
	}
	HE := NewEnsemble(tw.members, n)
	y := make([]float64, n)
	noise := NewStream(tw.seed, PurposeObsNoise, 0)
	stats := NewStats(n, tw.spinup)
	var m l96
	step := func(x []float64) { m.step((*[40]float64)(x), 0.05) }
	var res adaptiveResult
	var fsum float64
	for c := 0; c < tw.spinup+tw.analyses; c++ {
		step(truth)
		for k := 0; k < tw.members; k++ {
			step(E.Member(k))
		}
		copy(y, truth)
		noise.Reset(tw.seed, PurposeObsNoise, uint64(c))
		R.AddNoise(y, noise)
		copy(HE.Data, E.Data)
		stats.Forecast(E, truth)
		if ai != nil {
			if err := ai.Inflate(E, HE, y); err != nil {
				t.Fatalf("seed %d, analysis %d: %v", tw.seed, c, err)
			}
		}
		if err := f.Analyze(E, HE, y, uint64(c)); err != nil {
			t.Fatalf("seed %d, analysis %d: %v", tw.seed, c, err)
		}
		stats.Analysis(E, truth)
		if c >= tw.spinup {
			if ai != nil {
				fsum += ai.Factor()
			} else {
				fsum++
			}
			if _, ra := stats.LastRMSE(); !(ra <= 1) {
				res.lost++
			}
		}
	}
	stats.Fill(&res.Summary)
	res.factor = fsum / float64(tw.analyses)
	return res
}

// adaptiveFull reports whether the full experiments were asked for:
// CYCLEC_ADAPTIVE_FULL=1 runs seeds 1–5 for 10,000 analyses after 1,000 of
// spin-up (about a minute); otherwise the tests run a short version.
func adaptiveFull() bool { return os.Getenv("CYCLEC_ADAPTIVE_FULL") == "1" }

// TestAdaptiveInflationETKFScore: the L96 ETKF with 20 members and
// rotation, started from N(x0, 0.001 I), with the adaptive inflation and no
// other, must score within 10% of the same filter hand-tuned: the fixed
// inflation, among those tried, with the lowest mean score over the seeds
// (a value that diverges on one seed is not the tuned one). Short runs:
// 2,000 analyses after 1,000 of spin-up, seeds 1–4, inflations 1.02–1.04;
// the full run: 10,000 analyses, seeds 1–5, 1.01–1.06. The adaptive runs
// have occasional short episodes near the edge of stability (a few dozen
// analyses above an RMSE of 1 in 10,000), which lift one seed's score by
// up to 8%; four seeds keep the short test's mean from hanging on one.
func TestAdaptiveInflationETKFScore(t *testing.T) {
	seeds, analyses := 4, 2000
	fixed := []float64{1.02, 1.03, 1.04}
	if adaptiveFull() {
		seeds, analyses = 5, 10000
		fixed = []float64{1.01, 1.015, 1.02, 1.03, 1.04, 1.05, 1.06}
	}
	base := adaptiveTwin{kind: "ETKF", members: 20, infl: 1, spinup: 1000, analyses: analyses}
	adaptive := make([]float64, seeds)
	var adMean float64
	for s := range adaptive {
		tw := base
		tw.adaptive, tw.seed = true, uint64(s+1)
		r := tw.run(t)
		adaptive[s] = r.RMSEAnalysis
		adMean += r.RMSEAnalysis / float64(seeds)
		t.Logf("seed %d adaptive: rmse %.4f spread %.4f, mean factor %.4f, %d of %d analyses above 1", tw.seed, r.RMSEAnalysis, r.SpreadAnalysis, r.factor, r.lost, r.Analyses)
	}
	best, bestInfl := math.Inf(1), 0.0
	var bestScores []float64
	for _, infl := range fixed {
		scores := make([]float64, seeds)
		var mean float64
		for s := range scores {
			tw := base
			tw.infl, tw.seed = infl, uint64(s+1)
			r := tw.run(t)
			scores[s] = r.RMSEAnalysis
			mean += r.RMSEAnalysis / float64(seeds)
			t.Logf("seed %d fixed %.3f: rmse %.4f spread %.4f, %d analyses above 1", tw.seed, infl, r.RMSEAnalysis, r.SpreadAnalysis, r.lost)
		}
		if mean < best {
			best, bestInfl, bestScores = mean, infl, scores
		}
	}
	for s := range adaptive {
		t.Logf("seed %d: adaptive %.4f, tuned (%.3f) %.4f, ratio %.3f", s+1, adaptive[s], bestInfl, bestScores[s], adaptive[s]/bestScores[s])
	}
	t.Logf("mean over %d seeds: adaptive %.4f, tuned (%.3f) %.4f, ratio %.3f", seeds, adMean, bestInfl, best, adMean/best)
	if !(adMean <= 1.10*best) {
		t.Errorf("adaptive mean rmse %.4f is more than 10%% above the tuned %.4f (inflation %.3f)", adMean, best, bestInfl)
	}
}

// TestAdaptiveInflationEnKFClimatology: the L96 perturbed-observation EnKF
// with 28 members, truth and members drawn independently from N(8, 1) per
// element, must track the truth with the adaptive inflation on every seed:
// a score after the spin-up well below climatology's 3.6 (below 0.5) and
// no analysis after the spin-up with an RMSE above 1. The same filter with
// a fixed inflation of 1.08 and no adaptive one is run alongside for
// comparison (logged, not asserted: it loses track on some seeds).
func TestAdaptiveInflationEnKFClimatology(t *testing.T) {
	seeds, analyses := 2, 2000
	if adaptiveFull() {
		seeds, analyses = 6, 10000
	}
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		ad := adaptiveTwin{kind: "EnKF", members: 28, infl: 1, adaptive: true, clim: true, seed: seed, spinup: 1000, analyses: analyses}
		ra := ad.run(t)
		fx := ad
		fx.adaptive, fx.infl = false, 1.08
		rf := fx.run(t)
		t.Logf("seed %d adaptive: rmse %.4f spread %.4f, mean factor %.4f, %d of %d analyses above 1; fixed 1.08: rmse %.4f spread %.4f, %d above 1",
			seed, ra.RMSEAnalysis, ra.SpreadAnalysis, ra.factor, ra.lost, ra.Analyses, rf.RMSEAnalysis, rf.SpreadAnalysis, rf.lost)
		if !(ra.RMSEAnalysis < 0.5) || ra.lost != 0 {
			t.Errorf("seed %d: adaptive inflation lost track: rmse %.4f, %d analyses above 1", seed, ra.RMSEAnalysis, ra.lost)
		}
	}
}
