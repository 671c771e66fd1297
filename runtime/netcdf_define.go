// NetCDF-3 writer, definition phase: dimensions, variables, attributes, the layout of the data and the header bytes.

package runtime

import (
	"encoding/binary"
	"fmt"
	"math"
)

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
