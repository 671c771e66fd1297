package sequence

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
	"gonum.org/v1/gonum/mat"
)

// finish runs a started part to its end.
func finish(t *testing.T, c cycrt.Stepper) {
	t.Helper()
	for !c.Done() {
		if err := c.Next(); err != nil {
			t.Fatal(err)
		}
	}
}

// sameBits reports whether a and b hold the same float64 bits.
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// draws are the members a cycle draws around mean with std from seed.
func draws(members int, mean []float64, std float64, seed uint64) []float64 {
	E := cycrt.NewEnsemble(members, len(mean))
	s := cycrt.NewStream(seed, cycrt.PurposeEnsembleInit, 0)
	for k := range members {
		s.Reset(seed, cycrt.PurposeEnsembleInit, uint64(k))
		cycrt.InitNormal(E.Member(k), mean, std, s)
	}
	return E.Data
}

// TestDay runs the sequence Twin, Spread, Free, Excursion, Rolling and the
// same chain by hand through Handover and StartFrom: an ensemble into an
// ensemble of the same size is copied, an ensemble into a single state is
// its mean, and a single state into a single state is itself. The
// sequence's parts end with the same bits as the chain.
func TestDay(t *testing.T) {
	day := NewDay()
	sum, err := day.Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}

	var h cycrt.Handover
	tw := NewTwin()
	if err := tw.Start(); err != nil {
		t.Fatal(err)
	}
	finish(t, tw)
	tw.Handover(&h)
	sp := NewSpread()
	if err := sp.StartFrom(&h); err != nil {
		t.Fatal(err)
	}
	if !sameBits(sp.E.Data, tw.E.Data) {
		t.Error("Spread does not start from Twin's final ensemble")
	}
	finish(t, sp)
	sp.Handover(&h)
	fr := NewFree()
	if err := fr.StartFrom(&h); err != nil {
		t.Fatal(err)
	}
	mean := make([]float64, Lorenz63StateSize)
	sp.E.Mean(mean)
	if !sameBits(fr.X[:], mean) {
		t.Errorf("Free starts at %v, want the mean of Spread's ensemble %v", fr.X, mean)
	}
	finish(t, fr)
	fr.Handover(&h)
	ex := NewExcursion()
	if err := ex.StartFrom(&h); err != nil {
		t.Fatal(err)
	}
	if ex.X != fr.X {
		t.Errorf("Excursion starts at %v, want Free's final state %v", ex.X, fr.X)
	}
	finish(t, ex)
	ex.Handover(&h)
	ro := NewRolling()
	if err := ro.StartFrom(&h); err != nil {
		t.Fatal(err)
	}
	if ro.X != ex.X || !(ro.X[2] > 40) {
		t.Errorf("Rolling starts at %v, want Excursion's final state %v, above z = 40", ro.X, ex.X)
	}
	finish(t, ro)

	for _, p := range []struct {
		name       string
		day, chain []float64
	}{
		{"Twin", day.Twin.E.Data, tw.E.Data},
		{"Spread", day.Spread.E.Data, sp.E.Data},
		{"Free", day.Free.X[:], fr.X[:]},
		{"Excursion", day.Excursion.X[:], ex.X[:]},
		{"Rolling", day.Rolling.X[:], ro.X[:]},
	} {
		if !sameBits(p.day, p.chain) {
			t.Errorf("%s ends differently in the sequence and in the chain by hand", p.name)
		}
	}

	if sum.Kind != "sequence" || len(sum.Parts) != 5 {
		t.Fatalf("summary of kind %q with %d parts, want sequence and 5", sum.Kind, len(sum.Parts))
	}
	names := []string{"Twin", "Spread", "Free", "Excursion", "Rolling"}
	steps := 0
	for i, p := range sum.Parts {
		if p.Cycle != names[i] || !(p.WallSeconds >= 0) {
			t.Errorf("part %d: %s, wall %v s; want %s", i+1, p.Cycle, p.WallSeconds, names[i])
		}
		steps += p.Steps
	}
	iters := sum.Parts[3].Iterations
	if want := 1000 + 50 + 100 + iters + 200; sum.Steps != want || steps != want {
		t.Errorf("%d steps, parts' %d, want %d", sum.Steps, steps, want)
	}
	if p := sum.Parts[3]; !p.Converged || iters < 1 || !(p.FinalState[2] > 40) {
		t.Errorf("Excursion: converged %v after %d steps at %v", p.Converged, iters, p.FinalState)
	}
	if p := sum.Parts[0]; p.Analyses != 30 || !(p.RMSEAnalysis < 2) {
		t.Errorf("Twin: %d analyses, RMSE %v", p.Analyses, p.RMSEAnalysis)
	}
	if p := sum.Parts[4]; p.Windows != 19 {
		t.Errorf("Rolling: %d windows, want 19", p.Windows)
	}
}

// TestOnto starts a twin experiment from a free run, whose final state
// becomes its truth with members drawn around it from Twin's own init
// spread, then carries its ensemble on with fewer members, drawn around
// its mean from Few's spread.
func TestOnto(t *testing.T) {
	onto := NewOnto()
	if err := onto.Start(); err != nil {
		t.Fatal(err)
	}
	finish(t, onto.Free)
	free := onto.Free.X
	if err := onto.Next(); err != nil { // hands over, starts Twin, makes its first cycle
		t.Fatal(err)
	}
	fresh := NewTwin()
	var h cycrt.Handover
	h.SetState(free[:])
	if err := fresh.StartFrom(&h); err != nil {
		t.Fatal(err)
	}
	if fresh.Truth != free || !sameBits(fresh.E.Data, draws(TwinMembers, free[:], 1, 5)) {
		t.Errorf("Twin started from a single state: truth %v (want %v), members not drawn around it", fresh.Truth, free)
	}
	finish(t, onto)
	mean := make([]float64, Lorenz63StateSize)
	onto.Twin.E.Mean(mean)
	few := NewFew()
	onto.Twin.Handover(&h)
	if err := few.StartFrom(&h); err != nil {
		t.Fatal(err)
	}
	if !sameBits(few.E.Data, draws(FewMembers, mean, 0.5, 1)) {
		t.Error("Few does not draw its 6 members around the mean of Twin's 10")
	}
	sum, err := onto.Summary()
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Parts) != 3 || sum.Parts[1].Analyses != 30 {
		t.Errorf("summary: %d parts, Twin's %d analyses", len(sum.Parts), sum.Parts[1].Analyses)
	}
}

// TestCarry runs the sequence Track, Retrack, Spread and the same chain
// by hand: the second extended Kalman filter starts with the first one's
// final state and covariance (not its own std² I = 9 I), and the
// ensemble forecast after it draws its members from N(state, P), member k
// = state + L z_k with L L' = P and z_k the standard normal draws of its
// stream. (P is singular to rounding here: the filter has no model error
// and Lorenz-63 contracts one direction fast, so this takes the
// eigendecomposition's square root, not the Cholesky factor.)
func TestCarry(t *testing.T) {
	carry := NewCarry()
	if _, err := carry.Run(t.Context(), cycrt.RunOptions{}); err != nil {
		t.Fatal(err)
	}

	var h cycrt.Handover
	tr := NewTrack()
	if err := tr.Start(); err != nil {
		t.Fatal(err)
	}
	finish(t, tr)
	tr.Handover(&h)
	re := NewRetrack()
	if err := re.StartFrom(&h); err != nil {
		t.Fatal(err)
	}
	P := append([]float64(nil), tr.filter.Cov()...)
	if !sameBits(re.filter.Cov(), P) || !sameBits(re.E.Member(0), tr.E.Member(0)) || re.Truth != tr.Truth {
		t.Fatalf("Retrack starts with covariance %v, state %v; want Track's %v, %v", re.filter.Cov(), re.E.Member(0), P, tr.E.Member(0))
	}
	if P[0] >= 9 || P[0] <= 0 {
		t.Fatalf("Track's final variance %v: the test cannot tell its covariance from Retrack's own 9 I", P[0])
	}
	finish(t, re)
	re.Handover(&h)
	sp := NewSpread()
	if err := sp.StartFrom(&h); err != nil {
		t.Fatal(err)
	}

	// D = L Z: the deviations of the members from the state are a fixed
	// square root L of P times the standard draws Z. Recover L by least
	// squares, L = D Z' (Z Z')^-1, and require D = L Z and L L' = P.
	n := Lorenz63StateSize
	state := re.E.Member(0)
	D := mat.NewDense(n, SpreadMembers, nil)
	Z := mat.NewDense(n, SpreadMembers, nil)
	z := draws(SpreadMembers, make([]float64, n), 1, 1)
	for k := range SpreadMembers {
		for i := range n {
			D.Set(i, k, sp.E.Member(k)[i]-state[i])
			Z.Set(i, k, z[k*n+i])
		}
	}
	var zz, dz, lt, back, llt mat.Dense
	zz.Mul(Z, Z.T())
	dz.Mul(D, Z.T())
	if err := lt.Solve(&zz, dz.T()); err != nil { // (Z Z') L' = Z D'
		t.Fatal(err)
	}
	L := lt.T()
	back.Mul(L, Z)
	llt.Mul(L, &lt)
	if !mat.EqualApprox(&back, D, 1e-12) || !mat.EqualApprox(&llt, mat.NewDense(n, n, re.filter.Cov()), 1e-12) {
		t.Fatalf("Spread's members are not the state plus a square root of Retrack's covariance %v times the draws:\nL L' = %v",
			re.filter.Cov(), mat.Formatted(&llt))
	}
	if !sameBits(carry.Retrack.filter.Cov(), re.filter.Cov()) || !sameBits(carry.Spread.E.Data, finishCopy(t, sp)) {
		t.Error("the sequence's parts end with other bits than the chain by hand")
	}
}

// finishCopy runs the started ensemble forecast sp to its end and returns
// a copy of its members.
func finishCopy(t *testing.T, sp *Spread) []float64 {
	t.Helper()
	finish(t, sp)
	return append([]float64(nil), sp.E.Data...)
}

// TestAgain runs Onto's parts in its place and then Free again: the
// second run is a part of its own, which starts from the mean of Few's
// final ensemble, is set with its first run by "Free." and alone by
// "Free#2.", is hashed and writes its history under "Free#2".
func TestAgain(t *testing.T) {
	again := NewAgain()
	parts := again.Parts()
	if len(parts) != 4 || parts[0] != again.Free || parts[1] != again.Twin || parts[2] != again.Few || parts[3] != again.Free2 || again.Free == again.Free2 {
		t.Fatalf("parts %v, want Free, Twin, Few and a second Free", parts)
	}
	if err := again.Set("Free.steps", "60"); err != nil {
		t.Fatal(err)
	}
	if err := again.Set("Free#2.steps", "30"); err != nil {
		t.Fatal(err)
	}
	if again.Free.Steps != 60 || again.Free2.Steps != 30 {
		t.Errorf("steps %d and %d after Free.steps=60, Free#2.steps=30; want 60 and 30", again.Free.Steps, again.Free2.Steps)
	}
	if err := again.Set("Free#3.steps", "1"); err == nil || !strings.Contains(err.Error(), `cycle Again has no setting "Free#3.steps"`) {
		t.Errorf("a third run's setting gave %v", err)
	}
	h := cycrt.NewConfigHash()
	if err := again.Config(h); err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, s := range h.Settings() {
		found[s.Name] = s.Value
	}
	if found["Free.steps"] != "60" || found["Free#2.steps"] != "30" || found["Few.steps"] != "50" {
		t.Errorf("hashed settings %v", h.Settings())
	}

	dir := t.TempDir()
	again.Dir = dir
	if _, err := again.Run(t.Context(), cycrt.RunOptions{HistoryPath: filepath.Join(dir, "again.nc")}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"again.Free.nc", "again.Twin.nc", "again.Free#2.nc"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("history %s: %v", name, err)
		}
	}
	mean := make([]float64, Lorenz63StateSize)
	again.Few.E.Mean(mean)
	fresh := NewFree()
	fresh.Steps = 30
	var hand cycrt.Handover
	hand.SetState(mean)
	if err := fresh.StartFrom(&hand); err != nil {
		t.Fatal(err)
	}
	finish(t, fresh)
	if fresh.X != again.Free2.X || again.Free2.X == again.Free.X {
		t.Errorf("Free's second run ends at %v, want %v (from the mean of Few's members), not its first run's %v", again.Free2.X, fresh.X, again.Free.X)
	}
}

// TestSet reaches each part's settings through its name.
func TestSet(t *testing.T) {
	day := NewDay()
	for _, s := range [][2]string{{"Twin.steps", "500"}, {"Free.rho", "27"}, {"Rolling.lorenz63.L63.beta", "2.5"}, {"Excursion.seed", "8"}} {
		if err := day.Set(s[0], s[1]); err != nil {
			t.Fatalf("Set(%q, %q): %v", s[0], s[1], err)
		}
	}
	if day.Twin.Steps != 500 || day.Free.Rho != 27 || day.Rolling.Lorenz63L63.Beta != 2.5 || day.Excursion.Seed != 8 || day.Spread.Steps != 50 {
		t.Errorf("settings applied: Twin.steps %d, Free.rho %v, Rolling.beta %v, Excursion.seed %d, Spread.steps %d",
			day.Twin.Steps, day.Free.Rho, day.Rolling.Lorenz63L63.Beta, day.Excursion.Seed, day.Spread.Steps)
	}
	for name, want := range map[string]string{
		"steps":        `cycle Day has no setting "steps": the settings of a sequence are those of its parts, prefixed by the part's name (Twin.steps, Spread.steps, Free.steps, Excursion.steps, Rolling.steps, …)`,
		"Twin.members": `cycle Twin has no setting "members"`,
	} {
		if err := day.Set(name, "1"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Set(%q) gave %v, want %q", name, err, want)
		}
	}
}

// TestConfig hashes every part's settings under its name.
func TestConfig(t *testing.T) {
	hash := func(set ...string) (string, []cycrt.Setting) {
		day := NewDay()
		for i := 0; i < len(set); i += 2 {
			if err := day.Set(set[i], set[i+1]); err != nil {
				t.Fatal(err)
			}
		}
		h := cycrt.NewConfigHash()
		if err := day.Config(h); err != nil {
			t.Fatal(err)
		}
		return h.Sum(), h.Settings()
	}
	base, settings := hash()
	found := map[string]string{}
	for _, s := range settings {
		found[s.Name] = s.Value
	}
	if found["Twin.steps"] != "1000" || found["Free.lorenz63.L63.rho"] != "28" || found["Excursion.steps"] != "5000" {
		t.Errorf("settings %v", settings)
	}
	if a, _ := hash("Twin.steps", "1000"); a != base {
		t.Error("setting a part to its default changed the hash")
	}
	if a, _ := hash("Free.steps", "99"); a == base {
		t.Error("a part's setting does not change the hash")
	}
	if a, _ := hash("Spread.steps", "99"); a == mustHash(t, "Free.steps", "99") {
		t.Error("the same setting of two parts gives the same hash")
	}
}

func mustHash(t *testing.T, name, value string) string {
	t.Helper()
	day := NewDay()
	if err := day.Set(name, value); err != nil {
		t.Fatal(err)
	}
	h := cycrt.NewConfigHash()
	if err := day.Config(h); err != nil {
		t.Fatal(err)
	}
	return h.Sum()
}

// TestHistories writes the history of each part that records one to a
// file of its own; Free's first record is the state it was handed, the
// mean of Spread's final ensemble.
func TestHistories(t *testing.T) {
	dir := t.TempDir()
	day := NewDay()
	day.Dir = dir
	if _, err := day.Run(t.Context(), cycrt.RunOptions{HistoryPath: filepath.Join(dir, "day.history")}); err != nil {
		t.Fatal(err)
	}
	if day.Twin.Dir != dir || day.Rolling.Dir != dir {
		t.Errorf("parts' Dir %q and %q, want the sequence's %q", day.Twin.Dir, day.Rolling.Dir, dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		files = append(files, e.Name())
	}
	if strings.Join(files, " ") != "day.Free.history day.Twin.history" {
		t.Fatalf("files %v, want day.Free.history and day.Twin.history", files)
	}
	data, err := os.ReadFile(filepath.Join(dir, "day.Free.history"))
	if err != nil {
		t.Fatal(err)
	}
	var first []string
	records := 0
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 3 && !strings.HasPrefix(line, "#") {
			if records == 0 {
				first = f
			}
			records++
		}
	}
	mean := make([]float64, Lorenz63StateSize)
	day.Spread.E.Mean(mean)
	if records != 11 || len(first) < 6 || first[0] != "0" {
		t.Fatalf("Free's history has %d records, first %v; want 11 from step 0", records, first)
	}
	for i := range mean {
		if v, err := strconv.ParseFloat(first[3+i], 64); err != nil || v != mean[i] {
			t.Errorf("Free's first record has %s at %d, want the mean %v", first[3+i], i, mean[i])
		}
	}
}

// TestNextAllocatesNothing times Next of the sequence within a part.
func TestNextAllocatesNothing(t *testing.T) {
	day := NewDay()
	if err := day.Start(); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(20, func() {
		if err := day.Next(); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Next allocates %v times, want 0", n)
	}
}
