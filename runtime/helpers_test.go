// Shared helpers for the runtime tests: linear-Gaussian systems, sample moments.

package runtime

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// linearSystem is a small linear-Gaussian twin experiment.
type linearSystem struct {
	n, p  int
	M     []float64 // n×n model
	H     []float64 // p×n observation operator
	R     *ObsError
	m0    []float64 // initial mean
	P0    []float64 // initial covariance
	steps int       // model steps between analyses
}

// newLinearSystem returns the n = 4, p = 2 system of the identity tests: a
// mild rotation with 2% growth in the (0,1) plane, weak coupling, and H
// observing x0 and the average of x2 and x3.
func newLinearSystem(t testing.TB) *linearSystem {
	t.Helper()
	c, s := math.Cos(0.3), math.Sin(0.3)
	g := 1.02
	M := []float64{
		g * c, -g * s, 0.05, 0,
		g * s, g * c, 0, 0,
		0.1, 0, 0.95, 0.2,
		0, 0, -0.2, 0.97,
	}
	H := []float64{
		1, 0, 0, 0,
		0, 0, 0.5, 0.5,
	}
	R, err := NewDiagObsError([]float64{0.5, 0.8})
	if err != nil {
		t.Fatal(err)
	}
	B := []float64{
		1.0, 0.2, 0.0, 0.1,
		0.3, 0.8, 0.1, 0.0,
		0.0, 0.4, 1.2, 0.3,
		0.2, 0.0, 0.5, 0.9,
	}
	P0 := make([]float64, 16)
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			for k := 0; k < 4; k++ {
				P0[i*4+j] += B[i*4+k] * B[j*4+k]
			}
		}
		P0[i*4+i] += 0.3
	}
	return &linearSystem{n: 4, p: 2, M: M, H: H, R: R, m0: []float64{1, -1, 0.5, 2}, P0: P0, steps: 2}
}

// matVec returns A x for the rows×len(x) matrix a.
func matVec(a []float64, rows int, x []float64) []float64 {
	n := len(x)
	out := make([]float64, rows)
	for i := 0; i < rows; i++ {
		for j := 0; j < n; j++ {
			out[i] += a[i*n+j] * x[j]
		}
	}
	return out
}

// applyRows replaces every member of E by M·member (M dim×dim).
func applyRows(E *Ensemble, M []float64) {
	for k := 0; k < E.Members; k++ {
		copy(E.Member(k), matVec(M, E.Dim, E.Member(k)))
	}
}

// observe returns the ensemble H·member (H p×dim).
func observe(E *Ensemble, H []float64, p int) *Ensemble {
	HE := NewEnsemble(E.Members, p)
	for k := 0; k < E.Members; k++ {
		copy(HE.Member(k), matVec(H, p, E.Member(k)))
	}
	return HE
}

// sampleMoments returns the ensemble mean and unbiased sample covariance.
func sampleMoments(E *Ensemble) (mean, cov []float64) {
	n, N := E.Dim, E.Members
	mean = make([]float64, n)
	E.Mean(mean)
	cov = make([]float64, n*n)
	for k := 0; k < N; k++ {
		x := E.Member(k)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				cov[i*n+j] += (x[i] - mean[i]) * (x[j] - mean[j])
			}
		}
	}
	for i := range cov {
		cov[i] /= float64(N - 1)
	}
	return mean, cov
}

// drawExact fills an N-member ensemble from N(mean, cov) with the stream,
// then transforms it so its sample mean and covariance equal mean and cov
// exactly (anomalies ← A Ls^-T L', Ls and L the Cholesky factors of the
// sample and target covariances).
func drawExact(t testing.TB, N int, mean, cov []float64, seed uint64) *Ensemble {
	t.Helper()
	n := len(mean)
	E := NewEnsemble(N, n)
	var target mat.Cholesky
	if !target.Factorize(mat.NewSymDense(n, append([]float64(nil), cov...))) {
		t.Fatal("target covariance not SPD")
	}
	var L mat.TriDense
	target.LTo(&L)
	s := NewStream(seed, PurposeEnsembleInit, 0)
	z := make([]float64, n)
	for k := 0; k < N; k++ {
		for i := range z {
			z[i] = s.Normal()
		}
		x := E.Member(k)
		for i := 0; i < n; i++ {
			x[i] = mean[i]
			for j := 0; j <= i; j++ {
				x[i] += L.At(i, j) * z[j]
			}
		}
	}
	m, c := sampleMoments(E)
	var sample mat.Cholesky
	if !sample.Factorize(mat.NewSymDense(n, c)) {
		t.Fatal("sample covariance not SPD")
	}
	var Ls mat.TriDense
	sample.LTo(&Ls)
	// F = Ls^-T L' so that F' Cs F = L Ls^-1 Cs Ls^-T L' = cov.
	var LsInvT mat.Dense
	if err := LsInvT.Inverse(Ls.T()); err != nil {
		t.Fatal(err)
	}
	var F mat.Dense
	F.Mul(&LsInvT, L.T())
	a := make([]float64, n)
	for k := 0; k < N; k++ {
		x := E.Member(k)
		for i := range a {
			a[i] = x[i] - m[i]
		}
		for j := 0; j < n; j++ {
			v := mean[j]
			for i := 0; i < n; i++ {
				v += a[i] * F.At(i, j)
			}
			x[j] = v
		}
	}
	return E
}

// maxAbsDiff returns max_i |a_i - b_i|.
func maxAbsDiff(a, b []float64) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

// maxAbs returns max_i |a_i|.
func maxAbs(a []float64) float64 {
	var m float64
	for _, v := range a {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// frobRel returns ||a - b||_F / ||b||_F.
func frobRel(a, b []float64) float64 {
	var num, den float64
	for i := range a {
		num += (a[i] - b[i]) * (a[i] - b[i])
		den += b[i] * b[i]
	}
	return math.Sqrt(num / den)
}

// randomEnsemble fills an N×n ensemble with mean + spread·N(0,1).
func randomEnsemble(N, n int, mean, spread float64, seed uint64) *Ensemble {
	E := NewEnsemble(N, n)
	s := NewStream(seed, PurposeEnsembleInit, 0)
	for i := range E.Data {
		E.Data[i] = mean + spread*s.Normal()
	}
	return E
}

// nan returns a NaN.
func nan() float64 { return math.NaN() }

// sqrt is math.Sqrt.
func sqrt(x float64) float64 { return math.Sqrt(x) }

// sameBits reports whether a and b hold the same bits (NaN equal to itself).
func sameBits(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
}
