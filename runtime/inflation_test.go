// Tests of the shared post-analysis relaxation and inflation.

package runtime

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// moments returns the mean and sample spread (divisor N-1) of each
// variable of E.
func moments(E *Ensemble) (mean, sd []float64) {
	N, n := E.Members, E.Dim
	mean, sd = make([]float64, n), make([]float64, n)
	a := make([]float64, N*n)
	anomalies(a, mean, E.Data, N, n)
	spreadOf(sd, a, N, n)
	return mean, sd
}

// anomaliesOf returns E's anomalies.
func anomaliesOf(E *Ensemble) []float64 {
	a, mean := make([]float64, len(E.Data)), make([]float64, E.Dim)
	anomalies(a, mean, E.Data, E.Members, E.Dim)
	return a
}

// cloneEnsemble returns a copy of E.
func cloneEnsemble(E *Ensemble) *Ensemble {
	c := NewEnsemble(E.Members, E.Dim)
	copy(c.Data, E.Data)
	return c
}

// relaxPair returns a forecast ensemble and an analysis with a different
// mean and a smaller spread that varies by variable.
func relaxPair(N, n int) (Ef, Ea *Ensemble) {
	Ef = randomEnsemble(N, n, 1.5, 0.8, 11)
	Ea = randomEnsemble(N, n, -0.4, 1, 12)
	for k := 0; k < N; k++ {
		for i := 0; i < n; i++ {
			Ea.Data[k*n+i] *= 0.1 + 0.05*float64(i)
		}
	}
	return Ef, Ea
}

// applyInflation runs Prior(Ef) then Posterior on a copy of Ea.
func applyInflation(t *testing.T, cfg InflationConfig, Ef, Ea *Ensemble, seed, index uint64) *Ensemble {
	t.Helper()
	in, err := NewInflator(cfg, Ef.Members, Ef.Dim, seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Prior(Ef); err != nil {
		t.Fatal(err)
	}
	out := cloneEnsemble(Ea)
	if err := in.Posterior(out, index); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestInflationNoneChangesNothing(t *testing.T) {
	Ef, Ea := relaxPair(12, 5)
	for _, cfg := range []InflationConfig{
		{Multiplicative: 1},
		{Multiplicative: 1, RTPP: 0, RTPS: 0, Additive: 0},
	} {
		out := applyInflation(t, cfg, Ef, Ea, 1, 3)
		for i, v := range out.Data {
			if math.Float64bits(v) != math.Float64bits(Ea.Data[i]) {
				t.Fatalf("%+v: value %d changed from %v to %v", cfg, i, Ea.Data[i], v)
			}
		}
	}
}

func TestRTPP(t *testing.T) {
	const N, n = 15, 6
	Ef, Ea := relaxPair(N, n)
	meanA, _ := moments(Ea)
	af, aa := anomaliesOf(Ef), anomaliesOf(Ea)
	for _, alpha := range []float64{1, 0.3} {
		out := applyInflation(t, InflationConfig{Multiplicative: 1, RTPP: alpha}, Ef, Ea, 1, 0)
		mean, _ := moments(out)
		if d := maxAbsDiff(mean, meanA); d > 1e-14 {
			t.Errorf("rtpp %v: analysis mean moved by %g", alpha, d)
		}
		got := anomaliesOf(out)
		for i := range got {
			want := (1-alpha)*aa[i] + alpha*af[i]
			if math.Abs(got[i]-want) > 1e-14 {
				t.Fatalf("rtpp %v: anomaly %d = %v, want %v", alpha, i, got[i], want)
			}
		}
	}
}

func TestRTPS(t *testing.T) {
	const N, n = 20, 7
	Ef, Ea := relaxPair(N, n)
	meanA, sdA := moments(Ea)
	_, sdF := moments(Ef)
	for _, beta := range []float64{1, 0.5, 1.3} {
		out := applyInflation(t, InflationConfig{Multiplicative: 1, RTPS: beta}, Ef, Ea, 1, 0)
		mean, sd := moments(out)
		if d := maxAbsDiff(mean, meanA); d > 1e-14 {
			t.Errorf("rtps %v: analysis mean moved by %g", beta, d)
		}
		for i := range sd {
			want := sdA[i] + beta*(sdF[i]-sdA[i])
			if math.Abs(sd[i]-want) > 1e-13*want {
				t.Errorf("rtps %v: variable %d spread %v, want %v (forecast %v, analysis %v)", beta, i, sd[i], want, sdF[i], sdA[i])
			}
		}
	}
	// A variable with no analysis spread is left as it is.
	flat := cloneEnsemble(Ea)
	for k := 0; k < N; k++ {
		flat.Data[k*n+2] = 4
	}
	out := applyInflation(t, InflationConfig{Multiplicative: 1, RTPS: 1}, Ef, flat, 1, 0)
	for k := 0; k < N; k++ {
		if v := out.Data[k*n+2]; v != 4 {
			t.Fatalf("member %d: a variable without spread became %v", k, v)
		}
	}
}

func TestAdditiveInflation(t *testing.T) {
	const N, n, s = 20000, 3, 0.3
	Ea := NewEnsemble(N, n)
	for i := range Ea.Data {
		Ea.Data[i] = 2
	}
	cfg := InflationConfig{Multiplicative: 1, Additive: s}
	out := applyInflation(t, cfg, Ea, Ea, 9, 4)
	mean, sd := moments(out)
	// Standard errors: s/sqrt(N) = 0.002 for the mean, about s²·sqrt(2/N) = 0.0009 for the variance.
	for i := 0; i < n; i++ {
		if math.Abs(mean[i]-2) > 0.01 {
			t.Errorf("variable %d: mean %v, want 2 ± 0.01", i, mean[i])
		}
		if v := sd[i] * sd[i]; math.Abs(v-s*s) > 0.005 {
			t.Errorf("variable %d: variance %v, want %v ± 0.005", i, v, s*s)
		}
	}
	// The draws are those of the stream keyed by (seed, purpose, index).
	z := NewStream(9, PurposeAdditiveInflation, 4)
	for i, v := range out.Data[:50] {
		if want := 2 + s*z.Normal(); v != want {
			t.Fatalf("value %d = %v, want %v", i, v, want)
		}
	}
	again := applyInflation(t, cfg, Ea, Ea, 9, 4)
	if d := maxAbsDiff(again.Data, out.Data); d != 0 {
		t.Errorf("same seed and index differ by %g", d)
	}
	for _, o := range []struct{ seed, index uint64 }{{9, 5}, {10, 4}} {
		other := applyInflation(t, cfg, Ea, Ea, o.seed, o.index)
		if other.Data[0] == out.Data[0] && other.Data[1] == out.Data[1] {
			t.Errorf("seed %d, index %d: the same draws as seed 9, index 4", o.seed, o.index)
		}
	}
}

// TestInflationOrder checks relaxation, then multiplicative inflation,
// then additive noise against the formulas written out.
func TestInflationOrder(t *testing.T) {
	const N, n = 10, 4
	Ef, Ea := relaxPair(N, n)
	cfg := InflationConfig{Multiplicative: 1.1, RTPP: 0.4, RTPS: 0.6, Additive: 0.05}
	out := applyInflation(t, cfg, Ef, Ea, 3, 7)

	meanA := make([]float64, n)
	x := make([]float64, N*n)
	anomalies(x, meanA, Ea.Data, N, n)
	af := anomaliesOf(Ef)
	_, sdF := moments(Ef)
	for i := range x {
		x[i] = 0.6*x[i] + 0.4*af[i]
	}
	sdR := make([]float64, n)
	spreadOf(sdR, x, N, n)
	z := NewStream(3, PurposeAdditiveInflation, 7)
	for k := 0; k < N; k++ {
		for i := 0; i < n; i++ {
			g := 1 + 0.6*(sdF[i]/sdR[i]-1)
			want := meanA[i] + 1.1*x[k*n+i]*g + 0.05*z.Normal()
			if got := out.Data[k*n+i]; math.Abs(got-want) > 1e-13 {
				t.Fatalf("member %d, variable %d: %v, want %v", k, i, got, want)
			}
		}
	}
}

func TestInflationConfigErrors(t *testing.T) {
	ok := InflationConfig{Multiplicative: 1}
	for _, tc := range []struct {
		name    string
		cfg     InflationConfig
		N, n    int
		wantErr string
	}{
		{"deflation", InflationConfig{Multiplicative: 0.9}, 4, 2, "inflation 0.9, want a finite value >= 1"},
		{"nan inflation", InflationConfig{Multiplicative: math.NaN()}, 4, 2, "inflation NaN"},
		{"huge inflation", InflationConfig{Multiplicative: 1e7}, 4, 2, "inflation 1e+07"},
		{"negative additive", InflationConfig{Multiplicative: 1, Additive: -0.1}, 4, 2, "additive inflation -0.1, want a finite standard deviation >= 0"},
		{"infinite additive", InflationConfig{Multiplicative: 1, Additive: math.Inf(1)}, 4, 2, "additive inflation +Inf"},
		{"rtpp above 1", InflationConfig{Multiplicative: 1, RTPP: 1.5}, 4, 2, "rtpp 1.5, want a value between 0 and 1"},
		{"negative rtpp", InflationConfig{Multiplicative: 1, RTPP: -0.5}, 4, 2, "rtpp -0.5"},
		{"negative rtps", InflationConfig{Multiplicative: 1, RTPS: -1}, 4, 2, "rtps -1, want a finite value >= 0"},
		{"nan rtps", InflationConfig{Multiplicative: 1, RTPS: math.NaN()}, 4, 2, "rtps NaN"},
		{"one member", ok, 1, 2, "1 members, want at least 2"},
		{"no state", ok, 4, 0, "state dimension 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewInflator(tc.cfg, tc.N, tc.n, 1)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("NewInflator: %v, want %q", err, tc.wantErr)
			}
			if tc.N < 2 || tc.n < 1 {
				return
			}
			R := identityR(t, 2)
			_, err1 := NewETKF(ETKFConfig{Members: tc.N, Dim: tc.n, Obs: 2, Inflation: tc.cfg.Multiplicative, Additive: tc.cfg.Additive, RTPP: tc.cfg.RTPP, RTPS: tc.cfg.RTPS}, R)
			_, err2 := NewEnKF(EnKFConfig{Members: tc.N, Dim: tc.n, Obs: 2, Inflation: tc.cfg.Multiplicative, Additive: tc.cfg.Additive, RTPP: tc.cfg.RTPP, RTPS: tc.cfg.RTPS}, R)
			for _, err := range []error{err1, err2} {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("filter: %v, want %q", err, tc.wantErr)
				}
			}
		})
	}
}

func TestInflatorBadSizes(t *testing.T) {
	in, err := NewInflator(InflationConfig{Multiplicative: 1, RTPP: 0.5}, 4, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Prior(NewEnsemble(4, 2)); err == nil || !strings.Contains(err.Error(), "inflation: forecast ensemble has 4 members of dimension 2, want 4 of dimension 3") {
		t.Errorf("Prior: %v", err)
	}
	if err := in.Posterior(NewEnsemble(5, 3), 0); err == nil || !strings.Contains(err.Error(), "inflation: analysis ensemble has 5 members") {
		t.Errorf("Posterior: %v", err)
	}
	if err := in.Posterior(nil, 0); err == nil || !strings.Contains(err.Error(), "analysis ensemble is nil") {
		t.Errorf("Posterior(nil): %v", err)
	}
}

// TestFilterRelaxation runs the ETKF (both paths) and the EnKF with full
// relaxation: RTPP = 1 gives back the forecast anomalies around the
// filter's analysis mean, RTPS = 1 the forecast spread.
func TestFilterRelaxation(t *testing.T) {
	const N, n = 12, 8
	R := identityR(t, n)
	E0, HE, y := l96Like(N, n, 6)
	_, sdF := moments(E0)
	af := anomaliesOf(E0)
	type mk func(InflationConfig) Analysis
	filters := map[string]mk{
		"ETKF": func(c InflationConfig) Analysis {
			return newETKF(ETKFConfig{Members: N, Dim: n, Obs: n, Inflation: c.Multiplicative, RTPP: c.RTPP, RTPS: c.RTPS, Seed: 2}, R, false)
		},
		"ETKF/obs-space": func(c InflationConfig) Analysis {
			return newETKF(ETKFConfig{Members: N, Dim: n, Obs: n, Inflation: c.Multiplicative, RTPP: c.RTPP, RTPS: c.RTPS, Seed: 2}, R, true)
		},
		"EnKF": func(c InflationConfig) Analysis {
			f, err := NewEnKF(EnKFConfig{Members: N, Dim: n, Obs: n, Inflation: c.Multiplicative, RTPP: c.RTPP, RTPS: c.RTPS, Seed: 2}, R)
			if err != nil {
				t.Fatal(err)
			}
			return f
		},
	}
	run := func(a Analysis) *Ensemble {
		E := cloneEnsemble(E0)
		if err := a.Analyze(E, HE, y, 1); err != nil {
			t.Fatal(err)
		}
		return E
	}
	for _, name := range []string{"ETKF", "ETKF/obs-space", "EnKF"} {
		f := filters[name]
		plain := run(f(InflationConfig{Multiplicative: 1}))
		meanA, sdA := moments(plain)
		rtpp := run(f(InflationConfig{Multiplicative: 1, RTPP: 1}))
		mean, _ := moments(rtpp)
		if d := maxAbsDiff(mean, meanA); d > 1e-13 {
			t.Errorf("%s rtpp 1: mean moved by %g", name, d)
		}
		if d := maxAbsDiff(anomaliesOf(rtpp), af); d > 1e-13 {
			t.Errorf("%s rtpp 1: anomalies differ from the forecast's by %g", name, d)
		}
		rtps := run(f(InflationConfig{Multiplicative: 1.2, RTPS: 1}))
		mean, sd := moments(rtps)
		if d := maxAbsDiff(mean, meanA); d > 1e-13 {
			t.Errorf("%s rtps 1: mean moved by %g", name, d)
		}
		for i := range sd {
			if math.Abs(sd[i]-1.2*sdF[i]) > 1e-12 {
				t.Errorf("%s rtps 1: variable %d spread %v, want 1.2 × forecast %v (analysis %v)", name, i, sd[i], sdF[i], sdA[i])
			}
		}
	}
}

func TestInflationZeroAllocs(t *testing.T) {
	cfg := InflationConfig{Multiplicative: 1.05, RTPP: 0.3, RTPS: 0.5, Additive: 0.1}
	const N, n = 20, 40
	Ef, Ea := relaxPair(N, n)
	in, err := NewInflator(cfg, N, n, 1)
	if err != nil {
		t.Fatal(err)
	}
	E := NewEnsemble(N, n)
	var index uint64
	if allocs := testing.AllocsPerRun(50, func() {
		copy(E.Data, Ea.Data)
		index++
		if err := in.Prior(Ef); err != nil {
			t.Fatal(err)
		}
		if err := in.Posterior(E, index); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("Prior+Posterior: %v allocations per call, want 0", allocs)
	}
	R := identityR(t, n)
	E0, HE, y := l96Like(N, n, 2)
	for _, tc := range []struct {
		name string
		a    Analysis
	}{
		{"ETKF", newETKF(ETKFConfig{Members: N, Dim: n, Obs: n, Inflation: cfg.Multiplicative, RTPP: cfg.RTPP, RTPS: cfg.RTPS, Additive: cfg.Additive, Rotate: true, Seed: 1}, R, false)},
		{"ETKF/obs-space", newETKF(ETKFConfig{Members: N, Dim: n, Obs: n, Inflation: cfg.Multiplicative, RTPP: cfg.RTPP, RTPS: cfg.RTPS, Additive: cfg.Additive, Seed: 1}, R, true)},
		{"EnKF", mustEnKF(t, EnKFConfig{Members: N, Dim: n, Obs: n, Inflation: cfg.Multiplicative, RTPP: cfg.RTPP, RTPS: cfg.RTPS, Additive: cfg.Additive, Seed: 1}, R)},
	} {
		if allocs := testing.AllocsPerRun(50, func() {
			copy(E.Data, E0.Data)
			index++
			if err := tc.a.Analyze(E, HE, y, index); err != nil {
				t.Fatal(err)
			}
		}); allocs != 0 {
			t.Errorf("%s with every inflation option: %v allocations per call, want 0", tc.name, allocs)
		}
	}
}

// mustEnKF builds an EnKF or fails the test.
func mustEnKF(t *testing.T, cfg EnKFConfig, R *ObsError) *EnKF {
	t.Helper()
	f, err := NewEnKF(cfg, R)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func BenchmarkInflator(b *testing.B) {
	for _, n := range []int{40, 400} {
		const N = 40
		b.Run(fmt.Sprintf("N=%d,n=%d", N, n), func(b *testing.B) {
			Ef, Ea := relaxPair(N, n)
			in, err := NewInflator(InflationConfig{Multiplicative: 1.05, RTPP: 0.3, RTPS: 0.5, Additive: 0.1}, N, n, 1)
			if err != nil {
				b.Fatal(err)
			}
			E := NewEnsemble(N, n)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				copy(E.Data, Ea.Data)
				if err := in.Prior(Ef); err != nil {
					b.Fatal(err)
				}
				if err := in.Posterior(E, uint64(i)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
