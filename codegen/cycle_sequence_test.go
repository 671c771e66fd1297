// Tests of what the sequence emitter refuses, what it makes of repeated
// and nested parts, and of which cycles gain the hand-over.
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
		// A kind no emitter knows, as a new kind is before its emitter exists.
		tide := &ir.Cycle{Name: "Tide", SourceName: "Tide", Pos: pos(f, 22, 1), Def: unknownCycle{}}
		da := byNameOf(p)["Da"].Assimilation()
		twin := mkCycle(flatCycle{Name: "Twin", SourceName: "Twin", Pos: pos(f, 23, 1), Kind: ir.CycleSmoother, Model: m, Obs: da.Obs,
			ObsErr: da.ObsErr, Analysis: da.Analysis, Steps: 10, ObsEvery: 2, Seed: 1})
		twin.Def.(*ir.Smoother).Window, twin.Def.(*ir.Smoother).Stride = 4, 2
		byName := map[string]*ir.Cycle{"Free": free, "Alone": alone, "Tide": tide, "Twin": twin}
		for _, c := range p.Cycles {
			byName[c.Name] = c
		}
		ok := seq("Ok", 30, free, byName["FromFile"])
		p.Cycles = append(p.Cycles, free, alone, tide, twin, ok,
			seq("Twice", 31, free, free),
			seq("Nested", 32, ok, free),
			seq("WithTide", 33, free, tide),
			seq("WithSmoother", 36, free, twin),
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
		{"a part twice", "Twice", nil,
			[]string{"\tFree  *Free // part 1, the cycle Free (its run 1 of 2)\n\tFree2 *Free // part 2, the cycle Free (its run 2 of 2)\n",
				"Free:  NewFree(),\n\t\tFree2: NewFree(),", "return []cycrt.SequencePart{c.Free, c.Free2}",
				"if rest, ok := strings.CutPrefix(name, \"Free#2.\"); ok {\n\t\treturn c.Free2.Set(rest, value)\n\t}\n\tif rest, ok := strings.CutPrefix(name, \"Free.\"); ok {\n\t\tif err := c.Free.Set(rest, value); err != nil {",
				"h.AddPart(\"Free\", c.Free)", "h.AddPart(\"Free#2\", c.Free2)", "Free runs twice: Free.steps sets every"},
			nil},
		{"a sequence in a sequence", "Nested", nil,
			[]string{"(the parts of Ok run in its",
				"return []cycrt.SequencePart{c.Free, c.FromFile, c.Free2}", "h.AddPart(\"FromFile\", c.FromFile)"},
			[]string{"c.Ok"}},
		{"a part of a kind with no emitter", "WithTide", []string{"todo.cyc:22:1: error: not implemented yet: tide cycle"}, nil, nil},
		{"a smoother hands over its state", "WithSmoother", nil,
			[]string{"func (c *Twin) StartFrom(h *cycrt.Handover) error", "h.SetState(c.E.Member(0))\n\th.SetTruth(c.Truth[:])",
				"if err := c.from.InitTruth(c.Truth[:]); err != nil", "if err := c.from.InitState(c.E.Member(0)); err != nil",
				"copy(c.start[:], c.E.Member(0))"},
			[]string{"InitEnsemble", "type Alone struct"}},
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

// unknownCycle is the definition of a cycle of a kind no emitter knows.
type unknownCycle struct{}

func (unknownCycle) Kind() ir.CycleKind { return "tide" }

// byNameOf maps the cycles of p by name.
func byNameOf(p *ir.Program) map[string]*ir.Cycle {
	m := map[string]*ir.Cycle{}
	for _, c := range p.Cycles {
		m[c.Name] = c
	}
	return m
}
