// Tests of restoring running scores and stream positions mid-run.

package runtime

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// scoreRun feeds s analyses from..to of a synthetic run whose ensembles
// are drawn from a stream keyed by the analysis number.
func scoreRun(s *Stats, from, to int) {
	E := NewEnsemble(5, 3)
	truth := make([]float64, 3)
	r := NewStream(9, PurposeObsNoise, 0)
	for a := from; a < to; a++ {
		r.Reset(9, PurposeObsNoise, uint64(a))
		for i := range truth {
			truth[i] = r.Normal()
		}
		for i := range E.Data {
			E.Data[i] = r.Normal() * 1.5
		}
		s.Forecast(E, truth)
		for i := range E.Data {
			E.Data[i] *= 0.5
		}
		s.Analysis(E, truth)
	}
}

func TestStatsCheckpointResume(t *testing.T) {
	const analyses, spinup = 40, 7
	whole := NewStats(3, spinup)
	scoreRun(whole, 0, analyses)
	var want Summary
	whole.Fill(&want)
	path := filepath.Join(t.TempDir(), "stats.ckpt")
	for _, cut := range []int{0, 3, spinup, spinup + 1, 25, analyses} {
		first := NewStats(3, spinup)
		scoreRun(first, 0, cut)
		c := &Checkpoint{}
		first.SaveCheckpoint(c, "stats")
		if err := WriteCheckpoint(path, c); err != nil {
			t.Fatal(err)
		}
		read, err := ReadCheckpoint(path)
		if err != nil {
			t.Fatal(err)
		}
		resumed := NewStats(3, spinup)
		if err := resumed.RestoreCheckpoint(read, "stats"); err != nil {
			t.Fatal(err)
		}
		scoreRun(resumed, cut, analyses)
		var got Summary
		resumed.Fill(&got)
		for _, v := range [][3]any{
			{"RMSEAnalysis", got.RMSEAnalysis, want.RMSEAnalysis},
			{"RMSEForecast", got.RMSEForecast, want.RMSEForecast},
			{"SpreadAnalysis", got.SpreadAnalysis, want.SpreadAnalysis},
			{"SpreadForecast", got.SpreadForecast, want.SpreadForecast},
		} {
			if math.Float64bits(v[1].(float64)) != math.Float64bits(v[2].(float64)) {
				t.Errorf("cut at %d: %s = %v, uninterrupted %v", cut, v[0], v[1], v[2])
			}
		}
		gf, ga := resumed.LastRMSE()
		wf, wa := whole.LastRMSE()
		if math.Float64bits(gf) != math.Float64bits(wf) || math.Float64bits(ga) != math.Float64bits(wa) {
			t.Errorf("cut at %d: LastRMSE %v %v, uninterrupted %v %v", cut, gf, ga, wf, wa)
		}
		if got.Analyses != want.Analyses || got.Spinup != want.Spinup {
			t.Errorf("cut at %d: %d analyses after %d, uninterrupted %d after %d", cut, got.Analyses, got.Spinup, want.Analyses, want.Spinup)
		}
	}
}

func TestStatsCheckpointErrors(t *testing.T) {
	s := NewStats(3, 2)
	s.Forecast(NewEnsemble(2, 4), make([]float64, 4)) // a shape mismatch, kept as Err
	c := &Checkpoint{}
	s.SaveCheckpoint(c, "stats")
	r := NewStats(3, 2)
	if err := r.RestoreCheckpoint(c, "stats"); err != nil {
		t.Fatal(err)
	}
	if r.Err() == nil || r.Err().Error() != s.Err().Error() {
		t.Errorf("restored Err = %v, want %v", r.Err(), s.Err())
	}
	bad := &Checkpoint{}
	bad.PutFloats("stats.sums", make([]float64, 6))
	bad.PutInts("stats.counts", []int64{3, 2, 1, 5, 0})
	bad.PutBytes("stats.err", nil)
	for _, tc := range []struct {
		name string
		s    *Stats
		c    *Checkpoint
		want string
	}{
		{"other dimension", NewStats(4, 2), c, "saved for dimension 3 with spin-up 2, not dimension 4 with spin-up 2"},
		{"other spin-up", NewStats(3, 0), c, "saved for dimension 3 with spin-up 2, not dimension 3 with spin-up 0"},
		{"missing", NewStats(3, 2), &Checkpoint{}, `no section "stats.sums"`},
		{"inconsistent", NewStats(3, 2), bad, "counters 1 analyses, 5 forecast and 0 analysis scores are inconsistent"},
	} {
		err := tc.s.RestoreCheckpoint(tc.c, "stats")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

func TestStreamStateRestore(t *testing.T) {
	for _, skip := range []int{0, 1, 17, 1000} {
		s := NewStream(3, PurposeRotation, 11)
		for range skip {
			s.Normal()
			s.Uniform()
		}
		state := s.State()
		want := draws(s, 64)
		c := &Checkpoint{}
		c.PutUints("stream", state[:])
		var back [2]uint64
		if err := c.Uints("stream", back[:]); err != nil {
			t.Fatal(err)
		}
		r := NewStream(99, PurposeObsNoise, 0) // any stream, then restored
		r.Normal()
		r.Restore(back)
		if got := draws(r, 64); maxAbsDiff(got, want) != 0 {
			t.Errorf("after %d draws: a restored stream does not continue bit-identically", skip)
		}
		var z Stream // the zero Stream restores too
		z.Restore(state)
		if z.Normal() != want[0] {
			t.Errorf("after %d draws: a restored zero Stream draws %v, want %v", skip, z.Normal(), want[0])
		}
	}
	s := NewStream(3, PurposeRotation, 11)
	if n := testing.AllocsPerRun(100, func() { s.Restore(s.State()) }); n != 0 {
		t.Errorf("State and Restore allocate %v times, want 0", n)
	}
}

// obsScoreRun feeds s analyses from..to of a synthetic observed ensemble,
// some values missing.
func obsScoreRun(s *ObsStats, from, to int) {
	HE := NewEnsemble(5, 3)
	y := make([]float64, 3)
	r := NewStream(4, PurposeObsNoise, 0)
	for a := from; a < to; a++ {
		r.Reset(4, PurposeObsNoise, uint64(a))
		for i := range y {
			y[i] = r.Normal()
		}
		if a%4 == 1 {
			y[a%3] = math.NaN()
		}
		for i := range HE.Data {
			HE.Data[i] = r.Normal() * 1.5
		}
		s.Forecast(HE, y)
		for i := range HE.Data {
			HE.Data[i] *= 0.5
		}
		s.Analysis(HE, y)
	}
}

func TestObsStatsCheckpointResume(t *testing.T) {
	const analyses, spinup = 30, 5
	R, err := NewDiagObsError([]float64{0.5, 1, 2})
	if err != nil {
		t.Fatal(err)
	}
	whole, _ := NewObsStats(3, spinup, R)
	obsScoreRun(whole, 0, analyses)
	var want Summary
	whole.Fill(&want)
	for _, cut := range []int{0, spinup, 17, analyses} {
		first, _ := NewObsStats(3, spinup, R)
		obsScoreRun(first, 0, cut)
		c := &Checkpoint{}
		first.SaveCheckpoint(c, "ostats")
		resumed, _ := NewObsStats(3, spinup, R)
		if err := resumed.RestoreCheckpoint(c, "ostats"); err != nil {
			t.Fatal(err)
		}
		obsScoreRun(resumed, cut, analyses)
		var got Summary
		resumed.Fill(&got)
		for _, v := range [][3]any{
			{"OMFMean", got.OMFMean, want.OMFMean}, {"OMFRMS", got.OMFRMS, want.OMFRMS},
			{"OMAMean", got.OMAMean, want.OMAMean}, {"OMARMS", got.OMARMS, want.OMARMS},
			{"ConsistencyRatio", got.ConsistencyRatio, want.ConsistencyRatio},
		} {
			if math.Float64bits(v[1].(float64)) != math.Float64bits(v[2].(float64)) {
				t.Errorf("cut at %d: %s = %v, uninterrupted %v", cut, v[0], v[1], v[2])
			}
		}
		if got.ObsAssimilated != want.ObsAssimilated {
			t.Errorf("cut at %d: %d values, uninterrupted %d", cut, got.ObsAssimilated, want.ObsAssimilated)
		}
	}
	other, _ := NewObsStats(3, spinup+1, R)
	c := &Checkpoint{}
	whole.SaveCheckpoint(c, "ostats")
	if err := other.RestoreCheckpoint(c, "ostats"); err == nil || !strings.Contains(err.Error(), "spin-up") {
		t.Errorf("restoring into another spin-up: %v", err)
	}
}
