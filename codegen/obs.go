// Observation operators: a struct per operator (empty unless it holds a
// matrix) with Apply(y, x) writing the observation of x into y.
package codegen

import (
	"fmt"
	"path"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// indicesUnrollMax is the number of picked indices written one by one;
// more go through a table.
const indicesUnrollMax = 8

// emitObs declares an observation operator.
func (g *gen) emitObs(o *ir.ObsOp) {
	in, out := o.In.Name, o.Out.Name
	n, p := o.In.Size(), o.Out.Size()
	nm := g.top.fork()
	recv, x := nm.name("h"), nm.name(o.Var)
	y := nm.name("y")
	var what string
	var fields []jen.Code
	var body []jen.Code
	id := jen.Id
	switch o.Kind {
	case ir.ObsIdentity:
		what = "the identity"
		if o.In == o.Out {
			body = append(body, jen.Op("*").Id(y).Op("=").Op("*").Id(x))
		} else {
			body = append(body, jen.Op("*").Id(y).Op("=").Id(out).Call(jen.Op("*").Id(x)))
		}
	case ir.ObsSubsample:
		what = fmt.Sprintf("every %s element from %d", ordinal(o.Step), o.Start)
		j := nm.name("j")
		idx := linear{coef: []int{o.Step}, k: o.Start}
		body = append(body, jen.For(id(j).Op(":=").Range().Id(y)).Block(
			id(y).Index(id(j)).Op("=").Id(x).Index(idx.render([]binding{{name: j}})),
		))
	case ir.ObsIndices:
		what = fmt.Sprintf("the elements %s", intList(o.Indices))
		if len(o.Indices) <= indicesUnrollMax {
			for j, i := range o.Indices {
				body = append(body, id(y).Index(jen.Lit(j)).Op("=").Id(x).Index(jen.Lit(i)))
			}
			break
		}
		table := g.top.name(prefix + o.Name + "Index")
		vals := make([]jen.Code, len(o.Indices))
		for k, i := range o.Indices {
			vals[k] = jen.Lit(i)
		}
		g.f.Add(doc("%s lists the elements of %s that %s observes.", table, in, o.Name))
		g.f.Var().Id(table).Op("=").Index(jen.Lit(len(o.Indices))).Int().Values(vals...)
		j, i := nm.name("j"), nm.name("i")
		body = append(body, jen.For(jen.List(id(j), id(i)).Op(":=").Range().Op("&").Id(table)).Block(
			id(y).Index(id(j)).Op("=").Id(x).Index(id(i)),
		))
	case ir.ObsLinear:
		what = fmt.Sprintf("y = H x with the %d×%d matrix H read from %q by New%s", p, n, o.Matrix, o.Name)
		fields = append(fields, jen.Id("H").Index(jen.Lit(p).Op("*").Lit(n)).Float64().Comment("one row per observation, row-major"))
		r, row, s, c, v := nm.name("r"), nm.name("row"), nm.name("s"), nm.name("c"), nm.name("v")
		body = append(body, jen.For(id(r).Op(":=").Range().Id(y)).Block(
			id(row).Op(":=").Parens(jen.Op("*").Id(in)).Call(id(recv).Dot("H").Index(id(r).Op("*").Lit(n).Op(":").Parens(id(r).Op("+").Lit(1)).Op("*").Lit(n))),
			jen.Var().Id(s).Float64(),
			jen.For(jen.List(id(c), id(v)).Op(":=").Range().Id(row)).Block(
				id(s).Op("+=").Id(v).Op("*").Id(x).Index(id(c)),
			),
			id(y).Index(id(r)).Op("=").Id(s),
		))
	case ir.ObsExpr:
		what = fmt.Sprintf("the expressions declared at %s", g.at(obsEqPos(o)))
		env := &exprEnv{in: o.Var, arr: x, dims: o.In.Dims, g: g}
		loopName := nm.memo()
		body = append(body, jen.BlockFunc(func(grp *jen.Group) {
			env.emitEquations(grp, o.Eqs, eqTarget{arr: y, dims: o.Out.Dims}, loopName)
		}))
	}
	g.f.Add(doc("%s is the observation operator %s declared at %s: %s, from %s to %s.",
		o.Name, o.SourceName, g.at(o.Pos), what, in, out))
	g.f.Type().Id(o.Name).Struct(fields...)
	if o.Kind == ir.ObsLinear {
		g.emitLinearConstructor(o)
	}
	g.f.Add(doc("Apply writes into %s the observation of %s.", y, x))
	fn := g.f.Func().Params(id(recv).Op("*").Id(o.Name)).Id("Apply").Params(id(y).Op("*").Id(out), id(x).Op("*").Id(in))
	if o.Kind == ir.ObsExpr {
		// The equations were emitted into a block of their own.
		fn.Add(body[0])
		return
	}
	fn.Block(body...)
}

// emitLinearConstructor writes NewH(dir) for a linear operator: the
// matrix read once from its CSV file, with the shape checked.
func (g *gen) emitLinearConstructor(o *ir.ObsOp) {
	n, p := o.In.Size(), o.Out.Size()
	nm := g.top.fork()
	dir, m, err, h := nm.name("dir"), nm.name("m"), nm.name("err"), nm.name("h")
	id := jen.Id
	g.f.Add(doc("New%s returns %s with its matrix read from %q under dir, the directory that "+
		"the program's data-file paths are relative to. The file must hold %d rows of %d values.",
		o.Name, o.Name, o.Matrix, p, n))
	g.f.Func().Id("New"+o.Name).Params(id(dir).String()).Params(jen.Op("*").Id(o.Name), jen.Error()).Block(
		jen.List(id(m), id(err)).Op(":=").Qual(rtPath, "ReadMatrixCSV").Call(dataPath(id(dir), o.Matrix), jen.Lit(p), jen.Lit(n)),
		jen.If(id(err).Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("obs "+o.SourceName+": %w"), id(err))),
		),
		id(h).Op(":=").Op("&").Id(o.Name).Values(),
		jen.If(jen.Len(id(m)).Op("!=").Len(id(h).Dot("H"))).Block(
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(fmt.Sprintf("obs %s: %%d values in %s, want %d×%d", o.SourceName, o.Matrix, p, n)), jen.Len(id(m)))),
		),
		jen.Copy(id(h).Dot("H").Index(jen.Op(":")), id(m)),
		jen.Return(id(h), jen.Nil()),
	)
}

// dataPath renders the path of a data file named in the source, joined to
// the run-time directory dir. Absolute paths are kept as written.
func dataPath(dir jen.Code, p string) jen.Code {
	slashed := strings.ReplaceAll(p, "\\", "/")
	if path.IsAbs(slashed) {
		return jen.Lit(p)
	}
	args := []jen.Code{dir}
	for _, part := range strings.Split(path.Clean(slashed), "/") {
		args = append(args, jen.Lit(part))
	}
	return jen.Qual("path/filepath", "Join").Call(args...)
}

// obsEqPos is the position of an operator's first equation, or its own.
func obsEqPos(o *ir.ObsOp) ir.Pos {
	if len(o.Eqs) > 0 && o.Eqs[0].Pos.IsValid() {
		return o.Eqs[0].Pos
	}
	return o.Pos
}

// ordinal spells 1 → "", 2 → "2nd", 3 → "3rd", 4 → "4th".
func ordinal(k int) string {
	suffix := "th"
	switch {
	case k%100 >= 11 && k%100 <= 13:
	case k%10 == 1:
		suffix = "st"
	case k%10 == 2:
		suffix = "nd"
	case k%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", k, suffix)
}

// intList prints a short list of integers, eliding the middle of a long one.
func intList(v []int) string {
	parts := make([]string, 0, len(v))
	for i, x := range v {
		if len(v) > 8 && i == 4 {
			parts = append(parts, "…")
		}
		if len(v) > 8 && i >= 4 && i < len(v)-2 {
			continue
		}
		parts = append(parts, fmt.Sprint(x))
	}
	return strings.Join(parts, ", ")
}
