// The particle filter's own scores: its effective sample size and how
// often it resampled, time-averaged like the other scores.

package runtime

import (
	"fmt"
	"math"
)

// ParticleStats accumulates, over the analyses after the first spinup,
// the effective sample size after each analysis (before resampling) and
// the number of analyses after which the particles were resampled. Add
// does not allocate.
type ParticleStats struct {
	spinup     int
	n          int // analyses seen
	counted    int
	sum, least float64
	resampled  int
}

// NewParticleStats returns empty particle scores that skip the first
// spinup analyses.
func NewParticleStats(spinup int) *ParticleStats {
	return &ParticleStats{spinup: max(spinup, 0), least: math.Inf(1)}
}

// Add records one analysis: its effective sample size and whether the
// particles are resampled after it.
func (s *ParticleStats) Add(ess float64, resampled bool) {
	if s.n >= s.spinup {
		s.counted++
		s.sum += ess
		s.least = math.Min(s.least, ess)
		if resampled {
			s.resampled++
		}
	}
	s.n++
}

// Fill sets the particle fields of sum: HasESS, ESSMean and ESSMin (NaN
// over no analyses) and Resamplings.
func (s *ParticleStats) Fill(sum *Summary) {
	sum.HasESS = true
	sum.ESSMean = ratio(s.sum, s.counted)
	sum.ESSMin = s.least
	if s.counted == 0 {
		sum.ESSMin = math.NaN()
	}
	sum.Resamplings = s.resampled
}

// SaveCheckpoint stores the scores in c as name+".sums" (float64: the
// ESS sum and least value) and name+".counts" (int64: spin-up, analyses
// seen, counted, resampled).
func (s *ParticleStats) SaveCheckpoint(c *Checkpoint, name string) {
	sums := [...]float64{s.sum, s.least}
	counts := [...]int64{int64(s.spinup), int64(s.n), int64(s.counted), int64(s.resampled)}
	saveScores(c, name, sums[:], counts[:], nil)
}

// RestoreCheckpoint sets the scores to those SaveCheckpoint stored in c
// under name; a different spin-up, a missing section or inconsistent
// counters are an error and leave s unchanged.
func (s *ParticleStats) RestoreCheckpoint(c *Checkpoint, name string) error {
	var sums [2]float64
	var counts [4]int64
	if _, err := loadScores(c, name, "particle statistics", sums[:], counts[:]); err != nil {
		return err
	}
	spinup, n, counted, resampled := counts[0], counts[1], counts[2], counts[3]
	switch {
	case spinup != int64(s.spinup):
		return fmt.Errorf("particle statistics: %s: saved with spin-up %d, not %d", c.where(), spinup, s.spinup)
	case n < 0 || counted < 0 || counted > n || resampled < 0 || resampled > counted:
		return fmt.Errorf("particle statistics: %s: section %q: counters %d analyses, %d counted, %d resampled are inconsistent",
			c.where(), name+".counts", n, counted, resampled)
	}
	s.sum, s.least = sums[0], sums[1]
	s.n, s.counted, s.resampled = int(n), int(counted), int(resampled)
	return nil
}
