// Tests of the safetensors reader and writer, hostile files included.

package runtime

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// rawSafetensors assembles a file from a literal header and data section.
func rawSafetensors(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	return append(b, data...)
}

// sampleTensors is a small file's content: an F64 matrix, an F32 vector
// and a scalar.
func sampleTensors() map[string]Tensor {
	return map[string]Tensor{
		"w":      {Shape: []int{2, 3}, Data: []float64{1, -2, 3.25, math.Pi, 0, -1e-300}},
		"b":      {DType: "F32", Shape: []int{2}, Data: []float64{0.5, -7}},
		"scalar": {DType: "F64", Shape: []int{}, Data: []float64{42}},
	}
}

func TestSafetensorsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.safetensors")
	meta := map[string]string{"activation": "tanh", "note": "é\"q"}
	if err := WriteSafetensors(path, sampleTensors(), meta); err != nil {
		t.Fatal(err)
	}
	h, got, err := ReadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	if h.DataStart%8 != 0 {
		t.Errorf("data section starts at %d, want a multiple of 8", h.DataStart)
	}
	if len(h.Metadata) != 2 || h.Metadata["activation"] != "tanh" || h.Metadata["note"] != "é\"q" {
		t.Errorf("metadata %v, want %v", h.Metadata, meta)
	}
	var names []string
	for _, ti := range h.Tensors {
		names = append(names, ti.Name)
	}
	if !slices.Equal(names, []string{"b", "scalar", "w"}) {
		t.Errorf("tensors %v, want sorted b, scalar, w", names)
	}
	for name, want := range sampleTensors() {
		g, ok := got[name]
		if !ok {
			t.Errorf("tensor %q missing", name)
			continue
		}
		dt := want.DType
		if dt == "" {
			dt = "F64"
		}
		if g.DType != dt || !slices.Equal(g.Shape, want.Shape) || !slices.Equal(g.Data, want.Data) {
			t.Errorf("tensor %q = %+v, want %+v (dtype %s)", name, g, want, dt)
		}
		if ti, ok := h.Tensor(name); !ok || ti.Elements != len(want.Data) {
			t.Errorf("header entry %q = %+v, %v", name, ti, ok)
		}
	}
	if _, ok := h.Tensor("nope"); ok {
		t.Error(`h.Tensor("nope") found a tensor`)
	}

	// The header alone agrees with the full read.
	h2, err := ReadSafetensorsHeader(path)
	if err != nil {
		t.Fatal(err)
	}
	if h2.DataStart != h.DataStart || h2.DataSize != h.DataSize || len(h2.Tensors) != len(h.Tensors) {
		t.Errorf("header-only read %+v differs from full read %+v", h2, h)
	}

	// Same input, same bytes; no temporary file is left.
	path2 := filepath.Join(dir, "w2.safetensors")
	if err := WriteSafetensors(path2, sampleTensors(), meta); err != nil {
		t.Fatal(err)
	}
	b1, _ := os.ReadFile(path)
	b2, _ := os.ReadFile(path2)
	if !bytes.Equal(b1, b2) {
		t.Error("two writes of the same tensors differ")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("directory holds %d entries, want the 2 files", len(entries))
	}
}

// TestSafetensorsKnownBytes pins the writer's layout against a file
// written out by hand.
func TestSafetensorsKnownBytes(t *testing.T) {
	b, err := encodeSafetensors(map[string]Tensor{"x": {DType: "F32", Shape: []int{1}, Data: []float64{1}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hdr := `{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}` + "  "
	want := rawSafetensors(hdr, []byte{0, 0, 0x80, 0x3f})
	if !bytes.Equal(b, want) {
		t.Errorf("encoded\n%q\nwant\n%q", b, want)
	}
}

func TestWriteSafetensorsErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		tensors map[string]Tensor
		want    string
	}{
		{"short data", map[string]Tensor{"a": {Shape: []int{2, 2}, Data: []float64{1, 2, 3}}}, `tensor "a": shape [2 2] holds 4 values, data has 3`},
		{"dtype", map[string]Tensor{"a": {DType: "BF16", Shape: []int{1}, Data: []float64{1}}}, `tensor "a": dtype "BF16", want F64 or F32`},
		{"negative", map[string]Tensor{"a": {Shape: []int{-1}}}, "negative dimension"},
		{"metadata name", map[string]Tensor{"__metadata__": {Shape: []int{}, Data: []float64{1}}}, "cannot be called __metadata__"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "bad.safetensors")
			err := WriteSafetensors(path, tc.tensors, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v, want one naming %s and containing %q", err, path, tc.want)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("a file was left at %s", path)
			}
		})
	}
}

// hostileSafetensors are malformed files and what the reader must say.
var hostileSafetensors = []struct {
	name string
	file []byte
	want string
}{
	{"empty", nil, "0 bytes, want at least 8"},
	{"short", []byte{1, 0, 0}, "3 bytes, want at least 8"},
	{"huge header length", binary.LittleEndian.AppendUint64(nil, 1<<62), "exceeds the limit of 100000000 bytes"},
	{"header past end", append(binary.LittleEndian.AppendUint64(nil, 50), "{}"...), "header length 50 (bytes 0-7) exceeds the 2 bytes after it"},
	{"zero header", rawSafetensors("", nil), "does not start with '{'"},
	{"not an object", rawSafetensors(`[1,2]`, nil), "does not start with '{'"},
	{"truncated json", rawSafetensors(`{"a":{"dtype":`, nil), "the header ends early"},
	{"bad json", rawSafetensors(`{"a" 1}`, nil), `tensor "a" at file byte 13: expected colon after object key`},
	{"invalid utf8", rawSafetensors("{\"\xff\":1}", nil), "not valid UTF-8"},
	{"duplicate", rawSafetensors(`{"a":{"dtype":"F64","shape":[],"data_offsets":[0,8]},"a":{"dtype":"F64","shape":[],"data_offsets":[8,16]}}`, make([]byte, 16)), `entry "a" appears twice`},
	{"entry not object", rawSafetensors(`{"a":5}`, nil), `tensor "a" at file byte`},
	{"no dtype", rawSafetensors(`{"a":{"shape":[1],"data_offsets":[0,8]}}`, make([]byte, 8)), `tensor "a" (file byte 12): no "dtype"`},
	{"no shape", rawSafetensors(`{"a":{"dtype":"F64","data_offsets":[0,8]}}`, make([]byte, 8)), `no "shape"`},
	{"no offsets", rawSafetensors(`{"a":{"dtype":"F64","shape":[1]}}`, make([]byte, 8)), `no "data_offsets"`},
	{"null entry", rawSafetensors(`{"a":null}`, nil), `no "dtype"`},
	{"unknown dtype", rawSafetensors(`{"a":{"dtype":"F17","shape":[1],"data_offsets":[0,8]}}`, make([]byte, 8)), `unknown dtype "F17"`},
	{"three offsets", rawSafetensors(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8,9]}}`, make([]byte, 8)), `has 3 values, want 2`},
	{"offsets past data", rawSafetensors(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`, make([]byte, 4)), "inside the 4-byte data section"},
	{"offsets reversed", rawSafetensors(`{"a":{"dtype":"F64","shape":[0],"data_offsets":[8,0]}}`, make([]byte, 8)), "not an increasing range"},
	{"negative offset", rawSafetensors(`{"a":{"dtype":"F64","shape":[0],"data_offsets":[-8,0]}}`, nil), "not an increasing range"},
	{"float offset", rawSafetensors(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0.5,8]}}`, make([]byte, 8)), `tensor "a" at file byte`},
	{"size mismatch", rawSafetensors(`{"a":{"dtype":"F64","shape":[3],"data_offsets":[0,16]}}`, make([]byte, 16)), "shape [3] of F64 needs 24 bytes, but data_offsets [0, 16] span 16"},
	{"negative dim", rawSafetensors(`{"a":{"dtype":"F64","shape":[-1,-8],"data_offsets":[0,8]}}`, make([]byte, 8)), "dimension 0 is negative"},
	{"huge shape", rawSafetensors(`{"a":{"dtype":"F64","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}}`, make([]byte, 8)), "more elements than any file holds"},
	{"overflowing dim", rawSafetensors(`{"a":{"dtype":"F64","shape":[99999999999999999999],"data_offsets":[0,8]}}`, make([]byte, 8)), `tensor "a" at file byte`},
	{"overlap", rawSafetensors(`{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"b":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}`, make([]byte, 16)), `tensor "b" [8, 16] overlaps`},
	{"gap", rawSafetensors(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}`, make([]byte, 16)), "data bytes [0, 8] belong to no tensor"},
	{"trailing data", rawSafetensors(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`, make([]byte, 12)), "data bytes [8, 12] after the last tensor"},
	{"metadata not strings", rawSafetensors(`{"__metadata__":{"a":1}}`, nil), "__metadata__ (an object of strings)"},
	{"metadata not object", rawSafetensors(`{"__metadata__":[]}`, nil), "__metadata__ (an object of strings)"},
	{"garbage after", rawSafetensors(`{}  x`, nil), "unexpected data after the header object at file byte 12"},
	{"second object", rawSafetensors(`{}{}`, nil), "unexpected data after the header object at file byte 10"},
}

func TestSafetensorsHostile(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range hostileSafetensors {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "h.safetensors")
			if err := os.WriteFile(path, tc.file, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, read := range []func(string) error{
				func(p string) error { _, err := ReadSafetensorsHeader(p); return err },
				func(p string) error { _, _, err := ReadSafetensors(p); return err },
			} {
				err := read(path)
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), path+": ") {
					t.Errorf("error %v, want one starting %q and containing %q", err, path+": ", tc.want)
				}
			}
		})
	}
}

// TestSafetensorsValidEdgeCases checks files the format allows: padding,
// no tensors, zero-size tensors, unknown fields, and dtypes the header may
// describe but the loader refuses.
func TestSafetensorsValidEdgeCases(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		file    []byte
		tensors int
		loadErr string
	}{
		{"empty object", rawSafetensors(`{}`, nil), 0, ""},
		{"padded", rawSafetensors(`{"__metadata__":{"k":"v"}}      `, nil), 0, ""},
		{"zero-size tensors", rawSafetensors(`{"a":{"dtype":"F32","shape":[0,5],"data_offsets":[0,0]},"b":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"c":{"dtype":"F64","shape":[99999999999,0],"data_offsets":[8,8]}}`, make([]byte, 8)), 3, ""},
		{"unknown field", rawSafetensors(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8],"extra":true}}`, make([]byte, 8)), 1, ""},
		{"bf16", rawSafetensors(`{"layers.0.weight":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)), 1, `tensor "layers.0.weight" has dtype BF16; only F32 and F64 are supported`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "v.safetensors")
			if err := os.WriteFile(path, tc.file, 0o644); err != nil {
				t.Fatal(err)
			}
			h, err := ReadSafetensorsHeader(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(h.Tensors) != tc.tensors {
				t.Errorf("%d tensors, want %d", len(h.Tensors), tc.tensors)
			}
			_, ts, err := ReadSafetensors(path)
			if tc.loadErr == "" {
				if err != nil || len(ts) != tc.tensors {
					t.Errorf("load: %d tensors, error %v; want %d, nil", len(ts), err, tc.tensors)
				}
			} else if err == nil || !strings.Contains(err.Error(), tc.loadErr) {
				t.Errorf("load error %v, want %q", err, tc.loadErr)
			}
		})
	}
}

// FuzzSafetensorsHeader feeds arbitrary bytes to the reader: it must never
// panic, and whatever it accepts must be self-consistent and survive a
// write and a second read unchanged.
func FuzzSafetensorsHeader(f *testing.F) {
	good, err := encodeSafetensors(sampleTensors(), map[string]string{"activation": "relu"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	net, err := encodeSafetensors(map[string]Tensor{
		"layers.0.weight": {Shape: []int{3, 2}, Data: make([]float64, 6)},
		"layers.0.bias":   {DType: "F32", Shape: []int{3}, Data: make([]float64, 3)},
		"layers.1.weight": {Shape: []int{2, 3}, Data: make([]float64, 6)},
		"layers.1.bias":   {Shape: []int{2}, Data: make([]float64, 2)},
	}, map[string]string{"activations": "tanh,linear"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(net)
	for _, tc := range hostileSafetensors {
		f.Add(tc.file)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, ts, err := parseSafetensors("fuzz", b)
		hh, herr := readSafetensorsHeader("fuzz", bytes.NewReader(b), int64(len(b)))
		if herr != nil {
			if err == nil {
				t.Fatalf("header read failed (%v) but full read succeeded", herr)
			}
			return
		}
		var total int64
		for _, ti := range hh.Tensors {
			if ti.Begin < 0 || ti.End > hh.DataSize || ti.End-ti.Begin != int64(ti.Elements)*safetensorsDTypeSizes[ti.DType] {
				t.Fatalf("accepted inconsistent tensor %+v (data %d bytes)", ti, hh.DataSize)
			}
			total += ti.End - ti.Begin
		}
		if total != hh.DataSize || hh.DataStart+hh.DataSize != int64(len(b)) {
			t.Fatalf("tensors cover %d of %d data bytes; data at %d in a %d-byte file", total, hh.DataSize, hh.DataStart, len(b))
		}
		// Any header may be checked as a network without panicking.
		for _, dim := range []int{1, 2, 3} {
			_, _ = NetworkSpecFromHeader(hh, dim)
		}
		if err != nil {
			return // e.g. a dtype that cannot be loaded
		}
		again, err := encodeSafetensors(ts, h.Metadata)
		if err != nil {
			t.Fatalf("cannot re-encode an accepted file: %v", err)
		}
		_, ts2, err := parseSafetensors("again", again)
		if err != nil {
			t.Fatalf("cannot re-read a re-encoded file: %v", err)
		}
		for name, x := range ts {
			y := ts2[name]
			if x.DType != y.DType || !slices.Equal(x.Shape, y.Shape) || len(x.Data) != len(y.Data) {
				t.Fatalf("tensor %q changed: %+v became %+v", name, x, y)
			}
			for i := range x.Data {
				if math.Float64bits(x.Data[i]) != math.Float64bits(y.Data[i]) && !(math.IsNaN(x.Data[i]) && math.IsNaN(y.Data[i])) {
					t.Fatalf("tensor %q element %d changed: %v became %v", name, i, x.Data[i], y.Data[i])
				}
			}
		}
	})
}
