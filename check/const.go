// Constants (language.md §3): folded scalars and vectors.
package check

import (
	"github.com/cyclec/cyclec/ir"
	"github.com/cyclec/cyclec/lang"
)

// checkConst folds a constant declaration.
func (c *checker) checkConst(o *object, d *lang.ConstDecl) {
	v := c.constEnv(o)
	v.where = "a constant"
	x := v.expr(d.Value)
	switch x.kind {
	case vBad:
		o.bad = true
		return
	case vNum, vVec:
	default:
		c.diags.Add(x.pos, "type", "constant %s must be a number or a vector of numbers, not %s", d.Name, describe(x))
		o.bad = true
		return
	}
	if o.bad { // part of a dependency cycle
		return
	}
	x.from = nil
	o.cval = x
	k := &ir.Const{Name: o.goName, SourceName: o.srcName, Pos: o.pos, Doc: o.doc}
	if x.kind == vVec {
		k.Vec = x.vec
	} else {
		k.Value = x.num
		k.IsInt = x.isInt
	}
	o.konst = k
}
