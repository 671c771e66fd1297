// Tests of the run progress bar's pure parts: formatting, the decision
// to show it, throttling, erasing, and the line protocol.
package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func newFakeClock() *fakeClock               { return &fakeClock{t: time.Unix(1000, 0)} }
func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// bar is a bar 80 columns wide on w, timed by c.
func (c *fakeClock) bar(w *bytes.Buffer) *progressBar { return newProgressBar(w, 80, c.now) }

// drawsIn counts the bars drawn in out.
func drawsIn(out string) int { return strings.Count(out, "\r[") }

// lastLine is what follows the last carriage return of out.
func lastLine(out string) string { return out[strings.LastIndex(out, "\r")+1:] }

func TestFormatProgress(t *testing.T) {
	cases := []struct {
		step, steps, width int
		elapsed            time.Duration
		want               []string // substrings
	}{
		{4500, 10000, 80, 2 * time.Second, []string{"[", "]", " 45%", "step 4500/10000", "2.0s", "~2.4s left"}},
		{0, 100, 80, time.Second, []string{"[>", "  0%", "step 0/100"}},
		{100, 100, 80, time.Second, []string{"[==", "==]  100%"}},
		{50, 100, 40, 90 * time.Second, []string{" 50%"}},
		{1, 3, 200, 2 * time.Minute, []string{"2m00s", "~4m00s left"}},
		{50, 100, 14, time.Second, []string{" 50%"}},
	}
	for _, tc := range cases {
		got := formatProgress(tc.step, tc.steps, tc.elapsed, tc.width)
		if n := len([]rune(got)); n > tc.width-1 {
			t.Errorf("formatProgress(%d, %d, width %d) = %q: %d columns, want at most %d", tc.step, tc.steps, tc.width, got, n, tc.width-1)
		}
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("formatProgress(%d, %d, %v, %d) = %q, lacks %q", tc.step, tc.steps, tc.elapsed, tc.width, got, w)
			}
		}
	}
	if got := formatProgress(1, 2, time.Second, 3); got != "" {
		t.Errorf("a 3-column terminal gets %q, want nothing", got)
	}
}

func TestShowProgress(t *testing.T) {
	cases := []struct {
		name        string
		elapsed     time.Duration
		step, steps int
		shown, want bool
	}{
		{"too soon", 900 * time.Millisecond, 10, 100, false, false},
		{"long enough", 1100 * time.Millisecond, 10, 100, false, true},
		{"done", 5 * time.Second, 100, 100, true, false},
		{"nothing done yet", 2 * time.Second, 0, 100, false, false},
		{"almost done, never shown", 2 * time.Second, 95, 100, false, false}, // ~0.1s left: a flicker
		{"almost done, shown", 2 * time.Second, 95, 100, true, true},
		{"no steps", 2 * time.Second, 0, 0, false, false},
		{"bad counts", 2 * time.Second, -1, 10, false, false},
	}
	for _, tc := range cases {
		if got := showProgress(tc.elapsed, tc.step, tc.steps, tc.shown); got != tc.want {
			t.Errorf("%s: showProgress(%v, %d, %d, %v) = %v, want %v", tc.name, tc.elapsed, tc.step, tc.steps, tc.shown, got, tc.want)
		}
	}
}

// Updates every millisecond for three seconds draw nothing in the first
// second and at most ten times a second after.
func TestProgressBarThrottles(t *testing.T) {
	clock := newFakeClock()
	var out bytes.Buffer
	b := clock.bar(&out)
	const steps = 3000
	for step := 1; step < steps; step++ {
		clock.advance(time.Millisecond)
		b.update(step, steps)
		if step == 999 && out.Len() > 0 {
			t.Fatalf("drew %q within the first second", out.String())
		}
	}
	if n := drawsIn(out.String()); n < 15 || n > 21 {
		t.Errorf("%d draws in two seconds, want about 20 (at most 10 a second)", n)
	}
	if !strings.Contains(lastLine(out.String()), "step 2900/3000") {
		t.Errorf("last drawing %q, want step 2900", lastLine(out.String()))
	}
}

// Output passing through erases the bar first; finish erases it for good.
func TestProgressBarErases(t *testing.T) {
	clock := newFakeClock()
	var out bytes.Buffer
	b := clock.bar(&out)
	clock.advance(2 * time.Second)
	b.update(10, 100)
	bar := out.String()
	if drawsIn(bar) != 1 {
		t.Fatalf("no bar drawn: %q", bar)
	}
	width := len(bar) - 1
	pass := b.passThrough(&out)
	pass.Write([]byte("warning: something\n"))
	erase := "\r" + strings.Repeat(" ", width) + "\r"
	if got := out.String()[len(bar):]; got != erase+"warning: something\n" {
		t.Errorf("after the bar: %q, want the erasing %q then the output", got, erase)
	}
	// Output with no bar on the line passes untouched.
	out.Reset()
	pass.Write([]byte("more\n"))
	if out.String() != "more\n" {
		t.Errorf("output without a bar became %q", out.String())
	}
	// The bar comes back after a pause, then finish erases it.
	clock.advance(50 * time.Millisecond)
	b.update(20, 100)
	if out.String() != "more\n" {
		t.Errorf("redrew %q at once after output", out.String())
	}
	clock.advance(100 * time.Millisecond)
	b.update(30, 100)
	b.finish()
	if !strings.HasSuffix(out.String(), erase) || drawsIn(out.String()) != 1 {
		t.Errorf("redraw and finish gave %q", out.String())
	}
	out.Reset()
	clock.advance(time.Second)
	b.update(40, 100)
	if out.Len() != 0 {
		t.Errorf("finished bar drew %q", out.String())
	}
}

// The run binary's lines feed the bar; anything else is ignored.
func TestReadProgress(t *testing.T) {
	clock := newFakeClock()
	var out bytes.Buffer
	b := clock.bar(&out)
	clock.advance(2 * time.Second)
	readProgress(strings.NewReader("junk\n5 x\n\n12 40\n"), b)
	if drawsIn(out.String()) != 1 || !strings.Contains(out.String(), "step 12/40") {
		t.Errorf("readProgress drew %q, want one bar at step 12/40", out.String())
	}
}

// Only a terminal gets a bar: not a buffer, not a file, not with --json.
func TestWantProgressOffTerminals(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for name, stderr := range map[string]io.Writer{"buffer": &bytes.Buffer{}, "file": f, "pipe": w} {
		for _, asJSON := range []bool{false, true} {
			if wantProgress(stderr, asJSON) {
				t.Errorf("%s, json %v: wants a bar", name, asJSON)
			}
		}
	}
}
