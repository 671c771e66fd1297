// Directory locks where flock(2) is not available: none, so stale
// temporary histories are never removed automatically there.

//go:build !unix

package main

// dirLock is a lock on a directory: shared while a run writes into it,
// exclusive while stale files are removed.
type dirLock interface {
	tryExclusive() bool
	shared()
	unlock()
}

// noLock proves nothing, so nothing is ever removed under it.
type noLock struct{}

func lockDir(string) (dirLock, error) { return noLock{}, nil }

func (noLock) tryExclusive() bool { return false }
func (noLock) shared()            {}
func (noLock) unlock()            {}
