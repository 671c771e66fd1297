// Forward types (data.md §1): a struct type T whose pointer has
// Step(x []float64, t, dt float64) error, its exported float64 fields as
// run-time parameters, and the optional func NewT() *T.
package golink

import (
	"fmt"
	"go/types"
	"strings"

	"golang.org/x/tools/go/packages"
)

// forwardType checks a forward type T: a non-generic struct whose pointer
// has the Step method, and NewT when it exists.
func (l *linker) forwardType(res *Result, o *types.TypeName, p *packages.Package, q types.Qualifier, at string) {
	ref := res.Ref
	wantStep := strings.Replace(WantStep, "*T", "*"+o.Name(), 1)
	wantType := "type " + o.Name() + " struct{…} with the method " + wantStep
	named, ok := types.Unalias(o.Type()).(*types.Named)
	if !ok {
		res.Err = l.wrongSig(ref, describe(o, q), wantType, at, "")
		return
	}
	st, ok := named.Underlying().(*types.Struct)
	switch {
	case named.TypeParams().Len() > 0:
		res.Err = l.wrongSig(ref, describe(o, q), wantType, at, "a forward type cannot have type parameters")
		return
	case !ok:
		res.Err = l.wrongSig(ref, describe(o, q), wantType, at, "a forward type must be a struct")
		return
	}
	m, _, _ := types.LookupFieldOrMethod(types.NewPointer(named), false, named.Obj().Pkg(), "Step")
	fn, isFunc := m.(*types.Func)
	if !isFunc {
		found := "no method Step"
		if m != nil {
			found = "a field Step " + types.TypeString(m.Type(), q)
		}
		res.Err = l.wrongSig(ref, found, wantStep, at, "")
		res.Err.Msg = fmt.Sprintf("go %s %q: type %s has %s%s; want the method %s", ref.Kind, ref, o.Name(), found, at, wantStep)
		return
	}
	sig := fn.Type().(*types.Signature)
	res.Signature = sigString("Step", sig, q)
	if !matches(sig, []types.Type{tSlice, tFloat64, tFloat64}, []types.Type{tError}) {
		res.Err = l.wrongSig(ref, res.Signature, wantStep, " (method declared at "+l.pos(p.Fset, fn.Pos())+")", "")
		return
	}
	res.Form, res.ReturnsError = Type, true
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		if f.Exported() && !f.Embedded() && types.Identical(f.Type(), tFloat64) {
			res.Fields = append(res.Fields, f.Name())
		}
	}
	newName := "New" + o.Name()
	nobj := p.Types.Scope().Lookup(newName)
	if nobj == nil {
		return
	}
	wantNew := strings.ReplaceAll(WantNew, "T", o.Name())
	nfn, ok := nobj.(*types.Func)
	if ok {
		if nsig := nfn.Type().(*types.Signature); matches(nsig, nil, []types.Type{types.NewPointer(named)}) {
			res.HasNew = true
			return
		}
	}
	found := describe(nobj, q)
	if ok {
		found = sigString(newName, nfn.Type().(*types.Signature), q)
	}
	res.Form, res.ReturnsError, res.Fields = 0, false, nil
	res.Err = &Error{Kind: ErrSignature, Found: found, Want: wantNew, Msg: fmt.Sprintf(
		"go %s %q: %s (declared at %s) is %s, want %s: a forward type's New%s, when there is one, gives the parameters' defaults",
		ref.Kind, ref, newName, l.pos(p.Fset, nobj.Pos()), found, wantNew, o.Name())}
}
