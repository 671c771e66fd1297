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
		m := NewSheet()
		m.computeTerms() // Step does this before the first tendency
		m.tendency(&out, &in, t)
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

// SheetTermsFollowK reports whether a Sheet whose parameter K changes
// between steps steps exactly as a fresh Sheet made with the new K: the
// hoisted sin term must be recomputed, not kept.
func SheetTermsFollowK() bool {
	var x, y Plate
	for i := range x {
		x[i] = float64(i%7) * 0.1
	}
	y = x
	m := NewSheet()
	m.Step(&x, 0)
	y = x
	m.K = 0.7
	m.Step(&x, 0.1)
	fresh := NewSheet()
	fresh.K = 0.7
	fresh.Step(&y, 0.1)
	return x == y
}
