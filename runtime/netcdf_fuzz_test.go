// Fuzzing the NetCDF reader: any bytes give a file or an error, never a panic or an absurd allocation.

package runtime

import (
	"os"
	"path/filepath"
	"testing"
)

func FuzzReadNetCDF(f *testing.F) {
	for _, format := range []NCFormat{NCClassic, NC64BitOffset} {
		for _, records := range []int{0, 1, 3} {
			f.Add(netcdfBytes(f, format, records))
		}
	}
	h := filepath.Join(f.TempDir(), "h.nc")
	writeSampleHistory(f, h, 3)
	b, err := os.ReadFile(h)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("CDF\x01" + string(make([]byte, 28))))
	f.Add([]byte("CDF\x02\xff\xff\xff\xff"))
	f.Add([]byte("\x89HDF\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		nc, err := parseBytes(data)
		if err != nil {
			return
		}
		for _, v := range nc.Vars {
			got, err := nc.ReadFloat64(v.Name)
			if err != nil {
				t.Fatalf("variable %s parsed but cannot be read: %v", v.Name, err)
			}
			n := 1
			for _, l := range v.Shape {
				n *= l
			}
			if len(got) != n {
				t.Fatalf("variable %s of shape %v: %d values", v.Name, v.Shape, len(got))
			}
		}
	})
}
