// Matrices (R and B) and the CSV data files behind them and behind linear
// obs operators: forms, positive values, and sizes when files are
// readable.
package check

import (
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/ir"
	"github.com/cyclec/cyclec/lang"
)

// dataFile is a parsed CSV data file: rows of numbers separated by
// commas; blank lines and lines starting with # are skipped.
type dataFile struct {
	rel   string // the path as written
	rows  [][]float64
	lines []int // source line of each row
	ok    bool  // read and parsed
}

// count is the number of values in the file.
func (d *dataFile) count() int {
	n := 0
	for _, r := range d.rows {
		n += len(r)
	}
	return n
}

// readData reads and parses the data file rel named by module m, once per
// file. It returns nil when files cannot be read at all (no ReadFile);
// otherwise a dataFile whose ok says whether it parsed. Errors are
// reported at p the first time the file is named.
func (c *checker) readData(m *module, rel string, p diag.Pos) *dataFile {
	if c.cfg.ReadFile == nil || m.std {
		return nil
	}
	full := path.Join(path.Dir(m.filename), rel)
	if d := c.data[full]; d != nil {
		return d
	}
	d := &dataFile{rel: rel}
	c.data[full] = d
	if rel == "" {
		c.diags.Add(p, "file", "empty file name")
		return d
	}
	src, err := c.cfg.ReadFile(full)
	if err != nil {
		c.diags.Add(p, "file", "cannot read %s: %v", rel, err)
		return d
	}
	for i, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, ",")
		row := make([]float64, 0, len(fields))
		for _, f := range fields {
			f = strings.TrimSpace(f)
			x, err := strconv.ParseFloat(f, 64)
			if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
				c.diags.Add(p, "file", "%s:%d: %q is not a finite number", rel, i+1, f)
				return d
			}
			row = append(row, x)
		}
		d.rows = append(d.rows, row)
		d.lines = append(d.lines, i+1)
	}
	if len(d.rows) == 0 {
		c.diags.Add(p, "file", "%s holds no numbers", rel)
		return d
	}
	d.ok = true
	return d
}

// matrixForms lists the matrix forms for messages.
const matrixForms = `diag(v), diag("v.csv"), "M.csv" or scaled_identity(v)`

// matrixOf reads a matrix value: diag(v > 0), diag("v.csv"), "M.csv" or
// scaled_identity(v > 0), or k * M for any of them with a constant k > 0.
// The data file, when there is one and it can be read, is returned for
// the size check at the place of use.
func (c *checker) matrixOf(v *env, val *lang.Value, label string) (*ir.Matrix, *dataFile, bool) {
	if val == nil {
		return nil, nil, false
	}
	k, m := splitScale(val)
	if k == nil {
		return c.matrixForm(v, val, label)
	}
	if !isMatrixForm(m) {
		d := c.diags.Add(lang.Pos(m.Pos), "value", "%s = k * M needs a matrix M after the scale: %s", label, matrixForms)
		if isMatrixForm(k) {
			d.Msg += "; the scale comes first, as in 0.5 * diag(1.0)"
		}
		return nil, nil, false
	}
	scale, ok := c.numberOf(v, k, "the scale of "+label)
	if ok && !(scale > 0) {
		c.diags.Add(lang.Pos(k.Pos), "value", "the scale of %s must be positive, got %s: k * M with k > 0 is a covariance when M is", label, fmtNum(scale))
		ok = false
	}
	mx, df, good := c.matrixForm(v, m, label)
	if mx == nil {
		return nil, nil, false
	}
	mx.Scale = scale
	return mx, df, ok && good
}

// splitScale splits a value written as a product k * M into the scale
// (every factor but the last) and the matrix (the last factor), or
// returns nils when the value is not such a product.
func splitScale(val *lang.Value) (k, m *lang.Value) {
	if val.Go != nil || val.Expr == nil {
		return nil, nil
	}
	e := val.Expr
	if len(e.Rest) > 0 || e.Left == nil || len(e.Left.Rest) > 0 {
		return nil, nil
	}
	cmp := e.Left.Left
	if cmp == nil || cmp.Op != "" || cmp.Left == nil || len(cmp.Left.Rest) > 0 {
		return nil, nil
	}
	mul := cmp.Left.Left
	if mul == nil || len(mul.Rest) == 0 {
		return nil, nil
	}
	last := mul.Rest[len(mul.Rest)-1]
	if last == nil || last.Op != "*" || last.Right == nil {
		return nil, nil
	}
	wrap := func(m *lang.MulExpr) *lang.Value {
		x := &lang.Expr{Pos: m.Pos, EndPos: m.EndPos, Left: &lang.AndExpr{Pos: m.Pos, EndPos: m.EndPos,
			Left: &lang.CmpExpr{Pos: m.Pos, EndPos: m.EndPos, Left: &lang.AddExpr{Pos: m.Pos, EndPos: m.EndPos, Left: m}}}}
		return &lang.Value{Pos: m.Pos, EndPos: m.EndPos, Expr: x}
	}
	kEnd := mul.Rest[len(mul.Rest)-1].Pos
	if len(mul.Rest) > 1 && mul.Rest[len(mul.Rest)-2].Right != nil {
		kEnd = mul.Rest[len(mul.Rest)-2].Right.EndPos
	} else if mul.Left != nil {
		kEnd = mul.Left.EndPos
	}
	k = wrap(&lang.MulExpr{Pos: mul.Pos, EndPos: kEnd, Left: mul.Left, Rest: mul.Rest[:len(mul.Rest)-1]})
	m = wrap(&lang.MulExpr{Pos: last.Right.Pos, EndPos: last.Right.EndPos, Left: last.Right})
	return k, m
}

// isMatrixForm reports whether a value is written as one of the matrix
// forms (a string, or a call of diag or scaled_identity).
func isMatrixForm(val *lang.Value) bool {
	if _, ok := stringOf(val); ok {
		return true
	}
	cl := callOf(val)
	return cl != nil && cl.Args != nil && (callName(cl) == "diag" || callName(cl) == "scaled_identity")
}

// matrixForm reads one of the unscaled matrix forms.
func (c *checker) matrixForm(v *env, val *lang.Value, label string) (*ir.Matrix, *dataFile, bool) {
	p := lang.Pos(val.Pos)
	if s, ok := stringOf(val); ok {
		df := c.readData(v.mod, s, p)
		return &ir.Matrix{Kind: ir.MatrixFile, Pos: p, Scale: 1, Path: s}, df, df == nil || df.ok
	}
	cl := callOf(val)
	if cl == nil || cl.Args == nil || (callName(cl) != "diag" && callName(cl) != "scaled_identity") {
		c.diags.Add(p, "value", "%s must be a matrix: %s", label, matrixForms)
		return nil, nil, false
	}
	name := callName(cl)
	args, ok := c.bindArgs(cl, []string{"v"})
	if !ok {
		return nil, nil, false
	}
	a := args["v"]
	if a == nil {
		c.diags.Add(p, "call", "%s needs its value: %s(v)", name, name)
		return nil, nil, false
	}
	if s, isStr := stringOf(a); isStr {
		if name != "diag" {
			c.diags.Add(lang.Pos(a.Pos), "value", "scaled_identity takes a number, not a file")
			return nil, nil, false
		}
		df := c.readData(v.mod, s, lang.Pos(a.Pos))
		if df != nil && df.ok {
			for i, r := range df.rows {
				for _, x := range r {
					if x <= 0 {
						c.diags.Add(lang.Pos(a.Pos), "value", "%s:%d: variance %s must be positive", s, df.lines[i], fmtNum(x))
						return nil, nil, false
					}
				}
			}
		}
		return &ir.Matrix{Kind: ir.MatrixDiagFile, Pos: p, Scale: 1, Path: s}, df, df == nil || df.ok
	}
	if name == "diag" {
		if vals, isVec, ok := c.diagVector(v, a); isVec {
			return &ir.Matrix{Kind: ir.MatrixDiag, Pos: p, Scale: 1, Values: vals}, nil, ok
		}
	}
	x, ok := c.numberOf(v, a, name+"'s value")
	if !ok {
		return nil, nil, false
	}
	if x <= 0 {
		c.diags.Add(lang.Pos(a.Pos), "value", "%s(%s): the variance must be positive", name, fmtNum(x))
		return nil, nil, false
	}
	kind := ir.MatrixDiag
	if name == "scaled_identity" {
		kind = ir.MatrixScaledIdentity
	}
	return &ir.Matrix{Kind: kind, Pos: p, Scale: 1, Value: x}, nil, true
}

// diagVector reads the argument of diag when it is a vector, inline
// ([1.0, 2.0]) or a constant: isVec reports whether it was handled here
// (a vector, or a literal or name whose errors were reported), and ok
// whether every variance is positive (each one that is not is reported at
// its place).
func (c *checker) diagVector(v *env, a *lang.Value) (vals []float64, isVec, ok bool) {
	if a.Go != nil || a.Expr == nil {
		return nil, false, false
	}
	p := soloPrimary(a.Expr)
	inline := p != nil && p.Vector != nil
	if !inline && (p == nil || p.Call == nil || p.Call.Args != nil) {
		return nil, false, false // not a vector literal, nor a name that could denote one
	}
	x := v.expr(a.Expr)
	switch {
	case x.kind == vBad:
		return nil, true, false // reported by expr
	case x.kind != vVec:
		return nil, false, false // a number, or a misuse numberOf reports
	case len(x.vec) == 0:
		c.diags.Add(lang.Pos(a.Pos), "value", "diag([]) has no variances")
		return nil, true, false
	}
	ok = true
	for i, y := range x.vec {
		if !(y > 0) {
			at := lang.Pos(a.Pos)
			if inline && i < len(p.Vector) && p.Vector[i] != nil {
				at = lang.Pos(p.Vector[i].Pos)
			}
			c.diags.Add(at, "value", "diag: variance %d is %s, but every variance must be positive", i, fmtNum(y))
			ok = false
		}
	}
	return x.vec, true, ok
}

// sizeMatrix sets the size of a matrix used where an n×n matrix is
// needed (what describes that place) and checks the file behind it.
func (c *checker) sizeMatrix(mx *ir.Matrix, df *dataFile, n int, what string) bool {
	if mx.Size == 0 {
		mx.Size = n
		c.sizedFor[mx] = what
	} else if mx.Size != n {
		// One analysis's B serving two cycles of different states.
		c.diags.Add(mx.Pos, "shape", "this matrix is %d×%d for %s, but %s needs %d×%d: declare one analysis for each state size",
			mx.Size, mx.Size, c.sizedFor[mx], what, n, n)
		return false
	}
	if mx.Values != nil && len(mx.Values) != n {
		c.diags.Add(mx.Pos, "shape", "diag has %d variances, but %s needs %d", len(mx.Values), what, n)
		return false
	}
	if df == nil || !df.ok {
		return true
	}
	switch mx.Kind {
	case ir.MatrixDiagFile:
		if got := df.count(); got != n {
			c.diags.Add(mx.Pos, "shape", "%s holds %d values, but %s needs %d", df.rel, got, what, n)
			return false
		}
	case ir.MatrixFile:
		if len(df.rows) != n {
			c.diags.Add(mx.Pos, "shape", "%s has %d rows, but %s needs a %d×%d matrix", df.rel, len(df.rows), what, n, n)
			return false
		}
		for i, r := range df.rows {
			if len(r) != n {
				c.diags.Add(mx.Pos, "shape", "%s:%d: row has %d columns, but %s needs a %d×%d matrix", df.rel, df.lines[i], len(r), what, n, n)
				return false
			}
		}
		return c.checkCovariance(mx, df)
	}
	return true
}

// sizeVector checks a vector (oi's mean) used where the n elements of a
// state are needed (what describes that place): the values given, or
// those of the file behind it when it can be read.
func (c *checker) sizeVector(vec *ir.Vector, df *dataFile, n int, what string) bool {
	if vec.Values != nil {
		if len(vec.Values) != n {
			c.diags.Add(vec.Pos, "shape", "mean has %d values, but %s has %d elements", len(vec.Values), what, n)
			return false
		}
		return true
	}
	if df == nil || !df.ok {
		return true
	}
	if got := df.count(); got != n {
		c.diags.Add(vec.Pos, "shape", "%s holds %d values, but %s has %d elements", df.rel, got, what, n)
		return false
	}
	return true
}
