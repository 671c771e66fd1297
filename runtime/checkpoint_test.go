// Tests of the checkpoint container: round trips, refusals, atomic writes.

package runtime

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"
)

// sampleCheckpoint returns a checkpoint with one section of every kind,
// awkward floats included, and settings given out of order.
func sampleCheckpoint() *Checkpoint {
	c := &Checkpoint{
		Program: "l96.cyc", Cycle: "Twin", Version: "0.1.0", ConfigHash: "0123456789abcdef",
		Settings: []Setting{{"steps", "11000"}, {"F", "8"}, {"seed", "1"}, {"obs_file", "données/obs.csv"}},
	}
	c.PutFloats("E", []float64{1, -0.0, math.Inf(1), math.Inf(-1), math.NaN(), math.Float64frombits(0x7ff8dead0000beef), 5e-324, math.MaxFloat64})
	c.PutUints("stream", []uint64{0, math.MaxUint64, 1 << 63})
	c.PutInts("counters", []int64{-1, math.MinInt64, math.MaxInt64, 42})
	c.PutBytes("history", []byte("step time kind\n\x00\xff"))
	c.PutFloats("empty", nil)
	return c
}

// encoded returns the file bytes of c.
func encoded(t testing.TB, c *Checkpoint) []byte {
	t.Helper()
	b, err := c.encode()
	if err != nil {
		t.Fatal(err)
	}
	return slices.Clone(b)
}

// refix rewrites the length field and CRC of a checkpoint's bytes to match
// them, so tests (and the fuzzer) reach the parser behind the checksum.
func refix(b []byte) []byte {
	b = slices.Clone(b)
	p := len(checkpointMagic) + 4
	if len(b) < ckptPreamble+ckptTrailer {
		return b
	}
	binary.LittleEndian.PutUint64(b[p:], uint64(len(b)))
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], castagnoli))
	return b
}

func TestCheckpointRoundTrip(t *testing.T) {
	c := sampleCheckpoint()
	path := filepath.Join(t.TempDir(), "run.Twin.ckpt")
	if err := WriteCheckpoint(path, c); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Program != c.Program || got.Cycle != c.Cycle || got.Version != c.Version || got.ConfigHash != c.ConfigHash {
		t.Errorf("header = %q %q %q %q, want %q %q %q %q", got.Program, got.Cycle, got.Version, got.ConfigHash, c.Program, c.Cycle, c.Version, c.ConfigHash)
	}
	if want := sortedSettings(c.Settings); !slices.Equal(got.Settings, want) {
		t.Errorf("settings = %v, want %v (sorted)", got.Settings, want)
	}
	if want := []string{"E", "counters", "empty", "history", "stream"}; !slices.Equal(got.Names(), want) {
		t.Errorf("names = %v, want %v", got.Names(), want)
	}
	for _, name := range []string{"E", "empty"} {
		n, _, _ := c.Len(name)
		want, dst := make([]float64, n), make([]float64, n)
		if err := c.Floats(name, want); err != nil {
			t.Fatal(err)
		}
		if err := got.Floats(name, dst); err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if math.Float64bits(dst[i]) != math.Float64bits(want[i]) {
				t.Errorf("%s[%d] bits %#x, want %#x", name, i, math.Float64bits(dst[i]), math.Float64bits(want[i]))
			}
		}
	}
	u := make([]uint64, 3)
	if err := got.Uints("stream", u); err != nil || !slices.Equal(u, []uint64{0, math.MaxUint64, 1 << 63}) {
		t.Errorf("stream = %v, %v", u, err)
	}
	i := make([]int64, 4)
	if err := got.Ints("counters", i); err != nil || !slices.Equal(i, []int64{-1, math.MinInt64, math.MaxInt64, 42}) {
		t.Errorf("counters = %v, %v", i, err)
	}
	if b, err := got.Bytes("history"); err != nil || string(b) != "step time kind\n\x00\xff" {
		t.Errorf("history = %q, %v", b, err)
	}
	// Same content, same bytes: the file does not depend on the order of
	// the Puts or of the settings.
	again := &Checkpoint{Program: c.Program, Cycle: c.Cycle, Version: c.Version, ConfigHash: c.ConfigHash, Settings: got.Settings}
	for _, name := range slices.Backward(got.Names()) {
		n, kind, _ := got.Len(name)
		switch kind {
		case SectionFloat64:
			v := make([]float64, n)
			_ = got.Floats(name, v)
			again.PutFloats(name, v)
		case SectionUint64:
			v := make([]uint64, n)
			_ = got.Uints(name, v)
			again.PutUints(name, v)
		case SectionInt64:
			v := make([]int64, n)
			_ = got.Ints(name, v)
			again.PutInts(name, v)
		case SectionBytes:
			v, _ := got.Bytes(name)
			again.PutBytes(name, v)
		}
	}
	file, _ := os.ReadFile(path)
	if !bytes.Equal(encoded(t, again), file) {
		t.Error("re-encoding what was read does not give the file's bytes")
	}
}

func TestCheckpointSectionErrors(t *testing.T) {
	c, err := decodeCheckpoint("x.ckpt", encoded(t, sampleCheckpoint()))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		call func() error
		want string
	}{
		{"missing", func() error { return c.Floats("truth", make([]float64, 3)) }, `checkpoint x.ckpt: no section "truth" (sections: E, counters, empty, history, stream)`},
		{"short dst", func() error { return c.Floats("E", make([]float64, 7)) }, `section "E" holds 8 values, want 7`},
		{"wrong kind", func() error { return c.Ints("E", make([]int64, 8)) }, `section "E" holds float64 values, not int64`},
		{"uints of bytes", func() error { return c.Uints("history", nil) }, `section "history" holds byte values, not uint64`},
		{"bytes of floats", func() error { _, err := c.Bytes("E"); return err }, `section "E" holds float64 values, not bytes`},
		{"len missing", func() error { _, _, err := c.Len("nope"); return err }, `no section "nope"`},
	} {
		err := tc.call()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
	// Putting into a section read from a file must not touch its
	// neighbours, which share the file's buffer.
	c.PutBytes("counters", bytes.Repeat([]byte{0xee}, 100))
	if b, err := c.Bytes("history"); err != nil || string(b) != "step time kind\n\x00\xff" {
		t.Errorf("after a Put into a read section, history = %q, %v", b, err)
	}
}

func TestReadCheckpointRefuses(t *testing.T) {
	good := encoded(t, sampleCheckpoint())
	m := len(checkpointMagic)
	withVersion := func(v uint32) []byte {
		b := slices.Clone(good)
		binary.LittleEndian.PutUint32(b[m:], v)
		return refix(b)
	}
	flip := slices.Clone(good)
	flip[len(flip)/2] ^= 0x10
	badKind := slices.Clone(good)
	// The first section is "E": its kind byte follows its 4-byte length and name.
	at := bytes.Index(good, []byte("\x01\x00\x00\x00E\x01")) + 5
	badKind[at] = 9
	hugeCount := slices.Clone(good)
	binary.LittleEndian.PutUint64(hugeCount[at+1:], 1<<61)
	utf := slices.Clone(good)
	utf[bytes.Index(good, []byte("l96.cyc"))] = 0xff
	order := slices.Clone(good)
	copy(order[bytes.Index(good, []byte("counters")):], "Aounters")
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "not a cyclec checkpoint: it starts with , want 89 63 79 63 0d 0a 1a 0a"},
		{"text", []byte("step time kind\n1 2 3\n"), "not a cyclec checkpoint: it starts with 73 74 65 70"},
		{"preamble cut", good[:12], "truncated: 12 bytes, shorter than the 20-byte preamble"},
		{"truncated", good[:len(good)-9], "truncated: "},
		{"trailing", append(slices.Clone(good), 0), "1 bytes after the end of the checkpoint at byte"},
		{"old version", withVersion(0), "format version 0; this runtime reads version 1"},
		{"new version", withVersion(2), "format version 2, from a newer cyclec"},
		{"flipped bit", flip, "corrupt: CRC-32C of bytes 0.."},
		{"bad kind", refix(badKind), "element kind 9, want 1 (float64)"},
		{"huge count", refix(hugeCount), "claims 2305843009213693952 float64 values, more than the"},
		{"bad utf-8", refix(utf), "program name is not valid UTF-8"},
		{"out of order", refix(order), `section "Aounters" is out of order or repeated after "E"`},
	} {
		_, err := decodeCheckpoint("dir/run.ckpt", tc.b)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "checkpoint dir/run.ckpt: ") {
			t.Errorf("%s: error %v, want one naming dir/run.ckpt and containing %q", tc.name, err, tc.want)
		}
	}
	// Every proper prefix of a good file is refused, and so is every file
	// with one byte changed.
	for n := range len(good) {
		if _, err := decodeCheckpoint("p", good[:n]); err == nil {
			t.Fatalf("prefix of %d of %d bytes accepted", n, len(good))
		}
	}
	for i := range good {
		b := slices.Clone(good)
		b[i] ^= 0x01
		if _, err := decodeCheckpoint("p", b); err == nil {
			t.Fatalf("a flipped bit in byte %d was accepted", i)
		}
	}
	dir := t.TempDir()
	if _, err := ReadCheckpoint(filepath.Join(dir, "none.ckpt")); err == nil || !strings.Contains(err.Error(), "none.ckpt") {
		t.Errorf("missing file: error %v, want one naming it", err)
	}
	for _, tc := range []struct {
		name, content, want string
	}{
		{"short.ckpt", "\x89cy", "not a cyclec checkpoint: it starts with 89 63 79,"},
		{"history.nc", "CDF\x02" + strings.Repeat("\x00", 100), "not a cyclec checkpoint: it starts with 43 44 46 02 00 00 00 00,"},
		{"cut.ckpt", string(good[:40]), "truncated: 40 bytes, the header says"},
	} {
		p := filepath.Join(dir, tc.name)
		if err := os.WriteFile(p, []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadCheckpoint(p); err == nil || !strings.Contains(err.Error(), "checkpoint "+p+": "+tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	if err := WriteCheckpoint(filepath.Join(dir, "nil.ckpt"), nil); err == nil {
		t.Error("writing a nil checkpoint succeeded")
	}
}

// TestReadCheckpointBoundedAllocation feeds files whose counts claim far
// more than they hold: the reader must refuse them having allocated about
// as much as the file's size, not what the counts claim.
func TestReadCheckpointBoundedAllocation(t *testing.T) {
	good := encoded(t, sampleCheckpoint())
	settingsAt := ckptPreamble + 4 + len("l96.cyc") + 4 + len("Twin") + 4 + len("0.1.0") + 4 + len("0123456789abcdef")
	sectionsAt := bytes.Index(good, []byte("\x01\x00\x00\x00E\x01")) - 4
	for _, tc := range []struct {
		name string
		at   int
		want string
	}{
		{"settings", settingsAt, "4294967295 settings cannot fit"},
		{"sections", sectionsAt, "4294967295 sections cannot fit"},
	} {
		b := slices.Clone(good)
		binary.LittleEndian.PutUint32(b[tc.at:], math.MaxUint32)
		b = refix(b)
		var before, after goruntime.MemStats
		goruntime.ReadMemStats(&before)
		_, err := decodeCheckpoint("hostile.ckpt", b)
		goruntime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
			t.Errorf("%s: refusing a %d-byte file allocated %d bytes", tc.name, len(b), n)
		}
	}
}

func TestWriteCheckpointAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.Twin.ckpt")
	c := sampleCheckpoint()
	if err := WriteCheckpoint(path, c); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	// A temporary file of a killed earlier write is cleaned up by the next
	// successful one; an unrelated file is not.
	stale := filepath.Join(dir, ".run.Twin.ckpt.tmp12345")
	other := filepath.Join(dir, "keep.txt")
	for _, p := range []string{stale, other} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A failing write (a setting given twice) leaves the file as it was.
	c.Settings = append(c.Settings, Setting{"steps", "5"})
	if err := WriteCheckpoint(path, c); err == nil || !strings.Contains(err.Error(), `setting "steps" is given twice`) {
		t.Errorf("duplicate setting: error %v", err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, before) {
		t.Error("a failed write changed the previous checkpoint")
	}
	c.Settings = c.Settings[:len(c.Settings)-1]
	// A rename onto a non-empty directory fails and leaves no temporary file.
	blocked := filepath.Join(dir, "blocked")
	if err := os.MkdirAll(filepath.Join(blocked, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteCheckpoint(blocked, c); err == nil || !strings.Contains(err.Error(), "checkpoint "+blocked) {
		t.Errorf("rename onto a directory: error %v", err)
	}
	if err := WriteCheckpoint(filepath.Join(dir, "no", "such", "dir.ckpt"), c); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
	c.PutInts("counters", []int64{7})
	if err := WriteCheckpoint(path, c); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"blocked", "keep.txt", "run.Twin.ckpt"}; !slices.Equal(names, want) {
		t.Errorf("directory holds %v, want %v", names, want)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("checkpoint mode %v, %v; want 0644", fi.Mode(), err)
	}
}

func TestCheckpointMatches(t *testing.T) {
	c, err := decodeCheckpoint("run.ckpt", encoded(t, sampleCheckpoint()))
	if err != nil {
		t.Fatal(err)
	}
	same := sampleCheckpoint().Settings // unsorted: order does not matter
	with := func(name, value string) []Setting {
		out := slices.Clone(same)
		for i := range out {
			if out[i].Name == name {
				out[i].Value = value
			}
		}
		return out
	}
	const hash = "0123456789abcdef"
	for _, tc := range []struct {
		name                            string
		program, cycle, version, config string
		settings                        []Setting
		want                            []string // nil: matches
	}{
		{"same", "l96.cyc", "Twin", "0.1.0", hash, same, nil},
		{"program", "l63.cyc", "Twin", "0.1.0", hash, same, []string{`program was "l96.cyc", now "l63.cyc"`}},
		{"cycle", "l96.cyc", "Spread", "0.1.0", hash, same, []string{`cycle was "Twin", now "Spread"`}},
		{"version", "l96.cyc", "Twin", "0.2.0", hash, same, []string{`cyclec version was "0.1.0", now "0.2.0"`}},
		{"source changed", "l96.cyc", "Twin", "0.1.0", "fedcba9876543210", same,
			[]string{"config hash was 0123456789abcdef, now fedcba9876543210 (the program source, an imported file or a data file changed)"}},
		{"setting", "l96.cyc", "Twin", "0.1.0", "fedcba9876543210", with("steps", "20000"),
			[]string{`setting steps was "11000", now "20000"`, "config hash was 0123456789abcdef, now fedcba9876543210"}},
		{"added", "l96.cyc", "Twin", "0.1.0", hash, append(slices.Clone(same), Setting{"spinup", "0"}), []string{`setting spinup was not a setting, now "0"`}},
		{"removed", "l96.cyc", "Twin", "0.1.0", hash, same[1:], []string{`setting steps was "11000", now not a setting`}},
	} {
		err := c.Matches(tc.program, tc.cycle, tc.version, tc.config, tc.settings)
		if tc.want == nil {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		var me *MismatchError
		if !errors.As(err, &me) {
			t.Errorf("%s: error %v, want a *MismatchError", tc.name, err)
			continue
		}
		if me.Path != "run.ckpt" || !slices.Equal(me.Diffs, tc.want) {
			t.Errorf("%s: path %q diffs %q, want run.ckpt and %q", tc.name, me.Path, me.Diffs, tc.want)
		}
		if !strings.HasPrefix(err.Error(), "checkpoint run.ckpt was written by a different run, cannot resume: ") {
			t.Errorf("%s: message %q", tc.name, err)
		}
	}
}

func TestCheckpointRewriteAllocs(t *testing.T) {
	E := make([]float64, 40*40)
	counts := make([]int64, 3)
	c := &Checkpoint{Program: "p", Cycle: "c", Version: "v", ConfigHash: "h", Settings: []Setting{{"steps", "1"}, {"seed", "2"}}}
	put := func() {
		E[0]++
		counts[0]++
		c.PutFloats("E", E)
		c.PutInts("counters", counts)
		if _, err := c.encode(); err != nil {
			t.Fatal(err)
		}
	}
	put()
	if n := testing.AllocsPerRun(50, put); n != 0 {
		t.Errorf("re-putting and encoding a checkpoint allocates %v times, want 0", n)
	}
}

// benchCheckpoint fills a checkpoint with a 40×40 cycle's state: ensemble,
// observed ensemble, truth, counters and statistics.
func benchCheckpoint() *Checkpoint {
	c := &Checkpoint{Program: "l96.cyc", Cycle: "Twin", Version: "0.1.0", ConfigHash: "0123456789abcdef",
		Settings: []Setting{{"F", "8"}, {"obs_every", "1"}, {"seed", "1"}, {"spinup", "1000"}, {"steps", "11000"}}}
	E := make([]float64, 40*40)
	for i := range E {
		E[i] = math.Sin(float64(i))
	}
	c.PutFloats("ensemble", E)
	c.PutFloats("observed", E)
	c.PutFloats("truth", E[:40])
	c.PutInts("counters", []int64{5000, 5000})
	s := NewStats(40, 1000)
	s.SaveCheckpoint(c, "stats")
	return c
}

func BenchmarkEncodeCheckpoint40x40(b *testing.B) {
	c := benchCheckpoint()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.encode(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteCheckpoint40x40(b *testing.B) {
	c := benchCheckpoint()
	path := filepath.Join(b.TempDir(), "run.Twin.ckpt")
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteCheckpoint(path, c); err != nil {
			b.Fatal(err)
		}
	}
}
