// Reading and writing safetensors files, the weights format of neural forward models.

package runtime

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A safetensors file is an 8-byte little-endian header length n, n bytes
// of JSON header, then the data section. The header maps each tensor name
// to {"dtype", "shape", "data_offsets": [begin, end]} (offsets into the data
// section) and may hold "__metadata__", a string→string object.

// maxSafetensorsHeader bounds the JSON header, as the reference
// implementation does (100 MB), so a hostile length cannot make a reader
// allocate more than that.
const maxSafetensorsHeader = 100_000_000

// safetensorsMetadataKey is the header entry holding the metadata.
const safetensorsMetadataKey = "__metadata__"

// safetensorsDTypeSizes gives the element size in bytes of every dtype the
// format defines; tensors of any of them can be described by a header, but
// only F32 and F64 can be loaded.
var safetensorsDTypeSizes = map[string]int64{
	"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
	"I16": 2, "U16": 2, "F16": 2, "BF16": 2,
	"I32": 4, "U32": 4, "F32": 4,
	"I64": 8, "U64": 8, "F64": 8,
}

// TensorInfo describes one tensor of a safetensors header.
type TensorInfo struct {
	Name       string
	DType      string // as the header spells it, e.g. "F32"
	Shape      []int  // empty for a scalar
	Begin, End int64  // byte offsets into the data section
	Elements   int    // product of Shape
}

// SafetensorsHeader is the validated header of a safetensors file: every
// tensor has a known dtype, a shape whose element count matches its byte
// range, and the byte ranges tile the data section exactly (no gaps, no
// overlap, nothing after the last tensor), as the format requires.
type SafetensorsHeader struct {
	Path      string            // the file, as given to the reader
	Tensors   []TensorInfo      // in increasing order of name
	Metadata  map[string]string // the "__metadata__" entry; empty if absent
	DataStart int64             // file offset of the data section (8 + header length)
	DataSize  int64             // length of the data section in bytes
}

// Tensor returns the tensor called name, if the header has it.
func (h *SafetensorsHeader) Tensor(name string) (TensorInfo, bool) {
	i, ok := slices.BinarySearchFunc(h.Tensors, name, func(t TensorInfo, name string) int {
		return strings.Compare(t.Name, name)
	})
	if !ok {
		return TensorInfo{}, false
	}
	return h.Tensors[i], true
}

// Tensor is a tensor's values in float64 with its shape, as
// [ReadSafetensors] returns it and [WriteSafetensors] takes it.
type Tensor struct {
	// DType is the dtype in the file: "F64" or "F32". WriteSafetensors
	// writes "F64" when it is empty and rounds the values to float32 for
	// "F32".
	DType string
	Shape []int
	Data  []float64 // row-major, len = product of Shape
}

// ReadSafetensorsHeader reads and validates the header of the safetensors
// file at path without reading the tensors' data.
func ReadSafetensorsHeader(path string) (*SafetensorsHeader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	return readSafetensorsHeader(path, f, st.Size())
}

// ParseSafetensorsHeader reads and validates the header of a safetensors
// file from its contents b (the data need not be complete for the header
// to be read, but the offsets are checked against len(b)). path names the
// file in errors. The compiler uses it to check a network's widths.
func ParseSafetensorsHeader(path string, b []byte) (*SafetensorsHeader, error) {
	return readSafetensorsHeader(path, bytes.NewReader(b), int64(len(b)))
}

// ReadSafetensors reads the safetensors file at path: its validated header
// and every tensor, converted to float64 (exactly, for F32). A tensor of
// any dtype other than F32 or F64 is an error naming it.
func ReadSafetensors(path string) (*SafetensorsHeader, map[string]Tensor, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: %w", err)
	}
	return parseSafetensors(path, b)
}

// parseSafetensors is ReadSafetensors on the file's contents b.
func parseSafetensors(path string, b []byte) (*SafetensorsHeader, map[string]Tensor, error) {
	h, err := readSafetensorsHeader(path, bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, nil, err
	}
	data := b[h.DataStart:]
	out := make(map[string]Tensor, len(h.Tensors))
	for _, t := range h.Tensors {
		v, err := decodeTensor(path, t, data[t.Begin:t.End])
		if err != nil {
			return nil, nil, err
		}
		out[t.Name] = Tensor{DType: t.DType, Shape: slices.Clone(t.Shape), Data: v}
	}
	return h, out, nil
}

// decodeTensor converts the little-endian bytes of t to float64.
func decodeTensor(path string, t TensorInfo, raw []byte) ([]float64, error) {
	v := make([]float64, t.Elements)
	switch t.DType {
	case "F64":
		for i := range v {
			v[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
		}
	case "F32":
		for i := range v {
			v[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])))
		}
	default:
		return nil, fmt.Errorf("%s: tensor %q has dtype %s; only F32 and F64 are supported", path, t.Name, t.DType)
	}
	return v, nil
}

// readSafetensorsHeader reads the header of the size-byte file r.
func readSafetensorsHeader(path string, r io.ReaderAt, size int64) (*SafetensorsHeader, error) {
	if size < 8 {
		return nil, fmt.Errorf("%s: not a safetensors file: %d bytes, want at least 8 (the header length)", path, size)
	}
	var lb [8]byte
	if _, err := r.ReadAt(lb[:], 0); err != nil {
		return nil, fmt.Errorf("%s: reading the header length: %w", path, err)
	}
	n := binary.LittleEndian.Uint64(lb[:])
	switch {
	case n > maxSafetensorsHeader:
		return nil, fmt.Errorf("%s: safetensors header length %d (bytes 0-7) exceeds the limit of %d bytes", path, n, maxSafetensorsHeader)
	case n > uint64(size-8):
		return nil, fmt.Errorf("%s: safetensors header length %d (bytes 0-7) exceeds the %d bytes after it", path, n, size-8)
	}
	hdr := make([]byte, n)
	if _, err := r.ReadAt(hdr, 8); err != nil && n > 0 {
		return nil, fmt.Errorf("%s: reading the %d-byte header: %w", path, n, err)
	}
	h, err := parseSafetensorsHeader(path, hdr, size-8-int64(n))
	if err != nil {
		return nil, err
	}
	h.DataStart = 8 + int64(n)
	return h, nil
}

// rawTensorInfo is a tensor entry as the JSON header spells it.
type rawTensorInfo struct {
	DType       *string  `json:"dtype"`
	Shape       *[]int64 `json:"shape"`
	DataOffsets *[]int64 `json:"data_offsets"`
}

// parseSafetensorsHeader parses and validates the JSON header hdr of a file
// whose data section has dataSize bytes.
func parseSafetensorsHeader(path string, hdr []byte, dataSize int64) (*SafetensorsHeader, error) {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("%s: safetensors header: %s", path, fmt.Sprintf(format, a...))
	}
	if len(hdr) == 0 || hdr[0] != '{' {
		return nil, fail("does not start with '{' at file byte 8")
	}
	if !utf8.Valid(hdr) {
		return nil, fail("not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(hdr))
	jsonErr := func(what string, err error) error {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fail("%s: the header ends early (file byte %d)", what, 8+len(hdr))
		}
		return fail("%s at file byte %d: %v", what, 8+dec.InputOffset(), err)
	}
	if _, err := dec.Token(); err != nil { // the opening '{', checked above
		return nil, jsonErr("reading the header", err)
	}
	h := &SafetensorsHeader{Path: path, Metadata: map[string]string{}, DataSize: dataSize}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonErr("reading an entry name", err)
		}
		name, ok := tok.(string)
		if !ok {
			return nil, fail("entry name at file byte %d is not a string", 8+dec.InputOffset())
		}
		if seen[name] {
			return nil, fail("entry %q appears twice (file byte %d)", name, 8+dec.InputOffset())
		}
		seen[name] = true
		if name == safetensorsMetadataKey {
			var m map[string]string
			if err := dec.Decode(&m); err != nil {
				return nil, jsonErr("__metadata__ (an object of strings)", err)
			}
			for k, v := range m {
				h.Metadata[k] = v
			}
			continue
		}
		var raw rawTensorInfo
		at := 8 + dec.InputOffset()
		if err := dec.Decode(&raw); err != nil {
			return nil, jsonErr(fmt.Sprintf("tensor %q", name), err)
		}
		t, err := checkTensorInfo(name, raw, dataSize)
		if err != nil {
			return nil, fail("tensor %q (file byte %d): %v", name, at, err)
		}
		h.Tensors = append(h.Tensors, t)
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, jsonErr("closing the header", err)
	}
	// Only padding (spaces, as writers add) may follow.
	if rest := bytes.TrimLeft(hdr[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, fail("unexpected data after the header object at file byte %d", 8+len(hdr)-len(rest))
	}
	if err := checkTiling(h.Tensors, dataSize); err != nil {
		return nil, fail("%v", err)
	}
	slices.SortFunc(h.Tensors, func(a, b TensorInfo) int { return strings.Compare(a.Name, b.Name) })
	return h, nil
}

// checkTensorInfo validates one header entry against a data section of
// dataSize bytes.
func checkTensorInfo(name string, raw rawTensorInfo, dataSize int64) (TensorInfo, error) {
	switch {
	case raw.DType == nil:
		return TensorInfo{}, errors.New(`no "dtype"`)
	case raw.Shape == nil:
		return TensorInfo{}, errors.New(`no "shape"`)
	case raw.DataOffsets == nil:
		return TensorInfo{}, errors.New(`no "data_offsets"`)
	}
	t := TensorInfo{Name: name, DType: *raw.DType}
	es, ok := safetensorsDTypeSizes[t.DType]
	if !ok {
		return TensorInfo{}, fmt.Errorf("unknown dtype %q", t.DType)
	}
	off := *raw.DataOffsets
	if len(off) != 2 {
		return TensorInfo{}, fmt.Errorf(`"data_offsets" has %d values, want 2 (begin, end)`, len(off))
	}
	t.Begin, t.End = off[0], off[1]
	if t.Begin < 0 || t.End < t.Begin || t.End > dataSize {
		return TensorInfo{}, fmt.Errorf(`"data_offsets" [%d, %d] are not an increasing range inside the %d-byte data section`, t.Begin, t.End, dataSize)
	}
	shape := *raw.Shape
	t.Shape = make([]int, len(shape))
	for i, d := range shape {
		if d < 0 {
			return TensorInfo{}, fmt.Errorf("shape dimension %d is negative (%d)", i, d)
		}
		t.Shape[i] = int(d)
	}
	elems := int64(1)
	if !slices.Contains(shape, 0) {
		maxElems := math.MaxInt64 / es
		for _, d := range shape {
			if elems > maxElems/d {
				return TensorInfo{}, fmt.Errorf("shape %v has more elements than any file holds", shape)
			}
			elems *= d
		}
	} else {
		elems = 0
	}
	if elems*es != t.End-t.Begin {
		return TensorInfo{}, fmt.Errorf("shape %v of %s needs %d bytes, but data_offsets [%d, %d] span %d",
			shape, t.DType, elems*es, t.Begin, t.End, t.End-t.Begin)
	}
	t.Elements = int(elems)
	return t, nil
}

// checkTiling reports whether the tensors' byte ranges cover [0, dataSize)
// exactly once, in some order.
func checkTiling(ts []TensorInfo, dataSize int64) error {
	order := make([]int, len(ts))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(ts[a].Begin, ts[b].Begin); c != 0 {
			return c
		}
		if c := cmp.Compare(ts[a].End, ts[b].End); c != 0 {
			return c
		}
		return strings.Compare(ts[a].Name, ts[b].Name)
	})
	var end int64
	for _, i := range order {
		t := ts[i]
		if t.Begin != end {
			if t.Begin < end {
				return fmt.Errorf("tensor %q [%d, %d] overlaps the tensor before it, which ends at %d", t.Name, t.Begin, t.End, end)
			}
			return fmt.Errorf("data bytes [%d, %d] belong to no tensor (tensor %q starts at %d)", end, t.Begin, t.Name, t.Begin)
		}
		end = t.End
	}
	if end != dataSize {
		return fmt.Errorf("data bytes [%d, %d] after the last tensor belong to no tensor", end, dataSize)
	}
	return nil
}

// WriteSafetensors writes tensors and metadata to path as a safetensors
// file, atomically (a temporary file in the same directory, then a
// rename). The output is deterministic: header entries and data are in
// increasing order of name, metadata keys sorted, and the header padded
// with spaces so the data section starts at a multiple of 8 bytes.
func WriteSafetensors(path string, tensors map[string]Tensor, metadata map[string]string) error {
	b, err := encodeSafetensors(tensors, metadata)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// encodeSafetensors returns the bytes of the file WriteSafetensors writes.
func encodeSafetensors(tensors map[string]Tensor, metadata map[string]string) ([]byte, error) {
	names := make([]string, 0, len(tensors))
	for name := range tensors {
		names = append(names, name)
	}
	slices.Sort(names)
	var hdr bytes.Buffer
	hdr.WriteByte('{')
	if len(metadata) > 0 {
		m, err := json.Marshal(metadata) // keys sorted
		if err != nil {
			return nil, fmt.Errorf("metadata: %w", err)
		}
		hdr.WriteString(`"__metadata__":`)
		hdr.Write(m)
	}
	var data []byte
	for i, name := range names {
		t := tensors[name]
		if name == safetensorsMetadataKey {
			return nil, fmt.Errorf("a tensor cannot be called %s", safetensorsMetadataKey)
		}
		elems := 1
		for _, d := range t.Shape {
			if d < 0 {
				return nil, fmt.Errorf("tensor %q: negative dimension in shape %v", name, t.Shape)
			}
			elems *= d
		}
		if elems != len(t.Data) {
			return nil, fmt.Errorf("tensor %q: shape %v holds %d values, data has %d", name, t.Shape, elems, len(t.Data))
		}
		dtype := t.DType
		if dtype == "" {
			dtype = "F64"
		}
		begin := len(data)
		switch dtype {
		case "F64":
			for _, v := range t.Data {
				data = binary.LittleEndian.AppendUint64(data, math.Float64bits(v))
			}
		case "F32":
			for _, v := range t.Data {
				data = binary.LittleEndian.AppendUint32(data, math.Float32bits(float32(v)))
			}
		default:
			return nil, fmt.Errorf("tensor %q: dtype %q, want F64 or F32", name, t.DType)
		}
		if i > 0 || len(metadata) > 0 {
			hdr.WriteByte(',')
		}
		q, _ := json.Marshal(name) // a string always marshals
		hdr.Write(q)
		fmt.Fprintf(&hdr, `:{"dtype":"%s","shape":[`, dtype)
		for j, d := range t.Shape {
			if j > 0 {
				hdr.WriteByte(',')
			}
			hdr.WriteString(strconv.Itoa(d))
		}
		fmt.Fprintf(&hdr, `],"data_offsets":[%d,%d]}`, begin, len(data))
	}
	hdr.WriteByte('}')
	for hdr.Len()%8 != 0 {
		hdr.WriteByte(' ')
	}
	out := make([]byte, 0, 8+hdr.Len()+len(data))
	out = binary.LittleEndian.AppendUint64(out, uint64(hdr.Len()))
	out = append(out, hdr.Bytes()...)
	return append(out, data...), nil
}
