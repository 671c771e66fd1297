// Test hooks copied next to the generated obsforms package by
// TestCompileAndRun.

package obsforms

// RHSDamp returns the tendency of Damp at (x, t).
func RHSDamp(x []float64, t float64) []float64 {
	var in, out State
	copy(in[:], x)
	NewDamp().tendency(&out, &in, t)
	return out[:]
}

// RHSHeun returns the tendency of Heun at (x, t).
func RHSHeun(x []float64, t float64) []float64 {
	var in, out State
	copy(in[:], x)
	NewHeun().tendency(&out, &in, t)
	return out[:]
}

// Apply applies the operator named op to x; dir holds the data files.
func Apply(op, dir string, x []float64) ([]float64, error) {
	var in State
	copy(in[:], x)
	switch op {
	case "Odd":
		var y Six
		(&Odd{}).Apply(&y, &in)
		return y[:], nil
	case "Pick":
		var y Four
		(&Pick{}).Apply(&y, &in)
		return y[:], nil
	case "Many":
		var y Ten
		(&Many{}).Apply(&y, &in)
		return y[:], nil
	case "Lin":
		h, err := NewLin(dir)
		if err != nil {
			return nil, err
		}
		var y Four
		h.Apply(&y, &in)
		return y[:], nil
	case "Sq":
		var y Six
		(&Sq{}).Apply(&y, &in)
		return y[:], nil
	case "Edge":
		var y Four
		(&Edge{}).Apply(&y, &in)
		return y[:], nil
	}
	return nil, nil
}
