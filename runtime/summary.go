// The summary of a run, as text and JSON.

package runtime

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
)

// Summary is what a run reports: its identity, its scores (see [Stats])
// and its timing. A run fed by observations from a file or the user's
// code has no truth: NoTruth is set, its RMSE fields mean nothing (they
// are written as null) and the spread is still reported. Its
// observation-space scores (see [ObsStats]) are set with HasObsScores;
// JSON and text carry them only then, so the output of a twin experiment
// is unchanged.
type Summary struct {
	Cycle           string  `json:"cycle"`
	Kind            string  `json:"kind"`
	Seed            uint64  `json:"seed"`
	Members         int     `json:"members"` // ensemble size; 0 for a da cycle's single state
	Steps           int     `json:"steps"`
	Analyses        int     `json:"analyses"`
	Spinup          int     `json:"spinup"`
	RMSEAnalysis    float64 `json:"rmse_analysis"`
	RMSEForecast    float64 `json:"rmse_forecast"`
	SpreadAnalysis  float64 `json:"spread_analysis"`
	SpreadForecast  float64 `json:"spread_forecast"`
	WallSeconds     float64 `json:"wall_seconds"`
	SecondsPerCycle float64 `json:"seconds_per_cycle"`
	ConfigHash      string  `json:"config_hash"`

	// NoTruth says the run had no truth to score against: the RMSE
	// fields are not reported. JSON then has "truth": false (and no
	// "truth" field otherwise).
	NoTruth bool `json:"-"`

	// Observation-space scores, reported when HasObsScores is set.
	HasObsScores     bool    `json:"-"`
	ObsAssimilated   int     `json:"obs_assimilated"`   // values assimilated by the scored analyses
	OMFMean          float64 `json:"omf_mean"`          // mean of observation minus forecast mean
	OMFRMS           float64 `json:"omf_rms"`           // its root mean square
	OMAMean          float64 `json:"oma_mean"`          // mean of observation minus analysis mean
	OMARMS           float64 `json:"oma_rms"`           // its root mean square
	ConsistencyRatio float64 `json:"consistency_ratio"` // mean((O−F)²) / mean(diag(H P_f H') + diag(R))

	// Smoother scores (see [Stats.FillSmoothed]), reported when
	// HasSmoothed is set: the time means over the scored analysis times
	// of the RMSE and spread of the final smoothed ensembles.
	HasSmoothed    bool    `json:"-"`
	RMSESmoothed   float64 `json:"rmse_smoothed"`
	SpreadSmoothed float64 `json:"spread_smoothed"`
	Smoothed       int     `json:"smoothed"` // the analysis times those means are over

	// Particle-filter scores (see [ParticleStats]), reported when HasESS
	// is set.
	HasESS      bool    `json:"-"`
	ESSMean     float64 `json:"ess_mean"`    // time mean of the effective sample size after each scored analysis
	ESSMin      float64 `json:"ess_min"`     // its least value
	Resamplings int     `json:"resamplings"` // scored analyses after which the particles were resampled

	// Variational scores (see [VarStats]), reported when HasVar is set.
	HasVar        bool    `json:"-"`
	InnerMean     float64 `json:"inner_mean"`     // mean inner (conjugate-gradient) iterations per outer loop of the scored analyses
	CostIncreases int     `json:"cost_increases"` // scored analyses whose last outer loop did not reduce the nonlinear cost

	// Recurrence, windowed and sequence results (summary_cycles.go says
	// how they are written).
	CycleResults
}

// jsonFloat encodes NaN and ±Inf as JSON null and other values as
// encoding/json does.
type jsonFloat float64

// MarshalJSON implements json.Marshaler.
func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

// summaryJSON mirrors Summary with null-safe floats.
type summaryJSON struct {
	Cycle           string    `json:"cycle"`
	Kind            string    `json:"kind"`
	Seed            uint64    `json:"seed"`
	Members         int       `json:"members"`
	Steps           int       `json:"steps"`
	Analyses        int       `json:"analyses"`
	Spinup          int       `json:"spinup"`
	RMSEAnalysis    jsonFloat `json:"rmse_analysis"`
	RMSEForecast    jsonFloat `json:"rmse_forecast"`
	SpreadAnalysis  jsonFloat `json:"spread_analysis"`
	SpreadForecast  jsonFloat `json:"spread_forecast"`
	WallSeconds     jsonFloat `json:"wall_seconds"`
	SecondsPerCycle jsonFloat `json:"seconds_per_cycle"`
	ConfigHash      string    `json:"config_hash"`

	Truth            *bool      `json:"truth,omitempty"`
	ObsAssimilated   *int       `json:"obs_assimilated,omitempty"`
	OMFMean          *jsonFloat `json:"omf_mean,omitempty"`
	OMFRMS           *jsonFloat `json:"omf_rms,omitempty"`
	OMAMean          *jsonFloat `json:"oma_mean,omitempty"`
	OMARMS           *jsonFloat `json:"oma_rms,omitempty"`
	ConsistencyRatio *jsonFloat `json:"consistency_ratio,omitempty"`
	RMSESmoothed     *jsonFloat `json:"rmse_smoothed,omitempty"`
	SpreadSmoothed   *jsonFloat `json:"spread_smoothed,omitempty"`
	Smoothed         *int       `json:"smoothed,omitempty"`
	ESSMean          *jsonFloat `json:"ess_mean,omitempty"`
	ESSMin           *jsonFloat `json:"ess_min,omitempty"`
	Resamplings      *int       `json:"resamplings,omitempty"`
	InnerMean        *jsonFloat `json:"inner_mean,omitempty"`
	CostIncreases    *int       `json:"cost_increases,omitempty"`

	cycleResultsJSON
}

// MarshalJSON encodes the summary with the field names of its tags; a
// NaN or infinite number (a score over no analyses, a diverged run) is
// written as null, so the output is always valid JSON. Without a truth
// the RMSE fields are null and "truth": false is added; the
// observation-space fields appear only with HasObsScores.
func (s Summary) MarshalJSON() ([]byte, error) {
	out := summaryJSON{
		Cycle: s.Cycle, Kind: s.Kind, Seed: s.Seed, Members: s.Members,
		Steps: s.Steps, Analyses: s.Analyses, Spinup: s.Spinup,
		RMSEAnalysis: jsonFloat(s.RMSEAnalysis), RMSEForecast: jsonFloat(s.RMSEForecast),
		SpreadAnalysis: jsonFloat(s.SpreadAnalysis), SpreadForecast: jsonFloat(s.SpreadForecast),
		WallSeconds: jsonFloat(s.WallSeconds), SecondsPerCycle: jsonFloat(s.SecondsPerCycle),
		ConfigHash: s.ConfigHash,
	}
	if s.NoTruth {
		f := false
		out.Truth = &f
		out.RMSEAnalysis, out.RMSEForecast = jsonFloat(math.NaN()), jsonFloat(math.NaN())
	}
	if s.HasObsScores {
		n := s.ObsAssimilated
		fl := func(v float64) *jsonFloat { j := jsonFloat(v); return &j }
		out.ObsAssimilated = &n
		out.OMFMean, out.OMFRMS = fl(s.OMFMean), fl(s.OMFRMS)
		out.OMAMean, out.OMARMS = fl(s.OMAMean), fl(s.OMARMS)
		out.ConsistencyRatio = fl(s.ConsistencyRatio)
	}
	if s.HasSmoothed {
		r, sp, n := jsonFloat(s.RMSESmoothed), jsonFloat(s.SpreadSmoothed), s.Smoothed
		if s.NoTruth {
			r = jsonFloat(math.NaN())
		}
		out.RMSESmoothed, out.SpreadSmoothed, out.Smoothed = &r, &sp, &n
	}
	if s.HasESS {
		mean, least, n := jsonFloat(s.ESSMean), jsonFloat(s.ESSMin), s.Resamplings
		out.ESSMean, out.ESSMin, out.Resamplings = &mean, &least, &n
	}
	if s.HasVar {
		inner, n := jsonFloat(s.InnerMean), s.CostIncreases
		out.InnerMean, out.CostIncreases = &inner, &n
	}

	s.fillCycleResults(&out)
	return json.Marshal(out)
}

// WriteJSON writes the summary as one JSON object and a newline (see
// [Summary.MarshalJSON]: NaN and ±Inf become null).
func (s *Summary) WriteJSON(w io.Writer) error {
	b, err := json.Marshal(*s)
	if err != nil {
		return fmt.Errorf("summary: encoding JSON: %w", err)
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("summary: writing JSON: %w", err)
	}
	return nil
}

// WriteText writes a short aligned summary for people:
//
//	cycle     l96_etkf (etkf), seed 1, 40 members
//	analyses  10000 counted after 1000 spin-up, 11000 steps
//	rmse      analysis 0.1812   forecast 0.2105
//	spread    analysis 0.1701   forecast 0.1994
//	time      1.234 s wall, 112.2 µs per cycle
//	config    3f2a…
//
// A cycle with no analyses (a forecast) gets its steps and, for an
// ensemble, its time-mean spread instead of the score lines. A run with no
// truth has no rmse line; observation-space scores, when present, follow
// the spread:
//
//	obs       400000 values assimilated
//	o-f       mean 0.0123     rms 1.0412
//	o-a       mean 0.0050     rms 0.6021
//	ratio     0.9871 (mean (O-F)² / mean (HPH' + R))
//
// and a variational analysis adds how its minimisations went:
//
//	minimiser inner 8.3333    per outer loop, cost not reduced in 0 analyses
//
// A da cycle's single state is "one state" instead of a member count, and
// an analysis that reports no error variance (4D-Var, a user Go analysis)
// has its spread "not available".
func (s *Summary) WriteText(w io.Writer) error {
	if s.Parts != nil {
		return s.writeSequenceText(w)
	}
	var line string
	kind := ""
	if s.Kind != "" {
		kind = " (" + s.Kind + ")"
	}
	unit := "member"
	if s.Kind == "pf" {
		unit = "particle"
	}
	members := "1 " + unit
	switch {
	case s.Members == 0:
		members = "one state" // a da cycle's
	case s.Members != 1:
		members = fmt.Sprintf("%d %ss", s.Members, unit)
	}
	line += fmt.Sprintf("%-9s %s%s, seed %d, %s\n", "cycle", s.Cycle, kind, s.Seed, members)
	if s.Analyses > 0 || s.Spinup > 0 {
		line += fmt.Sprintf("%-9s %d counted after %d spin-up, %d steps\n", "analyses", s.Analyses, s.Spinup, s.Steps)
		if !s.NoTruth {
			line += fmt.Sprintf("%-9s analysis %-10s forecast %s\n", "rmse", fmtScore(s.RMSEAnalysis), fmtScore(s.RMSEForecast))
		}
		if math.IsNaN(s.SpreadAnalysis) && math.IsNaN(s.SpreadForecast) {
			line += fmt.Sprintf("%-9s not available (the analysis reports no error variance)\n", "spread")
		} else {
			line += fmt.Sprintf("%-9s analysis %-10s forecast %s\n", "spread", fmtScore(s.SpreadAnalysis), fmtScore(s.SpreadForecast))
		}
	} else if text := s.CycleResults.text(); text != "" {
		line += text
	} else {
		// A forecast has no observations: no analyses and no errors to
		// score, only the spread of an ensemble.
		line += fmt.Sprintf("%-9s %d steps, no observations\n", "forecast", s.Steps)
		if s.Members > 1 {
			line += fmt.Sprintf("%-9s %s (time mean)\n", "spread", fmtScore(s.SpreadForecast))
		}
	}
	if s.HasObsScores {
		line += fmt.Sprintf("%-9s %d values assimilated\n", "obs", s.ObsAssimilated)
		line += fmt.Sprintf("%-9s mean %-10s rms %s\n", "o-f", fmtScore(s.OMFMean), fmtScore(s.OMFRMS))
		line += fmt.Sprintf("%-9s mean %-10s rms %s\n", "o-a", fmtScore(s.OMAMean), fmtScore(s.OMARMS))
		if math.IsNaN(s.ConsistencyRatio) {
			line += fmt.Sprintf("%-9s not available (no ensemble spread: HPH' unknown)\n", "ratio")
		} else {
			line += fmt.Sprintf("%-9s %s (mean (O-F)² / mean (HPH' + R))\n", "ratio", fmtScore(s.ConsistencyRatio))
		}
	}
	if s.HasSmoothed && math.IsNaN(s.SpreadSmoothed) && !s.NoTruth {
		// A single smoothed state (the smoother cycle's) has no spread.
		line += fmt.Sprintf("%-9s rmse %-14s over %d analysis times\n", "smoothed", fmtScore(s.RMSESmoothed), s.Smoothed)
	} else if s.HasSmoothed {
		if !s.NoTruth {
			line += fmt.Sprintf("%-9s rmse %-14s spread %s over %d analysis times\n", "smoothed", fmtScore(s.RMSESmoothed), fmtScore(s.SpreadSmoothed), s.Smoothed)
		} else {
			line += fmt.Sprintf("%-9s spread %s over %d analysis times\n", "smoothed", fmtScore(s.SpreadSmoothed), s.Smoothed)
		}
	}
	if s.HasESS {
		line += fmt.Sprintf("%-9s mean %-10s least %s, resampled after %d analyses\n", "ess", fmtScore(s.ESSMean), fmtScore(s.ESSMin), s.Resamplings)
	}
	if s.HasVar {
		line += fmt.Sprintf("%-9s inner %-9s per outer loop, cost not reduced in %d analyses\n", "minimiser", fmtScore(s.InnerMean), s.CostIncreases)
	}
	line += fmt.Sprintf("%-9s %.3f s wall, %s per cycle\n", "time", s.WallSeconds, fmtDuration(s.SecondsPerCycle))
	if s.ConfigHash != "" {
		line += fmt.Sprintf("%-9s %s\n", "config", s.ConfigHash)
	}
	if _, err := io.WriteString(w, line); err != nil {
		return fmt.Errorf("summary: writing text: %w", err)
	}
	return nil
}

// fmtScore prints a score with four decimals, so columns line up.
func fmtScore(v float64) string {
	return fmt.Sprintf("%.4f", v)
}

// fmtDuration prints seconds in a readable unit.
func fmtDuration(sec float64) string {
	switch {
	case math.IsNaN(sec) || math.IsInf(sec, 0):
		return fmt.Sprint(sec)
	case sec >= 1:
		return fmt.Sprintf("%.3g s", sec)
	case sec >= 1e-3:
		return fmt.Sprintf("%.3g ms", sec*1e3)
	case sec >= 1e-6:
		return fmt.Sprintf("%.3g µs", sec*1e6)
	default:
		return fmt.Sprintf("%.3g ns", sec*1e9)
	}
}
