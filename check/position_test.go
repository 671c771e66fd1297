package check

import (
	"strings"
	"testing"
)

// TestKindPositions checks that a misspelt kind is reported at the word
// itself, not at the start of its declaration.
func TestKindPositions(t *testing.T) {
	tests := []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"carrier", "package p\ncarrier S = vex[4]\n", 2, 13, "unknown carrier kind vex"},
		{"analysis", "package p\nanalysis A = etfk { members = 4 }\n", 2, 14, "did you mean etkf?"},
		{"cycle", "package p\nimport \"std/lorenz63\"\ncycle C =   forcast { model = lorenz63.L63, steps = 3 }\n", 3, 13, "did you mean forecast?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := CheckSource("p.cyc", []byte(tt.src), testConfig(newTestReader()))
			for _, d := range diags {
				if strings.Contains(d.Msg, tt.msg) {
					if d.Pos.Line != tt.line || d.Pos.Col != tt.col {
						t.Errorf("%q at %d:%d, want %d:%d", d.Msg, d.Pos.Line, d.Pos.Col, tt.line, tt.col)
					}
					return
				}
			}
			t.Errorf("no diagnostic containing %q in %v", tt.msg, diags)
		})
	}
}

// TestDocsReachIR checks that the comment above a declaration becomes
// the Doc of its IR.
func TestDocsReachIR(t *testing.T) {
	src := "package p\nimport \"std/lorenz63\"\n\n// Free is a free run.\ncycle Free = forecast { model = lorenz63.L63, steps = 3 }\n"
	p, diags := CheckSource("p.cyc", []byte(src), testConfig(newTestReader()))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got := p.Cycles[0].Doc; got != "Free is a free run." {
		t.Errorf("cycle doc %q", got)
	}
	for _, f := range p.Forwards {
		if f.SourceName == "lorenz63.L63" && f.Doc == "" {
			t.Errorf("the standard library's L63 lost its doc comment")
		}
	}
}
