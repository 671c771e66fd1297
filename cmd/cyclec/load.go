// Reading .cyc sources from disk and printing diagnostics with their source
// lines.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cyclec/cyclec"
	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/golink"
	"github.com/cyclec/cyclec/ir"
	"github.com/cyclec/cyclec/stdlib"
)

// sourceSet remembers every file read during a compilation, so that
// diagnostics can quote their lines.
type sourceSet struct {
	files map[string][]byte
}

func newSourceSet() *sourceSet { return &sourceSet{files: map[string][]byte{}} }

// readFile reads a file for the compiler and remembers it.
func (s *sourceSet) readFile(path string) ([]byte, error) {
	data, err := os.ReadFile(filepath.FromSlash(path))
	if err != nil {
		return nil, err
	}
	s.files[path] = data
	return data, nil
}

// lookup serves diag.Fprint: files read from disk and the standard library.
func (s *sourceSet) lookup(file string) ([]byte, bool) {
	if data, ok := s.files[file]; ok {
		return data, true
	}
	if strings.HasPrefix(file, stdlib.Prefix) {
		_, src, ok := stdlib.Lookup(strings.TrimSuffix(file, ".cyc"))
		return src, ok
	}
	return nil, false
}

// compiled is a checked program with what it took to get it.
type compiled struct {
	path    string // the .cyc file as named on the command line
	src     []byte
	prog    *ir.Program
	sources *sourceSet
	user    *userModule // the user's Go module, when the program names Go code
}

// readSource reads the .cyc file named on the command line. A file that
// cannot be read is misuse of the command.
func readSource(path string) ([]byte, error) {
	if !strings.HasSuffix(path, ".cyc") {
		return nil, usageErr("%s: not a .cyc file", path)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return src, nil
}

// compile parses and checks path, printing diagnostics (warnings too) to
// stderr. It returns reported when the program has errors.
func compile(path string, stderr io.Writer) (*compiled, error) {
	src, err := readSource(path)
	if err != nil {
		return nil, err
	}
	name := filepath.ToSlash(path)
	srcs := newSourceSet()
	srcs.files[name] = src
	gores := golink.ForCheck(filepath.Dir(path))
	prog, diags := cyclec.Compile(name, src, cyclec.Options{ReadFile: srcs.readFile, Go: gores})
	diag.Fprint(stderr, diags, srcs.lookup)
	if prog == nil {
		return nil, reported
	}
	user, err := moduleOf(gores)
	if err != nil {
		return nil, programErr(err)
	}
	return &compiled{path: path, src: src, prog: prog, sources: srcs, user: user}, nil
}

// generate compiles path all the way to Go files.
func generate(path, version string, stderr io.Writer) (*compiled, []cyclec.File, error) {
	return generateWith(path, cyclec.Options{Version: version}, stderr)
}

// generateWith is generate with the emission options opts (the version
// and the runtime's import path; files are read as compile reads them).
func generateWith(path string, opts cyclec.Options, stderr io.Writer) (*compiled, []cyclec.File, error) {
	c, err := compile(path, stderr)
	if err != nil {
		return nil, nil, err
	}
	opts.Sources = c.sourceDigests()
	files, diags := cyclec.Emit(c.prog, opts)
	diag.Fprint(stderr, diags, c.sources.lookup)
	if files == nil {
		return nil, nil, reported
	}
	return c, files, nil
}

// plural formats a count with its noun.
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
