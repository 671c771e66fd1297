package examples_test

import (
	"context"
	"math"
	goruntime "runtime"
	"testing"

	"github.com/cyclec/cyclec/examples/big/ring"
	"github.com/cyclec/cyclec/examples/internal/scoretest"
	"github.com/cyclec/cyclec/examples/linear/enkf"
	"github.com/cyclec/cyclec/examples/lorenz63/etkf"
	"github.com/cyclec/cyclec/examples/lorenz63/pf800"
	l96denkf "github.com/cyclec/cyclec/examples/lorenz96/denkf"
	l96eakf "github.com/cyclec/cyclec/examples/lorenz96/eakf7"
	l96enkf "github.com/cyclec/cyclec/examples/lorenz96/enkf"
	l96clim "github.com/cyclec/cyclec/examples/lorenz96/enkf28clim"
	l96enks "github.com/cyclec/cyclec/examples/lorenz96/enks"
	l96ensrf "github.com/cyclec/cyclec/examples/lorenz96/ensrf"
	l96etkf "github.com/cyclec/cyclec/examples/lorenz96/etkf"
	l96adapt "github.com/cyclec/cyclec/examples/lorenz96/etkf20adaptive"
	l96letkfa "github.com/cyclec/cyclec/examples/lorenz96/letkf10adaptive"
	l96letkf7 "github.com/cyclec/cyclec/examples/lorenz96/letkf7"
	cycrt "github.com/cyclec/cyclec/runtime"
)

// coreKinds are short runs of one example per analysis kind, each set up
// so that its member forecasts (and, for the LETKF, its local analyses)
// are shared out over the cores.
var coreKinds = []struct {
	name  string
	steps string
	new   func() cycrt.Cycle
}{
	{"lorenz96/letkf7", "300", func() cycrt.Cycle { return l96letkf7.NewTwin() }},
	{"lorenz96/letkf10adaptive", "300", func() cycrt.Cycle { return l96letkfa.NewTwin() }},
	{"big/ring", "7", func() cycrt.Cycle { return ring.NewTwin() }},
	{"lorenz96/etkf", "300", func() cycrt.Cycle { return l96etkf.NewTwin() }},
	{"lorenz96/enkf", "300", func() cycrt.Cycle { return l96enkf.NewTwin() }},
	{"lorenz96/denkf", "300", func() cycrt.Cycle { return l96denkf.NewTwin() }},
	{"lorenz96/ensrf", "300", func() cycrt.Cycle { return l96ensrf.NewTwin() }},
	{"lorenz96/eakf7", "300", func() cycrt.Cycle { return l96eakf.NewTwin() }},
	{"lorenz96/enks", "300", func() cycrt.Cycle { return l96enks.NewTwin() }},
	{"lorenz96/etkf20adaptive", "300", func() cycrt.Cycle { return l96adapt.NewTwin() }},
	{"lorenz96/enkf28clim", "300", func() cycrt.Cycle { return l96clim.NewTwin() }},
	{"lorenz63/pf800", "2500", func() cycrt.Cycle { return pf800.NewTwin() }},
	{"lorenz63/etkf", "2500", func() cycrt.Cycle { return etkf.NewTwin() }},
	{"linear/enkf", "40", func() cycrt.Cycle { return enkf.NewTwin() }},
}

// TestSameBitsOnEveryCore runs each kind with GOMAXPROCS at 1, 2 and 7
// and checks that every score has the same bits: the work is shared out
// over partitions fixed by the problem, never by the number of cores.
func TestSameBitsOnEveryCore(t *testing.T) {
	defer goruntime.GOMAXPROCS(goruntime.GOMAXPROCS(0))
	for _, k := range coreKinds {
		t.Run(k.name, func(t *testing.T) {
			var want []uint64
			for _, procs := range []int{1, 2, 7} {
				goruntime.GOMAXPROCS(procs)
				c := k.new()
				for _, kv := range [][2]string{{"steps", k.steps}, {"spinup", "5"}, {"seed", "3"}} {
					if err := c.Set(kv[0], kv[1]); err != nil {
						t.Fatal(err)
					}
				}
				sum, err := c.Run(context.Background(), cycrt.RunOptions{})
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

// TestNoAllocationsPerCycle checks that a whole assimilation cycle of
// every kind — forecast (in parallel where the cycle shares it out),
// observation, analysis, statistics — allocates nothing once started.
func TestNoAllocationsPerCycle(t *testing.T) {
	for _, k := range coreKinds {
		t.Run(k.name, func(t *testing.T) {
			c, ok := k.new().(scoretest.Stepper)
			if !ok {
				t.Fatalf("%s: the cycle cannot be stepped by hand", k.name)
			}
			if err := c.Set("steps", "100000"); err != nil {
				t.Fatal(err)
			}
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			next := func() {
				if err := c.Next(); err != nil {
					t.Fatal(err)
				}
			}
			next()
			runs := 20
			if k.name == "big/ring" {
				runs = 2 // 0.6 s a cycle
			}
			if a := testing.AllocsPerRun(runs, next); a != 0 {
				t.Errorf("%s: one cycle allocates %v times", k.name, a)
			}
		})
	}
}
