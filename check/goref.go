// User Go references (`go "example.com/ocean.Step"`): the form of the
// import path and name, and the signature through Config.Go.
package check

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/ir"
)

// Signatures the generated code calls user Go functions with.
const (
	sigForwardGo = "func([]float64, float64, float64)" // advance x in place over (t, t+dt)
	sigObsGo     = "func([]float64, []float64)"        // y = H(x)
	sigJacobian  = "func([]float64, []float64)"        // J (Out×In, row-major) at x
)

// goRef parses a Go reference and, when a resolver is configured, checks
// it exists and (when want is not "") has the signature want. what names
// the reference for messages.
func (c *checker) goRef(s string, p diag.Pos, want, what string) (*ir.GoRef, bool) {
	dot := strings.LastIndex(s, ".")
	if dot <= 0 || dot < strings.LastIndex(s, "/") {
		c.diags.Add(p, "go", "go reference %q must be importpath.Name, as in \"example.com/ocean.Step\"", s)
		return nil, false
	}
	ip, name := s[:dot], s[dot+1:]
	if msg := checkImportPath(ip); msg != "" {
		c.diags.Add(p, "go", "go reference %q: import path %s", s, msg)
		return nil, false
	}
	if !token.IsIdentifier(name) {
		c.diags.Add(p, "go", "go reference %q: %q is not a Go identifier", s, name)
		return nil, false
	}
	if !token.IsExported(name) {
		c.diags.Add(p, "go", "go reference %q: %s is not exported (names an upper-case Go function)", s, name)
		return nil, false
	}
	ref := &ir.GoRef{ImportPath: ip, Name: name, Pos: p}
	if c.cfg.Go == nil {
		return ref, true
	}
	got, err := c.cfg.Go.Signature(ip, name)
	if err != nil {
		c.diags.Add(p, "go", "cannot resolve %s %s: %v", what, s, err)
		return nil, false
	}
	if want != "" && !sameSignature(got, want) {
		c.diags.Add(p, "go", "%s %s has type %s, want %s", what, s, got, want)
		return nil, false
	}
	return ref, true
}

// checkImportPath returns why an import path is malformed, or "".
func checkImportPath(ip string) string {
	if ip == "" {
		return "is empty"
	}
	if strings.HasPrefix(ip, "/") || strings.HasSuffix(ip, "/") {
		return "cannot start or end with /"
	}
	for _, elem := range strings.Split(ip, "/") {
		switch elem {
		case "":
			return "has an empty element"
		case ".", "..":
			return "cannot contain . or .. elements"
		}
		for _, r := range elem {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~+", r)) {
				return "contains the character " + strconv.QuoteRune(r)
			}
		}
	}
	return ""
}

// sameSignature compares two Go function types written as source,
// ignoring parameter names and spacing.
func sameSignature(a, b string) bool {
	return canonicalSig(a) == canonicalSig(b)
}

// canonicalSig prints a function type without parameter names; strings
// that do not parse as a function type are compared with spaces removed.
func canonicalSig(s string) string {
	e, err := parser.ParseExpr(s)
	ft, ok := e.(*ast.FuncType)
	if err != nil || !ok {
		return strings.Join(strings.Fields(s), "")
	}
	list := func(fl *ast.FieldList) string {
		if fl == nil {
			return ""
		}
		var parts []string
		for _, f := range fl.List {
			t := types.ExprString(f.Type)
			n := len(f.Names)
			if n == 0 {
				n = 1
			}
			for i := 0; i < n; i++ {
				parts = append(parts, t)
			}
		}
		return strings.Join(parts, ",")
	}
	return "func(" + list(ft.Params) + ")(" + list(ft.Results) + ")"
}
