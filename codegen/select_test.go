// Tests of Options.Cycles: only the chosen cycles and what they use are
// checked and emitted.
package codegen

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cyclec/cyclec/ir"
)

func TestRestrictToCycles(t *testing.T) {
	prog := func() (*ir.Program, map[string]*ir.Cycle) {
		p := unimplementedProgram()
		m := p.Forwards[0] // M, an implemented ddt model
		free := mkCycle(flatCycle{Name: "Free", SourceName: "Free", Pos: pos("todo.cyc", 20, 1), Kind: ir.CycleForecast, Model: m, Steps: 5, Seed: 1})
		p.Cycles = append(p.Cycles, free)
		byName := map[string]*ir.Cycle{}
		for _, c := range p.Cycles {
			byName[c.Name] = c
		}
		return p, byName
	}
	tests := []struct {
		name     string
		cycles   []string
		foreign  bool
		wantErrs []string // every diagnostic, in order; none means a file
		has      []string // in the file
		lacks    []string // not in the file
	}{
		{name: "one implemented cycle", cycles: []string{"Free"},
			has:   []string{"type Free struct", "type M struct", "type State ", "func NewFree() *Free"},
			lacks: []string{"Ocean", "Both", "Emu", "Smooth", "FromFile", "NewG(", "type Full "}},
		{name: "a cycle with unimplemented parts", cycles: []string{"Smooth"}, wantErrs: []string{
			"todo.cyc:13:1: error: not implemented yet: history_members in a smoother cycle (it has one state)",
			"todo.cyc:13:30: error: not implemented yet: a smoother cycle with observations from a file or Go",
		}},
		{name: "a checkpointed cycle fed from a file", cycles: []string{"FromFile"},
			has:   []string{"type FromFile struct", "func (c *FromFile) SaveState(", `c.ostats.SaveCheckpoint(ck, "ostats")`},
			lacks: []string{"type Free struct", "Smooth"}},
		{name: "a cycle of another program", foreign: true, wantErrs: []string{
			"other.cyc:1:1: error: internal error: cycle Stray to emit is not in the program",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, byName := prog()
			var cycles []*ir.Cycle
			for _, name := range tt.cycles {
				cycles = append(cycles, byName[name])
			}
			if tt.foreign {
				cycles = append(cycles, &ir.Cycle{Name: "Stray", SourceName: "Stray", Pos: pos("other.cyc", 1, 1)})
			}
			files, diags := Generate(p, Options{Cycles: cycles})
			diags.Sort()
			var got []string
			for _, d := range diags {
				got = append(got, d.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tt.wantErrs, "\n") {
				t.Fatalf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.wantErrs, "\n"))
			}
			if len(tt.wantErrs) > 0 {
				if files != nil {
					t.Errorf("files returned despite errors")
				}
				return
			}
			if len(files) == 0 || len(files) > 2 {
				t.Fatalf("%d files, want the program and maybe its tests", len(files))
			}
			for _, s := range tt.has {
				if !bytes.Contains(files[0].Data, []byte(s)) {
					t.Errorf("output lacks %q", s)
				}
			}
			for _, s := range tt.lacks {
				if bytes.Contains(files[0].Data, []byte(s)) {
					t.Errorf("output contains %q", s)
				}
			}
		})
	}
	// Without Cycles the whole program is checked, as before.
	p, _ := prog()
	if files, diags := Generate(p, Options{}); files != nil || !diags.HasErrors() {
		t.Errorf("whole program: files %v, diagnostics %v; want the unimplemented forms reported", files != nil, diags)
	}
}
