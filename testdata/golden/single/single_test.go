// How the generated da cycles must behave: each analysis tracks the truth
// of its twin experiment, a checkpointed run resumes to the same scores,
// the history carries the single state's spread and 4D-Var's
// minimisations, and observations from a file are scored in their space.
package single

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// climDir writes the files the cycles read into a new directory.
func climDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	mean := "2.3\n2.3\n2.3\n2.3\n2.3\n2.3\n"
	cov := "13,2,-3,0.5,-3,2\n2,13,2,-3,0.5,-3\n-3,2,13,2,-3,0.5\n0.5,-3,2,13,2,-3\n-3,0.5,-3,2,13,2\n2,-3,0.5,-3,2,13\n"
	obs := "time,y0,y1,y2\n"
	for k := 1; k <= 20; k++ {
		t := float64(2*k) * RingDT
		obs += fmt.Sprintf("%v,%v,NaN,%v\n", t, 2+math.Sin(t), 2-math.Cos(t))
	}
	for name, data := range map[string]string{"clim_mean.csv": mean, "clim_cov.csv": cov, "obs.csv": obs} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// run runs c to its end.
func run(t *testing.T, c cycrt.Cycle) *cycrt.Summary {
	t.Helper()
	sum, err := c.Run(context.Background(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestAnalysesTrackTheTruth(t *testing.T) {
	dir := climDir(t)
	for _, tc := range []struct {
		name   string
		c      cycrt.Cycle
		spread bool
		most   float64 // the analysis RMSE it must stay under
	}{
		{"ekf", NewExt(), true, 0.5},
		{"oi", &Opt{}, true, 3}, // half the sites seen, the climatological mean in between
		{"var4d", NewFour(), false, 0.6},
		{"go", NewUser(), false, 1},
	} {
		if _, ok := tc.c.(*Opt); ok {
			opt := NewOpt()
			opt.Dir = dir
			tc.c = opt
		}
		sum := run(t, tc.c)
		t.Logf("%s: rmse analysis %.4f forecast %.4f, spread %.4f", tc.name, sum.RMSEAnalysis, sum.RMSEForecast, sum.SpreadAnalysis)
		if sum.Members != 0 || !(sum.RMSEAnalysis < sum.RMSEForecast) || !(sum.RMSEAnalysis < tc.most) {
			t.Errorf("%s: members %d, rmse analysis %v, forecast %v: want one state and an analysis better than its forecast and under %v", tc.name, sum.Members, sum.RMSEAnalysis, sum.RMSEForecast, tc.most)
		}
		if got := !math.IsNaN(sum.SpreadAnalysis) && sum.SpreadAnalysis > 0; got != tc.spread {
			t.Errorf("%s: spread %v, want it reported: %v", tc.name, sum.SpreadAnalysis, tc.spread)
		}
	}
}

func TestFourReportsItsMinimisations(t *testing.T) {
	c := NewFour()
	var recs []cycrt.HistoryRecord
	c.SetHistory(cycrt.NewHistoryRecorder(&memHistory{recs: &recs}, c.HistoryMeta()))
	sum := run(t, c)
	if !sum.HasVar || !(sum.InnerMean >= 1) || sum.CostIncreases != 0 {
		t.Errorf("summary: has var %v, inner mean %v, cost increases %d", sum.HasVar, sum.InnerMean, sum.CostIncreases)
	}
	if len(recs) != 101 {
		t.Fatalf("%d records, want the initial one and 100 analyses", len(recs))
	}
	last := recs[len(recs)-1]
	if len(last.Cost) != 2 || !(last.Cost[1] <= last.Cost[0]) || last.ForecastSpread != nil {
		t.Errorf("last record: cost %v (want 2 outer loops, not rising), forecast spread %v (want none)", last.Cost, last.ForecastSpread)
	}
}

func TestExtResumes(t *testing.T) {
	whole := run(t, NewExt())
	a := NewExt()
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	for range 77 {
		if err := a.Next(); err != nil {
			t.Fatal(err)
		}
	}
	ck := &cycrt.Checkpoint{}
	a.SaveState(ck)
	b := NewExt()
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	if err := b.RestoreState(ck); err != nil {
		t.Fatal(err)
	}
	for !b.Done() {
		if err := b.Next(); err != nil {
			t.Fatal(err)
		}
	}
	got, err := b.Summary()
	if err != nil {
		t.Fatal(err)
	}
	if got.RMSEAnalysis != whole.RMSEAnalysis || got.SpreadForecast != whole.SpreadForecast || got.Analyses != whole.Analyses {
		t.Errorf("resumed: rmse %v spread %v over %d; whole run: %v %v over %d", got.RMSEAnalysis, got.SpreadForecast, got.Analyses, whole.RMSEAnalysis, whole.SpreadForecast, whole.Analyses)
	}
	var ext cycrt.HistoryRecord
	r := cycrt.NewHistoryRecorder(&memHistory{one: &ext}, NewExt().HistoryMeta())
	c := NewExt()
	c.SetHistory(r)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if len(ext.ForecastSpread) != StateSize || !(ext.ForecastSpread[0] == 1) {
		t.Errorf("initial record's forecast spread %v, want the initial std 1 at every site", ext.ForecastSpread)
	}
}

func TestThreeScoresInObservationSpace(t *testing.T) {
	c := NewThree()
	c.Dir = climDir(t)
	sum := run(t, c)
	// 18 scored analyses of 2 values each (the middle one is missing).
	// The observed sites have B = 0.5 and R = 0.5, a gain of 1/2: every
	// residual is half its innovation.
	if !sum.NoTruth || !sum.HasObsScores || sum.ObsAssimilated != 36 || math.Abs(sum.OMARMS/sum.OMFRMS-0.5) > 1e-12 || !math.IsNaN(sum.ConsistencyRatio) {
		t.Errorf("no truth %v, obs scores %v, %d values assimilated (want 36), o-a rms %v, o-f rms %v (want half), ratio %v (want none)",
			sum.NoTruth, sum.HasObsScores, sum.ObsAssimilated, sum.OMARMS, sum.OMFRMS, sum.ConsistencyRatio)
	}
}

// memHistory keeps the records appended to it (or the last in one).
type memHistory struct {
	recs *[]cycrt.HistoryRecord
	one  *cycrt.HistoryRecord
}

func (h *memHistory) Append(r *cycrt.HistoryRecord) error {
	c := *r
	for _, s := range []*[]float64{&c.ForecastMean, &c.ForecastSpread, &c.AnalysisMean, &c.AnalysisSpread, &c.Cost, &c.GradNorm} {
		if *s != nil {
			*s = append([]float64(nil), *s...)
		}
	}
	if h.one != nil {
		*h.one = c
	}
	if h.recs != nil {
		*h.recs = append(*h.recs, c)
	}
	return nil
}

func (h *memHistory) Close() error { return nil }
func (h *memHistory) Discard()     {}
