// Carriers (language.md §3): nominal state shapes with positive integer
// constant dimensions, vec (one dimension) or grid (two, row-major), and
// their boundary rules (boundary.go).
package check

import (
	"math"

	"github.com/cyclec/cyclec/ir"
	"github.com/cyclec/cyclec/lang"
)

// maxElements bounds the size of a carrier (4M elements, a 2048×2048
// grid): shapes become fixed-size Go arrays, ensembles hold many of them,
// and the IR carries initial means element by element.
const maxElements = 1 << 22

// checkCarrier computes a carrier's shape.
func (c *checker) checkCarrier(o *object, d *lang.CarrierDecl) {
	want := 0
	switch d.Kind.Text() {
	case "vec":
		want = 1
	case "grid":
		want = 2
	default:
		at := o.pos
		if d.Kind != nil {
			at = lang.Pos(d.Kind.Pos)
		}
		c.diags.Add(at, "carrier", "unknown carrier kind %s (want vec[N] or grid[R, C])", d.Kind.Text())
		o.bad = true
		return
	}
	if len(d.Shape) != want {
		c.diags.Add(o.pos, "shape", "%s takes %s, got %d", d.Kind.Text(), dimsWord(want), len(d.Shape))
		o.bad = true
		return
	}
	v := c.constEnv(o)
	v.where = "a shape"
	dims := make([]int, 0, want)
	size := 1
	for _, e := range d.Shape {
		n, ok := c.shape(v, e)
		if !ok {
			o.bad = true
			continue
		}
		dims = append(dims, n)
		if size <= maxElements {
			size *= n
		}
	}
	if o.bad {
		return
	}
	if size > maxElements {
		c.diags.Add(o.pos, "shape", "carrier %s has more than %d elements", d.Name, maxElements)
		o.bad = true
		return
	}
	car := &ir.Carrier{Name: o.goName, SourceName: o.srcName, Pos: o.pos, Doc: o.doc, Dims: dims}
	// A bad boundary is reported and the carrier kept periodic, so that
	// the models over it are still checked.
	c.carrierOptions(o, d, car)
	o.carrier = car
}

// shape folds one dimension: a positive whole number.
func (c *checker) shape(v *env, e *lang.Expr) (int, bool) {
	x := v.expr(e)
	if x.kind == vBad {
		return 0, false
	}
	p := x.pos
	if e != nil {
		p = lang.Pos(e.Pos)
	}
	if x.kind != vNum {
		c.diags.Add(p, "shape", "shape %s must be a number, not %s", exprString(e), describe(x))
		return 0, false
	}
	if x.num != math.Trunc(x.num) {
		c.diags.Add(p, "shape", "shape %s is not a whole number", valueText(e, x.num))
		return 0, false
	}
	if x.num < 1 {
		c.diags.Add(p, "shape", "shape %s must be positive", valueText(e, x.num))
		return 0, false
	}
	if x.num > maxElements {
		c.diags.Add(p, "shape", "shape %s is too large (at most %d elements)", valueText(e, x.num), maxElements)
		return 0, false
	}
	return int(x.num), true
}
