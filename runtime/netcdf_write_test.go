// Tests of the NetCDF-3 writer: round trips, layout, determinism, atomicity, errors, resume and allocation.

package runtime

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleNetCDF writes a file with every type, fixed and record variables,
// scalars and attributes, and returns its path.
func sampleNetCDF(t testing.TB, dir string, format NCFormat, records int) string {
	t.Helper()
	path := filepath.Join(dir, "sample.nc")
	w, err := NewNetCDFWriter(path, format)
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ int, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.AddDim("time", 0))
	must(w.AddDim("x", 3))
	must(w.AddDim("c", 5))
	if err := w.AddAttr(NCText("title", "sample")); err != nil {
		t.Fatal(err)
	}
	if err := w.AddAttr(NCInts("numbers", 1, -2, 3)); err != nil {
		t.Fatal(err)
	}
	must(w.AddVar("x", NCDouble, []string{"x"}, NCText("units", "m")))
	must(w.AddVar("b", NCByte, []string{"x"}))
	must(w.AddVar("s", NCShort, []string{"x"}, NCDoubles("scale", 0.5)))
	must(w.AddVar("name", NCChar, []string{"c"}))
	must(w.AddVar("scalar", NCFloat, nil))
	must(w.AddVar("time", NCDouble, []string{"time"}))
	must(w.AddVar("rb", NCByte, []string{"time", "x"}, NCAttr{Name: "_FillValue", Type: NCByte, Values: []float64{-1}}))
	must(w.AddVar("ri", NCInt, []string{"time", "x"}))
	must(w.AddVar("rf", NCFloat, []string{"time"}))
	if err := w.Create(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		v    int
		vals []float64
	}{{0, []float64{0.5, 1.5, 2.5}}, {1, []float64{-128, 0, 127}}, {2, []float64{-32768, 1, 32767}}, {3, []float64{'h', 'e', 'l', 'l', 'o'}}, {4, []float64{0.25}}} {
		if err := w.WriteVar(c.v, c.vals); err != nil {
			t.Fatal(err)
		}
	}
	for r := 0; r < records; r++ {
		x := float64(r)
		if err := w.PutRecord(5, []float64{x / 10}); err != nil {
			t.Fatal(err)
		}
		if r != 1 { // record 1 leaves rb to its fill value
			if err := w.PutRecord(6, []float64{x, -x, 2 * x}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.PutRecord(7, []float64{x, 1e6 * x, -x}); err != nil {
			t.Fatal(err)
		}
		if err := w.PutRecord(8, []float64{x + 0.5}); err != nil {
			t.Fatal(err)
		}
		if err := w.AppendRecord(); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestNetCDFRoundTrip(t *testing.T) {
	for _, format := range []NCFormat{NCClassic, NC64BitOffset} {
		t.Run(format.String(), func(t *testing.T) {
			path := sampleNetCDF(t, t.TempDir(), format, 3)
			f, err := OpenNetCDF(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Format != format || f.NumRecs != 3 || len(f.Dims) != 3 || !f.Dims[0].Unlimited || f.Dims[0].Len != 3 {
				t.Fatalf("format %v, %d records, dims %+v", f.Format, f.NumRecs, f.Dims)
			}
			if a, ok := f.Attr("title"); !ok || a.Text != "sample" {
				t.Errorf("title = %+v", a)
			}
			if a, ok := f.Attr("numbers"); !ok || a.Type != NCInt || a.String() != "1, -2, 3" {
				t.Errorf("numbers = %+v", a)
			}
			if a, ok := f.Var("s").Attr("scale"); !ok || a.Values[0] != 0.5 {
				t.Errorf("s:scale = %+v", a)
			}
			for _, c := range []struct {
				name  string
				want  []float64
				shape []int
			}{
				{"x", []float64{0.5, 1.5, 2.5}, []int{3}},
				{"b", []float64{-128, 0, 127}, []int{3}},
				{"s", []float64{-32768, 1, 32767}, []int{3}},
				{"name", []float64{'h', 'e', 'l', 'l', 'o'}, []int{5}},
				{"scalar", []float64{0.25}, []int{}},
				{"time", []float64{0, 0.1, 0.2}, []int{3}},
				{"rb", []float64{0, 0, 0, -1, -1, -1, 2, -2, 4}, []int{3, 3}},
				{"ri", []float64{0, 0, 0, 1, 1e6, -1, 2, 2e6, -2}, []int{3, 3}},
				{"rf", []float64{0.5, 1.5, 2.5}, []int{3}},
			} {
				got, err := f.ReadFloat64(c.name)
				if err != nil {
					t.Fatal(err)
				}
				if !equalFloats(got, c.want) {
					t.Errorf("%s = %v, want %v", c.name, got, c.want)
				}
				if v := f.Var(c.name); !equalInts(v.Shape, c.shape) {
					t.Errorf("%s shape %v, want %v", c.name, v.Shape, c.shape)
				}
			}
			if _, err := f.ReadFloat64("nope"); err == nil || !strings.Contains(err.Error(), "no variable nope") {
				t.Errorf("missing variable: %v", err)
			}
		})
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The smallest file is 32 bytes (the format specification's example);
// and with a single short record variable, records are not padded.
func TestNetCDFLayout(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.nc")
	w, _ := NewNetCDFWriter(empty, NCClassic)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(empty)
	if want := "CDF\x01" + strings.Repeat("\x00", 28); string(b) != want {
		t.Errorf("empty file = %q, want %q", b, want)
	}

	for _, c := range []struct {
		name    string
		types   []NCType
		recsize int64
	}{
		{"one short", []NCType{NCShort}, 6},
		{"one byte", []NCType{NCByte}, 3},
		{"two shorts", []NCType{NCShort, NCShort}, 16},
		{"short and double", []NCType{NCShort, NCDouble}, 32},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, "rec.nc")
			w, _ := NewNetCDFWriter(path, NC64BitOffset)
			w.AddDim("t", 0)
			w.AddDim("k", 3)
			for i, typ := range c.types {
				if _, err := w.AddVar(string(rune('a'+i)), typ, []string{"t", "k"}); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Create(); err != nil {
				t.Fatal(err)
			}
			for r := 0; r < 4; r++ {
				for i := range c.types {
					w.PutRecord(i, []float64{float64(r), float64(i), 7})
				}
				if err := w.AppendRecord(); err != nil {
					t.Fatal(err)
				}
			}
			header := int64(len(w.header(0)))
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			st, _ := os.Stat(path)
			if want := header + 4*c.recsize; st.Size() != want {
				t.Errorf("file size %d, want %d (header %d + 4 records of %d)", st.Size(), want, header, c.recsize)
			}
			f, err := OpenNetCDF(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, _ := f.ReadFloat64("a")
			if want := []float64{0, 0, 7, 1, 0, 7, 2, 0, 7, 3, 0, 7}; !equalFloats(got, want) {
				t.Errorf("a = %v, want %v", got, want)
			}
		})
	}
}

func TestNetCDFDeterministic(t *testing.T) {
	a, _ := os.ReadFile(sampleNetCDF(t, t.TempDir(), NC64BitOffset, 4))
	b, _ := os.ReadFile(sampleNetCDF(t, t.TempDir(), NC64BitOffset, 4))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("two writes differ (%d and %d bytes)", len(a), len(b))
	}
}

// dirEntries lists the names in dir.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestNetCDFDiscardLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	w, _ := NewNetCDFWriter(filepath.Join(dir, "x.nc"), NCClassic)
	w.AddDim("t", 0)
	w.AddVar("v", NCDouble, []string{"t"})
	if err := w.Create(); err != nil {
		t.Fatal(err)
	}
	if names := dirEntries(t, dir); len(names) != 1 || !strings.HasPrefix(names[0], ".x.nc.tmp") {
		t.Fatalf("while writing: %v, want one temporary file", names)
	}
	w.PutRecord(0, []float64{1})
	w.AppendRecord()
	w.Discard()
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Fatalf("after Discard: %v, want nothing", names)
	}
	if err := w.AppendRecord(); err == nil {
		t.Error("append after Discard succeeded")
	}
	// Close failing (the directory is gone) removes the temporary file.
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	w, _ = NewNetCDFWriter(filepath.Join(sub, "y.nc"), NCClassic)
	if err := w.Create(); err != nil {
		t.Fatal(err)
	}
	tmp := w.TempPath()
	os.Rename(tmp, tmp+".moved") // the rename in Close now fails
	if err := w.Close(); err == nil {
		t.Error("Close succeeded without its temporary file")
	}
	if _, err := os.Stat(filepath.Join(sub, "y.nc")); err == nil {
		t.Error("Close failed but left y.nc")
	}
}

func TestNetCDFWriterErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		run  func(w *NetCDFWriter) error
		want string
	}{
		{"dimension twice", func(w *NetCDFWriter) error { _, err := w.AddDim("x", 2); return err }, "defined twice"},
		{"two unlimited", func(w *NetCDFWriter) error { _, err := w.AddDim("u", 0); return err }, "already the unlimited"},
		{"negative length", func(w *NetCDFWriter) error { _, err := w.AddDim("n", -1); return err }, "length -1"},
		{"bad name", func(w *NetCDFWriter) error { _, err := w.AddDim("a/b", 1); return err }, "not allowed"},
		{"empty name", func(w *NetCDFWriter) error { _, err := w.AddVar("", NCInt, nil); return err }, "empty name"},
		{"leading dot", func(w *NetCDFWriter) error { _, err := w.AddVar(".v", NCInt, nil); return err }, "must start"},
		{"record dim not first", func(w *NetCDFWriter) error { _, err := w.AddVar("v2", NCInt, []string{"x", "t"}); return err }, "must come first"},
		{"unknown dim", func(w *NetCDFWriter) error { _, err := w.AddVar("v2", NCInt, []string{"y"}); return err }, "no dimension y"},
		{"unknown type", func(w *NetCDFWriter) error { _, err := w.AddVar("v2", NCType(9), nil); return err }, "unknown type"},
		{"variable twice", func(w *NetCDFWriter) error { _, err := w.AddVar("v", NCInt, nil); return err }, "defined twice"},
		{"fill of other type", func(w *NetCDFWriter) error {
			_, err := w.AddVar("v2", NCInt, nil, NCDoubles("_FillValue", 1))
			return err
		}, "_FillValue must be one int"},
		{"attribute twice", func(w *NetCDFWriter) error { w.AddAttr(NCText("a", "1")); return w.AddAttr(NCText("a", "2")) }, "defined twice"},
		{"attribute out of range", func(w *NetCDFWriter) error {
			return w.AddAttr(NCAttr{Name: "a", Type: NCShort, Values: []float64{1e6}})
		}, "does not fit in short"},
		{"write before create", func(w *NetCDFWriter) error { return w.WriteVar(0, []float64{1, 2}) }, "before Create"},
		{"wrong length", func(w *NetCDFWriter) error { w.Create(); return w.WriteVar(1, []float64{1}) }, "1 values, want 2"},
		{"fixed as record", func(w *NetCDFWriter) error { w.Create(); return w.PutRecord(1, []float64{1, 2}) }, "use WriteVar"},
		{"record as fixed", func(w *NetCDFWriter) error { w.Create(); return w.WriteVar(0, []float64{1}) }, "use PutRecord"},
		{"no such variable", func(w *NetCDFWriter) error { w.Create(); return w.PutRecord(7, nil) }, "no variable 7"},
		{"fraction in int", func(w *NetCDFWriter) error { w.Create(); return w.WriteVar(1, []float64{1, 2.5}) }, "does not fit in int"},
		{"NaN in int", func(w *NetCDFWriter) error { w.Create(); return w.WriteVar(1, []float64{math.NaN(), 2}) }, "does not fit in int"},
		{"define after create", func(w *NetCDFWriter) error { w.Create(); _, err := w.AddDim("z", 1); return err }, "definitions are fixed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, err := NewNetCDFWriter(filepath.Join(t.TempDir(), "e.nc"), NCClassic)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Discard()
			w.AddDim("t", 0)
			w.AddDim("x", 2)
			if _, err := w.AddVar("v", NCInt, []string{"t"}); err != nil {
				t.Fatal(err)
			}
			if _, err := w.AddVar("f", NCInt, []string{"x"}); err != nil {
				t.Fatal(err)
			}
			err = c.run(w)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "e.nc") {
				t.Fatalf("error %v, want one naming e.nc and saying %q", err, c.want)
			}
		})
	}
	if _, err := NewNetCDFWriter("x.nc", 5); err == nil {
		t.Error("format 5 accepted")
	}
}

// A rejected value leaves the record variable as if it was never put.
func TestNetCDFPutRecordErrorLeavesFill(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.nc")
	w, _ := NewNetCDFWriter(path, NCClassic)
	w.AddDim("t", 0)
	w.AddVar("v", NCShort, []string{"t"})
	w.Create()
	if err := w.PutRecord(0, []float64{1e9}); err == nil {
		t.Fatal("1e9 accepted as a short")
	}
	w.AppendRecord()
	w.Close()
	f, err := OpenNetCDF(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, _ := f.ReadFloat64("v"); !equalFloats(got, []float64{-32767}) {
		t.Errorf("v = %v, want the short fill value -32767", got)
	}
}

func TestNetCDFAppendRecordZeroAllocs(t *testing.T) {
	w, rec := benchWriter(t)
	defer w.Discard()
	allocs := testing.AllocsPerRun(100, func() {
		w.PutRecord(0, rec[:1])
		w.PutRecord(1, rec)
		w.AppendRecord()
	})
	if allocs != 0 {
		t.Errorf("%v allocations per record, want 0", allocs)
	}
}

// benchWriter is a writer of records of a time and a 40-vector.
func benchWriter(t testing.TB) (*NetCDFWriter, []float64) {
	w, _ := NewNetCDFWriter(filepath.Join(t.TempDir(), "b.nc"), NC64BitOffset)
	w.AddDim("time", 0)
	w.AddDim("i", 40)
	w.AddVar("time", NCDouble, []string{"time"})
	w.AddVar("x", NCDouble, []string{"time", "i"})
	if err := w.Create(); err != nil {
		t.Fatal(err)
	}
	rec := make([]float64, 40)
	for i := range rec {
		rec[i] = float64(i)
	}
	return w, rec
}

func BenchmarkNetCDFAppendRecord(b *testing.B) {
	w, rec := benchWriter(b)
	defer w.Discard()
	b.ReportAllocs()
	for b.Loop() {
		w.PutRecord(0, rec[:1])
		w.PutRecord(1, rec)
		if err := w.AppendRecord(); err != nil {
			b.Fatal(err)
		}
	}
}
