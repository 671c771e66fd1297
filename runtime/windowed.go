// The scores of a windowed cycle: the error of forecasts against a
// reference run by lead time, over rolling windows.

package runtime

import (
	"fmt"
	"math"
)

// LeadScores accumulates the error of forecast windows against a
// reference run by lead time: for each lead ℓ = 1…window, the sum over
// the windows that have reached it of the RMSE sqrt(mean_i (x_i - r_i)²)
// of the forecast x against the reference r, and their count. The score
// at lead ℓ is the mean of those RMSEs, the time mean of instantaneous
// errors as [Stats] scores analyses.
type LeadScores struct {
	sum []float64 // by lead - 1
	n   []int64
}

// NewLeadScores returns empty scores for windows of window steps
// (window ≥ 1).
func NewLeadScores(window int) *LeadScores {
	return &LeadScores{sum: make([]float64, window), n: make([]int64, window)}
}

// Add scores the forecast x at lead (1…window) against the reference r of
// the same time and returns the RMSE it added (NaN or infinite for a
// forecast that has diverged). It allocates nothing.
func (s *LeadScores) Add(lead int, x, r []float64) float64 {
	var sq float64
	for i, v := range x {
		d := v - r[i]
		sq += d * d
	}
	e := math.Sqrt(sq / float64(len(x)))
	s.sum[lead-1] += e
	s.n[lead-1]++
	return e
}

// Fill sets the windowed scores of sum: HasWindows, Window, Stride (as
// given), Windows (the windows that have reached the last lead), the RMSE
// at each lead (NaN for a lead no window has reached) and their mean.
func (s *LeadScores) Fill(sum *Summary, stride int) {
	w := len(s.sum)
	sum.HasWindows, sum.Window, sum.Stride = true, w, stride
	sum.Windows = int(s.n[w-1])
	sum.RMSEByLead = make([]float64, w)
	var mean float64
	for l := range w {
		sum.RMSEByLead[l] = s.sum[l] / float64(s.n[l])
		mean += sum.RMSEByLead[l]
	}
	sum.RMSELeadMean = mean / float64(w)
}

// SaveCheckpoint stores the sums and counts of s in c as name+".sums"
// (float64, one per lead) and name+".counts" (int64, one per lead).
func (s *LeadScores) SaveCheckpoint(c *Checkpoint, name string) {
	c.PutFloats(name+".sums", s.sum)
	c.PutInts(name+".counts", s.n)
}

// RestoreCheckpoint sets s to the scores SaveCheckpoint stored in c under
// name. s must be for windows of the saved length; a difference, a
// missing section or a negative count is an error and leaves s unchanged.
func (s *LeadScores) RestoreCheckpoint(c *Checkpoint, name string) error {
	sums := make([]float64, len(s.sum))
	counts := make([]int64, len(s.n))
	if err := c.Floats(name+".sums", sums); err != nil {
		return fmt.Errorf("lead-time scores: %w", err)
	}
	if err := c.Ints(name+".counts", counts); err != nil {
		return fmt.Errorf("lead-time scores: %w", err)
	}
	for l, n := range counts {
		if n < 0 || (l > 0 && n > counts[l-1]) {
			return fmt.Errorf("lead-time scores: %s: section %q: the counts by lead %v are inconsistent", c.where(), name+".counts", counts)
		}
	}
	copy(s.sum, sums)
	copy(s.n, counts)
	return nil
}
