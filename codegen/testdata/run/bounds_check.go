// Test hooks copied next to the generated bounds package by
// TestCompileAndRun.

package bounds

// RHS returns the right-hand side of the model named model at (x, t): the
// tendency of an ODE, the next state of a map.
func RHS(model string, x []float64, t float64) []float64 {
	switch model {
	case "Plume":
		var in, out Line
		copy(in[:], x)
		NewPlume().next(&out, &in, t)
		return out[:]
	case "Slope":
		var in, out Edge
		copy(in[:], x)
		NewSlope().tendency(&out, &in, t)
		return out[:]
	case "Sheet":
		var in, out Plate
		copy(in[:], x)
		NewSheet().tendency(&out, &in, t)
		return out[:]
	case "Corner":
		var in, out Box
		copy(in[:], x)
		NewCorner().tendency(&out, &in, t)
		return out[:]
	}
	return nil
}

// Apply applies the operator named op to x.
func Apply(op string, x []float64) []float64 {
	var y Obs
	switch op {
	case "Near":
		var in Edge
		copy(in[:], x)
		(&Near{}).Apply(&y, &in)
	case "Rim":
		var in Plate
		copy(in[:], x)
		(&Rim{}).Apply(&y, &in)
	default:
		return nil
	}
	return y[:]
}
