// The variational analyses' own scores: how many inner iterations their
// minimisations used and how often the last outer loop failed to reduce
// the cost, counted like the other scores.

package runtime

import "fmt"

// VarStats accumulates, over the analyses after the first spinup, the
// inner iterations of every outer loop and the analyses whose last outer
// loop did not reduce the nonlinear cost (see [Minimisation]). Add does
// not allocate.
type VarStats struct {
	spinup    int
	n         int // analyses seen
	counted   int
	outer     int // outer loops of the counted analyses
	inner     int // their inner iterations
	increases int // counted analyses not Reduced
}

// NewVarStats returns empty minimisation scores that skip the first
// spinup analyses.
func NewVarStats(spinup int) *VarStats {
	return &VarStats{spinup: max(spinup, 0)}
}

// Add records the minimisation of one analysis, read from m right after
// it.
func (s *VarStats) Add(m Minimisation) {
	if s.n >= s.spinup {
		s.counted++
		for o := 0; o < m.Outer(); o++ {
			s.outer++
			s.inner += m.InnerIters(o)
		}
		if !m.Reduced() {
			s.increases++
		}
	}
	s.n++
}

// Fill sets the minimisation fields of sum: HasVar, InnerMean (the mean
// inner iterations per outer loop; NaN over none) and CostIncreases.
func (s *VarStats) Fill(sum *Summary) {
	sum.HasVar = true
	sum.InnerMean = ratio(float64(s.inner), s.outer)
	sum.CostIncreases = s.increases
}

// SaveCheckpoint stores the scores in c as name+".sums" (none) and
// name+".counts" (int64: spin-up, analyses seen, counted, outer loops,
// inner iterations, cost increases).
func (s *VarStats) SaveCheckpoint(c *Checkpoint, name string) {
	counts := [...]int64{int64(s.spinup), int64(s.n), int64(s.counted), int64(s.outer), int64(s.inner), int64(s.increases)}
	saveScores(c, name, nil, counts[:], nil)
}

// RestoreCheckpoint sets the scores to those SaveCheckpoint stored in c
// under name; a different spin-up, a missing section or inconsistent
// counters are an error and leave s unchanged.
func (s *VarStats) RestoreCheckpoint(c *Checkpoint, name string) error {
	var counts [6]int64
	if _, err := loadScores(c, name, "minimisation statistics", nil, counts[:]); err != nil {
		return err
	}
	spinup, n, counted, outer, inner, increases := counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]
	switch {
	case spinup != int64(s.spinup):
		return fmt.Errorf("minimisation statistics: %s: saved with spin-up %d, not %d", c.where(), spinup, s.spinup)
	case n < 0 || counted < 0 || counted > n || outer < 0 || inner < 0 || increases < 0 || increases > counted:
		return fmt.Errorf("minimisation statistics: %s: section %q: counters %d analyses, %d counted, %d outer loops, %d inner iterations, %d cost increases are inconsistent",
			c.where(), name+".counts", n, counted, outer, inner, increases)
	}
	s.n, s.counted, s.outer, s.inner, s.increases = int(n), int(counted), int(outer), int(inner), int(increases)
	return nil
}
