// How a run binary ended: its own failures (already reported), misuse, a
// crash of the Go runtime, or a signal, which is named with what usually
// sends it.
package main

import (
	"errors"
	"fmt"
	"os/exec"
	"syscall"
)

// childExit maps the end of a run binary that did not succeed to cyclec's
// exit: 1 for a run that failed (the program printed why), 2 for misuse,
// and 1 with an explanation for a crash or a signal. interrupted reports
// whether cyclec itself asked the program to stop; after a signal the
// history the program left unfinished is removed through guard (nil when
// there is no history).
func childExit(exit *exec.ExitError, interrupted bool, guard *historyGuard) error {
	if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		if guard != nil {
			guard.clean("this run")
		}
		return programErr(signalError(ws.Signal(), interrupted, guard != nil))
	}
	switch exit.ExitCode() {
	case harnessUsageExit:
		return &exitError{code: exitUsage}
	case 2:
		return programErr(errors.New("the generated program crashed (the Go runtime's report is above); " +
			"\"runtime: out of memory\" there means this machine has too little memory for the cycle: lower members or the state size; " +
			"any other crash is a cyclec bug, please report it"))
	}
	return &exitError{code: exitProgram}
}

// signalNames names the signals that stop programs, on every system.
var signalNames = map[syscall.Signal]string{
	syscall.SIGKILL: "SIGKILL", syscall.SIGTERM: "SIGTERM", syscall.SIGINT: "SIGINT",
	syscall.SIGHUP: "SIGHUP", syscall.SIGQUIT: "SIGQUIT", syscall.SIGSEGV: "SIGSEGV",
	syscall.SIGBUS: "SIGBUS", syscall.SIGABRT: "SIGABRT", syscall.SIGPIPE: "SIGPIPE",
}

// signalError says that the program was killed by sig, why that usually
// happens, and that no history was written when the run had one.
func signalError(sig syscall.Signal, interrupted, history bool) error {
	name, ok := signalNames[sig]
	if !ok {
		name = fmt.Sprintf("signal %d", int(sig))
	}
	name += " (" + sig.String() + ")"
	var why string
	switch {
	case sig == syscall.SIGKILL && interrupted:
		why = "it did not stop within 5 seconds of the interrupt"
	case sig == syscall.SIGKILL:
		why = "SIGKILL usually comes from the system's out-of-memory killer: the cycle may need more memory than this machine has " +
			"(lower members or the state size); a CPU-time limit (ulimit -t) or another process can also send it"
	case sig == syscall.SIGTERM || sig == syscall.SIGINT || sig == syscall.SIGHUP || sig == syscall.SIGQUIT:
		why = "another process, or the terminal, stopped it"
	case sig == syscall.SIGSEGV || sig == syscall.SIGBUS:
		why = "this is a cyclec bug; please report it"
	default:
		why = "another process or a resource limit sent it"
	}
	err := fmt.Errorf("the generated program was killed by %s: %s", name, why)
	if history {
		err = fmt.Errorf("%w; no history was written", err)
	}
	return err
}
