// Tests of the recurrence, windowed and sequence results in the summary's
// text and JSON.

package runtime

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestCycleResultsText(t *testing.T) {
	big := make([]float64, shownState+1)
	tests := []struct {
		name       string
		sum        Summary
		want, lack []string
	}{
		{"converged", Summary{Cycle: "Root", Kind: "recurrence", Members: 1, Steps: 5,
			CycleResults: CycleResults{HasRecurrence: true, Iterations: 5, Converged: true, Residual: 1.595e-12, FinalState: []float64{math.Sqrt2, -0.5}}},
			[]string{"converged after 5 iterations\n", "residual  1.595e-12 (max |x - x'| over the last update)\n", "state     1.4142135623730951 -0.5\n"},
			[]string{"forecast", "failed"}},
		{"held at the start", Summary{Kind: "recurrence", CycleResults: CycleResults{HasRecurrence: true, Converged: true, Residual: math.NaN(), FinalState: []float64{1}}},
			[]string{"converged after 0 iterations (the condition held at the start)\n", "residual  none (no iteration made)\n"}, nil},
		{"did not converge", Summary{Kind: "recurrence", CycleResults: CycleResults{HasRecurrence: true, Iterations: 3, Residual: 0.0025, FinalState: big}},
			[]string{"failed    did not converge after 3 iterations\n", "state     11 values (the JSON summary has them)\n"}, []string{"converged after"}},
		{"windows", Summary{Cycle: "Rolling", Kind: "windowed", Members: 1, Steps: 80,
			CycleResults: CycleResults{HasWindows: true, Window: 10, Stride: 4, Windows: 18, RMSELeadMean: 0.5,
				RMSEByLead: []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1}}},
			[]string{"windows   18 of 10 steps every 4\n", "rmse      mean 0.5000 over the 10 lead times\n",
				"by lead   0.1000 0.2000 0.3000 0.4000 0.5000 0.6000 0.7000 0.8000\n          0.9000 1.0000\n"},
			[]string{"no observations"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.sum.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("text lacks %q:\n%s", w, b.String())
				}
			}
			for _, l := range tt.lack {
				if strings.Contains(b.String(), l) {
					t.Errorf("text has %q:\n%s", l, b.String())
				}
			}
		})
	}
}

func TestSequenceSummaryText(t *testing.T) {
	s := Summary{Cycle: "Day", Kind: "sequence", Steps: 372, WallSeconds: 0.12, SecondsPerCycle: 3.2e-4, ConfigHash: "0123abcd",
		CycleResults: CycleResults{Parts: []*Summary{
			{Cycle: "Spinup", Kind: "etkf", Seed: 1, Members: 40, Steps: 300, Analyses: 200, Spinup: 100, RMSEAnalysis: 0.17, WallSeconds: 0.1},
			{Cycle: "Forecast", Kind: "forecast", Seed: 1, Members: 1, Steps: 72, WallSeconds: 0.02},
		}}}
	var b bytes.Buffer
	if err := s.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := "cycle     Day (sequence of Spinup, Forecast), 372 steps\n" +
		"part 1    Spinup\n" +
		"  cycle     Spinup (etkf), seed 1, 40 members\n" +
		"  analyses  200 counted after 100 spin-up, 300 steps\n" +
		"  rmse      analysis 0.1700     forecast 0.0000\n" +
		"  spread    analysis 0.0000     forecast 0.0000\n" +
		"  time      0.100 s wall, 0 ns per cycle\n" +
		"part 2    Forecast\n" +
		"  cycle     Forecast (forecast), seed 1, 1 member\n" +
		"  forecast  72 steps, no observations\n" +
		"  time      0.020 s wall, 0 ns per cycle\n" +
		"time      0.120 s wall, 320 µs per cycle\n" +
		"config    0123abcd\n"
	if b.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestCycleResultsJSON(t *testing.T) {
	decode := func(t *testing.T, s Summary) map[string]any {
		t.Helper()
		var b bytes.Buffer
		if err := s.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		if err := json.Unmarshal(b.Bytes(), &out); err != nil {
			t.Fatalf("%s: %v", b.String(), err)
		}
		return out
	}
	t.Run("other cycles are unchanged", func(t *testing.T) {
		out := decode(t, Summary{Cycle: "Twin", Kind: "etkf"})
		if len(out) != 14 {
			t.Errorf("%d fields, want the 14 of every summary: %v", len(out), out)
		}
	})
	t.Run("recurrence", func(t *testing.T) {
		out := decode(t, Summary{Kind: "recurrence", CycleResults: CycleResults{HasRecurrence: true, Iterations: 0, Converged: false,
			Residual: math.NaN(), FinalState: []float64{1.5, math.Inf(1)}}})
		st, _ := out["final_state"].([]any)
		if out["iterations"] != 0.0 || out["converged"] != false || out["residual"] != nil || len(st) != 2 || st[0] != 1.5 || st[1] != nil {
			t.Errorf("recurrence fields %v", out)
		}
		if _, ok := out["windows"]; ok {
			t.Error("a recurrence has window fields")
		}
	})
	t.Run("windowed", func(t *testing.T) {
		out := decode(t, Summary{Kind: "windowed", CycleResults: CycleResults{HasWindows: true, Window: 2, Stride: 1, Windows: 7,
			RMSEByLead: []float64{0.25, math.NaN()}, RMSELeadMean: 0.5}})
		lead, _ := out["rmse_by_lead"].([]any)
		if out["window"] != 2.0 || out["stride"] != 1.0 || out["windows"] != 7.0 || out["rmse_lead_mean"] != 0.5 ||
			len(lead) != 2 || lead[0] != 0.25 || lead[1] != nil {
			t.Errorf("windowed fields %v", out)
		}
		if _, ok := out["iterations"]; ok {
			t.Error("a windowed cycle has recurrence fields")
		}
	})
	t.Run("sequence", func(t *testing.T) {
		out := decode(t, Summary{Cycle: "Day", Kind: "sequence", Steps: 5, CycleResults: CycleResults{Parts: []*Summary{
			{Cycle: "A", Kind: "etkf", RMSEAnalysis: 0.2},
			{Cycle: "R", Kind: "recurrence", CycleResults: CycleResults{HasRecurrence: true, Iterations: 4, Converged: true}},
		}}})
		parts, _ := out["parts"].([]any)
		if len(parts) != 2 || out["rmse_analysis"] != nil || out["spread_forecast"] != nil {
			t.Fatalf("sequence %v", out)
		}
		a, _ := parts[0].(map[string]any)
		r, _ := parts[1].(map[string]any)
		if a["cycle"] != "A" || a["rmse_analysis"] != 0.2 || r["iterations"] != 4.0 || r["converged"] != true {
			t.Errorf("parts %v", parts)
		}
	})
}
