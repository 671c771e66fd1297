// Checks on syntax trees the parser would not produce (keywords as names,
// equations of the wrong form, nil optional fields): Check takes any tree,
// so it must report these rather than trust the parser, and never panic.
package check

import (
	"regexp"
	"strings"
	"testing"

	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/lang"
)

const astBase = `package p
const N = 4
carrier S = vec[N]
forward F(x: S) {
    param k = 1
    dt = 0.1
    ddt x[i] = -k * x[i]
}
obs H(x: S) -> S { y[j] = x[j] }
analysis A = etkf { members = 10 }
cycle C = forecast { model = F, steps = 10 }
`

// parseBase parses astBase for a test to edit.
func parseBase(t *testing.T) *lang.File {
	t.Helper()
	f, diags := lang.Parse("base.cyc", []byte(astBase))
	if diags.HasErrors() || f == nil {
		t.Fatalf("parse: %v", diags)
	}
	return f
}

func TestEditedTrees(t *testing.T) {
	cases := []struct {
		name string
		edit func(f *lang.File)
		want []string // regexps, one per error, in position order
	}{
		{"unchanged", func(f *lang.File) {}, nil},
		{"keyword const", func(f *lang.File) { f.Decls[0].Const.Name = "next" }, []string{"next is a keyword and cannot name a declaration", "undefined: N"}},
		{"t as a declaration", func(f *lang.File) { f.Decls[4].Analysis.Name = "t" }, []string{"t is reserved for the model time"}},
		{"keyword param", func(f *lang.File) { f.Decls[2].Forward.Body[0].Param.Name = "go" }, []string{"go is a keyword and cannot name a parameter", "undefined: k"}},
		{"keyword state", func(f *lang.File) { f.Decls[2].Forward.Sig.Var = "obs" }, []string{"obs is a keyword and cannot name the state", "equation for x, but the state of F is obs"}},
		{"keyword index", func(f *lang.File) { renameIndex(f, "cycle") }, []string{"cycle is a keyword and cannot be an index variable", "undefined: cycle"}},
		{"forward equation without kind", func(f *lang.File) { f.Decls[2].Forward.Body[2].Eq.Kind = "" }, []string{`equation x\[…\] needs ddt or next in a forward model`}},
		{"obs equation with ddt", func(f *lang.File) { f.Decls[3].Obs.Body[0].Eq.Kind = "ddt" }, []string{`ddt belongs in forward models: obs equations are written y\[j\] = …`}},
		{"obs assigns its input", func(f *lang.File) { f.Decls[3].Obs.Body[0].Eq.Var = "x" }, []string{"x is the input of H and cannot be assigned"}},
		{"obs equations of two outputs", func(f *lang.File) {
			b := f.Decls[3].Obs.Body
			other := *b[0].Eq
			other.Var = "z"
			f.Decls[3].Obs.Body = append(b, &lang.ObsStmt{Pos: b[0].Pos, Eq: &other})
		}, []string{"equation for z, but the other equations give y"}},
		{"keyword alias", func(f *lang.File) {
			f.Imports = []*lang.Import{{Pos: f.Package.Pos, Path: "std/lorenz96", Alias: "forward"}}
		}, []string{"forward is a keyword and cannot name an import"}},
		{"nil pieces", func(f *lang.File) {
			f.Decls = append(f.Decls, nil, &lang.Decl{}, &lang.Decl{Const: &lang.ConstDecl{Name: "Z"}},
				&lang.Decl{Carrier: &lang.CarrierDecl{Name: "Q", Kind: &lang.Ident{Name: "vec"}, Shape: []*lang.Expr{nil}}},
				&lang.Decl{Forward: &lang.ForwardDecl{Name: "G", Body: []*lang.ForwardStmt{nil, {Eq: &lang.Equation{Kind: "ddt", Var: "x", Index: []*lang.LHSIndex{nil, {}, {Var: "i"}}}}}}},
				&lang.Decl{Obs: &lang.ObsDecl{Name: "O", Form: &lang.ObsForm{Call: &lang.Call{}}}},
				&lang.Decl{Analysis: &lang.AnalysisDecl{Name: "B", Kind: &lang.Ident{Name: "etkf"}, Options: &lang.OptionBlock{Options: []*lang.Option{nil, {Name: "members"}}}}},
				&lang.Decl{Cycle: &lang.CycleDecl{Name: "D", Kind: &lang.Ident{Name: "sequence"}, Args: &lang.ArgList{Args: []*lang.Arg{nil, {}}}}},
			)
			f.Imports = append(f.Imports, nil)
		}, []string{"", "", "", "", "", ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := parseBase(t)
			tc.edit(f)
			prog, diags := Check(f, []byte(astBase), Config{})
			var errs []*diag.Diagnostic
			for _, d := range diags {
				if d.Severity == diag.Error {
					errs = append(errs, d)
				}
			}
			if tc.want == nil {
				for _, d := range errs {
					t.Errorf("unexpected %s", d.Error())
				}
				if prog == nil {
					t.Error("no program")
				}
				return
			}
			if prog != nil {
				t.Error("a program despite errors")
			}
			if tc.name == "nil pieces" {
				// Only that it does not panic and reports something.
				if len(errs) == 0 {
					t.Error("no errors")
				}
				return
			}
			if len(errs) != len(tc.want) {
				t.Fatalf("got %d errors, want %d: %v", len(errs), len(tc.want), diags)
			}
			for i, re := range tc.want {
				if !regexp.MustCompile(re).MatchString(errs[i].Msg) {
					t.Errorf("error %d = %q, want match for %q", i, errs[i].Msg, re)
				}
			}
		})
	}
}

// renameIndex renames the index variable i of F's equation (both sides).
func renameIndex(f *lang.File, to string) {
	lang.Walk(f.Decls[2].Forward, func(n any) {
		if q, ok := n.(*lang.QualIdent); ok && len(q.Parts) == 1 && q.Parts[0] == "i" {
			q.Parts[0] = to
		}
	})
}

func TestCheckNil(t *testing.T) {
	prog, diags := Check(nil, nil, Config{})
	if prog != nil || !diags.HasErrors() {
		t.Errorf("Check(nil) = %v, %v", prog, diags)
	}
}

func TestCheckSourceSyntaxError(t *testing.T) {
	prog, diags := CheckSource("bad.cyc", []byte("package p\ncarrier S = vec[3"), Config{})
	if prog != nil || !diags.HasErrors() {
		t.Fatalf("got %v, %v", prog, diags)
	}
	if diags[0].Pos.File != "bad.cyc" {
		t.Errorf("position %v", diags[0].Pos)
	}
}

// TestNoFileAccess: without ReadFile, relative imports are errors and data
// files go unchecked; without a Go resolver only the syntax of references
// is checked.
func TestNoFileAccess(t *testing.T) {
	src := `package p
import "./other.cyc"
carrier S = vec[40]
carrier O = vec[20]
obs Lin(x: S) -> O = linear "H.csv"
forward M(x: S) = go "example.com/ocean.Anything" { dt = 1 }
forward E(x: S) = neural "missing.json" { dt = 1 }
analysis V = var3d { B = "B.csv" }
`
	_, diags := CheckSource("p.cyc", []byte(src), Config{})
	if len(diags) != 1 || diags[0].Pos.Line != 2 {
		t.Fatalf("want one error at line 2, got %v", diags)
	}
	if !regexp.MustCompile(`cannot import ./other.cyc: no file access`).MatchString(diags[0].Msg) {
		t.Errorf("message %q", diags[0].Msg)
	}
	prog, diags := CheckSource("p.cyc", []byte(strings.Replace(src, "import \"./other.cyc\"\n", "", 1)), Config{})
	if prog == nil || len(diags) != 0 {
		t.Fatalf("without the import: %v", diags)
	}
}

// TestNotes checks the secondary positions of mismatches.
func TestNotes(t *testing.T) {
	cases := []struct {
		file  string
		line  int
		notes []string // "file:line" of each note
	}{
		{"redeclared.cyc", 5, []string{"redeclared.cyc:4"}},
		{"wrong_kind.cyc", 12, []string{"std/lorenz96.cyc:28"}},
		{"forward_overlap.cyc", 9, []string{"forward_overlap.cyc:8"}},
		{"members_mismatch.cyc", 15, []string{"members_mismatch.cyc:6"}},
		{"kf_nonlinear.cyc", 21, []string{"std/lorenz96.cyc:24", "std/lorenz96.cyc:20"}},
		{"kf_nonlinear.cyc", 65, []string{"kf_nonlinear.cyc:49", "kf_nonlinear.cyc:46"}},
		{"wiring_carrier.cyc", 15, []string{"wiring_carrier.cyc:9", "std/lorenz96.cyc:20"}},
		{"import_cycle.cyc", 4, []string{"imports/cyc_b.cyc:4"}},
		{"const_cycle.cyc", 4, []string{"const_cycle.cyc:5"}},
		{"compose_forward.cyc", 23, []string{"compose_forward.cyc:12"}},
		{"sequence_errors.cyc", 10, []string{"sequence_errors.cyc:8", "sequence_errors.cyc:7"}},
		{"gonames.cyc", 14, []string{"gonames.cyc:10"}},
		{"derivatives.cyc", 40, []string{"derivatives.cyc:15"}},
		{"derivatives.cyc", 44, []string{"derivatives.cyc:17"}},
		{"derivatives.cyc", 57, []string{"derivatives.cyc:31"}},
		{"oi_mean.cyc", 10, []string{"oi_mean.cyc:21"}},
		{"climatology.cyc", 16, []string{"climatology.cyc:16"}},
		{"obs_go.cyc", 23, []string{"obs_go.cyc:9"}},
	}
	for _, tc := range cases {
		diags, _ := checkFile(t, tc.file)
		var found *diag.Diagnostic
		for _, d := range diags {
			if d.Pos.Line == tc.line && (d.Pos.File == tc.file || tc.file == "import_cycle.cyc") {
				found = d
				break
			}
		}
		if found == nil {
			t.Errorf("%s:%d: no diagnostic", tc.file, tc.line)
			continue
		}
		var got []string
		for _, n := range found.Notes {
			got = append(got, n.Pos.File+":"+itoa(n.Pos.Line))
		}
		eq(t, tc.file+" notes", got, tc.notes)
	}
}
