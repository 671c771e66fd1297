// Test hooks copied next to the generated stencil package by
// TestCompileAndRun.

package stencil

// RHS returns the right-hand side of the model named model at (x, t): the
// tendency of an ODE, the next state of a map.
func RHS(model string, x []float64, t float64) []float64 {
	switch model {
	case "Odd":
		var in, out Ring
		copy(in[:], x)
		NewOdd().tendency(&out, &in, t)
		return out[:]
	case "Tail":
		var in, out Ring
		copy(in[:], x)
		NewTail().tendency(&out, &in, t)
		return out[:]
	case "Logistic":
		var in, out Small
		copy(in[:], x)
		NewLogistic().next(&out, &in, t)
		return out[:]
	case "Heat":
		var in, out Field
		copy(in[:], x)
		NewHeat().tendency(&out, &in, t)
		return out[:]
	}
	return nil
}
