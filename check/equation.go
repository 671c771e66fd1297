// Equations of forward bodies and obs expression bodies: left-hand sides
// (index variables and fixed elements), right-hand sides, and coverage of
// every element exactly once.
package check

import (
	"fmt"
	"strings"

	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/ir"
	"github.com/cyclec/cyclec/lang"
)

// eqInfo is one checked equation.
type eqInfo struct {
	eq    *ir.Equation
	kind  string // "ddt", "next" or "" (obs)
	lhs   string // as written, e.g. "x[i]"
	lin   int
	cover bool // the left-hand side is valid: the equation counts for coverage
	ok    bool // no error in the equation
}

// eqSet collects the checked equations of one forward or obs body.
type eqSet struct {
	infos  []*eqInfo
	eqs    []*ir.Equation // the equations that checked, for the IR
	ok     bool           // no equation had an error
	linear bool           // every right-hand side is affine in the state
}

func newEqSet() *eqSet { return &eqSet{ok: true, linear: true} }

// add records one checked equation.
func (s *eqSet) add(info *eqInfo) {
	if !info.ok {
		s.ok = false
	}
	if info.lin != linFree && info.lin != linAffine {
		s.linear = false
	}
	s.infos = append(s.infos, info)
	if info.eq != nil {
		s.eqs = append(s.eqs, info.eq)
	}
}

// plainName returns the identifier an expression consists of, or "".
func plainName(e *lang.Expr) string {
	q := primaryName(soloPrimary(e))
	if q == nil || len(q.Parts) != 1 {
		return ""
	}
	return q.Parts[0]
}

// freeNames returns the names in e that are neither declared nor
// parameters: index variables inside an expression, as in x[i+1].
func freeNames(e *lang.Expr, base *env) []string {
	var found []string
	lang.Walk(e, func(n any) {
		p, ok := n.(*lang.Primary)
		if !ok {
			return
		}
		if q := primaryName(p); q != nil && len(q.Parts) == 1 && base.mod.scope[q.Parts[0]] == nil && base.params[q.Parts[0]] == nil {
			found = append(found, q.Parts[0])
		}
	})
	return found
}

// equation checks eq, whose left-hand side indexes car (nil when the
// carrier is unknown) and whose right-hand side is evaluated in base with
// the left-hand side's index variables bound.
func (c *checker) equation(base *env, eq *lang.Equation, car *ir.Carrier) *eqInfo {
	idxText := make([]string, len(eq.Index))
	for i, ie := range eq.Index {
		idxText[i] = exprString(ie)
	}
	info := &eqInfo{kind: eq.Kind, lhs: eq.Var + "[" + strings.Join(idxText, ", ") + "]", cover: car != nil, ok: true}
	p := lang.Pos(eq.Pos)
	if car != nil && len(eq.Index) != len(car.Dims) {
		c.diags.Add(p, "index", "%s has %s but the left-hand side %s gives %d %s",
			car.SourceName, dimsWord(len(car.Dims)), info.lhs, len(eq.Index), plural(len(eq.Index), "index", "indices"))
		info.cover, info.ok = false, false
	}
	var loops []string
	lhs := make([]ir.LHSIndex, 0, len(eq.Index))
	cv := c.constEnv(base.obj)
	cv.where = "a left-hand side"
	for d, ie := range eq.Index {
		ip := p
		if ie != nil {
			ip = lang.Pos(ie.Pos)
		}
		n := plainName(ie)
		if n != "" && base.params[n] != nil {
			c.diags.Add(ip, "index", "%s is a parameter: a left-hand index is an index variable or an integer constant", n)
			info.cover, info.ok = false, false
			continue
		}
		if n != "" && base.mod.scope[n] == nil {
			bad := ""
			switch {
			case lang.IsKeyword(n):
				bad = fmt.Sprintf("%s is a keyword and cannot be an index variable", n)
			case n == "t" || n == "dt":
				bad = fmt.Sprintf("%s is the model time%s and cannot be an index variable", n, map[bool]string{true: " step"}[n == "dt"])
			case n == base.state || n == eq.Var:
				bad = fmt.Sprintf("%s names the state and cannot be an index variable", n)
			case contains(loops, n):
				bad = fmt.Sprintf("index variable %s appears twice in %s", n, info.lhs)
			}
			if bad != "" {
				c.diags.Add(ip, "index", "%s", bad)
				info.cover, info.ok = false, false
				continue
			}
			loops = append(loops, n)
			lhs = append(lhs, ir.LHSIndex{Var: n})
			continue
		}
		if free := freeNames(ie, base); len(free) > 0 {
			c.diags.Add(ip, "index", "left-hand index %s must be an index variable or an integer constant", exprString(ie))
			info.cover, info.ok = false, false
			// Bind the names anyway, so the right-hand side does not
			// report them again.
			for _, n := range free {
				if !contains(loops, n) {
					loops = append(loops, n)
				}
			}
			continue
		}
		x := cv.expr(ie)
		switch {
		case x.kind == vBad:
			info.cover, info.ok = false, false
			continue
		case x.kind != vNum || x.aff == nil || !x.konst:
			c.diags.Add(ip, "index", "left-hand index %s must be an index variable or an integer constant", exprString(ie))
			info.cover, info.ok = false, false
			continue
		}
		k := int(x.aff.off)
		if car != nil && d < len(car.Dims) && (k < 0 || k >= car.Dims[d]) {
			c.diags.Add(ip, "index", "%s is out of range: %s has %d elements in this dimension (0 to %d)", info.lhs, car.SourceName, car.Dims[d], car.Dims[d]-1)
			info.cover, info.ok = false, false
			continue
		}
		lhs = append(lhs, ir.LHSIndex{Fixed: k})
	}
	v := *base
	v.loops = loops
	v.lhs = info.lhs
	v.inEq = true
	x := v.expr(eq.Value)
	switch x.kind {
	case vBad:
		info.ok = false
	case vNum:
	default:
		c.diags.Add(x.pos, "type", "the right-hand side of %s must be a number, not %s", info.lhs, describe(x))
		info.ok = false
	}
	if !info.ok {
		if !info.cover {
			return info
		}
		// Keep the left-hand side for coverage, so that an error on the
		// right does not also show as a gap.
		info.eq = &ir.Equation{Pos: p, LHS: lhs}
		return info
	}
	info.lin = x.lin
	info.eq = &ir.Equation{Pos: p, LHS: lhs, RHS: x.e}
	return info
}

// coverage checks that the equations give every element of car exactly
// once: an overlap is reported at the later equation with a note at the
// earlier, gaps at the declaration. what names the equations ("ddt
// equation").
func (c *checker) coverage(eqs []*eqInfo, car *ir.Carrier, v, what string, declPos diag.Pos) bool {
	ok := true
	var valid []*eqInfo
	allValid := true
	for _, e := range eqs {
		if e.cover && e.eq != nil && len(e.eq.LHS) == len(car.Dims) {
			valid = append(valid, e)
		} else {
			allValid = false
		}
	}
	for j, b := range valid {
		for _, a := range valid[:j] {
			n, first, hit := overlap(a.eq.LHS, b.eq.LHS, car.Dims)
			if !hit {
				continue
			}
			el := elemString(v, first)
			msg := el + " is given by two equations"
			if n > 1 {
				msg = fmt.Sprintf("%s and %d other elements are given by two equations", el, n-1)
			}
			d := c.diags.Add(b.eq.Pos, "coverage", "%s", msg)
			if a.lhs == el {
				d.With(a.eq.Pos, "%s is also given here", el)
			} else {
				d.With(a.eq.Pos, "%s, which covers %s, is also declared here", a.lhs, el)
			}
			ok = false
			break
		}
	}
	if !allValid {
		// A left-hand side with an error would show as a gap too.
		return false
	}
	gaps, total := gapsOf(valid, car.Dims)
	if total > 0 {
		names := make([]string, len(gaps))
		for i, g := range gaps {
			names[i] = elemString(v, g)
		}
		switch {
		case total == 1:
			c.diags.Add(declPos, "coverage", "%s has no %s", names[0], what)
		case total == len(gaps):
			c.diags.Add(declPos, "coverage", "%s have no %s", strings.Join(names, ", "), what)
		default:
			c.diags.Add(declPos, "coverage", "%s and %d more elements have no %s", strings.Join(names, ", "), total-len(gaps), what)
		}
		ok = false
	}
	return ok
}

// overlap reports whether two left-hand sides share elements, how many,
// and the first.
func overlap(a, b []ir.LHSIndex, dims []int) (int, []int, bool) {
	n := 1
	first := make([]int, len(dims))
	for d := range dims {
		switch {
		case a[d].Var == "" && b[d].Var == "":
			if a[d].Fixed != b[d].Fixed {
				return 0, nil, false
			}
			first[d] = a[d].Fixed
		case a[d].Var == "":
			first[d] = a[d].Fixed
		case b[d].Var == "":
			first[d] = b[d].Fixed
		default:
			n *= dims[d]
		}
	}
	return n, first, true
}

// maxGapsNamed is how many uncovered elements a message names.
const maxGapsNamed = 3

// gapsOf finds the elements no equation gives: the first few and how
// many. It works from the structure of the left-hand sides (a loop
// dimension covers the whole dimension): the count is arithmetic and the
// search for the first gaps stops early, so the cost is bounded by the
// number of equations, not the size of the carrier.
func gapsOf(eqs []*eqInfo, dims []int) ([][]int, int) {
	var gaps [][]int
	switch len(dims) {
	case 1:
		fixed := map[int]bool{}
		for _, e := range eqs {
			if e.eq.LHS[0].Var != "" {
				return nil, 0
			}
			fixed[e.eq.LHS[0].Fixed] = true
		}
		for i := 0; i < dims[0] && len(gaps) < maxGapsNamed; i++ {
			if !fixed[i] {
				gaps = append(gaps, []int{i})
			}
		}
		return gaps, dims[0] - len(fixed)
	case 2:
		rows, cols := map[int]bool{}, map[int]bool{}
		cells := map[[2]int]bool{}
		for _, e := range eqs {
			r, cl := e.eq.LHS[0], e.eq.LHS[1]
			switch {
			case r.Var != "" && cl.Var != "":
				return nil, 0
			case r.Var == "" && cl.Var != "":
				rows[r.Fixed] = true
			case r.Var != "" && cl.Var == "":
				cols[cl.Fixed] = true
			default:
				cells[[2]int{r.Fixed, cl.Fixed}] = true
			}
		}
		if len(rows) == dims[0] || len(cols) == dims[1] {
			return nil, 0
		}
		// Cells outside the covered rows and columns.
		extra := 0
		for cell := range cells {
			if !rows[cell[0]] && !cols[cell[1]] {
				extra++
			}
		}
		total := (dims[0]-len(rows))*(dims[1]-len(cols)) - extra
		for i := 0; i < dims[0] && len(gaps) < maxGapsNamed; i++ {
			if rows[i] {
				continue
			}
			for j := 0; j < dims[1] && len(gaps) < maxGapsNamed; j++ {
				if !cols[j] && !cells[[2]int{i, j}] {
					gaps = append(gaps, []int{i, j})
				}
			}
		}
		return gaps, total
	}
	return nil, 0
}
