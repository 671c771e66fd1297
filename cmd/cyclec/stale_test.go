// Tests of the removal of temporary histories: only the runtime's names,
// and never while another run holds the directory.

//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStaleHistoryTemps(t *testing.T) {
	tests := []struct {
		name    string
		busy    bool     // another run holds the directory
		files   []string // present before the run
		removed []string
	}{
		{name: "left by a killed run", files: []string{".h.txt.tmp1", ".h.txt.tmp42", "h.txt"},
			removed: []string{".h.txt.tmp1", ".h.txt.tmp42"}},
		{name: "other names are kept", files: []string{".h.txt.tmp", ".h.txt.tmpx1", ".h.txt.tmp1.bak", ".g.txt.tmp1", "h.txt.tmp1", ".h.txt.tmp1/"}},
		{name: "another run is writing", busy: true, files: []string{".h.txt.tmp7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				p := filepath.Join(dir, f)
				var err error
				if strings.HasSuffix(f, "/") {
					err = os.Mkdir(p, 0o755)
				} else {
					err = os.WriteFile(p, []byte("x"), 0o644)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if tt.busy {
				other, err := lockDir(dir)
				if err != nil {
					t.Fatal(err)
				}
				defer other.unlock()
			}
			var log bytes.Buffer
			g, err := guardHistory([]string{filepath.Join(dir, "h.txt")}, "", &log)
			if err != nil {
				t.Fatal(err)
			}
			g.release()
			gone := map[string]bool{}
			for _, f := range tt.removed {
				gone[f] = true
				if !strings.Contains(log.String(), f) {
					t.Errorf("log %q does not name %s", log.String(), f)
				}
			}
			for _, f := range tt.files {
				_, err := os.Lstat(filepath.Join(dir, f))
				if exists := err == nil; exists == gone[f] {
					t.Errorf("%s: exists = %v, want %v", f, exists, !gone[f])
				}
			}
			if len(tt.removed) == 0 && log.Len() > 0 {
				t.Errorf("nothing to remove, but the log says %q", log.String())
			}
		})
	}
}
