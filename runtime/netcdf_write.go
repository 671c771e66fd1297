// NetCDF-3 writer: define dimensions, variables and attributes, then write fixed variables and stream records, atomically.

package runtime

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// NetCDFWriter writes a NetCDF-3 file (classic or 64-bit offset). Use it
// in two phases:
//
//  1. define: [NetCDFWriter.AddDim], [NetCDFWriter.AddAttr] (global
//     attributes) and [NetCDFWriter.AddVar];
//  2. write: [NetCDFWriter.Create] (or [NetCDFWriter.Resume]), then
//     [NetCDFWriter.WriteVar] for fixed variables and, for each record,
//     [NetCDFWriter.PutRecord] for each record variable and
//     [NetCDFWriter.AppendRecord]; then [NetCDFWriter.Close].
//
// The file is written to a temporary file in the destination directory
// and renamed into place by Close; [NetCDFWriter.Discard], or any I/O
// failure, removes it, so no half-written file is ever left under the
// path. The bytes depend only on the definitions and the values written:
// data not written holds the variable's fill value (its _FillValue
// attribute or the type's default), and padding is filled the same way.
// Appending a record allocates nothing.
type NetCDFWriter struct {
	path   string
	format NCFormat
	dims   []NCDim
	attrs  []NCAttr
	vars   []NCVar
	vsize  []int64 // padded size of each variable (per record for record variables)
	recDim int     // index of the unlimited dimension, or -1

	f        *os.File // nil until Create or Resume
	dataEnd  int64    // end of the fixed data, start of the records
	recsize  int64
	numrecs  int
	rec      []byte // the pending record
	fillRec  []byte // a record of fill values
	nrecVars int
	err      error // first I/O error; the writer is then dead
	done     bool
}

// NewNetCDFWriter starts the definition of the NetCDF file at path in the
// given format.
func NewNetCDFWriter(path string, format NCFormat) (*NetCDFWriter, error) {
	if format != NCClassic && format != NC64BitOffset {
		return nil, fmt.Errorf("netcdf %s: format %d, want classic (1) or 64-bit offset (2)", path, format)
	}
	return &NetCDFWriter{path: path, format: format, recDim: -1}, nil
}

// AddDim defines a dimension and returns its index. Length 0 defines the
// unlimited (record) dimension; there can be one.
func (w *NetCDFWriter) AddDim(name string, length int) (int, error) {
	if err := w.defining(); err != nil {
		return 0, err
	}
	if err := checkName(name); err != nil {
		return 0, fmt.Errorf("netcdf %s: dimension: %w", w.path, err)
	}
	for _, d := range w.dims {
		if d.Name == name {
			return 0, fmt.Errorf("netcdf %s: dimension %s defined twice", w.path, name)
		}
	}
	if length < 0 || length > math.MaxInt32 {
		return 0, fmt.Errorf("netcdf %s: dimension %s has length %d, want 0 (unlimited) to %d", w.path, name, length, math.MaxInt32)
	}
	if length == 0 {
		if w.recDim >= 0 {
			return 0, fmt.Errorf("netcdf %s: dimension %s: %s is already the unlimited dimension, a NetCDF-3 file has one", w.path, name, w.dims[w.recDim].Name)
		}
		w.recDim = len(w.dims)
	}
	w.dims = append(w.dims, NCDim{Name: name, Len: length, Unlimited: length == 0})
	return len(w.dims) - 1, nil
}

// AddAttr adds a global attribute.
func (w *NetCDFWriter) AddAttr(a NCAttr) error {
	if err := w.defining(); err != nil {
		return err
	}
	if err := checkAttr(a, w.attrs); err != nil {
		return fmt.Errorf("netcdf %s: global attribute: %w", w.path, err)
	}
	w.attrs = append(w.attrs, a)
	return nil
}

// AddVar defines a variable of type typ over the named dimensions
// (slowest varying first; none for a scalar) and returns its index. A
// record variable has the unlimited dimension first. A _FillValue
// attribute must be one value of the variable's type.
func (w *NetCDFWriter) AddVar(name string, typ NCType, dims []string, attrs ...NCAttr) (int, error) {
	if err := w.defining(); err != nil {
		return 0, err
	}
	if err := checkName(name); err != nil {
		return 0, fmt.Errorf("netcdf %s: variable: %w", w.path, err)
	}
	for _, v := range w.vars {
		if v.Name == name {
			return 0, fmt.Errorf("netcdf %s: variable %s defined twice", w.path, name)
		}
	}
	if typ.Size() == 0 {
		return 0, fmt.Errorf("netcdf %s: variable %s has unknown type %d", w.path, name, int32(typ))
	}
	v := NCVar{Name: name, Type: typ}
	for k, dn := range dims {
		id := -1
		for j, d := range w.dims {
			if d.Name == dn {
				id = j
			}
		}
		if id < 0 {
			return 0, fmt.Errorf("netcdf %s: variable %s: no dimension %s", w.path, name, dn)
		}
		if id == w.recDim && k > 0 {
			return 0, fmt.Errorf("netcdf %s: variable %s: the unlimited dimension %s must come first", w.path, name, dn)
		}
		v.Dims = append(v.Dims, id)
		v.Shape = append(v.Shape, w.dims[id].Len)
	}
	v.Record = len(v.Dims) > 0 && v.Dims[0] == w.recDim
	var own []NCAttr
	for _, a := range attrs {
		if err := checkAttr(a, own); err != nil {
			return 0, fmt.Errorf("netcdf %s: variable %s: %w", w.path, name, err)
		}
		if a.Name == "_FillValue" && (a.Type != typ || a.len() != 1) {
			return 0, fmt.Errorf("netcdf %s: variable %s: _FillValue must be one %s, found %d of %s", w.path, name, typ, a.len(), a.Type)
		}
		own = append(own, a)
	}
	v.Attrs = own
	n := int64(typ.Size())
	for k, l := range v.Shape {
		if k == 0 && v.Record {
			continue
		}
		if l > 0 && n > math.MaxInt64/4/int64(l) {
			return 0, fmt.Errorf("netcdf %s: variable %s is too large", w.path, name)
		}
		n *= int64(l)
	}
	v.slab = n
	w.vars = append(w.vars, v)
	w.vsize = append(w.vsize, pad4(n))
	return len(w.vars) - 1, nil
}

// checkAttr validates a new attribute against those already defined.
func checkAttr(a NCAttr, have []NCAttr) error {
	if err := checkName(a.Name); err != nil {
		return err
	}
	if _, dup := findAttr(have, a.Name); dup {
		return fmt.Errorf("attribute %s defined twice", a.Name)
	}
	if a.Type.Size() == 0 {
		return fmt.Errorf("attribute %s has unknown type %d", a.Name, int32(a.Type))
	}
	if a.Type == NCChar {
		return nil
	}
	var b [8]byte
	for i, v := range a.Values {
		if !ncEncode(b[:], a.Type, v) {
			return fmt.Errorf("attribute %s: value %d (%g) does not fit in %s", a.Name, i, v, a.Type)
		}
	}
	return nil
}

// defining reports an error once the definitions are fixed.
func (w *NetCDFWriter) defining() error {
	if w.f != nil || w.done {
		return fmt.Errorf("netcdf %s: definitions are fixed once the file is created", w.path)
	}
	return nil
}

// layout places the variables after the header: fixed ones in order,
// then the records.
func (w *NetCDFWriter) layout() error {
	off := int64(len(w.header(0)))
	for i := range w.vars {
		if w.vars[i].Record {
			continue
		}
		w.vars[i].begin = off
		off += w.vsize[i]
	}
	w.dataEnd = off
	w.recsize, w.nrecVars = 0, 0
	for i := range w.vars {
		if !w.vars[i].Record {
			continue
		}
		w.vars[i].begin = off + w.recsize
		w.recsize += w.vsize[i]
		w.nrecVars++
	}
	if w.nrecVars == 1 {
		// The format's special case: one record variable, no padding.
		for i := range w.vars {
			if w.vars[i].Record {
				w.recsize = w.vars[i].slab
			}
		}
	}
	if w.format == NCClassic {
		for _, v := range w.vars {
			if v.begin > math.MaxInt32 {
				return fmt.Errorf("netcdf %s: variable %s starts at byte %d, past the classic format's 2 GiB limit; use the 64-bit offset format", w.path, v.Name, v.begin)
			}
		}
	}
	w.rec = make([]byte, w.recsize)
	w.fillRec = make([]byte, w.recsize)
	for i, v := range w.vars {
		if v.Record {
			n := w.vsize[i]
			if w.nrecVars == 1 {
				n = v.slab
			}
			w.fillPattern(w.fillRec[v.begin-w.dataEnd:][:n], i)
		}
	}
	copy(w.rec, w.fillRec)
	return nil
}

// fillPattern fills b with variable i's fill value.
func (w *NetCDFWriter) fillPattern(b []byte, i int) {
	v := w.vars[i]
	fill := ncDefaultFill(v.Type)
	if a, ok := v.Attr("_FillValue"); ok {
		fill = a.Values[0]
	}
	ts := v.Type.Size()
	for k := 0; k+ts <= len(b); k += ts {
		ncEncode(b[k:], v.Type, fill)
	}
}

// header encodes the file header with the given record count.
func (w *NetCDFWriter) header(numrecs int) []byte {
	b := []byte{'C', 'D', 'F', byte(w.format)}
	b = binary.BigEndian.AppendUint32(b, uint32(numrecs))
	if len(w.dims) == 0 {
		b = append(b, make([]byte, 8)...)
	} else {
		b = binary.BigEndian.AppendUint32(b, ncTagDimension)
		b = binary.BigEndian.AppendUint32(b, uint32(len(w.dims)))
		for _, d := range w.dims {
			b = appendName(b, d.Name)
			b = binary.BigEndian.AppendUint32(b, uint32(d.Len))
		}
	}
	b = appendAttrs(b, w.attrs)
	if len(w.vars) == 0 {
		return append(b, make([]byte, 8)...)
	}
	b = binary.BigEndian.AppendUint32(b, ncTagVariable)
	b = binary.BigEndian.AppendUint32(b, uint32(len(w.vars)))
	for i, v := range w.vars {
		b = appendName(b, v.Name)
		b = binary.BigEndian.AppendUint32(b, uint32(len(v.Dims)))
		for _, d := range v.Dims {
			b = binary.BigEndian.AppendUint32(b, uint32(d))
		}
		b = appendAttrs(b, v.Attrs)
		b = binary.BigEndian.AppendUint32(b, uint32(v.Type))
		vs := w.vsize[i]
		if vs > ncMaxVsize {
			vs = 1<<32 - 1
		}
		b = binary.BigEndian.AppendUint32(b, uint32(vs))
		if w.format == NCClassic {
			b = binary.BigEndian.AppendUint32(b, uint32(v.begin))
		} else {
			b = binary.BigEndian.AppendUint64(b, uint64(v.begin))
		}
	}
	return b
}

// appendName appends a length-prefixed, null-padded name.
func appendName(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	b = append(b, s...)
	return appendPad(b, len(s))
}

// appendPad appends the null bytes that pad n bytes to a multiple of 4.
func appendPad(b []byte, n int) []byte {
	for ; n%4 != 0; n++ {
		b = append(b, 0)
	}
	return b
}

// appendAttrs appends an attribute list.
func appendAttrs(b []byte, attrs []NCAttr) []byte {
	if len(attrs) == 0 {
		return append(b, make([]byte, 8)...)
	}
	b = binary.BigEndian.AppendUint32(b, ncTagAttribute)
	b = binary.BigEndian.AppendUint32(b, uint32(len(attrs)))
	var x [8]byte
	for _, a := range attrs {
		b = appendName(b, a.Name)
		b = binary.BigEndian.AppendUint32(b, uint32(a.Type))
		b = binary.BigEndian.AppendUint32(b, uint32(a.len()))
		if a.Type == NCChar {
			b = append(b, a.Text...)
			b = appendPad(b, len(a.Text))
			continue
		}
		ts := a.Type.Size()
		for _, v := range a.Values {
			ncEncode(x[:], a.Type, v)
			b = append(b, x[:ts]...)
		}
		b = appendPad(b, ts*len(a.Values))
	}
	return b
}

// Create fixes the definitions, creates the temporary file and writes the
// header and the fill values of the fixed variables.
func (w *NetCDFWriter) Create() error {
	if err := w.defining(); err != nil {
		return err
	}
	if err := w.layout(); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(w.path), "."+filepath.Base(w.path)+".tmp*")
	if err != nil {
		return fmt.Errorf("netcdf %s: %w", w.path, err)
	}
	w.f = f
	// CreateTemp makes the file private; this is an ordinary output file.
	if err := f.Chmod(0o644); err != nil {
		return w.fail(err)
	}
	if _, err := f.WriteAt(w.header(0), 0); err != nil {
		return w.fail(err)
	}
	for i, v := range w.vars {
		if v.Record {
			continue
		}
		if err := w.writeFill(i); err != nil {
			return w.fail(err)
		}
	}
	return nil
}

// writeFill writes fixed variable i's fill values, in chunks.
func (w *NetCDFWriter) writeFill(i int) error {
	n := w.vsize[i]
	chunk := make([]byte, min(n, 1<<16))
	w.fillPattern(chunk, i)
	for off := int64(0); off < n; off += int64(len(chunk)) {
		m := min(int64(len(chunk)), n-off)
		if _, err := w.f.WriteAt(chunk[:m], w.vars[i].begin+off); err != nil {
			return err
		}
	}
	return nil
}

// Resume fixes the definitions and continues the temporary file at
// tempPath, which an earlier writer with the same definitions left (a run
// killed after a checkpoint): its header must be the one these
// definitions give, and it must hold at least records records. It is
// truncated to those records, so appending the records that followed
// rebuilds the same bytes. The fixed variables keep their data.
func (w *NetCDFWriter) Resume(tempPath string, records int) error {
	if err := w.defining(); err != nil {
		return err
	}
	if err := w.layout(); err != nil {
		return err
	}
	if records < 0 || records > math.MaxInt32 {
		return fmt.Errorf("netcdf %s: resume at %d records, want 0 to %d", w.path, records, math.MaxInt32)
	}
	f, err := os.OpenFile(tempPath, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("netcdf %s: resume: %w", w.path, err)
	}
	want := w.header(records)
	got := make([]byte, len(want))
	if _, err := f.ReadAt(got, 0); err != nil {
		f.Close()
		return fmt.Errorf("netcdf %s: resume from %s: reading the header: %w", w.path, tempPath, err)
	}
	copy(got[4:8], want[4:8]) // the record count may be anything
	if string(got) != string(want) {
		f.Close()
		return fmt.Errorf("netcdf %s: resume from %s: the file's header is not the one this run defines (a different program or settings)", w.path, tempPath)
	}
	end := w.dataEnd + int64(records)*w.recsize
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("netcdf %s: resume from %s: %w", w.path, tempPath, err)
	}
	if st.Size() < end {
		f.Close()
		return fmt.Errorf("netcdf %s: resume from %s: the file has %d bytes, %d records need %d", w.path, tempPath, st.Size(), records, end)
	}
	w.f = f
	if err := f.Truncate(end); err != nil {
		return w.fail(err)
	}
	w.numrecs = records
	return w.Flush()
}

// WriteVar writes the whole of fixed variable v, converting each value to
// the variable's type (integer types take only integers in range).
func (w *NetCDFWriter) WriteVar(v int, vals []float64) error {
	if err := w.checkVar(v); err != nil {
		return err
	}
	vr := &w.vars[v]
	if vr.Record {
		return fmt.Errorf("netcdf %s: variable %s is a record variable: use PutRecord", w.path, vr.Name)
	}
	ts := vr.Type.Size()
	if int64(len(vals))*int64(ts) != vr.slab {
		return fmt.Errorf("netcdf %s: variable %s: %d values, want %d", w.path, vr.Name, len(vals), vr.slab/int64(ts))
	}
	b := make([]byte, w.vsize[v])
	w.fillPattern(b, v)
	if err := encodeValues(b, vr, vals); err != nil {
		return fmt.Errorf("netcdf %s: %w", w.path, err)
	}
	if _, err := w.f.WriteAt(b, vr.begin); err != nil {
		return w.fail(err)
	}
	return nil
}

// PutRecord sets record variable v's slab of the pending record (all its
// dimensions but the first, row-major). A record variable not put before
// AppendRecord holds fill values in that record.
func (w *NetCDFWriter) PutRecord(v int, vals []float64) error {
	if err := w.checkVar(v); err != nil {
		return err
	}
	vr := &w.vars[v]
	if !vr.Record {
		return fmt.Errorf("netcdf %s: variable %s is not a record variable: use WriteVar", w.path, vr.Name)
	}
	ts := vr.Type.Size()
	if int64(len(vals))*int64(ts) != vr.slab {
		return fmt.Errorf("netcdf %s: variable %s: %d values in a record, want %d", w.path, vr.Name, len(vals), vr.slab/int64(ts))
	}
	at := vr.begin - w.dataEnd
	if err := encodeValues(w.rec[at:], vr, vals); err != nil {
		// Leave the variable as it was not put: fill values.
		copy(w.rec[at:at+vr.slab], w.fillRec[at:])
		return fmt.Errorf("netcdf %s: record %d: %w", w.path, w.numrecs, err)
	}
	return nil
}

// encodeValues encodes vals as v's type at the start of b.
func encodeValues(b []byte, v *NCVar, vals []float64) error {
	ts := v.Type.Size()
	for i, x := range vals {
		if !ncEncode(b[i*ts:], v.Type, x) {
			return fmt.Errorf("variable %s: value %d (%g) does not fit in %s", v.Name, i, x, v.Type)
		}
	}
	return nil
}

// AppendRecord writes the pending record at the end of the file and
// starts a new one, all fill values. It allocates nothing.
func (w *NetCDFWriter) AppendRecord() error {
	if err := w.writing(); err != nil {
		return err
	}
	if w.recDim < 0 {
		return fmt.Errorf("netcdf %s: no unlimited dimension, so no records", w.path)
	}
	if w.numrecs == math.MaxInt32 {
		return fmt.Errorf("netcdf %s: more than %d records", w.path, math.MaxInt32)
	}
	if _, err := w.f.WriteAt(w.rec, w.dataEnd+int64(w.numrecs)*w.recsize); err != nil {
		return w.fail(err)
	}
	w.numrecs++
	copy(w.rec, w.fillRec)
	return nil
}

// writing reports why values cannot be written now.
func (w *NetCDFWriter) writing() error {
	switch {
	case w.err != nil:
		return w.err
	case w.done:
		return fmt.Errorf("netcdf %s: write after Close", w.path)
	case w.f == nil:
		return fmt.Errorf("netcdf %s: write before Create", w.path)
	}
	return nil
}

// checkVar reports whether v is a variable, and the writer can write.
func (w *NetCDFWriter) checkVar(v int) error {
	if err := w.writing(); err != nil {
		return err
	}
	if v < 0 || v >= len(w.vars) {
		return fmt.Errorf("netcdf %s: no variable %d", w.path, v)
	}
	return nil
}

// Records is the number of records appended so far.
func (w *NetCDFWriter) Records() int { return w.numrecs }

// TempPath is the temporary file the data goes to until Close ("" before
// Create).
func (w *NetCDFWriter) TempPath() string {
	if w.f == nil {
		return ""
	}
	return w.f.Name()
}

// Flush writes the record count into the header. Records are handed to
// the operating system as they are appended, so after Flush the
// temporary file is a complete NetCDF file of the records so far, and it
// survives the process being killed.
func (w *NetCDFWriter) Flush() error {
	if err := w.writing(); err != nil {
		return err
	}
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(w.numrecs))
	if _, err := w.f.WriteAt(b[:], 4); err != nil {
		return w.fail(err)
	}
	return nil
}

// AppendBytes flushes and appends the file's bytes so far to dst: a
// complete NetCDF file of the records appended, which
// [NetCDFWriter.ResumeBytes] continues.
func (w *NetCDFWriter) AppendBytes(dst []byte) ([]byte, error) {
	if err := w.Flush(); err != nil {
		return dst, err
	}
	n := w.dataEnd + int64(w.numrecs)*w.recsize
	start := len(dst)
	dst = append(dst, make([]byte, n)...)
	if _, err := w.f.ReadAt(dst[start:], 0); err != nil && err != io.EOF {
		return dst[:start], fmt.Errorf("netcdf %s: reading back: %w", w.path, err)
	}
	return dst, nil
}

// ResumeBytes fixes the definitions and continues from data, the bytes
// [NetCDFWriter.AppendBytes] gave: they go to a new temporary file, which
// must have this writer's header; its record count is where appending
// goes on.
func (w *NetCDFWriter) ResumeBytes(data []byte) error {
	if err := w.defining(); err != nil {
		return err
	}
	if len(data) < 8 {
		return fmt.Errorf("netcdf %s: resume: %d bytes, not a NetCDF file", w.path, len(data))
	}
	records := int(binary.BigEndian.Uint32(data[4:8]))
	f, err := os.CreateTemp(filepath.Dir(w.path), "."+filepath.Base(w.path)+".tmp*")
	if err != nil {
		return fmt.Errorf("netcdf %s: %w", w.path, err)
	}
	name := f.Name()
	err = f.Chmod(0o644)
	if err == nil {
		_, err = f.Write(data)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = w.Resume(name, records)
	}
	if err != nil {
		if w.f != nil {
			w.f.Close()
			w.f = nil
		}
		_ = os.Remove(name)
		return fmt.Errorf("netcdf %s: resume from saved bytes: %w", w.path, err)
	}
	return nil
}

// Close writes the record count, syncs and renames the temporary file to
// the path; if anything fails the temporary file is removed.
func (w *NetCDFWriter) Close() error {
	if w.done || w.err != nil {
		return w.err
	}
	if w.f == nil {
		if err := w.Create(); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	w.done = true
	err := w.f.Sync()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(w.f.Name(), w.path)
	}
	if err != nil {
		_ = os.Remove(w.f.Name())
		w.err = fmt.Errorf("netcdf %s: %w", w.path, err)
	}
	return w.err
}

// Discard abandons the file: the temporary file is removed, unless Close
// already put the file in place.
func (w *NetCDFWriter) Discard() {
	if w.done {
		return
	}
	w.done = true
	if w.f != nil {
		_ = w.f.Close()
		_ = os.Remove(w.f.Name())
	}
}

// fail records an I/O error, removes the temporary file and returns the
// error.
func (w *NetCDFWriter) fail(err error) error {
	w.err = fmt.Errorf("netcdf %s: %w", w.path, err)
	w.Discard()
	return w.err
}
