// Tests of how the end of a run binary maps to cyclec's exit, with real
// processes that exit or are killed.

//go:build unix

package main

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

func TestChildExit(t *testing.T) {
	tests := []struct {
		script      string
		interrupted bool
		code        int
		msg         string // substring of the message; "" for none
	}{
		{"exit 1", false, exitProgram, ""},
		{"exit 3", false, exitUsage, ""},
		{"exit 2", false, exitProgram, `"runtime: out of memory" there means this machine has too little memory`},
		{"kill -KILL $$", false, exitProgram, "killed by SIGKILL (killed): SIGKILL usually comes from the system's out-of-memory killer"},
		{"kill -KILL $$", true, exitProgram, "killed by SIGKILL (killed): it did not stop within 5 seconds of the interrupt"},
		{"kill -TERM $$", false, exitProgram, "killed by SIGTERM (terminated): another process, or the terminal, stopped it"},
		{"kill -SEGV $$", false, exitProgram, "SIGSEGV (segmentation fault): this is a cyclec bug"},
		{"kill -USR1 $$", false, exitProgram, "killed by signal 10 (user defined signal 1): another process or a resource limit sent it"},
	}
	for _, tt := range tests {
		t.Run(tt.script, func(t *testing.T) {
			err := exec.Command("sh", "-c", tt.script).Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("sh -c %q: %v, want an exit error", tt.script, err)
			}
			var ee *exitError
			if !errors.As(childExit(exit, tt.interrupted, nil), &ee) {
				t.Fatalf("childExit returned no exit status")
			}
			if ee.code != tt.code {
				t.Errorf("exit status %d, want %d", ee.code, tt.code)
			}
			switch {
			case tt.msg == "" && ee.err != nil:
				t.Errorf("message %q, want none (the program printed why)", ee.err)
			case tt.msg != "" && (ee.err == nil || !strings.Contains(ee.err.Error(), tt.msg)):
				t.Errorf("message %v, want one containing %q", ee.err, tt.msg)
			case ee.err != nil && strings.Contains(ee.err.Error(), "history"):
				t.Errorf("message %q speaks of a history the run did not have", ee.err)
			}
		})
	}
}
