// Composed observation operators: a struct holding each distinct part and
// a buffer for every intermediate carrier; Apply runs the parts in order.
package codegen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// composeObs emits compose(H1, H2, …) = … ∘ H2 ∘ H1.
type composeObs struct{}

func (composeObs) check(g *gen, o *ir.ObsOp) {
	if !g.checkObsEnds(o) {
		return
	}
	d := o.Def.(*ir.ComposeObs)
	if len(d.Parts) == 0 {
		g.internal(o.Pos, "composed obs %s has no parts", o.SourceName)
		return
	}
	in := o.In
	for _, p := range d.Parts {
		if p == nil || p.In != in {
			g.internal(o.Pos, "composed obs %s does not chain", o.SourceName)
			return
		}
		in = p.Out
	}
	if in != o.Out {
		g.internal(o.Pos, "composed obs %s ends at %s, not %s", o.SourceName, in.SourceName, o.Out.SourceName)
	}
}

// distinctObsParts lists the distinct parts of a composed operator in first-use
// order.
func distinctObsParts(d *ir.ComposeObs) []*ir.ObsOp {
	var out []*ir.ObsOp
	seen := map[*ir.ObsOp]bool{}
	for _, p := range d.Parts {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// obsNeedsDir reports whether building o reads a data file, so that its
// constructor takes the data directory: a linear operator, or a
// composite with one.
func obsNeedsDir(o *ir.ObsOp) bool {
	switch d := o.Def.(type) {
	case *ir.LinearObs:
		return true
	case *ir.ComposeObs:
		for _, p := range d.Parts {
			if obsNeedsDir(p) {
				return true
			}
		}
	}
	return false
}

func (composeObs) emit(g *gen, o *ir.ObsOp) {
	d := o.Def.(*ir.ComposeObs)
	id := jen.Id
	op := g.newObsParts(o)
	var names []string
	for _, p := range d.Parts {
		names = append(names, p.SourceName)
	}
	op.what = fmt.Sprintf("compose(%s), the parts applied in that order", strings.Join(names, ", "))
	for _, p := range distinctObsParts(d) {
		op.fields = append(op.fields, id(p.Name).Id(p.Name).Comment("the part "+p.SourceName))
	}
	// One buffer for the output of every part but the last.
	bufs := make([]string, len(d.Parts)-1)
	for i, p := range d.Parts[:len(d.Parts)-1] {
		bufs[i] = fmt.Sprintf("mid%d", i+1)
		op.fields = append(op.fields, id(bufs[i]).Id(p.Out.Name).Comment("the output of "+p.SourceName))
	}
	in := jen.Id(op.x)
	for i, p := range d.Parts {
		var out jen.Code = id(op.y)
		if i < len(d.Parts)-1 {
			out = jen.Op("&").Id(op.recv).Dot(bufs[i])
		}
		op.body = append(op.body, id(op.recv).Dot(p.Name).Dot("Apply").Call(out, in))
		if i < len(bufs) {
			in = jen.Op("&").Id(op.recv).Dot(bufs[i])
		}
	}
	g.emitObsType(o, op)
	if obsNeedsDir(o) {
		g.emitComposeObsConstructor(o, d)
	}
}

// emitComposeObsConstructor writes NewH(dir) for a composite with a part
// that reads a data file: each such part built by its own constructor.
func (g *gen) emitComposeObsConstructor(o *ir.ObsOp, d *ir.ComposeObs) {
	nm := g.top.fork()
	dir, h, err := nm.name("dir"), nm.name("h"), nm.name("err")
	id := jen.Id
	body := []jen.Code{id(h).Op(":=").Op("&").Id(o.Name).Values()}
	for _, p := range distinctObsParts(d) {
		if !obsNeedsDir(p) {
			continue
		}
		v := nm.name(strings.ToLower(p.Name[:1]) + p.Name[1:])
		body = append(body,
			jen.List(id(v), id(err)).Op(":=").Id("New"+p.Name).Call(id(dir)),
			jen.If(id(err).Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("obs "+o.SourceName+": %w"), id(err)))),
			id(h).Dot(p.Name).Op("=").Op("*").Id(v),
		)
	}
	body = append(body, jen.Return(id(h), jen.Nil()))
	g.f.Add(doc("New%s returns %s with the data files of its parts read under dir, the directory "+
		"that the program's data-file paths are relative to.", o.Name, o.Name))
	g.f.Func().Id("New"+o.Name).Params(id(dir).String()).Params(jen.Op("*").Id(o.Name), jen.Error()).Block(body...)
}
