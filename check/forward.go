// Forward models (language.md §4): equation bodies (ddt ODEs and next
// maps) with parameters and integrator options, and the go, compose and
// neural forms.
package check

import (
	"fmt"
	"math"
	"path"
	"strings"

	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/ir"
	"github.com/cyclec/cyclec/lang"
	cycrt "github.com/cyclec/cyclec/runtime"
)

// Options of each forward form, in the order messages list them.
var (
	forwardBodyOptions    = []string{"dt", "scheme", "substeps"}
	forwardGoOptions      = []string{"dt", "tangent", "adjoint"}
	forwardComposeOptions = []string{"dt"}
	forwardNeuralOptions  = []string{"dt", "residual"}
)

// composeTolerance is how far dt/component.dt may be from a whole number.
const composeTolerance = 1e-9

// checkForward checks a forward model and builds its IR.
func (c *checker) checkForward(o *object, d *lang.ForwardDecl) {
	f := &ir.Forward{Name: o.goName, SourceName: o.srcName, Pos: o.pos, Doc: o.doc}
	car, v, ok := c.signature(o, d.Sig, true)
	f.Var, f.Carrier = v, car
	if !ok {
		o.bad = true
	}
	var good bool
	switch {
	case d.Form != nil:
		good = c.forwardForm(o, d, f)
	default:
		good = c.forwardBody(o, d, f)
	}
	if !good {
		o.bad = true
	}
	o.fwd = f
}

// signature checks `(x: State)`, returning the carrier (nil when unknown)
// and the variable.
func (c *checker) signature(o *object, sig *lang.Signature, forward bool) (*ir.Carrier, string, bool) {
	if sig == nil {
		return nil, "", false
	}
	p := lang.Pos(sig.Pos)
	ok := true
	switch {
	case lang.IsKeyword(sig.Var):
		c.diags.Add(p, "keyword", "%s is a keyword and cannot name the state", sig.Var)
		ok = false
	case forward && (sig.Var == "t" || sig.Var == "dt"):
		c.diags.Add(p, "reserved", "%s is reserved for the model time and cannot name the state", sig.Var)
		ok = false
	}
	co := c.ref(o, sig.Carrier, kindCarrier)
	if co == nil || co.carrier == nil {
		return nil, sig.Var, false
	}
	return co.carrier, sig.Var, ok
}

// forwardBody checks `{ param …; dt = …; ddt x[i] = … }`.
func (c *checker) forwardBody(o *object, d *lang.ForwardDecl, f *ir.Forward) bool {
	ok := true
	params := map[string]*ir.Param{}
	paramPos := map[string]*lang.ParamStmt{}
	var opts []*lang.Option
	var eqs []*lang.Equation
	cv := c.constEnv(o)
	cv.where = "a parameter value"
	for _, st := range d.Body {
		if st == nil {
			continue
		}
		switch {
		case st.Param != nil:
			if !c.param(o, st.Param, f, cv, params, paramPos) {
				ok = false
			}
		case st.Option != nil:
			opts = append(opts, st.Option)
		case st.Eq != nil:
			eqs = append(eqs, st.Eq)
		}
	}
	s := c.options(o, opts, "forward model "+o.name, forwardBodyOptions)
	if !c.forwardDT(s, f) {
		ok = false
	}

	// Equations: the first one with a kind decides between ddt and next.
	var first *lang.Equation
	for _, eq := range eqs {
		if eq != nil && eq.Kind != "" {
			first = eq
			break
		}
	}
	isMap := first != nil && first.Kind == "next"
	base := &env{c: c, obj: o, mod: o.mod, state: f.Var, carrier: f.Carrier, params: params, time: true}
	set := newEqSet()
	for _, eq := range eqs {
		if eq == nil {
			continue
		}
		p := lang.Pos(eq.Pos)
		switch {
		case eq.Kind == "":
			c.diags.Add(p, "equation", "equation %s[…] needs ddt or next in a forward model", eq.Var)
			ok = false
		case eq.Kind != first.Kind:
			c.diags.Add(p, "equation", "cannot mix ddt and next equations in one forward model").
				With(lang.Pos(first.Pos), "%s equation here", first.Kind)
			ok = false
		}
		if eq.Var != f.Var && f.Var != "" {
			c.diags.Add(p, "equation", "equation for %s, but the state of %s is %s", eq.Var, o.name, f.Var)
			ok = false
			continue
		}
		set.add(c.equation(base, eq, f.Carrier))
	}
	infos := set.infos
	ok = ok && set.ok
	if len(eqs) == 0 {
		c.diags.Add(o.pos, "equation", "forward model %s has no ddt or next equations", o.name)
		ok = false
	}
	f.Linear = set.linear && ok
	if !set.linear {
		f.NonlinearAt = set.nonlinearAt
	}
	f.NoDerivative = set.noDerivative
	what := "ddt equation"
	if isMap {
		what = "next equation"
	}
	if f.Carrier != nil && len(infos) > 0 && len(infos) == len(eqs) {
		if !c.coverage(infos, f.Carrier, f.Var, what, o.pos) {
			ok = false
		}
	}

	if isMap {
		f.Def = &ir.Map{Eqs: set.eqs}
		for _, name := range []string{"scheme", "substeps"} {
			if s.has(name) {
				s.errorf(name, "%s applies to ddt models; %s is a next map", name, o.name)
				ok = false
			}
		}
	} else {
		ode := &ir.ODE{Scheme: ir.SchemeRK4, Substeps: 1, Eqs: set.eqs}
		f.Def = ode
		if s.has("scheme") {
			switch name, good := s.choice("scheme", "euler", "rk2", "rk4"); {
			case !good:
				ok = false
			case name == "euler":
				ode.Scheme = ir.SchemeEuler
			case name == "rk2":
				ode.Scheme = ir.SchemeRK2
			}
		}
		if s.has("substeps") {
			n, good := s.integer("substeps")
			switch {
			case !good:
				ok = false
			case n < 1:
				s.errorf("substeps", "substeps must be at least 1, got %d", n)
				ok = false
			default:
				ode.Substeps = n
			}
		}
	}
	return ok
}

// param checks `param NAME = const-expr`.
func (c *checker) param(o *object, ps *lang.ParamStmt, f *ir.Forward, cv *env, params map[string]*ir.Param, seen map[string]*lang.ParamStmt) bool {
	p := lang.Pos(ps.Pos)
	ok := true
	switch {
	case lang.IsKeyword(ps.Name):
		c.diags.Add(p, "keyword", "%s is a keyword and cannot name a parameter", ps.Name)
		ok = false
	case ps.Name == "t" || ps.Name == "dt":
		c.diags.Add(p, "reserved", "%s is reserved for the model time and cannot name a parameter", ps.Name)
		ok = false
	case ps.Name == f.Var:
		c.diags.Add(p, "redeclared", "parameter %s has the name of the state", ps.Name)
		ok = false
	case seen[ps.Name] != nil:
		c.diags.Add(p, "redeclared", "parameter %s redeclared", ps.Name).With(lang.Pos(seen[ps.Name].Pos), "previously declared here")
		ok = false
	}
	if k := o.mod.scope[ps.Name]; ok && k != nil && k.kind == kindConst {
		c.diags.Add(p, "redeclared", "parameter %s hides the constant %s", ps.Name, ps.Name).With(k.pos, "constant declared here")
		ok = false
	}
	x := cv.expr(ps.Value)
	switch {
	case x.kind == vBad:
		ok = false
	case x.kind != vNum || !x.konst:
		c.diags.Add(x.pos, "type", "parameter %s must be a number, not %s", ps.Name, describe(x))
		ok = false
	}
	if seen[ps.Name] == nil {
		seen[ps.Name] = ps
		prm := &ir.Param{Name: ps.Name, Pos: p, Default: x.num}
		params[ps.Name] = prm
		f.Params = append(f.Params, prm)
	}
	return ok
}

// forwardDT reads the required dt option (> 0).
func (c *checker) forwardDT(s *optSet, f *ir.Forward) bool {
	if !s.require("dt") {
		return false
	}
	x, ok := s.number("dt")
	if !ok {
		return false
	}
	if x <= 0 {
		s.errorf("dt", "dt must be positive, got %s", fmtNum(x))
		return false
	}
	f.DT = x
	return true
}

// forwardForm checks `= go "…"`, `= compose(…)` and `= neural "…"`.
func (c *checker) forwardForm(o *object, d *lang.ForwardDecl, f *ir.Forward) bool {
	form := d.Form
	var opts []*lang.Option
	if d.Options != nil {
		opts = d.Options.Options
	}
	p := lang.Pos(form.Pos)
	ok := true
	switch {
	case form.Go != nil:
		s := c.options(o, opts, "go forward model "+o.name, forwardGoOptions)
		ok = c.forwardDT(s, f)
		gf := &ir.GoForward{}
		f.NonlinearAt = &ir.Reason{Pos: p, Msg: "go model " + o.name + " is Go code the compiler cannot see into, so it is taken to be nonlinear"}
		ref, good := c.goRef(o, *form.Go, p, GoForward, "go forward model", func(r GoResult) {
			gf.Type, gf.Fields, gf.HasNew, gf.ReturnsError = r.Type, r.Fields, r.HasNew, r.ReturnsError
			// A type's exported float64 fields are its run-time parameters;
			// their defaults are whatever NewT (or the zero value) gives.
			for _, name := range r.Fields {
				f.Params = append(f.Params, &ir.Param{Name: name, Pos: p})
			}
			if r.Type {
				c.goTypeDerivatives(o, s, f, gf)
			}
		})
		gf.Ref = ref
		f.Def = gf
		ok = ok && good
		ok = c.goDerivatives(o, s, p, f, gf) && ok
	case form.Neural != nil:
		s := c.options(o, opts, "neural forward model "+o.name, forwardNeuralOptions)
		ok = c.forwardDT(s, f)
		nn := &ir.Neural{Path: *form.Neural}
		if s.has("residual") {
			r, good := s.boolean("residual")
			nn.Residual = r
			ok = ok && good
		}
		f.Def = nn
		f.NoDerivative = &ir.Reason{Pos: p, Msg: "no generated derivatives for neural models yet"}
		f.NonlinearAt = &ir.Reason{Pos: p, Msg: "the layers of " + nn.Path + " are not known here, so the network is taken to be nonlinear"}
		// The weights file must exist and its header describe a network
		// from the carrier to itself (data.md §5).
		switch {
		case nn.Path == "":
			c.diags.Add(p, "file", "neural needs a weights file")
			ok = false
		case c.cfg.ReadFile != nil && !o.mod.std:
			data, err := c.cfg.ReadFile(path.Join(path.Dir(o.mod.filename), nn.Path))
			if err != nil {
				c.diags.Add(p, "file", "cannot read weights %s: %v", nn.Path, err)
				ok = false
				break
			}
			if !c.networkSpec(p, o, f, nn, data) {
				ok = false
			}
		}
	case len(form.Compose) > 0:
		cm := &ir.Compose{}
		f.Def = cm
		s := c.options(o, opts, "composed forward model "+o.name, forwardComposeOptions)
		ok = c.forwardDT(s, f)
		f.Linear = true
		for _, q := range form.Compose {
			part, good := c.composePart(o, q, f)
			if !good {
				ok = false
				f.Linear = false
				continue
			}
			cm.Parts = append(cm.Parts, part)
			f.Linear = f.Linear && part.Model.Linear
			if r := part.Model.NonlinearAt; r != nil && f.NonlinearAt == nil {
				f.NonlinearAt = &ir.Reason{Pos: r.Pos, Msg: "in its part " + part.Model.SourceName + ", " + r.Msg}
			}
		}
		f.Linear = f.Linear && ok
	default:
		return false
	}
	return ok
}

// networkSpec reads the header of a neural model's weights and checks its
// widths against the model's carrier, filling in the widths and
// activations of nn.
func (c *checker) networkSpec(p diag.Pos, o *object, f *ir.Forward, nn *ir.Neural, data []byte) bool {
	h, err := cycrt.ParseSafetensorsHeader(nn.Path, data)
	if err != nil {
		c.diags.Add(p, "weights", "%v", err)
		return false
	}
	if f.Carrier == nil {
		return true
	}
	spec, err := cycrt.NetworkSpecFromHeader(h, f.Carrier.Size())
	if err != nil {
		c.diags.Add(p, "weights", "%v", err).With(f.Carrier.Pos, "%s (%d elements) declared here", f.Carrier.SourceName, f.Carrier.Size())
		return false
	}
	nn.Widths = spec.Widths()
	f.Linear, f.NonlinearAt = true, nil
	for i, l := range spec.Layers {
		nn.Activations = append(nn.Activations, l.Activation)
		if l.Activation != "linear" && f.Linear {
			f.Linear = false
			f.NonlinearAt = &ir.Reason{Pos: p, Msg: fmt.Sprintf("layer %d of %s applies %s", i+1, nn.Path, l.Activation)}
		}
	}
	if spec.DefaultedActivation {
		c.diags.Warn(p, "weights", "%s names no activation in its metadata: %s is assumed between layers (add \"activation\" to __metadata__)", nn.Path, cycrt.DefaultActivation)
	}
	return true
}

// composePart checks one component of a composed forward model: same
// carrier, and a dt that divides the composite's.
func (c *checker) composePart(o *object, q *lang.QualIdent, f *ir.Forward) (*ir.Component, bool) {
	po := c.ref(o, q, kindForward)
	if po == nil || po.fwd == nil {
		return nil, false
	}
	m := po.fwd
	p := lang.Pos(q.Pos)
	name := strings.Join(q.Parts, ".")
	if f.Carrier != nil && m.Carrier != nil && m.Carrier != f.Carrier {
		c.diags.Add(p, "carrier", "%s steps %s, but %s steps %s", name, m.Carrier.SourceName, o.name, f.Carrier.SourceName).
			With(po.pos, "%s declared here", name)
		return nil, false
	}
	if f.DT <= 0 || m.DT <= 0 {
		return nil, false
	}
	ratio := f.DT / m.DT
	n := math.Round(ratio)
	if n < 1 || math.Abs(ratio-n) > composeTolerance*math.Max(1, ratio) || n > maxInt {
		c.diags.Add(p, "dt", "dt = %s of %s is not a whole multiple of dt = %s of %s", fmtNum(f.DT), o.name, fmtNum(m.DT), name).
			With(po.pos, "%s declared here", name)
		return nil, false
	}
	return &ir.Component{Model: m, Steps: int(n)}, true
}

// goDerivatives reads the tangent = go "…" and adjoint = go "…" options
// of a go forward model, which come together or not at all, and sets
// NoDerivative when they are missing. Whether the model is a type (which
// cannot take them) is known only once the resolver has answered; see
// goTypeDerivatives.
func (c *checker) goDerivatives(o *object, s *optSet, p diag.Pos, f *ir.Forward, gf *ir.GoForward) bool {
	ok := true
	refs := map[string]*ir.GoRef{}
	for _, name := range []string{"tangent", "adjoint"} {
		val := s.value(name)
		if val == nil {
			continue
		}
		if val.Go == nil {
			s.errorf(name, "%s must be a go reference: %s = go \"example.com/ocean.%s\"", name, name, goDerivativeExample[name])
			ok = false
			continue
		}
		role := GoTangent
		if name == "adjoint" {
			role = GoAdjoint
		}
		r, good := c.goRef(o, *val.Go, lang.Pos(val.Pos), role, name, nil)
		ok = ok && good
		refs[name] = r
	}
	gf.Tangent, gf.Adjoint = refs["tangent"], refs["adjoint"]
	switch {
	case s.has("tangent") != s.has("adjoint"):
		given, missing := "tangent", "adjoint"
		if s.has("adjoint") {
			given, missing = missing, given
		}
		s.errorf(given, "%s needs %s too: the analyses that use a model's derivatives need both the tangent-linear and its adjoint", given, missing)
		ok = false
	case !s.has("tangent"):
		f.NoDerivative = &ir.Reason{Pos: p, Msg: "go model " + o.name + " gives no tangent = go \"…\" and adjoint = go \"…\""}
	}
	return ok
}

// goDerivativeExample names the example functions of the derivative
// options' messages.
var goDerivativeExample = map[string]string{"tangent": "StepTangent", "adjoint": "StepAdjoint"}

// goTypeDerivatives records, once the resolver has found that a go
// forward model is a type, that it has no derivatives: functions cannot
// see a type's fields, and derivative methods on the type are not
// supported yet. Derivative options given to a type are an error.
func (c *checker) goTypeDerivatives(o *object, s *optSet, f *ir.Forward, gf *ir.GoForward) {
	ref := gf.Ref.ImportPath + "." + gf.Ref.Name
	for _, name := range []string{"tangent", "adjoint"} {
		if s.has(name) {
			s.errorf(name, "%s is for a go model given as a function, but %s is a type: derivatives of go model types are not supported yet", name, ref)
			o.bad = true
			break
		}
	}
	gf.Tangent, gf.Adjoint = nil, nil
	f.NoDerivative = &ir.Reason{Pos: gf.Ref.Pos, Msg: "go model " + o.name + " is the type " + ref + ", and derivatives of go model types are not supported yet (a function with tangent = go \"…\" and adjoint = go \"…\" is)"}
}

// composeDerivatives sets the NoDerivative of a composed model from its
// parts (the first part without derivatives gives the reason), after the
// Go resolver has said which go parts are types. It is memoised in done.
func composeDerivatives(f *ir.Forward, done map[*ir.Forward]bool) {
	if done[f] {
		return
	}
	done[f] = true
	cm, ok := f.Def.(*ir.Compose)
	if !ok {
		return
	}
	f.NoDerivative = nil
	for _, part := range cm.Parts {
		composeDerivatives(part.Model, done)
		if r := part.Model.NoDerivative; r != nil {
			f.NoDerivative = &ir.Reason{Pos: r.Pos, Msg: "in its part " + part.Model.SourceName + ", " + r.Msg}
			return
		}
	}
}
