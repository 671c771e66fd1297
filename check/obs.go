// Observation operators (language.md §5): identity, subsample, indices,
// linear "H.csv", expression bodies, compose and go, with shapes checked
// along every arrow.
package check

import (
	"strconv"

	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/ir"
	"github.com/cyclec/cyclec/lang"
)

const obsForms = `identity, subsample(start, step), indices(…), linear "H.csv", compose(A, B), go "…" or a body { y[j] = … }`

// checkObs checks an obs operator and builds its IR.
func (c *checker) checkObs(o *object, d *lang.ObsDecl) {
	op := &ir.ObsOp{Name: o.goName, SourceName: o.srcName, Pos: o.pos, Doc: o.doc}
	in, v, ok := c.signature(o, d.Sig, false)
	op.Var, op.In = v, in
	if co := c.ref(o, d.Out, kindCarrier); co != nil && co.carrier != nil {
		op.Out = co.carrier
	} else {
		ok = false
	}
	var opts []*lang.Option
	if d.Options != nil {
		opts = d.Options.Options
	}
	form := d.Form
	var good bool
	switch {
	case form == nil:
		good = c.obsBody(o, d, op)
	case form.Go != nil:
		good = c.obsGo(o, *form.Go, lang.Pos(form.Pos), opts, op)
	case form.Linear != nil:
		s := c.options(o, opts, "linear obs "+o.name, []string{"locations"})
		good = c.obsLinear(o, *form.Linear, lang.Pos(form.Pos), op)
		good = c.obsLocations(o, s, op) && good
	case form.Call != nil:
		good = c.obsCall(o, form.Call, opts, op)
	}
	if !ok || !good {
		o.bad = true
	}
	o.obs = op
}

// sizes reports whether both ends of the operator are known.
func sizes(op *ir.ObsOp) bool { return op.In != nil && op.Out != nil }

// obsCall checks the forms written as calls: identity, subsample(…),
// indices(…) and compose(…).
func (c *checker) obsCall(o *object, cl *lang.Call, opts []*lang.Option, op *ir.ObsOp) bool {
	name := callName(cl)
	p := lang.Pos(cl.Pos)
	var s *optSet
	switch name {
	case "identity", "subsample", "indices":
		s = c.options(o, opts, name+" obs "+o.name, nil)
	case "compose":
		s = c.options(o, opts, name+" obs "+o.name, []string{"locations"})
	default:
		c.diags.Add(p, "obs", "unknown obs form %s (forms: %s)", name, obsForms)
		return false
	}
	switch name {
	case "identity":
		op.Def, op.Linear = &ir.Identity{}, true
		if cl.Args != nil && len(cl.Args.Args) > 0 {
			c.diags.Add(p, "call", "identity takes no arguments")
			return false
		}
		if sizes(op) && op.In.Size() != op.Out.Size() {
			c.diags.Add(p, "shape", "identity needs equal sizes, but %s has %d elements and %s has %d",
				op.In.SourceName, op.In.Size(), op.Out.SourceName, op.Out.Size())
			return false
		}
		return sizes(op)
	case "subsample":
		return c.obsSubsample(o, cl, op)
	case "indices":
		return c.obsIndices(o, cl, op)
	}
	ok := c.obsCompose(o, cl, op)
	return c.obsLocations(o, s, op) && ok
}

// obsSubsample checks subsample(start = s, step = k): y[j] = x[s + j·k].
func (c *checker) obsSubsample(o *object, cl *lang.Call, op *ir.ObsOp) bool {
	sub := &ir.Subsample{}
	op.Def, op.Linear = sub, true
	p := lang.Pos(cl.Pos)
	if cl.Args == nil {
		c.diags.Add(p, "call", "subsample needs its step: subsample(start = 0, step = 2)")
		return false
	}
	args, ok := c.bindArgs(cl, []string{"start", "step"})
	v := c.constEnv(o)
	v.where = "an obs operator"
	if a := args["start"]; a != nil {
		s, good := c.integerOf(v, a, "start")
		switch {
		case !good:
			ok = false
		case s < 0 || (op.In != nil && s >= op.In.Size()):
			n := "its input"
			if op.In != nil {
				n = op.In.SourceName + " (0 to " + itoa(op.In.Size()-1) + ")"
			}
			c.diags.Add(lang.Pos(a.Pos), "value", "start = %d is outside %s", s, n)
			ok = false
		default:
			sub.Start = s
		}
	}
	if a := args["step"]; a != nil {
		s, good := c.integerOf(v, a, "step")
		switch {
		case !good:
			ok = false
		case s < 1:
			c.diags.Add(lang.Pos(a.Pos), "value", "step must be at least 1, got %d", s)
			ok = false
		default:
			sub.Step = s
		}
	} else if ok {
		c.diags.Add(p, "call", "subsample needs step")
		ok = false
	}
	if !ok || !sizes(op) {
		return false
	}
	n := op.In.Size()
	count := (n - sub.Start + sub.Step - 1) / sub.Step
	if count != op.Out.Size() {
		c.diags.Add(p, "shape", "subsample(start = %d, step = %d) selects %d elements of %s (size %d), but %s has %d",
			sub.Start, sub.Step, count, op.In.SourceName, n, op.Out.SourceName, op.Out.Size())
		return false
	}
	return true
}

// obsIndices checks indices(i, j, …): y[k] = x[indices[k]].
func (c *checker) obsIndices(o *object, cl *lang.Call, op *ir.ObsOp) bool {
	ind := &ir.Indices{}
	op.Def, op.Linear = ind, true
	p := lang.Pos(cl.Pos)
	if cl.Args == nil || len(cl.Args.Args) == 0 {
		c.diags.Add(p, "call", "indices needs the observed elements: indices(0, 5, 10)")
		return false
	}
	v := c.constEnv(o)
	v.where = "an obs operator"
	ok := true
	for _, a := range cl.Args.Args {
		if a == nil || a.Value == nil {
			ok = false
			continue
		}
		if a.Name != "" {
			c.diags.Add(lang.Pos(a.Pos), "call", "indices takes positional arguments, not %s = …", a.Name)
			ok = false
			continue
		}
		k, good := c.integerOf(v, a.Value, "an index")
		if !good {
			ok = false
			continue
		}
		if k < 0 || (op.In != nil && k >= op.In.Size()) {
			n := "its input"
			if op.In != nil {
				n = op.In.SourceName + " (0 to " + itoa(op.In.Size()-1) + ")"
			}
			c.diags.Add(lang.Pos(a.Pos), "value", "index %d is outside %s", k, n)
			ok = false
			continue
		}
		ind.Indices = append(ind.Indices, k)
	}
	if !ok || !sizes(op) {
		return false
	}
	if len(ind.Indices) != op.Out.Size() {
		c.diags.Add(p, "shape", "indices selects %d elements, but %s has %d", len(ind.Indices), op.Out.SourceName, op.Out.Size())
		return false
	}
	return true
}

// obsCompose checks compose(A, B, …): A first, each output feeding the
// next input, from this operator's input to its output.
func (c *checker) obsCompose(o *object, cl *lang.Call, op *ir.ObsOp) bool {
	cm := &ir.ComposeObs{}
	op.Def = cm
	p := lang.Pos(cl.Pos)
	if cl.Args == nil || len(cl.Args.Args) == 0 {
		c.diags.Add(p, "call", "compose needs the operators it chains: compose(A, B)")
		return false
	}
	ok := true
	type part struct {
		o   *object
		pos diag.Pos
	}
	var parts []part
	for _, a := range cl.Args.Args {
		if a == nil || a.Value == nil {
			ok = false
			continue
		}
		ap := lang.Pos(a.Pos)
		q := nameOf(a.Value)
		if a.Name != "" || q == nil {
			c.diags.Add(ap, "call", "compose takes the names of obs operators")
			ok = false
			continue
		}
		po := c.ref(o, q, kindObs)
		if po == nil || po.obs == nil {
			ok = false
			continue
		}
		parts = append(parts, part{po, ap})
	}
	if !ok {
		return false
	}
	op.Linear = true
	prevOut, prevName, prev := op.In, "the input of "+o.name, o
	for _, pt := range parts {
		m := pt.o.obs
		if prevOut != nil && m.In != nil && m.In != prevOut {
			c.diags.Add(pt.pos, "carrier", "%s reads %s, but %s is %s", pt.o.srcName, m.In.SourceName, prevName, prevOut.SourceName).
				With(pt.o.pos, "%s declared here", pt.o.srcName).With(prev.pos, "%s declared here", prev.srcName)
			ok = false
		}
		prevOut, prevName, prev = m.Out, "the output of "+pt.o.srcName, pt.o
		cm.Parts = append(cm.Parts, m)
		op.Linear = op.Linear && m.Linear
		if r := m.NonlinearAt; r != nil && op.NonlinearAt == nil {
			op.NonlinearAt = &ir.Reason{Pos: r.Pos, Msg: "in its part " + m.SourceName + ", " + r.Msg}
		}
		if r := m.NoDerivative; r != nil && op.NoDerivative == nil {
			op.NoDerivative = &ir.Reason{Pos: r.Pos, Msg: "in its part " + m.SourceName + ", " + r.Msg}
		}
	}
	if prevOut != nil && op.Out != nil && prevOut != op.Out {
		c.diags.Add(p, "carrier", "%s is %s, but %s gives %s", prevName, prevOut.SourceName, o.name, op.Out.SourceName).
			With(prev.pos, "%s declared here", prev.srcName)
		ok = false
	}
	op.Linear = op.Linear && ok
	return ok
}

// obsLinear checks linear "H.csv": rows = output size, columns = input
// size, when the file can be read.
func (c *checker) obsLinear(o *object, file string, p diag.Pos, op *ir.ObsOp) bool {
	op.Def, op.Linear = &ir.LinearObs{Matrix: file}, true
	df := c.readData(o.mod, file, p)
	if df == nil {
		return true
	}
	if !df.ok {
		return false
	}
	if !sizes(op) {
		return false
	}
	rows, cols := op.Out.Size(), op.In.Size()
	if len(df.rows) != rows {
		c.diags.Add(p, "shape", "%s has %d rows, but %s has %d elements (rows are observations)", file, len(df.rows), op.Out.SourceName, rows)
		return false
	}
	for i, r := range df.rows {
		if len(r) != cols {
			c.diags.Add(p, "shape", "%s:%d: row has %d columns, but %s has %d elements (columns are state elements)", file, df.lines[i], len(r), op.In.SourceName, cols)
			return false
		}
	}
	return true
}

// obsGo checks go "…" { jacobian = go "…" }.
func (c *checker) obsGo(o *object, ref string, p diag.Pos, opts []*lang.Option, op *ir.ObsOp) bool {
	g := &ir.GoObs{}
	op.Def = g
	op.NonlinearAt = &ir.Reason{Pos: p, Msg: "go obs " + o.name + " is Go code the compiler cannot see into, so it is taken to be nonlinear"}
	s := c.options(o, opts, "go obs "+o.name, []string{"jacobian", "locations"})
	r, ok := c.goRef(o, ref, p, GoObs, "go obs operator", nil)
	ok = c.obsLocations(o, s, op) && ok
	g.Ref = r
	if val := s.value("jacobian"); val != nil {
		if val.Go == nil {
			s.errorf("jacobian", `jacobian must be a go reference: jacobian = go "example.com/inst.Jacobian"`)
			return false
		}
		j, good := c.goRef(o, *val.Go, lang.Pos(val.Pos), GoJacobian, "jacobian", nil)
		g.Jacobian = j
		ok = ok && good
	}
	return ok
}

// obsBody checks `{ y[j] = e … }`: the left-hand sides cover the output,
// the right-hand sides read the input.
func (c *checker) obsBody(o *object, d *lang.ObsDecl, op *ir.ObsOp) bool {
	ex := &ir.ExprObs{}
	op.Def = ex
	ok := true
	var first *lang.Equation
	for _, st := range d.Body {
		if st != nil && st.Eq != nil {
			first = st.Eq
			break
		}
	}
	if first == nil {
		c.diags.Add(o.pos, "equation", "obs %s has no equations", o.name)
		return false
	}
	out := first.Var
	base := &env{c: c, obj: o, mod: o.mod, state: op.Var, carrier: op.In, output: out, where: "an obs operator"}
	set := newEqSet()
	all := 0
	for _, st := range d.Body {
		if st == nil || st.Eq == nil {
			continue
		}
		all++
		eq := st.Eq
		p := lang.Pos(eq.Pos)
		if eq.Kind != "" {
			c.diags.Add(p, "equation", "%s belongs in forward models: obs equations are written %s[j] = …", eq.Kind, eq.Var)
			ok = false
		}
		switch {
		case eq.Var == op.Var:
			c.diags.Add(p, "equation", "%s is the input of %s and cannot be assigned: obs equations give the output, as y[j] = …", eq.Var, o.name)
			ok = false
			continue
		case eq.Var != out:
			c.diags.Add(p, "equation", "equation for %s, but the other equations give %s", eq.Var, out).
				With(lang.Pos(first.Pos), "first equation here")
			ok = false
			continue
		}
		set.add(c.equation(base, eq, op.Out))
	}
	ex.Eqs = set.eqs
	ok = ok && set.ok
	if op.Out != nil && len(set.infos) == all {
		if !c.coverage(set.infos, op.Out, out, "equation", o.pos) {
			ok = false
		}
	}
	op.Linear = set.linear && ok
	if !set.linear {
		op.NonlinearAt = set.nonlinearAt
	}
	op.NoDerivative = set.noDerivative
	return ok && sizes(op)
}

func itoa(n int) string { return strconv.Itoa(n) }

// obsLocations reads locations = subsample(start = s, step = k) or
// locations = indices(i, j, …): where the observations of an operator
// that has no sites of its own sit on its input, for localisation. The
// forms are those of the operators of the same names, and are checked
// against the operator's shapes the same way.
func (c *checker) obsLocations(o *object, s *optSet, op *ir.ObsOp) bool {
	if !s.has("locations") {
		return true
	}
	cl := callOf(s.value("locations"))
	name := callName(cl)
	if name != "subsample" && name != "indices" {
		s.errorf("locations", "locations must be subsample(start = s, step = k) or indices(i, j, …): the input elements the observations sit at")
		return false
	}
	at := &ir.ObsOp{In: op.In, Out: op.Out}
	var ok bool
	if name == "subsample" {
		ok = c.obsSubsample(o, cl, at)
	} else {
		ok = c.obsIndices(o, cl, at)
	}
	if ok {
		op.Given = at.Sites()
	}
	return ok
}
