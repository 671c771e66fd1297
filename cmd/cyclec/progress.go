// The progress bar of cyclec run: the run binary reports "step steps"
// lines on an extra file descriptor, and cyclec draws them on its stderr
// when that is a terminal and the run lasts long enough to want one.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// progressDelay is how long a run goes before a bar appears: shorter runs
// never show one.
var progressDelay = time.Second

// progressInterval is the least time between two redraws: at most ten a
// second.
const progressInterval = 100 * time.Millisecond

// progressMinLeft is how much estimated time must be left for a bar to
// appear: one that would be erased at once is only a flicker.
const progressMinLeft = 250 * time.Millisecond

// progressFD is the run binary's descriptor for progress lines: the
// first of exec.Cmd.ExtraFiles.
const progressFD = 3

// wantProgress decides whether cyclec run draws a bar: not with --json,
// only on a terminal (not a dumb one), and only where the run binary can
// be handed an extra descriptor.
func wantProgress(stderr io.Writer, asJSON bool) bool {
	if asJSON || goruntime.GOOS == "windows" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressBar draws a run's progress on one terminal line and erases it
// before anything else is written there. It is safe for concurrent use.
type progressBar struct {
	mu       sync.Mutex
	w        io.Writer // the terminal
	width    int       // the terminal's columns
	now      func() time.Time
	start    time.Time
	lastDraw time.Time
	drawn    int  // length of the line on the terminal, 0 if none
	shown    bool // a bar has been drawn at some time
	done     bool
}

// newProgressBar returns a bar drawing on w, width columns wide, the run
// starting now.
func newProgressBar(w io.Writer, width int, now func() time.Time) *progressBar {
	return &progressBar{w: w, width: width, now: now, start: now()}
}

// update reports step of steps done; it redraws at most every
// progressInterval, and only once the run has gone on long enough.
func (b *progressBar) update(step, steps int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if b.done || now.Sub(b.lastDraw) < progressInterval {
		return
	}
	elapsed := now.Sub(b.start)
	if !showProgress(elapsed, step, steps, b.shown) {
		return
	}
	line := formatProgress(step, steps, elapsed, b.width)
	pad := ""
	if n := len([]rune(line)); n < b.drawn {
		pad = strings.Repeat(" ", b.drawn-n)
	}
	fmt.Fprintf(b.w, "\r%s%s", line, pad)
	b.drawn = max(len([]rune(line)), b.drawn)
	b.lastDraw, b.shown = now, true
}

// erase clears the bar's line; the caller holds mu.
func (b *progressBar) erase() {
	if b.drawn > 0 {
		fmt.Fprintf(b.w, "\r%s\r", strings.Repeat(" ", b.drawn))
		b.drawn = 0
	}
}

// finish erases the bar for good: later updates draw nothing.
func (b *progressBar) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.erase()
	b.done = true
}

// passThrough returns a writer to w that erases the bar before each
// write, so that the run's own output never lands on the bar's line; the
// next update draws the bar again below it.
func (b *progressBar) passThrough(w io.Writer) io.Writer { return &barEraser{b: b, w: w} }

// barEraser is the writer of passThrough.
type barEraser struct {
	b *progressBar
	w io.Writer
}

func (e *barEraser) Write(p []byte) (int, error) {
	e.b.mu.Lock()
	defer e.b.mu.Unlock()
	if e.b.drawn > 0 {
		e.b.erase()
		e.b.lastDraw = e.b.now() // the output stays a moment before the bar returns
	}
	return e.w.Write(p)
}

// showProgress decides whether a bar is drawn: after progressDelay, while
// the run is not done, and, for a first drawing, when enough time is
// estimated to be left for it to be read.
func showProgress(elapsed time.Duration, step, steps int, shown bool) bool {
	if steps <= 0 || step < 0 || step >= steps || elapsed < progressDelay {
		return false
	}
	return shown || (step > 0 && estimateLeft(elapsed, step, steps) >= progressMinLeft)
}

// estimateLeft extrapolates the time left from the rate so far.
func estimateLeft(elapsed time.Duration, step, steps int) time.Duration {
	if step <= 0 {
		return 0
	}
	return time.Duration(float64(elapsed) * float64(steps-step) / float64(step))
}

// formatProgress is the bar's line, at most width-1 columns:
//
//	[=========>          ]  45%  step 4500/10000  1.2s, ~1.5s left
//
// narrower terminals get a shorter bar, then lose the text.
func formatProgress(step, steps int, elapsed time.Duration, width int) string {
	frac := float64(step) / float64(steps)
	frac = min(max(frac, 0), 1)
	text := fmt.Sprintf("  %3d%%  step %d/%d  %s, ~%s left", int(frac*100), step, steps,
		fmtDuration(elapsed), fmtDuration(estimateLeft(elapsed, step, steps)))
	room := width - 1
	cells := min(40, room-len(text)-2)
	if cells < 10 {
		text = fmt.Sprintf(" %3d%%", int(frac*100))
		cells = room - len(text) - 2
	}
	if cells < 1 {
		return ""
	}
	full := int(frac * float64(cells))
	bar := strings.Repeat("=", full)
	if full < cells {
		bar += ">" + strings.Repeat(" ", cells-full-1)
	}
	return "[" + bar + "]" + text
}

// fmtDuration prints a duration to a tenth of a second, or in minutes
// and seconds past a minute.
func fmtDuration(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
}

// readProgress feeds the lines "step steps" of r to b until r ends;
// other lines are ignored.
func readProgress(r io.Reader, b *progressBar) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		a, c, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		step, err1 := strconv.Atoi(a)
		steps, err2 := strconv.Atoi(c)
		if err1 == nil && err2 == nil {
			b.update(step, steps)
		}
	}
}

// attachProgress arranges for runCmd, a run binary not yet started, to
// report its progress to a bar on stderr when [wantProgress] says so:
// the binary gets -progress-fd and the write end of a pipe, and its
// output passes through the bar, which is erased before each write. The
// returned function ends the bar, erasing it; call it once runCmd has
// finished, however it finished. Without a bar it does nothing.
func attachProgress(runCmd *exec.Cmd, stderr io.Writer, asJSON bool) (end func()) {
	if !wantProgress(stderr, asJSON) || len(runCmd.ExtraFiles) > 0 {
		return func() {}
	}
	f := stderr.(*os.File)
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width <= 0 {
		width = 80
	}
	r, w, err := os.Pipe()
	if err != nil {
		return func() {} // no bar; the run goes on without one
	}
	bar := newProgressBar(f, width, time.Now)
	runCmd.ExtraFiles = []*os.File{w}
	runCmd.Args = append(runCmd.Args, "-progress-fd", strconv.Itoa(progressFD))
	if runCmd.Stdout != nil {
		runCmd.Stdout = bar.passThrough(runCmd.Stdout)
	}
	if runCmd.Stderr != nil {
		runCmd.Stderr = bar.passThrough(runCmd.Stderr)
	}
	done := make(chan struct{})
	go func() {
		readProgress(r, bar)
		close(done)
	}()
	return func() {
		w.Close()
		r.Close() // a descendant of the run may hold the write end: do not wait for it
		<-done
		bar.finish()
	}
}
