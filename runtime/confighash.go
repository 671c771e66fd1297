// The config hash: one short digest of everything a run's numbers depend
// on, carried by every output of the run.

package runtime

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// configHashDomain opens the hashed stream, so that the digest of a config
// never equals the SHA-256 of anything else by construction.
const configHashDomain = "cyclec config hash v1\n"

// ConfigHashDigits is the number of hex digits [ConfigHash.Sum] returns:
// the first 64 bits of the SHA-256. That is plenty to tell apart the
// configurations a person runs (two differ by chance with probability
// 2^-64) and short enough to read in a summary line.
const ConfigHashDigits = 16

// ConfigHash builds a run's config hash from labelled inputs: the bytes of
// the program and of every file it imports, every data file the run reads
// (CSV, weights, observations) and every run-time setting in effect. Add
// them in any order: the inputs are sorted before hashing, so only what
// was added counts, not when (docs/checkpoint-format.md gives the exact
// definition). The zero value is not ready; use [NewConfigHash].
type ConfigHash struct {
	data     []hashInput       // bytes and files
	settings map[string]string // the last value of each name
}

// hashInput is one labelled piece of data, reduced to its length and
// SHA-256.
type hashInput struct {
	label string
	size  uint64
	sum   [sha256.Size]byte
}

// NewConfigHash returns an empty config hash.
func NewConfigHash() *ConfigHash {
	return &ConfigHash{settings: map[string]string{}}
}

// AddBytes adds b under label, such as "program" for the canonical source
// or "import lorenz96.cyc" for an imported file. Only the content and the
// label count.
func (h *ConfigHash) AddBytes(label string, b []byte) {
	h.data = append(h.data, hashInput{label: label, size: uint64(len(b)), sum: sha256.Sum256(b)})
}

// AddFile adds the content of the file at path under label, reading it as
// a stream (a large observation file is not held in memory). The path
// itself is not hashed, so a data file moved or reached by another
// relative path keeps the hash; put the path in the label to make it
// count. A file that cannot be read is an error naming it.
func (h *ConfigHash) AddFile(label, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("config hash: %s: %w", label, err)
	}
	defer f.Close()
	s := sha256.New()
	n, err := io.Copy(s, f)
	if err != nil {
		return fmt.Errorf("config hash: %s: reading %s: %w", label, path, err)
	}
	in := hashInput{label: label, size: uint64(n)}
	s.Sum(in.sum[:0])
	h.data = append(h.data, in)
	return nil
}

// AddSetting adds a run-time setting. Setting a name again replaces its
// value, as a later `--set` does.
func (h *ConfigHash) AddSetting(name, value string) {
	h.settings[name] = value
}

// Sum returns the config hash: the first [ConfigHashDigits] lower-case hex
// digits of the SHA-256 of the inputs' canonical encoding. It may be
// called at any time; adding more inputs afterwards changes later sums.
func (h *ConfigHash) Sum() string {
	s := sha256.Sum256(h.encoding())
	return hex.EncodeToString(s[:])[:ConfigHashDigits]
}

// encoding returns the canonical byte stream that Sum hashes: the domain
// line, then one record per data input sorted by (label, size, digest),
// then one per setting sorted by name. A record is a tag byte ('D' data,
// 'S' setting), the label as a uint64 little-endian length and its bytes,
// and the payload likewise: for data the 8-byte little-endian size and
// the 32-byte SHA-256 of the content, for a setting its value.
func (h *ConfigHash) encoding() []byte {
	data := slices.Clone(h.data)
	slices.SortFunc(data, func(a, b hashInput) int {
		return cmp.Or(strings.Compare(a.label, b.label), cmp.Compare(a.size, b.size), bytes.Compare(a.sum[:], b.sum[:]))
	})
	names := make([]string, 0, len(h.settings))
	for name := range h.settings {
		names = append(names, name)
	}
	slices.Sort(names)
	b := []byte(configHashDomain)
	for _, d := range data {
		payload := binary.LittleEndian.AppendUint64(make([]byte, 0, 8+sha256.Size), d.size)
		b = appendRecord(b, 'D', d.label, append(payload, d.sum[:]...))
	}
	for _, name := range names {
		b = appendRecord(b, 'S', name, []byte(h.settings[name]))
	}
	return b
}

// appendRecord appends one tagged, length-prefixed record.
func appendRecord(b []byte, tag byte, label string, payload []byte) []byte {
	b = append(b, tag)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(label)))
	b = append(b, label...)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(payload)))
	return append(b, payload...)
}

// Settings returns the settings added so far as a sorted list, the form a
// [Checkpoint] stores and [Checkpoint.Matches] compares.
func (h *ConfigHash) Settings() []Setting {
	out := make([]Setting, 0, len(h.settings))
	for name, value := range h.settings {
		out = append(out, Setting{Name: name, Value: value})
	}
	slices.SortFunc(out, func(a, b Setting) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Digest returns b reduced to what the config hash keeps of a data input,
// as text: its length in bytes, a colon and its SHA-256 in lower-case hex
// ("12:ab…"). A process that has the bytes (the compiler, for the program
// and its imports) hands it to the one that hashes the run
// ([ConfigHash.AddDigest]).
func Digest(b []byte) string {
	s := sha256.Sum256(b)
	return fmt.Sprintf("%d:%s", len(b), hex.EncodeToString(s[:]))
}

// AddDigest adds under label a data input given by its [Digest], with the
// same effect as AddBytes of the bytes. A digest that is not a length, a
// colon and 64 hex digits is an error naming the label.
func (h *ConfigHash) AddDigest(label, digest string) error {
	size, sum, ok := strings.Cut(digest, ":")
	in := hashInput{label: label}
	n, err := strconv.ParseUint(size, 10, 64)
	if ok && err == nil && len(sum) == 2*sha256.Size && strings.ToLower(sum) == sum {
		_, err = hex.Decode(in.sum[:], []byte(sum))
	}
	if !ok || err != nil || len(sum) != 2*sha256.Size || strings.ToLower(sum) != sum {
		return fmt.Errorf("config hash: %s: digest %q, want <length>:<64 lower-case hex digits>", label, digest)
	}
	in.size = n
	h.data = append(h.data, in)
	return nil
}
