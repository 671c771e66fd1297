// How far the reads of an obs expression body may reach (docs/language.md
// §5): over the elements its left-hand side runs over, an index of the
// input must stay inside a non-periodic dimension; on a periodic one it
// may wrap at most once, and not at all when it scales an index variable
// (a subsampling index such as x[4*j] that wraps is a size mistake).
// Forward models have no such rule: their reads past the ends follow the
// carrier's boundary rule however far they reach.
package check

import (
	"fmt"
	"strings"

	"github.com/cyclec/cyclec/ir"
	"github.com/cyclec/cyclec/lang"
)

// maxReachSearch bounds the elements searched for the first offending one;
// beyond it the message names the end of the index's range instead.
const maxReachSearch = 1 << 22

// obsReach reports the first dimension of the read p (indices idx) of an
// obs body that reaches past what the rule allows, and whether none does.
// Outside obs bodies, or when the left-hand side is unknown, it allows
// everything.
func (v *env) obsReach(p *lang.Postfix, idx []ir.Affine) bool {
	car := v.carrier
	if v.output == "" || car == nil || len(idx) != len(car.Dims) || v.lhsIdx == nil || len(v.ranges) != len(v.loops) {
		return true
	}
	for _, r := range v.ranges {
		if r[1] <= r[0] {
			return true
		}
	}
	for d, a := range idx {
		if len(a.Coef) != len(v.loops) {
			return true
		}
		n := car.Dims[d]
		periodic := car.Boundary(d).Kind == ir.BoundaryPeriodic
		scaled := false
		lo, hi := a.Offset, a.Offset
		for u, c := range a.Coef {
			scaled = scaled || c > 1 || c < -1
			x, y := c*v.ranges[u][0], c*(v.ranges[u][1]-1)
			lo += min(x, y)
			hi += max(x, y)
		}
		// The allowed values are [least, most].
		least, most := 0, n-1
		if periodic && !scaled {
			least, most = -n, 2*n-1
		}
		if lo >= least && hi <= most {
			continue
		}
		v.reachError(p, idx, d, lo, hi, least, most, periodic, scaled)
		return false
	}
	return true
}

// reachError reports the read p whose dimension d runs lo to hi, outside
// [least, most], at the first output element where it leaves.
func (v *env) reachError(p *lang.Postfix, idx []ir.Affine, d, lo, hi, least, most int, periodic, scaled bool) {
	car := v.carrier
	read := v.state + "[" + strings.Join(indexTexts(p), ", ") + "]"
	vals := v.firstOutside(idx[d], least, most)
	at := ""
	if vals != nil && !idx[d].Const() {
		at = fmt.Sprintf(" at %s, which reads %s", v.outputElem(vals), elemString(v.state, v.readElem(idx, vals)))
	}
	over := ""
	if len(v.loops) > 0 && !idx[d].Const() {
		over = fmt.Sprintf("; over %s the index runs %d to %d", v.loopRanges(), lo, hi)
	}
	n := car.Dims[d]
	subject, are, them := car.SourceName, "is", "it"
	if car.Grid() {
		subject, are, them = [2]string{"the rows of ", "the columns of "}[d]+car.SourceName, "are", "them"
	}
	switch {
	case !periodic:
		v.errorf(lang.Pos(p.Pos), "reach", "%s reads outside %s%s: %s (0 to %d) %s not periodic (%s), and an obs reads only elements inside %s%s",
			read, subject, at, subject, n-1, are, boundaryText(car.Boundary(d)), them, over)
	case scaled:
		v.errorf(lang.Pos(p.Pos), "reach", "%s wraps around %s%s: an index that scales %s must stay inside %s (0 to %d)%s",
			read, subject, at, scaledVars(idx[d], v.loops), subject, n-1, over)
	default:
		v.errorf(lang.Pos(p.Pos), "reach", "%s wraps around %s more than once%s: an obs index may wrap around %s at most once (%d to %d)%s",
			read, subject, at, subject, least, most, over)
	}
}

// firstOutside returns the values of the loop variables at the first
// output element (in row-major order) where a leaves [least, most], or nil
// when the search is too long.
func (v *env) firstOutside(a ir.Affine, least, most int) []int {
	vals := make([]int, len(v.loops))
	for u := range vals {
		vals[u] = v.ranges[u][0]
	}
	for range maxReachSearch {
		x := a.Offset
		for u, c := range a.Coef {
			x += c * vals[u]
		}
		if x < least || x > most {
			return vals
		}
		u := len(vals) - 1
		for u >= 0 {
			vals[u]++
			if vals[u] < v.ranges[u][1] {
				break
			}
			vals[u] = v.ranges[u][0]
			u--
		}
		if u < 0 {
			return nil
		}
	}
	return nil
}

// outputElem names the output element the left-hand side gives at vals.
func (v *env) outputElem(vals []int) string {
	el := make([]int, len(v.lhsIdx))
	u := 0
	for d, l := range v.lhsIdx {
		if l.Var == "" {
			el[d] = l.Fixed
			continue
		}
		el[d] = vals[u]
		u++
	}
	return elemString(v.output, el)
}

// readElem is the element a read with indices idx names at vals, before
// any wrap.
func (v *env) readElem(idx []ir.Affine, vals []int) []int {
	el := make([]int, len(idx))
	for d, a := range idx {
		el[d] = a.Offset
		for u, c := range a.Coef {
			el[d] += c * vals[u]
		}
	}
	return el
}

// loopRanges prints the loop variables with their ranges: "j in 0..19".
func (v *env) loopRanges() string {
	parts := make([]string, len(v.loops))
	for u, l := range v.loops {
		parts[u] = fmt.Sprintf("%s in %d..%d", l, v.ranges[u][0], v.ranges[u][1]-1)
	}
	return strings.Join(parts, ", ")
}

// scaledVars names the loop variables a scales by more than 1.
func scaledVars(a ir.Affine, loops []string) string {
	var out []string
	for u, c := range a.Coef {
		if c > 1 || c < -1 {
			out = append(out, loops[u])
		}
	}
	return strings.Join(out, " and ")
}

// indexTexts prints the indices of a read as written.
func indexTexts(p *lang.Postfix) []string {
	out := make([]string, len(p.Index))
	for i, e := range p.Index {
		out[i] = exprString(e)
	}
	return out
}
