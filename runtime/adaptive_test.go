// Tests of the adaptive prior inflation: what it scales, what it
// estimates, missing values, errors, checkpoints and allocations.

package runtime

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// adaptiveR returns the diagonal R = v I of size p.
func adaptiveR(t testing.TB, p int, v float64) *ObsError {
	t.Helper()
	vars := make([]float64, p)
	for i := range vars {
		vars[i] = v
	}
	R, err := NewDiagObsError(vars)
	if err != nil {
		t.Fatal(err)
	}
	return R
}

// adaptiveCorrelatedR returns a full R of size p with unit variances and
// correlation 0.5^|i-j|.
func adaptiveCorrelatedR(t testing.TB, p int) *ObsError {
	t.Helper()
	c := make([]float64, p*p)
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			c[i*p+j] = math.Pow(0.5, math.Abs(float64(i-j)))
		}
	}
	R, err := NewObsError(c, p)
	if err != nil {
		t.Fatal(err)
	}
	return R
}

// adaptiveDraw fills an N-member ensemble of dimension n with N(0, s²)
// values, its observed copy HE (the first p elements of each member) and
// y = truth + N(0, R) with truth drawn from N(0, lam·s²), from streams keyed
// by seed and the cycle c.
func adaptiveDraw(E, HE *Ensemble, y []float64, R *ObsError, s, lam float64, seed, c uint64) {
	st := NewStream(seed, PurposeEnsembleInit, c)
	for i := range E.Data {
		E.Data[i] = s * st.Normal()
	}
	p := len(y)
	for k := 0; k < E.Members; k++ {
		copy(HE.Member(k), E.Member(k)[:p])
	}
	st.Reset(seed, PurposeTruthInit, c)
	for i := range y {
		y[i] = math.Sqrt(lam) * s * st.Normal()
	}
	st.Reset(seed, PurposeObsNoise, c)
	R.AddNoise(y, st)
}

func newAdaptiveT(t testing.TB, N, n, p int, R *ObsError) *AdaptiveInflation {
	t.Helper()
	a, err := NewAdaptiveInflation(AdaptiveInflationConfig{Members: N, Dim: n, Obs: p}, R)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAdaptiveInflationConfigErrors(t *testing.T) {
	R := adaptiveR(t, 4, 1)
	for _, tc := range []struct {
		cfg AdaptiveInflationConfig
		R   *ObsError
	}{
		{AdaptiveInflationConfig{Members: 1, Dim: 4, Obs: 4}, R},
		{AdaptiveInflationConfig{Members: 5, Dim: 0, Obs: 4}, R},
		{AdaptiveInflationConfig{Members: 5, Dim: 4, Obs: 0}, R},
		{AdaptiveInflationConfig{Members: 5, Dim: 4, Obs: 4}, nil},
		{AdaptiveInflationConfig{Members: 5, Dim: 4, Obs: 3}, R},
	} {
		_, err := NewAdaptiveInflation(tc.cfg, tc.R)
		if err == nil || !strings.Contains(err.Error(), "adaptive inflation") {
			t.Errorf("%+v: error %v, want one naming the adaptive inflation", tc.cfg, err)
		}
	}
}

// TestAdaptiveInflationScalesAnomalies: Inflate keeps the means of E and
// HE and multiplies every anomaly by Factor, which grows above 1 for an
// ensemble far too narrow for its innovations.
func TestAdaptiveInflationScalesAnomalies(t *testing.T) {
	const N, n, p = 10, 6, 4
	R := adaptiveR(t, p, 1)
	a := newAdaptiveT(t, N, n, p, R)
	if a.Factor() != 1 {
		t.Fatalf("factor before any analysis %v, want 1", a.Factor())
	}
	E, HE, y := NewEnsemble(N, n), NewEnsemble(N, p), make([]float64, p)
	adaptiveDraw(E, HE, y, R, 1, 1, 1, 0)
	for i := range y {
		y[i] += 4 // far outside the spread
	}
	// HE is H(E) plus an offset, to see it scaled about its own mean.
	for i := range HE.Data {
		HE.Data[i] += 1
	}
	E0 := slices.Clone(E.Data)
	HE0 := slices.Clone(HE.Data)
	if err := a.Inflate(E, HE, y); err != nil {
		t.Fatal(err)
	}
	f := a.Factor()
	if !(f > 1.2 && f <= 10) {
		t.Fatalf("factor %v for innovations far beyond the spread, want well above 1", f)
	}
	if got := math.Sqrt(a.State()[0]); got != f {
		t.Errorf("Factor %v, want sqrt of the state's inflation %v", f, got)
	}
	check := func(what string, x0, x []float64, dim int) {
		m0, m := make([]float64, dim), make([]float64, dim)
		ensembleMean(m0, x0, N, dim)
		ensembleMean(m, x, N, dim)
		for i := range m {
			if math.Abs(m[i]-m0[i]) > 1e-13 {
				t.Errorf("%s mean %d moved from %v to %v", what, i, m0[i], m[i])
			}
		}
		for k := 0; k < N; k++ {
			for i := 0; i < dim; i++ {
				want := f * (x0[k*dim+i] - m0[i])
				if got := x[k*dim+i] - m[i]; math.Abs(got-want) > 1e-12 {
					t.Fatalf("%s member %d element %d: anomaly %v, want %v", what, k, i, got, want)
				}
			}
		}
	}
	check("E", E0, E.Data, n)
	check("HE", HE0, HE.Data, p)
}

// TestAdaptiveInflationEstimates: fed ensembles of spread s whose truth
// has spread sqrt(lam)·s, the inflation settles near lam (plus El
// Gharamti's correction 2/N, with which the expected squared innovation
// (lam + 1/N)s² + 1 is matched), and near the lower bound 1 when the
// ensemble is right.
func TestAdaptiveInflationEstimates(t *testing.T) {
	const N, n, p = 20, 40, 40
	for _, tc := range []struct {
		name string
		R    func(testing.TB, int) *ObsError
		lam  float64
	}{
		{"diagonal/lam=4", func(t testing.TB, p int) *ObsError { return adaptiveR(t, p, 1) }, 4},
		{"correlated/lam=4", adaptiveCorrelatedR, 4},
		{"diagonal/lam=1", func(t testing.TB, p int) *ObsError { return adaptiveR(t, p, 1) }, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			R := tc.R(t, p)
			a := newAdaptiveT(t, N, n, p, R)
			E, HE, y := NewEnsemble(N, n), NewEnsemble(N, p), make([]float64, p)
			var sum float64
			const cycles, counted = 600, 300
			for c := uint64(0); c < cycles; c++ {
				adaptiveDraw(E, HE, y, R, 0.5, tc.lam, 7, c)
				if err := a.Inflate(E, HE, y); err != nil {
					t.Fatal(err)
				}
				if c >= cycles-counted {
					sum += a.State()[0]
				}
			}
			got := sum / counted
			want := tc.lam + 2.0/N
			t.Logf("mean inflation %.4f, sd %.4f (want about %.3f)", got, a.State()[1], want)
			if tc.lam == 1 {
				if !(got >= 1 && got < 1.25) {
					t.Errorf("mean inflation %.4f for a consistent ensemble, want in [1, 1.25)", got)
				}
				return
			}
			if math.Abs(got-want) > 0.1*want {
				t.Errorf("mean inflation %.4f, want %.3f within 10%%", got, want)
			}
		})
	}
}

// TestAdaptiveInflationBounds: the factor stays in [1, 10] and reaches
// both ends.
func TestAdaptiveInflationBounds(t *testing.T) {
	const N, n, p = 8, 5, 5
	R := adaptiveR(t, p, 1)
	a := newAdaptiveT(t, N, n, p, R)
	E, HE, y := NewEnsemble(N, n), NewEnsemble(N, p), make([]float64, p)
	for c := uint64(0); c < 200; c++ {
		adaptiveDraw(E, HE, y, R, 0.01, 1, 3, c)
		for i := range y {
			y[i] = 1e6 // hopelessly far
		}
		if err := a.Inflate(E, HE, y); err != nil {
			t.Fatal(err)
		}
		if f := a.Factor(); !(f >= 1 && f <= 10) {
			t.Fatalf("cycle %d: factor %v outside [1, 10]", c, f)
		}
	}
	if a.Factor() != 10 {
		t.Errorf("factor %v after 200 hopeless innovations, want the bound 10", a.Factor())
	}
	a = newAdaptiveT(t, N, n, p, R)
	for c := uint64(0); c < 200; c++ {
		adaptiveDraw(E, HE, y, R, 1, 1, 3, c)
		mean := make([]float64, p)
		ensembleMean(mean, HE.Data, N, p)
		copy(y, mean) // no innovation at all
		if err := a.Inflate(E, HE, y); err != nil {
			t.Fatal(err)
		}
		if f := a.Factor(); !(f >= 1 && f <= 10) {
			t.Fatalf("cycle %d: factor %v outside [1, 10]", c, f)
		}
	}
	if a.Factor() != 1 {
		t.Errorf("factor %v after 200 innovations of zero, want the bound 1", a.Factor())
	}
}

// TestAdaptiveInflationMissing: a NaN in y gives exactly the inflation of
// the problem without that observation, for a diagonal and a full R.
func TestAdaptiveInflationMissing(t *testing.T) {
	const N, n, p = 12, 7, 6
	missing := []int{1, 4}
	for _, full := range []bool{false, true} {
		var R *ObsError
		if full {
			R = adaptiveCorrelatedR(t, p)
		} else {
			vars := []float64{1, 0.5, 2, 1.5, 0.7, 1.2}
			var err error
			if R, err = NewDiagObsError(vars); err != nil {
				t.Fatal(err)
			}
		}
		// The reduced problem: the rows and columns of R kept.
		var keep []int
		for i := 0; i < p; i++ {
			if !slices.Contains(missing, i) {
				keep = append(keep, i)
			}
		}
		m := len(keep)
		dense := make([]float64, p*p)
		R.Dense(dense)
		var Rm *ObsError
		var err error
		if full {
			sub := make([]float64, 0, m*m)
			for _, i := range keep {
				for _, j := range keep {
					sub = append(sub, dense[i*p+j])
				}
			}
			Rm, err = NewObsError(sub, m)
		} else {
			vars := make([]float64, 0, m)
			for _, i := range keep {
				vars = append(vars, dense[i*p+i])
			}
			Rm, err = NewDiagObsError(vars)
		}
		if err != nil {
			t.Fatal(err)
		}
		a := newAdaptiveT(t, N, n, p, R)
		b := newAdaptiveT(t, N, n, m, Rm)
		E, HE, y := NewEnsemble(N, n), NewEnsemble(N, p), make([]float64, p)
		Eb, HEb, yb := NewEnsemble(N, n), NewEnsemble(N, m), make([]float64, m)
		for c := uint64(0); c < 5; c++ {
			adaptiveDraw(E, HE, y, R, 0.4, 3, 11, c)
			for _, i := range missing {
				y[i] = math.NaN()
			}
			copy(Eb.Data, E.Data)
			for k := 0; k < N; k++ {
				for j, i := range keep {
					HEb.Data[k*m+j] = HE.Data[k*p+i]
				}
			}
			for j, i := range keep {
				yb[j] = y[i]
			}
			if err := a.Inflate(E, HE, y); err != nil {
				t.Fatal(err)
			}
			if err := b.Inflate(Eb, HEb, yb); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(a.State(), b.State()) || !slices.Equal(E.Data, Eb.Data) {
				t.Fatalf("full R %v, cycle %d: state %v and ensemble differ from the reduced problem's %v", full, c, a.State(), b.State())
			}
			for k := 0; k < N; k++ {
				for j, i := range keep {
					if HE.Data[k*p+i] != HEb.Data[k*m+j] {
						t.Fatalf("full R %v, cycle %d: observed member %d row %d differs from the reduced problem's", full, c, k, i)
					}
				}
			}
		}
		if a.Factor() <= 1 {
			t.Errorf("full R %v: factor %v, want the estimate to have moved above 1", full, a.Factor())
		}
	}
}

// TestAdaptiveInflationFullR: with a full R the estimate is that of the
// problem whitened beforehand (HE and y multiplied by L^-1, R = I).
func TestAdaptiveInflationFullR(t *testing.T) {
	const N, n, p = 15, 9, 9
	R := adaptiveCorrelatedR(t, p)
	I := adaptiveR(t, p, 1)
	a := newAdaptiveT(t, N, n, p, R)
	b := newAdaptiveT(t, N, n, p, I)
	E, HE, y := NewEnsemble(N, n), NewEnsemble(N, p), make([]float64, p)
	Eb, HEb, yb := NewEnsemble(N, n), NewEnsemble(N, p), make([]float64, p)
	for c := uint64(0); c < 10; c++ {
		adaptiveDraw(E, HE, y, R, 0.5, 2, 5, c)
		copy(Eb.Data, E.Data)
		copy(HEb.Data, HE.Data)
		copy(yb, y)
		R.whitenRows(HEb.Data, N)
		R.whitenVec(yb)
		if err := a.Inflate(E, HE, y); err != nil {
			t.Fatal(err)
		}
		if err := b.Inflate(Eb, HEb, yb); err != nil {
			t.Fatal(err)
		}
		for i, v := range a.State() {
			if w := b.State()[i]; math.Abs(v-w) > 1e-10*math.Abs(w) {
				t.Fatalf("cycle %d: state %v, want the whitened problem's %v", c, a.State(), b.State())
			}
		}
		for i, v := range E.Data {
			if math.Abs(v-Eb.Data[i]) > 1e-10 {
				t.Fatalf("cycle %d: ensemble value %d is %v, want %v", c, i, v, Eb.Data[i])
			}
		}
	}
	if a.Factor() <= 1 {
		t.Errorf("factor %v, want the estimate to have moved above 1", a.Factor())
	}
}

// TestAdaptiveInflationNoObservations: with every value missing Inflate
// returns ErrNoObservations itself and changes nothing.
func TestAdaptiveInflationNoObservations(t *testing.T) {
	const N, n, p = 6, 4, 3
	R := adaptiveR(t, p, 1)
	a := newAdaptiveT(t, N, n, p, R)
	E, HE, y := NewEnsemble(N, n), NewEnsemble(N, p), make([]float64, p)
	adaptiveDraw(E, HE, y, R, 0.5, 4, 2, 0)
	for i := range y {
		y[i] = math.NaN()
	}
	E0, HE0, s0 := slices.Clone(E.Data), slices.Clone(HE.Data), slices.Clone(a.State())
	if err := a.Inflate(E, HE, y); err != ErrNoObservations {
		t.Fatalf("error %v, want ErrNoObservations unwrapped", err)
	}
	if !slices.Equal(E.Data, E0) || !slices.Equal(HE.Data, HE0) || !slices.Equal(a.State(), s0) {
		t.Error("ensemble, observed ensemble or state changed with no observation")
	}
}

// TestAdaptiveInflationErrors: bad input is refused, naming the adaptive
// inflation, with E, HE and the state unchanged.
func TestAdaptiveInflationErrors(t *testing.T) {
	const N, n, p = 6, 4, 3
	R := adaptiveR(t, p, 1)
	fresh := func() (*AdaptiveInflation, *Ensemble, *Ensemble, []float64) {
		a := newAdaptiveT(t, N, n, p, R)
		E, HE, y := NewEnsemble(N, n), NewEnsemble(N, p), make([]float64, p)
		adaptiveDraw(E, HE, y, R, 0.5, 4, 2, 0)
		return a, E, HE, y
	}
	for _, tc := range []struct {
		name   string
		change func(a *AdaptiveInflation, E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64)
		is     error
	}{
		{"NaN in E", func(a *AdaptiveInflation, E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
			E.Data[5] = math.NaN()
			return E, HE, y
		}, errNonFinite},
		{"Inf in HE", func(a *AdaptiveInflation, E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
			HE.Data[2] = math.Inf(-1)
			return E, HE, y
		}, errNonFinite},
		{"Inf in y", func(a *AdaptiveInflation, E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
			y[1] = math.Inf(1)
			return E, HE, y
		}, errNonFinite},
		{"collapsed", func(a *AdaptiveInflation, E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
			for k := 1; k < N; k++ {
				copy(E.Member(k), E.Member(0))
				copy(HE.Member(k), HE.Member(0))
			}
			return E, HE, y
		}, errCollapsed},
		{"short y", func(a *AdaptiveInflation, E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
			return E, HE, y[:p-1]
		}, nil},
		{"wrong E", func(a *AdaptiveInflation, E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
			return NewEnsemble(N, n+1), HE, y
		}, nil},
		{"wrong HE", func(a *AdaptiveInflation, E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
			return E, NewEnsemble(N-1, p), y
		}, nil},
		{"nil E", func(a *AdaptiveInflation, E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
			return nil, HE, y
		}, nil},
		{"state NaN", func(a *AdaptiveInflation, E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
			a.State()[0] = math.NaN()
			return E, HE, y
		}, nil},
		{"state below 1", func(a *AdaptiveInflation, E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
			a.State()[0] = 0.9
			return E, HE, y
		}, nil},
		{"state above 100", func(a *AdaptiveInflation, E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
			a.State()[0] = 101
			return E, HE, y
		}, nil},
		{"state sd 0", func(a *AdaptiveInflation, E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
			a.State()[1] = 0
			return E, HE, y
		}, nil},
		{"state sd Inf", func(a *AdaptiveInflation, E, HE *Ensemble, y []float64) (*Ensemble, *Ensemble, []float64) {
			a.State()[1] = math.Inf(1)
			return E, HE, y
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, E, HE, y := fresh()
			E, HE, y = tc.change(a, E, HE, y)
			var E0, HE0 []float64
			if E != nil {
				E0 = slices.Clone(E.Data)
			}
			HE0, s0 := slices.Clone(HE.Data), slices.Clone(a.State())
			err := a.Inflate(E, HE, y)
			if err == nil || !strings.Contains(err.Error(), "adaptive inflation") {
				t.Fatalf("error %v, want one naming the adaptive inflation", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v, want %v", err, tc.is)
			}
			if E != nil && !sameBits(E.Data, E0) || !sameBits(HE.Data, HE0) {
				t.Error("the ensemble or observed ensemble changed on error")
			}
			if !sameBits(a.State(), s0) {
				t.Errorf("the state changed on error to %v", a.State())
			}
		})
	}
}

// TestAdaptiveInflationRestore: a run resumed from a saved state, by
// Restore or by writing into the State slice, continues exactly as the
// uninterrupted one; Restore refuses bad states and keeps its own.
func TestAdaptiveInflationRestore(t *testing.T) {
	const N, n, p = 10, 8, 8
	R := adaptiveR(t, p, 1)
	a := newAdaptiveT(t, N, n, p, R)
	E, HE, y := NewEnsemble(N, n), NewEnsemble(N, p), make([]float64, p)
	for c := uint64(0); c < 10; c++ {
		adaptiveDraw(E, HE, y, R, 0.4, 3, 9, c)
		if err := a.Inflate(E, HE, y); err != nil {
			t.Fatal(err)
		}
	}
	if len(a.State()) != 2 {
		t.Fatalf("state has %d values, want 2", len(a.State()))
	}
	saved := slices.Clone(a.State())
	savedFactor := a.Factor()
	b := newAdaptiveT(t, N, n, p, R)
	if err := b.Restore(saved); err != nil {
		t.Fatal(err)
	}
	c := newAdaptiveT(t, N, n, p, R)
	copy(c.State(), saved)
	if b.Factor() != savedFactor || c.Factor() != savedFactor {
		t.Errorf("factor after restoring %v and %v, want the saved run's %v", b.Factor(), c.Factor(), savedFactor)
	}
	Eb, HEb, yb := NewEnsemble(N, n), NewEnsemble(N, p), make([]float64, p)
	for cyc := uint64(10); cyc < 20; cyc++ {
		adaptiveDraw(E, HE, y, R, 0.4, 3, 9, cyc)
		E0, HE0 := slices.Clone(E.Data), slices.Clone(HE.Data)
		copy(yb, y)
		if err := a.Inflate(E, HE, y); err != nil {
			t.Fatal(err)
		}
		for _, o := range []*AdaptiveInflation{b, c} {
			copy(Eb.Data, E0)
			copy(HEb.Data, HE0)
			if err := o.Inflate(Eb, HEb, yb); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(o.State(), a.State()) || !slices.Equal(Eb.Data, E.Data) {
				t.Fatalf("cycle %d: resumed state %v, uninterrupted %v", cyc, o.State(), a.State())
			}
		}
	}
	before := slices.Clone(b.State())
	for _, bad := range [][]float64{nil, {1.2}, {1.2, 0.1, 0}, {0.99, 0.1}, {100.5, 0.1}, {math.NaN(), 0.1}, {1.2, 0}, {1.2, -1}, {1.2, math.NaN()}, {1.2, math.Inf(1)}} {
		err := b.Restore(bad)
		if err == nil || !strings.Contains(err.Error(), "adaptive inflation") {
			t.Errorf("Restore(%v): error %v, want one naming the adaptive inflation", bad, err)
		}
		if !slices.Equal(b.State(), before) {
			t.Fatalf("Restore(%v) changed the state to %v", bad, b.State())
		}
	}
}

// TestIGRate: the inverse gamma built from a mode and a variance has them.
func TestIGRate(t *testing.T) {
	for _, mode := range []float64{1, 1.3, 7, 100} {
		for _, sd := range []float64{1e-6, 1e-3, 0.05, 0.6, 3, 50} {
			beta := igRate(mode, sd*sd)
			alpha := beta/mode - 1
			gotMode := beta / (alpha + 1)
			gotVar := beta * beta / ((alpha - 1) * (alpha - 1) * (alpha - 2))
			if !(alpha > 2) || math.Abs(gotMode-mode) > 1e-12*mode || math.Abs(gotVar-sd*sd) > 1e-9*sd*sd {
				t.Errorf("mode %v sd %v: alpha %v, mode %v, variance %v", mode, sd, alpha, gotMode, gotVar)
			}
		}
	}
}

// TestAdaptiveUpdateDirection: one observation moves the inflation toward
// what its innovation says and narrows it when it agrees.
func TestAdaptiveUpdateDirection(t *testing.T) {
	const N = 20
	lam, sd, vp := 2.0, 0.6, 0.5
	th2 := (lam-1.0/N)*vp + 1
	up, sdUp, _ := adaptiveUpdate(lam, sd, 0, vp, 4*th2, N)
	down, sdDown, _ := adaptiveUpdate(lam, sd, 0, vp, 0.1*th2, N)
	if !(up > lam) || !(down < lam) {
		t.Errorf("inflation %v after a large innovation, %v after a small one, from %v", up, down, lam)
	}
	for _, s := range []float64{sdUp, sdDown} {
		if !(s > 0 && s <= 1.05*sd) {
			t.Errorf("sd %v, want in (0, %v]", s, 1.05*sd)
		}
	}
	same, sdSame, _ := adaptiveUpdate(lam, sd, 0, vp, th2*1.0001, N)
	if math.Abs(same-lam) > 1e-3 || !(sdSame < sd) {
		t.Errorf("an innovation as expected gave inflation %v (from %v) and sd %v (from %v)", same, lam, sdSame, sd)
	}
	if l, s, _ := adaptiveUpdate(lam, sd, 0, 0, 5, N); l != lam || s != sd {
		t.Errorf("an observation without ensemble variance changed the inflation to %v, %v", l, s)
	}
}

func TestAdaptiveInflationZeroAllocs(t *testing.T) {
	const N, n, p = 40, 40, 40
	for _, tc := range []struct {
		name    string
		full    bool
		missing bool
	}{{"diagonal", false, false}, {"diagonal/missing", false, true}, {"full", true, false}, {"full/missing", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			R := adaptiveR(t, p, 1)
			if tc.full {
				R = adaptiveCorrelatedR(t, p)
			}
			a := newAdaptiveT(t, N, n, p, R)
			E0, HE0, y := NewEnsemble(N, n), NewEnsemble(N, p), make([]float64, p)
			adaptiveDraw(E0, HE0, y, R, 0.5, 2, 1, 0)
			if tc.missing {
				y[3], y[17] = math.NaN(), math.NaN()
			}
			E, HE := NewEnsemble(N, n), NewEnsemble(N, p)
			allocs := testing.AllocsPerRun(50, func() {
				copy(E.Data, E0.Data)
				copy(HE.Data, HE0.Data)
				if err := a.Inflate(E, HE, y); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("Inflate: %v allocations per call, want 0", allocs)
			}
		})
	}
}

// BenchmarkAdaptiveInflation times one Inflate with 40 members, 40
// variables and 40 observations (R = I), the forecast restored before each
// call (two copies of 1,600 values are included).
func BenchmarkAdaptiveInflation(b *testing.B) {
	const N, n, p = 40, 40, 40
	R := adaptiveR(b, p, 1)
	a := newAdaptiveT(b, N, n, p, R)
	E0, HE0, y := NewEnsemble(N, n), NewEnsemble(N, p), make([]float64, p)
	adaptiveDraw(E0, HE0, y, R, 0.5, 2, 1, 0)
	E, HE := NewEnsemble(N, n), NewEnsemble(N, p)
	s0 := slices.Clone(a.State())
	b.ReportAllocs()
	for b.Loop() {
		copy(E.Data, E0.Data)
		copy(HE.Data, HE0.Data)
		copy(a.State(), s0)
		if err := a.Inflate(E, HE, y); err != nil {
			b.Fatal(err)
		}
	}
}
