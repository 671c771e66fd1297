package runtime

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestParticleStats checks the spin-up, the means, the checkpoint round
// trip and what the summary says.
func TestParticleStats(t *testing.T) {
	s := NewParticleStats(2)
	for i, ess := range []float64{1, 2, 50, 10, 30} {
		s.Add(ess, i%2 == 0)
	}
	var sum Summary
	s.Fill(&sum)
	if !sum.HasESS || sum.ESSMean != 30 || sum.ESSMin != 10 || sum.Resamplings != 2 {
		t.Fatalf("summary %+v, want mean 30, least 10, 2 resamplings after the spin-up", sum)
	}
	ck := &Checkpoint{}
	s.SaveCheckpoint(ck, "pstats")
	r := NewParticleStats(2)
	if err := r.RestoreCheckpoint(ck, "pstats"); err != nil {
		t.Fatal(err)
	}
	s.Add(20, true)
	r.Add(20, true)
	var a, b Summary
	s.Fill(&a)
	r.Fill(&b)
	if a.ESSMean != b.ESSMean || a.ESSMin != b.ESSMin || a.Resamplings != b.Resamplings {
		t.Errorf("restored scores %+v differ from the original %+v", b, a)
	}
	if err := NewParticleStats(3).RestoreCheckpoint(ck, "pstats"); err == nil || !strings.Contains(err.Error(), "spin-up 2, not 3") {
		t.Errorf("a different spin-up: error %v", err)
	}
	var empty Summary
	NewParticleStats(0).Fill(&empty)
	if !math.IsNaN(empty.ESSMean) || !math.IsNaN(empty.ESSMin) {
		t.Errorf("no analyses: mean %v, least %v, want NaN", empty.ESSMean, empty.ESSMin)
	}
	raw, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(`"ess_mean":27.5`)) || !bytes.Contains(raw, []byte(`"resamplings":3`)) {
		t.Errorf("JSON %s lacks the particle scores", raw)
	}
	if raw, _ := json.Marshal(Summary{}); bytes.Contains(raw, []byte("ess")) {
		t.Errorf("a summary without particle scores has them: %s", raw)
	}
	var text bytes.Buffer
	if err := a.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "ess       mean 27.5000    least 10.0000, resampled after 3 analyses") {
		t.Errorf("text summary:\n%s", text.String())
	}
}
