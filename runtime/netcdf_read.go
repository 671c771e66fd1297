// NetCDF-3 reader: open a classic or 64-bit-offset file, look up its dimensions, variables and attributes, read variables as float64.

package runtime

import (
	"fmt"
	"io"
	"os"
)

// NetCDFFile is an open NetCDF-3 file: its header, and the means to read
// its variables.
type NetCDFFile struct {
	Path    string
	Format  NCFormat
	NumRecs int // number of records
	Dims    []NCDim
	Attrs   []NCAttr // global attributes
	Vars    []NCVar

	r       io.ReaderAt
	size    int64
	recsize int64
	closer  io.Closer
}

// OpenNetCDF opens the NetCDF-3 file at path and reads its header. The
// header is checked against the file: every count and size is bounded by
// the file's size, every variable's data must lie in the file. A NetCDF-4
// (HDF5) or CDF-5 file gets an error saying what it is and how to convert
// it. Close the file when done.
func OpenNetCDF(path string) (*NetCDFFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("netcdf: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("netcdf %s: %w", path, err)
	}
	nc, err := ParseNetCDF(path, f, st.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	nc.closer = f
	return nc, nil
}

// ParseNetCDF reads the header of the NetCDF-3 data of size bytes in r;
// name is used in errors. See [OpenNetCDF].
func ParseNetCDF(name string, r io.ReaderAt, size int64) (*NetCDFFile, error) {
	p := &ncParser{name: name, r: r, size: size}
	nc, err := p.parse()
	if err != nil {
		return nil, err
	}
	nc.Path, nc.r, nc.size = name, r, size
	return nc, nil
}

// Close closes the file.
func (f *NetCDFFile) Close() error {
	if f.closer == nil {
		return nil
	}
	err := f.closer.Close()
	f.closer = nil
	return err
}

// Var returns the variable called name, or nil.
func (f *NetCDFFile) Var(name string) *NCVar {
	for i := range f.Vars {
		if f.Vars[i].Name == name {
			return &f.Vars[i]
		}
	}
	return nil
}

// Dim returns the index of the dimension called name, or -1.
func (f *NetCDFFile) Dim(name string) int {
	for i, d := range f.Dims {
		if d.Name == name {
			return i
		}
	}
	return -1
}

// Attr returns the global attribute called name.
func (f *NetCDFFile) Attr(name string) (NCAttr, bool) { return findAttr(f.Attrs, name) }

// ReadFloat64 reads the whole of the variable called name, row-major
// (a record variable's records first), converting its values to float64.
// Fill values are returned as stored; the caller decides what is missing.
func (f *NetCDFFile) ReadFloat64(name string) ([]float64, error) {
	v := f.Var(name)
	if v == nil {
		return nil, fmt.Errorf("netcdf %s: no variable %s", f.Path, name)
	}
	ts := int64(v.Type.Size())
	nrec := int64(1)
	if v.Record {
		nrec = int64(f.NumRecs)
	}
	// The header check bounded nrec*slab by the file size.
	if v.slab == 0 {
		return []float64{}, nil
	}
	out := make([]float64, 0, nrec*v.slab/ts)
	buf := make([]byte, v.slab)
	for r := int64(0); r < nrec; r++ {
		off := v.begin + r*f.recsize
		if _, err := f.r.ReadAt(buf, off); err != nil && !(err == io.EOF && len(buf) == 0) {
			return nil, fmt.Errorf("netcdf %s: variable %s: reading %d bytes at byte %d: %w", f.Path, name, len(buf), off, err)
		}
		for k := int64(0); k < v.slab; k += ts {
			out = append(out, ncDecode(buf[k:], v.Type))
		}
	}
	return out, nil
}
