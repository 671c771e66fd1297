// Tests of the exact Kalman filter.

package runtime

import (
	"math"
	"strings"
	"testing"
)

// TestKalmanFilterScalar checks one forecast and update against the scalar
// formulas: P_f = m²P + q, K = P_f/(P_f + r), x_a = x_f + K(y - x_f),
// P_a = (1-K)P_f. The covariance is compared relative to P_f: the update
// P_f - P_fH'S^-1HP_f cancels when r << P_f.
func TestKalmanFilterScalar(t *testing.T) {
	for _, tc := range []struct{ x, P, m, q, r, y float64 }{
		{1, 2, 0.9, 0.1, 0.5, 2},
		{-3, 0.01, 1.1, 0, 4, 0},
		{0, 10, 1, 1, 1e-6, 5},
	} {
		kf, err := NewKalmanFilter([]float64{tc.x}, []float64{tc.P})
		if err != nil {
			t.Fatal(err)
		}
		var Q []float64
		if tc.q != 0 {
			Q = []float64{tc.q}
		}
		if err := kf.Forecast([]float64{tc.m}, Q); err != nil {
			t.Fatal(err)
		}
		R, _ := NewDiagObsError([]float64{tc.r})
		if err := kf.Update([]float64{1}, R, []float64{tc.y}); err != nil {
			t.Fatal(err)
		}
		xf, Pf := tc.m*tc.x, tc.m*tc.m*tc.P+tc.q
		K := Pf / (Pf + tc.r)
		xa, Pa := xf+K*(tc.y-xf), (1-K)*Pf
		if math.Abs(kf.Mean()[0]-xa) > 1e-12*(1+math.Abs(xa)) || math.Abs(kf.Cov()[0]-Pa) > 1e-12*Pf {
			t.Errorf("%+v: got x %v P %v, want %v %v", tc, kf.Mean()[0], kf.Cov()[0], xa, Pa)
		}
	}
}

// TestKalmanFilterFullR checks an update with a correlated R against the
// information form: P_a^-1 = P^-1 + H'R^-1H.
func TestKalmanFilterFullR(t *testing.T) {
	kf, err := NewKalmanFilter([]float64{0, 0}, []float64{2, 0, 0, 2})
	if err != nil {
		t.Fatal(err)
	}
	R, err := NewObsError([]float64{1, 0.5, 0.5, 1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := kf.Update([]float64{1, 0, 0, 1}, R, []float64{1, 0}); err != nil {
		t.Fatal(err)
	}
	// R^-1 = [[4/3, -2/3], [-2/3, 4/3]]; P_a^-1 = [[11/6, -2/3], [-2/3, 11/6]].
	det := 11.0/6*11.0/6 - 4.0/9
	wantP := []float64{11.0 / 6 / det, 2.0 / 3 / det, 2.0 / 3 / det, 11.0 / 6 / det}
	if d := maxAbsDiff(kf.Cov(), wantP); d > 1e-12 {
		t.Errorf("P_a = %v, want %v", kf.Cov(), wantP)
	}
	// x_a = P_a H'R^-1 y = P_a (4/3, -2/3).
	wantX := []float64{wantP[0]*4/3 - wantP[1]*2/3, wantP[2]*4/3 - wantP[3]*2/3}
	if d := maxAbsDiff(kf.Mean(), wantX); d > 1e-12 {
		t.Errorf("x_a = %v, want %v", kf.Mean(), wantX)
	}
}

func TestKalmanFilterErrors(t *testing.T) {
	R, _ := NewDiagObsError([]float64{1})
	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"empty mean", func() error { _, err := NewKalmanFilter(nil, nil); return err }, "empty mean"},
		{"short cov", func() error { _, err := NewKalmanFilter([]float64{1, 2}, []float64{1}); return err }, "covariance has 1 values"},
		{"NaN cov", func() error { _, err := NewKalmanFilter([]float64{1}, []float64{nan()}); return err }, "not finite"},
		{"bad M", func() error {
			kf, _ := NewKalmanFilter([]float64{1, 2}, []float64{1, 0, 0, 1})
			return kf.Forecast([]float64{1}, nil)
		}, "model matrix has 1 values"},
		{"bad Q", func() error {
			kf, _ := NewKalmanFilter([]float64{1}, []float64{1})
			return kf.Forecast([]float64{1}, []float64{1, 2})
		}, "model-error covariance has 2 values"},
		{"bad H", func() error {
			kf, _ := NewKalmanFilter([]float64{1, 2}, []float64{1, 0, 0, 1})
			return kf.Update([]float64{1}, R, []float64{0})
		}, "observation matrix has 1 values"},
		{"bad y", func() error {
			kf, _ := NewKalmanFilter([]float64{1}, []float64{1})
			return kf.Update([]float64{1}, R, []float64{0, 1})
		}, "observation has 2 values"},
		{"nil R", func() error {
			kf, _ := NewKalmanFilter([]float64{1}, []float64{1})
			return kf.Update([]float64{1}, nil, []float64{0})
		}, "no observation-error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
