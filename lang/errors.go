// Explaining grammar errors: participle reports the token where parsing
// stopped and a fragment of grammar it expected there; this file rewrites
// that into a message about the construct being written ("expected `=`
// after option name `members`, found `40`"), positioned at the offending
// token.
package lang

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cyclec/cyclec/diag"
)

// declKeywords start top-level declarations.
var declKeywords = []string{"const", "carrier", "forward", "obs", "analysis", "cycle"}

// declNoun names what each declaration keyword declares, for messages.
var declNoun = map[string]string{
	"const":    "constant",
	"carrier":  "carrier",
	"forward":  "forward model",
	"obs":      "obs operator",
	"analysis": "analysis",
	"cycle":    "cycle",
}

// opener is an unclosed bracket before the error.
type opener struct {
	tok  lexer.Token
	kind string // "body", "options", "signature", "args", "paren", "vector", "index", "shape", "compose"
}

// explainer holds what is known about the place of a grammar error.
type explainer struct {
	toks   []lexer.Token // significant tokens, ending with EOF
	k      int           // index of the token where participle stopped
	expect string        // participle's expected grammar fragment, or ""
	decl   string        // keyword of the enclosing top-level declaration, or ""
	name   string        // the name that declaration declares, or ""
	open   []opener      // brackets still open at k, innermost last
}

// syntaxError turns a participle error into a position and a message.
func syntaxError(filename string, toks []lexer.Token, err error) (diag.Pos, string) {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return diag.Pos{File: filename, Line: 1, Col: 1}, fmt.Sprintf("syntax error: %v", err)
	}
	var sig []lexer.Token
	for _, t := range toks {
		if t.Type != tokComment && t.Type != tokWhitespace {
			sig = append(sig, t)
		}
	}
	e := &explainer{toks: sig}
	e.k = len(sig) - 1
	off := perr.Position().Offset
	for i, t := range sig {
		if t.Pos.Offset >= off {
			e.k = i
			break
		}
	}
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		msg := ute.Message()
		if i := strings.Index(msg, " (expected "); i >= 0 {
			e.expect = strings.TrimSuffix(msg[i+len(" (expected "):], ")")
		}
	}
	e.context()
	at, msg := e.explain()
	if msg == "" {
		at, msg = e.k, e.fallback(perr.Message())
	}
	if at < 0 || at >= len(e.toks) {
		at = e.k
	}
	if e.toks[at].EOF() && at > 0 {
		// Point just past the last token, on its line, rather than at the
		// empty line the end of file sits on.
		return endOf(e.toks[at-1]), msg
	}
	return Pos(e.toks[at].Pos), msg
}

// endOf is the position just past token t (t holds no newline).
func endOf(t lexer.Token) diag.Pos {
	p := Pos(t.Pos)
	if strings.Contains(t.Value, "\n") {
		return p
	}
	p.Offset += len(t.Value)
	p.Col += len(t.Value)
	return p
}

// context finds the enclosing declaration and the open brackets at k.
func (e *explainer) context() {
	assigned := false // the declaration has an `=` outside brackets
	for i := 0; i < e.k; i++ {
		t := e.toks[i]
		if len(e.open) == 0 && t.Type == tokIdent && (isDeclKeyword(t.Value) || t.Value == "import" || t.Value == "package") {
			e.decl, e.name, assigned = t.Value, "", false
			if i+1 < e.k && e.toks[i+1].Type == tokIdent {
				e.name = e.toks[i+1].Value
			}
		}
		if t.Type != tokOp {
			continue
		}
		switch t.Value {
		case "=":
			if len(e.open) == 0 {
				assigned = true
			}
		case "{":
			kind := "options"
			if len(e.open) == 0 && !assigned && (e.decl == "forward" || e.decl == "obs") {
				kind = "body"
			}
			e.open = append(e.open, opener{t, kind})
		case "(":
			kind := "paren"
			switch {
			case len(e.open) == 0 && i >= 2 && (e.decl == "forward" || e.decl == "obs") && e.toks[i-2].Value == e.decl:
				kind = "signature"
			case i > 0 && e.toks[i-1].Value == "compose" && e.decl == "forward":
				kind = "compose"
			case i > 0 && e.toks[i-1].Type == tokIdent:
				kind = "args"
			}
			e.open = append(e.open, opener{t, kind})
		case "[":
			kind := "vector"
			switch {
			case len(e.open) == 0 && e.decl == "carrier":
				kind = "shape"
			case i > 0 && (e.toks[i-1].Type == tokIdent || e.toks[i-1].Value == ")" || e.toks[i-1].Value == "]"):
				kind = "index"
			}
			e.open = append(e.open, opener{t, kind})
		case "}", ")", "]":
			if n := len(e.open); n > 0 {
				e.open = e.open[:n-1]
			}
		}
	}
}

// explain returns the index of the token to blame and the message, or an
// empty message when no rule applies.
func (e *explainer) explain() (int, string) {
	k, t := e.k, e.toks[e.k]
	prev := e.prevTok()
	first := firstElement(e.expect)

	// The file must open with its package clause.
	if prev.Value != "package" && !e.seenPackage() {
		return k, fmt.Sprintf("a .cyc file starts with `package NAME`; found %s", describe(t))
	}
	switch prev.Value {
	case "package":
		if prev.Type == tokIdent && first == "<ident>" {
			return k, fmt.Sprintf("expected the package name after `package`, found %s", describe(t))
		}
	case "import":
		if first == "<string>" {
			return k, fmt.Sprintf("expected an import path after `import`, as in `import \"std/lorenz96\"`; found %s", describe(t))
		}
	case "as":
		if e.decl == "import" && first == "<ident>" {
			return k, fmt.Sprintf("expected a name after `as`, found %s", describe(t))
		}
	case "go", "neural", "linear":
		if first == "<string>" {
			example := map[string]string{"go": `go "example.com/pkg.Func"`, "neural": `neural "weights.json"`, "linear": `linear "H.csv"`}[prev.Value]
			return k, fmt.Sprintf("expected a string after `%s`, as in `%s`; found %s", prev.Value, example, describe(t))
		}
	}

	// A bracket left open or closed by the wrong bracket, around the place
	// where parsing stopped, is the cause.
	if at, open, msg := e.bracketProblem(); msg != "" && open >= 0 && open <= k {
		// Unless participle already stopped where that bracket's closer was
		// expected, which names the token found instead.
		if first != `"`+closer(e.toks[open].Value)+`"` || t.Type == tokEOF {
			return at, msg
		}
	}

	// A declaration keyword read as a name: the declaration before it is
	// unfinished.
	if k >= 2 && prev.Type == tokIdent && (isDeclKeyword(prev.Value) || prev.Value == "import") && t.Type == tokIdent {
		if before := e.toks[k-2]; expectsOperand(before) {
			return k - 1, fmt.Sprintf("expected an expression after `%s`, found `%s`", before.Value, prev.Value)
		}
	}

	// `name == value` where `name = value` was meant.
	if t.Value == "==" && t.Type == tokOp && prev.Type == tokIdent && e.startsItem(k-1) {
		return k, fmt.Sprintf("expected `=` after option name `%s`, found `==`", prev.Value)
	}

	// An operator without its right operand, or a chained comparison.
	if t.Type == tokOp && isBinary(t.Value) && e.k+1 < len(e.toks) {
		next := e.toks[k+1]
		if !startsOperand(next) {
			return k + 1, fmt.Sprintf("expected an expression after `%s`, found %s", t.Value, describe(next))
		}
		if isComparison(t.Value) && e.comparisonBefore(k) {
			return k, fmt.Sprintf("comparisons do not chain: write `a %s b && b %s c`", t.Value, t.Value)
		}
	}

	// Grammar errors inside a block: re-read the statement by hand.
	if top := e.top(); top != nil && (top.kind == "body" || top.kind == "options") && first == `"}"` {
		if t.Type == tokEOF {
			return k, fmt.Sprintf("missing `}` to close the %s opened at %d:%d", e.blockNoun(top.kind), top.tok.Pos.Line, top.tok.Pos.Column)
		}
		if at, msg := e.statement(k, top.kind); msg != "" {
			return at, msg
		}
	}

	if len(e.open) == 0 && e.expect == "" {
		return e.topLevel()
	}
	if t.Type == tokEOF {
		if top := e.top(); top != nil {
			return k, fmt.Sprintf("unexpected end of file: missing `%s` to close the `%s` opened at %d:%d", closer(top.tok.Value), top.tok.Value, top.tok.Pos.Line, top.tok.Pos.Column)
		}
	}

	switch {
	case strings.HasPrefix(e.expect, `(("=" ForwardForm`):
		return k, fmt.Sprintf("expected `{` (a body) or `=` (another form) after the signature of forward model `%s`, found %s", e.name, describe(t))
	case strings.HasPrefix(e.expect, `(("=" ObsForm`):
		return k, fmt.Sprintf("expected `=` or `{` after the output carrier of obs operator `%s`, found %s", e.name, describe(t))
	case isOperandRule(first):
		return e.missingOperand(k)
	case first == `"="`:
		return k, fmt.Sprintf("expected `=` after %s, found %s", e.describeLeft(k), describe(t))
	case first == "<ident>", first == "Ident":
		return k, fmt.Sprintf("expected %s after `%s`, found %s", e.nameNoun(prev), prev.Value, describe(t))
	case first == `"["`:
		if e.decl == "carrier" && len(e.open) == 0 {
			return k, fmt.Sprintf("expected `[` after carrier kind `%s`: a carrier is `vec[N]` or `grid[N, M]`; found %s", prev.Value, describe(t))
		}
		return k, fmt.Sprintf("expected `[` after `%s`: an equation is written `ddt x[i] = …`; found %s", e.textBack(k), describe(t))
	case first == `"]"`, first == `")"`, first == `"}"`:
		return e.missingCloser(k, strings.Trim(first, `"`))
	case first == "Signature":
		return k, fmt.Sprintf("expected `(` after %s name `%s`: write `%s %s(x: State) …`; found %s", declNoun[e.decl], e.name, e.decl, e.name, describe(t))
	case first == `":"`:
		return k, fmt.Sprintf("expected `:` after `%s` in the signature: write `(%s: State)`; found %s", prev.Value, prev.Value, describe(t))
	case first == `"->"`:
		return k, fmt.Sprintf("expected `->` and the output carrier after the signature of obs operator `%s`: write `obs %s(x: State) -> Obs = …`; found %s", e.name, e.name, describe(t))
	case first == "QualIdent" && e.decl == "obs" && prev.Value == "->":
		return k, fmt.Sprintf("expected the output carrier after `->`, found %s", describe(t))
	case first == "ForwardForm":
		return k, fmt.Sprintf("expected `go \"…\"`, `neural \"…\"` or `compose(…)` after `=` in forward model `%s`, found %s", e.name, describe(t))
	case first == "ObsForm":
		return k, fmt.Sprintf("expected an operator after `=` in obs operator `%s` (`identity`, `subsample(…)`, `indices(…)`, `linear \"…\"`, `compose(…)` or `go \"…\"`), found %s", e.name, describe(t))
	case first == "QualIdent":
		return k, fmt.Sprintf("expected a model name after `%s`, found %s", prev.Value, describe(t))
	case strings.HasPrefix(e.expect, `(("go" <string>) | <ident>)`), strings.HasPrefix(e.expect, `(("go" <string>) | Ident)`):
		return k, fmt.Sprintf("expected an analysis kind (such as `etkf`) or `go \"…\"` after `=`, found %s", describe(t))
	}
	return k, ""
}

// statement re-reads the statement starting at k inside a block of the
// given kind and returns the first place where it departs from the
// statement forms of that block.
func (e *explainer) statement(k int, kind string) (int, string) {
	t := e.toks[k]
	inObs := kind == "body" && e.decl == "obs"
	if at, msg := e.strayRange(k); msg != "" {
		return at, msg
	}
	if t.Type != tokIdent {
		switch {
		case kind == "options":
			return k, fmt.Sprintf("expected an option `name = value`, found %s", describe(t))
		case inObs:
			return k, fmt.Sprintf("expected an equation `y[j] = …`, found %s", describe(t))
		}
		return k, fmt.Sprintf("expected a statement (`param NAME = …`, `ddt x[i] = …`, `next x[i] = …` or an option `name = value`), found %s", describe(t))
	}
	i := k
	expectTok := func(val, after string) (int, string) {
		if e.toks[i].Value == val && e.toks[i].Type == tokOp {
			return -1, ""
		}
		return i, fmt.Sprintf("expected `%s` after %s, found %s", val, after, describe(e.toks[i]))
	}
	// lhs reads `v[...]` and stops after the `]`.
	lhs := func(what string) (int, string) {
		if e.toks[i].Type != tokIdent || IsKeyword(e.toks[i].Value) {
			return i, fmt.Sprintf("expected %s after `%s`, found %s", what, e.toks[i-1].Value, describe(e.toks[i]))
		}
		i++
		if at, msg := expectTok("[", fmt.Sprintf("`%s`: an equation is written `%s[i] = …`", e.textRange(k, i), e.textRange(k, i))); msg != "" {
			return at, msg
		}
		j, ok := e.matching(i)
		if !ok || e.toks[j].Value != "]" {
			if at, _, msg := e.bracketProblem(); msg != "" {
				return at, msg
			}
			return -1, ""
		}
		if at, msg := e.lhsRanges(i, j); msg != "" {
			return at, msg
		}
		i = j + 1
		return -1, ""
	}
	switch {
	case kind == "body" && !inObs && t.Value == "param":
		i++
		if e.toks[i].Type != tokIdent {
			return i, fmt.Sprintf("expected a parameter name after `param`, found %s", describe(e.toks[i]))
		}
		i++
		if at, msg := expectTok("=", fmt.Sprintf("parameter name `%s`", e.toks[i-1].Value)); msg != "" {
			return at, msg
		}
	case kind == "body" && !inObs && (t.Value == "ddt" || t.Value == "next"):
		i++
		if at, msg := lhs("a state variable"); msg != "" {
			return at, msg
		}
		if at, msg := expectTok("=", fmt.Sprintf("`%s`", e.textRange(k, i))); msg != "" {
			return at, msg
		}
	case inObs || e.toks[k+1].Value == "[":
		if at, msg := lhs("a name"); msg != "" {
			return at, msg
		}
		if at, msg := expectTok("=", fmt.Sprintf("`%s`", e.textRange(k, i))); msg != "" {
			return at, msg
		}
	default:
		i++
		if at, msg := expectTok("=", fmt.Sprintf("option name `%s`", t.Value)); msg != "" {
			return at, msg
		}
	}
	i++
	if !startsOperand(e.toks[i]) {
		return i, fmt.Sprintf("expected a value after `%s`, found %s", e.textRange(k, i), describe(e.toks[i]))
	}
	return e.expression(i)
}

// expression scans the expression starting at i for the first token that
// cannot continue it and blames that token. It returns an empty message
// when the expression ends cleanly (the error lies elsewhere).
func (e *explainer) expression(i int) (int, string) {
	var stack []lexer.Token
	for ; i < len(e.toks); i++ {
		t, next := e.toks[i], e.toks[min(i+1, len(e.toks)-1)]
		if t.Type == tokEOF {
			if n := len(stack); n > 0 {
				return i, fmt.Sprintf("unexpected end of file: missing `%s` to close the `%s` opened at %d:%d", closer(stack[n-1].Value), stack[n-1].Value, stack[n-1].Pos.Line, stack[n-1].Pos.Column)
			}
			return -1, ""
		}
		if t.Type == tokOp {
			switch t.Value {
			case "..":
				return i, "`..` is only written in a range on the left-hand side of an equation, as in `ddt x[i in 1..N-2] = …`"
			case "(", "[":
				stack = append(stack, t)
			case ")", "]", "}":
				n := len(stack)
				if n == 0 {
					return -1, ""
				}
				if want := closer(stack[n-1].Value); want != t.Value {
					return i, fmt.Sprintf("expected `%s` to close the `%s` opened at %d:%d, found %s", want, stack[n-1].Value, stack[n-1].Pos.Line, stack[n-1].Pos.Column, describe(t))
				}
				stack = stack[:n-1]
			case ",", ";":
				if len(stack) == 0 {
					return -1, ""
				}
			}
			if isBinary(t.Value) && !startsOperand(next) {
				return i + 1, fmt.Sprintf("expected an expression after `%s`, found %s", t.Value, describe(next))
			}
		}
		if endsOperand(t) && startsOperand(next) && next.Value != "(" && next.Value != "[" && next.Value != "-" && next.Value != "!" {
			if len(stack) == 0 {
				return -1, ""
			}
			top := stack[len(stack)-1]
			return i + 1, fmt.Sprintf("expected an operator, `,` or `%s` after `%s`, found %s", closer(top.Value), t.Value, describe(next))
		}
	}
	return -1, ""
}

// bracketProblem finds the first bracket closed by the wrong bracket or
// never closed: it returns the token to blame, the index of the opening
// bracket involved (-1 for a closer without one) and the message. Braces
// left open at the end of the file are left to the block rules.
func (e *explainer) bracketProblem() (int, int, string) {
	var stack []int
	for i, t := range e.toks {
		if t.Type == tokEOF {
			for j := len(stack) - 1; j >= 0; j-- {
				o := e.toks[stack[j]]
				if o.Value == "{" {
					break
				}
				return i, stack[j], fmt.Sprintf("unexpected end of file: missing `%s` to close the `%s` opened at %d:%d", closer(o.Value), o.Value, o.Pos.Line, o.Pos.Column)
			}
			return -1, -1, ""
		}
		if t.Type != tokOp {
			continue
		}
		switch t.Value {
		case "(", "[", "{":
			stack = append(stack, i)
		case ")", "]", "}":
			n := len(stack)
			if n == 0 {
				return i, -1, fmt.Sprintf("unmatched `%s`", t.Value)
			}
			o := e.toks[stack[n-1]]
			if closer(o.Value) == t.Value {
				stack = stack[:n-1]
				continue
			}
			if o.Value == "{" {
				return i, -1, fmt.Sprintf("unmatched `%s`", t.Value)
			}
			return i, stack[n-1], fmt.Sprintf("expected `%s` to close the `%s` opened at %d:%d, found %s", closer(o.Value), o.Value, o.Pos.Line, o.Pos.Column, describe(t))
		}
	}
	return -1, -1, ""
}

// startsItem reports whether the token at i starts a statement or option:
// it follows `{`, `;` or `,`, or starts a line.
func (e *explainer) startsItem(i int) bool {
	if i == 0 {
		return true
	}
	p := e.toks[i-1]
	return p.Type == tokOp && (p.Value == "{" || p.Value == ";" || p.Value == ",") || p.Pos.Line < e.toks[i].Pos.Line
}

// comparisonBefore reports whether the expression that the token at k
// continues already holds a comparison at the same bracket depth.
func (e *explainer) comparisonBefore(k int) bool {
	depth := 0
	for i := k - 1; i >= 0; i-- {
		t := e.toks[i]
		if t.Type != tokOp {
			continue
		}
		switch t.Value {
		case ")", "]":
			depth++
		case "(", "[":
			depth--
			if depth < 0 {
				return false
			}
		case "=", ",", ";", "{", "}":
			if depth == 0 {
				return false
			}
		default:
			if depth == 0 && isComparison(t.Value) {
				return true
			}
		}
	}
	return false
}

// expectsOperand reports whether an expression must follow t.
func expectsOperand(t lexer.Token) bool {
	if t.Type != tokOp {
		return false
	}
	switch t.Value {
	case "=", "(", "[", ",", "!":
		return true
	}
	return isBinary(t.Value)
}

// topLevel explains a token that cannot start a declaration.
func (e *explainer) topLevel() (int, string) {
	k, t := e.k, e.toks[e.k]
	switch prev := e.prevTok(); {
	case prev.Type == tokIdent && (prev.Value == "linear" || prev.Value == "neural" || prev.Value == "go"):
		return k, fmt.Sprintf("expected a string after `%s`, as in `%s \"file\"`; found %s", prev.Value, prev.Value, describe(t))
	case t.Value == "import" && t.Type == tokIdent:
		return k, "imports must come before all declarations"
	case t.Value == ";" && t.Type == tokOp:
		return k, "unexpected `;`"
	case e.name != "" && (e.decl == "analysis" || e.decl == "cycle" || e.decl == "forward" || e.decl == "obs") &&
		(t.Value == "(" || t.Type == tokIdent && k+1 < len(e.toks) && e.toks[k+1].Value == "=") &&
		e.prevTok().Pos.Line == t.Pos.Line:
		return k, fmt.Sprintf("expected `{` to start the options of %s `%s`, found %s", declNoun[e.decl], e.name, describe(t))
	case t.Value == "package" && t.Type == tokIdent:
		return k, "a file has one `package` clause, at its start"
	case t.Type == tokOp && (t.Value == "}" || t.Value == ")" || t.Value == "]"):
		return k, fmt.Sprintf("unmatched `%s`", t.Value)
	case t.Type == tokOp && isComparison(t.Value):
		return k, fmt.Sprintf("comparisons do not chain: write `a %s b && b %s c`", t.Value, t.Value)
	case t.Type == tokOp && isBinary(t.Value):
		return k, fmt.Sprintf("unexpected `%s`", t.Value)
	}
	return k, fmt.Sprintf("expected a declaration (`const`, `carrier`, `forward`, `obs`, `analysis` or `cycle`), found %s", describe(t))
}

// missingOperand explains a missing expression at k.
func (e *explainer) missingOperand(k int) (int, string) {
	t, prev := e.toks[k], e.prevTok()
	if prev.Value == "=" && k >= 2 && e.toks[k-2].Type == tokIdent {
		return k, fmt.Sprintf("expected a value after `%s =`, found %s", e.toks[k-2].Value, describe(t))
	}
	if t.Value == "," && k+1 < len(e.toks) && (e.toks[k+1].Value == ")" || e.toks[k+1].Value == "]") {
		return k, fmt.Sprintf("unexpected `,` before `%s`", e.toks[k+1].Value)
	}
	return k, fmt.Sprintf("expected an expression after `%s`, found %s", prev.Value, describe(t))
}

// missingCloser explains a closing bracket that was expected at k.
func (e *explainer) missingCloser(k int, want string) (int, string) {
	t := e.toks[k]
	top := e.top()
	if t.Value == "," && k+1 < len(e.toks) && e.toks[k+1].Value == want {
		return k, fmt.Sprintf("unexpected `,` before `%s`: a trailing comma is not allowed here", want)
	}
	if t.Value == "," && e.prevTok().Value == "," {
		return k, "unexpected `,` after `,`"
	}
	if t.Value == ":" && e.prevTok().Type == tokIdent {
		return k, fmt.Sprintf("expected `=` after `%s`, found `:`: named arguments are written `name = value`", e.prevTok().Value)
	}
	if top != nil && closer(top.tok.Value) == want {
		if isComparison(t.Value) {
			return k, fmt.Sprintf("comparisons do not chain: write `a %s b && b %s c`", t.Value, t.Value)
		}
		if startsOperand(t) && want != "}" && top.kind != "paren" {
			return k, fmt.Sprintf("expected `,` or `%s`, found %s", want, describe(t))
		}
		return k, fmt.Sprintf("expected `%s` to close the `%s` opened at %d:%d, found %s", want, top.tok.Value, top.tok.Pos.Line, top.tok.Pos.Column, describe(t))
	}
	return k, fmt.Sprintf("expected `%s`, found %s", want, describe(t))
}

// fallback cleans participle's own message.
func (e *explainer) fallback(msg string) string {
	t := e.toks[e.k]
	if e.expect != "" {
		return fmt.Sprintf("expected %s, found %s", grammarNoun(firstElement(e.expect)), describe(t))
	}
	if strings.HasPrefix(msg, "unexpected token") {
		return fmt.Sprintf("unexpected %s", describe(t))
	}
	return "syntax error: " + msg
}

// describeLeft names what stands before k when `=` is missing there.
func (e *explainer) describeLeft(k int) string {
	prev := e.prevTok()
	if prev.Type == tokIdent && k >= 2 {
		before := e.toks[k-2]
		switch {
		case before.Value == "param":
			return fmt.Sprintf("parameter name `%s`", prev.Value)
		case len(e.open) == 0 && isDeclKeyword(before.Value):
			return fmt.Sprintf("%s name `%s`", declNoun[before.Value], prev.Value)
		case len(e.open) > 0:
			return fmt.Sprintf("option name `%s`", prev.Value)
		}
	}
	if prev.Value == "]" {
		return fmt.Sprintf("`%s`", e.textBack(k))
	}
	return fmt.Sprintf("`%s`", prev.Value)
}

// nameNoun says what kind of name belongs after prev.
func (e *explainer) nameNoun(prev lexer.Token) string {
	switch {
	case isDeclKeyword(prev.Value) && len(e.open) == 0:
		return fmt.Sprintf("a %s name", declNoun[prev.Value])
	case prev.Value == "param":
		return "a parameter name"
	case prev.Value == "ddt" || prev.Value == "next":
		return "a state variable"
	case prev.Value == "=" && e.decl == "carrier":
		return "a carrier kind (`vec` or `grid`)"
	case prev.Value == "=" && e.decl == "cycle":
		return "a cycle kind (such as `ensemble_da`)"
	case prev.Value == "(":
		return "the state variable"
	case prev.Value == ":":
		return "a carrier name"
	}
	return "a name"
}

// blockNoun names the block a `{` opened.
func (e *explainer) blockNoun(kind string) string {
	if kind == "body" {
		return fmt.Sprintf("body of %s `%s`", declNoun[e.decl], e.name)
	}
	if e.decl != "" && e.name != "" && declNoun[e.decl] != "" {
		return fmt.Sprintf("options of %s `%s`", declNoun[e.decl], e.name)
	}
	return "option block"
}

// textBack renders the tokens of the current statement before k.
func (e *explainer) textBack(k int) string {
	start := k - 1
	depth := 0
	for start >= 0 {
		t := e.toks[start]
		if t.Type == tokOp {
			switch t.Value {
			case "]", ")":
				depth++
			case "[", "(":
				depth--
			}
		}
		if depth == 0 && (start == 0 || !continuesBack(e.toks[start-1], t)) {
			break
		}
		start--
	}
	if start < 0 {
		start = 0
	}
	return e.textRange(start, k)
}

// continuesBack reports whether prev belongs to the same left-hand side
// as t (`ddt x[i]`).
func continuesBack(prev, t lexer.Token) bool {
	if t.Value == "[" {
		return prev.Type == tokIdent
	}
	if t.Type == tokIdent && !IsKeyword(t.Value) {
		return prev.Value == "ddt" || prev.Value == "next"
	}
	return false
}

// textRange renders tokens [i, j) compactly.
func (e *explainer) textRange(i, j int) string {
	var b strings.Builder
	for n := i; n < j && n < len(e.toks); n++ {
		t := e.toks[n]
		if n > i && t.Type == tokIdent && e.toks[n-1].Type == tokIdent {
			b.WriteByte(' ')
		}
		if t.Value == "," {
			b.WriteString(", ")
			continue
		}
		b.WriteString(t.Value)
	}
	return b.String()
}

// matching returns the index of the bracket closing the one at i.
func (e *explainer) matching(i int) (int, bool) {
	depth := 0
	for j := i; j < len(e.toks); j++ {
		switch e.toks[j].Value {
		case "[", "(", "{":
			depth++
		case "]", ")", "}":
			depth--
			if depth == 0 {
				return j, true
			}
		}
	}
	return 0, false
}

func (e *explainer) prevTok() lexer.Token {
	if e.k == 0 {
		return lexer.Token{}
	}
	return e.toks[e.k-1]
}

func (e *explainer) top() *opener {
	if len(e.open) == 0 {
		return nil
	}
	return &e.open[len(e.open)-1]
}

func (e *explainer) seenPackage() bool {
	return len(e.toks) > 0 && e.k > 0 && e.toks[0].Value == "package" && e.toks[0].Type == tokIdent
}

// describe names a token in a message.
func describe(t lexer.Token) string {
	switch t.Type {
	case tokEOF:
		return "end of file"
	case tokString:
		v := t.Value
		if len(v) > 30 {
			v = v[:27] + "…\""
		}
		return "string " + v
	}
	return "`" + t.Value + "`"
}

// firstElement is the first element of a participle grammar fragment:
// `"=" Expr ";"?` gives `"="`, `<ident> "="` gives `<ident>`.
func firstElement(expect string) string {
	expect = strings.TrimLeft(expect, "(")
	if expect == "" {
		return ""
	}
	if expect[0] == '"' {
		if i := strings.Index(expect[1:], `"`); i >= 0 {
			return expect[:i+2]
		}
	}
	if i := strings.IndexAny(expect, " ()|*?"); i >= 0 {
		return expect[:i]
	}
	return expect
}

// grammarNoun renders a grammar element for a message.
func grammarNoun(el string) string {
	switch {
	case el == "<ident>", el == "Ident":
		return "a name"
	case el == "<string>":
		return "a string"
	case el == "<number>":
		return "a number"
	case isOperandRule(el):
		return "an expression"
	case strings.HasPrefix(el, `"`):
		return "`" + strings.Trim(el, `"`) + "`"
	}
	return el
}

func isOperandRule(el string) bool {
	switch el {
	case "Expr", "AndExpr", "CmpExpr", "AddExpr", "MulExpr", "UnaryExpr", "PowerExpr", "Postfix", "Primary", "Value", "Arg", "Call":
		return true
	}
	return false
}

func isDeclKeyword(s string) bool {
	for _, k := range declKeywords {
		if k == s {
			return true
		}
	}
	return false
}

func isComparison(op string) bool {
	switch op {
	case "<", ">", "<=", ">=", "==", "!=":
		return true
	}
	return false
}

func isBinary(op string) bool {
	switch op {
	case "+", "-", "*", "/", "^", "&&", "||":
		return true
	}
	return isComparison(op)
}

// startsOperand reports whether t can begin an expression.
func startsOperand(t lexer.Token) bool {
	switch t.Type {
	case tokNumber, tokString:
		return true
	case tokIdent:
		return true
	case tokOp:
		return t.Value == "(" || t.Value == "[" || t.Value == "-" || t.Value == "!"
	}
	return false
}

// endsOperand reports whether t can end an expression.
func endsOperand(t lexer.Token) bool {
	switch t.Type {
	case tokNumber, tokString, tokIdent:
		return true
	case tokOp:
		return t.Value == ")" || t.Value == "]"
	}
	return false
}

func closer(open string) string {
	switch open {
	case "{":
		return "}"
	case "(":
		return ")"
	case "[":
		return "]"
	}
	return ""
}
