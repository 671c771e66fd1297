// The 316 × 316 tracer grid: a few cycles, the memory they hold and the time
// one takes.
package tracer

import (
	goruntime "runtime"
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
)

// bytesPerCell bounds the memory the started cycle holds per state
// element: the 20-member ensemble and its observed image, the truth, the
// model's work arrays and the LETKF's local lists and workspaces come to
// under 3 KB a cell (a cell sees about 90 observations within the taper),
// where one n×n matrix would take 800 KB a cell.
const bytesPerCell = 4000

// TestBoundedMemory starts the cycle, runs three analyses and checks the
// heap it holds against a bound linear in the number of cells; the
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
	t.Logf("heap held after 3 cycles: %.1f MB (%.0f bytes a cell)", float64(held)/1e6, float64(held)/FieldSize)
	if held > bytesPerCell*FieldSize {
		t.Errorf("the cycle holds %d bytes, more than %d a cell", held, bytesPerCell)
	}
	_, analysis := c.stats.LastRMSE()
	if !(analysis < 1.5) {
		t.Errorf("after 3 analyses the RMSE is %.3f: the LETKF is not pulling the ensemble to the truth", analysis)
	}
	goruntime.KeepAlive(c)
}

// BenchmarkCycle times one cycle of 100,000 cells: 20 member forecasts,
// 99,856 local analyses and the statistics. Run with
//
//	go test -run '^$' -bench Cycle -benchmem -benchtime 5x ./examples/big/tracer/
func BenchmarkCycle(b *testing.B) {
	scoretest.BenchmarkCycle(b, NewTwin(), 2)
}
