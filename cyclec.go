// Package cyclec compiles .cyc data-assimilation programs to Go. Generate
// is the whole compiler as a pure function: a source file in, gofmt-ed Go
// files and diagnostics out. The command in cmd/cyclec wraps it.
package cyclec

import (
	"github.com/cyclec/cyclec/check"
	"github.com/cyclec/cyclec/codegen"
	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/ir"
	"github.com/cyclec/cyclec/lang"
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
	prog, diags := Compile(filename, src, opts)
	if prog == nil {
		return nil, diags
	}
	files, gdiags := Emit(prog, opts)
	diags = append(diags, gdiags...)
	diags.Sort()
	return files, diags
}

// Emit generates Go for a checked program. Constructs the generator does
// not support yet are reported as positioned "not implemented yet" errors,
// and then no files are returned.
func Emit(prog *ir.Program, opts Options) ([]File, diag.List) {
	files, diags := codegen.Generate(prog, codegen.Options{Version: opts.Version, RuntimePath: opts.RuntimePath})
	diags.Sort()
	if diags.HasErrors() {
		return nil, diags
	}
	return files, diags
}
