// Tests of the config hash.

package runtime

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestConfigHashKnownAnswer(t *testing.T) {
	// The digest of docs/checkpoint-format.md's definition, computed there
	// by its Python snippet from the same inputs.
	dir := t.TempDir()
	obs := filepath.Join(dir, "obs.csv")
	if err := os.WriteFile(obs, []byte("time,y0\n0,1.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := NewConfigHash()
	h.AddSetting("steps", "100")
	if err := h.AddFile("obs_file", obs); err != nil {
		t.Fatal(err)
	}
	h.AddBytes("program", []byte("cycle Twin = ensemble_da {}\n"))
	h.AddSetting("F", "8")
	if got, want := h.Sum(), "f7d238c70d033c1d"; got != want {
		t.Errorf("Sum = %s, want %s", got, want)
	}
	if got := len(h.Sum()); got != ConfigHashDigits {
		t.Errorf("Sum has %d digits, want %d", got, ConfigHashDigits)
	}
	if want := []Setting{{"F", "8"}, {"steps", "100"}}; !slices.Equal(h.Settings(), want) {
		t.Errorf("Settings = %v, want %v", h.Settings(), want)
	}
}

func TestConfigHashDistinguishes(t *testing.T) {
	type input func(h *ConfigHash)
	build := func(ins ...input) string {
		h := NewConfigHash()
		for _, in := range ins {
			in(h)
		}
		return h.Sum()
	}
	b := func(label, s string) input { return func(h *ConfigHash) { h.AddBytes(label, []byte(s)) } }
	set := func(name, value string) input { return func(h *ConfigHash) { h.AddSetting(name, value) } }
	// Pairs that must differ: each shifts bytes across a boundary that a
	// plain concatenation would lose, or changes one input.
	for _, tc := range []struct {
		name string
		a, b []input
	}{
		{"label/content boundary", []input{b("ab", "c")}, []input{b("a", "bc")}},
		{"content split across inputs", []input{b("x", "ab"), b("y", "c")}, []input{b("x", "a"), b("y", "bc")}},
		{"setting name/value boundary", []input{set("ab", "c")}, []input{set("a", "bc")}},
		{"setting vs data", []input{set("F", "8")}, []input{b("F", "8")}},
		{"one more setting", []input{set("F", "8")}, []input{set("F", "8"), set("G", "")}},
		{"empty data counts", []input{}, []input{b("", "")}},
		{"changed value", []input{set("steps", "100")}, []input{set("steps", "101")}},
		{"changed content", []input{b("program", "x = 1")}, []input{b("program", "x = 2")}},
		{"duplicated data", []input{b("a", "1")}, []input{b("a", "1"), b("a", "1")}},
	} {
		if build(tc.a...) == build(tc.b...) {
			t.Errorf("%s: the two configurations hash alike", tc.name)
		}
	}
	// Order does not matter, and a later setting of a name wins.
	ins := []input{b("program", "p"), b("import a.cyc", "a"), set("steps", "1"), set("seed", "2"), b("import b.cyc", "b")}
	want := build(ins...)
	rev := slices.Clone(ins)
	slices.Reverse(rev)
	if got := build(rev...); got != want {
		t.Errorf("reversed order: %s, want %s", got, want)
	}
	if got := build(append([]input{set("steps", "999")}, ins...)...); got != want {
		t.Errorf("an overridden setting changed the hash: %s, want %s", got, want)
	}
}

func TestConfigHashFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "weights.safetensors")
	content := []byte(strings.Repeat("0123456789", 100000)) // 1 MB, streamed
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	fromFile := NewConfigHash()
	if err := fromFile.AddFile("neural emu", p); err != nil {
		t.Fatal(err)
	}
	fromBytes := NewConfigHash()
	fromBytes.AddBytes("neural emu", content)
	if fromFile.Sum() != fromBytes.Sum() {
		t.Error("a file and its bytes under one label hash differently")
	}
	content[len(content)-1] = 'x'
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	changed := NewConfigHash()
	if err := changed.AddFile("neural emu", p); err != nil {
		t.Fatal(err)
	}
	if changed.Sum() == fromFile.Sum() {
		t.Error("changing the last byte of a data file did not change the hash")
	}
	missing := filepath.Join(dir, "obs.csv")
	err := NewConfigHash().AddFile("obs_file", missing)
	if err == nil || !strings.Contains(err.Error(), "config hash: obs_file: ") || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: error %v, want one naming the label and %s", err, missing)
	}
	if err := NewConfigHash().AddFile("dir", dir); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("a directory: error %v, want one naming it", err)
	}
}

func TestConfigHashDigest(t *testing.T) {
	b := []byte("cycle Twin = ensemble_da {}\n")
	direct, viaDigest := NewConfigHash(), NewConfigHash()
	direct.AddBytes("program", b)
	if err := viaDigest.AddDigest("program", Digest(b)); err != nil {
		t.Fatal(err)
	}
	if direct.Sum() != viaDigest.Sum() {
		t.Errorf("AddDigest(Digest(b)) gives %s, AddBytes(b) %s", viaDigest.Sum(), direct.Sum())
	}
	good := Digest(b)
	for _, bad := range []string{"", "12", "x:" + good[3:], good + "0", strings.ToUpper(good), "28:" + strings.Repeat("g", 64)} {
		if err := NewConfigHash().AddDigest("program", bad); err == nil || !strings.Contains(err.Error(), "program") {
			t.Errorf("AddDigest(%q) = %v, want an error naming the label", bad, err)
		}
	}
}

func TestCheckpointCounters(t *testing.T) {
	var c Checkpoint
	c.PutCounters("counters", 7, 0, 1<<40)
	var a, b, d int
	if err := c.Counters("counters", &a, &b, &d); err != nil || a != 7 || b != 0 || d != 1<<40 {
		t.Errorf("Counters = %d %d %d, %v", a, b, d, err)
	}
	if err := c.Counters("counters", &a, &b); err == nil || !strings.Contains(err.Error(), "holds 3 values, want 2") {
		t.Errorf("Counters of the wrong length: %v", err)
	}
	c.PutInts("neg", []int64{3, -1})
	a, b = 5, 5
	if err := c.Counters("neg", &a, &b); err == nil || !strings.Contains(err.Error(), "counter 1 is -1") || a != 5 {
		t.Errorf("a negative counter: %v, and a = %d", err, a)
	}
}
