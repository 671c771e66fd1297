// Tests of the resampling schemes: unbiased counts, their variance, edge weights.

package runtime

import (
	"math"
	"testing"
)

var allResampling = []Resampling{ResampleSystematic, ResampleResidual, ResampleMultinomial}

// countMoments draws T resamplings of w by scheme r and returns the mean
// and variance of every particle's count; it fails the test if the counts
// of a draw do not total N or a zero weight gets a copy.
func countMoments(t *testing.T, r Resampling, w []float64, T int) (mean, variance []float64) {
	t.Helper()
	N := len(w)
	counts, cdf := make([]int, N), make([]float64, N)
	sum, sum2 := make([]float64, N), make([]float64, N)
	st := NewStream(1, PurposeResample, 0)
	for i := range T {
		st.Reset(7, PurposeResample, uint64(i))
		resampleCounts(r, w, counts, cdf, st)
		total := 0
		for k, c := range counts {
			total += c
			if w[k] == 0 && c != 0 {
				t.Fatalf("%v draw %d: particle %d of weight 0 got %d copies", r, i, k, c)
			}
			sum[k] += float64(c)
			sum2[k] += float64(c * c)
		}
		if total != N {
			t.Fatalf("%v draw %d: counts total %d, want %d", r, i, total, N)
		}
	}
	mean, variance = make([]float64, N), make([]float64, N)
	for k := range w {
		mean[k] = sum[k] / float64(T)
		variance[k] = sum2[k]/float64(T) - mean[k]*mean[k]
	}
	return mean, variance
}

func TestResampleUnbiased(t *testing.T) {
	w := []float64{0.28, 0, 0.02, 0.155, 0.005, 0.2, 0.0, 0.09, 0.2, 0.05} // N·w: 2.8, 0, 0.2, 1.55, …
	N, T := len(w), 20000
	totalVar := map[Resampling]float64{}
	for _, r := range allResampling {
		mean, variance := countMoments(t, r, w, T)
		for k, v := range w {
			want := float64(N) * v
			// Standard error of the mean count; the multinomial variance
			// N w (1-w) bounds the others' and keeps the bound positive.
			se := math.Sqrt(max(variance[k], float64(N)*v*(1-v)) / float64(T))
			if math.Abs(mean[k]-want) > 5*se+1e-12 {
				t.Errorf("%v: particle %d: mean count %.4f, want N·w = %.4f (± %.4f)", r, k, mean[k], want, 5*se)
			}
			totalVar[r] += variance[k]
		}
	}
	// The multinomial count variance is N w (1-w); its total here is
	// N (1 - Σw²) ≈ 8.2 (8.1 here), the others well below it.
	if totalVar[ResampleSystematic] >= totalVar[ResampleMultinomial]/2 || totalVar[ResampleResidual] >= totalVar[ResampleMultinomial]/2 {
		t.Errorf("total count variance: systematic %.3f, residual %.3f, multinomial %.3f; want the first two below half the last",
			totalVar[ResampleSystematic], totalVar[ResampleResidual], totalVar[ResampleMultinomial])
	}
	var s2 float64
	for _, v := range w {
		s2 += v * v
	}
	if want := float64(N) * (1 - s2); math.Abs(totalVar[ResampleMultinomial]-want) > 0.05*want {
		t.Errorf("multinomial total count variance %.3f, want N(1-Σw²) = %.3f", totalVar[ResampleMultinomial], want)
	}
}

func TestResampleCountBounds(t *testing.T) {
	N := 37
	w := randomWeights(N, 5)
	w[3], w[N-1] = 0, 0 // a zero weight inside and at the end
	var sum float64
	for _, v := range w {
		sum += v
	}
	for k := range w {
		w[k] /= sum
	}
	counts, cdf := make([]int, N), make([]float64, N)
	st := NewStream(1, PurposeResample, 0)
	for i := range 2000 {
		for _, r := range []Resampling{ResampleSystematic, ResampleResidual} {
			st.Reset(3, PurposeResample, uint64(i))
			resampleCounts(r, w, counts, cdf, st)
			for k, c := range counts {
				lo := math.Floor(float64(N) * w[k])
				if c < int(lo) || (r == ResampleSystematic && c > int(lo)+1) {
					t.Fatalf("%v draw %d: particle %d (N·w = %.3f) got %d copies", r, i, k, float64(N)*w[k], c)
				}
				if w[k] == 0 && c != 0 {
					t.Fatalf("%v draw %d: particle %d of weight 0 got %d copies", r, i, k, c)
				}
			}
		}
	}
}

func TestResampleOneWeight(t *testing.T) {
	w := []float64{0, 0, 1, 0, 0}
	counts, cdf := make([]int, 5), make([]float64, 5)
	for _, r := range allResampling {
		resampleCounts(r, w, counts, cdf, NewStream(1, PurposeResample, 0))
		if counts[2] != 5 {
			t.Errorf("%v: counts %v, want all 5 copies of particle 2", r, counts)
		}
	}
	// Integer N·w: residual and systematic are deterministic.
	w = []float64{0.4, 0, 0.2, 0.4, 0}
	for _, r := range []Resampling{ResampleSystematic, ResampleResidual} {
		for i := range 50 {
			resampleCounts(r, w, counts, cdf, NewStream(2, PurposeResample, uint64(i)))
			if counts[0] != 2 || counts[2] != 1 || counts[3] != 2 {
				t.Fatalf("%v: counts %v, want [2 0 1 2 0]", r, counts)
			}
		}
	}
}

func TestResamplingString(t *testing.T) {
	for r, want := range map[Resampling]string{
		ResampleSystematic: "systematic", ResampleResidual: "residual", ResampleMultinomial: "multinomial", Resampling(7): "Resampling(7)",
	} {
		if got := r.String(); got != want {
			t.Errorf("Resampling(%d).String() = %q, want %q", int(r), got, want)
		}
	}
	var zero Resampling
	if zero != ResampleSystematic {
		t.Error("the zero Resampling is not systematic")
	}
}
