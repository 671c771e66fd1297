package windowed

import (
	"math"
	"strings"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// TestSameModel runs the forecasts with the reference's own parameters:
// every forecast is the reference to the bit, at every lead.
func TestSameModel(t *testing.T) {
	sum, err := NewRolling().Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.HasWindows || sum.Windows != 198 || sum.Window != 25 || sum.Stride != 10 || len(sum.RMSEByLead) != 25 || sum.Steps != 2000 {
		t.Fatalf("%d windows of %d every %d (%d leads, %d steps), want 198 of 25 every 10 over 2000 steps",
			sum.Windows, sum.Window, sum.Stride, len(sum.RMSEByLead), sum.Steps)
	}
	for l, e := range sum.RMSEByLead {
		if e != 0 {
			t.Errorf("RMSE at lead %d = %v, want 0", l+1, e)
		}
	}
}

// TestImperfectModel scores forecasts with rho = 28.5 against the
// reference with rho = 28, and recomputes the scores by brute force: the
// whole reference trajectory, then each window's forecast from it. The
// sums are taken in the same order (windows in start order at each lead),
// so they agree to the bit. The error grows with the lead.
func TestImperfectModel(t *testing.T) {
	c := NewRolling()
	if err := c.Set("rho", "28.5"); err != nil {
		t.Fatal(err)
	}
	sum, err := c.Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}

	ref := NewRolling()
	if err := ref.Start(); err != nil {
		t.Fatal(err)
	}
	traj := []Lorenz63State{ref.X}
	m := NewLorenz63L63()
	for s := range 2000 {
		x := traj[s]
		m.Step(&x, float64(s)*Lorenz63L63DT)
		traj = append(traj, x)
	}
	f := NewLorenz63L63()
	f.Rho = 28.5
	want := cycrt.NewLeadScores(25)
	for start := 0; start+25 <= 2000; start += 10 {
		x := traj[start]
		for l := 1; l <= 25; l++ {
			f.Step(&x, float64(start+l-1)*Lorenz63L63DT)
			want.Add(l, x[:], traj[start+l][:])
		}
	}
	var w cycrt.Summary
	want.Fill(&w, 10)
	for l := range w.RMSEByLead {
		if math.Float64bits(sum.RMSEByLead[l]) != math.Float64bits(w.RMSEByLead[l]) {
			t.Errorf("RMSE at lead %d = %v, brute force %v", l+1, sum.RMSEByLead[l], w.RMSEByLead[l])
		}
	}
	t.Logf("rho = 28.5 against 28: RMSE %.4g at lead 1, %.4g at lead 25, mean %.4g", sum.RMSEByLead[0], sum.RMSEByLead[24], sum.RMSELeadMean)
	if !(sum.RMSEByLead[0] > 0 && sum.RMSEByLead[24] > 10*sum.RMSEByLead[0]) {
		t.Errorf("RMSE %v at lead 1 and %v at lead 25: want positive and growing", sum.RMSEByLead[0], sum.RMSEByLead[24])
	}
}

// TestResume checkpoints a run in the middle of overlapping windows and
// continues another from the checkpoint: the scores are the same bits.
func TestResume(t *testing.T) {
	run := func(c *Rolling, to int) {
		t.Helper()
		for c.step < to && !c.Done() {
			if err := c.Next(); err != nil {
				t.Fatal(err)
			}
		}
	}
	whole := NewRolling()
	whole.Rho = 27
	if err := whole.Start(); err != nil {
		t.Fatal(err)
	}
	run(whole, 777)
	ck := &cycrt.Checkpoint{}
	whole.SaveState(ck)
	run(whole, 2000)

	resumed := NewRolling()
	resumed.Rho = 27
	if err := resumed.RestoreState(ck); err == nil {
		t.Error("RestoreState before Start gave no error")
	}
	if err := resumed.Start(); err != nil {
		t.Fatal(err)
	}
	if err := resumed.RestoreState(ck); err != nil {
		t.Fatal(err)
	}
	run(resumed, 2000)
	a, _ := whole.Summary()
	b, _ := resumed.Summary()
	for l := range a.RMSEByLead {
		if math.Float64bits(a.RMSEByLead[l]) != math.Float64bits(b.RMSEByLead[l]) || a.RMSEByLead[l] == 0 {
			t.Errorf("lead %d: %v uninterrupted, %v resumed", l+1, a.RMSEByLead[l], b.RMSEByLead[l])
		}
	}
}

// TestOneWindowAtATime has window = stride: the windows follow each other
// and only whole ones count.
func TestOneWindowAtATime(t *testing.T) {
	c := NewDaily()
	if err := c.Set("steps", "87"); err != nil {
		t.Fatal(err)
	}
	sum, err := c.Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Windows != 10 || sum.Steps != 87 || c.Forecasts.Members != 1 {
		t.Errorf("%d windows over %d steps with %d in flight, want 10 over 87 with 1", sum.Windows, sum.Steps, c.Forecasts.Members)
	}
	if err := c.Set("steps", "7"); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err == nil || !strings.Contains(err.Error(), "steps = 7 leaves no window of 8 steps") {
		t.Errorf("a run shorter than the window gave %v", err)
	}
}

// TestNextAllocatesNothing times one step with testing.AllocsPerRun.
func TestNextAllocatesNothing(t *testing.T) {
	c := NewRolling()
	c.Rho = 28.1
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(200, func() {
		if err := c.Next(); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Next allocates %v times, want 0", n)
	}
}
