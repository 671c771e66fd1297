// Package golink resolves the user Go references of a .cyc file
// (`go "example.com/ocean.Step"`, data.md §1) in the Go module that
// contains it: it loads every referenced package in one go/packages call
// and checks each reference's signature with go/types, returning plain
// data (what was found, its signature as Go source, a type's run-time
// parameters) and precise errors for the checker to print at the
// reference's position.
package golink

import (
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// Kind is the role a Go reference plays, which decides the signature it
// must have.
type Kind int

// The roles of Go references.
const (
	// Forward: `forward M(x: S) = go "…"`, a function
	// func(x []float64, t, dt float64) [error] or a struct type T whose
	// pointer has Step(x []float64, t, dt float64) error.
	Forward Kind = iota + 1
	// Obs: `obs H(x: S) -> O = go "…"`, func(y, x []float64).
	Obs
	// Jacobian: `jacobian = go "…"`, func(J, x []float64).
	Jacobian
	// Analysis: `analysis A = go "…"`,
	// func(cfg cycrt.GoAnalysisConfig) (cycrt.Analysis, error).
	Analysis
	// Source: `source = go "…"`, func(t float64, y []float64) (ok bool, err error).
	Source
	// Tangent: `tangent = go "…"` of a go forward function,
	// func(x, dx []float64, t, dt float64), which replaces dx by M dx.
	Tangent
	// Adjoint: `adjoint = go "…"` of a go forward function,
	// func(x, ax []float64, t, dt float64), which replaces ax by Mᵀ ax.
	Adjoint
)

// String names the role as messages do, as in "forward model".
func (k Kind) String() string {
	switch k {
	case Forward:
		return "forward model"
	case Obs:
		return "observation operator"
	case Jacobian:
		return "jacobian"
	case Analysis:
		return "analysis constructor"
	case Source:
		return "observation source"
	case Tangent:
		return "tangent-linear"
	case Adjoint:
		return "adjoint"
	}
	return "go reference"
}

// Form is what a resolved reference names.
type Form int

// The forms a reference resolves to.
const (
	// Func: a package-level function.
	Func Form = iota + 1
	// Type: a struct type with a Step method (forward models only).
	Type
)

// String names the form: "func" or "type".
func (f Form) String() string {
	switch f {
	case Func:
		return "func"
	case Type:
		return "type"
	}
	return "none"
}

// Ref is one Go reference to resolve: `go "ImportPath.Name"` used as Kind.
type Ref struct {
	ImportPath string // "example.com/ocean"
	Name       string // "Step"
	Kind       Kind
}

// String is the reference as the .cyc file writes it: "example.com/ocean.Step".
func (r Ref) String() string { return r.ImportPath + "." + r.Name }

// Result is what one reference resolved to. Err is nil when the reference
// exists and has the wanted signature; then Form and the fields after it
// describe it.
type Result struct {
	Ref  Ref
	Form Form // Func, or Type for a forward type
	// Signature is the type found, as Go source: the function's type, or a
	// forward type's Step method ("func (m *Model) Step(x []float64, t, dt float64) error").
	// It is also set, when known, for a wrong signature.
	Signature string
	// ReturnsError: the function (or Step method) returns an error that
	// the generated code must check. Always true for types, sources and
	// analysis constructors.
	ReturnsError bool
	// Fields are a forward type's exported float64 fields, in declaration
	// order: its run-time parameters (--set).
	Fields []string
	// HasNew: a forward type T has func NewT() *T, which gives the
	// parameters' defaults; without it the zero value is used.
	HasNew bool
	// Decl is where the name is declared, file:line:col with the file
	// relative to the .cyc file's directory.
	Decl string
	// Package is the name of the referenced package (what its package
	// clause says, which need not be the last element of its import path).
	Package string
	// Err says what is wrong with the reference, or is nil.
	Err *Error
}

// loadMode is what go/packages loads: the referenced packages' syntax and
// types (positions of declarations and type errors), their imports' types
// from export data, and their files (to tell a missing package).
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo

// Resolve resolves refs with the default Resolver.
func Resolve(dir string, refs []Ref) ([]Result, error) {
	var r Resolver
	return r.Resolve(dir, refs)
}

// Resolve resolves refs in the module that contains dir (the directory of
// the .cyc file), loading every referenced package in one go/packages
// call. The results are in the order of refs, one each; a problem with a
// reference is in its Result.Err. The error is an *Error of kind
// ErrNoModule or ErrGoCommand when nothing could be resolved at all: dir
// is outside any module, or the go command is missing or failed.
func (r *Resolver) Resolve(dir string, refs []Ref) ([]Result, error) {
	m, err := r.FindModule(dir)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, &Error{Kind: ErrNoModule, Msg: fmt.Sprintf("directory %s: %v", dir, err)}
	}
	results := make([]Result, len(refs))
	var paths []string
	seen := map[string]bool{}
	for i, ref := range refs {
		results[i].Ref = ref
		if ref.Kind < Forward || ref.Kind > Adjoint {
			results[i].Err = &Error{Kind: ErrSignature, Msg: fmt.Sprintf("go reference %q has no role (Kind %d): this is a cyclec bug", ref, int(ref.Kind))}
			continue
		}
		if why := badImportPath(ref.ImportPath); why != "" {
			results[i].Err = &Error{Kind: ErrNoPackage, Msg: fmt.Sprintf("go %s %q: import path %q %s", ref.Kind, ref, ref.ImportPath, why)}
			continue
		}
		if !seen[ref.ImportPath] {
			seen[ref.ImportPath] = true
			paths = append(paths, ref.ImportPath)
		}
	}
	if len(paths) == 0 {
		return results, nil
	}
	sort.Strings(paths)
	cfg := &packages.Config{Mode: loadMode, Dir: abs, Env: r.env()}
	pkgs, err := packages.Load(cfg, paths...)
	if err != nil {
		return nil, &Error{Kind: ErrGoCommand, Msg: fmt.Sprintf("loading Go packages %s from %s failed", strings.Join(paths, ", "), abs), Details: lines(err.Error())}
	}
	byPath := map[string]*packages.Package{}
	for _, p := range pkgs {
		byPath[p.ID] = p
		if p.PkgPath != "" {
			byPath[p.PkgPath] = p
		}
	}
	l := &linker{mod: m, dir: abs, byPath: byPath, checked: map[string]*Error{}}
	for i := range results {
		if results[i].Err == nil {
			l.resolve(&results[i])
		}
	}
	return results, nil
}

// badImportPath says why ip cannot be an import path handed to the go
// command (a pattern, a relative path, a version query, a flag), or "".
func badImportPath(ip string) string {
	switch {
	case ip == "":
		return "is empty"
	case strings.HasPrefix(ip, "-"):
		return "starts with -"
	case strings.HasPrefix(ip, ".") || strings.HasPrefix(ip, "/") || filepath.IsAbs(ip):
		return "is a file path, not an import path (write the package's import path, as in example.com/model/ocean)"
	case strings.Contains(ip, "..."):
		return "is a pattern, not an import path"
	case strings.ContainsAny(ip, "@ \t\n\\:*?\"'`"):
		return "contains a character an import path cannot hold"
	}
	switch ip {
	case "all", "std", "cmd", "tool", "work", "main":
		return "is a go command pattern, not a package"
	}
	return ""
}

// linker resolves references against the loaded packages.
type linker struct {
	mod     Module
	dir     string                       // the .cyc file's directory (absolute)
	byPath  map[string]*packages.Package // loaded packages by import path
	checked map[string]*Error            // package problem by import path (nil: usable)
}

// resolve fills res for its reference.
func (l *linker) resolve(res *Result) {
	ref := res.Ref
	p := l.byPath[ref.ImportPath]
	if perr, done := l.checked[ref.ImportPath]; done {
		if perr != nil {
			res.Err = l.forRef(perr, ref)
			return
		}
	} else {
		perr := l.checkPackage(ref.ImportPath, p)
		l.checked[ref.ImportPath] = perr
		if perr != nil {
			res.Err = l.forRef(perr, ref)
			return
		}
	}
	q := qualifier(p.Types)
	res.Package = p.Types.Name()
	if !token.IsExported(ref.Name) {
		res.Err = &Error{Kind: ErrUnexported, Msg: fmt.Sprintf(
			"go %s %q: %s is not exported, and Go code outside package %s can only use upper-case names: rename it %s",
			ref.Kind, ref, ref.Name, p.Types.Name(), exported(ref.Name)), Suggest: []string{exported(ref.Name)}}
		if obj := p.Types.Scope().Lookup(ref.Name); obj != nil {
			res.Decl = l.pos(p.Fset, obj.Pos())
		}
		return
	}
	obj := p.Types.Scope().Lookup(ref.Name)
	if obj == nil {
		res.Err = l.noName(ref, p)
		return
	}
	res.Decl = l.pos(p.Fset, obj.Pos())
	at := " (declared at " + res.Decl + ")"
	switch o := obj.(type) {
	case *types.Func:
		sig := o.Type().(*types.Signature)
		res.Signature = sigString("", sig, q)
		re, ok := funcMatch(ref.Kind, sig)
		if !ok {
			res.Err = l.wrongSig(ref, res.Signature, wantFunc(ref.Kind), at, "")
			return
		}
		res.Form, res.ReturnsError = Func, re
	case *types.TypeName:
		if ref.Kind != Forward {
			res.Err = l.wrongSig(ref, describe(o, q), wantFunc(ref.Kind), at, "only a forward model can name a type")
			return
		}
		l.forwardType(res, o, p, q, at)
	default:
		res.Err = l.wrongSig(ref, describe(o, q), wantFunc(ref.Kind), at, "")
	}
}

// wrongSig is the error for a name that exists with the wrong type; at
// says where it is declared, note (if not "") why it cannot be used.
func (l *linker) wrongSig(ref Ref, found, want, at, note string) *Error {
	msg := fmt.Sprintf("go %s %q is %s%s, want %s", ref.Kind, ref, found, at, want)
	if ref.Kind == Analysis {
		msg += " (cycrt is " + RuntimePath + ")"
	}
	if note != "" {
		msg += ": " + note
	}
	return &Error{Kind: ErrSignature, Found: found, Want: want, Msg: msg}
}

// noName is the error for a name the package does not declare: near
// exported names are suggested, and an unexported twin is pointed at.
func (l *linker) noName(ref Ref, p *packages.Package) *Error {
	scope := p.Types.Scope()
	if lower := unexported(ref.Name); lower != ref.Name {
		if obj := scope.Lookup(lower); obj != nil {
			return &Error{Kind: ErrUnexported, Suggest: []string{lower}, Msg: fmt.Sprintf(
				"go %s %q: package %s declares %s (at %s), which is not exported: rename it %s so that other packages can use it",
				ref.Kind, ref, ref.ImportPath, lower, l.pos(p.Fset, obj.Pos()), ref.Name)}
		}
	}
	var names []string
	for _, n := range scope.Names() {
		if token.IsExported(n) {
			names = append(names, n)
		}
	}
	e := &Error{Kind: ErrNoName, Suggest: nearNames(ref.Name, names)}
	e.Msg = fmt.Sprintf("go %s %q: package %s (%s) declares no %s", ref.Kind, ref, ref.ImportPath, l.rel(pkgDir(p)), ref.Name)
	switch {
	case len(e.Suggest) > 0:
		e.Msg += "; did you mean " + strings.Join(e.Suggest, " or ") + "?"
	case len(names) == 0:
		e.Msg += "; it exports nothing"
	case len(names) <= 8:
		e.Msg += "; it exports " + strings.Join(names, ", ")
	}
	return e
}

// forRef turns a package problem into the error of one reference to it.
func (l *linker) forRef(perr *Error, ref Ref) *Error {
	e := *perr
	e.Msg = fmt.Sprintf("go %s %q: %s", ref.Kind, ref, perr.Msg)
	return &e
}

// pos prints a position as file:line:col, the file relative to the .cyc
// file's directory.
func (l *linker) pos(fset *token.FileSet, p token.Pos) string {
	if fset == nil || !p.IsValid() {
		return "?"
	}
	pp := fset.Position(p)
	return fmt.Sprintf("%s:%d:%d", l.rel(pp.Filename), pp.Line, pp.Column)
}

// rel makes a path relative to the .cyc file's directory, slash-separated.
func (l *linker) rel(path string) string {
	if path == "" {
		return "?"
	}
	if r, err := filepath.Rel(l.dir, path); err == nil {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(path)
}

// pkgDir is the directory of a loaded package's files, or "".
func pkgDir(p *packages.Package) string {
	if len(p.GoFiles) > 0 {
		return filepath.Dir(p.GoFiles[0])
	}
	if len(p.CompiledGoFiles) > 0 {
		return filepath.Dir(p.CompiledGoFiles[0])
	}
	return ""
}

// exported is name with its first letter upper-cased.
func exported(name string) string {
	if name == "" {
		return name
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// unexported is name with its first letter lower-cased.
func unexported(name string) string {
	if name == "" {
		return name
	}
	return strings.ToLower(name[:1]) + name[1:]
}
