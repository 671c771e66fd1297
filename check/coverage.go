// Coverage of a carrier by the left-hand sides of a body's equations:
// every element given exactly once, overlaps and gaps named by element.
// Each left-hand side gives a box of elements (a loop over a dimension or
// a range of it, or a fixed element), so the work is on boxes, never on
// the elements themselves.
package check

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/ir"
)

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

// span is the box of elements a left-hand side gives: [lo[d], hi[d]) in
// every dimension d.
func span(lhs []ir.LHSIndex, dims []int) (lo, hi []int) {
	lo, hi = make([]int, len(dims)), make([]int, len(dims))
	for d := range dims {
		lo[d], hi[d] = lhs[d].Span(dims[d])
	}
	return lo, hi
}

// overlap reports whether two left-hand sides share elements, how many,
// and the first (the least in row-major order).
func overlap(a, b []ir.LHSIndex, dims []int) (int, []int, bool) {
	alo, ahi := span(a, dims)
	blo, bhi := span(b, dims)
	n := 1
	first := make([]int, len(dims))
	for d := range dims {
		lo, hi := max(alo[d], blo[d]), min(ahi[d], bhi[d])
		if lo >= hi {
			return 0, nil, false
		}
		n *= hi - lo
		first[d] = lo
	}
	return n, first, true
}

// maxGapsNamed is how many uncovered elements a message names.
const maxGapsNamed = 3

// gapsOf finds the elements no equation gives: the first few (in row-major
// order) and how many. It works on the boxes of the left-hand sides, cut
// into blocks where any box starts or ends, so the cost is bounded by the
// number of equations, not the size of the carrier. A vec is handled as a
// grid of one row.
func gapsOf(eqs []*eqInfo, dims []int) ([][]int, int) {
	if len(dims) != 1 && len(dims) != 2 {
		return nil, 0
	}
	grid := append([]int(nil), dims...)
	if len(dims) == 1 {
		grid = []int{1, dims[0]}
	}
	type box struct{ lo, hi [2]int }
	boxes := make([]box, 0, len(eqs))
	cuts := [2][]int{{0, grid[0]}, {0, grid[1]}}
	for _, e := range eqs {
		lo, hi := span(e.eq.LHS, dims)
		var b box
		if len(dims) == 1 {
			b = box{[2]int{0, lo[0]}, [2]int{1, hi[0]}}
		} else {
			b = box{[2]int{lo[0], lo[1]}, [2]int{hi[0], hi[1]}}
		}
		boxes = append(boxes, b)
		for d := range 2 {
			cuts[d] = append(cuts[d], b.lo[d], b.hi[d])
		}
	}
	for d := range 2 {
		sort.Ints(cuts[d])
		cuts[d] = slices.Compact(cuts[d])
	}
	rows, cols := len(cuts[0])-1, len(cuts[1])-1
	covered := make([]bool, rows*cols)
	for _, b := range boxes {
		r0, r1 := sort.SearchInts(cuts[0], b.lo[0]), sort.SearchInts(cuts[0], b.hi[0])
		c0, c1 := sort.SearchInts(cuts[1], b.lo[1]), sort.SearchInts(cuts[1], b.hi[1])
		for r := r0; r < r1; r++ {
			for c := c0; c < c1; c++ {
				covered[r*cols+c] = true
			}
		}
	}
	var gaps [][]int
	total := 0
	for r := range rows {
		open := false
		for c := range cols {
			if !covered[r*cols+c] {
				open = true
				total += (cuts[0][r+1] - cuts[0][r]) * (cuts[1][c+1] - cuts[1][c])
			}
		}
		// The first row of a block with a gap names at least one element,
		// so this loop runs at most maxGapsNamed times per block.
		for i := cuts[0][r]; open && i < cuts[0][r+1] && len(gaps) < maxGapsNamed; i++ {
			for c := 0; c < cols && len(gaps) < maxGapsNamed; c++ {
				if covered[r*cols+c] {
					continue
				}
				for j := cuts[1][c]; j < cuts[1][c+1] && len(gaps) < maxGapsNamed; j++ {
					if len(dims) == 1 {
						gaps = append(gaps, []int{j})
					} else {
						gaps = append(gaps, []int{i, j})
					}
				}
			}
		}
	}
	return gaps, total
}
