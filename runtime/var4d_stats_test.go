// Tests of the variational analyses' minimisation scores.

package runtime

import (
	"math"
	"testing"
)

// fakeMinimisation reports a fixed minimisation.
type fakeMinimisation struct {
	inner   []int
	reduced bool
}

func (f *fakeMinimisation) Outer() int                       { return len(f.inner) }
func (f *fakeMinimisation) Cost(int) (before, after float64) { return 2, 1 }
func (f *fakeMinimisation) GradNorm(int) float64             { return 1 }
func (f *fakeMinimisation) InnerIters(o int) int             { return f.inner[o] }
func (f *fakeMinimisation) Reduced() bool                    { return f.reduced }

func TestVarStats(t *testing.T) {
	for _, tc := range []struct {
		name      string
		spinup    int
		runs      []fakeMinimisation
		inner     float64 // NaN: none counted
		increases int
	}{
		{"nothing counted", 2, []fakeMinimisation{{[]int{5}, false}, {[]int{7}, true}}, math.NaN(), 0},
		{"after spin-up", 1, []fakeMinimisation{{[]int{50, 50}, false}, {[]int{4, 2, 3}, true}, {[]int{6}, false}}, 15.0 / 4, 1},
		{"no spin-up", 0, []fakeMinimisation{{[]int{3, 1}, false}, {[]int{2}, false}}, 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewVarStats(tc.spinup)
			for i := range tc.runs {
				s.Add(&tc.runs[i])
			}
			var sum Summary
			s.Fill(&sum)
			if !sum.HasVar || sum.CostIncreases != tc.increases || !(sum.InnerMean == tc.inner || math.IsNaN(tc.inner) && math.IsNaN(sum.InnerMean)) {
				t.Errorf("HasVar %v, inner mean %v, increases %d; want true, %v, %d", sum.HasVar, sum.InnerMean, sum.CostIncreases, tc.inner, tc.increases)
			}

			// A checkpoint carries the scores on exactly.
			c := &Checkpoint{}
			s.SaveCheckpoint(c, "var")
			back := NewVarStats(tc.spinup)
			if err := back.RestoreCheckpoint(c, "var"); err != nil {
				t.Fatal(err)
			}
			more := fakeMinimisation{[]int{9}, false}
			s.Add(&more)
			back.Add(&more)
			if *back != *s {
				t.Errorf("restored scores %+v, want %+v", *back, *s)
			}
			if err := NewVarStats(tc.spinup+1).RestoreCheckpoint(c, "var"); err == nil {
				t.Errorf("a checkpoint of another spin-up was accepted")
			}
		})
	}
}

func TestVarStatsRestoreInconsistent(t *testing.T) {
	for _, counts := range [][]int64{
		{0, 1, 2, 0, 0, 0},  // more counted than seen
		{0, 3, 2, 1, -1, 0}, // negative inner iterations
		{0, 3, 2, 1, 1, 3},  // more increases than counted
	} {
		c := &Checkpoint{}
		c.PutFloats("var.sums", nil)
		c.PutInts("var.counts", counts)
		c.PutBytes("var.err", nil)
		s := NewVarStats(0)
		if err := s.RestoreCheckpoint(c, "var"); err == nil || *s != *NewVarStats(0) {
			t.Errorf("counters %v: restore gave %v and %+v, want an error and unchanged scores", counts, err, *s)
		}
	}
}
