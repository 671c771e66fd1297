//go:build linux

// End-to-end test of the run progress bar on a pseudo-terminal: the run
// binary's progress crosses to cyclec, which draws it and erases it.
package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openPTY opens a pseudo-terminal pair with the kernel's /dev/ptmx: the
// master, which reads what is written to the terminal, and the slave, the
// terminal itself.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening a pseudo-terminal: %v", err)
	}
	var unlock int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		m.Close()
		t.Fatalf("unlocking the pseudo-terminal: %v", errno)
	}
	var n uint32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); errno != 0 {
		m.Close()
		t.Fatalf("naming the pseudo-terminal: %v", errno)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Fatalf("opening the pseudo-terminal's slave: %v", err)
	}
	return m, s
}

// runOnPTY runs cyclec args in-process with stderr on a pseudo-terminal
// and returns what the terminal received and stdout.
func runOnPTY(t *testing.T, args ...string) (term, stdout string) {
	t.Helper()
	master, slave := openPTY(t)
	defer master.Close()
	var got bytes.Buffer
	copied := make(chan struct{})
	go func() {
		io.Copy(&got, master) // ends with EIO once the slave is closed
		close(copied)
	}()
	var out bytes.Buffer
	code := run(args, &out, slave)
	slave.Close()
	select {
	case <-copied:
	case <-time.After(10 * time.Second):
		t.Fatal("the terminal's output did not end")
	}
	if code != 0 {
		t.Fatalf("cyclec %v: exit %d; terminal got %q", args, code, got.String())
	}
	return got.String(), out.String()
}

func TestProgressBarOnTerminal(t *testing.T) {
	t.Setenv("CYCLEC_CACHE", t.TempDir())
	t.Setenv("TERM", "xterm")
	saved := progressDelay
	progressDelay = 0 // a bar from the start, so that a short run shows one
	defer func() { progressDelay = saved }()
	path := filepath.Join("..", "..", "examples", "lorenz96", "enkf.cyc")
	long := []string{"--set", "steps=6000", "--set", "spinup=100"}
	// Build first, so that the timed run is the run alone.
	runOnPTY(t, "run", path, "--json", "--set", "steps=10", "--set", "spinup=1")

	term, stdout := runOnPTY(t, append([]string{"run", path}, long...)...)
	bars := strings.Count(term, "\r[")
	if bars == 0 || !strings.Contains(term, "step ") || !strings.Contains(term, "% ") {
		t.Fatalf("no progress bar on the terminal: %q", term)
	}
	// Erased at the end: the last thing on the line is blanks.
	if last := term[strings.LastIndex(strings.TrimSuffix(term, "\r"), "\r")+1:]; strings.TrimRight(last, " \r") != "" {
		t.Errorf("the bar was not erased; the terminal ends with %q", last)
	}
	if !strings.Contains(stdout, "rmse") || strings.Contains(stdout, "\r") {
		t.Errorf("stdout %q: want the summary alone", stdout)
	}
	// Throttled: at most ten a second over the run's wall time (plus one).
	if i := strings.Index(stdout, "s wall"); i > 0 {
		f := strings.Fields(stdout[:i])
		wall, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err == nil && float64(bars) > 10*wall+2 {
			t.Errorf("%d bars in %.2fs: more than ten a second", bars, wall)
		}
	}

	// --json never gets a bar, even on a terminal.
	term, stdout = runOnPTY(t, append([]string{"run", path, "--json"}, long...)...)
	if strings.Contains(term, "\r") || strings.Contains(term, "step ") {
		t.Errorf("--json drew on the terminal: %q", term)
	}
	if !strings.Contains(stdout, `"rmse_analysis"`) {
		t.Errorf("--json printed %q", stdout)
	}
}
