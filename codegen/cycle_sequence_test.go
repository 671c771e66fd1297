// Tests of what the sequence emitter refuses, and of which cycles gain
// the hand-over.
package codegen

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cyclec/cyclec/ir"
)

func TestSequenceParts(t *testing.T) {
	f := "todo.cyc"
	seq := func(name string, line int, parts ...*ir.Cycle) *ir.Cycle {
		return &ir.Cycle{Name: name, SourceName: name, Pos: pos(f, line, 1), Def: &ir.Sequence{Parts: parts}}
	}
	prog := func() (*ir.Program, map[string]*ir.Cycle) {
		p := unimplementedProgram()
		m := p.Forwards[0]
		free := mkCycle(flatCycle{Name: "Free", SourceName: "Free", Pos: pos(f, 20, 1), Kind: ir.CycleForecast, Model: m, Steps: 5, Seed: 1})
		alone := mkCycle(flatCycle{Name: "Alone", SourceName: "Alone", Pos: pos(f, 21, 1), Kind: ir.CycleForecast, Model: m, Steps: 5, Seed: 1})
		byName := map[string]*ir.Cycle{"Free": free, "Alone": alone}
		for _, c := range p.Cycles {
			byName[c.Name] = c
		}
		ok := seq("Ok", 30, free, byName["FromFile"])
		p.Cycles = append(p.Cycles, free, alone, ok,
			seq("Twice", 31, free, free),
			seq("Nested", 32, ok, free),
			seq("WithSmoother", 33, free, byName["Smooth"]),
			seq("WithDa", 35, free, byName["Da"]),
			seq("Empty", 34),
		)
		for _, c := range p.Cycles {
			byName[c.Name] = c
		}
		return p, byName
	}
	tests := []struct {
		name  string
		cycle string
		want  []string // every diagnostic; none means a file
		has   []string // what the file has, when there is one
		lacks []string // and what it does not
	}{
		{"parts that hand over", "Ok", nil,
			[]string{"type Ok struct", "func (c *Free) StartFrom(h *cycrt.Handover) error", "func (c *FromFile) Handover(h *cycrt.Handover) {\n\th.SetEnsemble(c.E)\n}",
				"if err := c.from.InitEnsemble(c.E, 1.0, c.Seed); err != nil", "Free     *Free", "return cycrt.RunSequence(ctx, c, opts)"},
			[]string{"SetTruth", "InitTruth", "type Alone struct"}},
		{"a part twice", "Twice", []string{"todo.cyc:31:1: error: not implemented yet: a sequence that runs a cycle twice (Free in Twice)"}, nil, nil},
		{"a sequence in a sequence", "Nested", []string{"todo.cyc:32:1: error: not implemented yet: a sequence as a part of a sequence (Ok in Nested)"}, nil, nil},
		{"a part of a kind with no emitter", "WithSmoother", []string{"todo.cyc:13:1: error: not implemented yet: smoother cycle"}, nil, nil},
		{"a da cycle hands over its state", "WithDa", nil,
			[]string{"func (c *Da) StartFrom(h *cycrt.Handover) error", "h.SetState(c.E.Member(0))\n\th.SetTruth(c.Truth[:])",
				"if err := c.from.InitTruth(c.Truth[:]); err != nil", "if err := c.from.InitState(c.E.Member(0)); err != nil"},
			[]string{"InitEnsemble", "type Alone struct"}},
		{"no parts", "Empty", []string{"todo.cyc:34:1: error: internal error: sequence Empty has no parts"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, byName := prog()
			files, diags := Generate(p, Options{Cycles: []*ir.Cycle{byName[tt.cycle]}})
			diags.Sort()
			var got []string
			for _, d := range diags {
				got = append(got, d.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if tt.want != nil {
				return
			}
			if len(files) == 0 || len(files) > 2 {
				t.Fatalf("%d files, want the program and maybe its tests", len(files))
			}
			src := files[0].Data
			for _, has := range tt.has {
				if !bytes.Contains(src, []byte(has)) {
					t.Errorf("the file lacks %q", has)
				}
			}
			for _, lacks := range tt.lacks {
				if bytes.Contains(src, []byte(lacks)) {
					t.Errorf("the file has %q", lacks)
				}
			}
		})
	}
	// A cycle that is no sequence's part gets no hand-over.
	p, byName := prog()
	files, diags := Generate(p, Options{Cycles: []*ir.Cycle{byName["Alone"]}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if bytes.Contains(files[0].Data, []byte("Handover")) || bytes.Contains(files[0].Data, []byte("c.from")) {
		t.Error("a cycle outside every sequence has hand-over code")
	}
}
