// Whether a loaded package can be used: it exists in the module or its
// requirements, it is not a program, and it and its imports compile (the
// compiler's messages otherwise, file:line:col first).
package golink

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// maxBuildMessages is how many compiler messages an ErrBuild carries, as
// the Go compiler stops after ten.
const maxBuildMessages = 10

// checkPackage returns why the package loaded for ip cannot be used, or
// nil. The message does not name the reference (forRef adds it).
func (l *linker) checkPackage(ip string, p *packages.Package) *Error {
	if p == nil {
		return &Error{Kind: ErrNoPackage, Msg: fmt.Sprintf("the go command listed no package %s (searched from %s)", ip, l.dir)}
	}
	if len(p.GoFiles) == 0 && len(p.CompiledGoFiles) == 0 {
		return l.missing(ip, p)
	}
	if p.Name == "main" {
		return &Error{Kind: ErrNoPackage, Msg: fmt.Sprintf("package %s (%s) is a program (package main), which other packages cannot import: move the code into a package of its own", ip, l.rel(pkgDir(p)))}
	}
	if msgs := l.buildMessages(p); len(msgs) > 0 {
		return &Error{Kind: ErrBuild, Msg: fmt.Sprintf("package %s (%s) does not compile:", ip, l.rel(pkgDir(p))), Details: msgs}
	}
	if p.Types == nil || p.Fset == nil {
		return &Error{Kind: ErrBuild, Msg: fmt.Sprintf("package %s (%s) could not be type-checked", ip, l.rel(pkgDir(p)))}
	}
	return nil
}

// missing explains a package the go command found no files for: where it
// looked, and what to do.
func (l *linker) missing(ip string, p *packages.Package) *Error {
	var details []string
	offline := false
	for _, e := range p.Errors {
		for _, line := range lines(e.Msg) {
			line = strings.TrimSpace(line)
			if strings.Contains(line, "GOPROXY=off") {
				offline = true
			}
			// The message below says what go's "no required module
			// provides …; to add it: go get …" does, more precisely.
			if strings.HasPrefix(line, "no required module provides package") || strings.HasPrefix(line, "go get ") {
				continue
			}
			details = append(details, line)
		}
	}
	m := l.mod
	where := fmt.Sprintf("module %s (%s)", m.Path, m.Root)
	if m.Work != "" {
		where = fmt.Sprintf("workspace %s", m.Work)
	}
	var msg string
	switch rest, inside := strings.CutPrefix(ip, m.Path); {
	case offline:
		msg = fmt.Sprintf("package %s needs a module that is not in the module cache, and cyclec does not download: run `go mod download` in %s", ip, m.Root)
	case inside && (rest == "" || strings.HasPrefix(rest, "/")):
		dir := filepath.Join(m.Root, filepath.FromSlash(strings.TrimPrefix(rest, "/")))
		reason := "directory " + l.rel(dir) + " does not exist"
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			reason = "directory " + l.rel(dir) + " holds no Go files that build (with CGO_ENABLED=0)"
		}
		msg = fmt.Sprintf("no package %s in %s: %s (searched from %s)", ip, where, reason, l.dir)
	default:
		msg = fmt.Sprintf("no package %s in %s or the modules it requires (searched from %s); if another module provides it, add it with `go get %s`", ip, where, l.dir, ip)
	}
	return &Error{Kind: ErrNoPackage, Msg: msg, Details: details}
}

// buildMessages gathers the compiler's messages for p and the packages it
// imports, at most maxBuildMessages of them. When the go command itself
// reported positioned errors (an import it cannot find), those are given
// alone, as the type errors that follow from them only repeat the cause;
// otherwise the type and syntax errors are, sorted by file, line and
// column within each package.
func (l *linker) buildMessages(root *packages.Package) []string {
	var listed, typed []posMsg
	var other []string
	visited := map[*packages.Package]bool{}
	var visit func(p *packages.Package)
	visit = func(p *packages.Package) {
		if visited[p] {
			return
		}
		visited[p] = true
		var pl, pt []posMsg
		var blobs []string
		for _, e := range p.Errors {
			switch {
			case e.Pos == "" || e.Pos == "-":
				blobs = append(blobs, e.Msg)
			case e.Kind == packages.ListError:
				pl = append(pl, l.posMsg(e))
			default:
				pt = append(pt, l.posMsg(e))
			}
		}
		sort.Slice(pl, func(i, j int) bool { return pl[i].less(pl[j]) })
		sort.Slice(pt, func(i, j int) bool { return pt[i].less(pt[j]) })
		listed, typed = append(listed, pl...), append(typed, pt...)
		for _, m := range blobs {
			// The compiler's output ("# pkg" then file:line:col lines)
			// repeats the positioned type errors when there are some.
			if strings.HasPrefix(m, "# ") && len(pt) > 0 {
				continue
			}
			for _, line := range lines(m) {
				if !strings.HasPrefix(line, "# ") {
					other = append(other, strings.TrimSpace(line))
				}
			}
		}
		paths := make([]string, 0, len(p.Imports))
		for ip := range p.Imports {
			paths = append(paths, ip)
		}
		sort.Strings(paths)
		for _, ip := range paths {
			visit(p.Imports[ip])
		}
	}
	visit(root)
	chosen := typed
	if len(listed) > 0 {
		chosen = listed
	}
	var msgs []string
	seen := map[string]bool{}
	add := func(m string) {
		if !seen[m] {
			seen[m] = true
			msgs = append(msgs, m)
		}
	}
	for _, pm := range chosen {
		add(pm.String())
	}
	for _, m := range other {
		add(m)
	}
	if len(msgs) > maxBuildMessages {
		msgs = append(msgs[:maxBuildMessages], "too many errors")
	}
	return msgs
}

// posMsg is a positioned compiler message.
type posMsg struct {
	file      string
	line, col int
	msg       string
}

// posMsg splits a packages.Error positioned "file:line:col" (or
// "file:line"), making the file relative to the .cyc file's directory.
func (l *linker) posMsg(e packages.Error) posMsg {
	// A message continued on indented lines ("to add it:\n\tgo get …")
	// is printed on one.
	pm := posMsg{file: e.Pos, msg: strings.Join(strings.Fields(e.Msg), " ")}
	rest := e.Pos
	var nums []int
	for range 2 {
		i := strings.LastIndex(rest, ":")
		if i < 0 {
			break
		}
		n, err := strconv.Atoi(rest[i+1:])
		if err != nil {
			break
		}
		nums = append([]int{n}, nums...)
		rest = rest[:i]
	}
	pm.file = l.rel(rest)
	if len(nums) > 0 {
		pm.line = nums[0]
	}
	if len(nums) > 1 {
		pm.col = nums[1]
	}
	return pm
}

// less orders messages by file, line and column.
func (a posMsg) less(b posMsg) bool {
	if a.file != b.file {
		return a.file < b.file
	}
	if a.line != b.line {
		return a.line < b.line
	}
	return a.col < b.col
}

// String prints the message as the compiler does: file:line:col: msg.
func (a posMsg) String() string {
	switch {
	case a.col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", a.file, a.line, a.col, a.msg)
	case a.line > 0:
		return fmt.Sprintf("%s:%d: %s", a.file, a.line, a.msg)
	}
	return a.file + ": " + a.msg
}
