// The 100,000-site ring: a few cycles, the memory they hold and the time
// one takes.
package ring

import (
	goruntime "runtime"
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
)

// bytesPerSite bounds the memory the started cycle holds per state
// element: the 20-member ensemble and its observed image, the truth, the
// model's work arrays and the LETKF's local lists and workspaces come to
// under 2 KB a site, where one n×n matrix would take 800 KB a site.
const bytesPerSite = 2500

// TestBoundedMemory starts the cycle, runs three analyses and checks the
// heap it holds against a bound linear in the number of sites; the
// analyses must bring the ensemble toward the truth.
func TestBoundedMemory(t *testing.T) {
	goruntime.GC()
	var before, after goruntime.MemStats
	goruntime.ReadMemStats(&before)
	c := NewTwin()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := c.Next(); err != nil {
			t.Fatal(err)
		}
	}
	goruntime.GC()
	goruntime.ReadMemStats(&after)
	held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("heap held after 3 cycles: %.1f MB (%.0f bytes a site)", float64(held)/1e6, float64(held)/StateSize)
	if held > bytesPerSite*StateSize {
		t.Errorf("the cycle holds %d bytes, more than %d a site", held, bytesPerSite)
	}
	_, analysis := c.stats.LastRMSE()
	if !(analysis < 1.0) {
		t.Errorf("after 3 analyses the RMSE is %.3f: the LETKF is not pulling the ensemble to the truth", analysis)
	}
	goruntime.KeepAlive(c)
}

// BenchmarkCycle times one cycle of 100,000 sites: 20 member forecasts,
// 100,000 local analyses and the statistics. Run with
//
//	go test -run '^$' -bench Cycle -benchmem -benchtime 5x ./examples/big/ring/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, NewTwin(), 2)
}
