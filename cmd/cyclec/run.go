// cyclec run: compile, build (cached) and run one cycle, then print its
// summary.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/cyclec/cyclec"
	"github.com/cyclec/cyclec/codegen"
	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/ir"
	cycrt "github.com/cyclec/cyclec/runtime"
)

func newRunCmd() *cobra.Command {
	var (
		cycleName string
		sets      []string
		asJSON    bool
		history   string
		resume    bool
	)
	cmd := &cobra.Command{
		Use:   "run FILE [--cycle NAME] [--set name=value]… [--json]",
		Short: "Build and run a cycle, printing its scores",
		Long: `run compiles FILE, builds the generated Go with the local Go toolchain
(cached by content, so a second run starts at once) and runs one cycle:
the one named by --cycle, or the only cycle FILE declares. It prints the
summary (RMSE after analysis and of the forecast, spread, number of
analyses, wall time and time per cycle), or one JSON object with --json.

--set overrides a run-time setting: steps, obs_every, spinup, seed, and the
parameters of the cycle's models, bare (F) or qualified as the source
names the model (lorenz96.L96.F). A cycle that declares
history = every(k) writes its history to --history (default
<stem>.<cycle>.nc in the current directory): NetCDF for a name ending in
.nc, the plain-text format for any other. A cycle that declares
checkpoint = every(k) writes its state to <stem>.<cycle>.ckpt in the
current directory every k analyses (steps, for forecasts) and when
interrupted; --resume continues from it, refusing a checkpoint written by
another program, settings or data. The summary, the history and the
checkpoint carry the run's config hash.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			c, err := compile(path, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			cycle, err := pickCycle(c, cycleName)
			if err != nil {
				return err
			}
			if err := validateSets(c, cycle, sets); err != nil {
				return err
			}
			if cmd.Flags().Changed("history") {
				if err := validateHistory(history, cycle); err != nil {
					return err
				}
			}
			if resume && cycle.Checkpoint == 0 {
				return usageErr("--resume: cycle %s writes no checkpoints; add checkpoint = every(k) to it", cycle.SourceName)
			}
			files, cycles, err := runFiles(c, cycle, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			mod, err := runModule(files, cycles, slashBase(path))
			if err != nil {
				return programErr(err)
			}
			if c.user != nil {
				if err := c.user.addTo(mod); err != nil {
					return programErr(err)
				}
			}
			bin, err := buildRunBinary(mod, cmd.ErrOrStderr())
			if err != nil {
				return programErr(err)
			}
			dir, err := filepath.Abs(filepath.Dir(path))
			if err != nil {
				return programErr(err)
			}
			binArgs := []string{"-cycle", cycle.Name, "-dir", dir}
			if asJSON {
				binArgs = append(binArgs, "-json")
			}
			stem := strings.TrimSuffix(slashBase(path), ".cyc") + "." + cycle.Name
			if history == "" && recordsHistory(cycle) {
				history = stem + ".nc"
			}
			if history != "" {
				binArgs = append(binArgs, "-history", history)
			}
			if cycle.Checkpoint > 0 {
				binArgs = append(binArgs, "-checkpoint", stem+".ckpt")
			}
			if resume {
				binArgs = append(binArgs, "-resume")
			}
			for _, s := range sets {
				binArgs = append(binArgs, "-set", s)
			}
			var guard *historyGuard
			if history != "" {
				ckpt := ""
				if cycle.Checkpoint > 0 {
					ckpt = stem + ".ckpt"
				}
				guard, err = guardHistory(historyFiles(cycle, history), ckpt, cmd.ErrOrStderr())
				if err != nil {
					return programErr(err)
				}
				defer guard.release()
			}
			// Ctrl-C or a TERM to cyclec reaches the program as an
			// interrupt, so it stops cleanly and leaves no history behind;
			// it is killed if it has not stopped within a few seconds.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			runCmd := exec.CommandContext(ctx, bin, binArgs...)
			runCmd.Cancel = func() error { return runCmd.Process.Signal(os.Interrupt) }
			runCmd.WaitDelay = 5 * time.Second
			runCmd.Stdout = cmd.OutOrStdout()
			runCmd.Stderr = cmd.ErrOrStderr()
			endProgress := attachProgress(runCmd, cmd.ErrOrStderr(), asJSON)
			err = runCmd.Run()
			endProgress()
			if err != nil {
				var exit *exec.ExitError
				if errors.As(err, &exit) {
					return childExit(exit, ctx.Err() != nil, guard)
				}
				return programErr(err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&cycleName, "cycle", "", "the cycle to run (default: the only cycle of FILE)")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "override a run-time setting, name=value (repeatable)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the summary as one JSON object")
	cmd.Flags().StringVar(&history, "history", "", "write the history to this file (.nc: NetCDF, else text)")
	cmd.Flags().BoolVar(&resume, "resume", false, "continue the run from its checkpoint")
	return cmd
}

// runFiles generates the Go that runs cycle: the whole program when every
// part of it can be emitted (one cached binary then serves all its
// cycles), else only cycle and what it uses, so that a form not
// implemented yet elsewhere in the file does not stop it. It prints the
// diagnostics of the generation it keeps and returns the cycles the
// binary can run.
func runFiles(c *compiled, cycle *ir.Cycle, stderr io.Writer) ([]cyclec.File, []*ir.Cycle, error) {
	emit := func(opts codegen.Options) ([]cyclec.File, diag.List) {
		opts.Version = cyclec.Version
		opts.Sources = c.sourceDigests()
		files, diags := codegen.Generate(c.prog, opts)
		diags.Sort()
		if diags.HasErrors() {
			files = nil
		}
		return files, diags
	}
	if files, diags := emit(codegen.Options{}); files != nil {
		diag.Fprint(stderr, diags, c.sources.lookup)
		return files, ownCycles(c), nil
	}
	files, diags := emit(codegen.Options{Cycles: []*ir.Cycle{cycle}})
	diag.Fprint(stderr, diags, c.sources.lookup)
	if files == nil {
		return nil, nil, reported
	}
	return files, []*ir.Cycle{cycle}, nil
}

// ownCycles lists the cycles declared in the root file; imported
// modules' cycles are not run.
func ownCycles(c *compiled) []*ir.Cycle {
	var own []*ir.Cycle
	for _, cy := range c.prog.Cycles {
		if cy.Pos.File == filepath.ToSlash(c.path) {
			own = append(own, cy)
		}
	}
	return own
}

// pickCycle chooses the cycle to run among those declared in the root file.
func pickCycle(c *compiled, name string) (*ir.Cycle, error) {
	own := ownCycles(c)
	names := make([]string, len(own))
	for i, cy := range own {
		names[i] = cy.SourceName
	}
	if name != "" {
		for _, cy := range own {
			if cy.SourceName == name || cy.Name == name {
				return cy, nil
			}
		}
		if len(own) == 0 {
			return nil, usageErr("%s declares no cycle", c.path)
		}
		return nil, usageErr("%s has no cycle %q (cycles: %s)", c.path, name, strings.Join(names, ", "))
	}
	switch len(own) {
	case 0:
		return nil, usageErr("%s declares no cycle to run", c.path)
	case 1:
		return own[0], nil
	}
	return nil, usageErr("%s declares %d cycles (%s): choose one with --cycle", c.path, len(own), strings.Join(names, ", "))
}

// validateSets checks --set arguments against the cycle's settings before
// anything is built, so that a typo is reported at once. Sizes are not
// settings: they are explained rather than reported as unknown.
func validateSets(c *compiled, cycle *ir.Cycle, sets []string) error {
	settings := ir.Settings(cycle)
	var known []string
	for _, s := range settings {
		known = append(known, s.Name)
		if s.Alias != "" {
			known = append(known, s.Alias)
		}
	}
	for _, arg := range sets {
		name, value, ok := strings.Cut(arg, "=")
		if !ok || name == "" {
			return usageErr("--set %q: want name=value", arg)
		}
		var setting *ir.Setting
		for i := range settings {
			if settings[i].Name == name || (settings[i].Alias != "" && settings[i].Alias == name) {
				setting = &settings[i]
			}
		}
		if setting == nil {
			part, rest := partOf(cycle, name)
			if why := compileTimeName(c, part, rest); why != "" {
				return usageErr("--set %s: %s", arg, why)
			}
			return usageErr("--set %s: cycle %s has no setting %q (settings: %s)", arg, cycle.SourceName, name, strings.Join(known, ", "))
		}
		if err := checkSettingValue(setting.Kind, name, value); err != nil {
			return usageErr("--set %s: %v", arg, err)
		}
		if setting.Kind == ir.SettingInt && setting.Min > 0 {
			if n, _ := strconv.Atoi(value); n < setting.Min {
				return usageErr("--set %s: %s must be at least %d", arg, name, setting.Min)
			}
		}
	}
	return nil
}

// compileTimeName explains why name, which is not a setting of cycle, cannot
// be set at run time when it names a size (members, particles) or a
// constant or carrier of the program; it returns "" for other names.
func compileTimeName(c *compiled, cycle *ir.Cycle, name string) string {
	const fixed = "sizes (members, particles, carrier sizes) and constants are compiled into the generated code, which preallocates every ensemble and state"
	switch name {
	case "members", "particles":
		if cycle.Members() == 0 {
			return fmt.Sprintf("cycle %s has no %s: it steps a single state", cycle.SourceName, name)
		}
		return fmt.Sprintf("%s is fixed at compile time (%s = %d here): %s; change it in %s (cycle %s at %s, or its analysis) and run again",
			name, name, cycle.Members(), fixed, filepath.ToSlash(c.path), cycle.SourceName, cycle.Pos)
	}
	for _, k := range c.prog.Consts {
		if k.SourceName == name || k.Name == name {
			return fmt.Sprintf("%s is a constant (%s), fixed at compile time: %s; change it in the .cyc source and run again", k.SourceName, k.Pos, fixed)
		}
	}
	for _, car := range c.prog.Carriers {
		if car.SourceName == name || car.Name == name {
			return fmt.Sprintf("%s is a carrier (%s), whose size is fixed at compile time: %s; change it in the .cyc source and run again", car.SourceName, car.Pos, fixed)
		}
	}
	return ""
}

// validateHistory checks an explicit --history path before anything is
// built: it must be a file name in a directory that exists, and the cycle
// must record a history.
func validateHistory(history string, cycle *ir.Cycle) error {
	if strings.TrimSpace(history) == "" {
		return usageErr("--history %q: empty path; give a file name, such as %s.history", history, cycle.Name)
	}
	if !recordsHistory(cycle) {
		if _, ok := cycle.Def.(*ir.Sequence); ok {
			return usageErr("--history %s: no part of sequence %s records a history; add history = every(k) to one", history, cycle.SourceName)
		}
		return usageErr("--history %s: cycle %s records no history; add history = every(k) to it", history, cycle.SourceName)
	}
	if info, err := os.Stat(history); err == nil && info.IsDir() {
		return usageErr("--history %s: is a directory; give a file name, such as %s", history, filepath.Join(history, cycle.Name+".history"))
	}
	if strings.HasSuffix(filepath.ToSlash(history), "/") {
		return usageErr("--history %s: names a directory; give a file name", history)
	}
	dir := filepath.Dir(history)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return usageErr("--history %s: directory %s does not exist", history, dir)
	}
	return nil
}

// partOf returns the part of a sequence that a setting's name starts
// with ("Twin#2.members" gives Twin and "members"), or the cycle and the
// whole name when it is no sequence or no part's label starts the name.
func partOf(cycle *ir.Cycle, name string) (*ir.Cycle, string) {
	sq, ok := cycle.Def.(*ir.Sequence)
	if !ok {
		return cycle, name
	}
	labels := sq.Labels()
	for i, p := range sq.Leaves() {
		if rest, ok := strings.CutPrefix(name, labels[i]+"."); ok {
			return p, rest
		}
	}
	return cycle, name
}

// recordsHistory reports whether a run of cycle writes a history: the
// cycle records one, or, for a sequence, one of its parts does.
func recordsHistory(cycle *ir.Cycle) bool {
	if sq, ok := cycle.Def.(*ir.Sequence); ok {
		for _, p := range sq.Leaves() {
			if p.History > 0 {
				return true
			}
		}
		return false
	}
	return cycle.History > 0
}

// historyFiles lists the files a run of cycle with history path writes:
// path itself, or for a sequence one file per part that records a history,
// named as cycrt.RunSequence names them (cycrt.PartHistoryPath with the
// part's label, "Twin#2" for a cycle's second run).
func historyFiles(cycle *ir.Cycle, path string) []string {
	sq, ok := cycle.Def.(*ir.Sequence)
	if !ok {
		return []string{path}
	}
	var out []string
	labels := sq.Labels()
	for i, p := range sq.Leaves() {
		if p.History > 0 {
			out = append(out, cycrt.PartHistoryPath(path, labels[i]))
		}
	}
	return out
}

// checkSettingValue parses value as the generated Set method will, so
// that a bad value is refused before anything is built.
func checkSettingValue(kind ir.SettingKind, name, value string) error {
	switch kind {
	case ir.SettingInt:
		var v int
		return cycrt.SetInt(&v, name, value)
	case ir.SettingSeed:
		var v uint64
		return cycrt.SetSeed(&v, name, value)
	case ir.SettingPath:
		var v string
		return cycrt.SetPath(&v, name, value)
	}
	var v float64
	return cycrt.SetFloat(&v, name, value)
}
