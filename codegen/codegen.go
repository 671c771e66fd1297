// Package codegen turns a checked program (ir.Program) into gofmt-ed Go
// source that links against the runtime (imported as cycrt). It never sees
// the syntax tree: grammar changes stop at the checker.
//
// The generated code is specialised to the program: carriers are
// fixed-size arrays, forward models are structs whose Step integrates
// inlined tendencies with the periodic wrap resolved at generation time,
// observation operators are structs with an Apply method, and every cycle
// is a struct implementing cycrt.Cycle with Start, Next and Done for
// callers that drive it step by step. Constructs the generator does not
// support yet are reported as positioned "not implemented yet" errors.
package codegen

import (
	"bytes"
	"fmt"
	"go/format"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/ir"
)

// genVersion is the version of the generated code this package emits; the
// handshake constants in every file compare it with the runtime's
// GenVersion and MinGenVersion.
const genVersion = 3

// Import paths of the packages generated code uses.
const (
	rtPath = "github.com/cyclec/cyclec/runtime"
	rtName = "cycrt"
)

// Options configures Generate.
type Options struct {
	// Version, when non-empty, is written into the header of every file
	// ("// versions:" / "//   cyclec VERSION"). Tests leave it empty so
	// expected output does not change with every release.
	Version string
	// Cycles, when non-nil, restricts the file to these cycles of the
	// program (and the parts of sequences among them) and the forward
	// models, observation operators and analyses they use; constants and
	// carriers are always emitted. Declarations left out are neither
	// emitted nor checked, so a form not implemented yet that only they
	// use reports nothing. The harness of cyclec run uses it to run one
	// cycle of a program whose other parts cannot be built yet.
	Cycles []*ir.Cycle
	// RuntimePath, when non-empty, is the import path of the runtime the
	// file links against instead of github.com/cyclec/cyclec/runtime: a
	// copy of the runtime inside the user's module (cyclec build
	// --runtime), so that the generated code needs no cyclec module.
	RuntimePath string
	// Sources, when non-empty, are the config-hash inputs of the .cyc
	// sources the program was compiled from (see Source). The file
	// carries them and every cycle's Config adds them, so that a run's
	// config hash, and so a checkpoint's, covers the program wherever the
	// generated code runs: under cyclec run or in the user's own program.
	Sources []Source
}

// Source is one .cyc source as the config hash covers it: its label
// ("program" for the file compiled, "import PATH" for a file it imports
// from disk, PATH relative to the program's directory) and the
// runtime.Digest of its canonical form.
type Source struct {
	Label, Digest string
}

// File is one generated Go file.
type File struct {
	Name string // "<stem>.cyc.go", from ir.Program.Source
	Data []byte // gofmt-ed Go source
}

// Diagnostic codes reported by Generate.
const (
	codeUnimplemented = "unimplemented" // a construct the generator does not emit yet
	codeName          = "name"          // two generated identifiers collide
	codeInternal      = "internal"      // the IR breaks an invariant the checker guarantees
)

// Generate emits the Go for p. It returns one file, or no files and the
// diagnostics that explain why: every construct the generator does not
// support gets one positioned "not implemented yet" error.
func Generate(p *ir.Program, opts Options) ([]File, diag.List) {
	if p == nil {
		var l diag.List
		l.Add(diag.Pos{}, codeInternal, "no program to generate")
		return nil, l
	}
	if opts.Cycles != nil {
		q, diags := restrict(p, opts.Cycles)
		if diags.HasErrors() {
			return nil, diags
		}
		p = q
	}
	g := newGen(p)
	g.sources = opts.Sources
	g.checkSupported()
	if g.diags.HasErrors() {
		return nil, g.diags
	}
	g.declareNames()
	if g.diags.HasErrors() {
		return nil, g.diags
	}
	g.emit()
	if g.diags.HasErrors() {
		return nil, g.diags
	}
	files := []File{{Name: outputName(p.Source)}}
	sources := []*jen.File{g.f}
	if g.tf != nil {
		files = append(files, File{Name: strings.TrimSuffix(outputName(p.Source), ".go") + "_test.go"})
		sources = append(sources, g.tf)
	}
	for i, src := range sources {
		data, err := g.render(src, opts)
		if err == nil && opts.RuntimePath != "" && opts.RuntimePath != rtPath {
			data, err = format.Source(bytes.Replace(data, []byte(strconv.Quote(rtPath)), []byte(strconv.Quote(opts.RuntimePath)), 1))
		}
		if err != nil {
			g.diags.Add(diag.Pos{File: p.Source}, codeInternal, "generated Go does not format: %v", err)
			return nil, g.diags
		}
		files[i].Data = data
	}
	return files, g.diags
}

// outputName is "<stem>.cyc.go" for the source base name.
func outputName(source string) string {
	base := baseName(source)
	if base == "" {
		base = "program.cyc"
	}
	return strings.TrimSuffix(base, ".cyc") + ".cyc.go"
}

// baseName is the last element of a path separated by slashes or
// backslashes (a program compiled on Windows names its files with either).
func baseName(p string) string {
	if p == "" {
		return ""
	}
	return path.Base(strings.ReplaceAll(filepath.ToSlash(p), "\\", "/"))
}

// gen holds the state of one Generate call. Maps here are lookups only:
// the output order always follows the program's slices.
type gen struct {
	p     *ir.Program
	f     *jen.File
	diags diag.List
	top   *namer // package scope

	declared map[string]string // package-level name → what declared it, for collision messages
	helpers  map[string]bool   // cyc helpers the file needs, emitted at the end
	consts   map[string]*ir.Const
	fields   map[*ir.Param]string    // struct field of each model parameter
	hoisted  map[*ir.Forward][]hoist // the tabulated terms of each model (hoist.go)

	tf *jen.File // the generated tests (tangent_tests.go), nil while there are none

	sources []Source // the config-hash inputs of the program's sources (Options.Sources)
}

// newGen prepares a generator for p.
func newGen(p *ir.Program) *gen {
	f := jen.NewFile(packageName(p))
	f.ImportAlias(rtPath, rtName)
	g := &gen{
		p:        p,
		f:        f,
		top:      newNamer(),
		declared: map[string]string{},
		helpers:  map[string]bool{},
		consts:   map[string]*ir.Const{},
		fields:   map[*ir.Param]string{},
		hoisted:  map[*ir.Forward][]hoist{},
	}
	for _, c := range p.Consts {
		if c != nil {
			g.consts[c.SourceName] = c
		}
	}
	return g
}

// packageName is the Go package clause name.
func packageName(p *ir.Program) string {
	if p.Package == "" {
		return "main"
	}
	return sanitize(p.Package)
}

// render writes the header and a jennifer file, then gofmt-s the result.
func (g *gen) render(f *jen.File, opts Options) ([]byte, error) {
	var body bytes.Buffer
	if err := f.Render(&body); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("// Code generated by cyclec. DO NOT EDIT.\n\n")
	if opts.Version != "" {
		fmt.Fprintf(&b, "// versions:\n//   cyclec %s\n", strings.TrimSpace(opts.Version))
	}
	src := baseName(g.p.Source)
	if src == "" {
		src = "program.cyc"
	}
	fmt.Fprintf(&b, "// source: %s\n\n", src)
	b.Write(groupImports(body.Bytes()))
	return format.Source(b.Bytes())
}

// at formats pos for a doc comment: the base name of its file, line and
// column ("lorenz96.cyc:21:1"), never a directory.
func (g *gen) at(pos ir.Pos) string {
	file := baseName(pos.File)
	if file == "" {
		file = baseName(g.p.Source)
	}
	switch {
	case pos.Line == 0:
		return file
	case pos.Col == 0:
		return fmt.Sprintf("%s:%d", file, pos.Line)
	}
	return fmt.Sprintf("%s:%d:%d", file, pos.Line, pos.Col)
}

// emit appends every declaration to the file in a fixed order.
func (g *gen) emit() {
	g.emitHandshake()
	g.emitSources()
	g.emitConsts()
	for _, c := range g.p.Carriers {
		g.emitCarrier(c)
	}
	for _, m := range g.p.Forwards {
		forwardEmitters[m.Def.Form()].emit(g, m)
	}
	for _, o := range g.p.Obs {
		obsEmitters[o.Def.Form()].emit(g, o)
	}
	for _, a := range g.p.Analyses {
		analysisEmitters[a.Kind()].emit(g, a)
	}
	for _, c := range g.p.Cycles {
		cycleEmitters[c.Kind()].emit(g, c)
	}
	g.emitHelpers()
}

// emitHandshake writes the compile-time version check against the runtime.
func (g *gen) emitHandshake() {
	g.f.Add(doc("This file was generated for version %d of the generated-code API. The "+
		"two constants fail to compile when the runtime is older than that, or no "+
		"longer supports it (see cycrt.EnforceVersion).", genVersion))
	g.f.Const().Id("_").Op("=").Qual(rtPath, "EnforceVersion").Call(
		jen.Qual(rtPath, "GenVersion").Op("-").Lit(genVersion))
	g.f.Const().Id("_").Op("=").Qual(rtPath, "EnforceVersion").Call(
		jen.Lit(genVersion).Op("-").Qual(rtPath, "MinGenVersion"))
}

// emitSources writes cycSources, the config-hash inputs of the program's
// sources, and cycAddSources, which every cycle's Config calls; nothing
// when the caller gave no sources.
func (g *gen) emitSources() {
	if len(g.sources) == 0 {
		return
	}
	rows := make([]jen.Code, len(g.sources))
	for i, s := range g.sources {
		rows[i] = jen.Values(jen.Lit(s.Label), jen.Lit(s.Digest))
	}
	g.f.Add(doc("cycSources are the .cyc sources this file was generated from, as the config " +
		"hash covers them: each one's label and the length and SHA-256 of its canonical " +
		"form (cycrt.Digest). Every cycle's Config adds them, so that a checkpoint " +
		"refuses to resume once the program has changed, wherever the cycle runs."))
	g.f.Var().Id("cycSources").Op("=").Index(jen.Op("...")).Struct(jen.List(jen.Id("label"), jen.Id("digest")).String()).
		Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}, rows...)
	h, s, err := jen.Id("h"), jen.Id("s"), jen.Id("err")
	g.f.Add(doc("cycAddSources adds cycSources to h."))
	g.f.Func().Id("cycAddSources").Params(h.Clone().Op("*").Qual(rtPath, "ConfigHash")).Error().Block(
		jen.For(jen.List(jen.Id("_"), s.Clone()).Op(":=").Range().Id("cycSources")).Block(
			jen.If(err.Clone().Op(":=").Add(h.Clone()).Dot("AddDigest").Call(s.Clone().Dot("label"), s.Clone().Dot("digest")), err.Clone().Op("!=").Nil()).Block(
				jen.Return(err.Clone()),
			),
		),
		jen.Return(jen.Nil()),
	)
}

// doc formats a comment as // lines wrapped at 77 columns.
func doc(format string, args ...any) *jen.Statement {
	text := fmt.Sprintf(format, args...)
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len(line)+1+len(w) > 74 {
				lines = append(lines, line)
				line = w
				continue
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		lines = append(lines, line)
	}
	for i, l := range lines {
		if l == "" {
			lines[i] = "//"
		} else {
			lines[i] = "// " + l
		}
	}
	// The leading newline separates the declaration from the one before;
	// gofmt collapses any excess.
	return jen.Line().Comment(strings.Join(lines, "\n"))
}

// userDoc is the doc comment the source gives a declaration, as a
// paragraph to append to the generated comment ("" when there is none).
func userDoc(text string) string {
	if strings.TrimSpace(text) == "" {
		return ""
	}
	return "\n\n" + text
}

// groupImports splits the import block jennifer renders (one sorted list)
// into the standard library, a blank line, then everything else, as
// goimports would.
func groupImports(src []byte) []byte {
	const open = "import (\n"
	i := bytes.Index(src, []byte(open))
	if i < 0 {
		return src
	}
	j := bytes.Index(src[i:], []byte("\n)\n"))
	if j < 0 {
		return src
	}
	block := string(src[i+len(open) : i+j])
	var std, other []string
	for _, line := range strings.Split(block, "\n") {
		q := strings.Index(line, "\"")
		if q < 0 {
			continue
		}
		first, _, _ := strings.Cut(strings.Trim(line[q:], "\""), "/")
		if strings.Contains(first, ".") {
			other = append(other, line)
		} else {
			std = append(std, line)
		}
	}
	if len(std) == 0 || len(other) == 0 {
		return src
	}
	var b bytes.Buffer
	b.Write(src[:i+len(open)])
	b.WriteString(strings.Join(std, "\n"))
	b.WriteString("\n\n")
	b.WriteString(strings.Join(other, "\n"))
	b.Write(src[i+j:])
	return b.Bytes()
}
