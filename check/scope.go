// Declarations and names: the objects of each module, their Go names,
// lookup of plain and qualified names, and on-demand resolution with
// cycle detection.
package check

import (
	"go/token"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/ir"
	"github.com/cyclec/cyclec/lang"
)

// kind is the block kind of a declaration.
type kind int

const (
	kindConst kind = iota + 1
	kindCarrier
	kindForward
	kindObs
	kindAnalysis
	kindCycle
)

// noun names the kind with its article, for messages.
func (k kind) noun() string {
	switch k {
	case kindConst:
		return "a constant"
	case kindCarrier:
		return "a carrier"
	case kindForward:
		return "a forward model"
	case kindObs:
		return "an obs operator"
	case kindAnalysis:
		return "an analysis"
	case kindCycle:
		return "a cycle"
	}
	return "a declaration"
}

// hasConstructor reports whether code generation makes a NewX function
// for declarations of this kind (forward models, obs operators, analyses
// and cycles are Go types with constructors).
func (k kind) hasConstructor() bool {
	return k == kindForward || k == kindObs || k == kindAnalysis || k == kindCycle
}

// resolution states of an object.
const (
	unresolved = iota
	resolving
	resolved
)

// object is one top-level declaration.
type object struct {
	kind    kind
	name    string // as declared
	mod     *module
	pos     diag.Pos
	decl    *lang.Decl
	doc     string // the comment just above the declaration
	goName  string // Go-ready exported name
	srcName string // qualified as the root's author writes it

	state  int
	bad    bool // the declaration has an error: dependents stay silent
	cycled bool // part of a reported dependency cycle

	undefined map[string]bool // names already reported undefined in this declaration

	cval     val // kindConst: folded value
	konst    *ir.Const
	carrier  *ir.Carrier
	fwd      *ir.Forward
	obs      *ir.ObsOp
	an       *ir.Analysis
	bFile    *dataFile // the data file behind an analysis's B, for size checks in cycles
	meanFile *dataFile // the data file behind oi's mean, for size checks in cycles
	cyc      *ir.Cycle
}

// declName returns the kind, name and position of a declaration.
func declName(d *lang.Decl) (kind, string, diag.Pos) {
	switch {
	case d.Const != nil:
		return kindConst, d.Const.Name, lang.Pos(d.Const.Pos)
	case d.Carrier != nil:
		return kindCarrier, d.Carrier.Name, lang.Pos(d.Carrier.Pos)
	case d.Forward != nil:
		return kindForward, d.Forward.Name, lang.Pos(d.Forward.Pos)
	case d.Obs != nil:
		return kindObs, d.Obs.Name, lang.Pos(d.Obs.Pos)
	case d.Analysis != nil:
		return kindAnalysis, d.Analysis.Name, lang.Pos(d.Analysis.Pos)
	case d.Cycle != nil:
		return kindCycle, d.Cycle.Name, lang.Pos(d.Cycle.Pos)
	}
	return 0, "", lang.Pos(d.Pos)
}

// declareAll creates the objects of every module, reporting duplicate
// declarations and reserved names.
func (c *checker) declareAll() {
	for _, m := range c.modules {
		m.scope = map[string]*object{}
		if m.file == nil {
			continue
		}
		docs := m.file.Docs()
		for _, d := range m.file.Decls {
			if d == nil {
				continue
			}
			k, name, p := declName(d)
			if k == 0 || name == "" {
				continue
			}
			o := &object{kind: k, name: name, mod: m, pos: p, decl: d, doc: docs[d]}
			o.goName = capitalize(name)
			o.srcName = name
			if !m.root {
				o.goName = capitalize(m.qual) + capitalize(name)
				o.srcName = m.qual + "." + name
			}
			m.objs = append(m.objs, o)
			switch {
			case lang.IsKeyword(name):
				c.diags.Add(p, "keyword", "%s is a keyword and cannot name a declaration", name)
				o.bad = true
				continue
			case name == "t" || name == "dt":
				c.diags.Add(p, "reserved", "%s is reserved for the model time%s and cannot name a declaration", name, map[bool]string{true: " step", false: ""}[name == "dt"])
				o.bad = true
				continue
			}
			if prev := m.scope[name]; prev != nil {
				c.diags.Add(p, "redeclared", "%s redeclared", name).With(prev.pos, "previously declared here")
				o.goName = "" // not a separate Go name
				continue
			}
			m.scope[name] = o
		}
	}
}

// checkGoNames reports declarations whose Go names collide, including a
// NewX declaration against the constructor generated for X.
func (c *checker) checkGoNames() {
	byGo := map[string]*object{}
	var all []*object
	for _, m := range c.modules {
		for _, o := range m.objs {
			if o.goName == "" {
				continue
			}
			if !token.IsExported(o.goName) {
				c.diags.Add(o.pos, "name", "%s cannot be exported to Go: names of declarations must start with a letter", o.srcName)
				continue
			}
			if prev := byGo[o.goName]; prev != nil {
				c.diags.Add(o.pos, "name", "%s and %s both become %s in Go", o.srcName, prev.srcName, o.goName).
					With(prev.pos, "%s declared here", prev.srcName)
				continue
			}
			byGo[o.goName] = o
			all = append(all, o)
		}
	}
	for _, o := range all {
		if !o.kind.hasConstructor() {
			continue
		}
		if other := byGo["New"+o.goName]; other != nil {
			c.diags.Add(other.pos, "name", "%s collides in Go with the constructor New%s generated for %s", other.srcName, o.goName, o.srcName).
				With(o.pos, "%s declared here", o.srcName)
		}
	}
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// checkAll checks every declaration of every module.
func (c *checker) checkAll() {
	for _, m := range c.modules {
		for _, o := range m.objs {
			c.resolve(o)
		}
	}
}

// resolve checks o if it has not been checked yet. A declaration that is
// reached again while it is being checked closes a cycle, reported once.
func (c *checker) resolve(o *object) {
	switch o.state {
	case resolved:
		return
	case resolving:
		c.reportCycle(o)
		return
	}
	o.state = resolving
	c.stack = append(c.stack, o)
	c.checkDecl(o)
	c.stack = c.stack[:len(c.stack)-1]
	o.state = resolved
}

// checkDecl dispatches on the block kind.
func (c *checker) checkDecl(o *object) {
	d := o.decl
	switch {
	case d.Const != nil:
		c.checkConst(o, d.Const)
	case d.Carrier != nil:
		c.checkCarrier(o, d.Carrier)
	case d.Forward != nil:
		c.checkForward(o, d.Forward)
	case d.Obs != nil:
		c.checkObs(o, d.Obs)
	case d.Analysis != nil:
		c.checkAnalysis(o, d.Analysis)
	case d.Cycle != nil:
		c.checkCycle(o, d.Cycle)
	}
}

// reportCycle reports a declaration that depends on itself, naming the
// chain, and marks every declaration of the chain bad.
func (c *checker) reportCycle(o *object) {
	i := len(c.stack) - 1
	for i > 0 && c.stack[i] != o {
		i--
	}
	chain := c.stack[i:]
	names := make([]string, 0, len(chain)+1)
	reported := false
	for _, x := range chain {
		names = append(names, x.srcName)
		if x.cycled {
			reported = true
		}
	}
	names = append(names, o.srcName)
	for _, x := range chain {
		x.bad = true
		x.cycled = true
	}
	if reported {
		return
	}
	what := "depends on itself"
	switch o.kind {
	case kindForward:
		what = "is composed of itself"
	case kindObs:
		what = "is composed of itself"
	case kindCycle:
		what = "contains itself"
	}
	d := c.diags.Add(o.pos, "cycle", "%s %s: %s", o.srcName, what, strings.Join(names, " → "))
	for _, x := range chain[1:] {
		d.With(x.pos, "%s declared here", x.srcName)
	}
}

// undefinedOnce reports name as undefined in the declaration from, once.
func (c *checker) undefinedOnce(from *object, p diag.Pos, name, format string, args ...any) {
	if from != nil {
		if from.undefined == nil {
			from.undefined = map[string]bool{}
		}
		if from.undefined[name] {
			return
		}
		from.undefined[name] = true
	}
	c.diags.Add(p, "undefined", format, args...)
}

// lookup finds the declaration named by parts (a plain or qualified
// name) as seen from module m, and resolves it. It reports undefined
// names (once per declaration) and returns nil for them; it returns nil
// silently for names reached through a failed import.
func (c *checker) lookup(from *object, m *module, p diag.Pos, parts []string) *object {
	switch len(parts) {
	case 1:
		o := m.scope[parts[0]]
		if o == nil {
			if near := c.nearName(m, parts[0]); near != "" && len(parts[0]) > 1 {
				c.undefinedOnce(from, p, parts[0], "undefined: %s; did you mean %s?", parts[0], near)
			} else {
				c.undefinedOnce(from, p, parts[0], "undefined: %s", parts[0])
			}
			return nil
		}
		c.resolve(o)
		return o
	case 2:
		ref := m.imports[parts[0]]
		if ref == nil {
			c.undefinedOnce(from, p, parts[0], "undefined: %s (no import of that name)", parts[0])
			return nil
		}
		if ref.mod == nil {
			return nil // the import failed and was reported
		}
		o := ref.mod.scope[parts[1]]
		if o == nil {
			if ref.mod.file == nil {
				return nil
			}
			full := parts[0] + "." + parts[1]
			c.undefinedOnce(from, p, full, "undefined: %s (%s declares no %s)", full, describeImport(ref.mod), parts[1])
			return nil
		}
		c.resolve(o)
		return o
	}
	c.undefinedOnce(from, p, strings.Join(parts, "."), "undefined: %s (a name is NAME or IMPORT.NAME)", strings.Join(parts, "."))
	return nil
}

// ref looks up a name that must denote a declaration of kind want. It
// returns nil when the name is undefined, of another kind (reported with a
// note at the declaration) or bad.
func (c *checker) ref(from *object, q *lang.QualIdent, want kind) *object {
	o := c.refAny(from, q, want)
	if o == nil || o.bad {
		return nil
	}
	return o
}

// refAny is ref that also returns declarations with errors, for checks
// that need only what such a declaration still knows (its state variable).
func (c *checker) refAny(from *object, q *lang.QualIdent, want kind) *object {
	if q == nil {
		return nil
	}
	p := lang.Pos(q.Pos)
	o := c.lookup(from, from.mod, p, q.Parts)
	if o == nil {
		return nil
	}
	if o.kind != want {
		c.diags.Add(p, "kind", "%s is %s, not %s", strings.Join(q.Parts, "."), o.kind.noun(), want.noun()).
			With(o.pos, "declared here")
		return nil
	}
	return o
}

// nearName suggests a declaration for an undefined plain name: the
// closest of the module's own names, or else of its imports' names,
// written qualified (L36 → lorenz63.L63). It returns "" when nothing is
// close.
func (c *checker) nearName(m *module, name string) string {
	own := make([]string, 0, len(m.scope))
	for n := range m.scope {
		own = append(own, n)
	}
	sort.Strings(own)
	if near := nearest(name, own); near != "" {
		return near
	}
	var imported []string
	quals := map[string]string{}
	for _, ref := range m.refs {
		if ref.mod == nil {
			continue
		}
		for n := range ref.mod.scope {
			if _, seen := quals[n]; !seen {
				quals[n] = ref.qual
				imported = append(imported, n)
			}
		}
	}
	sort.Strings(imported)
	if near := nearest(name, imported); near != "" {
		return quals[near] + "." + near
	}
	return ""
}
