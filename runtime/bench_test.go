// Benchmarks of the analyses and of a whole L96 cycle (run with -benchmem).

package runtime

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
)

// benchAnalysis times one analysis on an L96-like ensemble (mean 2.3,
// spread 0.5, R = I), restoring the forecast ensemble before each call.
func benchAnalysis(b *testing.B, kind string, N, n, p int, infl float64, rotate bool) {
	R := identityR(b, p)
	var a Analysis
	var err error
	if kind == "EnKF" {
		a, err = NewEnKF(EnKFConfig{Members: N, Dim: n, Obs: p, Inflation: infl, Seed: 1}, R)
	} else {
		a, err = NewETKF(ETKFConfig{Members: N, Dim: n, Obs: p, Inflation: infl, Rotate: rotate, Seed: 1}, R)
	}
	if err != nil {
		b.Fatal(err)
	}
	benchL96Analysis(b, a, N, n)
}

// benchL96Analysis times analyses of the same L96-like forecast of N
// members and n = p variables by a, each from a fresh copy of it.
func benchL96Analysis(b *testing.B, a Analysis, N, n int) {
	E0, HE, y := l96Like(N, n, 2)
	E := NewEnsemble(N, n)
	b.ReportAllocs()
	var index uint64
	for b.Loop() {
		copy(E.Data, E0.Data)
		index++
		if err := a.Analyze(E, HE, y, index); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkETKF40 is the L96 setting of Sakov & Oke: 40 members, 40
// variables, 40 observations, R = I, inflation 1.01.
func BenchmarkETKF40(b *testing.B) { benchAnalysis(b, "ETKF", 40, 40, 40, 1.01, false) }

// BenchmarkETKF24Rotate is the L96 rotated setting: 24 members.
func BenchmarkETKF24Rotate(b *testing.B) { benchAnalysis(b, "ETKF", 24, 40, 40, 1.013, true) }

// BenchmarkEnKF40 is the L96 perturbed-observation setting, inflation 1.06.
func BenchmarkEnKF40(b *testing.B) { benchAnalysis(b, "EnKF", 40, 40, 40, 1.06, false) }

// BenchmarkETKF10L63 is the L63 setting: 10 members, 3 variables, all
// observed, inflation 1.02, rotation.
func BenchmarkETKF10L63(b *testing.B) { benchAnalysis(b, "ETKF", 10, 3, 3, 1.02, true) }

// benchL96Cycle times a whole L96 twin-experiment cycle as benchmarks.md
// counts it: truth step, observation, ensemble forecast (one RK4 step per
// member, dt = 0.05), H = I, forecast statistics, analysis, analysis
// statistics.
func benchL96Cycle(b *testing.B, kind string, N int, infl float64, rotate bool) {
	const n = 40
	R := identityR(b, n)
	var a Analysis
	var err error
	if kind == "EnKF" {
		a, err = NewEnKF(EnKFConfig{Members: N, Dim: n, Obs: n, Inflation: infl, Seed: 1}, R)
	} else {
		a, err = NewETKF(ETKFConfig{Members: N, Dim: n, Obs: n, Inflation: infl, Rotate: rotate, Seed: 1}, R)
	}
	if err != nil {
		b.Fatal(err)
	}
	var m l96
	truth := new([40]float64)
	truth[0] = 1
	for k := 0; k < 2000; k++ { // reach the attractor
		m.step(truth, 0.05)
	}
	E := NewEnsemble(N, n)
	s := NewStream(1, PurposeEnsembleInit, 0)
	for k := 0; k < N; k++ {
		InitNormal(E.Member(k), truth[:], 1, s)
	}
	HE := NewEnsemble(N, n)
	y := make([]float64, n)
	stats := NewStats(n, 500)
	noise := NewStream(1, PurposeObsNoise, 0)
	cycle := func(index uint64) {
		m.step(truth, 0.05)
		copy(y, truth[:])
		noise.Reset(1, PurposeObsNoise, index)
		R.AddNoise(y, noise)
		for k := 0; k < N; k++ {
			m.step((*[40]float64)(E.Member(k)), 0.05)
		}
		copy(HE.Data, E.Data)
		stats.Forecast(E, truth[:])
		if err := a.Analyze(E, HE, y, index); err != nil {
			b.Fatal(err)
		}
		stats.Analysis(E, truth[:])
	}
	var index uint64
	for ; index < 500; index++ { // spin up the filter
		cycle(index)
	}
	b.ReportAllocs()
	for b.Loop() {
		index++
		cycle(index)
	}
	var sum Summary
	stats.Fill(&sum)
	b.ReportMetric(sum.RMSEAnalysis, "rmse_a")
}

// BenchmarkL96CycleETKF40 is a whole L96 cycle with the 40-member ETKF.
func BenchmarkL96CycleETKF40(b *testing.B) { benchL96Cycle(b, "ETKF", 40, 1.01, false) }

// BenchmarkL96CycleEnKF40 is a whole L96 cycle with the 40-member EnKF.
func BenchmarkL96CycleEnKF40(b *testing.B) { benchL96Cycle(b, "EnKF", 40, 1.06, false) }

// BenchmarkSymEig40 times the eigendecomposition the 40-member ETKF needs.
func BenchmarkSymEig40(b *testing.B) {
	s := lowRankPlusShift(39)(40, NewStream(1, PurposeEnsembleInit, 0))
	a := make([]float64, 1600)
	w, z := make([]float64, 40), make([]float64, 1600)
	e := newSymEig(40)
	b.ReportAllocs()
	for b.Loop() {
		copy(a, s)
		if !e.decompose(a, w, z) {
			b.Fatal("no convergence")
		}
	}
}

// BenchmarkDsyev40 times LAPACK's Dsyev (gonum) on the same matrix, the
// reference symEig is measured against.
func BenchmarkDsyev40(b *testing.B) {
	s := lowRankPlusShift(39)(40, NewStream(1, PurposeEnsembleInit, 0))
	a := make([]float64, 1600)
	w := make([]float64, 40)
	q := []float64{0}
	lapImpl.Dsyev(lapack.EVCompute, blas.Upper, 40, a, 40, w, q, -1)
	work := make([]float64, int(q[0]))
	b.ReportAllocs()
	for b.Loop() {
		copy(a, s)
		if !lapImpl.Dsyev(lapack.EVCompute, blas.Upper, 40, a, 40, w, work, len(work)) {
			b.Fatal("no convergence")
		}
	}
}

// scaleSizes are the (N, n = p) points of the scaling benchmarks: members
// at the L96 size n = 40, then 40 members at n = 1000.
var scaleSizes = []struct{ N, n int }{{10, 40}, {20, 40}, {40, 40}, {80, 40}, {160, 40}, {40, 1000}}

// benchScale runs benchAnalysis of kind at every scaleSizes point.
func benchScale(b *testing.B, kind string, infl float64) {
	for _, s := range scaleSizes {
		b.Run(fmt.Sprintf("N%d_n%d", s.N, s.n), func(b *testing.B) {
			benchAnalysis(b, kind, s.N, s.n, s.n, infl, false)
		})
	}
}

// BenchmarkETKFScale times the ETKF analysis as N and n = p grow (R = I).
func BenchmarkETKFScale(b *testing.B) { benchScale(b, "ETKF", 1.01) }

// BenchmarkEnKFScale times the EnKF analysis as N and n = p grow (R = I).
func BenchmarkEnKFScale(b *testing.B) { benchScale(b, "EnKF", 1.06) }

// BenchmarkL96CycleETKFScale is the whole L96 cycle (n = 40) with the ETKF
// at 80 and 160 members.
func BenchmarkL96CycleETKFScale(b *testing.B) {
	for _, N := range []int{80, 160} {
		b.Run(fmt.Sprintf("N%d", N), func(b *testing.B) { benchL96Cycle(b, "ETKF", N, 1.01, false) })
	}
}
