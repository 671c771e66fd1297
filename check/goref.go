// User Go references (`go "example.com/ocean.Step"`): the form of the
// import path and name here, and what the name is (a function or a type,
// its signature, a type's parameters) through Config.Go, asked once for
// the whole program after every declaration is checked.
package check

import (
	"fmt"
	"go/token"
	"strconv"
	"strings"

	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/ir"
)

// pendingGo is a Go reference waiting for the resolver: where it is
// written, the object it belongs to (marked bad when it does not resolve)
// and what to do with the result.
type pendingGo struct {
	req  GoRequest
	pos  diag.Pos
	obj  *object
	ref  *ir.GoRef
	fill func(GoResult)
}

// goRef parses a Go reference in role and queues it for the resolver; fill
// (optional) receives what the resolver found. what names the reference
// for messages.
func (c *checker) goRef(o *object, s string, p diag.Pos, role GoRole, what string, fill func(GoResult)) (*ir.GoRef, bool) {
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
	c.goRefs = append(c.goRefs, pendingGo{req: GoRequest{ImportPath: ip, Name: name, Role: role}, pos: p, obj: o, ref: ref, fill: fill})
	return ref, true
}

// resolveGo asks the resolver about every queued Go reference at once and
// reports those that cannot be used at their positions.
func (c *checker) resolveGo() {
	if c.cfg.Go == nil || len(c.goRefs) == 0 {
		return
	}
	reqs := make([]GoRequest, len(c.goRefs))
	for i, g := range c.goRefs {
		reqs[i] = g.req
	}
	res, err := c.cfg.Go.Resolve(reqs)
	if err == nil && len(res) != len(reqs) {
		err = fmt.Errorf("the Go resolver answered %d of %d references", len(res), len(reqs))
	}
	if err != nil {
		c.diags.Add(c.goRefs[0].pos, "go", "%v", err)
		for _, g := range c.goRefs {
			g.obj.bad = true
		}
		return
	}
	for i, g := range c.goRefs {
		if res[i].Err != nil {
			c.diags.Add(g.pos, "go", "%v", res[i].Err)
			g.obj.bad = true
			continue
		}
		g.ref.Package = res[i].Package
		if g.fill != nil {
			g.fill(res[i])
		}
	}
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
