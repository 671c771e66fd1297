// NetCDF-3 (classic CDF-1 and 64-bit-offset CDF-2) types, constants and value encoding shared by the reader and the writer.

package runtime

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// NCFormat is the variant of the NetCDF-3 format: the version byte after
// the magic "CDF".
type NCFormat byte

// The NetCDF-3 formats this package reads and writes.
const (
	// NCClassic is the classic format (CDF-1, xarray's NETCDF3_CLASSIC):
	// 32-bit variable offsets, so the data before the last variable must
	// stay under 2 GiB.
	NCClassic NCFormat = 1
	// NC64BitOffset is the 64-bit-offset format (CDF-2, xarray's
	// NETCDF3_64BIT): 64-bit variable offsets.
	NC64BitOffset NCFormat = 2
)

// String names the format as ncdump -k does.
func (f NCFormat) String() string {
	switch f {
	case NCClassic:
		return "classic"
	case NC64BitOffset:
		return "64-bit offset"
	}
	return fmt.Sprintf("NCFormat(%d)", byte(f))
}

// NCType is a NetCDF-3 external data type.
type NCType int32

// The six NetCDF-3 data types, with their codes in the file.
const (
	NCByte   NCType = 1 // 8-bit signed integer
	NCChar   NCType = 2 // 8-bit character
	NCShort  NCType = 3 // 16-bit signed integer
	NCInt    NCType = 4 // 32-bit signed integer
	NCFloat  NCType = 5 // IEEE single precision
	NCDouble NCType = 6 // IEEE double precision
)

// String is the CDL name of the type (byte, char, short, int, float,
// double).
func (t NCType) String() string {
	switch t {
	case NCByte:
		return "byte"
	case NCChar:
		return "char"
	case NCShort:
		return "short"
	case NCInt:
		return "int"
	case NCFloat:
		return "float"
	case NCDouble:
		return "double"
	}
	return fmt.Sprintf("type(%d)", int32(t))
}

// Size is the number of bytes of one value of the type, 0 for an unknown
// type.
func (t NCType) Size() int {
	switch t {
	case NCByte, NCChar:
		return 1
	case NCShort:
		return 2
	case NCInt, NCFloat:
		return 4
	case NCDouble:
		return 8
	}
	return 0
}

// Tags and markers of the header grammar.
const (
	ncTagDimension = 0x0A
	ncTagVariable  = 0x0B
	ncTagAttribute = 0x0C
	ncStreaming    = 0xFFFFFFFF // numrecs of a file whose record count is unknown
	ncMaxVsize     = 1<<32 - 4  // larger vsizes are stored as 2^32-1
)

// ncHDF5Magic opens an HDF5 file, and so a NetCDF-4 file.
const ncHDF5Magic = "\x89HDF\r\n\x1a\n"

// NCDim is a dimension. In a file read back, the unlimited (record)
// dimension has Unlimited set and Len equal to the number of records.
type NCDim struct {
	Name      string
	Len       int
	Unlimited bool
}

// NCAttr is an attribute of a variable or of the file. A char attribute
// holds its value in Text; the numeric ones in Values (as float64, which
// holds every byte, short, int and float exactly).
type NCAttr struct {
	Name   string
	Type   NCType
	Text   string    // for NCChar
	Values []float64 // for the numeric types
}

// NCText returns a char (text) attribute.
func NCText(name, value string) NCAttr { return NCAttr{Name: name, Type: NCChar, Text: value} }

// NCDoubles returns a double attribute.
func NCDoubles(name string, v ...float64) NCAttr {
	return NCAttr{Name: name, Type: NCDouble, Values: v}
}

// NCFloats returns a float attribute; the values are rounded to float32.
func NCFloats(name string, v ...float64) NCAttr {
	return NCAttr{Name: name, Type: NCFloat, Values: v}
}

// NCInts returns an int attribute.
func NCInts(name string, v ...int) NCAttr {
	f := make([]float64, len(v))
	for i, x := range v {
		f[i] = float64(x)
	}
	return NCAttr{Name: name, Type: NCInt, Values: f}
}

// String renders the attribute's value as text: the text itself, or
// the numbers separated by ", ".
func (a NCAttr) String() string {
	if a.Type == NCChar {
		return a.Text
	}
	var b strings.Builder
	for i, v := range a.Values {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(fmt.Sprint(v))
	}
	return b.String()
}

// len is the number of values the attribute stores.
func (a NCAttr) len() int {
	if a.Type == NCChar {
		return len(a.Text)
	}
	return len(a.Values)
}

// NCVar is a variable as a file describes it.
type NCVar struct {
	Name  string
	Type  NCType
	Dims  []int // indices into the file's dimensions, slowest varying first
	Shape []int // the dimension lengths; a record variable's first is the record count
	Attrs []NCAttr
	// Record is true for a record variable: its first dimension is the
	// unlimited one and its data is interleaved with the other record
	// variables', one slab a record.
	Record bool

	begin int64 // file offset of the data (of the first record)
	slab  int64 // bytes of one record (record variable) or of all the data, unpadded
}

// Attr returns the variable's attribute called name.
func (v *NCVar) Attr(name string) (NCAttr, bool) { return findAttr(v.Attrs, name) }

// findAttr looks name up in attrs.
func findAttr(attrs []NCAttr, name string) (NCAttr, bool) {
	for _, a := range attrs {
		if a.Name == name {
			return a, true
		}
	}
	return NCAttr{}, false
}

// pad4 rounds n up to a multiple of 4.
func pad4(n int64) int64 { return (n + 3) &^ 3 }

// ncDefaultFill is the default fill value of each type.
func ncDefaultFill(t NCType) float64 {
	switch t {
	case NCByte:
		return -127
	case NCChar:
		return 0
	case NCShort:
		return -32767
	case NCInt:
		return -2147483647
	case NCFloat:
		return float64(float32(9.9692099683868690e+36))
	}
	return 9.9692099683868690e+36
}

// checkName reports whether name is a valid NetCDF name (the classic
// format's rules: a letter, digit, '_' or multi-byte character first, no
// control characters, no '/', no trailing space).
func checkName(name string) error {
	if name == "" {
		return fmt.Errorf("empty name")
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("name %q is not UTF-8", name)
	}
	r, _ := utf8.DecodeRuneInString(name)
	if !(r == '_' || r >= 0x80 || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
		return fmt.Errorf("name %q must start with a letter, a digit or '_'", name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == '/' {
			return fmt.Errorf("name %q has the character %q, not allowed in NetCDF names", name, r)
		}
	}
	if strings.HasSuffix(name, " ") {
		return fmt.Errorf("name %q ends with a space", name)
	}
	return nil
}

// ncEncode writes v as type t at b (b has at least t.Size() bytes). It
// reports false when v does not fit the type (an integer type given a
// fraction, a NaN or a value out of range).
func ncEncode(b []byte, t NCType, v float64) bool {
	switch t {
	case NCDouble:
		binary.BigEndian.PutUint64(b, math.Float64bits(v))
	case NCFloat:
		binary.BigEndian.PutUint32(b, math.Float32bits(float32(v)))
	case NCInt:
		if v != math.Trunc(v) || v < math.MinInt32 || v > math.MaxInt32 {
			return false
		}
		binary.BigEndian.PutUint32(b, uint32(int32(v)))
	case NCShort:
		if v != math.Trunc(v) || v < math.MinInt16 || v > math.MaxInt16 {
			return false
		}
		binary.BigEndian.PutUint16(b, uint16(int16(v)))
	case NCByte:
		if v != math.Trunc(v) || v < math.MinInt8 || v > math.MaxInt8 {
			return false
		}
		b[0] = byte(int8(v))
	case NCChar:
		if v != math.Trunc(v) || v < 0 || v > 255 {
			return false
		}
		b[0] = byte(v)
	default:
		return false
	}
	return true
}

// ncDecode reads one value of type t from b (at least t.Size() bytes).
// Bytes are signed, as the format's note on byte data says.
func ncDecode(b []byte, t NCType) float64 {
	switch t {
	case NCDouble:
		return math.Float64frombits(binary.BigEndian.Uint64(b))
	case NCFloat:
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b)))
	case NCInt:
		return float64(int32(binary.BigEndian.Uint32(b)))
	case NCShort:
		return float64(int16(binary.BigEndian.Uint16(b)))
	case NCByte:
		return float64(int8(b[0]))
	case NCChar:
		return float64(b[0])
	}
	return math.NaN()
}
