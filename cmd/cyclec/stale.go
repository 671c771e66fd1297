// Temporary history files that a killed run left behind: a run writes its
// history to .<name>.tmp<digits> beside the final path (runtime
// CreateHistory) and renames it into place only at the end, so a program
// killed by a signal leaves the temporary file. cyclec run removes such
// files, for the history path it is about to write, when it can prove no
// other cyclec run is writing into that directory: every run holds a
// shared lock on the history's directory while its program runs, and
// removal happens only under the exclusive lock (see lockDir). A lock
// rather than an age: a long run may not touch its temporary file for
// hours (the history is buffered), so no age tells a dead file from a live
// one, while a lock held by a process is released by the system the moment
// that process dies, however it dies.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
)

// staleTemps lists the temporary files of history path: exactly the names
// CreateHistory makes (a dot, the base name, ".tmp" and the random digits
// os.CreateTemp puts for its "*"), regular files only, sorted.
func staleTemps(path string) ([]string, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	re := regexp.MustCompile(`^\.` + regexp.QuoteMeta(base) + `\.tmp[0-9]+$`)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !re.MatchString(e.Name()) || !e.Type().IsRegular() {
			continue
		}
		out = append(out, filepath.Join(dir, e.Name()))
	}
	sort.Strings(out)
	return out, nil
}

// historyGuard is held by a run that writes a history: the shared lock on
// the history's directory.
type historyGuard struct {
	paths      []string // the history files, one per recording part of a sequence
	checkpoint string   // the run's checkpoint file, "" when it writes none
	lock       dirLock
	log        io.Writer
}

// guardHistory takes the lock on the directory of the history files paths
// (one, or one per part of a sequence, all in one directory) for the
// duration of a run, first removing the temporary files of those paths
// that earlier runs left when no other run holds the lock. Removals are
// reported on log. checkpoint is the run's checkpoint file ("" for none):
// while it exists, the temporary history is what a --resume continues,
// and nothing is removed (the run itself cleans up when it finishes).
func guardHistory(paths []string, checkpoint string, log io.Writer) (*historyGuard, error) {
	dir := filepath.Dir(paths[0])
	lock, err := lockDir(dir)
	if err != nil {
		return nil, fmt.Errorf("--history %s: %w", paths[0], err)
	}
	g := &historyGuard{paths: paths, checkpoint: checkpoint, lock: lock, log: log}
	g.clean("an earlier run")
	return g, nil
}

// clean removes the temporary files of the history path if the exclusive
// lock can be had at once, naming whose they were (what); the shared lock
// is held again afterwards.
func (g *historyGuard) clean(what string) {
	if g.checkpoint != "" {
		if _, err := os.Stat(g.checkpoint); err == nil {
			return
		}
	}
	if !g.lock.tryExclusive() {
		return
	}
	defer g.lock.shared()
	for _, path := range g.paths {
		files, err := staleTemps(path)
		if err != nil {
			return // the run reports a directory it cannot write into
		}
		for _, f := range files {
			if err := os.Remove(f); err == nil {
				fmt.Fprintf(g.log, "cyclec: removed %s, the unfinished history of %s\n", f, what)
			}
		}
	}
}

// release drops the lock.
func (g *historyGuard) release() {
	if g != nil {
		g.lock.unlock()
	}
}
