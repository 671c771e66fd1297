// The checker's side of golink: a check.GoResolver that resolves a
// program's Go references in the module holding its .cyc file.

package golink

import "github.com/cyclec/cyclec/check"

// CheckResolver resolves a program's Go references for the checker, in
// the module that holds the directory it was made for, and remembers that
// module.
type CheckResolver struct {
	dir    string
	module *Module
	res    Resolver
}

// ForCheck returns a resolver for a .cyc file in dir.
func ForCheck(dir string) *CheckResolver { return &CheckResolver{dir: dir} }

// Module is the module the last Resolve found, or nil when Resolve was not
// called (the program names no Go code) or found none.
func (c *CheckResolver) Module() *Module { return c.module }

// roles maps the checker's roles to golink's.
var roles = map[check.GoRole]Kind{
	check.GoForward:  Forward,
	check.GoObs:      Obs,
	check.GoJacobian: Jacobian,
	check.GoAnalysis: Analysis,
	check.GoSource:   Source,
	check.GoTangent:  Tangent,
	check.GoAdjoint:  Adjoint,
}

// Resolve implements check.GoResolver.
func (c *CheckResolver) Resolve(reqs []check.GoRequest) ([]check.GoResult, error) {
	refs := make([]Ref, len(reqs))
	for i, r := range reqs {
		refs[i] = Ref{ImportPath: r.ImportPath, Name: r.Name, Kind: roles[r.Role]}
	}
	mod, err := c.res.FindModule(c.dir)
	if err != nil {
		return nil, err
	}
	c.module = &mod
	found, err := c.res.Resolve(c.dir, refs)
	if err != nil {
		return nil, err
	}
	out := make([]check.GoResult, len(found))
	for i, f := range found {
		out[i] = check.GoResult{
			Type:         f.Form == Type,
			Fields:       f.Fields,
			HasNew:       f.HasNew,
			ReturnsError: f.ReturnsError,
			Package:      f.Package,
		}
		if f.Err != nil {
			out[i].Err = f.Err
		}
	}
	return out, nil
}
