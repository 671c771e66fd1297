// The checkpoint file: its encoding, its atomic writing and its checked
// reading (docs/checkpoint-format.md has the layout byte by byte).

package runtime

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// checkpointMagic opens every checkpoint file. Like PNG's signature, its
// first byte is not ASCII and it holds CR LF, SUB and LF, so a file
// mangled as text, or a text file, is told apart at once.
const checkpointMagic = "\x89cyc\r\n\x1a\n"

// CheckpointFormat is the version of the checkpoint file layout that this
// runtime writes and the only one it reads.
const CheckpointFormat = 1

// Sizes of the fixed parts of the file.
const (
	ckptPreamble = len(checkpointMagic) + 4 + 8 // magic, format, file length
	ckptTrailer  = 4                            // CRC-32C
)

// castagnoli is the CRC-32C table (hardware-accelerated where available).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// encode lays c out as a file in c.buf and returns it.
func (c *Checkpoint) encode() ([]byte, error) {
	c.sorted = append(c.sorted[:0], c.Settings...)
	sortSettingsInPlace(c.sorted)
	for i := 1; i < len(c.sorted); i++ {
		if c.sorted[i].Name == c.sorted[i-1].Name {
			return nil, fmt.Errorf("setting %q is given twice (%q and %q)", c.sorted[i].Name, c.sorted[i-1].Value, c.sorted[i].Value)
		}
	}
	for _, s := range c.sorted {
		if len(s.Name) > math.MaxUint32 || len(s.Value) > math.MaxUint32 {
			return nil, fmt.Errorf("setting %.40q is longer than 4 GiB", s.Name)
		}
	}
	for _, s := range []string{c.Program, c.Cycle, c.Version, c.ConfigHash} {
		if len(s) > math.MaxUint32 {
			return nil, fmt.Errorf("a header string (%.40q…) is longer than 4 GiB", s)
		}
	}
	b := append(c.buf[:0], checkpointMagic...)
	b = binary.LittleEndian.AppendUint32(b, CheckpointFormat)
	b = binary.LittleEndian.AppendUint64(b, 0) // file length, set below
	for _, s := range []string{c.Program, c.Cycle, c.Version, c.ConfigHash} {
		b = appendString(b, s)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(c.sorted)))
	for _, s := range c.sorted {
		b = appendString(appendString(b, s.Name), s.Value)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(c.names)))
	for _, name := range c.names {
		s := c.sections[name]
		b = appendString(b, name)
		b = append(b, byte(s.kind))
		b = binary.LittleEndian.AppendUint64(b, uint64(s.count))
		b = append(b, s.data...)
	}
	binary.LittleEndian.PutUint64(b[len(checkpointMagic)+4:], uint64(len(b)+ckptTrailer))
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	c.buf = b
	return b, nil
}

// sortSettingsInPlace sorts s by name, stably, without allocating.
func sortSettingsInPlace(s []Setting) {
	for i := 1; i < len(s); i++ { // insertion sort: settings are few
		for j := i; j > 0 && s[j].Name < s[j-1].Name; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// appendString appends s with its uint32 length.
func appendString(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// WriteCheckpoint writes c to path atomically: to a temporary file in the
// same directory, synced to disk, then renamed over path. A failure at any point
// leaves the previous file at path as it was and removes the temporary
// file. After the rename it removes the temporary files of earlier writes
// to path that a killed process left behind. Writing the same Checkpoint
// again reuses its encoding buffer.
func WriteCheckpoint(path string, c *Checkpoint) error {
	if c == nil {
		return fmt.Errorf("checkpoint %s: nothing to write (nil checkpoint)", path)
	}
	b, err := c.encode()
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	dir, base := filepath.Dir(path), filepath.Base(path)
	prefix := "." + base + ".tmp"
	f, err := os.CreateTemp(dir, prefix+"*")
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		_ = f.Close()
		_ = os.Remove(tmp)
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if _, err := f.Write(b); err != nil {
		return fail(err)
	}
	// CreateTemp makes the file private; a checkpoint is an ordinary output.
	if err := f.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	// The directory is not synced: until the rename reaches the disk a
	// crash of the machine leaves the previous checkpoint, which is as
	// valid to resume from, and the sync would add a third of the cost.
	removeStaleTemps(dir, prefix)
	return nil
}

// removeStaleTemps removes the files in dir whose names start with prefix:
// temporary checkpoints of writes that never reached their rename.
func removeStaleTemps(dir, prefix string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) && e.Type().IsRegular() {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// ReadCheckpoint reads the checkpoint file at path. A file that is not a
// checkpoint, of another format version, truncated, with trailing bytes,
// failing its checksum or malformed inside gets an error naming path, the
// byte offset and what was found there. Every length in the file is
// checked against the bytes that remain before anything is allocated.
func ReadCheckpoint(path string) (*Checkpoint, error) {
	// Look at the magic first, so that a wrong file named by mistake (a
	// large NetCDF history, say) is refused without being read whole.
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	head := make([]byte, len(checkpointMagic))
	n, err := io.ReadFull(f, head)
	_ = f.Close()
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	if string(head[:n]) != checkpointMagic {
		return decodeCheckpoint(path, head[:n])
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return decodeCheckpoint(path, b)
}

// ckptReader walks a checkpoint's bytes, remembering the first error.
type ckptReader struct {
	b   []byte
	off int
	end int // where the sections end and the CRC begins
	err error
}

// fail records a malformed-file error at the current offset.
func (r *ckptReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("at byte %d: %s", r.off, fmt.Sprintf(format, args...))
	}
}

// take returns the next n bytes, or nil and an error if fewer remain.
func (r *ckptReader) take(n uint64, what string) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(r.end-r.off) {
		r.fail("%s needs %d bytes but %d remain before the checksum", what, n, r.end-r.off)
		return nil
	}
	// Capped, so that a Put reusing a read section's storage cannot
	// spill into the next section's bytes.
	p := r.b[r.off : r.off+int(n) : r.off+int(n)]
	r.off += int(n)
	return p
}

// u8, u32, u64 and str read one field each.
func (r *ckptReader) u8(what string) uint8 {
	if p := r.take(1, what); p != nil {
		return p[0]
	}
	return 0
}

func (r *ckptReader) u32(what string) uint32 {
	if p := r.take(4, what); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (r *ckptReader) u64(what string) uint64 {
	if p := r.take(8, what); p != nil {
		return binary.LittleEndian.Uint64(p)
	}
	return 0
}

func (r *ckptReader) str(what string) string {
	at := r.off
	n := r.u32(what + " length")
	p := r.take(uint64(n), what)
	if r.err == nil && !utf8.Valid(p) {
		r.off = at
		r.fail("%s is not valid UTF-8", what)
	}
	return string(p)
}

// decodeCheckpoint parses the file bytes b read from path.
func decodeCheckpoint(path string, b []byte) (*Checkpoint, error) {
	bad := func(format string, args ...any) (*Checkpoint, error) {
		return nil, fmt.Errorf("checkpoint %s: %s", path, fmt.Sprintf(format, args...))
	}
	m := len(checkpointMagic)
	if len(b) < m || string(b[:m]) != checkpointMagic {
		head := b[:min(len(b), m)]
		return bad("not a cyclec checkpoint: it starts with % x, want % x", head, []byte(checkpointMagic))
	}
	if len(b) < ckptPreamble {
		return bad("truncated: %d bytes, shorter than the %d-byte preamble", len(b), ckptPreamble)
	}
	if v := binary.LittleEndian.Uint32(b[m:]); v != CheckpointFormat {
		if v > CheckpointFormat {
			return bad("format version %d, from a newer cyclec; this runtime reads version %d", v, CheckpointFormat)
		}
		return bad("format version %d; this runtime reads version %d", v, CheckpointFormat)
	}
	switch n := binary.LittleEndian.Uint64(b[m+4:]); {
	case n > uint64(len(b)):
		return bad("truncated: %d bytes, the header says %d", len(b), n)
	case n < uint64(len(b)):
		return bad("%d bytes after the end of the checkpoint at byte %d", uint64(len(b))-n, n)
	case n < uint64(ckptPreamble+ckptTrailer):
		return bad("length field says %d bytes, less than the %d of an empty checkpoint", n, ckptPreamble+ckptTrailer)
	}
	end := len(b) - ckptTrailer
	if got, want := crc32.Checksum(b[:end], castagnoli), binary.LittleEndian.Uint32(b[end:]); got != want {
		return bad("corrupt: CRC-32C of bytes 0..%d is %08x, the file says %08x", end, got, want)
	}
	r := &ckptReader{b: b, off: ckptPreamble, end: end}
	c := &Checkpoint{path: path}
	c.Program = r.str("program name")
	c.Cycle = r.str("cycle name")
	c.Version = r.str("cyclec version")
	c.ConfigHash = r.str("config hash")
	// A setting takes at least 8 bytes and a section 13, which bounds the
	// counts by the bytes left before anything is allocated.
	if n := r.u32("setting count"); r.err == nil {
		if uint64(n) > uint64(r.end-r.off)/8 {
			r.fail("%d settings cannot fit in the %d bytes left", n, r.end-r.off)
			n = 0
		}
		c.Settings = make([]Setting, 0, n)
		for i := 0; i < int(n) && r.err == nil; i++ {
			at := r.off
			s := Setting{Name: r.str("setting name"), Value: r.str("setting value")}
			if r.err == nil && i > 0 && s.Name <= c.Settings[i-1].Name {
				r.off = at
				r.fail("setting %q is out of order or repeated after %q", s.Name, c.Settings[i-1].Name)
			}
			c.Settings = append(c.Settings, s)
		}
	}
	if n := r.u32("section count"); r.err == nil {
		if uint64(n) > uint64(r.end-r.off)/13 {
			r.fail("%d sections cannot fit in the %d bytes left", n, r.end-r.off)
			n = 0
		}
		c.sections = make(map[string]*section, n)
		c.names = make([]string, 0, n)
		for i := 0; i < int(n) && r.err == nil; i++ {
			r.section(c)
		}
	}
	if r.err == nil && r.off != r.end {
		r.fail("%d bytes after the last section", r.end-r.off)
	}
	if r.err != nil {
		return bad("%v", r.err)
	}
	return c, nil
}

// section reads one section into c.
func (r *ckptReader) section(c *Checkpoint) {
	at := r.off
	name := r.str("section name")
	if r.err != nil {
		return
	}
	if k := len(c.names); k > 0 && name <= c.names[k-1] {
		r.off = at
		r.fail("section %q is out of order or repeated after %q", name, c.names[k-1])
		return
	}
	kindAt := r.off
	kind := SectionKind(r.u8("section kind"))
	count := r.u64("section length")
	if r.err != nil {
		return
	}
	size := kind.size()
	if size == 0 {
		r.off = kindAt
		r.fail("section %q has element kind %d, want 1 (float64), 2 (uint64), 3 (int64) or 4 (byte)", name, uint8(kind))
		return
	}
	if count > uint64(r.end-r.off)/uint64(size) {
		r.fail("section %q claims %d %s values, more than the %d bytes left hold", name, count, kind, r.end-r.off)
		return
	}
	data := r.take(count*uint64(size), "section "+name)
	c.sections[name] = &section{kind: kind, count: int(count), data: data}
	c.names = append(c.names, name)
}
