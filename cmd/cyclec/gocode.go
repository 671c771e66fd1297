// User Go code: the module facts the run harness needs to build the
// generated program against the user's packages (golink resolves the
// references themselves for the checker).
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cyclec/cyclec/golink"
)

// cyclecModule is the path of this module, which the run module requires
// for the runtime.
const cyclecModule = "github.com/cyclec/cyclec"

// userModule is what the run harness needs to build the generated program
// inside the user's module: a require and a replace of it, and its go.sum.
type userModule struct {
	path, root string
	sum        []byte
	work       string // the go.work in effect, if any: its modules are built against too
}

// moduleOf returns the user module a resolver found, or nil when the
// program names no Go code.
func moduleOf(g *golink.CheckResolver) (*userModule, error) {
	m := g.Module()
	if m == nil {
		return nil, nil
	}
	sum, err := os.ReadFile(filepath.Join(m.Root, "go.sum"))
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("module %s: %w", m.Path, err)
	}
	return &userModule{path: m.Path, root: m.Root, sum: sum, work: m.Work}, nil
}

// addTo makes the run module build against the user's module: it requires
// and replaces it by its directory, and merges the user's go.sum into the
// run module's. A workspace's other modules are not replaced: a program
// whose user code needs them is refused with a message.
func (u *userModule) addTo(mod map[string][]byte) error {
	// The modules to build against: the user's, and in a workspace every
	// module it uses, each replaced by its directory.
	mods := []golink.Module{{Path: u.path, Root: u.root}}
	sums := [][]byte{u.sum}
	if u.work != "" {
		ws, err := golink.WorkspaceModules(u.work)
		if err != nil {
			return err
		}
		mods = mods[:0]
		for _, m := range ws {
			mods = append(mods, m)
			if data, err := os.ReadFile(filepath.Join(m.Root, "go.sum")); err == nil {
				sums = append(sums, data)
			}
		}
		if data, err := os.ReadFile(u.work + ".sum"); err == nil {
			sums = append(sums, data)
		}
	}
	gomod := string(mod["go.mod"])
	var digests []string
	for _, m := range mods {
		if m.Path == cyclecModule {
			// Go code in a cyclec checkout (its examples): build against
			// that checkout, runtime included.
			gomod = strings.Replace(gomod, "replace "+cyclecModule+" => ./cyclec", "replace "+cyclecModule+" => "+m.Root, 1)
		} else {
			if m.Path == u.path {
				gomod += fmt.Sprintf("\nrequire %s v0.0.0\n", m.Path)
			}
			gomod += fmt.Sprintf("\nreplace %s => %s\n", m.Path, m.Root)
		}
		// The cached binary is keyed by the run module's files: this one
		// changes whenever the user's Go code does, so an edit rebuilds.
		key, err := sourceDigest(m.Root)
		if err != nil {
			return fmt.Errorf("module %s: %w", m.Path, err)
		}
		digests = append(digests, m.Path+" "+key)
	}
	mod["go.mod"] = []byte(gomod)
	for _, s := range sums {
		mod["go.sum"] = mergeSums(mod["go.sum"], s)
	}
	mod["user-module.digest"] = []byte(strings.Join(digests, "\n") + "\n")
	return nil
}

// sourceDigest hashes the Go sources and module files under root (hidden
// directories, testdata and vendor left out), in path order.
func sourceDigest(root string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") && name != "go.mod" && name != "go.sum" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// mergeSums returns the sorted union of the lines of two go.sum files.
func mergeSums(a, b []byte) []byte {
	seen := map[string]bool{}
	var lines []string
	for _, l := range strings.Split(string(a)+"\n"+string(b), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !seen[l] {
			seen[l] = true
			lines = append(lines, l)
		}
	}
	sort.Strings(lines)
	var buf bytes.Buffer
	for _, l := range lines {
		buf.WriteString(l)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}
