// Tangent-linear and adjoint of observation operators: exact for the
// linear forms (identity, subsample, indices, a matrix), from the
// symbolic partials for expression bodies, chained through the parts of a
// composite, and for go operators the user's Jacobian or a
// finite-difference one (gomodel.go). Tangent(dy, x, dx) writes H dx; Adjoint(ax, x, ay) adds
// Hᵀ ay to ax, H the Jacobian at x.
package codegen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// obsHasDerivatives reports whether the generator emits Tangent and
// Adjoint for o.
func obsHasDerivatives(o *ir.ObsOp) bool {
	switch d := o.Def.(type) {
	case *ir.Identity, *ir.Subsample, *ir.Indices, *ir.LinearObs, *ir.GoObs:
		return true
	case *ir.ExprObs:
		_, ok := equationPartials(d.Eqs)
		return ok
	case *ir.ComposeObs:
		for _, p := range d.Parts {
			if !obsHasDerivatives(p) {
				return false
			}
		}
		return true
	}
	return false
}

// obsDerivFields are the struct fields o's derivatives need: a
// composite's perturbation of every intermediate carrier.
func obsDerivFields(o *ir.ObsOp) []jen.Code {
	d, ok := o.Def.(*ir.ComposeObs)
	if !ok || !obsHasDerivatives(o) {
		return nil
	}
	var out []jen.Code
	for i, p := range d.Parts[:len(d.Parts)-1] {
		out = append(out, jen.Id(fmt.Sprintf("dmid%d", i+1)).Id(p.Out.Name).Comment("its perturbation (Tangent) or adjoint (Adjoint)"))
	}
	return out
}

// obsDerivSig are the parameter names of an operator's Tangent and
// Adjoint.
type obsDerivSig struct {
	recv, x, dx, dy string // Tangent(dy, x, dx)
	ax, ay          string // Adjoint(ax, x, ay)
}

// emitObsDerivatives writes Tangent and Adjoint for o.
func (g *gen) emitObsDerivatives(o *ir.ObsOp) {
	if !obsHasDerivatives(o) {
		return
	}
	nm := g.top.fork()
	s := obsDerivSig{recv: nm.name("h"), x: nm.name(o.Var)}
	s.dx, s.dy = nm.name("d"+o.Var), nm.name("dy")
	s.ax, s.ay = nm.name("a"+o.Var), nm.name("ay")
	in, out := o.In.Name, o.Out.Name
	id := jen.Id
	tl, ad := g.obsDerivBodies(o, s, nm)
	g.f.Add(doc("Tangent writes into %s the derivative of the observation at %s in the direction %s "+
		"(H %s, H the Jacobian of %s at %s).", s.dy, s.x, s.dx, s.dx, o.Name, s.x))
	g.f.Func().Params(id(s.recv).Op("*").Id(o.Name)).Id("Tangent").
		Params(id(s.dy).Op("*").Id(out), jen.List(id(s.x), id(s.dx)).Op("*").Id(in)).Add(tl)
	g.f.Add(doc("Adjoint adds to %s the transpose of the Jacobian of %s at %s applied to %s (%s += Hᵀ %s).",
		s.ax, o.Name, s.x, s.ay, s.ax, s.ay))
	g.f.Func().Params(id(s.recv).Op("*").Id(o.Name)).Id("Adjoint").
		Params(jen.List(id(s.ax), id(s.x)).Op("*").Id(in), id(s.ay).Op("*").Id(out)).Add(ad)
	g.emitObsChecks(o)
}

// obsDerivBodies are the blocks of o's Tangent and Adjoint.
func (g *gen) obsDerivBodies(o *ir.ObsOp, s obsDerivSig, nm *namer) (tl, ad *jen.Statement) {
	id := jen.Id
	switch d := o.Def.(type) {
	case *ir.Identity:
		i, v := nm.name("i"), nm.name("v")
		var copyDx jen.Code = jen.Op("*").Id(s.dy).Op("=").Op("*").Id(s.dx)
		if o.In != o.Out {
			copyDx = jen.Op("*").Id(s.dy).Op("=").Id(o.Out.Name).Call(jen.Op("*").Id(s.dx))
		}
		return jen.Block(copyDx), jen.Block(jen.For(jen.List(id(i), id(v)).Op(":=").Range().Id(s.ay)).Block(
			id(s.ax).Index(id(i)).Op("+=").Id(v)))
	case *ir.Subsample:
		j := nm.name("j")
		idx := linear{coef: []int{d.Step}, k: d.Start}.render([]binding{{name: j}})
		return jen.Block(jen.For(id(j).Op(":=").Range().Id(s.dy)).Block(id(s.dy).Index(id(j)).Op("=").Id(s.dx).Index(idx))),
			jen.Block(jen.For(id(j).Op(":=").Range().Id(s.ay)).Block(id(s.ax).Index(idx).Op("+=").Id(s.ay).Index(id(j))))
	case *ir.Indices:
		if len(d.Indices) <= indicesUnrollMax {
			var t, a []jen.Code
			for k, i := range d.Indices {
				t = append(t, id(s.dy).Index(jen.Lit(k)).Op("=").Id(s.dx).Index(jen.Lit(i)))
				a = append(a, id(s.ax).Index(jen.Lit(i)).Op("+=").Id(s.ay).Index(jen.Lit(k)))
			}
			return jen.Block(t...), jen.Block(a...)
		}
		table := prefix + o.Name + "Index"
		j, i := nm.name("j"), nm.name("i")
		return jen.Block(jen.For(jen.List(id(j), id(i)).Op(":=").Range().Op("&").Id(table)).Block(id(s.dy).Index(id(j)).Op("=").Id(s.dx).Index(id(i)))),
			jen.Block(jen.For(jen.List(id(j), id(i)).Op(":=").Range().Op("&").Id(table)).Block(id(s.ax).Index(id(i)).Op("+=").Id(s.ay).Index(id(j))))
	case *ir.LinearObs:
		return jen.Block(id(s.recv).Dot("H").Dot("MulVec").Call(id(s.dy).Index(jen.Op(":")), id(s.dx).Index(jen.Op(":")))),
			jen.Block(id(s.recv).Dot("H").Dot("MulTransAdd").Call(id(s.ax).Index(jen.Op(":")), id(s.ay).Index(jen.Op(":"))))
	case *ir.ExprObs:
		parts, _ := equationPartials(d.Eqs)
		env := &exprEnv{in: o.Var, arr: s.x, dims: o.In.Dims, bounds: o.In.Bounds, g: g}
		loopName := nm.fork().memo()
		tl = jen.BlockFunc(func(grp *jen.Group) {
			env.emitTangentEquations(grp, d.Eqs, parts, eqTarget{arr: s.dy, dims: o.Out.Dims}, s.dx, loopName)
		})
		loopName = nm.fork().memo()
		ad = jen.BlockFunc(func(grp *jen.Group) {
			env.emitAdjointEquations(grp, d.Eqs, parts, eqTarget{arr: s.ay, dims: o.Out.Dims}, s.ax, loopName)
		})
		return tl, ad
	case *ir.ComposeObs:
		return g.composeObsDerivBodies(o, d, s)
	case *ir.GoObs:
		return g.goObsDerivBodies(o, s, nm)
	}
	g.internal(o.Pos, "no derivatives for %s obs %s", o.Def.Form(), o.SourceName)
	return jen.Block(), jen.Block()
}

// composeObsDerivBodies chain the parts' derivatives: the tangent-linear
// forward through the intermediate values and their perturbations, the
// adjoint backward through the intermediate adjoints.
func (g *gen) composeObsDerivBodies(o *ir.ObsOp, d *ir.ComposeObs, s obsDerivSig) (tl, ad *jen.Statement) {
	id := jen.Id
	last := len(d.Parts) - 1
	mid := func(i int) jen.Code { return jen.Op("&").Id(s.recv).Dot(fmt.Sprintf("mid%d", i+1)) }
	dmid := func(i int) jen.Code { return jen.Op("&").Id(s.recv).Dot(fmt.Sprintf("dmid%d", i+1)) }
	part := func(i int) *jen.Statement { return id(s.recv).Dot(d.Parts[i].Name) }
	var t, a []jen.Code
	var in, din jen.Code = id(s.x), id(s.dx)
	for i := range d.Parts {
		if i == last {
			t = append(t, part(i).Dot("Tangent").Call(id(s.dy), in, din))
			break
		}
		t = append(t, part(i).Dot("Apply").Call(mid(i), in), part(i).Dot("Tangent").Call(dmid(i), in, din))
		in, din = mid(i), dmid(i)
	}
	// The adjoint: the intermediate values first, then back through the
	// parts, each intermediate adjoint zeroed before its part adds to it.
	in = id(s.x)
	for i := range d.Parts[:last] {
		a = append(a, part(i).Dot("Apply").Call(mid(i), in))
		in = mid(i)
	}
	var from jen.Code = id(s.ay)
	for i := last; i >= 0; i-- {
		var into, at jen.Code = id(s.ax), id(s.x)
		if i > 0 {
			into, at = dmid(i-1), mid(i-1)
			a = append(a, id(s.recv).Dot(fmt.Sprintf("dmid%d", i)).Op("=").Id(d.Parts[i-1].Out.Name).Values())
		}
		a = append(a, part(i).Dot("Adjoint").Call(into, at, from))
		from = into
	}
	return jen.Block(t...), jen.Block(a...)
}
