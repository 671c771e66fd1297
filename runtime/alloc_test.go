// Zero-allocation guarantees of the per-cycle calls.

package runtime

import (
	"fmt"
	"testing"
)

func TestAnalyzeZeroAllocs(t *testing.T) {
	for _, tc := range []struct {
		kind         string
		N, n, p      int
		rotate, infl bool
	}{
		{"ETKF", 40, 40, 40, false, true},
		{"ETKF", 40, 40, 40, true, true},
		{"ETKF", 24, 40, 40, true, true},
		{"ETKF", 10, 3, 3, true, true}, // observation-space path
		{"ETKF", 10, 3, 3, false, false},
		{"EnKF", 40, 40, 40, false, true},
		{"EnKF", 10, 3, 3, false, false},
	} {
		t.Run(fmt.Sprintf("%s/N=%d,n=%d,p=%d,rotate=%v", tc.kind, tc.N, tc.n, tc.p, tc.rotate), func(t *testing.T) {
			R := identityR(t, tc.p)
			infl := 1.0
			if tc.infl {
				infl = 1.02
			}
			var a Analysis
			var err error
			if tc.kind == "EnKF" {
				a, err = NewEnKF(EnKFConfig{Members: tc.N, Dim: tc.n, Obs: tc.p, Inflation: infl, Seed: 1}, R)
			} else {
				a, err = NewETKF(ETKFConfig{Members: tc.N, Dim: tc.n, Obs: tc.p, Inflation: infl, Rotate: tc.rotate, Seed: 1}, R)
			}
			if err != nil {
				t.Fatal(err)
			}
			E0, HE, y := l96Like(tc.N, tc.n, 2)
			E := NewEnsemble(tc.N, tc.n)
			var index uint64
			allocs := testing.AllocsPerRun(50, func() {
				copy(E.Data, E0.Data)
				index++
				if err := a.Analyze(E, HE, y, index); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("Analyze: %v allocations per call, want 0", allocs)
			}
		})
	}
}

func TestStatsZeroAllocs(t *testing.T) {
	E, _, truth := l96Like(40, 40, 3)
	s := NewStats(40, 5)
	allocs := testing.AllocsPerRun(100, func() {
		s.Forecast(E, truth)
		s.Analysis(E, truth)
		_, _ = s.LastRMSE()
	})
	if allocs != 0 {
		t.Errorf("Stats.Forecast+Analysis: %v allocations per call, want 0", allocs)
	}
}

func TestObsNoiseZeroAllocs(t *testing.T) {
	full, err := NewObsError([]float64{2, 0.5, 0.5, 1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	diag := identityR(t, 2)
	s := NewStream(1, PurposeObsNoise, 0)
	y := make([]float64, 2)
	allocs := testing.AllocsPerRun(100, func() {
		full.AddNoise(y, s)
		diag.AddNoise(y, s)
		InitNormal(y, nil, 1, s)
	})
	if allocs != 0 {
		t.Errorf("AddNoise/InitNormal: %v allocations per call, want 0", allocs)
	}
}
