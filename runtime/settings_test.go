package runtime

import (
	"strings"
	"testing"
)

func TestSetParsers(t *testing.T) {
	var n int
	var s uint64
	var f float64
	var p string
	tests := []struct {
		name    string
		set     func() error
		wantErr string
	}{
		{"int", func() error { return SetInt(&n, "steps", "42") }, ""},
		{"int negative", func() error { return SetInt(&n, "steps", "-1") }, "steps wants a non-negative integer"},
		{"int word", func() error { return SetInt(&n, "steps", "lots") }, `not "lots"`},
		{"seed", func() error { return SetSeed(&s, "seed", "18446744073709551615") }, ""},
		{"seed negative", func() error { return SetSeed(&s, "seed", "-3") }, "seed wants an unsigned integer seed"},
		{"float", func() error { return SetFloat(&f, "F", "8.5e0") }, ""},
		{"float nan", func() error { return SetFloat(&f, "F", "NaN") }, "F wants a number"},
		{"float inf", func() error { return SetFloat(&f, "F", "+Inf") }, "F wants a number"},
		{"path", func() error { return SetPath(&p, "obs_file", "obs.txt") }, ""},
		{"path empty", func() error { return SetPath(&p, "obs_file", "") }, "wants a file path"},
	}
	for _, tt := range tests {
		err := tt.set()
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.wantErr)
		}
	}
	if n != 42 || s != 18446744073709551615 || f != 8.5 || p != "obs.txt" {
		t.Errorf("parsed values %d %d %g %q, want 42 18446744073709551615 8.5 obs.txt", n, s, f, p)
	}
}
