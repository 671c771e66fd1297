// Reads of carriers that are not periodic in every dimension, with the
// boundary rules resolved at generation time: over each piece of a loop
// (stencil.go cuts the loops where a read leaves or enters the carrier) a
// read is inside, and plain, or outside, and then reads the clamped edge
// element or is replaced by the fixed value. Only a read whose piece could
// not be cut (an index mixing two ranged loop variables, or a loop with
// too many pieces) keeps run-time helpers: cycClamp for the index and
// cycIn with cycPick for a fixed value.
package codegen

import (
	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// bound is the rule of dimension d of the carrier the expressions read.
func (env *exprEnv) bound(d int) ir.Boundary {
	if d < len(env.bounds) {
		return env.bounds[d]
	}
	return ir.Boundary{}
}

// periodic reports whether every dimension the expressions read wraps.
func (env *exprEnv) periodic() bool {
	for _, b := range env.bounds {
		if b.Kind != ir.BoundaryPeriodic {
			return false
		}
	}
	return true
}

// fixedTest is a fixed-value dimension whose read may fall inside or
// outside over a piece: inside when cond holds, else the value.
type fixedTest struct {
	cond  jen.Code
	value float64
}

// read renders a read of a carrier with a non-periodic dimension under the
// loop bindings, and its Go precedence.
func (env *exprEnv) read(idx []ir.Affine, bound []binding) (jen.Code, int) {
	r := env.resolve(idx, bound)
	var base jen.Code
	prec := precPrimary
	if r.outside {
		base, prec = num(r.value, true)
		if prec < precPrimary {
			// "q[5] - (-1.0)" reads better than "q[5] - -1.0".
			base, prec = jen.Parens(base), precPrimary
		}
	} else {
		base = jen.Id(env.arr).Index(r.flat)
	}
	return r.pick(base, prec)
}

// pick wraps a read in the run-time tests of the fixed dimensions it may
// fall outside of: cycPick(in, read, value).
func (r resolved) pick(base jen.Code, prec int) (jen.Code, int) {
	for i := len(r.tests) - 1; i >= 0; i-- {
		v, _ := num(r.tests[i].value, true)
		base, prec = jen.Id("cycPick").Call(r.tests[i].cond, base, v), precPrimary
	}
	return base, prec
}

// resolved is a read with the boundary rules applied over a piece: the
// flat index it reads (when inside), or the fixed value it gives instead
// over the whole piece (outside), and the run-time tests of fixed
// dimensions it may fall outside of.
type resolved struct {
	flat    jen.Code
	outside bool
	value   float64
	tests   []fixedTest
}

// resolve applies the boundary rules to a read under the loop bindings.
func (env *exprEnv) resolve(idx []ir.Affine, bound []binding) resolved {
	total := linear{coef: make([]int, len(bound))}
	var terms []jen.Code // index parts resolved at run time
	var tests []fixedTest
	outside, value := false, 0.0 // a fixed dimension read outside over the whole piece
	parts := make([]jen.Code, len(idx))
	stride := 1
	strides := make([]int, len(idx))
	for d := len(idx) - 1; d >= 0; d-- {
		strides[d] = stride
		stride *= env.dims[d]
	}
	for d, a := range idx {
		N, b := env.dims[d], env.bound(d)
		f, lo, hi := pieceRange(a, bound)
		var part jen.Code // set when the index needs a helper
		switch b.Kind {
		case ir.BoundaryPeriodic:
			if k := floorDiv(lo, N); k == floorDiv(hi, N) {
				f.k -= k * N
			} else {
				env.g.helpers["cycWrap"] = true
				part = jen.Id("cycWrap").Call(f.render(bound), jen.Lit(N))
			}
		default:
			rlo, rhi := region(lo, N, false), region(hi, N, false)
			switch {
			case rlo == 0 && rhi == 0:
			case rlo == rhi && b.Kind == ir.BoundaryClamp:
				f = linear{coef: make([]int, len(bound)), k: max(0, min(N-1, lo))}
			case rlo == rhi:
				if !outside {
					outside, value = true, b.Value
				}
			default:
				env.g.helpers["cycClamp"] = true
				part = jen.Id("cycClamp").Call(f.render(bound), jen.Lit(N))
				if b.Kind == ir.BoundaryFixed && !outside {
					env.g.helpers["cycIn"], env.g.helpers["cycPick"] = true, true
					tests = append(tests, fixedTest{cond: jen.Id("cycIn").Call(f.render(bound), jen.Lit(N)), value: b.Value})
				}
			}
		}
		if part == nil {
			for v := range f.coef {
				total.coef[v] += f.coef[v] * strides[d]
			}
			total.k += f.k * strides[d]
			continue
		}
		if strides[d] != 1 {
			part = jen.Lit(strides[d]).Op("*").Add(part)
		}
		parts[d] = part
	}
	if outside {
		return resolved{outside: true, value: value, tests: tests}
	}
	for _, p := range parts {
		if p != nil {
			terms = append(terms, p)
		}
	}
	if len(terms) == 0 {
		return resolved{flat: total.render(bound), tests: tests}
	}
	s := jen.Add(terms[0])
	for _, t := range terms[1:] {
		s = s.Op("+").Add(t)
	}
	if !total.zero() {
		s = s.Op("+").Add(total.render(bound))
	}
	return resolved{flat: s, tests: tests}
}

// pieceRange is index a with the fixed loop variables folded in, and its
// least and greatest values over the ranged ones.
func pieceRange(a ir.Affine, bound []binding) (f linear, lo, hi int) {
	f = linear{coef: make([]int, len(bound)), k: a.Offset}
	lo, hi = a.Offset, a.Offset
	for v, c := range a.Coef {
		if c == 0 {
			continue
		}
		b := bound[v]
		if b.name == "" {
			f.k += c * b.fixed
			lo += c * b.fixed
			hi += c * b.fixed
			continue
		}
		f.coef[v] = c
		x, y := c*b.lo, c*(b.hi-1)
		lo += min(x, y)
		hi += max(x, y)
	}
	return f, lo, hi
}
