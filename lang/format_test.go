// Tests of the formatter: every source of the repository and of
// testdata/ round-trips (the output parses to the same tree with the same
// comments, and formatting it again changes nothing), golden outputs for
// messy inputs, and one case per formatting rule.
package lang

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
)

var update = flag.Bool("update", false, "rewrite golden files (testdata/format/*.golden) and the grammar in docs/language.md")

// roundTrip checks the formatter on src: when src parses, its formatted
// form must parse to the same tree (positions aside) with the same
// comments, and be a fixed point of the formatter.
func roundTrip(name string, src []byte) error {
	f, _ := Parse(name, src)
	if f == nil {
		return nil
	}
	out := Format(f)
	g, diags := Parse(name, out)
	if g == nil {
		return fmt.Errorf("formatted output does not parse: %v\n%s", diags, out)
	}
	out2 := Format(g)
	if !bytes.Equal(out, out2) {
		return fmt.Errorf("formatting is not idempotent:\n--- first\n%s\n--- second\n%s", out, out2)
	}
	if a, b := commentTexts(f), commentTexts(g); !reflect.DeepEqual(a, b) {
		return fmt.Errorf("comments changed:\n%q\n%q\n%s", a, b, out)
	}
	clearPositions(reflect.ValueOf(f))
	clearPositions(reflect.ValueOf(g))
	f.Comments, g.Comments = nil, nil
	if !reflect.DeepEqual(f, g) {
		return fmt.Errorf("formatting changed the tree:\n%s", out)
	}
	return nil
}

func commentTexts(f *File) []string {
	var out []string
	for _, c := range f.Comments {
		out = append(out, commentText(c.Text))
	}
	return out
}

var positionType = reflect.TypeOf(lexer.Position{})

// clearPositions zeroes every Pos and EndPos below v.
func clearPositions(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			clearPositions(v.Elem())
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			clearPositions(v.Index(i))
		}
	case reflect.Struct:
		if v.Type() == positionType {
			v.Set(reflect.Zero(positionType))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			clearPositions(v.Field(i))
		}
	}
}

func TestFormatRoundTrip(t *testing.T) {
	files := sourceFiles(t)
	for _, pattern := range []string{"testdata/format/*.input", "testdata/format/*.golden"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if f, diags := Parse(path, src); f == nil {
			t.Errorf("%s does not parse: %v", path, diags)
			continue
		}
		if err := roundTrip(path, src); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}

// TestFormatCanonical asserts that files kept in canonical form stay so.
func TestFormatCanonical(t *testing.T) {
	files, _ := filepath.Glob("../stdlib/*.cyc")
	more, _ := filepath.Glob("testdata/corpus/*.cyc")
	files = append(files, more...)
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out, diags := FormatSource(path, src)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", path, diags)
		}
		if !bytes.Equal(out, src) {
			t.Errorf("%s is not in canonical form; it formats to:\n%s", path, out)
		}
	}
}

// TestFormatGolden formats testdata/format/NAME.input and compares with
// NAME.golden; `go test ./lang -update` rewrites the golden files.
func TestFormatGolden(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/format/*.input")
	if len(inputs) < 3 {
		t.Fatalf("found %d golden inputs, want at least 3", len(inputs))
	}
	for _, in := range inputs {
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		out, diags := FormatSource(in, src)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", in, diags)
		}
		golden := strings.TrimSuffix(in, ".input") + ".golden"
		if *update {
			if err := os.WriteFile(golden, out, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./lang -update)", err)
		}
		if !bytes.Equal(out, want) {
			t.Errorf("%s formats to\n%s\nwant (%s)\n%s", in, out, golden, want)
		}
	}
}

// TestFormatRules shows each formatting rule on a small input.
func TestFormatRules(t *testing.T) {
	const pkg = "package p\n\n"
	for _, c := range []struct{ name, in, want string }{
		{"spacing", "package p\nconst A=1+2*3", pkg + "const A = 1 + 2 * 3\n"},
		{"index compact", "package p\nconst A = x[ i + 1 ]+q[i , 2 * j]", pkg + "const A = x[i+1] + q[i, 2*j]\n"},
		{"index unary operand", "package p\nconst A = x[i - -1]", pkg + "const A = x[i - -1]\n"},
		{"repeated unary", "package p\nconst A = - -x", pkg + "const A = - -x\n"},
		{"power", "package p\nconst A = x^2^-1", pkg + "const A = x ^ 2 ^ -1\n"},
		{"parentheses kept", "package p\nconst A = ((a+b))*(c)", pkg + "const A = ((a + b)) * (c)\n"},
		{"numbers as written", "package p\nconst A = [1., .50, 1E+3, 007]", pkg + "const A = [1., .50, 1E+3, 007]\n"},
		{"strings requoted", "package p\nconst S = \"\\u00e9\\x41\\t\\\"\"", pkg + "const S = \"éA\\t\\\"\"\n"},
		{"one-line options", "package p\nanalysis A = etkf {members=40;inflation=1.02,}", pkg + "analysis A = etkf { members = 40, inflation = 1.02 }\n"},
		{"multi-line options", "package p\nanalysis A = etkf {members=40\n}", pkg + "analysis A = etkf {\n    members = 40\n}\n"},
		{"empty options", "package p\ncycle C = da {  }", pkg + "cycle C = da {}\n"},
		{"body one statement per line", "package p\nforward F(x: S) { dt = 1; ddt x[i] = 0 }", pkg + "forward F(x: S) {\n    dt = 1\n    ddt x[i] = 0\n}\n"},
		{"one-line body", "package p\nobs H(x: S) -> O {y[j]=x[j]}", pkg + "obs H(x: S) -> O { y[j] = x[j] }\n"},
		{"blank lines collapse", "package p\nconst A = 1\n\n\n\nconst B = 2", pkg + "const A = 1\n\nconst B = 2\n"},
		{"no blank after brace", "package p\ncycle C = da {\n\n    a = 1\n\n}", pkg + "cycle C = da {\n    a = 1\n}\n"},
		{"blank after package and imports", "package p\nimport \"a\"\nimport \"b\"\nconst A = 1", "package p\n\nimport \"a\"\nimport \"b\"\n\nconst A = 1\n"},
		{"trailing comment", "package p\nconst A = 1    // one   ", pkg + "const A = 1 // one\n"},
		{"leading comment", "package p\n  // about A\nconst A = 1", pkg + "// about A\nconst A = 1\n"},
		{"comment in expression", "package p\nconst A = 1 + // one\n2", pkg + "const A = 1 + // one\n    2\n"},
		{"comment before brace", "package p\ncycle C = da {\n    a = 1\n        // last\n}", pkg + "cycle C = da {\n    a = 1\n    // last\n}\n"},
		{"multi-line vector", "package p\nconst X = [1, 2,\n3]", pkg + "const X = [\n    1, 2,\n    3,\n]\n"},
		{"go values", "package p\ncycle C = da { source = go   \"a.B\" }", pkg + "cycle C = da { source = go \"a.B\" }\n"},
		{"forms", "package p\nforward F(x:S)=compose(A,b.C){dt=1}\nobs H(x:S)->O=subsample(start=0,step=2)",
			pkg + "forward F(x: S) = compose(A, b.C) { dt = 1 }\nobs H(x: S) -> O = subsample(start = 0, step = 2)\n"},
		{"import alias", "package p\nimport   \"./m.cyc\"as   m;", "package p\n\nimport \"./m.cyc\" as m\n"},
		{"carrier options", "package p\ncarrier L=vec[ N ]{boundary=fixed( 0 )}", pkg + "carrier L = vec[N] { boundary = fixed(0) }\n"},
		{"grid boundaries", "package p\ncarrier G = grid[4,5] {\nboundary=[periodic,clamp]\n}", pkg + "carrier G = grid[4, 5] {\n    boundary = [periodic, clamp]\n}\n"},
		{"lhs range", "package p\nforward F(x: S) {\nddt x[ i in 1 .. N - 2 ] = x[i - 1]\n}", pkg + "forward F(x: S) {\n    ddt x[i in 1..N-2] = x[i-1]\n}\n"},
		{"lhs ranges of a grid", "package p\nobs H(x: S) -> O { y[0,j in 2..3]=x[0,j] }", pkg + "obs H(x: S) -> O { y[0, j in 2..3] = x[0, j] }\n"},
		{"crlf", "package p\r\n// c \r\nconst A = 1\r\n", pkg + "// c\nconst A = 1\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, diags := FormatSource("f.cyc", []byte(c.in))
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if string(out) != c.want {
				t.Errorf("got\n%s\nwant\n%s", out, c.want)
			}
			if err := roundTrip("f.cyc", []byte(c.in)); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestFormatSourceError(t *testing.T) {
	out, diags := FormatSource("bad.cyc", []byte("package broken\n\nconst = 3\n"))
	if out != nil || !diags.HasErrors() {
		t.Fatalf("got %q, %v; want no output and an error", out, diags)
	}
	if diags[0].Pos.Line != 3 {
		t.Errorf("error at line %d, want 3", diags[0].Pos.Line)
	}
}

// TestFormatHandBuilt formats a tree without positions, as a tool that
// builds .cyc programs would.
func TestFormatHandBuilt(t *testing.T) {
	num := func(s string) *Expr {
		return &Expr{Left: &AndExpr{Left: &CmpExpr{Left: &AddExpr{Left: &MulExpr{Left: &UnaryExpr{
			Power: &PowerExpr{Base: &Postfix{Primary: &Primary{Number: &s}}}}}}}}}
	}
	f := &File{
		Package: &PackageClause{Name: "gen"},
		Decls: []*Decl{
			{Const: &ConstDecl{Name: "N", Value: num("40")}},
			{Analysis: &AnalysisDecl{Name: "A", Kind: &Ident{Name: "etkf"}, Options: &OptionBlock{Options: []*Option{
				{Name: "members", Value: &Value{Expr: num("8")}},
				{Name: "inflation", Value: &Value{Expr: num("1.02")}},
			}}}},
		},
	}
	want := "package gen\n\nconst N = 40\nanalysis A = etkf { members = 8, inflation = 1.02 }\n"
	if got := string(Format(f)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
