package runtime

import (
	"math"
	"strings"
	"testing"
)

// enksProblem is a static state observed directly (H = I), so that a
// state L analyses back, smoothed by the next L observations, must equal
// the filter's analysis now: the forecast changes nothing in between.
type enksProblem struct {
	N, n int
	E    *Ensemble
	R    *ObsError
	s    *Stream
}

func newEnKSProblem(t *testing.T, N, n int) *enksProblem {
	t.Helper()
	vars := make([]float64, n)
	for i := range vars {
		vars[i] = 0.5 + 0.1*float64(i)
	}
	R, err := NewDiagObsError(vars)
	if err != nil {
		t.Fatal(err)
	}
	p := &enksProblem{N: N, n: n, E: NewEnsemble(N, n), R: R, s: NewStream(7, PurposeTruthInit, 0)}
	for i := range p.E.Data {
		p.E.Data[i] = 1 + p.s.Normal()
	}
	return p
}

// observe returns a fresh observation and HE = E.
func (p *enksProblem) observe() (*Ensemble, []float64) {
	y := make([]float64, p.n)
	for i := range y {
		y[i] = 1 + 0.3*p.s.Normal()
	}
	HE := &Ensemble{Members: p.N, Dim: p.n, Data: append([]float64(nil), p.E.Data...)}
	return HE, y
}

// TestEnKSStaticStateSmoothsToTheFilter checks the lag bookkeeping: with
// a static state, the smoothed ensemble of analysis a-L equals the
// filter's analysis a, and none is offered before L+1 analyses.
func TestEnKSStaticStateSmoothsToTheFilter(t *testing.T) {
	for _, lag := range []int{1, 3} {
		p := newEnKSProblem(t, 8, 3)
		f, err := NewEnKS(EnKSConfig{Members: 8, Dim: 3, Obs: 3, Lag: lag, Inflation: 1}, p.R)
		if err != nil {
			t.Fatal(err)
		}
		for a := 0; a < 6; a++ {
			HE, y := p.observe()
			if err := f.Analyze(p.E, HE, y, uint64(a)); err != nil {
				t.Fatal(err)
			}
			S := f.Smoothed()
			if a < lag {
				if S != nil {
					t.Fatalf("lag %d: a smoothed ensemble after %d analyses", lag, a+1)
				}
				continue
			}
			if S == nil {
				t.Fatalf("lag %d: no smoothed ensemble after %d analyses", lag, a+1)
			}
			if d := maxAbsDiff(S.Data, p.E.Data); d > 1e-12 {
				t.Errorf("lag %d, analysis %d: the smoothed state differs from the filter's by %g", lag, a, d)
			}
		}
	}
}

// TestEnKSFilterIsTheETKF checks that the smoother's filter analysis is
// the ETKF's with the same inflation and rotation.
func TestEnKSFilterIsTheETKF(t *testing.T) {
	p := newEnKSProblem(t, 10, 4)
	q := newEnKSProblem(t, 10, 4)
	f, err := NewEnKS(EnKSConfig{Members: 10, Dim: 4, Obs: 4, Lag: 2, Inflation: 1.05, Rotate: true, Seed: 3}, p.R)
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewETKF(ETKFConfig{Members: 10, Dim: 4, Obs: 4, Inflation: 1.05, Rotate: true, Seed: 3}, q.R)
	if err != nil {
		t.Fatal(err)
	}
	for a := 0; a < 4; a++ {
		HE, y := p.observe()
		HE2, y2 := q.observe()
		if err := f.Analyze(p.E, HE, y, uint64(a)); err != nil {
			t.Fatal(err)
		}
		if err := g.Analyze(q.E, HE2, y2, uint64(a)); err != nil {
			t.Fatal(err)
		}
		if d := maxAbsDiff(p.E.Data, q.E.Data); d > 1e-11 {
			t.Fatalf("analysis %d: the smoother's filter differs from the ETKF by %g", a, d)
		}
	}
}

// TestEnKSCheckpointAndErrors checks that a restored smoother goes on
// with the same bits, that Analyze does not allocate, and the errors.
func TestEnKSCheckpointAndErrors(t *testing.T) {
	p := newEnKSProblem(t, 6, 3)
	cfg := EnKSConfig{Members: 6, Dim: 3, Obs: 3, Lag: 2, Inflation: 1.02}
	f, err := NewEnKS(cfg, p.R)
	if err != nil {
		t.Fatal(err)
	}
	for a := 0; a < 3; a++ {
		HE, y := p.observe()
		if err := f.Analyze(p.E, HE, y, uint64(a)); err != nil {
			t.Fatal(err)
		}
	}
	ck := &Checkpoint{}
	f.SaveCheckpoint(ck, "filter")
	g, _ := NewEnKS(cfg, p.R)
	if err := g.RestoreCheckpoint(ck, "filter"); err != nil {
		t.Fatal(err)
	}
	E2 := &Ensemble{Members: 6, Dim: 3, Data: append([]float64(nil), p.E.Data...)}
	HE, y := p.observe()
	HE2 := &Ensemble{Members: 6, Dim: 3, Data: append([]float64(nil), HE.Data...)}
	if err := f.Analyze(p.E, HE, y, 3); err != nil {
		t.Fatal(err)
	}
	if err := g.Analyze(E2, HE2, y, 3); err != nil {
		t.Fatal(err)
	}
	if d := maxAbsDiff(f.Smoothed().Data, g.Smoothed().Data); d != 0 {
		t.Errorf("restored smoother differs by %g", d)
	}
	if a := testing.AllocsPerRun(10, func() { _ = f.Analyze(p.E, HE, y, 4) }); a != 0 {
		t.Errorf("Analyze allocates %v times", a)
	}
	other, _ := NewEnKS(EnKSConfig{Members: 6, Dim: 3, Obs: 3, Lag: 3, Inflation: 1.02}, p.R)
	if err := other.RestoreCheckpoint(ck, "filter"); err == nil || !strings.Contains(err.Error(), "lag 2, not 3") {
		t.Errorf("restoring into another lag: %v", err)
	}
	if _, err := NewEnKS(EnKSConfig{Members: 6, Dim: 3, Obs: 3, Lag: 0, Inflation: 1}, p.R); err == nil {
		t.Error("lag 0: no error")
	}
	same := NewEnsemble(6, 3)
	if err := f.Analyze(same, HE, y, 9); err == nil || !strings.Contains(err.Error(), "collapsed") {
		t.Errorf("collapsed ensemble: %v", err)
	}
	nan := []float64{math.NaN(), math.NaN(), math.NaN()}
	if err := f.Analyze(p.E, HE, nan, 10); err != ErrNoObservations {
		t.Errorf("all missing: %v, want ErrNoObservations", err)
	}
}
