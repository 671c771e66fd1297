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

func TestElementMeanSpreadWeighted(t *testing.T) {
	e := randomEnsemble(11, 3, 0.5, 1.1, 51)
	w := randomWeights(11, 52)
	wantMean, wantVar := weightedMoments(e, w)
	e.Weights = w
	mean, spread := make([]float64, 3), make([]float64, 3)
	ElementMeanSpread(e, mean, spread)
	for i := range mean {
		if math.Abs(mean[i]-wantMean[i]) > 1e-14 {
			t.Errorf("mean[%d] = %v, want %v", i, mean[i], wantMean[i])
		}
		if want := math.Sqrt(wantVar[i]); math.Abs(spread[i]-want) > 1e-13*want {
			t.Errorf("spread[%d] = %v, want %v", i, spread[i], want)
		}
	}
	// Consistent with the scalar spread: sqrt(mean_i spread_i²).
	var mv float64
	for _, s := range spread {
		mv += s * s
	}
	if s := e.Spread(); math.Abs(s-math.Sqrt(mv/3)) > 1e-13*s {
		t.Errorf("Spread %v, want sqrt(mean spread²) %v", s, math.Sqrt(mv/3))
	}
	e.Weights = w[:5]
	ElementMeanSpread(e, mean, spread)
	if !math.IsNaN(mean[0]) || !math.IsNaN(spread[0]) {
		t.Errorf("5 weights for 11 members: mean %v spread %v, want NaN", mean, spread)
	}
}

// TestElementMeanSpreadUnweightedBits checks the nil-weights path gives
// exactly the plain formulas (sum × 1/N; sqrt(ss × 1/(N-1))).
func TestElementMeanSpreadUnweightedBits(t *testing.T) {
	e := randomEnsemble(8, 4, -1, 3, 61)
	mean, spread := make([]float64, 4), make([]float64, 4)
	ElementMeanSpread(e, mean, spread)
	for i := 0; i < 4; i++ {
		var m float64
		for k := 0; k < 8; k++ {
			m += e.Data[k*4+i]
		}
		m *= 1 / 8.0
		var ss float64
		for k := 0; k < 8; k++ {
			v := e.Data[k*4+i] - m
			ss += v * v
		}
		s := math.Sqrt(ss * (1 / 7.0))
		if math.Float64bits(mean[i]) != math.Float64bits(m) || math.Float64bits(spread[i]) != math.Float64bits(s) {
			t.Errorf("element %d: mean %v spread %v, want exactly %v %v", i, mean[i], spread[i], m, s)
		}
	}
}
