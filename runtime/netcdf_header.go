// NetCDF-3 header parser: every count, name, attribute and offset checked against the size of the file.

package runtime

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// ncParser reads a header with every read bounded by the data's size.
type ncParser struct {
	name string
	r    io.ReaderAt
	size int64
	off  int64
	buf  [8]byte
	err  error
}

// errorf reports a problem with the header at the parser's offset.
func (p *ncParser) errorf(format string, args ...any) error {
	return fmt.Errorf("netcdf %s: at byte %d: %s", p.name, p.off, fmt.Sprintf(format, args...))
}

// bytes reads the next n bytes, which must lie in the data.
func (p *ncParser) bytes(n int64, what string) ([]byte, error) {
	if n < 0 || n > p.size-p.off {
		return nil, p.errorf("truncated: %s needs %d bytes, the file has %d left (%d in all)", what, n, p.size-p.off, p.size)
	}
	var b []byte
	if n <= int64(len(p.buf)) {
		b = p.buf[:n]
	} else {
		b = make([]byte, n)
	}
	if _, err := p.r.ReadAt(b, p.off); err != nil && !(errors.Is(err, io.EOF) && n == 0) {
		return nil, p.errorf("reading %s: %v", what, err)
	}
	p.off += n
	return b, nil
}

// u32 reads a big-endian 32-bit count.
func (p *ncParser) u32(what string) (uint32, error) {
	b, err := p.bytes(4, what)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(b), nil
}

// nonNeg reads a NON_NEG count, at most max.
func (p *ncParser) nonNeg(what string, max int64) (int64, error) {
	at := p.off
	v, err := p.u32(what)
	if err != nil {
		return 0, err
	}
	if int64(int32(v)) < 0 || int64(v) > max {
		p.off = at
		return 0, p.errorf("%s is %d, want 0 to %d for a file of %d bytes", what, int32(v), max, p.size)
	}
	return int64(v), nil
}

// name reads a length-prefixed, padded name.
func (p *ncParser) nameStr(what string) (string, error) {
	n, err := p.nonNeg(what+" name length", p.size-p.off)
	if err != nil {
		return "", err
	}
	b, err := p.bytes(pad4(n), what+" name")
	if err != nil {
		return "", err
	}
	return string(b[:n]), nil
}

// list reads a list's tag and count; each element takes at least minSize
// bytes, which bounds the count.
func (p *ncParser) list(tag uint32, what string, minSize int64) (int64, error) {
	at := p.off
	t, err := p.u32(what + " tag")
	if err != nil {
		return 0, err
	}
	if t != 0 && t != tag {
		p.off = at
		return 0, p.errorf("%s tag is %#x, want %#x or 0 (absent)", what, t, tag)
	}
	n, err := p.nonNeg(what+" count", (p.size-p.off-4)/minSize)
	if err != nil {
		return 0, err
	}
	if t == 0 && n != 0 {
		return 0, p.errorf("absent %s has count %d, want 0", what, n)
	}
	return n, nil
}

// attrs reads an attribute list.
func (p *ncParser) attrs(what string) ([]NCAttr, error) {
	n, err := p.list(ncTagAttribute, what+" attribute list", 12)
	if err != nil {
		return nil, err
	}
	out := make([]NCAttr, 0, n)
	names := map[string]bool{}
	for range n {
		name, err := p.nameStr(what + " attribute")
		if err != nil {
			return nil, err
		}
		at := p.off
		t, err := p.u32("attribute " + name + " type")
		if err != nil {
			return nil, err
		}
		typ := NCType(t)
		if typ.Size() == 0 {
			p.off = at
			return nil, p.errorf("attribute %s has type %d, want 1 to 6 (byte, char, short, int, float, double)", name, int32(t))
		}
		ts := int64(typ.Size())
		count, err := p.nonNeg("attribute "+name+" length", (p.size-p.off)/ts)
		if err != nil {
			return nil, err
		}
		b, err := p.bytes(pad4(count*ts), "attribute "+name+" values")
		if err != nil {
			return nil, err
		}
		if names[name] {
			return nil, p.errorf("%s attribute %s is defined twice", what, name)
		}
		names[name] = true
		a := NCAttr{Name: name, Type: typ}
		if typ == NCChar {
			a.Text = string(bytes.TrimRight(b[:count], "\x00"))
		} else {
			a.Values = make([]float64, count)
			for i := range a.Values {
				a.Values[i] = ncDecode(b[int64(i)*ts:], typ)
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// parse reads and checks the header.
func (p *ncParser) parse() (*NetCDFFile, error) {
	nc := &NetCDFFile{}
	if err := p.magic(nc); err != nil {
		return nil, err
	}
	numrecs, err := p.u32("numrecs")
	if err != nil {
		return nil, err
	}
	ndims, err := p.list(ncTagDimension, "dimension list", 8)
	if err != nil {
		return nil, err
	}
	recDim := -1
	nc.Dims = make([]NCDim, 0, ndims)
	dimNames := map[string]bool{} // names must be unique, and a hostile header may have many
	for i := range ndims {
		name, err := p.nameStr("dimension")
		if err != nil {
			return nil, err
		}
		l, err := p.nonNeg("dimension "+name+" length", math.MaxInt32)
		if err != nil {
			return nil, err
		}
		if dimNames[name] {
			return nil, p.errorf("dimension %s is defined twice", name)
		}
		dimNames[name] = true
		if l == 0 {
			if recDim >= 0 {
				return nil, p.errorf("dimensions %s and %s are both unlimited; a NetCDF-3 file has at most one", nc.Dims[recDim].Name, name)
			}
			recDim = int(i)
		}
		nc.Dims = append(nc.Dims, NCDim{Name: name, Len: int(l), Unlimited: l == 0})
	}
	if nc.Attrs, err = p.attrs("global"); err != nil {
		return nil, err
	}
	nvars, err := p.list(ncTagVariable, "variable list", 24)
	if err != nil {
		return nil, err
	}
	nc.Vars = make([]NCVar, 0, nvars)
	varNames := map[string]bool{}
	for range nvars {
		at := p.off
		v, err := p.variable(nc, recDim)
		if err != nil {
			return nil, err
		}
		if varNames[v.Name] {
			p.off = at
			return nil, p.errorf("variable %s is defined twice", v.Name)
		}
		varNames[v.Name] = true
		nc.Vars = append(nc.Vars, v)
	}
	if err := p.checkData(nc, numrecs, recDim); err != nil {
		return nil, err
	}
	return nc, nil
}

// magic reads the magic number and the format version.
func (p *ncParser) magic(nc *NetCDFFile) error {
	var head [8]byte
	n, _ := p.r.ReadAt(head[:min(p.size, 8)], 0)
	h := string(head[:n])
	switch {
	case h == ncHDF5Magic || p.hdf5At(512) || p.hdf5At(1024) || p.hdf5At(2048):
		return fmt.Errorf("netcdf %s: this is a NetCDF-4 (HDF5) file; only the classic and 64-bit-offset NetCDF-3 formats are read. Convert it with `nccopy -k nc6 in.nc out.nc`, or in Python with xarray: xr.open_dataset(\"in.nc\").to_netcdf(\"out.nc\", format=\"NETCDF3_64BIT\")", p.name)
	case n < 4:
		return fmt.Errorf("netcdf %s: truncated: %d bytes, a NetCDF file starts with the 4-byte magic CDF\\x01 or CDF\\x02", p.name, n)
	case h[:3] != "CDF":
		return fmt.Errorf("netcdf %s: not a NetCDF file: it starts with %q, want \"CDF\\x01\" (classic) or \"CDF\\x02\" (64-bit offset)", p.name, h[:4])
	case h[3] == 5:
		return fmt.Errorf("netcdf %s: this is a CDF-5 (64-bit data, NETCDF3_64BIT_DATA) file, which is not supported; convert it with `nccopy -k nc6 in.nc out.nc`, or with xarray to_netcdf(format=\"NETCDF3_64BIT\")", p.name)
	case h[3] != 1 && h[3] != 2:
		return fmt.Errorf("netcdf %s: unknown NetCDF version byte %d after \"CDF\", want 1 (classic) or 2 (64-bit offset)", p.name, h[3])
	}
	nc.Format = NCFormat(h[3])
	p.off = 4
	return nil
}

// hdf5At reports whether the HDF5 signature is at off (HDF5 allows a
// user block of 512, 1024, 2048, ... bytes before it).
func (p *ncParser) hdf5At(off int64) bool {
	if p.size < off+8 {
		return false
	}
	var b [8]byte
	if _, err := p.r.ReadAt(b[:], off); err != nil {
		return false
	}
	return string(b[:]) == ncHDF5Magic
}

// variable reads one variable's header entry.
func (p *ncParser) variable(nc *NetCDFFile, recDim int) (NCVar, error) {
	name, err := p.nameStr("variable")
	if err != nil {
		return NCVar{}, err
	}
	rank, err := p.nonNeg("variable "+name+" rank", (p.size-p.off)/4)
	if err != nil {
		return NCVar{}, err
	}
	v := NCVar{Name: name, Dims: make([]int, rank), Shape: make([]int, rank)}
	for k := range v.Dims {
		at := p.off
		id, err := p.nonNeg("variable "+name+" dimension id", math.MaxInt32)
		if err != nil {
			return NCVar{}, err
		}
		if id >= int64(len(nc.Dims)) {
			p.off = at
			return NCVar{}, p.errorf("variable %s: dimension id %d, the file has %d dimensions", name, id, len(nc.Dims))
		}
		if int(id) == recDim && k > 0 {
			p.off = at
			return NCVar{}, p.errorf("variable %s: the unlimited dimension %s is dimension %d, it must be the first", name, nc.Dims[id].Name, k)
		}
		v.Dims[k] = int(id)
		v.Shape[k] = nc.Dims[id].Len
	}
	v.Record = rank > 0 && v.Dims[0] == recDim
	if v.Attrs, err = p.attrs("variable " + name); err != nil {
		return NCVar{}, err
	}
	at := p.off
	t, err := p.u32("variable " + name + " type")
	if err != nil {
		return NCVar{}, err
	}
	v.Type = NCType(t)
	if v.Type.Size() == 0 {
		p.off = at
		return NCVar{}, p.errorf("variable %s has type %d, want 1 to 6 (byte, char, short, int, float, double)", name, int32(t))
	}
	// The unpadded size of the data (of one record), bounded so that the
	// products cannot overflow.
	slab := int64(v.Type.Size())
	for k, l := range v.Shape {
		if k == 0 && v.Record {
			continue
		}
		if l > 0 && slab > (1<<62)/int64(l) {
			return NCVar{}, p.errorf("variable %s: its shape %v is absurdly large", name, v.Shape)
		}
		slab *= int64(l)
	}
	v.slab = slab
	at = p.off
	vsize, err := p.u32("variable " + name + " vsize")
	if err != nil {
		return NCVar{}, err
	}
	// vsize is the padded size; scipy writes it unpadded for a single
	// record variable, and 2^32-1 stands for sizes that do not fit.
	if want := pad4(slab); int64(vsize) != want && int64(vsize) != slab && !(vsize == 1<<32-1 && want > ncMaxVsize) {
		p.off = at
		return NCVar{}, p.errorf("variable %s: vsize %d, but its shape %v of %s needs %d bytes", name, vsize, v.Shape, v.Type, want)
	}
	at = p.off
	var begin uint64
	if nc.Format == NCClassic {
		u, err := p.u32("variable " + name + " begin")
		if err != nil {
			return NCVar{}, err
		}
		if int32(u) < 0 {
			p.off = at
			return NCVar{}, p.errorf("variable %s begins at byte %d, negative", name, int32(u))
		}
		begin = uint64(u)
	} else {
		b, err := p.bytes(8, "variable "+name+" begin")
		if err != nil {
			return NCVar{}, err
		}
		begin = binary.BigEndian.Uint64(b)
	}
	// A record variable of a file with no records yet may begin at the
	// end of the file or past it (its first record is where the writer
	// will put it); checkData bounds the records there are.
	if (begin > uint64(p.size) && !v.Record) || begin > 1<<62 {
		p.off = at
		return NCVar{}, p.errorf("truncated: variable %s begins at byte %d, past the end of the file (%d bytes)", name, begin, p.size)
	}
	v.begin = int64(begin)
	return v, nil
}

// checkData checks that every variable's data lies in the file, after
// the header and, for record variables, within a record; it sets the
// record count and the record size.
func (p *ncParser) checkData(nc *NetCDFFile, numrecs uint32, recDim int) error {
	headerEnd := p.off
	var recsize, recStart int64 = 0, -1
	nrec := 0
	for i := range nc.Vars {
		v := &nc.Vars[i]
		if v.begin < headerEnd {
			return fmt.Errorf("netcdf %s: variable %s begins at byte %d, inside the header (which ends at byte %d)", p.name, v.Name, v.begin, headerEnd)
		}
		if !v.Record {
			if v.slab > p.size-v.begin {
				return fmt.Errorf("netcdf %s: truncated: variable %s needs bytes %d to %d, the file has %d", p.name, v.Name, v.begin, v.begin+v.slab, p.size)
			}
			continue
		}
		nrec++
		recsize += pad4(v.slab)
		if recStart < 0 || v.begin < recStart {
			recStart = v.begin
		}
	}
	if nrec == 1 {
		for _, v := range nc.Vars {
			if v.Record {
				recsize = v.slab
			}
		}
	}
	for _, v := range nc.Vars {
		if v.Record && v.begin-recStart+v.slab > recsize {
			return fmt.Errorf("netcdf %s: variable %s: its record data at byte %d runs past the record (bytes %d to %d)", p.name, v.Name, v.begin, recStart, recStart+recsize)
		}
	}
	n := int64(numrecs)
	if numrecs == ncStreaming {
		n = 0
		if recsize > 0 && recStart >= 0 && recStart < p.size {
			n = (p.size - recStart) / recsize
		}
	} else if n > math.MaxInt32 {
		return fmt.Errorf("netcdf %s: at byte 4: numrecs is %d, want 0 to %d", p.name, n, math.MaxInt32)
	}
	if n > 0 && recsize > 0 {
		if recsize > p.size {
			return fmt.Errorf("netcdf %s: truncated: one record needs %d bytes, the file has %d", p.name, recsize, p.size)
		}
		for _, v := range nc.Vars {
			if !v.Record {
				continue
			}
			// The last record's slab must end within the file.
			if v.slab > p.size-v.begin || n-1 > (p.size-v.begin-v.slab)/recsize {
				return fmt.Errorf("netcdf %s: truncated: %d records of %d bytes from byte %d need %d bytes, the file has %d", p.name, n, recsize, recStart, recStart+n*recsize, p.size)
			}
		}
	}
	nc.NumRecs = int(n)
	nc.recsize = recsize
	if recDim >= 0 {
		nc.Dims[recDim].Len = int(n)
		for i := range nc.Vars {
			if nc.Vars[i].Record {
				nc.Vars[i].Shape[0] = int(n)
			}
		}
	}
	return nil
}
