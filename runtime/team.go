// A team of goroutines that share out fixed chunks of work, so that
// results never depend on how many cores ran them.

package runtime

import (
	goruntime "runtime"
	"sync"
	"sync/atomic"
)

// Team runs the chunks of a loop on up to Workers goroutines. The chunks
// are fixed by the caller, never by the number of workers, and each chunk
// must write only its own outputs, so the results are bit-identical
// whatever GOMAXPROCS is: only which worker (and so which scratch space)
// runs a chunk changes.
//
// The workers are started by [NewTeam] (so that no Run allocates) and stop
// when the Team is no longer reachable. Run does not allocate. A Team runs one loop at a
// time: it is not safe for concurrent use.
type Team struct {
	t *team
}

// team is the part of a Team its goroutines hold, so that the Team
// itself can become unreachable and stop them.
type team struct {
	workers int
	wake    []chan struct{}
	wg      sync.WaitGroup

	chunks int
	next   atomic.Int64
	body   func(worker, chunk int)
}

// NewTeam returns a team of at most maxWorkers workers (and at most
// GOMAXPROCS at the time of the call); maxWorkers < 1 means GOMAXPROCS.
func NewTeam(maxWorkers int) *Team {
	w := goruntime.GOMAXPROCS(0)
	if maxWorkers >= 1 {
		w = min(w, maxWorkers)
	}
	t := &Team{t: &team{workers: w}}
	if w > 1 {
		t.t.start()
	}
	goruntime.AddCleanup(t, func(in *team) {
		for _, c := range in.wake {
			close(c)
		}
	}, t.t)
	return t
}

// Workers returns the number of workers, and so the number of scratch
// spaces a body may index by its worker argument.
func (t *Team) Workers() int { return t.t.workers }

// Run calls body(worker, chunk) once for every chunk in [0, chunks) and
// returns when all have returned; worker is in [0, Workers()) and no two
// calls running at the same time share it. With one worker, or one chunk,
// everything runs on the calling goroutine in chunk order.
func (t *Team) Run(chunks int, body func(worker, chunk int)) {
	in := t.t
	if in.workers == 1 || chunks <= 1 {
		for c := 0; c < chunks; c++ {
			body(0, c)
		}
		return
	}
	in.chunks, in.body = chunks, body
	in.next.Store(0)
	helpers := min(in.workers, chunks) - 1
	in.wg.Add(helpers)
	for w := 1; w <= helpers; w++ {
		in.wake[w-1] <- struct{}{}
	}
	in.work(0)
	in.wg.Wait()
	in.body = nil
}

// start launches the helper goroutines, workers 1 … workers-1.
func (in *team) start() {
	in.wake = make([]chan struct{}, in.workers-1)
	for w := range in.wake {
		c := make(chan struct{})
		in.wake[w] = c
		go func(worker int) {
			for range c {
				in.work(worker)
				in.wg.Done()
			}
		}(w + 1)
	}
}

// work runs chunks until none is left.
func (in *team) work(worker int) {
	for {
		c := int(in.next.Add(1) - 1)
		if c >= in.chunks {
			return
		}
		in.body(worker, c)
	}
}

// Chunks returns how many chunks of at most size items cover n items.
func Chunks(n, size int) int { return (n + size - 1) / size }
