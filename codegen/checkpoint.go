// Checkpoints in generated cycles: CheckpointEvery, SaveState and
// RestoreState (cycrt.Checkpointer) over the parts of a cycle's state
// that each kind lists. The loop that writes and reads the files is the
// runtime's (cycrt.RunCycle).
package codegen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
)

// statePart is one section of a cycle's checkpoint.
type statePart struct {
	name     string
	counters []string   // int fields of the cycle: a counters section
	floats   jen.Code   // a float64 slice: a floats section
	scalars  []string   // float64 fields of the cycle: a floats section
	stats    string     // a Stats or ObsStats field of the cycle, as its SaveCheckpoint writes it
	restored []jen.Code // statements RestoreState runs once every part is restored
	what     string     // for the doc comment
}

// emitCheckpoint writes the checkpoint methods of a cycle that declares
// checkpoint = every(k), saving and restoring parts; per names what k
// counts, in the plural.
func (cg *cycleGen) emitCheckpoint(per string, parts ...statePart) {
	k := cg.c.Checkpoint
	if k <= 0 {
		return
	}
	g, c := cg.g, cg.c
	id := jen.Id
	g.f.Add(doc("CheckpointEvery implements cycrt.Checkpointer: a checkpoint every %d %s (checkpoint = every(%d)).", k, per, k))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("CheckpointEvery").Params().Int().Block(jen.Return(jen.Lit(k)))

	nm := g.top.fork()
	nm.take(cg.recv)
	ck := nm.name("ck")
	var save, restore, pre, post []jen.Code
	var whats []string
	for _, p := range parts {
		whats = append(whats, fmt.Sprintf("%s (%s)", p.what, p.name))
		switch {
		case p.stats != "":
			save = append(save, cg.self(p.stats).Dot("SaveCheckpoint").Call(id(ck), jen.Lit(p.name)))
			restore = append(restore, cg.self(p.stats).Dot("RestoreCheckpoint").Call(id(ck), jen.Lit(p.name)))
		case p.counters != nil:
			args, ptrs := []jen.Code{jen.Lit(p.name)}, []jen.Code{jen.Lit(p.name)}
			for _, f := range p.counters {
				args = append(args, cg.self(f))
				ptrs = append(ptrs, jen.Op("&").Add(cg.self(f)))
			}
			save = append(save, id(ck).Dot("PutCounters").Call(args...))
			restore = append(restore, id(ck).Dot("Counters").Call(ptrs...))
		case p.scalars != nil:
			vals := []jen.Code{}
			buf := nm.name(camel(p.name))
			for _, f := range p.scalars {
				vals = append(vals, cg.self(f))
			}
			save = append(save, id(ck).Dot("PutFloats").Call(jen.Lit(p.name), jen.Index().Float64().Values(vals...)))
			pre = append(pre, jen.Var().Id(buf).Index(jen.Lit(len(p.scalars))).Float64())
			restore = append(restore, id(ck).Dot("Floats").Call(jen.Lit(p.name), id(buf).Index(jen.Op(":"))))
			for i, f := range p.scalars {
				post = append(post, cg.self(f).Op("=").Id(buf).Index(jen.Lit(i)))
			}
		default:
			save = append(save, id(ck).Dot("PutFloats").Call(jen.Lit(p.name), p.floats))
			restore = append(restore, id(ck).Dot("Floats").Call(jen.Lit(p.name), p.floats))
		}
		post = append(post, p.restored...)
	}
	g.f.Add(doc("SaveState implements cycrt.Checkpointer: it puts the state of the run after "+
		"the last Next in %s: %s. Random streams are keyed afresh at every step or analysis, so "+
		"none has a position to save.", ck, strings.Join(whats, ", ")))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("SaveState").Params(id(ck).Op("*").Qual(rtPath, "Checkpoint")).Block(save...)

	err := nm.name("err")
	body := []jen.Code{
		jen.If(jen.Op("!").Add(cg.self("started"))).Block(
			jen.Return(jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("cycle %s: RestoreState called before Start", c.SourceName)))),
		),
	}
	body = append(body, pre...)
	body = append(body,
		jen.For(jen.List(id("_"), id(err)).Op(":=").Range().Index().Error().Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}, restore...)).Block(
			ifErr(err, errorf(fmt.Sprintf("cycle %s: %%w", c.SourceName), id(err))),
		),
	)
	body = append(body, post...)
	body = append(body, jen.Return(jen.Nil()))
	g.f.Add(doc("RestoreState implements cycrt.Checkpointer: after Start, it sets the state "+
		"to the one SaveState put in %s. A section missing or of the wrong size is an error "+
		"naming it.", ck))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("RestoreState").Params(id(ck).Op("*").Qual(rtPath, "Checkpoint")).Error().Block(body...)
}

// camel turns a section name ("spread_sum") into a Go name ("spreadSum").
func camel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
