// Package check turns the syntax tree of a .cyc file into the checked
// program of package ir: it resolves names and imports, folds constants,
// computes shapes, checks equation coverage, option kinds and values, the
// wiring of cycles and the signatures of user Go references, and reports
// every independent error with its position (language.md §2–7).
//
// The checker never edits the syntax tree; everything it learns lives in
// its own tables and in the IR it returns.
package check

import (
	"go/token"
	"path"

	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/ir"
	"github.com/cyclec/cyclec/lang"
)

// Config tells the checker how to reach files outside the source text.
type Config struct {
	// ReadFile reads a file named by an import ("./models/ocean.cyc") or a
	// data file (linear "H.csv", diag("v.csv"), "M.csv", oi's mean =
	// "mean.csv"), given as a path
	// joined to the directory of the file that names it
	// (path.Join(path.Dir(filename), rel)). nil means no file can be read:
	// relative imports are then errors, and data-file shapes are not
	// checked.
	ReadFile func(path string) ([]byte, error)
	// Go resolves user Go references (`go "example.com/ocean.Step"`) in the
	// user's module and checks their signatures, all in one call; nil skips
	// that check (the reference's syntax is still checked, and a forward
	// reference is taken to be a function without an error result).
	Go GoResolver
}

// GoRole is the part a Go reference plays, which decides the signature
// it must have (data.md §1).
type GoRole int

// The roles of Go references.
const (
	GoForward  GoRole = iota + 1 // func(x []float64, t, dt float64) [error], or a type with Step
	GoObs                        // func(y, x []float64)
	GoJacobian                   // func(J, x []float64)
	GoAnalysis                   // func(cycrt.GoAnalysisConfig) (cycrt.Analysis, error)
	GoSource                     // func(t float64, y []float64) (ok bool, err error)
	GoTangent                    // func(x, dx []float64, t, dt float64): dx ← M dx at x
	GoAdjoint                    // func(x, ax []float64, t, dt float64): ax ← Mᵀ ax at x
)

// GoRequest is one Go reference to resolve.
type GoRequest struct {
	ImportPath, Name string
	Role             GoRole
}

// GoResult is what a resolver found for one request.
type GoResult struct {
	// Err, when not nil, is why the reference cannot be used: a missing
	// package or name, a wrong signature (showing the one found and the one
	// wanted), a package that does not compile. Its text is printed at the
	// reference.
	Err error
	// Type reports a forward model given as a type T whose pointer has
	// Step; Fields are then its exported float64 fields (run-time
	// parameters) and HasNew whether func NewT() *T exists.
	Type   bool
	Fields []string
	HasNew bool
	// ReturnsError reports a forward function with an error result.
	ReturnsError bool
	// Package is the name in the package clause of the referenced package
	// ("" when the resolver does not say: the last element of the import
	// path is then assumed).
	Package string
}

// GoResolver resolves every Go reference of a program at once (loading
// Go packages is slow, so the checker asks once). It returns one result a
// request, in order, or an error that concerns them all (the .cyc file is
// not inside a Go module, the go command is missing).
type GoResolver interface {
	Resolve(reqs []GoRequest) ([]GoResult, error)
}

// Check checks the parsed root file f (whose source is src) together with
// everything it imports, which it reads through cfg and parses itself with
// lang.Parse. Positions come from the tree, so src is not read again. The
// program is nil when the list holds errors; warnings may accompany a
// program. The list is sorted by position.
func Check(f *lang.File, src []byte, cfg Config) (*ir.Program, diag.List) {
	c := newChecker(cfg)
	if f == nil {
		c.diags.Add(diag.Pos{}, "internal", "no file to check")
		return nil, c.diags
	}
	root := c.loadRoot(f, src)
	c.checkPackage(f)
	c.declareAll()
	c.checkGoNames()
	c.checkAll()
	c.resolveGo()
	c.afterGo()
	prog := c.program(root)
	c.diags.Sort()
	if c.diags.HasErrors() {
		return nil, c.diags
	}
	return prog, c.diags
}

// CheckSource parses src as the file filename and checks it. When parsing
// fails it returns the parse diagnostics and no program.
func CheckSource(filename string, src []byte, cfg Config) (*ir.Program, diag.List) {
	f, diags := lang.Parse(filename, src)
	if diags.HasErrors() || f == nil {
		if !diags.HasErrors() {
			diags.Add(diag.Pos{File: filename, Line: 1, Col: 1}, "syntax", "cannot parse %s", filename)
		}
		diags.Sort()
		return nil, diags
	}
	prog, cdiags := Check(f, src, cfg)
	diags = append(diags, cdiags...)
	diags.Sort()
	if diags.HasErrors() {
		return nil, diags
	}
	return prog, diags
}

// checker holds the state of one Check call.
type checker struct {
	cfg   Config
	diags diag.List

	modules []*module          // every loaded module, imports before importers (depth-first post-order)
	byKey   map[string]*module // loaded modules by identity
	loading map[string]bool    // modules on the import stack

	stack []*object // declarations being resolved, for cycle reports

	goRefs []pendingGo // Go references to resolve once every declaration is checked
	// late are the checks that need what the Go resolver found (whether
	// a go model is a type, and so has derivatives), run by afterGo in
	// the order they were queued.
	late []func()

	data  map[string]*dataFile    // parsed data files by resolved path
	means map[filledKey][]float64 // broadcast initial means, shared
	// sizedFor says what first gave a shared matrix or vector its size
	// ("the state lorenz96.State of lorenz96.L96"), for the message when
	// a second use needs another.
	sizedFor map[any]string
}

func newChecker(cfg Config) *checker {
	return &checker{
		cfg:     cfg,
		byKey:   map[string]*module{},
		loading: map[string]bool{},
		data:    map[string]*dataFile{},
		means:   map[filledKey][]float64{},

		sizedFor: map[any]string{},
	}
}

// afterGo completes what depends on the Go resolver's answers: the
// derivatives of composed models, whose go parts may have turned out to
// be types, and then the late checks of cycles.
func (c *checker) afterGo() {
	done := map[*ir.Forward]bool{}
	for _, m := range c.modules {
		for _, o := range m.objs {
			if o.kind == kindForward && o.fwd != nil {
				composeDerivatives(o.fwd, done)
			}
		}
	}
	for _, f := range c.late {
		f()
	}
}

// checkPackage checks that the package clause names a Go package.
func (c *checker) checkPackage(f *lang.File) {
	if f.Package == nil {
		c.diags.Add(lang.Pos(f.Pos), "package", "missing package clause: a .cyc file starts with `package NAME`")
		return
	}
	p := lang.Pos(f.Package.Pos)
	switch name := f.Package.Name; {
	case !token.IsIdentifier(name):
		c.diags.Add(p, "package", "package name %q is not a Go identifier", name)
	case name == "_":
		c.diags.Add(p, "package", "package name _ is not allowed in Go")
	case name == "main":
		c.diags.Add(p, "package", "package name main is not allowed: the generated Go is a package that programs import, not a program")
	}
}

// program assembles the IR from every checked declaration in program
// order: imported modules first (depth first), then the root, each in
// source order.
func (c *checker) program(root *module) *ir.Program {
	p := &ir.Program{}
	if root.file != nil && root.file.Package != nil {
		p.Package = root.file.Package.Name
	}
	p.Source = path.Base(root.filename)
	for _, m := range c.modules {
		for _, o := range m.objs {
			switch o.kind {
			case kindConst:
				if o.konst != nil {
					p.Consts = append(p.Consts, o.konst)
				}
			case kindCarrier:
				if o.carrier != nil {
					p.Carriers = append(p.Carriers, o.carrier)
				}
			case kindForward:
				if o.fwd != nil {
					p.Forwards = append(p.Forwards, o.fwd)
				}
			case kindObs:
				if o.obs != nil {
					p.Obs = append(p.Obs, o.obs)
				}
			case kindAnalysis:
				if o.an != nil {
					p.Analyses = append(p.Analyses, o.an)
				}
			case kindCycle:
				if o.cyc != nil {
					p.Cycles = append(p.Cycles, o.cyc)
				}
			}
		}
	}
	return p
}
