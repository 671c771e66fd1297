// The cobra command tree and the mapping of failures to exit statuses.
package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit statuses of the command.
const (
	exitOK      = 0
	exitProgram = 1 // errors in the .cyc program (diagnostics) or in running it
	exitUsage   = 2 // misuse of the command
)

// exitError carries an exit status up through cobra. A nil err means the
// message was already printed (diagnostics).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErr reports misuse of the command (exit status 2).
func usageErr(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// programErr reports an error in the program or its run (exit status 1).
func programErr(err error) error {
	return &exitError{code: exitProgram, err: err}
}

// reported is returned when diagnostics were already printed.
var reported = &exitError{code: exitProgram}

// run executes the command line args and returns the exit status. It is
// main without os.Exit, so tests can drive the CLI in-process.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "cyclec: %v\n", ee.err)
		}
		return ee.code
	}
	// Cobra's own errors (unknown command or flag, wrong argument count)
	// are misuse.
	fmt.Fprintf(stderr, "cyclec: %v\nRun 'cyclec --help' for usage.\n", err)
	return exitUsage
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "cyclec",
		Short: "Compile .cyc data-assimilation programs to Go",
		Long: `cyclec compiles .cyc data-assimilation programs (carriers, forward
models, observation operators, analyses and cycles) to specialised Go that
links against the cyclec runtime.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.CompletionOptions.HiddenDefaultCmd = true
	// A bare `cyclec` is misuse, as a bare `go` is: usage on stderr, exit 2.
	root.RunE = func(cmd *cobra.Command, args []string) error {
		cmd.SetOut(stderr)
		cmd.Usage()
		return &exitError{code: exitUsage}
	}
	root.AddCommand(
		newCheckCmd(),
		newBuildCmd(),
		newRunCmd(),
		newFmtCmd(),
		newPlotCmd(),
		newVersionCmd(),
	)
	return root
}
