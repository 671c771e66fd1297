// Tests of Parse: valid programs, the rewritten grammar errors (one or
// more per block kind, with position and message), lexical errors, and the
// rules checked after the grammar.
package lang

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// errorCase is a source with the one diagnostic it must produce first.
type errorCase struct {
	name string
	src  string
	pos  string // line:col of the first diagnostic
	msg  string // substring of its message
}

// checkErrors parses every case and asserts the first diagnostic.
func checkErrors(t *testing.T, cases []errorCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, diags := Parse("f.cyc", []byte(c.src))
			if len(diags) == 0 {
				t.Fatalf("no diagnostic for %q", c.src)
			}
			if f != nil {
				t.Errorf("Parse returned a tree along with errors")
			}
			d := diags[0]
			if got := fmt.Sprintf("%d:%d", d.Pos.Line, d.Pos.Col); got != c.pos {
				t.Errorf("position %s, want %s (%s)", got, c.pos, d.Msg)
			}
			if !strings.Contains(d.Msg, c.msg) {
				t.Errorf("message %q does not contain %q", d.Msg, c.msg)
			}
			if d.Pos.File != "f.cyc" || d.Code != "syntax" {
				t.Errorf("diagnostic %+v: want file f.cyc and code syntax", d)
			}
		})
	}
}

func TestSyntaxErrors(t *testing.T) {
	checkErrors(t, []errorCase{
		// package
		{"no package", "// no package\nconst N = 1\n", "2:1", "starts with `package NAME`; found `const`"},
		{"empty file", "", "1:1", "starts with `package NAME`; found end of file"},
		{"package name", "package 3\n", "1:9", "expected the package name after `package`, found `3`"},
		{"two packages", "package a\npackage b\n", "2:1", "one `package` clause"},
		{"after package", "package a b\n", "1:11", "expected a declaration"},
		// import
		{"import path", "package a\nimport lorenz96\n", "2:8", "expected an import path after `import`"},
		{"import alias", "package a\nimport \"std/lorenz96\" as\n", "2:25", "expected a name after `as`, found end of file"},
		{"late import", "package a\nconst N = 1\nimport \"std/lorenz96\"\n", "3:1", "imports must come before all declarations"},
		// const
		{"const name", "package a\nconst = 3\n", "2:7", "expected a constant name after `const`, found `=`"},
		{"const =", "package a\nconst N 40\n", "2:9", "expected `=` after constant name `N`, found `40`"},
		{"const value", "package a\nconst N =\n", "2:10", "expected a value after `N =`, found end of file"},
		{"vector open", "package a\nconst X0 = [1.0, 2.0\n", "2:21", "missing `]` to close the `[` opened at 2:12"},
		{"vector comma", "package a\nconst X0 = [1.0 2.0]\n", "2:17", "expected `,` or `]`, found `2.0`"},
		// carrier
		{"carrier =", "package a\ncarrier State vec[3]\n", "2:15", "expected `=` after carrier name `State`, found `vec`"},
		{"carrier [", "package a\ncarrier State = vec\n", "2:20", "expected `[` after carrier kind `vec`"},
		{"carrier shape", "package a\ncarrier State = vec[]\n", "2:21", "expected an expression after `[`, found `]`"},
		{"carrier kind", "package a\ncarrier State = \n", "2:16", "expected a carrier kind (`vec` or `grid`)"},
		// forward signature and forms
		{"forward (", "package a\nforward L96 x: State) {}\n", "2:13", "expected `(` after forward model name `L96`"},
		{"forward :", "package a\nforward L96(x State) {}\n", "2:15", "expected `:` after `x` in the signature"},
		{"forward )", "package a\nforward L96(x: State {}\n", "2:22", "expected `)` to close the `(` opened at 2:12, found `{`"},
		{"forward { or =", "package a\nforward L96(x: State) dt = 1\n", "2:23", "expected `{` (a body) or `=` (another form)"},
		{"forward go string", "package a\nforward O(x: State) = go ocean.Step { dt = 1 }\n", "2:26", "expected a string after `go`"},
		{"forward neural string", "package a\nforward O(x: State) = neural 3\n", "2:30", "expected a string after `neural`"},
		{"forward form", "package a\nforward O(x: State) = step(A) { dt = 1 }\n", "2:23", "expected `go \"…\"`, `neural \"…\"` or `compose(…)`"},
		{"compose trailing comma", "package a\nforward O(x: State) = compose(A, ) { dt = 1 }\n", "2:32", "unexpected `,` before `)`"},
		{"compose empty", "package a\nforward O(x: State) = compose() { dt = 1 }\n", "2:31", "expected a model name after `(`, found `)`"},
		{"form options unclosed", "package a\nforward O(x: State) = compose(A, B) { dt = 1\n", "2:45", "missing `}` to close the options of forward model `O` opened at 2:37"},
		{"form options", "package a\nforward O(x: State) = neural \"e.json\" { dt 1 }\n", "2:44", "expected `=` after option name `dt`, found `1`"},
		// forward body
		{"body option", "package a\nforward L96(x: State) {\n    dt 0.05\n}\n", "3:8", "expected `=` after option name `dt`, found `0.05`"},
		{"body param", "package a\nforward L96(x: State) {\n    param F 8.0\n}\n", "3:13", "expected `=` after parameter name `F`, found `8.0`"},
		{"body param name", "package a\nforward L96(x: State) {\n    param 8.0\n}\n", "3:11", "expected a parameter name after `param`"},
		{"body ddt [", "package a\nforward L96(x: State) {\n    ddt x = 1\n}\n", "3:11", "expected `[` after `ddt x`"},
		{"body ddt =", "package a\nforward L96(x: State) {\n    ddt x[i] 1\n}\n", "3:14", "expected `=` after `ddt x[i]`, found `1`"},
		{"body statement", "package a\nforward L96(x: State) {\n    3 = x\n}\n", "3:5", "expected a statement"},
		{"body unclosed", "package a\nforward L96(x: State) {\n    dt = 0.05\n", "3:14", "missing `}` to close the body of forward model `L96` opened at 2:23"},
		{"body value", "package a\nforward L96(x: State) {\n    ddt x[i] = x[i] *\n}\n", "4:1", "expected an expression after `*`, found `}`"},
		// obs forms and body
		{"obs ->", "package a\nobs H(x: State) = identity\n", "2:17", "expected `->` and the output carrier"},
		{"obs output", "package a\nobs H(x: State) -> = identity\n", "2:20", "expected the output carrier after `->`"},
		{"obs = or {", "package a\nobs H(x: State) -> Obs identity\n", "2:24", "expected `=` or `{` after the output carrier of obs operator `H`"},
		{"obs form", "package a\nobs H(x: State) -> Obs =\n", "2:25", "expected an operator after `=` in obs operator `H`"},
		{"obs linear", "package a\nobs H(x: State) -> Obs = linear 3\n", "2:33", "expected a string after `linear`"},
		{"obs args", "package a\nobs H(x: State) -> Obs = subsample(start = 0 step = 2)\n", "2:46", "expected `,` or `)`, found `step`"},
		{"obs body [", "package a\nobs H(x: State) -> Obs { y = x }\n", "2:28", "expected `[` after `y`"},
		{"obs body =", "package a\nobs H(x: State) -> Obs { y[j] x[j] }\n", "2:31", "expected `=` after `y[j]`, found `x`"},
		{"obs body statement", "package a\nobs H(x: State) -> Obs {\n    2 = y\n}\n", "3:5", "expected an equation `y[j] = …`"},
		// analysis
		{"analysis =", "package a\nanalysis A etkf\n", "2:12", "expected `=` after analysis name `A`, found `etkf`"},
		{"analysis kind", "package a\nanalysis A = \n", "2:13", "expected an analysis kind (such as `etkf`)"},
		{"analysis go", "package a\nanalysis X = go 3\n", "2:17", "expected a string after `go`"},
		// options
		{"option =", "package a\nanalysis A = etkf { members 40 }\n", "2:29", "expected `=` after option name `members`, found `40`"},
		{"option value", "package a\nanalysis A = etkf { members = }\n", "2:31", "expected a value after `members =`, found `}`"},
		{"second option", "package a\nanalysis A = etkf { members = 40, inflation 1.02 }\n", "2:45", "expected `=` after option name `inflation`, found `1.02`"},
		{"option name", "package a\nanalysis A = etkf { 40 }\n", "2:21", "expected an option `name = value`, found `40`"},
		{"options unclosed", "package a\nanalysis A = etkf { members = 40\n", "2:33", "missing `}` to close the options of analysis `A` opened at 2:19"},
		// cycle
		{"cycle =", "package a\ncycle C forecast\n", "2:9", "expected `=` after cycle name `C`, found `forecast`"},
		{"cycle kind", "package a\ncycle C = \n", "2:10", "expected a cycle kind"},
		{"cycle args", "package a\ncycle C = sequence(A,\n", "2:22", "missing `)` to close the `(` opened at 2:19"},
		{"cycle arg value", "package a\ncycle C = da {\n    init = normal(mean = , std = 1)\n}\n", "3:26", "expected a value after `mean =`, found `,`"},
		{"cycle extra brace", "package a\ncycle C = da { a = 1 } }\n", "2:24", "unmatched `}`"},
		// expressions
		{"missing operand", "package a\ncycle C = recurrence {\n    until = x[0] <\n}\n", "4:1", "expected an expression after `<`, found `}`"},
		{"chained comparison", "package a\ncycle C = recurrence {\n    until = 0 < x[0] < 1\n}\n", "3:22", "comparisons do not chain"},
		{"chained comparison top", "package a\nconst B = 1 < 2 < 3\n", "2:17", "comparisons do not chain"},
		{"unclosed call", "package a\ncycle C = recurrence {\n    until = abs(x[0] - 2\n}\n", "4:1", "expected `)` to close the `(` opened at 3:16, found `}`"},
		{"mismatched", "package a\nconst N = (1 + 2]\n", "2:17", "expected `)` to close the `(` opened at 2:11, found `]`"},
		{"two operators", "package a\nconst N = 1 + * 2\n", "2:15", "expected an expression after `+`, found `*`"},
		{"missing comma", "package a\nconst N = f(1 2)\n", "2:15", "expected `,` or `)`, found `2`"},
		{"unmatched )", "package a\nconst N = 1 )\n", "2:13", "unmatched `)`"},
		{"index unclosed", "package a\ncycle C = da { until = x[0 }\n", "2:28", "expected `]` to close the `[` opened at 2:25, found `}`"},
		{"qualified", "package a\nconst N = a.\n", "2:13", "expected a name after `.`"},
		{"double equals", "package a\ncycle C = da { model == L }\n", "2:22", "expected `=` after option name `model`, found `==`"},
		{"options in parentheses", "package a\nanalysis A = etkf ( members = 40 )\n", "2:19", "expected `{` to start the options of analysis `A`, found `(`"},
		{"options without braces", "package a\nforward F(x: S) = go \"a\" dt = 1\n", "2:26", "expected `{` to start the options of forward model `F`"},
		{"empty statement", "package a\nconst N = 40;;\n", "2:14", "unexpected `;`"},
		{"colon for equals", "package a\nobs H(x: S) -> O = subsample(start: 0)\n", "2:35", "expected `=` after `start`, found `:`"},
		{"double comma", "package a\nconst X = [1, 2,, 3]\n", "2:17", "unexpected `,` after `,`"},
		{"index closed by brace", "package a\nforward F(x: S) { ddt x[i = 1 }\n", "2:31", "expected `]` to close the `[` opened at 2:24, found `}`"},
		{"index left open", "package a\nforward F(x: S) {\n    ddt x[i] = x[i-1\n}\n", "4:1", "expected `]` to close the `[` opened at 3:17, found `}`"},
		{"range without end", "package a\nforward F(x: S) {\n    ddt x[i in 1..] = 0\n}\n", "3:19", "expected the last element of the range after `..`"},
		{"range without dots", "package a\nforward F(x: S) {\n    ddt x[i in 1] = 0\n}\n", "3:17", "expected `..` in the range of `i`"},
		{"range without start", "package a\nforward F(x: S) {\n    ddt x[i in ..3] = 0\n}\n", "3:16", "expected the first element of the range after `i in`"},
		{"range without variable", "package a\nobs H(x: S) -> O { y[0..3] = x[0] }\n", "2:22", "a range on the left-hand side binds an index variable"},
		{"range on the right", "package a\nforward F(x: S) {\n    ddt x[i] = x[i-1..2]\n}\n", "3:21", "`..` is only written in a range on the left-hand side"},
		{"carrier options unclosed", "package a\ncarrier L = vec[3] { boundary = clamp\n", "2:38", "missing `}`"},
		{"paren left open", "package a\nforward F(x: S) {\n    ddt x[i] = (x[i] + 1\n    dt = 1\n}\n", "4:5", "expected `)` to close the `(` opened at 3:16, found `dt`"},
		{"unfinished declaration", "package a\nconst A = 1 +\nconst B = 2\n", "3:1", "expected an expression after `+`, found `const`"},
	})
}

func TestLexicalErrors(t *testing.T) {
	checkErrors(t, []errorCase{
		{"unterminated string", "package a\nconst S = \"abc\nconst T = 1\n", "2:11", "string is not terminated"},
		{"bad escape", "package a\nconst S = \"a\\qb\"\n", "2:13", "invalid escape sequence `\\q`"},
		{"unterminated comment", "package a\n/* never closed\nconst N = 1\n", "2:1", "block comment is not terminated"},
		{"stray character", "package a\nconst N = 1 @ 2\n", "2:13", "unexpected character `@`"},
		{"single ampersand", "package a\nconst B = a & b\n", "2:13", "the logical and is `&&`"},
		{"single bar", "package a\nconst B = a | b\n", "2:13", "the logical or is `||`"},
		{"hash comment", "package a\n# comment\n", "2:1", "comments start with `//`"},
		{"single quote", "package a\nconst S = 'x'\n", "2:11", "strings are written in double quotes"},
		{"exponent digits", "package a\nconst N = 1e\n", "2:11", "malformed number `1e`"},
		{"number and letters", "package a\nconst N = 2x\n", "2:11", "malformed number `2x`"},
		{"two dots", "package a\nconst N = 1.2.3\n", "2:11", "malformed number `1.2.3`"},
		{"invalid utf-8", "package a\nconst N = 1 \xff\n", "2:13", "invalid UTF-8 encoding"},
		{"invalid utf-8 in string", "package a\nconst S = \"a\xffb\"\n", "2:13", "invalid UTF-8 encoding in string"},
		{"control character", "package a\nconst N = 1\x00\n", "2:12", "unexpected character U+0000"},
	})
}

func TestSeveralLexicalErrors(t *testing.T) {
	_, diags := Parse("f.cyc", []byte("package a\nconst B = a & b | c # d\n"))
	if len(diags) != 3 {
		t.Fatalf("got %d diagnostics, want 3: %v", len(diags), diags)
	}
	for i, col := range []int{13, 17, 21} {
		if diags[i].Pos.Col != col {
			t.Errorf("diagnostic %d at column %d, want %d", i, diags[i].Pos.Col, col)
		}
	}
}

func TestRules(t *testing.T) {
	checkErrors(t, []errorCase{
		// separators
		{"declarations on one line", "package a\nconst N = 1 const M = 2\n", "2:13", "missing newline or `;` before `const`"},
		{"options on one line", "package a\nanalysis A = etkf { members = 40 inflation = 1.02 }\n", "2:34", "missing newline, `;` or `,` before `inflation`"},
		{"statements on one line", "package a\nforward F(x: S) { dt = 1 ddt x[i] = 0 }\n", "2:26", "missing newline, `;` or `,` before `ddt`"},
		{"block comment is no separator", "package a\nforward F(x: S) {\n    dt = 1 /* c */ ddt x[i] = 0\n}\n", "3:20", "before `ddt`"},
		{"obs statements on one line", "package a\nobs H(x: S) -> O { y[0] = x[0] y[1] = x[1] }\n", "2:32", "before `y`"},
		{"options in a call's block", "package a\ncycle C = da {\n    model = L obs = H\n}\n", "3:15", "before `obs`"},
		// keywords
		{"keyword constant", "package a\nconst go = 1\n", "2:7", "`go` is a keyword and cannot be used as a constant name"},
		{"keyword package", "package obs\n", "1:9", "`obs` is a keyword"},
		{"keyword alias", "package a\nimport \"x\" as cycle\n", "2:15", "`cycle` is a keyword"},
		{"keyword model", "package a\nforward next(x: S) { dt = 1 }\n", "2:9", "`next` is a keyword"},
		{"keyword state variable", "package a\nforward F(ddt: S) { dt = 1 }\n", "2:11", "`ddt` is a keyword and cannot be used as the state variable"},
		{"keyword index variable", "package a\nforward F(x: S) {\n    ddt x[go in 0..2] = 0\n}\n", "3:11", "`go` is a keyword and cannot be used as an index variable"},
		{"keyword param", "package a\nforward F(x: S) {\n    param go = 1\n}\n", "3:11", "cannot be used as a parameter name"},
		{"keyword reference", "package a\ncycle C = da { obs = obs }\n", "2:22", "`obs` is a keyword and cannot be used as a name"},
		{"keyword carrier", "package a\nobs H(x: S) -> carrier = identity\n", "2:16", "`carrier` is a keyword"},
		{"keyword analysis kind", "package a\nanalysis A = obs\n", "2:14", "`obs` is a keyword, not an analysis kind"},
		{"go without string", "package a\nanalysis A = go\n", "3:1", "expected a string after `go`"},
		{"keyword cycle kind", "package a\ncycle C = forward {}\n", "2:11", "`forward` is a keyword, not a cycle kind"},
		// equation forms
		{"forward equation kind", "package a\nforward F(x: S) {\n    x[i] = 1\n}\n", "3:5", "starts with `ddt` (a tendency) or `next` (a map)"},
		{"param without name", "package a\nforward F(x: S) {\n    param = 1\n}\n", "3:11", "expected a parameter name after `param`"},
		{"obs equation kind", "package a\nobs H(x: S) -> O { ddt y[j] = x[j] }\n", "2:20", "an obs body equation has no `ddt`"},
		{"obs output name", "package a\nobs H(x: S) -> O { z[j] = x[j] }\n", "2:20", "an obs body defines its output `y`"},
		{"go without string", "package a\ncycle C = da { source = go }\n", "2:28", "expected a string after `go`"},
		{"ddt without variable", "package a\nforward F(x: S) {\n    ddt = 1\n}\n", "3:9", "expected a state variable after `ddt`"},
		{"linear without file", "package a\nobs H(x: S) -> O = linear\n", "3:1", "expected a file name after `linear`"},
	})
}

func TestRulesReportEveryViolation(t *testing.T) {
	src := "package a\nconst go = 1 const N = 2\nanalysis A = etkf { a = 1 b = 2 }\n"
	_, diags := Parse("f.cyc", []byte(src))
	want := []string{"2:7", "2:14", "3:27"}
	if len(diags) != len(want) {
		t.Fatalf("got %d diagnostics, want %d: %v", len(diags), len(want), diags)
	}
	for i, w := range want {
		if got := fmt.Sprintf("%d:%d", diags[i].Pos.Line, diags[i].Pos.Col); got != w {
			t.Errorf("diagnostic %d at %s, want %s: %s", i, got, w, diags[i].Msg)
		}
	}
}

// TestSeparatorsAccepted lists layouts the separator rule must accept.
func TestSeparatorsAccepted(t *testing.T) {
	for _, src := range []string{
		"package a; const N = 1; const M = 2",
		"package a\nanalysis A = etkf { members = 40; inflation = 1.02, rotate = true }",
		"package a\nanalysis A = etkf { members = 40, inflation = 1.02, }",
		"package a\nforward F(x: S) { dt = 1; ddt x[i] = 0 }",
		"package a\nforward F(x: S) { dt = 1, ddt x[i] = 0 }",
		"package a\nforward F(x: S) { dt = 1 /* two\nlines */ ddt x[i] = 0 }",
		"package a\nobs H(x: S) -> O { y[0] = x[0], y[1] = x[1] }",
		"package a\nobs H(x: S) -> O { y[0] = x[0]; y[1] = x[1]; }",
		"package a\ncycle C = da {\n    model = L\n    obs = H // the operator\n    analysis = A\n}",
		"package a\nconst X = [\n    1, 2,\n    3,\n]",
	} {
		if _, diags := Parse("f.cyc", []byte(src)); len(diags) > 0 {
			t.Errorf("%q: %v", src, diags)
		}
	}
}

func TestKeywordsAsOptionAndArgumentNames(t *testing.T) {
	src := "package a\ncycle C = ensemble_da { obs = H, analysis = A, model = L, init = normal(go = 1, obs = 2) }\n"
	f, diags := Parse("f.cyc", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	opts := f.Decls[0].Cycle.Options.Options
	if opts[0].Name != "obs" || opts[1].Name != "analysis" {
		t.Errorf("option names %q, %q", opts[0].Name, opts[1].Name)
	}
}

func TestParseTree(t *testing.T) {
	src := "package p\nimport \"std/lorenz96\" as l\nconst S = \"a\\tb\\x41\"\nconst X0 = [1.0, 2.,]\n" +
		"forward F(x: l.State) {\n    param k = 2\n    dt = 0.5\n    ddt x[i] = -k * x[i-1] ^ 2\n}\n" +
		"analysis X = go \"example.com/f.New\"\n"
	f, diags := Parse("p.cyc", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if f.Package.Name != "p" || f.Imports[0].Path != "std/lorenz96" || f.Imports[0].Alias != "l" {
		t.Errorf("header: %+v %+v", f.Package, f.Imports[0])
	}
	if s := *f.Decls[0].Const.Value.Left.Left.Left.Left.Left.Power.Base.Primary.String; s != "a\tbA" {
		t.Errorf("string value %q, want %q", s, "a\tbA")
	}
	if v := f.Decls[1].Const.Value.Left.Left.Left.Left.Left.Power.Base.Primary.Vector; len(v) != 2 {
		t.Errorf("vector has %d elements, want 2", len(v))
	}
	fw := f.Decls[2].Forward
	if got := strings.Join(fw.Sig.Carrier.Parts, "."); got != "l.State" {
		t.Errorf("carrier %q", got)
	}
	if len(fw.Body) != 3 || fw.Body[0].Param == nil || fw.Body[1].Option == nil || fw.Body[2].Eq == nil {
		t.Fatalf("body %+v", fw.Body)
	}
	if eq := fw.Body[2].Eq; eq.Kind != "ddt" || eq.Var != "x" || len(eq.Index) != 1 {
		t.Errorf("equation %+v", eq)
	}
	if fw.Pos.Line != 5 || fw.EndPos.Line != 9 || fw.EndPos.Column != 2 {
		t.Errorf("forward spans %v to %v, want 5:1 to 9:2", fw.Pos, fw.EndPos)
	}
	if g := f.Decls[3].Analysis.Go; g == nil || *g != "example.com/f.New" {
		t.Errorf("analysis go %v", g)
	}
}

func TestParseComments(t *testing.T) {
	src := "// a\npackage p /* b\nc */\nconst N = 1 // d\n"
	f, diags := Parse("p.cyc", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	var got []string
	for _, c := range f.Comments {
		got = append(got, fmt.Sprintf("%d:%d-%d:%d %s", c.Pos.Line, c.Pos.Column, c.EndPos.Line, c.EndPos.Column, c.Text))
	}
	want := []string{"1:1-1:5 // a", "2:11-3:5 /* b\nc */", "4:13-4:17 // d"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("comments\n got %q\nwant %q", got, want)
	}
}

// TestParseSources parses every .cyc file of the repository that must be
// valid: the standard library, the examples and the golden inputs.
func TestParseSources(t *testing.T) {
	files := sourceFiles(t)
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, diags := Parse(filepath.ToSlash(path), src); len(diags) > 0 {
			t.Errorf("%s: %v", path, diags)
		}
	}
}

// sourceFiles lists the valid .cyc files of the repository and of
// lang/testdata/corpus.
func sourceFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{
		"../stdlib/*.cyc",
		"../examples/*/*.cyc",
		"../examples/*/*/*.cyc",
		"../testdata/golden/*/input.cyc",
		"testdata/corpus/*.cyc",
	} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 3 {
		t.Fatalf("found only %d source files", len(files))
	}
	return files
}

// TestNestingLimit checks that hostile nesting is an error, not a stack
// overflow, and that reasonable nesting parses.
func TestNestingLimit(t *testing.T) {
	for _, c := range []struct {
		name string
		src  string
		ok   bool
	}{
		{"parens 400", strings.Repeat("(", 400) + "1" + strings.Repeat(")", 400), true},
		{"powers 400", strings.Repeat("2^", 400) + "1", true},
		{"long sum", strings.Repeat("-x^2 + ", 2000) + "1", true},
		{"parens 600", strings.Repeat("(", 600) + "1" + strings.Repeat(")", 600), false},
		{"brackets 100000", strings.Repeat("[", 100000), false},
		{"unary 100000", strings.Repeat("-", 100000) + "1", false},
		{"powers 100000", strings.Repeat("2^", 100000) + "1", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, diags := Parse("f.cyc", []byte("package a\nconst A = "+c.src+"\n"))
			if c.ok {
				if f == nil {
					t.Fatal(diags)
				}
				if err := roundTrip("f.cyc", []byte("package a\nconst A = "+c.src+"\n")); err != nil {
					t.Error(err)
				}
				return
			}
			if f != nil || len(diags) != 1 || !strings.Contains(diags[0].Msg, "nesting too deep") {
				t.Errorf("got %v, want one nesting error", diags)
			}
		})
	}
}

// TestLexerDefinition drives the participle lexer definition on its own.
func TestLexerDefinition(t *testing.T) {
	lx, err := cycLexer{}.Lex("f.cyc", strings.NewReader("package a // c\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		tok, err := lx.Next()
		if err != nil {
			t.Fatal(err)
		}
		if tok.EOF() {
			break
		}
		got = append(got, tok.Value)
	}
	if want := []string{"package", " ", "a", " ", "// c", "\n"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("tokens %q, want %q", got, want)
	}
	if _, err := (cycLexer{}).Lex("f.cyc", strings.NewReader("package a\n@")); err == nil || !strings.Contains(err.Error(), "unexpected character `@`") {
		t.Errorf("error %v, want the unexpected character", err)
	}
}

// TestParseRangesAndBoundaries checks the tree of the range and carrier
// option forms: `1..N-2` lexes as 1, `..`, N-2 (not the fraction `1.`),
// both ends of a range are kept, and a carrier keeps its option block.
func TestParseRangesAndBoundaries(t *testing.T) {
	src := "package a\ncarrier L = vec[10] { boundary = fixed(0) }\nforward F(x: L) {\n    dt = 1\n    next x[i in 1..N-2] = x[i]\n    next x[0] = 0\n}\n"
	f, diags := Parse("f.cyc", []byte(src))
	if f == nil {
		t.Fatal(diags)
	}
	car := f.Decls[0].Carrier
	if car.Options == nil || len(car.Options.Options) != 1 || car.Options.Options[0].Name != "boundary" {
		t.Fatalf("carrier options %+v, want one boundary option", car.Options)
	}
	eqs := f.Decls[1].Forward.Body
	r := eqs[1].Eq.Index[0]
	if r.Var != "i" || r.Expr != nil || exprText(r.Lo) != "1" || exprText(r.Hi) != "N-2" {
		t.Errorf("range index %+v: want i in 1..N-2", r)
	}
	if fixed := eqs[2].Eq.Index[0]; fixed.Var != "" || exprText(fixed.Expr) != "0" {
		t.Errorf("fixed index %+v: want the expression 0", fixed)
	}
}

// exprText prints an expression as the formatter does inside brackets.
func exprText(e *Expr) string {
	if e == nil {
		return "<nil>"
	}
	p := &printer{}
	p.compact++
	p.expr(e)
	return string(p.out)
}
