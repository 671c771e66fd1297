// The Go module (and workspace) that contains a .cyc file, and the
// environment golink runs the go command in: offline, module files left as
// they are.
package golink

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"

	"golang.org/x/mod/modfile"
)

// Module is the Go module that contains a directory.
type Module struct {
	Root      string // directory holding go.mod (absolute)
	GoMod     string // path of go.mod (absolute)
	Path      string // module path, from the module directive
	GoVersion string // go directive of go.mod ("1.26"), "" when it has none
	Work      string // path of the go.work in effect (absolute), "" when none
}

// InWorkspace reports whether a go.work is in effect for the module.
func (m Module) InWorkspace() bool { return m.Work != "" }

// Resolver runs the go command to find modules and load packages. The zero
// value uses the process environment.
type Resolver struct {
	// Env is the environment the go command starts from; nil means
	// os.Environ(). GoEnv is applied to it either way.
	Env []string
}

// FindModule returns the module that contains dir, using the default
// Resolver.
func FindModule(dir string) (Module, error) {
	var r Resolver
	return r.FindModule(dir)
}

// FindModule returns the module that contains dir: the nearest go.mod at
// or above it, as the go command sees it (GOWORK, GOFLAGS=-modfile and the
// like included). A dir outside any module, a module that the go.work in
// effect does not use and a go.mod that does not parse are *Error values
// of kind ErrNoModule.
func (r *Resolver) FindModule(dir string) (Module, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Module{}, &Error{Kind: ErrNoModule, Msg: fmt.Sprintf("directory %s: %v", dir, err)}
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return Module{}, &Error{Kind: ErrNoModule, Msg: fmt.Sprintf("directory %s does not exist", abs)}
	}
	goCmd, err := GoCommand()
	if err != nil {
		return Module{}, err
	}
	cmd := exec.Command(goCmd, "env", "-json", "GOMOD", "GOWORK")
	cmd.Dir = abs
	cmd.Env = r.env()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return Module{}, &Error{Kind: ErrGoCommand, Msg: fmt.Sprintf("go env in %s failed: %v", abs, err), Details: lines(stderr.String())}
	}
	var env struct{ GOMOD, GOWORK string }
	if err := json.Unmarshal(out, &env); err != nil {
		return Module{}, &Error{Kind: ErrGoCommand, Msg: fmt.Sprintf("go env in %s: unreadable output: %v", abs, err)}
	}
	if env.GOMOD == "" || env.GOMOD == os.DevNull {
		return Module{}, noModule(abs, env.GOWORK)
	}
	m := Module{GoMod: env.GOMOD, Root: filepath.Dir(env.GOMOD), Work: env.GOWORK}
	data, err := os.ReadFile(m.GoMod)
	if err != nil {
		return Module{}, &Error{Kind: ErrNoModule, Msg: fmt.Sprintf("reading %s: %v", m.GoMod, err)}
	}
	mf, err := modfile.ParseLax(m.GoMod, data, nil)
	if err != nil {
		return Module{}, &Error{Kind: ErrNoModule, Msg: fmt.Sprintf("%s does not parse", m.GoMod), Details: lines(err.Error())}
	}
	if mf.Module == nil || mf.Module.Mod.Path == "" {
		return Module{}, &Error{Kind: ErrNoModule, Msg: fmt.Sprintf("%s has no module directive; add one, as in `module example.com/model`", m.GoMod)}
	}
	m.Path = mf.Module.Mod.Path
	if mf.Go != nil {
		m.GoVersion = mf.Go.Version
	}
	if m.Work != "" {
		if err := checkWorkUses(m); err != nil {
			return Module{}, err
		}
	}
	return m, nil
}

// noModule explains that abs is not inside a module, and how to fix it.
func noModule(abs, work string) *Error {
	if work != "" {
		return &Error{Kind: ErrNoModule, Msg: fmt.Sprintf(
			"%s is inside the workspace %s but not inside any of its modules: go references need a module; move the .cyc file into one of the workspace's modules, or run `go mod init example.com/model` there and `go work use .`",
			abs, work)}
	}
	return &Error{Kind: ErrNoModule, Msg: fmt.Sprintf(
		"%s is not inside a Go module (no go.mod in it or any parent directory): go references are resolved in the module that contains the .cyc file; run `go mod init example.com/model` in the directory of your Go code (%s or a parent of it)",
		abs, abs)}
}

// checkWorkUses refuses a module that the go.work in effect does not list:
// the go command would refuse to load anything from it.
func checkWorkUses(m Module) error {
	data, err := os.ReadFile(m.Work)
	if err != nil {
		return &Error{Kind: ErrNoModule, Msg: fmt.Sprintf("reading %s: %v", m.Work, err)}
	}
	wf, err := modfile.ParseWork(m.Work, data, nil)
	if err != nil {
		return &Error{Kind: ErrNoModule, Msg: fmt.Sprintf("%s does not parse", m.Work), Details: lines(err.Error())}
	}
	wdir := filepath.Dir(m.Work)
	var used []string
	for _, u := range wf.Use {
		p := filepath.FromSlash(u.Path)
		if !filepath.IsAbs(p) {
			p = filepath.Join(wdir, p)
		}
		if filepath.Clean(p) == m.Root {
			return nil
		}
		used = append(used, u.Path)
	}
	rel, err := filepath.Rel(wdir, m.Root)
	if err != nil {
		rel = m.Root
	}
	return &Error{Kind: ErrNoModule, Msg: fmt.Sprintf(
		"module %s (%s) is not used by the workspace %s (it uses %s): run `go work use %s` in %s, or set GOWORK=off",
		m.Path, m.Root, m.Work, strings.Join(used, ", "), filepath.ToSlash(rel), wdir)}
}

// GoEnv returns base with the settings golink runs the go command under:
// GOPROXY=off, so that nothing is downloaded (a module missing from the
// module cache is an error that says to run `go mod download`);
// -mod=mod dropped from GOFLAGS, so that the user's go.mod and go.sum are
// never rewritten; CGO_ENABLED=0, as cyclec programs are built; and first on PATH the
// directory of the go command golink found (on PATH, or beside the
// toolchain that built cyclec), so that every go command it runs is that
// one. A build of the generated program should use
// the same environment, so that it sees what was checked.
func GoEnv(base []string) []string {
	env := make([]string, 0, len(base)+4)
	var goflags []string
	for _, kv := range base {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "GOPROXY", "CGO_ENABLED":
			continue
		case "GOFLAGS":
			for _, f := range strings.Fields(v) {
				if f != "-mod=mod" && f != "--mod=mod" {
					goflags = append(goflags, f)
				}
			}
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "GOPROXY=off", "CGO_ENABLED=0", "GOFLAGS="+strings.Join(goflags, " "))
	if goCmd, err := GoCommand(); err == nil {
		env = prependPath(env, filepath.Dir(goCmd))
	}
	return env
}

// prependPath puts dir first on PATH in env.
func prependPath(env []string, dir string) []string {
	for i, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			env[i] = "PATH=" + dir + string(os.PathListSeparator) + v
			return env
		}
	}
	return append(env, "PATH="+dir)
}

// env is the environment r runs the go command with.
func (r *Resolver) env() []string {
	base := r.Env
	if base == nil {
		base = os.Environ()
	}
	return GoEnv(base)
}

// GoCommand finds the go command: on PATH, or beside the toolchain that
// built cyclec.
func GoCommand() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	p := filepath.Join(goruntime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	return "", &Error{Kind: ErrGoCommand, Msg: "go references are checked with the go command, and there is none on PATH: install Go (https://go.dev/dl/) or put its bin directory on PATH"}
}

// lines splits s into its non-empty lines, trimmed of trailing space.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimRight(l, " \t\r"); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// WorkspaceModules lists the modules the go.work file at work uses: each
// one's path (from its go.mod) and absolute root directory, in the order
// the file lists them.
func WorkspaceModules(work string) ([]Module, error) {
	data, err := os.ReadFile(work)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", work, err)
	}
	wf, err := modfile.ParseWork(work, data, nil)
	if err != nil {
		return nil, fmt.Errorf("%s does not parse: %w", work, err)
	}
	wdir := filepath.Dir(work)
	var out []Module
	for _, u := range wf.Use {
		root := filepath.FromSlash(u.Path)
		if !filepath.IsAbs(root) {
			root = filepath.Join(wdir, root)
		}
		root = filepath.Clean(root)
		gomod := filepath.Join(root, "go.mod")
		data, err := os.ReadFile(gomod)
		if err != nil {
			return nil, fmt.Errorf("workspace %s: %w", work, err)
		}
		path := modfile.ModulePath(data)
		if path == "" {
			return nil, fmt.Errorf("workspace %s: %s has no module line", work, gomod)
		}
		out = append(out, Module{Root: root, GoMod: gomod, Path: path, Work: work})
	}
	return out, nil
}
