// Tests of resuming a NetCDF-3 file: from the temporary file or the saved bytes, the same bytes as an uninterrupted write.

package runtime

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Resuming at a record count, from the temporary file or from the saved
// bytes, rebuilds the bytes of an uninterrupted write.
func TestNetCDFResume(t *testing.T) {
	dir := t.TempDir()
	define := func(name string) *NetCDFWriter {
		w, _ := NewNetCDFWriter(filepath.Join(dir, name), NC64BitOffset)
		w.AddDim("t", 0)
		w.AddDim("k", 2)
		w.AddVar("k", NCInt, []string{"k"})
		w.AddVar("v", NCDouble, []string{"t", "k"})
		w.AddVar("s", NCShort, []string{"t"})
		return w
	}
	appendRecs := func(w *NetCDFWriter, from, to int) {
		for r := from; r < to; r++ {
			w.PutRecord(1, []float64{float64(r), -float64(r)})
			w.PutRecord(2, []float64{float64(r)})
			if err := w.AppendRecord(); err != nil {
				t.Fatal(err)
			}
		}
	}
	full := define("full.nc")
	full.Create()
	full.WriteVar(0, []float64{0, 1})
	appendRecs(full, 0, 6)
	if err := full.Close(); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(filepath.Join(dir, "full.nc"))

	// A run that wrote 5 records, checkpointed at 3, then was killed.
	killed := define("a.nc")
	killed.Create()
	killed.WriteVar(0, []float64{0, 1})
	appendRecs(killed, 0, 3)
	saved, err := killed.AppendBytes(nil)
	if err != nil {
		t.Fatal(err)
	}
	appendRecs(killed, 3, 5)
	tmp := killed.TempPath()

	for _, c := range []struct {
		name   string
		resume func(w *NetCDFWriter) error
	}{
		{"temp file", func(w *NetCDFWriter) error { return w.Resume(tmp, 3) }},
		{"bytes", func(w *NetCDFWriter) error { return w.ResumeBytes(saved) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := define(c.name + ".nc")
			if err := c.resume(w); err != nil {
				t.Fatal(err)
			}
			if w.Records() != 3 {
				t.Fatalf("resumed at %d records, want 3", w.Records())
			}
			appendRecs(w, 3, 6)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(filepath.Join(dir, c.name+".nc"))
			if !bytes.Equal(got, want) {
				t.Fatalf("resumed file differs from the uninterrupted one (%d and %d bytes)", len(got), len(want))
			}
		})
	}
	// Other definitions, or too few records, are refused.
	other, _ := NewNetCDFWriter(filepath.Join(dir, "o.nc"), NC64BitOffset)
	other.AddDim("t", 0)
	if err := other.ResumeBytes(saved); err == nil || !strings.Contains(err.Error(), "not the one this run defines") {
		t.Errorf("resume with other definitions: %v", err)
	}
	// full.nc, "temp file.nc" (the killed run's temporary file, resumed
	// and renamed) and bytes.nc.
	if names := dirEntries(t, dir); len(names) != 3 {
		t.Errorf("files left: %v", names)
	}
	if err := define("b.nc").ResumeBytes(saved[:len(saved)-1]); err == nil || !strings.Contains(err.Error(), "3 records need") {
		t.Errorf("resume from cut bytes: %v", err)
	}
}
