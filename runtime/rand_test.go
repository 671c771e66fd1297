// Tests of the keyed random streams.

package runtime

import (
	"math"
	"testing"
)

func draws(s *Stream, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = s.Normal()
	}
	return out
}

func TestStreamDeterminism(t *testing.T) {
	base := NewStream(42, PurposeObsNoise, 7)
	want := draws(base, 16)
	if got := draws(NewStream(42, PurposeObsNoise, 7), 16); maxAbsDiff(got, want) != 0 {
		t.Fatal("same key gave a different sequence")
	}
	s := NewStream(1, PurposeTruthInit, 0)
	draws(s, 5)
	s.Reset(42, PurposeObsNoise, 7)
	if got := draws(s, 16); maxAbsDiff(got, want) != 0 {
		t.Fatal("Reset to the same key gave a different sequence")
	}
	for _, tc := range []struct {
		name  string
		seed  uint64
		p     Purpose
		index uint64
	}{
		{"seed+1", 43, PurposeObsNoise, 7},
		{"seed-1", 41, PurposeObsNoise, 7},
		{"other purpose", 42, PurposeRotation, 7},
		{"index+1", 42, PurposeObsNoise, 8},
		{"swapped seed and index", 7, PurposeObsNoise, 42},
	} {
		got := draws(NewStream(tc.seed, tc.p, tc.index), 16)
		same := 0
		for i := range got {
			if got[i] == want[i] {
				same++
			}
		}
		if same > 0 {
			t.Errorf("%s: %d of 16 draws equal the base stream's", tc.name, same)
		}
	}
}

// TestStreamNearbySeedsUncorrelated checks that the first draws of streams
// with consecutive seeds look independent: their lag-1 correlation and the
// correlation between first and second draws are near zero.
func TestStreamNearbySeedsUncorrelated(t *testing.T) {
	const n = 20000
	first := make([]float64, n)
	second := make([]float64, n)
	s := NewStream(0, PurposeEnsembleInit, 0)
	for i := range first {
		s.Reset(uint64(i), PurposeEnsembleInit, 0)
		first[i] = s.Normal()
		second[i] = s.Normal()
	}
	corr := func(a, b []float64) float64 {
		var sa, sb, sab, saa, sbb float64
		for i := range a {
			sa += a[i]
			sb += b[i]
		}
		ma, mb := sa/float64(len(a)), sb/float64(len(b))
		for i := range a {
			sab += (a[i] - ma) * (b[i] - mb)
			saa += (a[i] - ma) * (a[i] - ma)
			sbb += (b[i] - mb) * (b[i] - mb)
		}
		return sab / math.Sqrt(saa*sbb)
	}
	// Standard error of a correlation is 1/sqrt(n) ≈ 0.007.
	if c := corr(first[1:], first[:n-1]); math.Abs(c) > 0.04 {
		t.Errorf("consecutive seeds: correlation %.4f", c)
	}
	if c := corr(first, second); math.Abs(c) > 0.04 {
		t.Errorf("first vs second draw: correlation %.4f", c)
	}
}

func TestStreamMoments(t *testing.T) {
	const n = 200000
	s := NewStream(3, PurposeObsNoise, 0)
	var sum, sum2, usum float64
	for i := 0; i < n; i++ {
		z := s.Normal()
		sum += z
		sum2 += z * z
		u := s.Uniform()
		if u < 0 || u >= 1 {
			t.Fatalf("Uniform() = %v outside [0,1)", u)
		}
		usum += u
	}
	mean, vr := sum/n, sum2/n-(sum/n)*(sum/n)
	if math.Abs(mean) > 5/math.Sqrt(n) || math.Abs(vr-1) > 5*math.Sqrt(2.0/n) {
		t.Errorf("Normal: mean %.4f variance %.4f, want 0 and 1", mean, vr)
	}
	if um := usum / n; math.Abs(um-0.5) > 5*math.Sqrt(1/12.0/n) {
		t.Errorf("Uniform: mean %.4f, want 0.5", um)
	}
}

func TestStreamZeroValueUsable(t *testing.T) {
	var s Stream
	a, b := s.Normal(), s.Uniform()
	if math.IsNaN(a) || b < 0 || b >= 1 {
		t.Fatalf("zero Stream drew %v, %v", a, b)
	}
}

func TestStreamZeroAllocs(t *testing.T) {
	s := NewStream(1, PurposeObsNoise, 0)
	var i uint64
	allocs := testing.AllocsPerRun(1000, func() {
		i++
		s.Reset(9, PurposeRotation, i)
		_ = s.Normal()
		_ = s.Uniform()
	})
	if allocs != 0 {
		t.Errorf("Reset+Normal+Uniform: %v allocations per run, want 0", allocs)
	}
}
