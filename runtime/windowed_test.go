// Tests of the lead-time scores of windowed cycles.

package runtime

import (
	"math"
	"strings"
	"testing"
)

func TestLeadScores(t *testing.T) {
	s := NewLeadScores(3)
	ref := []float64{1, 1, 1, 1}
	// Window 1 reaches every lead; window 2 only leads 1 and 2.
	for _, a := range []struct {
		lead int
		x    []float64
		want float64
	}{
		{1, []float64{1, 1, 1, 3}, 1},     // sqrt(4/4)
		{2, []float64{2, 2, 2, 2}, 1},     // sqrt(4/4)
		{3, []float64{3, 3, 3, 3}, 2},     // sqrt(16/4)
		{1, []float64{1, 1, 1, 1}, 0},     // window 2
		{2, []float64{1, 1, 1, 1 + 6}, 3}, // sqrt(36/4)
	} {
		if got := s.Add(a.lead, a.x, ref); got != a.want {
			t.Errorf("Add(lead %d) = %v, want %v", a.lead, got, a.want)
		}
	}
	var sum Summary
	s.Fill(&sum, 2)
	want := []float64{0.5, 2, 2}
	if !sum.HasWindows || sum.Window != 3 || sum.Stride != 2 || sum.Windows != 1 || len(sum.RMSEByLead) != 3 {
		t.Fatalf("filled %+v", sum.CycleResults)
	}
	for l, w := range want {
		if sum.RMSEByLead[l] != w {
			t.Errorf("RMSE at lead %d = %v, want %v", l+1, sum.RMSEByLead[l], w)
		}
	}
	if sum.RMSELeadMean != 1.5 {
		t.Errorf("mean over leads %v, want 1.5", sum.RMSELeadMean)
	}
	if n := testing.AllocsPerRun(100, func() { s.Add(2, ref, ref) }); n != 0 {
		t.Errorf("Add allocates %v times, want 0", n)
	}

	var empty Summary
	NewLeadScores(2).Fill(&empty, 1)
	if empty.Windows != 0 || !math.IsNaN(empty.RMSEByLead[0]) || !math.IsNaN(empty.RMSELeadMean) {
		t.Errorf("scores of no window: %+v, want NaN", empty.CycleResults)
	}
}

func TestLeadScoresCheckpoint(t *testing.T) {
	s := NewLeadScores(2)
	s.Add(1, []float64{0.1, 0.2}, []float64{0, 0})
	s.Add(2, []float64{0.3, -0.7}, []float64{0, 0})
	s.Add(1, []float64{1e-17, 3}, []float64{0, 0})
	c := &Checkpoint{}
	s.SaveCheckpoint(c, "scores")
	r := NewLeadScores(2)
	if err := r.RestoreCheckpoint(c, "scores"); err != nil {
		t.Fatal(err)
	}
	var a, b Summary
	s.Fill(&a, 1)
	r.Fill(&b, 1)
	for l := range a.RMSEByLead {
		if math.Float64bits(a.RMSEByLead[l]) != math.Float64bits(b.RMSEByLead[l]) {
			t.Errorf("lead %d: %v restored as %v", l+1, a.RMSEByLead[l], b.RMSEByLead[l])
		}
	}
	if a.Windows != b.Windows {
		t.Errorf("windows %d restored as %d", a.Windows, b.Windows)
	}

	for _, tt := range []struct {
		name string
		c    func() *Checkpoint
		want string
	}{
		{"another window", func() *Checkpoint {
			c := &Checkpoint{}
			NewLeadScores(3).SaveCheckpoint(c, "scores")
			return c
		}, "lead-time scores"},
		{"missing", func() *Checkpoint { return &Checkpoint{} }, "lead-time scores"},
		{"counts that grow with the lead", func() *Checkpoint {
			c := &Checkpoint{}
			c.PutFloats("scores.sums", []float64{0, 0})
			c.PutInts("scores.counts", []int64{1, 2})
			return c
		}, "are inconsistent"},
	} {
		if err := r.RestoreCheckpoint(tt.c(), "scores"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}
