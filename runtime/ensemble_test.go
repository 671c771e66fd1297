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

// weightedMoments is the direct formula for a weighted ensemble: the mean
// Σ w_k x_k and the per-element variance Σ w_k (x_k - mean)² / (1 - Σ w²).
func weightedMoments(E *Ensemble, w []float64) (mean, variance []float64) {
	n, N := E.Dim, E.Members
	mean, variance = make([]float64, n), make([]float64, n)
	var s2 float64
	for k := 0; k < N; k++ {
		s2 += w[k] * w[k]
		for i := 0; i < n; i++ {
			mean[i] += w[k] * E.Data[k*n+i]
		}
	}
	for k := 0; k < N; k++ {
		for i := 0; i < n; i++ {
			d := E.Data[k*n+i] - mean[i]
			variance[i] += w[k] * d * d
		}
	}
	for i := range variance {
		variance[i] /= 1 - s2
	}
	return mean, variance
}

// randomWeights returns N positive weights summing to 1, uneven (squared
// normals plus a little).
func randomWeights(N int, seed uint64) []float64 {
	s := NewStream(seed, PurposeResample, 0)
	w := make([]float64, N)
	var sum float64
	for k := range w {
		z := s.Normal()
		w[k] = z*z + 0.01
		sum += w[k]
	}
	for k := range w {
		w[k] /= sum
	}
	return w
}

func TestEnsembleWeightedMeanSpread(t *testing.T) {
	E := randomEnsemble(9, 4, 1.5, 0.8, 11)
	w := randomWeights(9, 12)
	wantMean, wantVar := weightedMoments(E, w)
	var mv float64
	for _, v := range wantVar {
		mv += v
	}
	wantSpread := math.Sqrt(mv / 4)

	E.Weights = w
	mean := make([]float64, 4)
	E.Mean(mean)
	if d := maxAbsDiff(mean, wantMean); d > 1e-14 {
		t.Errorf("weighted Mean = %v, want %v", mean, wantMean)
	}
	mean2 := make([]float64, 4)
	for name, got := range map[string]float64{"Spread": E.Spread(), "MeanSpread": E.MeanSpread(mean2)} {
		if math.Abs(got-wantSpread) > 1e-13*wantSpread {
			t.Errorf("weighted %s = %v, want %v", name, got, wantSpread)
		}
	}
	if d := maxAbsDiff(mean2, wantMean); d > 1e-14 {
		t.Errorf("weighted MeanSpread mean = %v, want %v", mean2, wantMean)
	}
	// The weighted spread differs from the unweighted one for these weights.
	E.Weights = nil
	if u := E.Spread(); math.Abs(u-wantSpread) < 1e-3 {
		t.Errorf("unweighted spread %v equals the weighted one %v: the weights were not used", u, wantSpread)
	}
}

func TestEnsembleEqualWeightsMatchUnweighted(t *testing.T) {
	E := randomEnsemble(13, 5, -2, 1.3, 21)
	mu := make([]float64, 5)
	s0 := E.MeanSpread(mu)
	sp0 := E.Spread()
	w := make([]float64, 13)
	for k := range w {
		w[k] = 1.0 / 13
	}
	E.Weights = w
	mw := make([]float64, 5)
	s1 := E.MeanSpread(mw)
	if d := maxAbsDiff(mu, mw); d > 1e-14 {
		t.Errorf("equal-weight mean differs from the plain mean by %g", d)
	}
	if math.Abs(s1-s0) > 1e-13*s0 || math.Abs(E.Spread()-sp0) > 1e-13*sp0 {
		t.Errorf("equal-weight spread %v / %v, want the N-1 spread %v", s1, E.Spread(), s0)
	}
}

// TestEnsembleUnweightedBitsUnchanged checks that with Weights nil the
// statistics are bit for bit those of the plain formulas (sum of rows in
// order times 1/N; sum of squares / (N-1) / d, the squares summed in four
// lanes by element index mod 4, each in row order, added pairwise), so
// that the weighted paths leave the unweighted ones alone.
func TestEnsembleUnweightedBitsUnchanged(t *testing.T) {
	E := randomEnsemble(17, 6, 3, 2, 31)
	N, d := 17, 6
	ref := make([]float64, d)
	for k := 0; k < N; k++ {
		for i := 0; i < d; i++ {
			ref[i] += E.Data[k*d+i]
		}
	}
	inv := 1 / float64(N)
	for i := range ref {
		ref[i] *= inv
	}
	var lane [4]float64
	for k := 0; k < N; k++ {
		for i := 0; i < d; i++ {
			v := E.Data[k*d+i] - ref[i]
			lane[i%4] += v * v
		}
	}
	ss := (lane[0] + lane[1]) + (lane[2] + lane[3])
	refSpread := math.Sqrt(ss / float64(N-1) / float64(d))
	mean := make([]float64, d)
	got := E.MeanSpread(mean)
	for i := range mean {
		if math.Float64bits(mean[i]) != math.Float64bits(ref[i]) {
			t.Errorf("mean[%d] = %v, want exactly %v", i, mean[i], ref[i])
		}
	}
	if math.Float64bits(got) != math.Float64bits(refSpread) {
		t.Errorf("MeanSpread = %v, want exactly %v", got, refSpread)
	}
	E.Mean(mean)
	for i := range mean {
		if math.Float64bits(mean[i]) != math.Float64bits(ref[i]) {
			t.Errorf("Mean[%d] = %v, want exactly %v", i, mean[i], ref[i])
		}
	}
}

func TestEnsembleWeightedDegenerateAndMismatch(t *testing.T) {
	E := randomEnsemble(4, 2, 0, 1, 41)
	// One weight holds everything: the mean is that member, the spread 0
	// (DAPPER's avoid_pathological), not NaN.
	E.Weights = []float64{0, 1, 0, 0}
	mean := make([]float64, 2)
	if s := E.MeanSpread(mean); s != 0 {
		t.Errorf("collapsed weights: spread %v, want 0", s)
	}
	if d := maxAbsDiff(mean, E.Member(1)); d != 0 {
		t.Errorf("collapsed weights: mean %v, want member 1 %v", mean, E.Member(1))
	}
	if s := E.Spread(); s != 0 {
		t.Errorf("collapsed weights: Spread %v, want 0", s)
	}
	// The wrong number of weights gives NaN statistics and a check error.
	E.Weights = []float64{0.5, 0.5}
	if s := E.MeanSpread(mean); !math.IsNaN(s) || !math.IsNaN(mean[0]) {
		t.Errorf("2 weights for 4 members: spread %v mean %v, want NaN", s, mean)
	}
	if s := E.Spread(); !math.IsNaN(s) {
		t.Errorf("2 weights for 4 members: Spread %v, want NaN", s)
	}
	if err := E.check("state", 4, 2); err == nil {
		t.Error("check accepted 2 weights for 4 members")
	}
}
