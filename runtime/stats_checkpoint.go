// Saving and restoring running scores in a checkpoint, bit-exact.

package runtime

import (
	"errors"
	"fmt"
)

// SaveCheckpoint stores the running sums and counters of s in c as three
// sections: name+".sums" (float64: the last forecast and analysis RMSE and
// the forecast RMSE, forecast spread, analysis RMSE and analysis spread
// sums), name+".counts" (int64: dimension, spin-up, analyses seen, forecast
// and analysis scores counted) and name+".err" (the first shape-mismatch
// message, empty when there was none).
func (s *Stats) SaveCheckpoint(c *Checkpoint, name string) {
	sums := [...]float64{s.lastF, s.lastA, s.sumRF, s.sumSF, s.sumRA, s.sumSA}
	counts := [...]int64{int64(s.dim), int64(s.spinup), int64(s.n), int64(s.nF), int64(s.nA)}
	saveScores(c, name, sums[:], counts[:], s.err)
}

// saveScores puts running scores in c: name+".sums", name+".counts" and
// name+".err" (the message of err, empty for none).
func saveScores(c *Checkpoint, name string, sums []float64, counts []int64, err error) {
	c.PutFloats(name+".sums", sums)
	c.PutInts(name+".counts", counts)
	var msg []byte
	if err != nil {
		msg = []byte(err.Error())
	}
	c.PutBytes(name+".err", msg)
}

// loadScores reads what saveScores put under name into sums and counts,
// returning the saved error message ("" for none); what names the scores
// in errors.
func loadScores(c *Checkpoint, name, what string, sums []float64, counts []int64) (string, error) {
	if err := c.Floats(name+".sums", sums); err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if err := c.Ints(name+".counts", counts); err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	msg, err := c.Bytes(name + ".err")
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	return string(msg), nil
}

// savedError is the error a checkpoint's message stands for (nil for "").
func savedError(msg string) error {
	if msg == "" {
		return nil
	}
	return errors.New(msg)
}

// RestoreCheckpoint sets the running sums and counters of s to those
// [Stats.SaveCheckpoint] stored in c under name, so that the scores go on
// exactly as if the run had not stopped. s must have been made by
// NewStats with the dimension and spin-up of the saved statistics; a
// difference, a missing section or a negative counter is an error and
// leaves s unchanged.
func (s *Stats) RestoreCheckpoint(c *Checkpoint, name string) error {
	var sums [6]float64
	var counts [5]int64
	saved, err := loadScores(c, name, "statistics", sums[:], counts[:])
	if err != nil {
		return err
	}
	dim, spinup, n, nF, nA := counts[0], counts[1], counts[2], counts[3], counts[4]
	switch {
	case dim != int64(s.dim) || spinup != int64(s.spinup):
		return fmt.Errorf("statistics: %s: saved for dimension %d with spin-up %d, not dimension %d with spin-up %d",
			c.where(), dim, spinup, s.dim, s.spinup)
	case n < 0 || nF < 0 || nA < 0 || nF > n+1 || nA > n:
		return fmt.Errorf("statistics: %s: section %q: counters %d analyses, %d forecast and %d analysis scores are inconsistent",
			c.where(), name+".counts", n, nF, nA)
	}
	s.lastF, s.lastA, s.sumRF, s.sumSF, s.sumRA, s.sumSA = sums[0], sums[1], sums[2], sums[3], sums[4], sums[5]
	s.n, s.nF, s.nA = int(n), int(nF), int(nA)
	s.err = savedError(saved)
	return nil
}

// SaveCheckpoint stores the running sums and counters of the
// observation-space scores s in c, as [Stats.SaveCheckpoint] does:
// name+".sums" (float64: the last O−F and O−A, then the O−F, (O−F)²,
// O−A, (O−A)² and variance sums), name+".counts" (int64: observation size,
// spin-up, analyses seen, values scored before and after the analyses)
// and name+".err".
func (s *ObsStats) SaveCheckpoint(c *Checkpoint, name string) {
	sums := [...]float64{s.lastF, s.lastA, s.sumF, s.sumF2, s.sumA, s.sumA2, s.sumVar}
	counts := [...]int64{int64(s.p), int64(s.spinup), int64(s.n), int64(s.nF), int64(s.nA)}
	saveScores(c, name, sums[:], counts[:], s.err)
}

// RestoreCheckpoint sets the observation-space scores s to those
// [ObsStats.SaveCheckpoint] stored in c under name. s must have been made
// by NewObsStats with the size and spin-up of the saved scores; a
// difference, a missing section or an inconsistent counter is an error and
// leaves s unchanged.
func (s *ObsStats) RestoreCheckpoint(c *Checkpoint, name string) error {
	var sums [7]float64
	var counts [5]int64
	saved, err := loadScores(c, name, "observation statistics", sums[:], counts[:])
	if err != nil {
		return err
	}
	p, spinup, n, nF, nA := counts[0], counts[1], counts[2], counts[3], counts[4]
	switch {
	case p != int64(s.p) || spinup != int64(s.spinup):
		return fmt.Errorf("observation statistics: %s: saved for %d observations with spin-up %d, not %d with spin-up %d",
			c.where(), p, spinup, s.p, s.spinup)
	case n < 0 || nF < 0 || nA < 0:
		return fmt.Errorf("observation statistics: %s: section %q: negative counters", c.where(), name+".counts")
	}
	s.lastF, s.lastA, s.sumF, s.sumF2, s.sumA, s.sumA2, s.sumVar = sums[0], sums[1], sums[2], sums[3], sums[4], sums[5], sums[6]
	s.n, s.nF, s.nA = int(n), int(nF), int(nA)
	s.err = savedError(saved)
	return nil
}
