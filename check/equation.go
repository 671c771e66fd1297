// Equations of forward bodies and obs expression bodies: left-hand sides
// (index variables, ranges `i in lo..hi` and fixed elements), right-hand
// sides, and coverage of every element exactly once.
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
	nl    *ir.Reason // the first nonlinear term of the right-hand side
	nd    *ir.Reason // the first call of the right-hand side with no derivative
	cover bool       // the left-hand side is valid: the equation counts for coverage
	ok    bool       // no error in the equation
}

// eqSet collects the checked equations of one forward or obs body.
type eqSet struct {
	infos  []*eqInfo
	eqs    []*ir.Equation // the equations that checked, for the IR
	ok     bool           // no equation had an error
	linear bool           // every right-hand side is affine in the state
	// nonlinearAt is the first nonlinear term of the first nonlinear
	// equation, noDerivative the first call with no derivative, in
	// source order.
	nonlinearAt, noDerivative *ir.Reason
}

func newEqSet() *eqSet { return &eqSet{ok: true, linear: true} }

// add records one checked equation.
func (s *eqSet) add(info *eqInfo) {
	if !info.ok {
		s.ok = false
	}
	if info.lin != linFree && info.lin != linAffine {
		s.linear = false
		s.nonlinearAt = firstReason(s.nonlinearAt, info.nl)
	}
	s.noDerivative = firstReason(s.noDerivative, info.nd)
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
	for i, ix := range eq.Index {
		idxText[i] = lhsIndexString(ix)
	}
	info := &eqInfo{kind: eq.Kind, lhs: eq.Var + "[" + strings.Join(idxText, ", ") + "]", cover: car != nil, ok: true}
	p := lang.Pos(eq.Pos)
	if car != nil && len(eq.Index) != len(car.Dims) {
		c.diags.Add(p, "index", "%s has %s but the left-hand side %s gives %d %s",
			car.SourceName, dimsWord(len(car.Dims)), info.lhs, len(eq.Index), plural(len(eq.Index), "index", "indices"))
		info.cover, info.ok = false, false
	}
	var loops []string
	var ranges [][2]int // the elements [lo, hi) each loop variable runs over; hi = 0 when unknown
	lhs := make([]ir.LHSIndex, 0, len(eq.Index))
	cv := c.constEnv(base.obj)
	cv.where = "a left-hand side"
	dim := func(d int) int {
		if car != nil && d < len(car.Dims) {
			return car.Dims[d]
		}
		return 0
	}
	for d, ix := range eq.Index {
		ip := p
		if ix != nil {
			ip = lang.Pos(ix.Pos)
		}
		if ix == nil {
			info.cover, info.ok = false, false
			continue
		}
		if ix.Var != "" {
			l, r, good := c.lhsRange(base, cv, eq.Var, ix, info, loops, dim(d), car)
			if ix.Var != "" && !contains(loops, ix.Var) {
				loops = append(loops, ix.Var)
				ranges = append(ranges, r)
			}
			if !good {
				info.cover, info.ok = false, false
				continue
			}
			lhs = append(lhs, l)
			continue
		}
		ie := ix.Expr
		n := plainName(ie)
		if n != "" && base.params[n] != nil {
			c.diags.Add(ip, "index", "%s is a parameter: a left-hand index is an index variable or an integer constant", n)
			info.cover, info.ok = false, false
			continue
		}
		if n != "" && base.mod.scope[n] == nil {
			if bad := c.badIndexVar(base, eq.Var, n, loops, info.lhs); bad != "" {
				c.diags.Add(ip, "index", "%s", bad)
				info.cover, info.ok = false, false
				continue
			}
			loops = append(loops, n)
			ranges = append(ranges, [2]int{0, dim(d)})
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
					ranges = append(ranges, [2]int{})
				}
			}
			continue
		}
		k, good := c.lhsConst(cv, ie, ip, "left-hand index %s must be an index variable or an integer constant")
		if !good {
			info.cover, info.ok = false, false
			continue
		}
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
	if info.cover && len(lhs) == len(eq.Index) {
		v.ranges, v.lhsIdx = ranges, lhs
	}
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
	info.lin, info.nl, info.nd = x.lin, x.nl, x.nd
	info.eq = &ir.Equation{Pos: p, LHS: lhs, RHS: x.e}
	return info
}

// badIndexVar says why n cannot be an index variable of an equation for
// eqVar, or "".
func (c *checker) badIndexVar(base *env, eqVar, n string, loops []string, lhs string) string {
	switch {
	case lang.IsKeyword(n):
		return fmt.Sprintf("%s is a keyword and cannot be an index variable", n)
	case n == "t" || n == "dt":
		return fmt.Sprintf("%s is the model time%s and cannot be an index variable", n, map[bool]string{true: " step"}[n == "dt"])
	case n == base.state || n == eqVar:
		return fmt.Sprintf("%s names the state and cannot be an index variable", n)
	case contains(loops, n):
		return fmt.Sprintf("index variable %s appears twice in %s", n, lhs)
	}
	return ""
}

// lhsConst folds a constant integer of a left-hand side: a fixed index or
// an end of a range.
func (c *checker) lhsConst(cv *env, e *lang.Expr, p diag.Pos, format string) (int, bool) {
	x := cv.expr(e)
	switch {
	case x.kind == vBad:
		return 0, false
	case x.kind != vNum || x.aff == nil || !x.konst:
		c.diags.Add(p, "index", format, exprString(e))
		return 0, false
	}
	return int(x.aff.off), true
}

// lhsRange checks `v in lo..hi` in a dimension of n elements (0 when
// unknown): a fresh index variable and constant ends with 0 ≤ lo ≤ hi < n.
// It returns the IR index (a range over the whole dimension is written as
// a plain loop) and the elements [lo, hi+1) the variable runs over.
func (c *checker) lhsRange(base, cv *env, eqVar string, ix *lang.LHSIndex, info *eqInfo, loops []string, n int, car *ir.Carrier) (ir.LHSIndex, [2]int, bool) {
	p := lang.Pos(ix.Pos)
	name := ix.Var
	if base.params[name] != nil {
		c.diags.Add(p, "index", "%s is a parameter and cannot be an index variable", name)
		return ir.LHSIndex{}, [2]int{}, false
	}
	if o := base.mod.scope[name]; o != nil {
		c.diags.Add(p, "index", "%s names %s and cannot be an index variable", name, o.kind.noun()).With(o.pos, "declared here")
		return ir.LHSIndex{}, [2]int{}, false
	}
	if bad := c.badIndexVar(base, eqVar, name, loops, info.lhs); bad != "" {
		c.diags.Add(p, "index", "%s", bad)
		return ir.LHSIndex{}, [2]int{}, false
	}
	if ix.Lo == nil || ix.Hi == nil {
		return ir.LHSIndex{}, [2]int{}, false
	}
	// The ends are evaluated where parameters and the state are known, so
	// that using them is reported as not constant rather than undefined.
	ev := *base
	ev.loops, ev.where = nil, "a range"
	cv = &ev
	lo, okLo := c.lhsConst(cv, ix.Lo, lang.Pos(ix.Lo.Pos), "the first element %s of a range must be an integer constant")
	hi, okHi := c.lhsConst(cv, ix.Hi, lang.Pos(ix.Hi.Pos), "the last element %s of a range must be an integer constant")
	if !okLo || !okHi {
		return ir.LHSIndex{}, [2]int{}, false
	}
	text := name + " in " + exprString(ix.Lo) + ".." + exprString(ix.Hi)
	switch {
	case lo > hi:
		c.diags.Add(p, "index", "range %s of %s is empty: it runs from %d to %d, and both ends are included", text, info.lhs, lo, hi)
		return ir.LHSIndex{}, [2]int{}, false
	case n > 0 && (lo < 0 || hi >= n):
		out := lo
		if lo >= 0 {
			out = hi
		}
		c.diags.Add(p, "index", "range %s of %s leaves %s at element %d: %s has %d elements in this dimension (0 to %d)",
			text, info.lhs, car.SourceName, out, car.SourceName, n, n-1)
		return ir.LHSIndex{}, [2]int{}, false
	}
	if n > 0 && lo == 0 && hi == n-1 {
		return ir.LHSIndex{Var: name}, [2]int{0, n}, true
	}
	if n == 0 {
		return ir.LHSIndex{Var: name, Lo: lo, Hi: hi + 1}, [2]int{}, true
	}
	return ir.LHSIndex{Var: name, Lo: lo, Hi: hi + 1}, [2]int{lo, hi + 1}, true
}

// lhsIndexString prints one left-hand index as written: "i", "N-1" or
// "i in 1..N-2".
func lhsIndexString(ix *lang.LHSIndex) string {
	switch {
	case ix == nil:
		return ""
	case ix.Var != "":
		return ix.Var + " in " + exprString(ix.Lo) + ".." + exprString(ix.Hi)
	}
	return exprString(ix.Expr)
}
