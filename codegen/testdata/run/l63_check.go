// Test hooks copied next to the generated l63 package by TestCompileAndRun.

package l63

// RHS returns the tendency of L63 at (x, t).
func RHS(x []float64, t float64) []float64 {
	var in, out State
	copy(in[:], x)
	NewL63().tendency(&out, &in, t)
	return out[:]
}
