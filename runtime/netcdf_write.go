// NetCDF-3 writer, writing phase: create the temporary file, write fixed variables, stream records, close atomically.

package runtime

import (
	"encoding/binary"
	"fmt"
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
