// Observation files in NetCDF (data.md §2): a time coordinate and a y(time, obs) table with missing values as NaN.

package runtime

import (
	"fmt"
	"math"
)

// ReadNetCDFObs reads the observation table of the NetCDF-3 file at path
// (classic or 64-bit offset, as xarray writes with
// format="NETCDF3_64BIT"): a dimension time (unlimited or not) and one
// other dimension of length p; a variable time(time) and a variable
// y(time, <obs dim>). Any numeric type is accepted (float or double in
// practice). It returns the times and y, row-major, len(times)·p values.
//
// In y, NaN, values equal to the _FillValue attribute or to any value of
// the missing_value attribute are missing and come back as NaN; a
// scale_factor and add_offset (CF packing) are applied to the others. A
// missing or non-finite time is an error. Times are returned as stored:
// checking their order and matching them to analyses is the caller's.
//
// Errors name the file and what is wrong: a missing dimension or
// variable, a wrong shape, or a width other than p (both are given).
func ReadNetCDFObs(path string, p int) (times []float64, y []float64, err error) {
	if p <= 0 {
		return nil, nil, fmt.Errorf("observations %s: asked for %d values a record, want > 0", path, p)
	}
	f, err := OpenNetCDF(path)
	if err != nil {
		return nil, nil, fmt.Errorf("observations: %w", err)
	}
	defer f.Close()
	td := f.Dim("time")
	if td < 0 {
		return nil, nil, fmt.Errorf("observations %s: no dimension time; want a dimension time and variables time(time) and y(time, obs) with obs of length %d", path, p)
	}
	tv := f.Var("time")
	if tv == nil {
		return nil, nil, fmt.Errorf("observations %s: no variable time; want time(time) and y(time, obs) with obs of length %d", path, p)
	}
	if len(tv.Dims) != 1 || tv.Dims[0] != td {
		return nil, nil, fmt.Errorf("observations %s: variable time has dimensions (%s), want (time)", path, dimNames(f, tv))
	}
	yv := f.Var("y")
	if yv == nil {
		return nil, nil, fmt.Errorf("observations %s: no variable y; want y(time, obs) with obs of length %d", path, p)
	}
	if len(yv.Dims) != 2 || yv.Dims[0] != td || yv.Dims[1] == td {
		return nil, nil, fmt.Errorf("observations %s: variable y has dimensions (%s), want (time, <obs dim>) with the obs dimension of length %d", path, dimNames(f, yv), p)
	}
	if w := yv.Shape[1]; w != p {
		return nil, nil, fmt.Errorf("observations %s: variable y has %d values a time (dimension %s), the observation carrier has %d", path, w, f.Dims[yv.Dims[1]].Name, p)
	}
	for _, v := range []*NCVar{tv, yv} {
		if v.Type == NCChar {
			return nil, nil, fmt.Errorf("observations %s: variable %s is char, want float or double", path, v.Name)
		}
	}
	if times, err = f.ReadFloat64("time"); err != nil {
		return nil, nil, fmt.Errorf("observations: %w", err)
	}
	for i, t := range times {
		if math.IsNaN(t) || math.IsInf(t, 0) || isMissing(tv, t) {
			return nil, nil, fmt.Errorf("observations %s: record %d: time is %g, want a number", path, i, t)
		}
	}
	if y, err = f.ReadFloat64("y"); err != nil {
		return nil, nil, fmt.Errorf("observations: %w", err)
	}
	scale, offset := 1.0, 0.0
	if a, ok := yv.Attr("scale_factor"); ok && len(a.Values) == 1 {
		scale = a.Values[0]
	}
	if a, ok := yv.Attr("add_offset"); ok && len(a.Values) == 1 {
		offset = a.Values[0]
	}
	for i, v := range y {
		if math.IsNaN(v) || isMissing(yv, v) {
			y[i] = math.NaN()
			continue
		}
		y[i] = v*scale + offset
	}
	return times, y, nil
}

// isMissing reports whether the stored value x is v's _FillValue or one
// of its missing_value values.
func isMissing(v *NCVar, x float64) bool {
	for _, name := range []string{"_FillValue", "missing_value"} {
		if a, ok := v.Attr(name); ok {
			for _, m := range a.Values {
				if x == m {
					return true
				}
			}
		}
	}
	return false
}

// dimNames lists v's dimension names, comma-separated.
func dimNames(f *NetCDFFile, v *NCVar) string {
	s := ""
	for k, d := range v.Dims {
		if k > 0 {
			s += ", "
		}
		s += f.Dims[d].Name
	}
	return s
}
