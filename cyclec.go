// Package cyclec compiles .cyc data-assimilation programs to Go. Generate
// is the whole compiler as a pure function: a source file in, gofmt-ed Go
// files and diagnostics out. The command in cmd/cyclec wraps it.
package cyclec

import (
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cyclec/cyclec/check"
	"github.com/cyclec/cyclec/codegen"
	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/ir"
	"github.com/cyclec/cyclec/lang"
	cycrt "github.com/cyclec/cyclec/runtime"
)

// Version is the compiler's version, printed by `cyclec version` and in
// the header of generated files.
const Version = "0.1.0"

// Options configures Generate.
type Options struct {
	// ReadFile reads imported .cyc files and data files (H.csv, …) named
	// relative to the file that names them; nil means only the standard
	// library can be imported and data-file shapes are checked at run time.
	ReadFile func(path string) ([]byte, error)
	// Go resolves the program's user Go references (`go "…"`) in the
	// user's module; nil checks only their syntax (see check.Config.Go).
	Go check.GoResolver
	// RuntimePath, when non-empty, is the import path generated files use
	// for the runtime (see codegen.Options.RuntimePath).
	RuntimePath string
	// Version, when non-empty, is written into the header of generated
	// files. Tests leave it empty so expected output does not churn.
	Version string
	// Sources are the config-hash inputs of the program's sources, which
	// the generated code carries (see codegen.Options.Sources and
	// SourceDigests). Generate fills them from what it reads; callers of
	// Emit give them.
	Sources []codegen.Source
}

// File is one generated Go file.
type File = codegen.File

// Compile parses and checks a .cyc file and returns its IR. Warnings may
// accompany a program; the program is nil when the list holds errors.
func Compile(filename string, src []byte, opts Options) (*ir.Program, diag.List) {
	f, diags := lang.Parse(filename, src)
	if diags.HasErrors() {
		return nil, diags
	}
	prog, cdiags := check.Check(f, src, check.Config{ReadFile: opts.ReadFile, Go: opts.Go})
	diags = append(diags, cdiags...)
	diags.Sort()
	if diags.HasErrors() {
		return nil, diags
	}
	return prog, diags
}

// Generate compiles a .cyc file to Go. It returns the generated files (nil
// when there are errors) and every diagnostic, warnings included, sorted by
// position.
func Generate(filename string, src []byte, opts Options) ([]File, diag.List) {
	read := map[string][]byte{filename: src}
	if opts.ReadFile != nil {
		readFile := opts.ReadFile
		opts.ReadFile = func(path string) ([]byte, error) {
			data, err := readFile(path)
			if err == nil {
				read[path] = data
			}
			return data, err
		}
	}
	prog, diags := Compile(filename, src, opts)
	if prog == nil {
		return nil, diags
	}
	opts.Sources = SourceDigests(filename, read)
	files, gdiags := Emit(prog, opts)
	diags = append(diags, gdiags...)
	diags.Sort()
	return files, diags
}

// Emit generates Go for a checked program. Constructs the generator does
// not support yet are reported as positioned "not implemented yet" errors,
// and then no files are returned.
func Emit(prog *ir.Program, opts Options) ([]File, diag.List) {
	files, diags := codegen.Generate(prog, codegen.Options{Version: opts.Version, RuntimePath: opts.RuntimePath, Sources: opts.Sources})
	diags.Sort()
	if diags.HasErrors() {
		return nil, diags
	}
	return files, diags
}

// SourceDigests returns the config-hash inputs of the .cyc files a
// compilation of root read (files maps each path, as the compiler named
// it, to its content; root is among them, and data files the checker read
// are skipped, since the run hashes them by their role): the
// runtime.Digest of the canonical form of root under the label "program"
// (so that reformatting does not change the hash) and of each imported
// file under "import PATH", PATH relative to root's directory (so that the hash does not depend on where cyclec
// runs), sorted by label. The standard library's modules come with
// cyclec, whose version the hash covers, and are not among them.
func SourceDigests(root string, files map[string][]byte) []codegen.Source {
	dir := path.Dir(root)
	out := make([]codegen.Source, 0, len(files))
	for name, src := range files {
		if name != root && !strings.HasSuffix(name, ".cyc") {
			continue // a data file the checker read: the run hashes it by its role
		}
		label := "program"
		if name != root {
			rel, err := filepath.Rel(filepath.FromSlash(dir), filepath.FromSlash(name))
			if err != nil {
				rel = name
			}
			label = "import " + filepath.ToSlash(rel)
		}
		out = append(out, codegen.Source{Label: label, Digest: cycrt.Digest(canonicalSource(name, src))})
	}
	slices.SortFunc(out, func(a, b codegen.Source) int { return strings.Compare(a.Label, b.Label) })
	return out
}

// canonicalSource is the formatted form of a .cyc source, or the bytes
// themselves when they do not parse (a data file the checker read, or a
// source that compiled only through another route).
func canonicalSource(name string, src []byte) []byte {
	canon, diags := lang.FormatSource(name, src)
	if diags.HasErrors() {
		return src
	}
	return canon
}
