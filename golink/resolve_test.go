// Tests of Resolve: every kind of reference right and wrong, resolved in
// one shared temporary module with one go/packages load.
package golink

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// resolveCase is one reference and what it must resolve to.
type resolveCase struct {
	ref     Ref
	form    Form
	sig     string
	retErr  bool
	fields  []string
	hasNew  bool
	decl    string
	kind    ErrorKind // 0: no error
	found   string    // ErrSignature
	want    string    // ErrSignature
	suggest []string
	msg     []string // substrings of Error()
}

// modelCases covers the references into modelModule.
var modelCases = []resolveCase{
	// Forward functions.
	{ref: Ref{"example.com/model/fwd", "Step", Forward}, form: Func, sig: "func(x []float64, t, dt float64)", decl: "../fwd/fwd.go:4:6"},
	{ref: Ref{"example.com/model/fwd", "StepErr", Forward}, form: Func, sig: "func(x []float64, t, dt float64) error", retErr: true, decl: "../fwd/fwd.go:6:6"},
	{ref: Ref{"example.com/model/fwd", "Short", Forward}, kind: ErrSignature, sig: "func(x []float64, t float64)",
		found: "func(x []float64, t float64)", want: WantForward + " or " + WantForwardError,
		msg: []string{`go forward model "example.com/model/fwd.Short" is func(x []float64, t float64) (declared at ../fwd/fwd.go:8:6), want func(x []float64, t, dt float64) or func(x []float64, t, dt float64) error`}},
	{ref: Ref{"example.com/model/fwd", "Variadic", Forward}, kind: ErrSignature, sig: "func(x []float64, t float64, more ...float64)",
		found: "func(x []float64, t float64, more ...float64)", want: WantForward + " or " + WantForwardError},
	{ref: Ref{"example.com/model/fwd", "Generic", Forward}, kind: ErrSignature, sig: "func(x []T, t, dt float64)",
		found: "func(x []T, t, dt float64)", want: WantForward + " or " + WantForwardError},
	{ref: Ref{"example.com/model/fwd", "Named", Forward}, kind: ErrSignature, sig: "func(x Vec, t, dt float64)",
		found: "func(x Vec, t, dt float64)", want: WantForward + " or " + WantForwardError},
	{ref: Ref{"example.com/model/fwd", "Var", Forward}, kind: ErrSignature,
		found: "var Var func(x []float64, t, dt float64)", want: WantForward + " or " + WantForwardError,
		msg: []string{"is var Var func(x []float64, t, dt float64) (declared at ../fwd/fwd.go:14:5)"}},
	{ref: Ref{"example.com/model/fwd", "Const", Forward}, kind: ErrSignature, found: "const Const untyped int", want: WantForward + " or " + WantForwardError},
	// Forward types.
	{ref: Ref{"example.com/model/fwd", "Ocean", Forward}, form: Type, sig: "func (o *Ocean) Step(x []float64, t, dt float64) error",
		retErr: true, fields: []string{"F", "G", "K"}, hasNew: true, decl: "../fwd/types.go:5:6"},
	{ref: Ref{"example.com/model/fwd", "Plain", Forward}, form: Type, sig: "func (p Plain) Step(x []float64, t, dt float64) error",
		retErr: true, fields: []string{"A"}},
	{ref: Ref{"example.com/model/fwd", "Alias", Forward}, form: Type, sig: "func (o *Ocean) Step(x []float64, t, dt float64) error",
		retErr: true, fields: []string{"F", "G", "K"}},
	{ref: Ref{"example.com/model/fwd", "NoStep", Forward}, kind: ErrSignature, found: "no method Step", want: "func (m *NoStep) Step(x []float64, t, dt float64) error",
		msg: []string{`go forward model "example.com/model/fwd.NoStep": type NoStep has no method Step (declared at ../fwd/types.go:25:6); want the method func (m *NoStep) Step(x []float64, t, dt float64) error`}},
	{ref: Ref{"example.com/model/fwd", "StepField", Forward}, kind: ErrSignature, found: "a field Step func()", want: "func (m *StepField) Step(x []float64, t, dt float64) error"},
	{ref: Ref{"example.com/model/fwd", "BadStep", Forward}, kind: ErrSignature, sig: "func (b *BadStep) Step(x []float64) error",
		found: "func (b *BadStep) Step(x []float64) error", want: "func (m *BadStep) Step(x []float64, t, dt float64) error",
		msg: []string{"(method declared at ../fwd/types.go:29:19)"}},
	{ref: Ref{"example.com/model/fwd", "BadNew", Forward}, kind: ErrSignature, sig: "func (b *BadNew) Step(x []float64, t, dt float64) error",
		found: "func NewBadNew(n int) *BadNew", want: "func NewBadNew() *BadNew",
		msg: []string{"NewBadNew (declared at ../fwd/types.go:35:6) is func NewBadNew(n int) *BadNew, want func NewBadNew() *BadNew"}},
	{ref: Ref{"example.com/model/fwd", "NotStruct", Forward}, kind: ErrSignature, found: "type NotStruct []float64",
		want: "type NotStruct struct{…} with the method func (m *NotStruct) Step(x []float64, t, dt float64) error", msg: []string{"must be a struct"}},
	{ref: Ref{"example.com/model/fwd", "GenT", Forward}, kind: ErrSignature, found: "type GenT[P any] struct{…}", msg: []string{"cannot have type parameters"},
		want: "type GenT struct{…} with the method func (m *GenT) Step(x []float64, t, dt float64) error"},
	// Names that are missing or unexported.
	{ref: Ref{"example.com/model/fwd", "Stpe", Forward}, kind: ErrNoName, suggest: []string{"Step"},
		msg: []string{`go forward model "example.com/model/fwd.Stpe": package example.com/model/fwd (../fwd) declares no Stpe; did you mean Step?`}},
	{ref: Ref{"example.com/model/fwd", "Ocaen", Forward}, kind: ErrNoName, suggest: []string{"Ocean"}},
	{ref: Ref{"example.com/model/fwd", "Zebra", Forward}, kind: ErrNoName, msg: []string{"declares no Zebra"}},
	{ref: Ref{"example.com/model/obs", "Zebra", Obs}, kind: ErrNoName, msg: []string{"declares no Zebra; it exports H, Jac, T, Wrong"}},
	{ref: Ref{"example.com/model/fwd", "step2", Forward}, kind: ErrUnexported, suggest: []string{"Step2"}, decl: "../fwd/fwd.go:18:6",
		msg: []string{"step2 is not exported", "rename it Step2"}},
	{ref: Ref{"example.com/model/fwd", "Step2", Forward}, kind: ErrUnexported, suggest: []string{"step2"},
		msg: []string{"declares step2 (at ../fwd/fwd.go:18:6), which is not exported: rename it Step2"}},
	// Observation operators and jacobians.
	{ref: Ref{"example.com/model/obs", "H", Obs}, form: Func, sig: "func(y, x []float64)", decl: "../obs/obs.go:3:6"},
	{ref: Ref{"example.com/model/obs", "Jac", Jacobian}, form: Func, sig: "func(J, x []float64)"},
	{ref: Ref{"example.com/model/obs", "H", Jacobian}, form: Func, sig: "func(y, x []float64)"},
	{ref: Ref{"example.com/model/obs", "Wrong", Obs}, kind: ErrSignature, sig: "func(y []float64, x []float32)", found: "func(y []float64, x []float32)", want: WantObs},
	{ref: Ref{"example.com/model/obs", "Wrong", Jacobian}, kind: ErrSignature, sig: "func(y []float64, x []float32)", found: "func(y []float64, x []float32)", want: WantJacobian,
		msg: []string{`go jacobian "example.com/model/obs.Wrong"`}},
	{ref: Ref{"example.com/model/obs", "T", Obs}, kind: ErrSignature, found: "type T struct{…}", want: WantObs, msg: []string{"only a forward model can name a type"}},
	{ref: Ref{"example.com/model/fwd", "Step", Obs}, kind: ErrSignature, sig: "func(x []float64, t, dt float64)", found: "func(x []float64, t, dt float64)", want: WantObs},
	{ref: Ref{"example.com/model/fwd", "Ocean", Obs}, kind: ErrSignature, found: "type Ocean struct{…}", want: WantObs},
	// Tangent-linears and adjoints of forward functions.
	{ref: Ref{"example.com/model/fwd", "StepTangent", Tangent}, form: Func, sig: "func(x, dx []float64, t, dt float64)", decl: "../fwd/deriv.go:3:6"},
	{ref: Ref{"example.com/model/fwd", "StepAdjoint", Adjoint}, form: Func, sig: "func(x, ax []float64, t, dt float64)", decl: "../fwd/deriv.go:5:6"},
	{ref: Ref{"example.com/model/fwd", "Step", Tangent}, kind: ErrSignature, sig: "func(x []float64, t, dt float64)", found: "func(x []float64, t, dt float64)", want: WantTangent,
		msg: []string{`go tangent-linear "example.com/model/fwd.Step" is func(x []float64, t, dt float64) (declared at ../fwd/fwd.go:4:6), want func(x, dx []float64, t, dt float64)`}},
	{ref: Ref{"example.com/model/fwd", "TangentErr", Tangent}, kind: ErrSignature, sig: "func(x, dx []float64, t, dt float64) error",
		found: "func(x, dx []float64, t, dt float64) error", want: WantTangent},
	{ref: Ref{"example.com/model/fwd", "TangentShort", Adjoint}, kind: ErrSignature, sig: "func(x, dx []float64, t float64)",
		found: "func(x, dx []float64, t float64)", want: WantAdjoint, msg: []string{`go adjoint "example.com/model/fwd.TangentShort"`, "want func(x, ax []float64, t, dt float64)"}},
	{ref: Ref{"example.com/model/fwd", "Ocean", Adjoint}, kind: ErrSignature, found: "type Ocean struct{…}", want: WantAdjoint, msg: []string{"only a forward model can name a type"}},
	{ref: Ref{"example.com/model/fwd", "StepTangent", Forward}, kind: ErrSignature, sig: "func(x, dx []float64, t, dt float64)",
		found: "func(x, dx []float64, t, dt float64)", want: WantForward + " or " + WantForwardError},
	// Observation sources.
	{ref: Ref{"example.com/model/src", "Src", Source}, form: Func, sig: "func(t float64, y []float64) (ok bool, err error)", retErr: true},
	{ref: Ref{"example.com/model/src", "Unnamed", Source}, form: Func, sig: "func(t float64, y []float64) (bool, error)", retErr: true},
	{ref: Ref{"example.com/model/src", "BadSrc", Source}, kind: ErrSignature, sig: "func(t float64, y []float64) bool", found: "func(t float64, y []float64) bool", want: WantSource},
	// An analysis constructor whose types have the runtime's names in another package.
	{ref: Ref{"example.com/model/ana", "New", Analysis}, kind: ErrSignature, sig: "func(cfg GoAnalysisConfig) (Analysis, error)",
		found: "func(cfg GoAnalysisConfig) (Analysis, error)", want: WantAnalysis, msg: []string{"(cycrt is github.com/cyclec/cyclec/runtime)"}},
	// Packages that do not compile, do not exist or are programs.
	{ref: Ref{"example.com/model/broken", "Step", Forward}, kind: ErrBuild, msg: []string{
		`go forward model "example.com/model/broken.Step": package example.com/model/broken (../broken) does not compile:` +
			"\n\t../broken/a.go:4:2: declared and not used: v\n\t../broken/a.go:5:2: undefined: nothing\n\t../broken/b.go:3:13: cannot use \"s\" (untyped string constant) as int value in variable declaration"}},
	{ref: Ref{"example.com/model/usesbroken", "Step", Forward}, kind: ErrBuild, msg: []string{"package example.com/model/usesbroken (../usesbroken) does not compile:", "../broken/a.go:5:2: undefined: nothing"}},
	{ref: Ref{"example.com/model/usesmissing", "Step", Forward}, kind: ErrBuild, msg: []string{"does not compile:\n\t../usesmissing/u.go:3:8: no required module provides package example.com/dep/x; to add it: go get example.com/dep/x"}},
	{ref: Ref{"example.com/model/syntax", "Step", Forward}, kind: ErrBuild, msg: []string{"does not compile:\n\t../syntax/s.go:3:38: "}},
	{ref: Ref{"example.com/model/many", "Step", Forward}, kind: ErrBuild, msg: []string{
		"\n\t../many/m.go:13:2: undefined: undefinedName\n\ttoo many errors"}},
	{ref: Ref{"example.com/model/nope", "Step", Forward}, kind: ErrNoPackage, msg: []string{"no package example.com/model/nope in module example.com/model (", "directory ../nope does not exist (searched from "}},
	{ref: Ref{"example.com/model/empty", "Step", Forward}, kind: ErrNoPackage, msg: []string{"directory ../empty holds no Go files"}},
	{ref: Ref{"example.com/other/pkg", "Step", Forward}, kind: ErrNoPackage, msg: []string{"no package example.com/other/pkg in module example.com/model (", "or the modules it requires", "go get example.com/other/pkg"}},
	{ref: Ref{"example.com/model/prog", "Step", Forward}, kind: ErrNoPackage, msg: []string{"package example.com/model/prog (../prog) is a program (package main)"}},
	{ref: Ref{"./fwd", "Step", Forward}, kind: ErrNoPackage, msg: []string{`import path "./fwd" is a file path`}},
	{ref: Ref{"example.com/model/...", "Step", Forward}, kind: ErrNoPackage, msg: []string{"is a pattern"}},
}

func TestResolveModel(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, modelModule)
	goMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	refs := make([]Ref, len(modelCases))
	for i, c := range modelCases {
		refs[i] = c.ref
	}
	// GOFLAGS=-mod=mod must not let the go command rewrite go.mod (for
	// the missing import of usesmissing) or reach a network.
	r := &Resolver{Env: testEnv("GOFLAGS=-mod=mod")}
	results, err := r.Resolve(filepath.Join(root, "models"), refs)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if len(results) != len(refs) {
		t.Fatalf("%d results for %d refs", len(results), len(refs))
	}
	for i, c := range modelCases {
		t.Run(c.ref.String()+"/"+c.ref.Kind.String(), func(t *testing.T) {
			checkResult(t, results[i], c)
		})
	}
	after, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(after, goMod) {
		t.Errorf("go.mod was rewritten:\n%s", after)
	}
	if _, err := os.Stat(filepath.Join(root, "go.sum")); err == nil {
		t.Errorf("a go.sum was written")
	}
}

// checkResult compares a result with its case.
func checkResult(t *testing.T, got Result, c resolveCase) {
	t.Helper()
	if got.Ref != c.ref {
		t.Errorf("Ref = %+v, want %+v", got.Ref, c.ref)
	}
	if got.Form != c.form || got.Signature != c.sig || got.ReturnsError != c.retErr || got.HasNew != c.hasNew {
		t.Errorf("got form %v sig %q returnsError %v hasNew %v, want %v %q %v %v", got.Form, got.Signature, got.ReturnsError, got.HasNew, c.form, c.sig, c.retErr, c.hasNew)
	}
	if !reflect.DeepEqual(got.Fields, c.fields) {
		t.Errorf("Fields = %q, want %q", got.Fields, c.fields)
	}
	if c.decl != "" && got.Decl != c.decl {
		t.Errorf("Decl = %q, want %q", got.Decl, c.decl)
	}
	if c.kind == 0 {
		if got.Err != nil {
			t.Errorf("unexpected error: %v", got.Err)
		}
		return
	}
	if got.Err == nil {
		t.Fatalf("no error, want one of kind %v", c.kind)
	}
	e := got.Err
	if e.Kind != c.kind {
		t.Errorf("error kind %v, want %v: %v", e.Kind, c.kind, e)
	}
	if e.Found != c.found || e.Want != c.want {
		t.Errorf("found %q want %q; expected found %q want %q", e.Found, e.Want, c.found, c.want)
	}
	if !reflect.DeepEqual(e.Suggest, c.suggest) {
		t.Errorf("Suggest = %q, want %q", e.Suggest, c.suggest)
	}
	msg := e.Error()
	if !strings.HasPrefix(msg, "go "+c.ref.Kind.String()+" ") {
		t.Errorf("message does not name the reference's role: %s", msg)
	}
	for _, s := range c.msg {
		if !strings.Contains(msg, s) {
			t.Errorf("message lacks %q:\n%s", s, msg)
		}
	}
}

func TestResolveAnalysis(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, filtersModule(t))
	cases := []resolveCase{
		{ref: Ref{"example.com/filters/flt", "New", Analysis}, form: Func, retErr: true,
			sig: "func(cfg cycrt.GoAnalysisConfig) (cycrt.Analysis, error)", decl: "flt/flt.go:9:6"},
		{ref: Ref{"example.com/filters/flt", "Concrete", Analysis}, kind: ErrSignature, sig: "func(cfg cycrt.GoAnalysisConfig) (*Filter, error)",
			found: "func(cfg cycrt.GoAnalysisConfig) (*Filter, error)", want: WantAnalysis},
		{ref: Ref{"example.com/filters/flt", "Old", Analysis}, kind: ErrSignature, sig: "func(members int, r *cycrt.ObsError) (cycrt.Analysis, error)",
			found: "func(members int, r *cycrt.ObsError) (cycrt.Analysis, error)", want: WantAnalysis},
		{ref: Ref{"example.com/filters/flt", "New", Forward}, kind: ErrSignature, sig: "func(cfg cycrt.GoAnalysisConfig) (cycrt.Analysis, error)",
			found: "func(cfg cycrt.GoAnalysisConfig) (cycrt.Analysis, error)", want: WantForward + " or " + WantForwardError},
	}
	refs := make([]Ref, len(cases))
	for i, c := range cases {
		refs[i] = c.ref
	}
	r := &Resolver{Env: testEnv()}
	results, err := r.Resolve(root, refs)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	for i, c := range cases {
		t.Run(c.ref.Name+"/"+c.ref.Kind.String(), func(t *testing.T) { checkResult(t, results[i], c) })
	}
}

func TestResolveNoRefs(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, map[string]string{"go.mod": "module example.com/m\n\ngo 1.26\n"})
	r := &Resolver{Env: testEnv()}
	results, err := r.Resolve(root, nil)
	if err != nil || len(results) != 0 {
		t.Fatalf("Resolve(no refs) = %v, %v; want no results and no error", results, err)
	}
	// A reference without a role is refused before anything is loaded.
	results, err = r.Resolve(root, []Ref{{"example.com/m/fwd", "Step", 0}})
	if err != nil || len(results) != 1 || results[0].Err == nil || !strings.Contains(results[0].Err.Msg, "has no role") {
		t.Fatalf("Resolve(ref without role) = %+v, %v; want a result with an error", results, err)
	}
}

func TestKindAndFormNames(t *testing.T) {
	kinds := map[Kind]string{Forward: "forward model", Obs: "observation operator", Jacobian: "jacobian",
		Analysis: "analysis constructor", Source: "observation source", Tangent: "tangent-linear", Adjoint: "adjoint", 0: "go reference"}
	for k, want := range kinds {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
	forms := map[Form]string{Func: "func", Type: "type", 0: "none"}
	for f, want := range forms {
		if got := f.String(); got != want {
			t.Errorf("Form(%d).String() = %q, want %q", int(f), got, want)
		}
	}
}
