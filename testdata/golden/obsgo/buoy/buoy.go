// Package buoy is a user's Go observation source for the obsgo golden
// case: a fixed pattern with gaps, so that a test can predict it.
package buoy

import (
	"errors"
	"math"
)

// Observe fills y for the analysis at model time t: every value is
// sin(t + i) except that site 0 is missing at every analysis, and there is
// no observation at all at times within 0.01 of a multiple of 1. A time
// past 1000 is an error.
func Observe(t float64, y []float64) (bool, error) {
	if t > 1000 {
		return false, errors.New("buoy: no data after t = 1000")
	}
	if math.Abs(t-math.Round(t)) < 0.01 {
		return false, nil
	}
	for i := range y {
		y[i] = math.Sin(t + float64(i))
	}
	y[0] = math.NaN()
	return true, nil
}
