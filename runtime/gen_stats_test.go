// Tests of the element-wise ensemble statistics used by generated history.

package runtime

import (
	"math"
	"testing"
)

func TestElementMeanSpread(t *testing.T) {
	tests := []struct {
		name         string
		members, dim int
		data         []float64
		mean, spread []float64
	}{
		{
			name: "two members", members: 2, dim: 3,
			data:   []float64{1, 2, 3, 3, 2, 7},
			mean:   []float64{2, 2, 5},
			spread: []float64{math.Sqrt2, 0, 2 * math.Sqrt2},
		},
		{
			name: "three members", members: 3, dim: 1,
			data:   []float64{1, 2, 6},
			mean:   []float64{3},
			spread: []float64{math.Sqrt(7)}, // ((4 + 1 + 9) / 2)
		},
		{
			name: "one member", members: 1, dim: 2,
			data:   []float64{4, 5},
			mean:   []float64{4, 5},
			spread: []float64{math.NaN(), math.NaN()},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEnsemble(tt.members, tt.dim)
			copy(e.Data, tt.data)
			mean := make([]float64, tt.dim)
			spread := make([]float64, tt.dim)
			ElementMeanSpread(e, mean, spread)
			for i := range mean {
				if math.Abs(mean[i]-tt.mean[i]) > 1e-12 {
					t.Errorf("mean[%d] = %v, want %v", i, mean[i], tt.mean[i])
				}
				want := tt.spread[i]
				if math.IsNaN(want) != math.IsNaN(spread[i]) || (!math.IsNaN(want) && math.Abs(spread[i]-want) > 1e-12) {
					t.Errorf("spread[%d] = %v, want %v", i, spread[i], want)
				}
			}
		})
	}
}

func TestElementMeanSpreadAgreesWithSpread(t *testing.T) {
	e := NewEnsemble(7, 5)
	s := NewStream(3, PurposeEnsembleInit, 0)
	for i := range e.Data {
		e.Data[i] = 1.5 + 0.7*s.Normal()
	}
	mean := make([]float64, 5)
	spread := make([]float64, 5)
	ElementMeanSpread(e, mean, spread)
	var ss float64
	for _, s := range spread {
		ss += s * s
	}
	if got, want := math.Sqrt(ss/5), e.Spread(); math.Abs(got-want) > 1e-12 {
		t.Errorf("rms of element spreads = %v, Ensemble.Spread = %v", got, want)
	}
	if allocs := testing.AllocsPerRun(10, func() { ElementMeanSpread(e, mean, spread) }); allocs != 0 {
		t.Errorf("ElementMeanSpread allocates %v times", allocs)
	}
}
