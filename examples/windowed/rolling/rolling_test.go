// The rolling-forecast example: forecasts with the reference's forcing are
// the reference; with F = 8.5 against F = 8 the error after one step is
// the forcing error times dt, and it grows with the lead.
package rolling

import (
	"math"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

func TestSameForcing(t *testing.T) {
	sum, err := NewScored().Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := sum.Parts[1]
	if r.Windows != 199 || len(r.RMSEByLead) != 40 {
		t.Fatalf("%d windows, %d leads; want 199 and 40", r.Windows, len(r.RMSEByLead))
	}
	for l, e := range r.RMSEByLead {
		if e != 0 {
			t.Errorf("RMSE at lead %d = %v, want 0", l+1, e)
		}
	}
}

// TestWrongForcing runs the forecasts with F = 8.5. One RK4 step of
// dt = 0.05 then differs from the reference's by dt·ΔF = 0.025 at every
// site, to first order in dt, so the RMSE at lead 1 is 0.025 to a few per
// cent; the error then grows roughly a hundredfold over the 40 steps.
func TestWrongForcing(t *testing.T) {
	c := NewScored()
	if err := c.Set("Rolling.F", "8.5"); err != nil {
		t.Fatal(err)
	}
	sum, err := c.Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	lead := sum.Parts[1].RMSEByLead
	t.Logf("F = 8.5 against 8: RMSE %.4f at lead 1, %.4f at 20, %.4f at 40, mean %.4f", lead[0], lead[19], lead[39], sum.Parts[1].RMSELeadMean)
	if math.Abs(lead[0]-0.025) > 0.002 {
		t.Errorf("RMSE at lead 1 = %v, want dt·ΔF = 0.025", lead[0])
	}
	for l := 1; l < len(lead); l++ {
		if !(lead[l] > lead[l-1]) {
			t.Errorf("RMSE %v at lead %d is not above %v at lead %d", lead[l], l+1, lead[l-1], l)
		}
	}
	if !(lead[39] > 50*lead[0]) {
		t.Errorf("RMSE %v at lead 40 against %v at lead 1: want the error grown", lead[39], lead[0])
	}
}

// BenchmarkNext times one step of the reference and of the two windows in
// flight.
func BenchmarkNext(b *testing.B) {
	c := NewRolling()
	c.F = 8.5
	if err := c.Start(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if c.Done() {
			if err := c.Start(); err != nil {
				b.Fatal(err)
			}
		}
		if err := c.Next(); err != nil {
			b.Fatal(err)
		}
	}
}
