package examples_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cyclec/cyclec"
	"github.com/cyclec/cyclec/examples/lorenz63/etkf"
	l96etkf "github.com/cyclec/cyclec/examples/lorenz96/etkf"
	l96letkf7 "github.com/cyclec/cyclec/examples/lorenz96/letkf7"
	cycrt "github.com/cyclec/cyclec/runtime"
)

// TestConfigCoversTheProgram checks that a generated cycle's own Config —
// what a user's program calls, with no cyclec run around it — covers the
// .cyc source it was generated from: its hash is that of the source's
// digest (cyclec.SourceDigests of the committed .cyc) and the settings,
// so a checkpoint refuses to resume under a changed program, and a .cyc
// edited without regenerating its Go fails here.
func TestConfigCoversTheProgram(t *testing.T) {
	for _, tc := range []struct {
		cyc string
		new func() cycrt.Cycle
	}{
		{"lorenz96/etkf.cyc", func() cycrt.Cycle { return l96etkf.NewTwin() }},
		{"lorenz96/letkf7.cyc", func() cycrt.Cycle { return l96letkf7.NewTwin() }},
		{"lorenz63/etkf.cyc", func() cycrt.Cycle { return etkf.NewTwin() }},
	} {
		src, err := os.ReadFile(filepath.FromSlash(tc.cyc))
		if err != nil {
			t.Fatal(err)
		}
		got := cycrt.NewConfigHash()
		if err := tc.new().Config(got); err != nil {
			t.Fatalf("%s: %v", tc.cyc, err)
		}
		want := cycrt.NewConfigHash()
		sources := cyclec.SourceDigests(tc.cyc, map[string][]byte{tc.cyc: src})
		for _, s := range sources {
			if err := want.AddDigest(s.Label, s.Digest); err != nil {
				t.Fatal(err)
			}
		}
		for _, s := range got.Settings() {
			want.AddSetting(s.Name, s.Value)
		}
		if got.Sum() != want.Sum() {
			t.Errorf("%s: Config's hash %s, want %s (the digest of the committed source %s and the settings): is the generated Go stale?",
				tc.cyc, got.Sum(), want.Sum(), sources[0].Digest)
		}
		// Without the source the hash differs, or the check above proves nothing.
		bare := cycrt.NewConfigHash()
		for _, s := range got.Settings() {
			bare.AddSetting(s.Name, s.Value)
		}
		if bare.Sum() == got.Sum() {
			t.Errorf("%s: Config's hash does not depend on the program", tc.cyc)
		}
	}
}
