// Tests of the run summary's text and JSON forms.

package runtime

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestSummaryJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		sum  Summary
		want map[string]any // fields to check after decoding
	}{
		{"finite", Summary{Cycle: "l96", Kind: "etkf", Seed: 3, Members: 40, Analyses: 10, RMSEAnalysis: 0.18, SecondsPerCycle: 1e-4, ConfigHash: "ab"},
			map[string]any{"cycle": "l96", "kind": "etkf", "seed": 3.0, "members": 40.0, "analyses": 10.0, "rmse_analysis": 0.18, "seconds_per_cycle": 1e-4, "config_hash": "ab"}},
		{"NaN and Inf become null", Summary{RMSEAnalysis: math.NaN(), SpreadForecast: math.Inf(1), WallSeconds: math.Inf(-1)},
			map[string]any{"rmse_analysis": nil, "spread_forecast": nil, "wall_seconds": nil, "rmse_forecast": 0.0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.sum.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "}\n") {
				t.Errorf("output %q is not one object and a newline", out)
			}
			var got map[string]any
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatalf("invalid JSON %q: %v", out, err)
			}
			if len(got) != 14 {
				t.Errorf("%d fields, want 14: %s", len(got), out)
			}
			for k, v := range tc.want {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("%s = %#v, want %#v", k, g, v)
				}
			}
		})
	}
}

func TestSummaryText(t *testing.T) {
	s := Summary{Cycle: "l63_etkf", Kind: "etkf", Seed: 2, Members: 10, Steps: 275000, Analyses: 10000, Spinup: 1000,
		RMSEAnalysis: 0.5712, RMSEForecast: 0.8123, SpreadAnalysis: 0.55, SpreadForecast: 0.79,
		WallSeconds: 1.5, SecondsPerCycle: 4.2e-5}
	var buf bytes.Buffer
	if err := s.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"l63_etkf (etkf)", "seed 2", "10 members", "10000 counted after 1000 spin-up",
		"analysis 0.5712", "forecast 0.8123", "1.500 s wall", "42 µs per cycle"} {
		if !strings.Contains(out, want) {
			t.Errorf("text summary lacks %q:\n%s", want, out)
		}
	}
}

// TestSummaryVar checks the minimisation fields of a variational
// analysis: present in JSON (null for a NaN mean) and text only with
// HasVar.
func TestSummaryVar(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sum    Summary
		json   map[string]any // fields to check; nil: none of them
		text   string         // line to find; "": no minimiser line
		fields int            // field count of the JSON object
	}{
		{"without", Summary{Cycle: "c", InnerMean: 3, CostIncreases: 2}, nil, "", 14},
		{"with", Summary{Cycle: "c", HasVar: true, InnerMean: 9.9125, CostIncreases: 2},
			map[string]any{"inner_mean": 9.9125, "cost_increases": 2.0},
			"minimiser inner 9.9125    per outer loop, cost not reduced in 2 analyses\n", 16},
		{"no outer loops counted", Summary{Cycle: "c", HasVar: true, InnerMean: math.NaN()},
			map[string]any{"inner_mean": nil, "cost_increases": 0.0},
			"minimiser inner NaN       per outer loop, cost not reduced in 0 analyses\n", 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.sum.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatalf("invalid JSON %q: %v", buf.String(), err)
			}
			if len(got) != tc.fields {
				t.Errorf("%d fields, want %d: %s", len(got), tc.fields, buf.String())
			}
			for k, v := range tc.json {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("%s = %#v, want %#v", k, g, v)
				}
			}
			buf.Reset()
			if err := tc.sum.WriteText(&buf); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if tc.text == "" && strings.Contains(out, "minimiser") || tc.text != "" && !strings.Contains(out, tc.text) {
				t.Errorf("text summary:\n%s\nwant the line %q", out, tc.text)
			}
		})
	}
}
