// Test fixtures: temporary Go modules written to disk, without external
// dependencies, and the environment the go command runs them in.
package golink

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree writes files (slash-separated relative paths) under root.
func writeTree(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// testEnv is the process environment without settings that would change
// how the fixtures resolve (a GOWORK or GOFLAGS of the caller's), and
// with GOTOOLCHAIN=local so that nothing looks for another toolchain.
func testEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOWORK", "GOFLAGS", "GOTOOLCHAIN", "GOPROXY":
			continue
		}
		env = append(env, kv)
	}
	return append(append(env, "GOTOOLCHAIN=local", "GOPROXY=off"), extra...)
}

// modelModule is the shared fixture: a module example.com/model with
// packages that get every kind of reference right and wrong. The .cyc
// file's directory is models/, so positions read ../fwd/fwd.go:4:6.
var modelModule = map[string]string{
	"go.mod":           "module example.com/model\n\ngo 1.26\n",
	"models/model.cyc": "package model\n",
	"fwd/fwd.go": `// Package fwd holds forward models, right and wrong.
package fwd

func Step(x []float64, t, dt float64) {}

func StepErr(x []float64, t, dt float64) error { return nil }

func Short(x []float64, t float64) {}

func Variadic(x []float64, t float64, more ...float64) {}

func Generic[T any](x []T, t, dt float64) {}

var Var = func(x []float64, t, dt float64) {}

const Const = 1

func step2(x []float64, t, dt float64) {}

func Named(x Vec, t, dt float64) {}

type Vec []float64
`,
	"fwd/types.go": `package fwd

type Emb struct{ E float64 }

type Ocean struct {
	F, G   float64
	N      int
	Name   string
	hidden float64
	Emb
	K    float64
	Temp Celsius
}

type Celsius float64

func (o *Ocean) Step(x []float64, t, dt float64) error { return nil }

func NewOcean() *Ocean { return &Ocean{F: 8} }

type Plain struct{ A float64 }

func (p Plain) Step(x []float64, t, dt float64) error { return nil }

type NoStep struct{ A float64 }

type BadStep struct{}

func (b *BadStep) Step(x []float64) error { return nil }

type BadNew struct{}

func (b *BadNew) Step(x []float64, t, dt float64) error { return nil }

func NewBadNew(n int) *BadNew { return nil }

type NotStruct []float64

func (n *NotStruct) Step(x []float64, t, dt float64) error { return nil }

type GenT[P any] struct{ p P }

func (g *GenT[P]) Step(x []float64, t, dt float64) error { return nil }

type Alias = Ocean

type StepField struct{ Step func() }
`,
	"fwd/deriv.go": `package fwd

func StepTangent(x, dx []float64, t, dt float64) {}

func StepAdjoint(x, ax []float64, t, dt float64) {}

func TangentErr(x, dx []float64, t, dt float64) error { return nil }

func TangentShort(x, dx []float64, t float64) {}
`,
	"obs/obs.go": `package obs

func H(y, x []float64) {}

func Jac(J, x []float64) {}

func Wrong(y []float64, x []float32) {}

type T struct{}
`,
	"src/src.go": `package src

func Src(t float64, y []float64) (ok bool, err error) { return false, nil }

func Unnamed(t float64, y []float64) (bool, error) { return false, nil }

func BadSrc(t float64, y []float64) bool { return false }
`,
	// ana imitates the runtime's names in the wrong package.
	"ana/ana.go": `package ana

type GoAnalysisConfig struct{}

type Analysis interface{}

func New(cfg GoAnalysisConfig) (Analysis, error) { return nil, nil }
`,
	"broken/a.go": `package broken

func Step(x []float64, t, dt float64) {
	v := 1
	nothing()
}
`,
	"broken/b.go": `package broken

var W int = "s"
`,
	"usesbroken/u.go": `package usesbroken

import "example.com/model/broken"

func Step(x []float64, t, dt float64) { broken.Step(x, t, dt) }
`,
	"usesmissing/u.go": `package usesmissing

import "example.com/dep/x"

func Step(x []float64, t, dt float64) { x.Step() }
`,
	"prog/main.go": `package main

func Step(x []float64, t, dt float64) {}

func main() {}
`,
	"empty/README.md": "no Go here\n",
	"syntax/s.go":     "package syntax\n\nfunc Step(x []float64, t, dt float64 {\n}\n",
	"many/m.go":       "package many\n\nfunc Step(x []float64, t, dt float64) {\n" + strings.Repeat("\tundefinedName()\n", 12) + "}\n",
}

// filtersModule is a module whose analysis constructors use the cyclec
// runtime, taken from this repository through a replace directive (so
// nothing is downloaded: gonum comes from the module cache, as for any
// build of this repository).
func filtersModule(t testing.TB) map[string]string {
	t.Helper()
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"go.mod": "module example.com/filters\n\ngo 1.26\n\nrequire github.com/cyclec/cyclec v0.0.0\n\nrequire gonum.org/v1/gonum v0.17.0 // indirect\n\nreplace github.com/cyclec/cyclec => " + filepath.ToSlash(repo) + "\n",
		"go.sum": string(sum),
		"flt/flt.go": `package flt

import cycrt "github.com/cyclec/cyclec/runtime"

type Filter struct{ cfg cycrt.GoAnalysisConfig }

func (f *Filter) Analyze(E, HE *cycrt.Ensemble, y []float64, index uint64) error { return nil }

func New(cfg cycrt.GoAnalysisConfig) (cycrt.Analysis, error) { return &Filter{cfg}, nil }

func Concrete(cfg cycrt.GoAnalysisConfig) (*Filter, error) { return &Filter{cfg}, nil }

func Old(members int, r *cycrt.ObsError) (cycrt.Analysis, error) { return nil, nil }
`,
	}
}
