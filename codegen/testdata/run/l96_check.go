// Test hooks copied next to the generated l96 package by TestCompileAndRun:
// they reach the unexported tendency so the test can compare it with a
// naive transcription and with an IR interpreter.

package l96

import (
	"math"
	"math/rand/v2"
)

// RHS returns the tendency of L96 at (x, t).
func RHS(x []float64, t float64) []float64 {
	var in, out State
	copy(in[:], x)
	NewL96().tendency(&out, &in, t)
	return out[:]
}

// ObsEvens applies the subsample operator Evens.
func ObsEvens(x []float64) []float64 {
	var in State
	var out Half
	copy(in[:], x)
	(&Evens{}).Apply(&out, &in)
	return out[:]
}

// NaiveL96 returns the largest difference, over random states and forcings,
// between the generated tendency (edges peeled, no modulo) and a direct
// transcription of the source with modulo indexing.
func NaiveL96(trials int) float64 {
	m := NewL96()
	rng := rand.New(rand.NewPCG(7, 11))
	var x, dx State
	worst := 0.0
	for range trials {
		for i := range x {
			x[i] = 8 * rng.NormFloat64()
		}
		m.F = 4 + 8*rng.Float64()
		m.tendency(&dx, &x, 0)
		const n = StateSize
		for i := range n {
			want := (x[(i+1)%n]-x[(i-2+n)%n])*x[(i-1+n)%n] - x[i] + m.F
			worst = max(worst, math.Abs(dx[i]-want))
		}
	}
	return worst
}
