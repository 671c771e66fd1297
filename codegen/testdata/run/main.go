// Command gentest drives the code generated from the codegen test programs:
// it runs the cycles, measures allocations, checks settings and history,
// evaluates every right-hand side and observation operator at random
// states, and prints everything as one JSON object for TestCompileAndRun
// to judge. Usage: gentest DATADIR.

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"

	cycrt "github.com/cyclec/cyclec/runtime"

	"gentest/bounds"
	"gentest/l63"
	"gentest/l96"
	"gentest/obsforms"
	"gentest/stencil"
)

// sample is one evaluation: input, time, output.
type sample struct {
	X []float64 `json:"x"`
	T float64   `json:"t"`
	Y []float64 `json:"y"`
}

// cycleResult is what the driver learned about one cycle.
type cycleResult struct {
	Summary       *cycrt.Summary `json:"summary"`
	SameAtProcs   bool           `json:"same_at_procs"` // identical summary at GOMAXPROCS 1 and 2
	NextAllocs    float64        `json:"next_allocs"`
	History       map[string]int `json:"history"` // records by kind
	HistoryErr    string         `json:"history_err,omitempty"`
	CancelErr     string         `json:"cancel_err"`
	Progress      int            `json:"progress"` // calls of opts.Progress
	Err           string         `json:"err,omitempty"`
	SetOK         string         `json:"set_ok,omitempty"`
	SetUnknownErr string         `json:"set_unknown_err"`
	SetBadErr     string         `json:"set_bad_err"`
	MissingErr    string         `json:"missing_err,omitempty"`
}

// output is the JSON the driver prints.
type output struct {
	RHS      map[string][]sample     `json:"rhs"`
	Obs      map[string][]sample     `json:"obs"`
	NaiveL96 float64                 `json:"naive_l96"`
	Cycles   map[string]*cycleResult `json:"cycles"`
	Errors   []string                `json:"errors"`
}

// stepper is what every generated cycle offers beyond cycrt.Cycle.
type stepper interface {
	cycrt.Cycle
	Start() error
	Next() error
	Done() bool
}

// recorder is a History that counts records by the states they hold
// (truth, forecast or state, analysis) and checks their shape.
type recorder struct {
	dim   int
	kinds map[string]int
	err   error
}

func (r *recorder) Append(rec *cycrt.HistoryRecord) error {
	for _, p := range []struct {
		kind         string
		mean, spread []float64
	}{{"truth", rec.Truth, nil}, {"forecast", rec.ForecastMean, rec.ForecastSpread}, {"analysis", rec.AnalysisMean, rec.AnalysisSpread}} {
		if p.mean == nil {
			continue
		}
		if p.kind == "forecast" && p.spread == nil {
			p.kind = "state"
		}
		switch {
		case len(p.mean) != r.dim:
			r.err = fmt.Errorf("%s at step %d has %d means, want %d", p.kind, rec.Step, len(p.mean), r.dim)
		case p.spread != nil && len(p.spread) != r.dim:
			r.err = fmt.Errorf("%s at step %d has %d spreads", p.kind, rec.Step, len(p.spread))
		}
		r.kinds[p.kind]++
	}
	return nil
}

func (r *recorder) Close() error { return nil }

func (r *recorder) Discard() {}

// mallocs counts the heap allocations of n calls of f, after one call
// that lets the runtime settle onto GOMAXPROCS = 1 (a change of it
// empties the per-processor caches that waking a parallel cycle's workers
// draws on).
func mallocs(n int, f func()) float64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	f()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		f()
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs - before.Mallocs)
}

func samples(n, count int, seed uint64, f func(x []float64, t float64) []float64) []sample {
	rng := rand.New(rand.NewPCG(seed, 99))
	var out []sample
	for range count {
		x := make([]float64, n)
		for i := range x {
			x[i] = 3 * rng.NormFloat64()
		}
		t := 10 * rng.Float64()
		y := f(append([]float64(nil), x...), t)
		out = append(out, sample{X: x, T: t, Y: append([]float64(nil), y...)})
	}
	return out
}

// strip returns the summary as JSON without the timing fields, which
// differ from run to run (NaN scores compare equal as null).
func strip(s cycrt.Summary) string {
	s.WallSeconds, s.SecondsPerCycle = 0, 0
	b, err := json.Marshal(s)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// runCycle runs a fresh cycle at GOMAXPROCS 1 and 2 with a history, then
// measures Next's allocations and checks Set and cancellation.
func runCycle(mk func() stepper, dim int, prep func(stepper)) *cycleResult {
	res := &cycleResult{}
	var first string
	for i, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		c := mk()
		prep(c)
		rec := &recorder{dim: dim, kinds: map[string]int{}}
		progress := 0
		sum, err := c.Run(context.Background(), cycrt.RunOptions{History: rec, Progress: func(step, steps int) { progress++ }})
		if err != nil {
			res.Err = err.Error()
			return res
		}
		if i == 0 {
			first = strip(*sum)
			res.Summary = sum
			res.History = rec.kinds
			res.Progress = progress
			if rec.err != nil {
				res.HistoryErr = rec.err.Error()
			}
		} else {
			res.SameAtProcs = first == strip(*sum)
		}
	}

	c := mk()
	prep(c)
	if err := c.Set("steps", "1000000"); err != nil {
		res.Err = err.Error()
		return res
	}
	// Allocations are counted with a history attached, so that recorded
	// steps count too.
	if hc, ok := c.(cycrt.HistoryCycle); ok {
		hc.SetHistory(cycrt.NewHistoryRecorder(cycrt.NopHistory(), hc.HistoryMeta()))
	}
	if err := c.Start(); err != nil {
		res.Err = err.Error()
		return res
	}
	for range 3 {
		if err := c.Next(); err != nil {
			res.Err = err.Error()
			return res
		}
	}
	res.NextAllocs = mallocs(200, func() {
		if err := c.Next(); err != nil {
			res.Err = err.Error()
		}
	})

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := mk().Run(ctx, cycrt.RunOptions{}); errors.Is(err, context.Canceled) {
		res.CancelErr = "canceled"
	} else {
		res.CancelErr = fmt.Sprint(err)
	}
	if err := mk().Set("nosuch", "1"); err != nil {
		res.SetUnknownErr = err.Error()
	}
	if err := mk().Set("steps", "lots"); err != nil {
		res.SetBadErr = err.Error()
	}
	return res
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gentest DATADIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	out := output{RHS: map[string][]sample{}, Obs: map[string][]sample{}, Cycles: map[string]*cycleResult{}}
	fail := func(err error) { out.Errors = append(out.Errors, err.Error()) }

	out.RHS["l96.L96"] = samples(40, 4, 1, l96.RHS)
	out.RHS["l63.L63"] = samples(3, 4, 2, l63.RHS)
	out.RHS["obsforms.Damp"] = samples(12, 4, 3, obsforms.RHSDamp)
	out.RHS["obsforms.Heun"] = samples(12, 4, 4, obsforms.RHSHeun)
	for i, m := range []struct {
		name string
		n    int
	}{{"Odd", 40}, {"Tail", 40}, {"Logistic", 7}, {"Heat", 30}} {
		out.RHS["stencil."+m.name] = samples(m.n, 4, uint64(10+i), func(x []float64, t float64) []float64 {
			return stencil.RHS(m.name, x, t)
		})
	}
	if !bounds.SheetTermsFollowK() {
		fail(fmt.Errorf("bounds.Sheet: the hoisted term did not follow a change of K"))
	}
	for i, m := range []struct {
		name string
		n    int
	}{{"Plume", 12}, {"Slope", 12}, {"Sheet", 30}, {"Corner", 16}} {
		out.RHS["bounds."+m.name] = samples(m.n, 4, uint64(50+i), func(x []float64, t float64) []float64 {
			return bounds.RHS(m.name, x, t)
		})
	}
	for i, m := range []struct {
		name string
		n    int
	}{{"Near", 12}, {"Rim", 30}} {
		out.Obs["bounds."+m.name] = samples(m.n, 3, uint64(60+i), func(x []float64, _ float64) []float64 { return bounds.Apply(m.name, x) })
	}
	out.Obs["l96.Evens"] = samples(40, 2, 20, func(x []float64, _ float64) []float64 { return l96.ObsEvens(x) })
	for i, op := range []string{"Odd", "Pick", "Many", "Lin", "Sq", "Edge"} {
		out.Obs["obsforms."+op] = samples(12, 3, uint64(30+i), func(x []float64, _ float64) []float64 {
			y, err := obsforms.Apply(op, dir, x)
			if err != nil {
				fail(err)
			}
			return y
		})
	}
	out.NaiveL96 = l96.NaiveL96(200)

	// The L96 ETKF twin, with a parameter override checked through Set.
	out.Cycles["l96.Twin"] = runCycle(func() stepper { return l96.NewTwin() }, 40, func(stepper) {})
	tw := l96.NewTwin()
	if err := tw.Set("L96.F", "9.5"); err != nil {
		fail(err)
	}
	f1 := tw.F
	if err := tw.Set("F", "8.25"); err != nil {
		fail(err)
	}
	out.Cycles["l96.Twin"].SetOK = fmt.Sprint(f1, " ", tw.L96.F)

	out.Cycles["l96.Sub"] = runCycle(func() stepper { return l96.NewSub() }, 40, func(stepper) {})
	out.Cycles["l96.Traj"] = runCycle(func() stepper { return l96.NewTraj() }, 40, func(stepper) {})
	out.Cycles["l96.Spread"] = runCycle(func() stepper { return l96.NewSpread() }, 40, func(stepper) {})
	out.Cycles["l63.Twin"] = runCycle(func() stepper { return l63.NewTwin() }, 3, func(stepper) {})
	l63c := l63.NewTwin()
	if err := l63c.Set("beta", "2.5"); err != nil {
		fail(err)
	}
	out.Cycles["l63.Twin"].SetOK = fmt.Sprint(l63c.L63.Beta)
	out.Cycles["obsforms.Files"] = runCycle(func() stepper {
		c := obsforms.NewFiles()
		c.Dir = dir
		return c
	}, 12, func(stepper) {})
	out.Cycles["obsforms.FullR"] = runCycle(func() stepper {
		c := obsforms.NewFullR()
		c.Dir = dir
		return c
	}, 12, func(stepper) {})
	out.Cycles["obsforms.Inline"] = runCycle(func() stepper {
		c := obsforms.NewInline()
		c.Dir = dir
		return c
	}, 12, func(stepper) {})
	out.Cycles["stencil.Iterate"] = runCycle(func() stepper { return stencil.NewIterate() }, 7, func(stepper) {})

	// A missing data file is an error that names it.
	missing := obsforms.NewFiles()
	missing.Dir = dir + "/nowhere"
	if _, err := missing.Run(context.Background(), cycrt.RunOptions{}); err != nil {
		out.Cycles["obsforms.Files"].MissingErr = err.Error()
	}

	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
