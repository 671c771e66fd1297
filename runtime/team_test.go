package runtime

import (
	"sync/atomic"
	"testing"
)

// TestTeamRunsEveryChunkOnce checks that every chunk runs exactly once,
// on a valid worker, with no two live calls sharing a worker.
func TestTeamRunsEveryChunkOnce(t *testing.T) {
	for _, workers := range []int{1, 2, 7} {
		team := NewTeam(workers)
		if team.Workers() > workers {
			t.Fatalf("NewTeam(%d) has %d workers", workers, team.Workers())
		}
		for _, chunks := range []int{0, 1, 3, 100} {
			seen := make([]atomic.Int32, chunks)
			busy := make([]atomic.Int32, team.Workers())
			team.Run(chunks, func(w, c int) {
				if busy[w].Add(1) != 1 {
					t.Errorf("worker %d runs two chunks at once", w)
				}
				seen[c].Add(1)
				busy[w].Add(-1)
			})
			for c := range seen {
				if n := seen[c].Load(); n != 1 {
					t.Fatalf("%d workers, %d chunks: chunk %d ran %d times", workers, chunks, c, n)
				}
			}
		}
	}
	if Chunks(10, 4) != 3 || Chunks(8, 4) != 2 || Chunks(0, 4) != 0 {
		t.Error("Chunks is wrong")
	}
}

// TestTeamRunDoesNotAllocate checks that a Run with a stored body
// allocates nothing once the workers are started.
func TestTeamRunDoesNotAllocate(t *testing.T) {
	team := NewTeam(2)
	var sink [64]float64
	body := func(w, c int) { sink[c] += float64(w) }
	team.Run(64, body)
	if a := testing.AllocsPerRun(50, func() { team.Run(64, body) }); a != 0 {
		t.Errorf("Run allocates %v times", a)
	}
}
