// Option blocks and call arguments: unknown, repeated and missing
// options, and values of each kind (number, integer, bool, name, call,
// string, go reference) read from the syntax.
package check

import (
	"math"
	"strings"

	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/lang"
)

// maxInt bounds integer options: every integer up to it is exact in a
// float64.
const maxInt = 1 << 53

// optSet holds the options of one block after unknown and repeated ones
// have been reported.
type optSet struct {
	c    *checker
	v    *env     // constant environment of the declaration
	what string   // the block, for messages: "etkf", "forward model L96"
	pos  diag.Pos // the declaration, where missing options are reported
	m    map[string]*lang.Option

	// suggested are the options an unknown one was taken for a typo of
	// ("did you mean B?"): when they are missing, that error has said so.
	suggested map[string]bool
}

// options collects opts, reporting options not in allowed and options
// given twice.
func (c *checker) options(o *object, opts []*lang.Option, what string, allowed []string) *optSet {
	return c.optionsHint(o, opts, what, allowed, nil)
}

// optionsHint is options with owner, which may say where an unknown
// option belongs ("localize is an option of letkf"); "" says nothing.
func (c *checker) optionsHint(o *object, opts []*lang.Option, what string, allowed []string, owner func(name string) string) *optSet {
	s := &optSet{c: c, v: c.constEnv(o), what: what, pos: o.pos, m: map[string]*lang.Option{}}
	s.v.where = "an option"
	for _, op := range opts {
		if op == nil {
			continue
		}
		p := lang.Pos(op.Pos)
		if !contains(allowed, op.Name) {
			var d *diag.Diagnostic
			if len(allowed) == 0 {
				d = c.diags.Add(p, "option", "unknown option %s for %s (it takes no options)", op.Name, what)
			} else {
				d = c.diags.Add(p, "option", "unknown option %s for %s (options: %s)", op.Name, what, strings.Join(allowed, ", "))
			}
			if near := nearest(op.Name, allowed); near != "" {
				d.Msg += "; did you mean " + near + "?"
				if s.suggested == nil {
					s.suggested = map[string]bool{}
				}
				s.suggested[near] = true
			} else if owner != nil {
				if where := owner(op.Name); where != "" {
					d.Msg += "; " + where
				}
			}
			continue
		}
		if prev := s.m[op.Name]; prev != nil {
			c.diags.Add(p, "option", "option %s given twice", op.Name).With(lang.Pos(prev.Pos), "first given here")
			continue
		}
		s.m[op.Name] = op
	}
	return s
}

// nearest returns the name of list closest to s when it is a likely typo
// (at most two edits away), or "".
func nearest(s string, list []string) string {
	best, bestD, bestLen := "", 3, 0
	for _, x := range list {
		d := editDistance(s, x)
		dl := abs(len(x) - len(s))
		// Among equally close names, prefer the one of the same length:
		// "etfk" is a swap in "etkf", not "ekf" with a letter added.
		if d < bestD || (d == bestD && best != "" && dl < bestLen) {
			best, bestD, bestLen = x, d, dl
		}
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editDistance is the optimal-string-alignment distance between a and b:
// Levenshtein's, with a swap of two neighbouring letters counting as one
// edit, since that is the commonest typo.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *optSet) has(name string) bool { return s.m[name] != nil }

// value returns the value of an option, or nil when it is absent.
func (s *optSet) value(name string) *lang.Value {
	if op := s.m[name]; op != nil {
		return op.Value
	}
	return nil
}

// at is the position of an option's value (of the block when absent).
func (s *optSet) at(name string) diag.Pos {
	if op := s.m[name]; op != nil {
		if op.Value != nil {
			return lang.Pos(op.Value.Pos)
		}
		return lang.Pos(op.Pos)
	}
	return s.pos
}

// require reports the missing options, in one message, and reports
// whether all are given. An option an unknown one was taken for a typo of
// is not reported again: "unknown option b …; did you mean B?" says it.
func (s *optSet) require(names ...string) bool {
	var missing []string
	complete := true
	for _, n := range names {
		if !s.has(n) {
			complete = false
			if !s.suggested[n] {
				missing = append(missing, n)
			}
		}
	}
	switch len(missing) {
	case 0:
		return complete
	case 1:
		s.c.diags.Add(s.pos, "option", "%s needs option %s", s.what, missing[0])
	default:
		s.c.diags.Add(s.pos, "option", "%s needs options %s and %s", s.what, strings.Join(missing[:len(missing)-1], ", "), missing[len(missing)-1])
	}
	return false
}

func (s *optSet) number(name string) (float64, bool) {
	return s.c.numberOf(s.v, s.value(name), name)
}

func (s *optSet) integer(name string) (int, bool) {
	return s.c.integerOf(s.v, s.value(name), name)
}

func (s *optSet) boolean(name string) (bool, bool) {
	return s.c.boolOf(s.value(name), name)
}

func (s *optSet) choice(name string, choices ...string) (string, bool) {
	return s.c.choiceOf(s.value(name), name, choices)
}

// errorf reports a bad value of option name at its value.
func (s *optSet) errorf(name, format string, args ...any) *diag.Diagnostic {
	return s.c.diags.Add(s.at(name), "value", format, args...)
}

// soloPrimary returns the primary an expression consists of, or nil when
// the expression has operators or an index.
func soloPrimary(e *lang.Expr) *lang.Primary {
	if e == nil || len(e.Rest) > 0 || e.Left == nil || len(e.Left.Rest) > 0 {
		return nil
	}
	c := e.Left.Left
	if c == nil || c.Op != "" || c.Left == nil || len(c.Left.Rest) > 0 {
		return nil
	}
	m := c.Left.Left
	if m == nil || len(m.Rest) > 0 || m.Left == nil || m.Left.Op != "" {
		return nil
	}
	pw := m.Left.Power
	if pw == nil || pw.Exponent != nil || pw.Base == nil || len(pw.Base.Index) > 0 {
		return nil
	}
	return pw.Base.Primary
}

// valueExpr returns the expression of a value; a go reference is
// reported as the wrong kind of value for label.
func (c *checker) valueExpr(v *lang.Value, label, want string) *lang.Expr {
	if v == nil {
		return nil
	}
	if v.Go != nil || v.Expr == nil {
		c.diags.Add(lang.Pos(v.Pos), "value", "%s must be %s, not a go reference", label, want)
		return nil
	}
	return v.Expr
}

// numberOf folds a constant number.
func (c *checker) numberOf(v *env, val *lang.Value, label string) (float64, bool) {
	e := c.valueExpr(val, label, "a number")
	if e == nil {
		return 0, false
	}
	x := v.expr(e)
	switch {
	case x.kind == vBad:
		return 0, false
	case x.kind != vNum || !x.konst:
		c.diags.Add(lang.Pos(e.Pos), "value", "%s must be a number, not %s", label, describe(x))
		return 0, false
	}
	return x.num, true
}

// integerOf folds a constant whole number.
func (c *checker) integerOf(v *env, val *lang.Value, label string) (int, bool) {
	x, ok := c.numberOf(v, val, label)
	if !ok {
		return 0, false
	}
	if x != math.Trunc(x) {
		c.diags.Add(lang.Pos(val.Pos), "value", "%s must be a whole number, not %s", label, fmtNum(x))
		return 0, false
	}
	if math.Abs(x) > maxInt {
		c.diags.Add(lang.Pos(val.Pos), "value", "%s = %s is too large", label, fmtNum(x))
		return 0, false
	}
	return int(x), true
}

// boolOf reads true or false.
func (c *checker) boolOf(val *lang.Value, label string) (bool, bool) {
	if val == nil {
		return false, false
	}
	if p := soloPrimary(val.Expr); p != nil && p.Bool != nil {
		return *p.Bool == "true", true
	}
	c.diags.Add(lang.Pos(val.Pos), "value", "%s must be true or false", label)
	return false, false
}

// choiceOf reads one of a fixed set of names.
func (c *checker) choiceOf(val *lang.Value, label string, choices []string) (string, bool) {
	if val == nil {
		return "", false
	}
	if q := primaryName(soloPrimary(val.Expr)); q != nil && len(q.Parts) == 1 {
		if contains(choices, q.Parts[0]) {
			return q.Parts[0], true
		}
		c.diags.Add(lang.Pos(val.Pos), "value", "%s must be one of %s, not %s", label, strings.Join(choices, ", "), q.Parts[0])
		return "", false
	}
	c.diags.Add(lang.Pos(val.Pos), "value", "%s must be one of %s", label, strings.Join(choices, ", "))
	return "", false
}

// nameOf reads a plain or qualified name.
func nameOf(val *lang.Value) *lang.QualIdent {
	if val == nil || val.Go != nil {
		return nil
	}
	return primaryName(soloPrimary(val.Expr))
}

// callOf reads a call such as every(10) (Args may be nil for a bare
// name).
func callOf(val *lang.Value) *lang.Call {
	if val == nil || val.Go != nil {
		return nil
	}
	if p := soloPrimary(val.Expr); p != nil && p.Call != nil && p.Call.Name != nil && len(p.Call.Name.Parts) > 0 {
		return p.Call
	}
	return nil
}

// stringOf reads a string literal.
func stringOf(val *lang.Value) (string, bool) {
	if val == nil || val.Go != nil {
		return "", false
	}
	if p := soloPrimary(val.Expr); p != nil && p.String != nil {
		return *p.String, true
	}
	return "", false
}

// callName is the name of a call as written.
func callName(cl *lang.Call) string {
	if cl == nil || cl.Name == nil {
		return ""
	}
	return strings.Join(cl.Name.Parts, ".")
}

// bindArgs matches the arguments of a call to its parameter names:
// positional ones in order, then named ones. It reports surplus,
// unknown and repeated arguments.
func (c *checker) bindArgs(cl *lang.Call, params []string) (map[string]*lang.Value, bool) {
	out := map[string]*lang.Value{}
	if cl.Args == nil {
		return out, true
	}
	fname := callName(cl)
	ok := true
	named := false
	for i, a := range cl.Args.Args {
		if a == nil || a.Value == nil {
			ok = false
			continue
		}
		p := lang.Pos(a.Pos)
		name := a.Name
		if name == "" {
			if named {
				c.diags.Add(p, "call", "positional argument after named ones in %s(…)", fname)
				ok = false
				continue
			}
			if i >= len(params) {
				c.diags.Add(p, "call", "too many arguments to %s (%s)", fname, paramsText(params))
				ok = false
				continue
			}
			name = params[i]
		} else {
			named = true
			if !contains(params, name) {
				c.diags.Add(p, "call", "unknown argument %s for %s (%s)", name, fname, paramsText(params))
				ok = false
				continue
			}
		}
		if out[name] != nil {
			c.diags.Add(p, "call", "argument %s given twice", name)
			ok = false
			continue
		}
		out[name] = a.Value
	}
	return out, ok
}

func paramsText(params []string) string {
	if len(params) == 0 {
		return "it takes no arguments"
	}
	return "arguments: " + strings.Join(params, ", ")
}
