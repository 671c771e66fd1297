// Tests of ensemble storage, mean and spread.

package runtime

import (
	"math"
	"testing"
)

func TestEnsembleMeanSpread(t *testing.T) {
	for _, tc := range []struct {
		name    string
		members [][]float64
		mean    []float64
		spread  float64
	}{
		{"two members", [][]float64{{1, 2}, {3, 6}}, []float64{2, 4}, math.Sqrt((2 + 8) / 2.0)},
		{"three members", [][]float64{{0, 1, 2}, {3, 1, -1}, {6, 1, 5}}, []float64{3, 1, 2}, math.Sqrt((9 + 0 + 9) / 3.0)},
		{"identical members", [][]float64{{5}, {5}, {5}, {5}}, []float64{5}, 0},
		{"one member", [][]float64{{1, 2, 3}}, []float64{1, 2, 3}, math.NaN()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			E := NewEnsemble(len(tc.members), len(tc.mean))
			for k, m := range tc.members {
				copy(E.Member(k), m)
			}
			mean := make([]float64, E.Dim)
			E.Mean(mean)
			if d := maxAbsDiff(mean, tc.mean); d > 1e-14 {
				t.Errorf("Mean = %v, want %v", mean, tc.mean)
			}
			mean2 := make([]float64, E.Dim)
			for name, got := range map[string]float64{"Spread": E.Spread(), "MeanSpread": E.MeanSpread(mean2)} {
				if math.IsNaN(tc.spread) != math.IsNaN(got) || math.Abs(got-tc.spread) > 1e-14 {
					t.Errorf("%s = %v, want %v", name, got, tc.spread)
				}
			}
			if d := maxAbsDiff(mean2, tc.mean); d > 1e-14 {
				t.Errorf("MeanSpread mean = %v, want %v", mean2, tc.mean)
			}
		})
	}
}

func TestEnsembleMemberAliases(t *testing.T) {
	E := NewEnsemble(3, 4)
	m := E.Member(1)
	if len(m) != 4 || cap(m) != 4 {
		t.Fatalf("Member(1) has len %d cap %d, want 4 and 4", len(m), cap(m))
	}
	m[2] = 7
	if E.Data[1*4+2] != 7 {
		t.Error("writing Member(1)[2] did not write Data[6]")
	}
	arr := (*[4]float64)(E.Member(2))
	arr[0] = 9
	if E.Data[8] != 9 {
		t.Error("array view of Member(2) does not alias Data")
	}
}

func TestNewEnsembleBadSizes(t *testing.T) {
	for _, sz := range [][2]int{{0, 3}, {3, 0}, {-1, 2}} {
		E := NewEnsemble(sz[0], sz[1])
		if E.Members != 0 || E.Dim != 0 || len(E.Data) != 0 {
			t.Errorf("NewEnsemble(%d, %d) = %d×%d with %d values, want empty", sz[0], sz[1], E.Members, E.Dim, len(E.Data))
		}
	}
}
