package runtime

import (
	"math"
	"testing"
)

// TestGaspariCohnTaper checks DAPPER's convention: 1 at 0, about
// exp(-1/2) at the radius, continuous at the half-width and zero from
// 3.64 radii.
func TestGaspariCohnTaper(t *testing.T) {
	l := Localization{Taper: TaperGaspariCohn, Radius: 4}
	if c := l.Coefficient(0); c != 1 {
		t.Errorf("coefficient at 0 = %v, want 1", c)
	}
	if c := l.Coefficient(4); math.Abs(c-math.Exp(-0.5)) > 0.05 {
		t.Errorf("coefficient at the radius = %v, want about %v", c, math.Exp(-0.5))
	}
	h := 1.82 * 4
	if a, b := l.Coefficient(h*(1-1e-12)), l.Coefficient(h*(1+1e-12)); math.Abs(a-b) > 1e-9 {
		t.Errorf("taper jumps at the half-width: %v, %v", a, b)
	}
	if c := l.Coefficient(l.Support()); math.Abs(c) > 1e-12 {
		t.Errorf("coefficient at the support = %v, want 0", c)
	}
	if c := l.Coefficient(15); c != 0 {
		t.Errorf("coefficient beyond the support = %v, want 0", c)
	}
	prev := 2.0
	for d := 0.0; d < l.Support(); d += 0.01 {
		c := l.Coefficient(d)
		if c > prev || c < 0 {
			t.Fatalf("taper not decreasing and non-negative at %v: %v after %v", d, c, prev)
		}
		prev = c
	}
	if r := CutoffRadius(l.Support()); math.Abs(r-4) > 1e-12 {
		t.Errorf("CutoffRadius(support) = %v, want 4", r)
	}
	s := Localization{Taper: TaperStep, Radius: 2}
	if s.Coefficient(2) != 1 || s.Coefficient(2.01) != 0 {
		t.Errorf("step taper: %v at 2, %v at 2.01", s.Coefficient(2), s.Coefficient(2.01))
	}
}

// TestGeometryNear checks that Near visits exactly the elements within
// the distance, in increasing order, against a scan of every pair.
func TestGeometryNear(t *testing.T) {
	geoms := []Geometry{
		VecGeometry{N: 40, Periodic: true}, VecGeometry{N: 40}, VecGeometry{N: 5, Periodic: true},
		GridGeometry{Rows: 7, Cols: 9, PeriodicRows: true, PeriodicCols: true},
		GridGeometry{Rows: 7, Cols: 9, PeriodicCols: true}, GridGeometry{Rows: 6, Cols: 5},
	}
	for _, g := range geoms {
		for _, maxDist := range []float64{0, 1, 2.5, 3.64 * 2, 100} {
			for i := 0; i < g.Size(); i++ {
				var got []int
				g.Near(i, maxDist, func(j int, d float64) {
					if d != g.Distance(i, j) {
						t.Fatalf("%+v: Near(%d) gives distance %v to %d, Distance says %v", g, i, d, j, g.Distance(i, j))
					}
					got = append(got, j)
				})
				var want []int
				for j := 0; j < g.Size(); j++ {
					if g.Distance(i, j) <= maxDist {
						want = append(want, j)
					}
				}
				if len(got) != len(want) {
					t.Fatalf("%+v: Near(%d, %v) visits %v, want %v", g, i, maxDist, got, want)
				}
				for k := range got {
					if got[k] != want[k] {
						t.Fatalf("%+v: Near(%d, %v) visits %v, want %v", g, i, maxDist, got, want)
					}
				}
			}
		}
	}
	if d := (VecGeometry{N: 40, Periodic: true}).Distance(1, 39); d != 2 {
		t.Errorf("periodic distance 1..39 = %v, want 2", d)
	}
	if d := (GridGeometry{Rows: 10, Cols: 10, PeriodicRows: true}).Distance(0, 9*10+3); d != math.Sqrt(1+9) {
		t.Errorf("grid distance = %v, want sqrt(10)", d)
	}
}

// TestLocalPairs checks both orders of the pairs against the taper.
func TestLocalPairs(t *testing.T) {
	g := VecGeometry{N: 40, Periodic: true}
	loc := Localization{Taper: TaperGaspariCohn, Radius: 4}
	obsAt := []int{0, 2, 4, 10, 39}
	lp, err := NewLocalPairs(g, loc, obsAt)
	if err != nil {
		t.Fatal(err)
	}
	pairs := 0
	for i := 0; i < 40; i++ {
		var want []int
		for j, e := range obsAt {
			if loc.Coefficient(g.Distance(i, e)) > MinTaperCoefficient {
				want = append(want, j)
			}
		}
		got := lp.ObsOf[lp.StateStart[i]:lp.StateStart[i+1]]
		if len(got) != len(want) {
			t.Fatalf("element %d sees %v, want %v", i, got, want)
		}
		for k, j := range want {
			if int(got[k]) != j || lp.StateCoef[lp.StateStart[i]+k] != loc.Coefficient(g.Distance(i, obsAt[j])) {
				t.Fatalf("element %d: pair %d is (%d, %v), want obs %d", i, k, got[k], lp.StateCoef[lp.StateStart[i]+k], j)
			}
		}
		pairs += len(want)
	}
	if len(lp.StateOf) != pairs || lp.ObsStart[len(obsAt)] != pairs {
		t.Fatalf("%d pairs by observation, want %d", len(lp.StateOf), pairs)
	}
	for j := range obsAt {
		for q := lp.ObsStart[j]; q < lp.ObsStart[j+1]; q++ {
			if q > lp.ObsStart[j] && lp.StateOf[q] <= lp.StateOf[q-1] {
				t.Fatalf("obs %d: elements not increasing", j)
			}
		}
	}
	if m := lp.MaxPerState(); m != 5 {
		t.Errorf("MaxPerState = %d, want 5", m)
	}
	if _, err := NewLocalPairs(g, loc, []int{40}); err == nil {
		t.Error("an observation outside the state: no error")
	}
	if _, err := NewLocalPairs(g, Localization{Radius: -1}, obsAt); err == nil {
		t.Error("a negative radius: no error")
	}
}
