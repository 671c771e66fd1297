// Package inst is a user's Go observation operator for the gomodels
// golden case.
package inst

// Pairs observes the mean of each pair of sites.
func Pairs(y, x []float64) {
	for j := range y {
		y[j] = (x[2*j] + x[2*j+1]) / 2
	}
}

// PairsJacobian is the Jacobian of Pairs (len(y)×len(x), row-major).
func PairsJacobian(J, x []float64) {
	n := len(x)
	clear(J)
	for j := 0; j < len(J)/n; j++ {
		J[j*n+2*j], J[j*n+2*j+1] = 0.5, 0.5
	}
}

// Squares observes the square of every other site. It has no Jacobian:
// the analyses that need one take it by finite differences.
func Squares(y, x []float64) {
	for j := range y {
		y[j] = x[2*j] * x[2*j]
	}
}
