// Tests of the NetCDF-3 reader on damaged headers: every error names the file and the problem, and nothing panics.

package runtime

import (
	"bytes"
	"encoding/binary"
	"os"
	"strings"
	"testing"
)

// netcdfBytes returns the bytes of the sample file.
func netcdfBytes(t testing.TB, format NCFormat, records int) []byte {
	t.Helper()
	b, err := os.ReadFile(sampleNetCDF(t, t.TempDir(), format, records))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// parseBytes parses b as a NetCDF file and reads every variable.
func parseBytes(b []byte) (*NetCDFFile, error) {
	f, err := ParseNetCDF("mem.nc", bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	for _, v := range f.Vars {
		if _, err := f.ReadFloat64(v.Name); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func TestNetCDFReadErrors(t *testing.T) {
	good := netcdfBytes(t, NCClassic, 2)
	good64 := netcdfBytes(t, NC64BitOffset, 2)
	headerLen := 0
	if f, err := parseBytes(good); err != nil {
		t.Fatal(err)
	} else {
		headerLen = int(f.Vars[0].begin)
	}
	set := func(b []byte, off int, v uint32) []byte {
		c := bytes.Clone(b)
		binary.BigEndian.PutUint32(c[off:], v)
		return c
	}
	// The dimension list: tag at 8, count at 12, first name length at 16.
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "truncated: 0 bytes"},
		{"short", []byte("CD"), "truncated: 2 bytes"},
		{"bad magic", []byte("GIF89a.........."), `starts with "GIF8"`},
		{"hdf5", []byte("\x89HDF\r\n\x1a\n\x00\x00\x00\x00"), "NetCDF-4 (HDF5)"},
		{"hdf5 user block", append(make([]byte, 512), []byte("\x89HDF\r\n\x1a\n")...), "nccopy -k nc6"},
		{"cdf5", []byte("CDF\x05\x00\x00\x00\x00"), "CDF-5"},
		{"version 3", []byte("CDF\x03\x00\x00\x00\x00"), "version byte 3"},
		{"bad dim tag", set(good, 8, 0x0B), "dimension list tag is 0xb"},
		{"huge dim count", set(good, 12, 1<<30), "dimension list count is"},
		{"negative count", set(good, 12, 0xFFFFFFF0), "dimension list count is -16"},
		{"huge name", set(good, 16, 1<<30), "name length"},
		{"numrecs past end", set(good, 4, 1000), "truncated: 1000 records"},
		{"numrecs huge", set(good, 4, 0x7FFFFFF0), "truncated"},
		{"cut in data", good[:len(good)-3], "truncated"},
		{"cut in header", good[:headerLen-5], "truncated"},
		{"cut 64-bit", good64[:len(good64)-1], "truncated"},
		{"unlimited twice", unlimitedTwice(good), "both unlimited"},
		{"vsize wrong", corruptVar(good, "x", 4, 99), "vsize 99"},
		{"begin in header", corruptVar(good, "x", 8, 4), "inside the header"},
		{"begin past end", corruptVar(good, "x", 8, 1<<30), "begins at byte 1073741824, past the end"},
		{"begin negative", corruptVar(good, "x", 8, 1<<31), "negative"},
		{"type 9", corruptVar(good, "x", 0, 9), "type 9"},
		{"dimension twice", renameFirst(good, "c\x00\x00\x00", "x\x00\x00\x00"), "dimension x is defined twice"},
		{"variable twice", renameFirst(good, "\x00\x00\x00\x01b\x00\x00\x00", "\x00\x00\x00\x01x\x00\x00\x00"), "variable x is defined twice"},
		{"attribute twice", renameFirst(good, "\x00\x00\x00\x07numbers", "\x00\x00\x00\x05title\x00\x00"), "global attribute title is defined twice"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseBytes(c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "mem.nc") {
				t.Fatalf("error %v, want one naming mem.nc and saying %q", err, c.want)
			}
		})
	}
	// Every prefix of a valid file is an error, never a panic.
	for n := 0; n < len(good); n++ {
		if _, err := parseBytes(good[:n]); err == nil {
			t.Fatalf("a %d-byte prefix of a %d-byte file parsed", n, len(good))
		}
	}
}

// corruptVar overwrites the 32-bit word at off bytes after the end of
// variable name's attribute list (0: type, 4: vsize, 8: begin) in the
// sample's classic header; the variable "x" has the single attribute
// units = "m".
func corruptVar(b []byte, name string, off int, v uint32) []byte {
	c := bytes.Clone(b)
	at := bytes.Index(c, []byte("units")) + 8 + 4 + 4 + 4 // name, type, count, value "m" padded
	if name != "x" {
		panic("corruptVar knows only x")
	}
	binary.BigEndian.PutUint32(c[at+off:], v)
	return c
}

// renameFirst replaces the first occurrence of from (a padded name in
// the header) by to, of the same length.
func renameFirst(b []byte, from, to string) []byte {
	if len(from) != len(to) || !bytes.Contains(b, []byte(from)) {
		panic("renameFirst: " + from)
	}
	return bytes.Replace(b, []byte(from), []byte(to), 1)
}

// unlimitedTwice sets the sample's second dimension (x) to length 0.
func unlimitedTwice(b []byte) []byte {
	c := bytes.Clone(b)
	// dims start at 16: "time" (4+4) + length, then "x" (4+4) + length.
	binary.BigEndian.PutUint32(c[16+8+4+8:], 0)
	return c
}

// A streaming file (numrecs 2^32-1) gets its record count from its size.
func TestNetCDFStreamingNumrecs(t *testing.T) {
	b := netcdfBytes(t, NCClassic, 3)
	binary.BigEndian.PutUint32(b[4:], ncStreaming)
	f, err := parseBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if f.NumRecs != 3 {
		t.Errorf("%d records, want 3", f.NumRecs)
	}
}
