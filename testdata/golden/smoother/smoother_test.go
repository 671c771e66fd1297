package smoother

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// finish runs a started cycle to its end.
func finish(t *testing.T, c cycrt.Stepper) {
	t.Helper()
	for !c.Done() {
		if err := c.Next(); err != nil {
			t.Fatal(err)
		}
	}
}

// summary is c's summary, or the test fails.
func summary(t *testing.T, c interface {
	Summary() (*cycrt.Summary, error)
}) *cycrt.Summary {
	t.Helper()
	sum, err := c.Summary()
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// sameBits reports whether a and b hold the same float64 bits.
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// TestLag1IsTheDACycle: a smoother whose window, stride and observation
// interval agree sees the da cycle's observations (the noise of the i-th
// observation time keyed by i−1, as the da cycle keys its analyses) and
// makes its analyses, to the bit.
func TestLag1IsTheDACycle(t *testing.T) {
	s, d := NewLag1(), NewFilter()
	for _, c := range []cycrt.Stepper{s, d} {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		finish(t, c)
	}
	ss, ds := summary(t, s), summary(t, d)
	if ss.Analyses != ds.Analyses || ss.RMSEAnalysis != ds.RMSEAnalysis || ss.RMSEForecast != ds.RMSEForecast {
		t.Errorf("smoother: %d analyses, rmse %v / %v; da: %d, %v / %v", ss.Analyses, ss.RMSEAnalysis, ss.RMSEForecast, ds.Analyses, ds.RMSEAnalysis, ds.RMSEForecast)
	}
	if !sameBits(s.E.Data, d.E.Data) || !sameBits(s.Truth[:], d.Truth[:]) {
		t.Errorf("the final states or truths differ")
	}
	if !ss.HasSmoothed || ss.Smoothed != ss.Analyses || !(ss.RMSESmoothed < ss.RMSEAnalysis) {
		t.Errorf("smoothed rmse %v over %d windows, want below the analysis rmse %v over %d", ss.RMSESmoothed, ss.Smoothed, ss.RMSEAnalysis, ss.Analyses)
	}
}

// TestSlideScores: with two observations after the window start for
// every one before the window end, the analysis at the start scores
// better than at the end, and both better than the background's forecast.
func TestSlideScores(t *testing.T) {
	c := NewSlide()
	sum, err := c.Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	windows := (400-8)/4 + 1
	if sum.Analyses != windows-10 || sum.Smoothed != windows-10 || sum.Steps != 4*(windows-1)+8 {
		t.Errorf("%d analyses and %d smoothed over %d steps, want %d over %d", sum.Analyses, sum.Smoothed, sum.Steps, windows-10, 4*(windows-1)+8)
	}
	if !(sum.RMSESmoothed < sum.RMSEAnalysis && sum.RMSEAnalysis < sum.RMSEForecast && sum.RMSEForecast < 1) {
		t.Errorf("rmse smoothed %v, analysis %v, forecast %v: want increasing and below 1", sum.RMSESmoothed, sum.RMSEAnalysis, sum.RMSEForecast)
	}
	if !math.IsNaN(sum.SpreadSmoothed) || !math.IsNaN(sum.SpreadAnalysis) {
		t.Errorf("spreads %v, %v: 4D-Var reports none", sum.SpreadSmoothed, sum.SpreadAnalysis)
	}
}

// TestSlideCheckpoint: a run saved after 30 windows and restored into a
// fresh cycle ends with the bits of the run that was never stopped.
func TestSlideCheckpoint(t *testing.T) {
	whole := NewSlide()
	if err := whole.Start(); err != nil {
		t.Fatal(err)
	}
	finish(t, whole)

	first := NewSlide()
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	for range 30 {
		if err := first.Next(); err != nil {
			t.Fatal(err)
		}
	}
	var ck cycrt.Checkpoint
	first.SaveState(&ck)
	second := NewSlide()
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	if err := second.RestoreState(&ck); err != nil {
		t.Fatal(err)
	}
	finish(t, second)
	a, b := summary(t, whole), summary(t, second)
	if a.RMSEAnalysis != b.RMSEAnalysis || a.RMSESmoothed != b.RMSESmoothed || a.RMSEForecast != b.RMSEForecast || a.Analyses != b.Analyses {
		t.Errorf("resumed rmse %v / %v / %v over %d, want %v / %v / %v over %d",
			b.RMSEAnalysis, b.RMSESmoothed, b.RMSEForecast, b.Analyses, a.RMSEAnalysis, a.RMSESmoothed, a.RMSEForecast, a.Analyses)
	}
	if !sameBits(whole.E.Data, second.E.Data) {
		t.Errorf("resumed final state differs")
	}
}

// TestSlideAllocs: Next allocates nothing.
func TestSlideAllocs(t *testing.T) {
	c := NewSlide()
	c.Steps = 1 << 30
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if err := c.Next(); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(20, func() {
		if err := c.Next(); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Next allocates %v times, want 0", n)
	}
}

// TestSlideSettings: an observation interval that does not divide the
// window and the stride, a run shorter than a window and a spin-up of
// every window are refused by Start.
func TestSlideSettings(t *testing.T) {
	for _, tt := range []struct{ name, value, want string }{
		{"obs_every", "3", "obs_every = 3 does not divide window = 8 and stride = 4"},
		{"obs_every", "8", "obs_every = 8 does not divide"},
		{"steps", "7", "steps = 7 leaves no window of 8 steps"},
		{"spinup", "99", "spinup = 99 leaves none of the 99 windows"},
	} {
		c := NewSlide()
		if err := c.Set(tt.name, tt.value); err != nil {
			t.Fatal(err)
		}
		if err := c.Start(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s = %s: Start returned %v, want %q", tt.name, tt.value, err, tt.want)
		}
	}
	c := NewSlide()
	if err := c.Set("obs_every", "4"); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Errorf("obs_every = 4: %v", err)
	}
}

// TestWarm: the sequence hands the free run's state to the smoother as
// its truth and first background, as StartFrom does by hand.
func TestWarm(t *testing.T) {
	w := NewWarm()
	if _, err := w.Run(t.Context(), cycrt.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	spin := NewSpin()
	if err := spin.Start(); err != nil {
		t.Fatal(err)
	}
	finish(t, spin)
	var h cycrt.Handover
	spin.Handover(&h)
	slide := NewSlide()
	if err := slide.StartFrom(&h); err != nil {
		t.Fatal(err)
	}
	if !sameBits(slide.E.Member(0), spin.X[:]) || !sameBits(slide.Truth[:], spin.X[:]) {
		t.Fatalf("StartFrom did not take the free run's state as the state and the truth")
	}
	finish(t, slide)
	if !sameBits(slide.E.Data, w.Slide.E.Data) || !sameBits(slide.Truth[:], w.Slide.Truth[:]) {
		t.Errorf("the sequence's smoother ends elsewhere than the chain by hand")
	}
}

// TestSlideHistory: a text history has, for every recorded window, the
// analysis at its end and the smoothed state at its start, 8 steps before.
func TestSlideHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.txt")
	c := NewSlide()
	c.Steps = 48
	c.Spinup = 0
	if _, err := c.Run(t.Context(), cycrt.RunOptions{HistoryPath: path}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Windows end at 8, 12, …, 48: recorded at the first end at or after
	// every 20th step, 20 and 40, whose starts are 12 and 32.
	var analyses, smoothed []string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) < 3:
		case f[2] == "analysis":
			analyses = append(analyses, f[0])
		case f[2] == "smoothed":
			smoothed = append(smoothed, f[0])
		}
	}
	if strings.Join(analyses, " ") != "0 20 40" || strings.Join(smoothed, " ") != "12 32" {
		t.Errorf("analyses recorded at steps %v and smoothed states at %v, want [0 20 40] and [12 32]", analyses, smoothed)
	}
}
