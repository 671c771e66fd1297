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

// obsParts are the names every operator's Apply uses and what a kind
// contributes to it.
type obsParts struct {
	nm      *namer
	recv    string // receiver
	x, y    string // input and output parameters
	what    string // for the doc comment: "the identity", …
	fields  []jen.Code
	body    []jen.Code
	ownBody bool // body is one block of its own (equations)
}

// newObsParts names the receiver and parameters of o's Apply.
func (g *gen) newObsParts(o *ir.ObsOp) *obsParts {
	nm := g.top.fork()
	op := &obsParts{nm: nm, recv: nm.name("h"), x: nm.name(o.Var)}
	op.y = nm.name("y")
	return op
}

// emitObsType declares the operator's struct and its Apply method.
func (g *gen) emitObsType(o *ir.ObsOp, op *obsParts) {
	in, out := o.In.Name, o.Out.Name
	id := jen.Id
	g.f.Add(doc("%s is the observation operator %s declared at %s: %s, from %s to %s.%s",
		o.Name, o.SourceName, g.at(o.Pos), op.what, in, out, userDoc(o.Doc)))
	g.f.Type().Id(o.Name).Struct(append(op.fields, obsDerivFields(o)...)...)
	if _, ok := o.Def.(*ir.LinearObs); ok {
		g.emitLinearConstructor(o)
	}
	g.f.Add(doc("Apply writes into %s the observation of %s.", op.y, op.x))
	fn := g.f.Func().Params(id(op.recv).Op("*").Id(o.Name)).Id("Apply").Params(id(op.y).Op("*").Id(out), id(op.x).Op("*").Id(in))
	if op.ownBody {
		fn.Add(op.body[0])
	} else {
		fn.Block(op.body...)
	}
	g.emitObsDerivatives(o)
}

// checkObsEnds reports an operator without carriers.
func (g *gen) checkObsEnds(o *ir.ObsOp) bool {
	if o.In == nil || o.Out == nil {
		g.internal(o.Pos, "obs %s has no input or output carrier", o.SourceName)
		return false
	}
	return true
}

// identityObs emits y = x.
type identityObs struct{}

func (identityObs) check(g *gen, o *ir.ObsOp) {
	if g.checkObsEnds(o) && o.In.Size() != o.Out.Size() {
		g.internal(o.Pos, "identity obs %s maps %d values to %d", o.SourceName, o.In.Size(), o.Out.Size())
	}
}

func (identityObs) emit(g *gen, o *ir.ObsOp) {
	op := g.newObsParts(o)
	op.what = "the identity"
	if o.In == o.Out {
		op.body = append(op.body, jen.Op("*").Id(op.y).Op("=").Op("*").Id(op.x))
	} else {
		op.body = append(op.body, jen.Op("*").Id(op.y).Op("=").Id(o.Out.Name).Call(jen.Op("*").Id(op.x)))
	}
	g.emitObsType(o, op)
}

// subsampleObs emits y[j] = x[start + j*step].
type subsampleObs struct{}

func (subsampleObs) check(g *gen, o *ir.ObsOp) {
	d := o.Def.(*ir.Subsample)
	if !g.checkObsEnds(o) {
		return
	}
	n, p := o.In.Size(), o.Out.Size()
	if d.Step < 1 || d.Start < 0 || d.Start+(p-1)*d.Step >= n {
		g.internal(o.Pos, "subsample obs %s (start %d, step %d) reads past the %d inputs", o.SourceName, d.Start, d.Step, n)
	}
}

func (subsampleObs) emit(g *gen, o *ir.ObsOp) {
	d := o.Def.(*ir.Subsample)
	op := g.newObsParts(o)
	id := jen.Id
	op.what = fmt.Sprintf("every %s element from %d", ordinal(d.Step), d.Start)
	j := op.nm.name("j")
	idx := linear{coef: []int{d.Step}, k: d.Start}
	op.body = append(op.body, jen.For(id(j).Op(":=").Range().Id(op.y)).Block(
		id(op.y).Index(id(j)).Op("=").Id(op.x).Index(idx.render([]binding{{name: j}})),
	))
	g.emitObsType(o, op)
}

// indicesObs emits y[j] = x[indices[j]], unrolled when short.
type indicesObs struct{}

func (indicesObs) check(g *gen, o *ir.ObsOp) {
	d := o.Def.(*ir.Indices)
	if !g.checkObsEnds(o) {
		return
	}
	n, p := o.In.Size(), o.Out.Size()
	if len(d.Indices) != p {
		g.internal(o.Pos, "indices obs %s has %d indices for %d outputs", o.SourceName, len(d.Indices), p)
	}
	for _, i := range d.Indices {
		if i < 0 || i >= n {
			g.internal(o.Pos, "indices obs %s reads index %d of %d inputs", o.SourceName, i, n)
			break
		}
	}
}

func (indicesObs) emit(g *gen, o *ir.ObsOp) {
	d := o.Def.(*ir.Indices)
	op := g.newObsParts(o)
	id := jen.Id
	op.what = fmt.Sprintf("the elements %s", intList(d.Indices))
	if len(d.Indices) <= indicesUnrollMax {
		for j, i := range d.Indices {
			op.body = append(op.body, id(op.y).Index(jen.Lit(j)).Op("=").Id(op.x).Index(jen.Lit(i)))
		}
		g.emitObsType(o, op)
		return
	}
	table := g.top.name(prefix + o.Name + "Index")
	vals := make([]jen.Code, len(d.Indices))
	for k, i := range d.Indices {
		vals[k] = jen.Lit(i)
	}
	g.f.Add(doc("%s lists the elements of %s that %s observes.", table, o.In.Name, o.Name))
	g.f.Var().Id(table).Op("=").Index(jen.Lit(len(d.Indices))).Int().Values(vals...)
	j, i := op.nm.name("j"), op.nm.name("i")
	op.body = append(op.body, jen.For(jen.List(id(j), id(i)).Op(":=").Range().Op("&").Id(table)).Block(
		id(op.y).Index(id(j)).Op("=").Id(op.x).Index(id(i)),
	))
	g.emitObsType(o, op)
}

// linearObs emits y = H x with H read from a CSV file by a constructor.
type linearObs struct{}

func (linearObs) check(g *gen, o *ir.ObsOp) {
	if g.checkObsEnds(o) && o.Def.(*ir.LinearObs).Matrix == "" {
		g.internal(o.Pos, "linear obs %s has no matrix file", o.SourceName)
	}
}

func (linearObs) emit(g *gen, o *ir.ObsOp) {
	d := o.Def.(*ir.LinearObs)
	op := g.newObsParts(o)
	id := jen.Id
	n, p := o.In.Size(), o.Out.Size()
	op.what = fmt.Sprintf("y = H x with the %d×%d matrix H read from %q by New%s and held sparsely (its nonzeros by row)", p, n, d.Matrix, o.Name)
	op.fields = append(op.fields, jen.Id("H").Op("*").Qual(rtPath, "Sparse").Comment("the nonzeros of H, by row"))
	op.body = append(op.body, id(op.recv).Dot("H").Dot("MulVec").Call(id(op.y).Index(jen.Op(":")), id(op.x).Index(jen.Op(":"))))
	g.emitObsType(o, op)
}

// exprObs emits the operator's equations, with the periodic wrap peeled.
type exprObs struct{}

func (exprObs) check(g *gen, o *ir.ObsOp) {
	if g.checkObsEnds(o) {
		g.checkEquations(o.Pos, o.In, o.Out, o.Def.(*ir.ExprObs).Eqs, false)
	}
}

func (exprObs) emit(g *gen, o *ir.ObsOp) {
	d := o.Def.(*ir.ExprObs)
	op := g.newObsParts(o)
	op.what = fmt.Sprintf("the expressions declared at %s", g.at(obsEqPos(o)))
	env := &exprEnv{in: o.Var, arr: op.x, dims: o.In.Dims, bounds: o.In.Bounds, g: g}
	loopName := op.nm.memo()
	op.body = append(op.body, jen.BlockFunc(func(grp *jen.Group) {
		env.emitEquations(grp, d.Eqs, eqTarget{arr: op.y, dims: o.Out.Dims}, loopName)
	}))
	op.ownBody = true
	g.emitObsType(o, op)
}

// emitLinearConstructor writes NewH(dir) for a linear operator: the
// matrix read once from its CSV file, with the shape checked.
func (g *gen) emitLinearConstructor(o *ir.ObsOp) {
	mat := o.Def.(*ir.LinearObs).Matrix
	n, p := o.In.Size(), o.Out.Size()
	nm := g.top.fork()
	dir, m, err := nm.name("dir"), nm.name("m"), nm.name("err")
	id := jen.Id
	g.f.Add(doc("New%s returns %s with its matrix read from %q under dir, the directory that "+
		"the program's data-file paths are relative to. The file holds %d rows of %d values, or, "+
		"after a first line row,col,value, one nonzero a line (cycrt.ReadSparseCSV).",
		o.Name, o.Name, mat, p, n))
	g.f.Func().Id("New"+o.Name).Params(id(dir).String()).Params(jen.Op("*").Id(o.Name), jen.Error()).Block(
		jen.List(id(m), id(err)).Op(":=").Qual(rtPath, "ReadSparseCSV").Call(dataPath(id(dir), mat), jen.Lit(p), jen.Lit(n)),
		jen.If(id(err).Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("obs "+o.SourceName+": %w"), id(err))),
		),
		jen.Return(jen.Op("&").Id(o.Name).Values(jen.Id("H").Op(":").Id(m)), jen.Nil()),
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
	if d, ok := o.Def.(*ir.ExprObs); ok && len(d.Eqs) > 0 && d.Eqs[0].Pos.IsValid() {
		return d.Eqs[0].Pos
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
