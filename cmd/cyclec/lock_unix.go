// Directory locks on Unix: flock(2) on the directory itself, released by
// the system when the process that holds it dies.

//go:build unix

package main

import (
	"fmt"
	"os"
	"syscall"
)

// dirLock is a lock on a directory: shared while a run writes into it,
// exclusive while stale files are removed.
type dirLock interface {
	// tryExclusive turns the lock exclusive if no one else holds it, and
	// reports whether it did; on false the lock may have been dropped, and
	// shared must be called to hold it again.
	tryExclusive() bool
	// shared holds the lock shared, waiting for an exclusive holder.
	shared()
	// unlock releases the lock.
	unlock()
}

// flockDir is a dirLock through flock(2).
type flockDir struct{ f *os.File }

// lockDir opens dir and holds it shared, waiting for a cleanup under the
// exclusive lock to finish.
func lockDir(dir string) (dirLock, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	l := &flockDir{f: f}
	if err := l.flock(syscall.LOCK_SH); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	return l, nil
}

func (l *flockDir) flock(how int) error {
	for {
		err := syscall.Flock(int(l.f.Fd()), how)
		if err != syscall.EINTR {
			return err
		}
	}
}

func (l *flockDir) tryExclusive() bool {
	if l.flock(syscall.LOCK_EX|syscall.LOCK_NB) == nil {
		return true
	}
	// A failed conversion may have dropped the shared lock.
	l.shared()
	return false
}

func (l *flockDir) shared() { _ = l.flock(syscall.LOCK_SH) }

func (l *flockDir) unlock() {
	_ = l.flock(syscall.LOCK_UN)
	l.f.Close()
}
