// Tests of FindModule and of resolution in workspaces and outside any
// module, and of the environment the go command runs in.
package golink

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestFindModule(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"mod/go.mod":             "module example.com/mod\n\ngo 1.25\n",
		"mod/deep/er/model.cyc":  "package m\n",
		"nogo/go.mod":            "module example.com/nogo\n",
		"bad/go.mod":             "module example.com/bad\n\ngo 1.26\nrequire (\n",
		"nomodline/go.mod":       "go 1.26\n",
		"ws/go.work":             "go 1.26\n\nuse ./app\n",
		"ws/app/go.mod":          "module example.com/app\n\ngo 1.26\n",
		"ws/stray/go.mod":        "module example.com/stray\n\ngo 1.26\n",
		"ws/loose/model.cyc":     "package m\n",
		"outside/sub/model.cyc":  "package m\n",
		"mod/deep/er/readme.txt": "x\n",
	})
	abs := func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }
	cases := []struct {
		dir  string
		want Module
		kind ErrorKind
		msg  []string
	}{
		{dir: "mod", want: Module{Root: abs("mod"), GoMod: abs("mod/go.mod"), Path: "example.com/mod", GoVersion: "1.25"}},
		{dir: "mod/deep/er", want: Module{Root: abs("mod"), GoMod: abs("mod/go.mod"), Path: "example.com/mod", GoVersion: "1.25"}},
		{dir: "nogo", want: Module{Root: abs("nogo"), GoMod: abs("nogo/go.mod"), Path: "example.com/nogo"}},
		{dir: "ws/app", want: Module{Root: abs("ws/app"), GoMod: abs("ws/app/go.mod"), Path: "example.com/app", GoVersion: "1.26", Work: abs("ws/go.work")}},
		{dir: "bad", kind: ErrNoModule, msg: []string{abs("bad/go.mod") + " does not parse", "go.mod:4"}},
		{dir: "nomodline", kind: ErrNoModule, msg: []string{"has no module directive"}},
		{dir: "ws/stray", kind: ErrNoModule, msg: []string{"module example.com/stray (" + abs("ws/stray") + ") is not used by the workspace " + abs("ws/go.work") + " (it uses ./app): run `go work use stray`"}},
		{dir: "ws/loose", kind: ErrNoModule, msg: []string{"is inside the workspace " + abs("ws/go.work") + " but not inside any of its modules"}},
		{dir: "outside/sub", kind: ErrNoModule, msg: []string{abs("outside/sub") + " is not inside a Go module (no go.mod in it or any parent directory)", "run `go mod init example.com/model`"}},
		{dir: "does/not/exist", kind: ErrNoModule, msg: []string{"does not exist"}},
	}
	r := &Resolver{Env: testEnv()}
	for _, c := range cases {
		t.Run(c.dir, func(t *testing.T) {
			m, err := r.FindModule(abs(c.dir))
			if c.kind == 0 {
				if err != nil {
					t.Fatalf("FindModule: %v", err)
				}
				if m != c.want {
					t.Errorf("FindModule = %+v\nwant %+v", m, c.want)
				}
				if m.InWorkspace() != (c.want.Work != "") {
					t.Errorf("InWorkspace = %v", m.InWorkspace())
				}
				return
			}
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("FindModule = %+v, %v; want an *Error of kind %v", m, err, c.kind)
			}
			if e.Kind != c.kind {
				t.Errorf("kind %v, want %v: %v", e.Kind, c.kind, e)
			}
			for _, s := range c.msg {
				if !strings.Contains(e.Error(), s) {
					t.Errorf("message lacks %q:\n%s", s, e.Error())
				}
			}
		})
	}
}

// TestResolveOutsideModule: with no module there is nothing to resolve in,
// and the whole call fails with the advice to run go mod init.
func TestResolveOutsideModule(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := &Resolver{Env: testEnv()}
	results, err := r.Resolve(dir, []Ref{{"example.com/m/fwd", "Step", Forward}})
	e, ok := err.(*Error)
	if !ok || e.Kind != ErrNoModule || results != nil {
		t.Fatalf("Resolve outside a module = %v, %v; want no results and an ErrNoModule", results, err)
	}
	if !strings.Contains(e.Msg, "is not inside a Go module") || !strings.Contains(e.Msg, "go mod init") {
		t.Errorf("message: %s", e.Msg)
	}
}

// TestResolveWorkspace resolves a reference from one workspace module
// into another that the first does not require.
func TestResolveWorkspace(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"go.work":          "go 1.26\n\nuse (\n\t./app\n\t./lib\n)\n",
		"app/go.mod":       "module example.com/app\n\ngo 1.26\n",
		"app/models/m.cyc": "package m\n",
		"lib/go.mod":       "module example.com/lib\n\ngo 1.26\n",
		"lib/ocean/ocean.go": `package ocean

type Ocean struct{ F, Nu float64 }

func (o *Ocean) Step(x []float64, t, dt float64) error { return nil }

func NewOcean() *Ocean { return &Ocean{F: 8, Nu: 1e-3} }
`,
	})
	r := &Resolver{Env: testEnv()}
	dir := filepath.Join(root, "app", "models")
	m, err := r.FindModule(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Path != "example.com/app" || m.Work != filepath.Join(root, "go.work") {
		t.Errorf("FindModule = %+v", m)
	}
	results, err := r.Resolve(dir, []Ref{{"example.com/lib/ocean", "Ocean", Forward}, {"example.com/lib/sea", "Step", Forward}})
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, results[0], resolveCase{ref: Ref{"example.com/lib/ocean", "Ocean", Forward}, form: Type, retErr: true,
		sig: "func (o *Ocean) Step(x []float64, t, dt float64) error", fields: []string{"F", "Nu"}, hasNew: true, decl: "../../lib/ocean/ocean.go:3:6"})
	checkResult(t, results[1], resolveCase{ref: Ref{"example.com/lib/sea", "Step", Forward}, kind: ErrNoPackage,
		msg: []string{"no package example.com/lib/sea in workspace " + filepath.Join(root, "go.work")}})
}

func TestGoEnv(t *testing.T) {
	got := GoEnv([]string{"HOME=/h", "GOPROXY=https://proxy.example", "GOFLAGS=-mod=mod -tags=x --mod=mod", "CGO_ENABLED=1", "PATH=/bin"})
	goCmd, err := GoCommand()
	if err != nil {
		t.Fatal(err)
	}
	path := "PATH=" + filepath.Dir(goCmd) + string(filepath.ListSeparator) + "/bin"
	want := []string{"HOME=/h", path, "GOPROXY=off", "CGO_ENABLED=0", "GOFLAGS=-tags=x"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GoEnv = %q, want %q", got, want)
	}
}
