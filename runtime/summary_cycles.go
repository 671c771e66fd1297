// The results of the recurrence, windowed and sequence cycles in a
// summary, and how its text and JSON carry them.

package runtime

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// CycleResults are the parts of a [Summary] particular to recurrence,
// windowed and sequence cycles. Each group is written only when its flag
// (or Parts) is set, so the summaries of other cycles are unchanged.
type CycleResults struct {
	// A recurrence's result, reported when HasRecurrence is set: the
	// iterations made (model steps), whether the stop condition held at
	// the end, the residual — the max-norm max_i |x_i - x'_i| of the last
	// update, x' the state before the last iteration (NaN when none was
	// made) — and the final state. A recurrence that stops at its
	// iteration limit without its condition holding has Converged false;
	// its run is an error too.
	HasRecurrence bool      `json:"-"`
	Iterations    int       `json:"iterations"`
	Converged     bool      `json:"converged"`
	Residual      float64   `json:"residual"`
	FinalState    []float64 `json:"final_state"`

	// A windowed cycle's scores, reported when HasWindows is set (see
	// [LeadScores]): the forecast windows of Window steps started every
	// Stride steps of the reference run that have finished, the RMSE
	// against the reference at each lead time 1…Window (the mean over the
	// windows of the RMSE across the state at that lead) and the mean of
	// those Window values.
	HasWindows   bool      `json:"-"`
	Window       int       `json:"window"`
	Stride       int       `json:"stride"`
	Windows      int       `json:"windows"`
	RMSEByLead   []float64 `json:"rmse_by_lead"`
	RMSELeadMean float64   `json:"rmse_lead_mean"`

	// Parts, for a sequence, are the summaries of its parts that have run,
	// in order, each with its own timing; the sequence's own timing is
	// that of the whole run.
	Parts []*Summary `json:"parts"`
}

// cycleResultsJSON is the JSON of CycleResults: every field is omitted
// unless its group is reported.
type cycleResultsJSON struct {
	Iterations   *int        `json:"iterations,omitempty"`
	Converged    *bool       `json:"converged,omitempty"`
	Residual     *jsonFloat  `json:"residual,omitempty"`
	FinalState   []jsonFloat `json:"final_state,omitempty"`
	Window       *int        `json:"window,omitempty"`
	Stride       *int        `json:"stride,omitempty"`
	Windows      *int        `json:"windows,omitempty"`
	RMSEByLead   []jsonFloat `json:"rmse_by_lead,omitempty"`
	RMSELeadMean *jsonFloat  `json:"rmse_lead_mean,omitempty"`
	Parts        []*Summary  `json:"parts,omitempty"`
}

// fillCycleResults fills the JSON fields of the cycle results in dst. A
// sequence's own scores are its parts': its RMSE and spread fields are
// null.
func (s *Summary) fillCycleResults(dst *summaryJSON) {
	dst.cycleResultsJSON = s.CycleResults.json()
	if s.Parts != nil {
		null := jsonFloat(math.NaN())
		dst.RMSEAnalysis, dst.RMSEForecast, dst.SpreadAnalysis, dst.SpreadForecast = null, null, null, null
	}
}

// json returns the JSON fields of r.
func (r *CycleResults) json() cycleResultsJSON {
	var out cycleResultsJSON
	floats := func(v []float64) []jsonFloat {
		out := make([]jsonFloat, len(v))
		for i, x := range v {
			out[i] = jsonFloat(x)
		}
		return out
	}
	if r.HasRecurrence {
		n, ok, res := r.Iterations, r.Converged, jsonFloat(r.Residual)
		out.Iterations, out.Converged, out.Residual = &n, &ok, &res
		out.FinalState = floats(r.FinalState)
	}
	if r.HasWindows {
		w, s, n, mean := r.Window, r.Stride, r.Windows, jsonFloat(r.RMSELeadMean)
		out.Window, out.Stride, out.Windows, out.RMSELeadMean = &w, &s, &n, &mean
		out.RMSEByLead = floats(r.RMSEByLead)
	}
	out.Parts = r.Parts
	return out
}

// shownState is the largest final state the text summary prints in full.
const shownState = 10

// text returns the lines of the text summary for a recurrence or a
// windowed cycle, or "" for other cycles:
//
//	converged after 5 iterations
//	residual  4.441e-16 (max |x - x'| over the last update)
//	state     1.4142135623730951
//
//	windows   19 of 8 steps every 4, 80 steps
//	rmse      mean 0.0832 over the 8 lead times
//	by lead   0.0250 0.0511 0.0702 0.0843 0.0961 0.1088 0.1190 0.1309
func (r *CycleResults) text() string {
	var b strings.Builder
	if r.HasRecurrence {
		switch {
		case r.Converged && r.Iterations == 0:
			fmt.Fprintf(&b, "%-9s after 0 iterations (the condition held at the start)\n", "converged")
		case r.Converged:
			fmt.Fprintf(&b, "%-9s after %d iterations\n", "converged", r.Iterations)
		default:
			fmt.Fprintf(&b, "%-9s did not converge after %d iterations\n", "failed", r.Iterations)
		}
		if math.IsNaN(r.Residual) {
			fmt.Fprintf(&b, "%-9s none (no iteration made)\n", "residual")
		} else {
			fmt.Fprintf(&b, "%-9s %.4g (max |x - x'| over the last update)\n", "residual", r.Residual)
		}
		if len(r.FinalState) <= shownState {
			vals := make([]string, len(r.FinalState))
			for i, v := range r.FinalState {
				vals[i] = strconv.FormatFloat(v, 'g', -1, 64)
			}
			fmt.Fprintf(&b, "%-9s %s\n", "state", strings.Join(vals, " "))
		} else {
			fmt.Fprintf(&b, "%-9s %d values (the JSON summary has them)\n", "state", len(r.FinalState))
		}
	}
	if r.HasWindows {
		fmt.Fprintf(&b, "%-9s %d of %d steps every %d\n", "windows", r.Windows, r.Window, r.Stride)
		fmt.Fprintf(&b, "%-9s mean %s over the %d lead times\n", "rmse", fmtScore(r.RMSELeadMean), len(r.RMSEByLead))
		const perLine = 8
		for i := 0; i < len(r.RMSEByLead); i += perLine {
			label := ""
			if i == 0 {
				label = "by lead"
			}
			vals := make([]string, 0, perLine)
			for _, v := range r.RMSEByLead[i:min(i+perLine, len(r.RMSEByLead))] {
				vals = append(vals, fmtScore(v))
			}
			fmt.Fprintf(&b, "%-9s %s\n", label, strings.Join(vals, " "))
		}
	}
	return b.String()
}

// writeSequenceText writes the text summary of a sequence: a line naming
// its parts, each part's own summary indented under a "part k" line, then
// the sequence's timing and config hash:
//
//	cycle     Day (sequence of Spinup, Forecast), 372 steps
//	part 1    Spinup
//	  cycle     Spinup (etkf), seed 1, 40 members
//	  …
//	part 2    Forecast
//	  …
//	time      0.120 s wall, 323 µs per cycle
func (s *Summary) writeSequenceText(w io.Writer) error {
	var b bytes.Buffer
	names := make([]string, len(s.Parts))
	for i, p := range s.Parts {
		names[i] = p.Cycle
	}
	fmt.Fprintf(&b, "%-9s %s (sequence of %s), %d steps\n", "cycle", s.Cycle, strings.Join(names, ", "), s.Steps)
	for i, p := range s.Parts {
		fmt.Fprintf(&b, "%-9s %s\n", fmt.Sprintf("part %d", i+1), p.Cycle)
		var part bytes.Buffer
		if err := p.WriteText(&part); err != nil {
			return err
		}
		for _, line := range strings.SplitAfter(part.String(), "\n") {
			if line != "" {
				b.WriteString("  " + line)
			}
		}
	}
	fmt.Fprintf(&b, "%-9s %.3f s wall, %s per cycle\n", "time", s.WallSeconds, fmtDuration(s.SecondsPerCycle))
	if s.ConfigHash != "" {
		fmt.Fprintf(&b, "%-9s %s\n", "config", s.ConfigHash)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("summary: writing text: %w", err)
	}
	return nil
}
