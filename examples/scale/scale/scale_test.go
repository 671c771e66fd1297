// The scaling benchmark: one assimilation cycle of the L96 ETKF and EnKF
// as the ensemble (N) and the state (n) grow. `make bench-scale` runs it
// and prints the table; to compare two commits, run
//
//	go test -run '^$' -bench Scale -benchmem -count 6 ./examples/scale/scale/ > old.txt
//
// on each and give both files to benchstat.
package scale

import (
	"context"
	"fmt"
	"math"
	goruntime "runtime"
	"testing"
	"time"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

// all runs the points marked slow too.

// point is one cycle of the benchmark: its method, members and sites.
type point struct {
	kind string // etkf or enkf
	N, n int
	new  func() cycrt.Cycle
}

// points are every cycle of scale.cyc, N = 10 … 160 at n = 40, then
// n = 200 … 5000 at N = 40.
var points = []point{
	{"etkf", 10, 40, func() cycrt.Cycle { return NewETKF10x40() }},
	{"etkf", 20, 40, func() cycrt.Cycle { return NewETKF20x40() }},
	{"etkf", 40, 40, func() cycrt.Cycle { return NewETKF40x40() }},
	{"etkf", 80, 40, func() cycrt.Cycle { return NewETKF80x40() }},
	{"etkf", 160, 40, func() cycrt.Cycle { return NewETKF160x40() }},
	{"etkf", 40, 200, func() cycrt.Cycle { return NewETKF40x200() }},
	{"etkf", 40, 1000, func() cycrt.Cycle { return NewETKF40x1000() }},
	{"etkf", 40, 5000, func() cycrt.Cycle { return NewETKF40x5000() }},
	{"enkf", 10, 40, func() cycrt.Cycle { return NewENKF10x40() }},
	{"enkf", 20, 40, func() cycrt.Cycle { return NewENKF20x40() }},
	{"enkf", 40, 40, func() cycrt.Cycle { return NewENKF40x40() }},
	{"enkf", 80, 40, func() cycrt.Cycle { return NewENKF80x40() }},
	{"enkf", 160, 40, func() cycrt.Cycle { return NewENKF160x40() }},
	{"enkf", 40, 200, func() cycrt.Cycle { return NewENKF40x200() }},
	{"enkf", 40, 1000, func() cycrt.Cycle { return NewENKF40x1000() }},
	{"enkf", 40, 5000, func() cycrt.Cycle { return NewENKF40x5000() }},
}

// warmup is how many cycles run before the timing: 500 on the 40-site
// ring, as the examples' own BenchmarkCycle, fewer on the larger rings,
// whose random start reaches the attractor within a few time units too.
// warmupTime cuts it short where cycles are slow (the EnKF at n = 1000),
// whose cost does not depend on where the state is.
func warmup(n int) int {
	switch {
	case n <= 40:
		return 500
	case n <= 200:
		return 200
	default:
		return 100
	}
}

// warmupTime is the most time the warmup of one point may take.
const warmupTime = time.Second

// BenchmarkScale times one assimilation cycle — the forecast of N members
// and the truth over one model step, the observation, the analysis and
// the statistics — at every point, as BenchmarkScale/etkf/N=40/n=1000.
func BenchmarkScale(b *testing.B) {
	for _, p := range points {
		b.Run(fmt.Sprintf("%s/N=%d/n=%d", p.kind, p.N, p.n), func(b *testing.B) {
			c, ok := p.new().(scoretest.Stepper)
			if !ok {
				b.Fatal("the cycle cannot be stepped by hand")
			}
			benchmarkCycle(b, c, warmup(p.n))
		})
	}
}

// benchmarkCycle is scoretest.BenchmarkCycle with its warmup cut short
// after warmupTime: the timing of one call of Next after the run has
// settled.
func benchmarkCycle(b *testing.B, c scoretest.Stepper, warmup int) {
	b.Helper()
	if err := c.Set("steps", "1000000000"); err != nil {
		b.Fatal(err)
	}
	if err := c.Start(); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for i := 0; i < warmup && time.Since(start) < warmupTime; i++ {
		if err := c.Next(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Next(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestScaleCyclesRun runs every cycle of the benchmark as written (6
// cycles, 4 scored) and checks that it reports finite, positive scores
// for the right ensemble: the benchmark times cycles that work.
func TestScaleCyclesRun(t *testing.T) {
	for _, p := range points {
		t.Run(fmt.Sprintf("%s/N=%d/n=%d", p.kind, p.N, p.n), func(t *testing.T) {
			sum, err := p.new().Run(context.Background(), cycrt.RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Members != p.N || sum.Analyses != 4 {
				t.Errorf("%d members, %d scored analyses; want %d and 4", sum.Members, sum.Analyses, p.N)
			}
			for _, s := range []float64{sum.RMSEAnalysis, sum.RMSEForecast, sum.SpreadAnalysis, sum.SpreadForecast} {
				if !(s > 0 && !math.IsInf(s, 0)) {
					t.Errorf("scores %+v: want finite and positive", sum)
					break
				}
			}
		})
	}
}

// TestScaleSameBitsOnEveryCore runs the points where the work is shared
// out or tiled — the member forecasts on a team from n = 1000, the
// level-3 products at N = 160 — at GOMAXPROCS 1, 2 and 7 and checks that
// every score has the same bits.
func TestScaleSameBitsOnEveryCore(t *testing.T) {
	defer goruntime.GOMAXPROCS(goruntime.GOMAXPROCS(0))
	for _, p := range points {
		if p.n < 1000 && p.N < 160 {
			continue
		}
		t.Run(fmt.Sprintf("%s/N=%d/n=%d", p.kind, p.N, p.n), func(t *testing.T) {
			var want []uint64
			for _, procs := range []int{1, 2, 7} {
				goruntime.GOMAXPROCS(procs)
				sum, err := p.new().Run(context.Background(), cycrt.RunOptions{})
				if err != nil {
					t.Fatalf("GOMAXPROCS=%d: %v", procs, err)
				}
				got := []uint64{math.Float64bits(sum.RMSEAnalysis), math.Float64bits(sum.RMSEForecast),
					math.Float64bits(sum.SpreadAnalysis), math.Float64bits(sum.SpreadForecast)}
				if want == nil {
					want = got
					continue
				}
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("GOMAXPROCS=%d: score %d is %v, at GOMAXPROCS=1 %v", procs, i,
							math.Float64frombits(got[i]), math.Float64frombits(want[i]))
					}
				}
			}
		})
	}
}
