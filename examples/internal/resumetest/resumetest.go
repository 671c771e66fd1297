// Package resumetest checks the promise of data.md §4: a run killed with
// SIGKILL at any moment and then resumed from its checkpoint ends with
// outputs byte-identical to those of an uninterrupted run.
//
// A [Program] says how to start a run in a directory, how to resume it,
// where its checkpoint is and which files it outputs. [Reference] runs it
// once to completion; [Interrupt] runs it again, killing each process
// after a delay or when its checkpoint file has changed a given number of
// times, resuming (or, with no checkpoint yet, restarting) until a process
// finishes; [Compare] says which output differs and where.
package resumetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// Program describes a program under test. Its commands must write only
// inside the directory they are given.
type Program struct {
	// Start returns the command that runs the program from the beginning,
	// writing into dir.
	Start func(dir string) *exec.Cmd
	// Resume returns the command that continues the run from its
	// checkpoint in dir.
	Resume func(dir string) *exec.Cmd
	// Checkpoint is the checkpoint file's name, relative to dir.
	Checkpoint string
	// Outputs are the files, relative to dir, that must come out the same.
	Outputs []string
	// Group says that the program's commands start processes of their
	// own (cyclec run starts the generated program): each command then
	// runs in a process group of its own, and a kill is sent to the whole
	// group, which is gone before the next command starts.
	Group bool
}

// Kill says when to SIGKILL one process: when its checkpoint file has
// changed AtCheckpoint times since the process started, if AtCheckpoint
// is positive, else After its start. A process that finishes first is
// not killed.
type Kill struct {
	After        time.Duration
	AtCheckpoint int
}

// String describes the kill point.
func (k Kill) String() string {
	if k.AtCheckpoint > 0 {
		return fmt.Sprintf("at checkpoint %d", k.AtCheckpoint)
	}
	return fmt.Sprintf("after %v", k.After)
}

// Trial is what happened in one interrupted run.
type Trial struct {
	Kills     []Kill // the kill points asked for, one per process
	Killed    int    // processes killed before they finished
	Resumed   int    // processes started with Resume from a checkpoint
	Restarted int    // processes started again with Start, no checkpoint existing yet
}

// pollEvery is how often the checkpoint file is looked at.
const pollEvery = 200 * time.Microsecond

// Reference runs p once to completion in dir and returns its outputs.
func Reference(ctx context.Context, p Program, dir string) (map[string][]byte, error) {
	if _, err := run(ctx, p.Start(dir), p, dir, nil); err != nil {
		return nil, fmt.Errorf("reference run: %w", err)
	}
	return outputs(p, dir)
}

// Interrupt runs p in dir with the process kills in order: the first
// process is killed at kills[0], the one that continues it at kills[1],
// and so on, and the process after the last kill runs to completion. A
// killed run continues with Resume when its checkpoint exists and with
// Start when it does not. It returns the outputs of the completed run.
func Interrupt(ctx context.Context, p Program, dir string, kills []Kill) (map[string][]byte, Trial, error) {
	tr := Trial{Kills: kills}
	cmd := p.Start(dir)
	for i := 0; ; i++ {
		var k *Kill
		if i < len(kills) {
			k = &kills[i]
		}
		killed, err := run(ctx, cmd, p, dir, k)
		if err != nil {
			return nil, tr, fmt.Errorf("process %d (%s): %w", i+1, describe(kills, i), err)
		}
		if !killed {
			break
		}
		tr.Killed++
		if _, err := os.Stat(filepath.Join(dir, p.Checkpoint)); err == nil {
			cmd = p.Resume(dir)
			tr.Resumed++
		} else {
			cmd = p.Start(dir)
			tr.Restarted++
		}
	}
	out, err := outputs(p, dir)
	return out, tr, err
}

// describe names the kill point of process i.
func describe(kills []Kill, i int) string {
	if i < len(kills) {
		return "to be killed " + kills[i].String()
	}
	return "run to completion"
}

// run runs cmd, killing it at k (nil: never). It reports whether the
// process was killed; a process that exits with an error is an error
// quoting its standard error.
func run(ctx context.Context, cmd *exec.Cmd, p Program, dir string, k *Kill) (killed bool, err error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	ckpt := filepath.Join(dir, p.Checkpoint)
	last, _ := os.Stat(ckpt)
	if p.Group {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	}
	if err := cmd.Start(); err != nil {
		return false, fmt.Errorf("starting %s: %w", cmd.Path, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var deadline <-chan time.Time
	if k != nil && k.AtCheckpoint <= 0 {
		deadline = time.After(k.After)
	}
	var poll <-chan time.Time
	if k != nil && k.AtCheckpoint > 0 {
		t := time.NewTicker(pollEvery)
		defer t.Stop()
		poll = t.C
	}
	changes, sent := 0, false
	kill := func() {
		if !sent {
			sent = true
			if p.Group {
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			} else {
				_ = cmd.Process.Signal(syscall.SIGKILL)
			}
		}
	}
	if p.Group {
		defer waitGroupGone(cmd.Process.Pid)
	}
	for {
		select {
		case err := <-done:
			if sent && wasKilled(cmd) {
				return true, nil
			}
			if err != nil {
				return false, fmt.Errorf("%s: %w; stderr:\n%s", cmd.Path, err, stderr.Bytes())
			}
			return false, nil
		case <-ctx.Done():
			kill()
			<-done
			return false, ctx.Err()
		case <-deadline:
			kill()
		case <-poll:
			fi, err := os.Stat(ckpt)
			if err != nil {
				continue
			}
			if last == nil || !os.SameFile(last, fi) || !fi.ModTime().Equal(last.ModTime()) || fi.Size() != last.Size() {
				last = fi
				if changes++; changes >= k.AtCheckpoint {
					kill()
				}
			}
		}
	}
}

// waitGroupGone waits, for at most a second, until no process of the
// group pgid is left running: the children of a killed command die an
// instant after it, and must not overlap the next command. A zombie that
// nobody reaps yet (an orphan waits for init) no longer runs.
func waitGroupGone(pgid int) {
	for end := time.Now().Add(time.Second); time.Now().Before(end); time.Sleep(time.Millisecond) {
		if err := syscall.Kill(-pgid, 0); errors.Is(err, syscall.ESRCH) || !groupRunning(pgid) {
			return
		}
	}
}

// groupRunning reports whether /proc lists a process of group pgid that
// is not a zombie (true when /proc cannot tell).
func groupRunning(pgid int) bool {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return true
	}
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp …; comm may hold spaces and parens.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		var state byte
		var ppid, pgrp int
		if _, err := fmt.Sscanf(string(b[i+1:]), " %c %d %d", &state, &ppid, &pgrp); err == nil && pgrp == pgid && state != 'Z' && state != 'X' {
			return true
		}
	}
	return false
}

// wasKilled reports whether cmd's process died of SIGKILL.
func wasKilled(cmd *exec.Cmd) bool {
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// outputs reads p's outputs in dir.
func outputs(p Program, dir string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(p.Outputs))
	for _, name := range p.Outputs {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("output: %w", err)
		}
		out[name] = b
	}
	return out, nil
}

// Compare returns nil when got has exactly want's files with the same
// bytes, and otherwise an error naming the first file that differs and
// the byte offset and line of the first difference.
func Compare(want, got map[string][]byte) error {
	var errs []error
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			errs = append(errs, fmt.Errorf("%s: missing", name))
			continue
		}
		if bytes.Equal(g, w) {
			continue
		}
		i := 0
		for i < len(g) && i < len(w) && g[i] == w[i] {
			i++
		}
		line := bytes.Count(w[:i], []byte("\n")) + 1
		errs = append(errs, fmt.Errorf("%s: differs from byte %d (line %d): %d bytes, uninterrupted %d", name, i, line, len(g), len(w)))
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			errs = append(errs, fmt.Errorf("%s: not an output of the uninterrupted run", name))
		}
	}
	return errors.Join(errs...)
}

// RandomKills returns n kill sequences drawn from r: each has one to
// three kills (so a resumed process is sometimes killed too), each kill
// at a uniform delay below maxDelay or, half the time, at a checkpoint
// change numbered 1 to maxCheckpoints.
func RandomKills(r *rand.Rand, n int, maxDelay time.Duration, maxCheckpoints int) [][]Kill {
	out := make([][]Kill, n)
	for i := range out {
		ks := make([]Kill, 1+r.IntN(3))
		for j := range ks {
			if maxCheckpoints > 0 && r.IntN(2) == 0 {
				ks[j] = Kill{AtCheckpoint: 1 + r.IntN(maxCheckpoints)}
			} else {
				ks[j] = Kill{After: time.Duration(r.Int64N(int64(maxDelay) + 1))}
			}
		}
		out[i] = ks
	}
	return out
}
