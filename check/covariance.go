// Covariance matrices read at compile time: a full R or B must be
// symmetric and positive definite, as the runtime will require, so that a
// bad file is reported with its place before anything runs.
package check

import (
	"math"

	"github.com/cyclec/cyclec/ir"
)

// symmetryTol is the relative tolerance of the symmetry check; the
// runtime's NewObsError uses the same.
const symmetryTol = 1e-10

// checkCovariance reports a square matrix file that is not symmetric or
// not positive definite, at the place that names it. It reports whether
// the matrix is a covariance.
func (c *checker) checkCovariance(mx *ir.Matrix, df *dataFile) bool {
	n := len(df.rows)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			a, b := df.rows[i][j], df.rows[j][i]
			if math.Abs(a-b) > symmetryTol*math.Max(math.Abs(a), math.Abs(b)) {
				c.diags.Add(mx.Pos, "value", "%s is not symmetric: row %d (line %d), column %d is %s, but row %d (line %d), column %d is %s; a covariance must be symmetric",
					df.rel, i+1, df.lines[i], j+1, fmtNum(a), j+1, df.lines[j], i+1, fmtNum(b))
				return false
			}
		}
	}
	if k := choleskyFails(df.rows); k >= 0 {
		c.diags.Add(mx.Pos, "value", "%s is not positive definite (its Cholesky factorisation fails at row %d, line %d); a covariance must be positive definite",
			df.rel, k+1, df.lines[k])
		return false
	}
	return true
}

// choleskyFails factorises the symmetric matrix a = L L' (reading its lower
// triangle) and returns the first row whose pivot is not positive, or -1
// when a is positive definite. It works on a copy of the lower triangle.
func choleskyFails(a [][]float64) int {
	n := len(a)
	l := make([]float64, n*(n+1)/2) // packed lower triangle, row by row
	row := func(i int) []float64 { return l[i*(i+1)/2 : i*(i+1)/2+i+1] }
	for i := 0; i < n; i++ {
		li := row(i)
		for j := 0; j <= i; j++ {
			lj := row(j)
			s := a[i][j]
			for k := 0; k < j; k++ {
				s -= li[k] * lj[k]
			}
			if j < i {
				li[j] = s / lj[j]
				continue
			}
			if !(s > 0) || math.IsInf(s, 0) {
				return i
			}
			li[i] = math.Sqrt(s)
		}
	}
	return -1
}
