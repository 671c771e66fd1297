// Tests of missing observations (NaN in y) in the ETKF and the EnKF.

package runtime

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

// missingProblem is an analysis with p observations of an n-vector
// through a random H, and R diagonal or full.
type missingProblem struct {
	N, n, p int
	E, HE   *Ensemble
	y       []float64
	cov     []float64 // p×p R
	diag    bool
}

func newMissingProblem(t *testing.T, N, n, p int, diag bool, seed uint64) *missingProblem {
	t.Helper()
	s := NewStream(seed, PurposeEnsembleInit, 1)
	H := make([]float64, p*n)
	for i := range H {
		H[i] = s.Normal()
	}
	E := randomEnsemble(N, n, 1.5, 0.7, seed)
	HE := observe(E, H, p)
	y := make([]float64, p)
	for i := range y {
		y[i] = s.Normal() * 2
	}
	cov := make([]float64, p*p)
	if diag {
		for i := 0; i < p; i++ {
			cov[i*p+i] = 0.5 + float64(i%3)*0.25
		}
	} else {
		B := make([]float64, p*p)
		for i := range B {
			B[i] = 0.3 * s.Normal()
		}
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				for k := 0; k < p; k++ {
					cov[i*p+j] += B[i*p+k] * B[j*p+k]
				}
			}
			cov[i*p+i] += 0.5
		}
	}
	return &missingProblem{N: N, n: n, p: p, E: E, HE: HE, y: y, cov: cov, diag: diag}
}

// obsError builds R, or its restriction to rows (all when nil).
func (mp *missingProblem) obsError(t *testing.T, rows []int) *ObsError {
	t.Helper()
	if rows == nil {
		for i := 0; i < mp.p; i++ {
			rows = append(rows, i)
		}
	}
	m := len(rows)
	var R *ObsError
	var err error
	if mp.diag {
		v := make([]float64, m)
		for a, i := range rows {
			v[a] = mp.cov[i*mp.p+i]
		}
		R, err = NewDiagObsError(v)
	} else {
		c := make([]float64, m*m)
		for a, i := range rows {
			for b, j := range rows {
				c[a*m+b] = mp.cov[i*mp.p+j]
			}
		}
		R, err = NewObsError(c, m)
	}
	if err != nil {
		t.Fatal(err)
	}
	return R
}

// reduced returns HE and y without the rows where y is NaN, and those rows.
func (mp *missingProblem) reduced(y []float64) (rows []int, HE *Ensemble, yr []float64) {
	for i, v := range y {
		if !math.IsNaN(v) {
			rows = append(rows, i)
			yr = append(yr, v)
		}
	}
	HE = NewEnsemble(mp.N, len(rows))
	for k := 0; k < mp.N; k++ {
		for a, i := range rows {
			HE.Data[k*len(rows)+a] = mp.HE.Data[k*mp.p+i]
		}
	}
	return rows, HE, yr
}

// newFilter builds the filter kind for m observations with R.
func newFilter(t *testing.T, kind string, N, n, m int, R *ObsError) Analysis {
	t.Helper()
	switch kind {
	case "EnKF":
		f, err := NewEnKF(EnKFConfig{Members: N, Dim: n, Obs: m, Inflation: 1.03, Seed: 5}, R)
		if err != nil {
			t.Fatal(err)
		}
		return f
	case "ETKF":
		return newETKF(ETKFConfig{Members: N, Dim: n, Obs: m, Inflation: 1.03, Rotate: true, Seed: 5}, R, false)
	default: // the observation-space ETKF path
		return newETKF(ETKFConfig{Members: N, Dim: n, Obs: m, Inflation: 1.03, Rotate: true, Seed: 5}, R, true)
	}
}

// TestMissingEqualsReduced checks that an analysis with some values NaN
// equals, to rounding, the analysis of the reduced problem (H, y and R
// without those rows), for every filter and path, R diagonal and full,
// across masks that change (the restricted factor is recomputed) and
// repeat (it is reused).
func TestMissingEqualsReduced(t *testing.T) {
	masks := [][]int{{2}, {2}, {0, 5, 6}, {2}, {}, {1, 2, 3, 4, 5, 6}}
	for _, kind := range []string{"ETKF", "ETKF obs-space", "EnKF"} {
		for _, diag := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/diag=%v", kind, diag), func(t *testing.T) {
				const N, n, p = 12, 5, 7
				mp := newMissingProblem(t, N, n, p, diag, 3)
				f := newFilter(t, kind, N, n, p, mp.obsError(t, nil))
				for a, mask := range masks {
					y := append([]float64(nil), mp.y...)
					for _, i := range mask {
						y[i] = math.NaN()
					}
					rows, HEr, yr := mp.reduced(y)
					g := newFilter(t, kind, N, n, len(rows), mp.obsError(t, rows))
					E1 := &Ensemble{Members: N, Dim: n, Data: append([]float64(nil), mp.E.Data...)}
					E2 := &Ensemble{Members: N, Dim: n, Data: append([]float64(nil), mp.E.Data...)}
					if err := f.Analyze(E1, mp.HE, y, uint64(a)); err != nil {
						t.Fatalf("mask %v: %v", mask, err)
					}
					if err := g.Analyze(E2, HEr, yr, uint64(a)); err != nil {
						t.Fatalf("mask %v, reduced: %v", mask, err)
					}
					if d := maxAbsDiff(E1.Data, E2.Data); !(d < 1e-12*(1+maxAbs(E2.Data))) {
						t.Errorf("mask %v: analysis differs from the reduced one by %g", mask, d)
					}
					if d := maxAbsDiff(E1.Data, mp.E.Data); !(d > 1e-3) {
						t.Errorf("mask %v: the analysis changed the ensemble by only %g", mask, d)
					}
				}
			})
		}
	}
}

// TestAllMissing checks that an observation with every value NaN gives
// ErrNoObservations, unwrapped, and leaves E as it was, bit for bit.
func TestAllMissing(t *testing.T) {
	for _, kind := range []string{"ETKF", "ETKF obs-space", "EnKF"} {
		for _, diag := range []bool{true, false} {
			mp := newMissingProblem(t, 8, 3, 4, diag, 9)
			f := newFilter(t, kind, 8, 3, 4, mp.obsError(t, nil))
			y := []float64{nan(), nan(), nan(), nan()}
			E := &Ensemble{Members: 8, Dim: 3, Data: append([]float64(nil), mp.E.Data...)}
			err := f.Analyze(E, mp.HE, y, 1)
			if err != ErrNoObservations || !errors.Is(err, ErrNoObservations) {
				t.Errorf("%s diag=%v: error %v, want ErrNoObservations", kind, diag, err)
			}
			for i := range E.Data {
				if math.Float64bits(E.Data[i]) != math.Float64bits(mp.E.Data[i]) {
					t.Fatalf("%s diag=%v: element %d changed", kind, diag, i)
				}
			}
		}
	}
}

// TestMissingZeroAllocs checks that analyses with missing values, with a
// set of present rows that changes from call to call, allocate nothing.
func TestMissingZeroAllocs(t *testing.T) {
	for _, kind := range []string{"ETKF", "ETKF obs-space", "EnKF"} {
		for _, diag := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/diag=%v", kind, diag), func(t *testing.T) {
				const N, n, p = 12, 5, 7
				mp := newMissingProblem(t, N, n, p, diag, 4)
				f := newFilter(t, kind, N, n, p, mp.obsError(t, nil))
				E := NewEnsemble(N, n)
				ys := make([][]float64, 3)
				for a := range ys {
					ys[a] = append([]float64(nil), mp.y...)
					ys[a][a] = math.NaN()
					ys[a][a+3] = math.NaN()
				}
				allNaN := []float64{nan(), nan(), nan(), nan(), nan(), nan(), nan()}
				var index uint64
				allocs := testing.AllocsPerRun(30, func() {
					for _, y := range ys {
						copy(E.Data, mp.E.Data)
						index++
						if err := f.Analyze(E, mp.HE, y, index); err != nil {
							t.Fatal(err)
						}
					}
					if err := f.Analyze(E, mp.HE, allNaN, index); err != ErrNoObservations {
						t.Fatal(err)
					}
				})
				if allocs != 0 {
					t.Errorf("Analyze with missing values: %v allocations per call, want 0", allocs)
				}
			})
		}
	}
}

// TestPackColumns checks the in-place column packing used for the
// observations present against a direct copy.
func TestPackColumns(t *testing.T) {
	const rows, p = 3, 5
	for _, idx := range [][]int{{0}, {4}, {1, 3}, {0, 1, 2, 3, 4}, {0, 2, 4}} {
		a := make([]float64, rows*p)
		for i := range a {
			a[i] = float64(i + 1)
		}
		orig := append([]float64(nil), a...)
		packColumns(a, rows, p, idx)
		m := len(idx)
		for k := 0; k < rows; k++ {
			for j, i := range idx {
				if a[k*m+j] != orig[k*p+i] {
					t.Fatalf("idx %v: packed (%d,%d) = %v, want %v", idx, k, j, a[k*m+j], orig[k*p+i])
				}
			}
		}
		unpackColumns(a, rows, p, idx)
		for k := 0; k < rows; k++ {
			for i := 0; i < p; i++ {
				want := 0.0
				for _, j := range idx {
					if j == i {
						want = orig[k*p+i]
					}
				}
				if a[k*p+i] != want {
					t.Fatalf("idx %v: unpacked (%d,%d) = %v, want %v", idx, k, i, a[k*p+i], want)
				}
			}
		}
	}
}
