package runtime

import (
	"context"
	"errors"
	"testing"
)

// countdown is a Stepper of n cycles of two steps each.
type countdown struct {
	n, done, starts int
	failAt          int // Next fails at this cycle (1-based), 0 = never
	cancel          func()
	cancelAt        int
}

func (c *countdown) Start() error { c.starts++; c.done = 0; return nil }
func (c *countdown) Next() error {
	c.done++
	if c.done == c.failAt {
		return errors.New("boom")
	}
	if c.done == c.cancelAt && c.cancel != nil {
		c.cancel()
	}
	return nil
}
func (c *countdown) Done() bool                 { return c.done >= c.n }
func (c *countdown) Summary() (*Summary, error) { return &Summary{Analyses: c.done}, nil }
func (c *countdown) Progress() (int, int, int)  { return 2 * c.done, 2 * c.n, c.done }

func TestRunCycle(t *testing.T) {
	c := &countdown{n: 10}
	var calls, last int
	sum, err := RunCycle(context.Background(), c, RunOptions{Progress: func(step, steps int) {
		calls++
		last = step
		if steps != 20 {
			t.Errorf("steps = %d, want 20", steps)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if c.starts != 1 || sum.Analyses != 10 || calls != 10 || last != 20 {
		t.Errorf("starts %d, analyses %d, progress calls %d, last step %d; want 1, 10, 10, 20", c.starts, sum.Analyses, calls, last)
	}
	if !(sum.WallSeconds >= 0) || !(sum.SecondsPerCycle >= 0) || sum.SecondsPerCycle > sum.WallSeconds {
		t.Errorf("timing %v s, %v s per cycle", sum.WallSeconds, sum.SecondsPerCycle)
	}
}

func TestRunCycleStops(t *testing.T) {
	if _, err := RunCycle(context.Background(), &countdown{n: 10, failAt: 3}, RunOptions{}); err == nil || err.Error() != "boom" {
		t.Errorf("a failing Next gave %v, want boom", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &countdown{n: 1000, cancel: cancel, cancelAt: 5}
	if _, err := RunCycle(ctx, c, RunOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled run gave %v, want context.Canceled", err)
	}
	if c.done > cancelEvery+1 {
		t.Errorf("the cancelled run went on for %d cycles", c.done)
	}
}
