// Equations over carriers, with the periodic wrap resolved at generation
// time. For each loop variable the range is cut where any index that
// depends on it crosses a multiple of its dimension; each piece then reads
// every index as a plain affine expression (the wrap subtracted as a
// constant), short pieces are unrolled with all indices folded to
// literals, and long ones become loops with no modulo. Only an index that
// mixes two ranged loop variables and really wraps falls back to a
// generated modulo helper.
package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// Limits of the piecewise decomposition.
const (
	unrollMax = 2  // pieces this short are unrolled
	piecesMax = 12 // more pieces than this per loop: one loop with modulo reads
)

// eqTarget is where a set of equations writes.
type eqTarget struct {
	arr  string // Go name of the array assigned
	dims []int  // its carrier's shape
}

// floorDiv is a/b rounded towards minus infinity (b > 0).
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// mod is a modulo b in [0, b) (b > 0).
func mod(a, b int) int { return a - floorDiv(a, b)*b }

// emitEquations appends the statements that evaluate eqs into out.
// loopName gives the Go name of a source loop variable.
func (env *exprEnv) emitEquations(grp *jen.Group, eqs []*ir.Equation, out eqTarget, loopName func(string) string) {
	for _, eq := range eqs {
		var reads []*ir.Index
		collectIndexes(eq.RHS, &reads)
		vars := eq.Loops()
		ranges := make([][2]int, 0, len(vars))
		for d, l := range eq.LHS {
			if l.Var != "" {
				lo, hi := l.Span(out.dims[d])
				ranges = append(ranges, [2]int{lo, hi})
			}
		}
		w := &eqWriter{env: env, eq: eq, out: out, reads: reads, vars: vars, ranges: ranges, loopName: loopName}
		w.emit(grp, make([]binding, 0, len(vars)))
	}
}

// collectIndexes appends every state read of e to out.
func collectIndexes(e ir.Expr, out *[]*ir.Index) {
	walkExpr(e, func(x ir.Expr) bool {
		if r, ok := x.(*ir.Index); ok {
			*out = append(*out, r)
		}
		return true
	})
}

// eqWriter emits one equation.
type eqWriter struct {
	env      *exprEnv
	eq       *ir.Equation
	out      eqTarget
	reads    []*ir.Index
	vars     []string
	ranges   [][2]int // elements [lo, hi) of each loop variable
	loopName func(string) string
	// leaf, when set, writes the statements at the element the bindings
	// fix instead of the assignment (the adjoint's scatter).
	leaf func(grp *jen.Group, bound []binding)
}

// emit binds the next loop variable piece by piece and recurses; with all
// bound it writes the assignment.
func (w *eqWriter) emit(grp *jen.Group, bound []binding) {
	v := len(bound)
	if v == len(w.vars) {
		w.env.site = w.lhsIndex
		if w.leaf != nil {
			w.leaf(grp, bound)
			return
		}
		rhs, _ := w.env.expr(w.eq.RHS, bound)
		grp.Id(w.out.arr).Index(w.lhsIndex(bound)).Op("=").Add(rhs)
		return
	}
	for _, pc := range w.pieces(v, bound) {
		lo, hi := pc[0], pc[1]
		if hi-lo <= unrollMax {
			for val := lo; val < hi; val++ {
				w.emit(grp, append(bound, binding{fixed: val}))
			}
			continue
		}
		name := w.loopName(w.vars[v])
		b := binding{name: name, lo: lo, hi: hi}
		body := func(g *jen.Group) { w.emit(g, append(bound, b)) }
		if lo == 0 {
			grp.For(jen.Id(name).Op(":=").Range().Lit(hi)).BlockFunc(body)
		} else {
			grp.For(jen.Id(name).Op(":=").Lit(lo), jen.Id(name).Op("<").Lit(hi), jen.Id(name).Op("++")).BlockFunc(body)
		}
	}
}

// pieces cuts the range of loop variable v into runs over which no index
// that depends on v (and otherwise only on fixed variables) changes its
// wrap count, or, in a dimension that is not periodic, whether it is
// before, inside or past the carrier.
func (w *eqWriter) pieces(v int, bound []binding) [][2]int {
	first, n := w.ranges[v][0], w.ranges[v][1]
	cut := make([]bool, n+1)
	for _, r := range w.reads {
		for d, a := range r.Idx {
			c := a.Coef[v]
			if c == 0 {
				continue
			}
			off, ok := a.Offset, true
			for u, cu := range a.Coef {
				if u == v || cu == 0 {
					continue
				}
				if u > v || bound[u].name != "" {
					ok = false // wraps, if any, are resolved where the index is read
					break
				}
				off += cu * bound[u].fixed
			}
			if !ok {
				continue
			}
			N, periodic := w.env.dims[d], w.env.bound(d).Kind == ir.BoundaryPeriodic
			prev := region(c*first+off, N, periodic)
			for val := first + 1; val < n; val++ {
				k := region(c*val+off, N, periodic)
				if k != prev {
					cut[val] = true
				}
				prev = k
			}
		}
	}
	var out [][2]int
	lo := first
	for val := first + 1; val <= n; val++ {
		if val == n || cut[val] {
			out = append(out, [2]int{lo, val})
			lo = val
		}
	}
	if len(out) > piecesMax {
		return [][2]int{{first, n}}
	}
	return out
}

// region is where index a falls in a dimension of N elements: its wrap
// count when the dimension is periodic, else -1 before it, 0 inside and 1
// past it.
func region(a, N int, periodic bool) int {
	k := floorDiv(a, N)
	if !periodic {
		k = max(-1, min(1, k))
	}
	return k
}

// linear is an integer expression Σ coef[v]·loop_v + k over the ranged loop
// variables of a piece.
type linear struct {
	coef []int
	k    int
}

// lhsIndex is the flat index of the element the equation assigns.
func (w *eqWriter) lhsIndex(bound []binding) jen.Code {
	f := linear{coef: make([]int, len(bound))}
	stride := 1
	for d := len(w.eq.LHS) - 1; d >= 0; d-- {
		l := w.eq.LHS[d]
		if l.Var == "" {
			f.k += l.Fixed * stride
		} else {
			v := loopPos(w.eq.LHS, d)
			if bound[v].name == "" {
				f.k += bound[v].fixed * stride
			} else {
				f.coef[v] += stride
			}
		}
		stride *= w.out.dims[d]
	}
	return f.render(bound)
}

// loopPos is the position among the loop variables of LHS dimension d.
func loopPos(lhs []ir.LHSIndex, d int) int {
	n := 0
	for i := 0; i < d; i++ {
		if lhs[i].Var != "" {
			n++
		}
	}
	return n
}

// index renders the flat index of a state read under the loop bindings:
// each dimension's affine index has its wrap count over the piece
// subtracted as a constant, or, when that count is not constant, goes
// through the modulo helper.
func (env *exprEnv) index(idx []ir.Affine, bound []binding) jen.Code {
	total := linear{coef: make([]int, len(bound))}
	var wrapped []jen.Code
	stride := 1
	for d := len(idx) - 1; d >= 0; d-- {
		a, N := idx[d], env.dims[d]
		f, lo, hi := pieceRange(a, bound)
		if k := floorDiv(lo, N); k == floorDiv(hi, N) {
			f.k -= k * N
			for v := range f.coef {
				total.coef[v] += f.coef[v] * stride
			}
			total.k += f.k * stride
		} else {
			env.g.helpers["cycWrap"] = true
			term := jen.Id("cycWrap").Call(f.render(bound), jen.Lit(N))
			if stride != 1 {
				term = jen.Lit(stride).Op("*").Add(term)
			}
			wrapped = append(wrapped, term)
		}
		stride *= N
	}
	if len(wrapped) == 0 {
		return total.render(bound)
	}
	s := jen.Add(wrapped[0])
	for _, t := range wrapped[1:] {
		s = s.Op("+").Add(t)
	}
	if !total.zero() {
		s = s.Op("+").Add(total.render(bound))
	}
	return s
}

// zero reports whether f is identically 0.
func (f linear) zero() bool {
	for _, c := range f.coef {
		if c != 0 {
			return false
		}
	}
	return f.k == 0
}

// render prints f the way a person would: "i+1", "32*i+j", "39-i".
func (f linear) render(bound []binding) jen.Code {
	s := &jen.Statement{}
	first := true
	term := func(c int, name string) {
		switch {
		case first && c < 0:
			s.Op("-")
		case !first && c < 0:
			s.Op("-")
		case !first:
			s.Op("+")
		}
		if c < 0 {
			c = -c
		}
		if c != 1 {
			s.Lit(c).Op("*")
		}
		s.Id(name)
		first = false
	}
	lead := -1
	for v, c := range f.coef {
		if c != 0 {
			lead = v
			break
		}
	}
	if lead >= 0 && f.coef[lead] < 0 && f.k > 0 {
		// "39-i" reads better than "-i+39".
		s.Lit(f.k)
		first = false
		for v, c := range f.coef {
			if c != 0 {
				term(c, bound[v].name)
			}
		}
		return s
	}
	for v, c := range f.coef {
		if c != 0 {
			term(c, bound[v].name)
		}
	}
	switch {
	case first:
		s.Lit(f.k)
	case f.k > 0:
		s.Op("+").Lit(f.k)
	case f.k < 0:
		s.Op("-").Lit(-f.k)
	}
	return s
}
