// Checkpoints: a run's whole state as named typed sections, and the check
// that a resumed run is the run that wrote them.

package runtime

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Setting is one run-time setting (`--set name=value`) with the value in
// effect, as text.
type Setting struct {
	Name, Value string
}

// SectionKind is the element type of a checkpoint section. The values are
// those written in the file.
type SectionKind uint8

// The kinds of section.
const (
	// SectionFloat64 holds float64 values, stored as their IEEE-754 bits,
	// so NaNs, signed zeros and every last bit survive.
	SectionFloat64 SectionKind = 1
	// SectionUint64 holds uint64 values.
	SectionUint64 SectionKind = 2
	// SectionInt64 holds int64 values.
	SectionInt64 SectionKind = 3
	// SectionBytes holds raw bytes.
	SectionBytes SectionKind = 4
)

// String returns the Go name of the element type.
func (k SectionKind) String() string {
	switch k {
	case SectionFloat64:
		return "float64"
	case SectionUint64:
		return "uint64"
	case SectionInt64:
		return "int64"
	case SectionBytes:
		return "byte"
	}
	return fmt.Sprintf("kind %d", uint8(k))
}

// size returns the bytes one element takes in the file, or 0 for an
// unknown kind.
func (k SectionKind) size() int {
	switch k {
	case SectionFloat64, SectionUint64, SectionInt64:
		return 8
	case SectionBytes:
		return 1
	}
	return 0
}

// Checkpoint is the state of a run at one point, as [WriteCheckpoint]
// writes it and [ReadCheckpoint] reads it (docs/checkpoint-format.md has
// the byte layout): who wrote it (Program, Cycle, Version, ConfigHash,
// Settings) and named sections, each an array of one [SectionKind].
//
// The Put methods copy their argument, replacing a section of the same
// name; putting the same names again with the same lengths, as a cycle
// does at every checkpoint, reuses the storage and does not allocate. A
// Checkpoint is not safe for concurrent use.
type Checkpoint struct {
	Program    string    // the program's file name, as the run names it
	Cycle      string    // the cycle's name
	Version    string    // the cyclec version that generated the cycle
	ConfigHash string    // the run's config hash ([ConfigHash.Sum])
	Settings   []Setting // every run-time setting in effect; written sorted by name

	path     string              // the file it was read from, for errors
	names    []string            // section names, sorted
	sections map[string]*section // by name
	buf      []byte              // encoding buffer, reused
	sorted   []Setting           // Settings sorted, reused
}

// section is one named array, held as its little-endian file bytes.
type section struct {
	kind  SectionKind
	count int
	data  []byte
}

// put returns the section name, created or re-typed as kind, with its data
// emptied.
func (c *Checkpoint) put(name string, kind SectionKind, count int) *section {
	if c.sections == nil {
		c.sections = map[string]*section{}
	}
	s := c.sections[name]
	if s == nil {
		s = &section{}
		c.sections[name] = s
		i, _ := slices.BinarySearch(c.names, name)
		c.names = slices.Insert(c.names, i, name)
	}
	s.kind, s.count, s.data = kind, count, s.data[:0]
	return s
}

// PutFloats stores v as the float64 section name, bit-exact.
func (c *Checkpoint) PutFloats(name string, v []float64) {
	s := c.put(name, SectionFloat64, len(v))
	for _, x := range v {
		s.data = binary.LittleEndian.AppendUint64(s.data, math.Float64bits(x))
	}
}

// PutUints stores v as the uint64 section name.
func (c *Checkpoint) PutUints(name string, v []uint64) {
	s := c.put(name, SectionUint64, len(v))
	for _, x := range v {
		s.data = binary.LittleEndian.AppendUint64(s.data, x)
	}
}

// PutInts stores v as the int64 section name.
func (c *Checkpoint) PutInts(name string, v []int64) {
	s := c.put(name, SectionInt64, len(v))
	for _, x := range v {
		s.data = binary.LittleEndian.AppendUint64(s.data, uint64(x))
	}
}

// PutBytes stores v as the byte section name.
func (c *Checkpoint) PutBytes(name string, v []byte) {
	s := c.put(name, SectionBytes, len(v))
	s.data = append(s.data, v...)
}

// Names returns the section names in sorted order.
func (c *Checkpoint) Names() []string { return slices.Clone(c.names) }

// Len returns the number of elements of section name and its kind, or an
// error when there is no such section.
func (c *Checkpoint) Len(name string) (int, SectionKind, error) {
	s, err := c.section(name)
	if err != nil {
		return 0, 0, err
	}
	return s.count, s.kind, nil
}

// Floats copies the float64 section name into dst, whose length must be
// the section's.
func (c *Checkpoint) Floats(name string, dst []float64) error {
	s, err := c.get(name, SectionFloat64, len(dst))
	if err != nil {
		return err
	}
	for i := range dst {
		dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(s.data[8*i:]))
	}
	return nil
}

// Uints copies the uint64 section name into dst, whose length must be the
// section's.
func (c *Checkpoint) Uints(name string, dst []uint64) error {
	s, err := c.get(name, SectionUint64, len(dst))
	if err != nil {
		return err
	}
	for i := range dst {
		dst[i] = binary.LittleEndian.Uint64(s.data[8*i:])
	}
	return nil
}

// Ints copies the int64 section name into dst, whose length must be the
// section's.
func (c *Checkpoint) Ints(name string, dst []int64) error {
	s, err := c.get(name, SectionInt64, len(dst))
	if err != nil {
		return err
	}
	for i := range dst {
		dst[i] = int64(binary.LittleEndian.Uint64(s.data[8*i:]))
	}
	return nil
}

// Bytes returns a copy of the byte section name, of whatever length.
func (c *Checkpoint) Bytes(name string) ([]byte, error) {
	s, err := c.section(name)
	if err != nil {
		return nil, err
	}
	if s.kind != SectionBytes {
		return nil, fmt.Errorf("%s: section %q holds %s values, not bytes", c.where(), name, s.kind)
	}
	return slices.Clone(s.data), nil
}

// section returns the section name or an error listing the ones there are.
func (c *Checkpoint) section(name string) (*section, error) {
	if s := c.sections[name]; s != nil {
		return s, nil
	}
	have := "none"
	if len(c.names) > 0 {
		have = strings.Join(c.names, ", ")
	}
	return nil, fmt.Errorf("%s: no section %q (sections: %s)", c.where(), name, have)
}

// get returns the section name after checking its kind and length.
func (c *Checkpoint) get(name string, kind SectionKind, n int) (*section, error) {
	s, err := c.section(name)
	if err != nil {
		return nil, err
	}
	if s.kind != kind {
		return nil, fmt.Errorf("%s: section %q holds %s values, not %s", c.where(), name, s.kind, kind)
	}
	if s.count != n {
		return nil, fmt.Errorf("%s: section %q holds %d values, want %d", c.where(), name, s.count, n)
	}
	return s, nil
}

// where names the checkpoint in errors.
func (c *Checkpoint) where() string {
	if c.path == "" {
		return "checkpoint"
	}
	return "checkpoint " + c.path
}

// MismatchError is the error of [Checkpoint.Matches]: the checkpoint was
// written by another run. Diffs has one entry per difference, such as
// `setting steps was "100", now "200"`.
type MismatchError struct {
	Path  string
	Diffs []string
}

// Error lists every difference.
func (e *MismatchError) Error() string {
	return fmt.Sprintf("checkpoint %s was written by a different run, cannot resume: %s",
		e.Path, strings.Join(e.Diffs, "; "))
}

// Matches reports whether a run may resume from c: the program, cycle,
// cyclec version, every setting and the config hash must be those of the
// resuming run. The error, a *[MismatchError], names every difference: a
// different program or cycle, a different cyclec version, each setting
// changed (old and new value), added or removed, and a different config
// hash. When the settings agree but the hash differs, the error says that
// the program source, an imported file or a data file changed.
func (c *Checkpoint) Matches(program, cycle, version, configHash string, settings []Setting) error {
	var diffs []string
	differ := func(what, was, now string) {
		if was != now {
			diffs = append(diffs, fmt.Sprintf("%s was %q, now %q", what, was, now))
		}
	}
	differ("program", c.Program, program)
	differ("cycle", c.Cycle, cycle)
	differ("cyclec version", c.Version, version)
	nset := len(diffs)
	old, now := sortedSettings(c.Settings), sortedSettings(settings)
	i, j := 0, 0
	for i < len(old) || j < len(now) {
		switch {
		case j == len(now) || (i < len(old) && old[i].Name < now[j].Name):
			diffs = append(diffs, fmt.Sprintf("setting %s was %q, now not a setting", old[i].Name, old[i].Value))
			i++
		case i == len(old) || now[j].Name < old[i].Name:
			diffs = append(diffs, fmt.Sprintf("setting %s was not a setting, now %q", now[j].Name, now[j].Value))
			j++
		default:
			differ("setting "+old[i].Name, old[i].Value, now[j].Value)
			i, j = i+1, j+1
		}
	}
	if c.ConfigHash != configHash {
		d := fmt.Sprintf("config hash was %s, now %s", c.ConfigHash, configHash)
		if len(diffs) == nset {
			d += " (the program source, an imported file or a data file changed)"
		}
		diffs = append(diffs, d)
	}
	if len(diffs) == 0 {
		return nil
	}
	path := c.path
	if path == "" {
		path = "(not from a file)"
	}
	return &MismatchError{Path: path, Diffs: diffs}
}

// sortedSettings returns a sorted copy of s (stable, so of two settings of
// one name the last stays last).
func sortedSettings(s []Setting) []Setting {
	out := slices.Clone(s)
	slices.SortStableFunc(out, func(a, b Setting) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// PutCounters stores counters (steps, analyses done) as the int64
// section name.
func (c *Checkpoint) PutCounters(name string, v ...int) {
	s := c.put(name, SectionInt64, len(v))
	for _, x := range v {
		s.data = binary.LittleEndian.AppendUint64(s.data, uint64(int64(x)))
	}
}

// Counters sets *dst[i] to the i-th value of the int64 section name,
// which must hold exactly len(dst) values, none negative; on error none
// is set.
func (c *Checkpoint) Counters(name string, dst ...*int) error {
	s, err := c.get(name, SectionInt64, len(dst))
	if err != nil {
		return err
	}
	for i := range dst {
		if v := int64(binary.LittleEndian.Uint64(s.data[8*i:])); v < 0 || int64(int(v)) != v {
			return fmt.Errorf("%s: section %q: counter %d is %d, want a count", c.where(), name, i, v)
		}
	}
	for i, p := range dst {
		*p = int(int64(binary.LittleEndian.Uint64(s.data[8*i:])))
	}
	return nil
}
