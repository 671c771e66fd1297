// The signatures each kind of Go reference must have (data.md §1), matched
// with go/types, and Go source text for the ones found and wanted.
package golink

import (
	"fmt"
	"go/types"
	"strings"
)

// RuntimePath is the import path of the cyclec runtime, whose
// GoAnalysisConfig and Analysis a Go analysis constructor uses.
const RuntimePath = "github.com/cyclec/cyclec/runtime"

// The wanted signatures as Go source text, for messages and docs.
const (
	WantForward      = "func(x []float64, t, dt float64)"                         // forward function, no error result
	WantForwardError = "func(x []float64, t, dt float64) error"                   // forward function with an error result
	WantStep         = "func (m *T) Step(x []float64, t, dt float64) error"       // the Step method of a forward type T
	WantNew          = "func NewT() *T"                                           // the optional constructor of a forward type T
	WantObs          = "func(y, x []float64)"                                     // observation operator
	WantJacobian     = "func(J, x []float64)"                                     // Jacobian of an observation operator
	WantSource       = "func(t float64, y []float64) (ok bool, err error)"        // observation source
	WantAnalysis     = "func(cfg cycrt.GoAnalysisConfig) (cycrt.Analysis, error)" // analysis constructor (cycrt is RuntimePath)
	WantTangent      = "func(x, dx []float64, t, dt float64)"                     // tangent-linear of a forward function: dx ← M dx
	WantAdjoint      = "func(x, ax []float64, t, dt float64)"                     // adjoint of a forward function: ax ← Mᵀ ax
)

// Types the signatures are built from.
var (
	tFloat64 = types.Typ[types.Float64]
	tBool    = types.Typ[types.Bool]
	tSlice   = types.NewSlice(tFloat64)
	tError   = types.Universe.Lookup("error").Type()
)

// matches reports whether sig (a function or method type; the receiver
// is ignored) is neither generic nor variadic and has exactly the given
// parameter and result types.
func matches(sig *types.Signature, params, results []types.Type) bool {
	if sig.TypeParams().Len() > 0 || sig.Variadic() || sig.Params().Len() != len(params) || sig.Results().Len() != len(results) {
		return false
	}
	for i, t := range params {
		if !types.Identical(sig.Params().At(i).Type(), t) {
			return false
		}
	}
	for i, t := range results {
		if !types.Identical(sig.Results().At(i).Type(), t) {
			return false
		}
	}
	return true
}

// isRuntimeType reports whether t is the named type name of the cyclec
// runtime.
func isRuntimeType(t types.Type, name string) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == RuntimePath && n.Obj().Name() == name
}

// funcMatch checks a package-level function against the signature of
// kind, returning whether it returns an error (forward functions only)
// and whether it matched. A tangent-linear or adjoint has no error
// result: the analyses call them through cycrt.TangentModel, whose
// methods do not fail.
func funcMatch(kind Kind, sig *types.Signature) (returnsError, ok bool) {
	switch kind {
	case Forward:
		if matches(sig, []types.Type{tSlice, tFloat64, tFloat64}, nil) {
			return false, true
		}
		return true, matches(sig, []types.Type{tSlice, tFloat64, tFloat64}, []types.Type{tError})
	case Obs, Jacobian:
		return false, matches(sig, []types.Type{tSlice, tSlice}, nil)
	case Source:
		return true, matches(sig, []types.Type{tFloat64, tSlice}, []types.Type{tBool, tError})
	case Tangent, Adjoint:
		return false, matches(sig, []types.Type{tSlice, tSlice, tFloat64, tFloat64}, nil)
	case Analysis:
		if sig.TypeParams().Len() > 0 || sig.Variadic() || sig.Params().Len() != 1 || sig.Results().Len() != 2 {
			return true, false
		}
		return true, isRuntimeType(sig.Params().At(0).Type(), "GoAnalysisConfig") &&
			isRuntimeType(sig.Results().At(0).Type(), "Analysis") &&
			types.Identical(sig.Results().At(1).Type(), tError)
	}
	return false, false
}

// wantFunc is the wanted signature of a function of kind, as Go source.
func wantFunc(kind Kind) string {
	switch kind {
	case Forward:
		return WantForward + " or " + WantForwardError
	case Obs:
		return WantObs
	case Jacobian:
		return WantJacobian
	case Source:
		return WantSource
	case Analysis:
		return WantAnalysis
	case Tangent:
		return WantTangent
	case Adjoint:
		return WantAdjoint
	}
	return "?"
}

// qualifier prints types of the referenced package unqualified, the cyclec
// runtime as cycrt (as the wanted signatures name it) and any other
// package by its name.
func qualifier(self *types.Package) types.Qualifier {
	return func(p *types.Package) string {
		switch {
		case p == self:
			return ""
		case p.Path() == RuntimePath:
			return "cycrt"
		}
		return p.Name()
	}
}

// sigString prints a function type as Go source, grouping consecutive
// named parameters of one type as gofmt'd source would ("t, dt float64").
// A method prints with its receiver and name: "func (m *T) Step(…) error".
func sigString(name string, sig *types.Signature, q types.Qualifier) string {
	var b strings.Builder
	b.WriteString("func")
	if r := sig.Recv(); r != nil {
		b.WriteString(" (")
		if r.Name() != "" && r.Name() != "_" {
			b.WriteString(r.Name() + " ")
		}
		b.WriteString(types.TypeString(r.Type(), q) + ")")
	}
	if name != "" {
		b.WriteString(" " + name)
	}
	b.WriteString("(" + tupleString(sig.Params(), sig.Variadic(), q) + ")")
	res := sig.Results()
	switch {
	case res.Len() == 0:
	case res.Len() == 1 && res.At(0).Name() == "":
		b.WriteString(" " + types.TypeString(res.At(0).Type(), q))
	default:
		b.WriteString(" (" + tupleString(res, false, q) + ")")
	}
	return b.String()
}

// tupleString prints a parameter or result list, grouping names that
// share a type when every element is named.
func tupleString(t *types.Tuple, variadic bool, q types.Qualifier) string {
	n := t.Len()
	typ := func(i int) string {
		if variadic && i == n-1 {
			if s, ok := t.At(i).Type().(*types.Slice); ok {
				return "..." + types.TypeString(s.Elem(), q)
			}
		}
		return types.TypeString(t.At(i).Type(), q)
	}
	named := n > 0
	for i := 0; i < n; i++ {
		if t.At(i).Name() == "" {
			named = false
		}
	}
	var parts []string
	for i := 0; i < n; i++ {
		if !named {
			parts = append(parts, typ(i))
			continue
		}
		ty := typ(i)
		if i+1 < n && typ(i+1) == ty {
			parts = append(parts, t.At(i).Name())
			continue
		}
		parts = append(parts, t.At(i).Name()+" "+ty)
	}
	return strings.Join(parts, ", ")
}

// describe prints a package-level object as Go source, briefly: a
// function's signature, a variable's or constant's type, a type's kind.
func describe(obj types.Object, q types.Qualifier) string {
	switch o := obj.(type) {
	case *types.Func:
		return sigString("", o.Type().(*types.Signature), q)
	case *types.Var:
		if sig, ok := o.Type().(*types.Signature); ok {
			return "var " + o.Name() + " " + sigString("", sig, q)
		}
		return "var " + o.Name() + " " + types.TypeString(o.Type(), q)
	case *types.Const:
		return "const " + o.Name() + " " + types.TypeString(o.Type(), q)
	case *types.TypeName:
		if o.IsAlias() {
			return "type " + o.Name() + " = " + types.TypeString(o.Type(), q)
		}
		return "type " + o.Name() + typeParams(o.Type(), q) + " " + typeKind(o.Type().Underlying())
	}
	return fmt.Sprintf("%v", obj)
}

// typeKind names the kind of an underlying type, as "struct{…}" or its
// full text when short.
func typeKind(t types.Type) string {
	switch t.(type) {
	case *types.Struct:
		return "struct{…}"
	case *types.Interface:
		return "interface{…}"
	}
	return types.TypeString(t, nil)
}

// typeParams prints the type parameter list of a generic named type, as
// "[P any]", or "" for a type that has none.
func typeParams(t types.Type, q types.Qualifier) string {
	n, ok := t.(*types.Named)
	if !ok || n.TypeParams().Len() == 0 {
		return ""
	}
	var parts []string
	for i := 0; i < n.TypeParams().Len(); i++ {
		tp := n.TypeParams().At(i)
		parts = append(parts, tp.Obj().Name()+" "+types.TypeString(tp.Constraint(), q))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
