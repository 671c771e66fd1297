// NetCDF-3 writer, resuming: continue a file from its temporary file or its saved bytes so a resumed run rebuilds the same bytes.

package runtime

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

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

// detach completes the temporary file's header and closes it, leaving it
// where it is for [NetCDFWriter.Resume]; the writer is then done.
func (w *NetCDFWriter) detach() {
	if w.done || w.f == nil {
		return
	}
	if w.err == nil {
		_ = w.Flush()
	}
	w.done = true
	_ = w.f.Close()
}
