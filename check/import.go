// Imports (language.md §2): loading standard and relative modules once
// each, qualifiers, duplicate qualifiers and import cycles.
package check

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/cyclec/cyclec/diag"
	"github.com/cyclec/cyclec/lang"
	"github.com/cyclec/cyclec/stdlib"
)

// module is one loaded .cyc file: the root or an import.
type module struct {
	key      string // identity: "std:std/lorenz96.cyc" or "file:<clean path>"
	filename string // as used in positions and to join relative paths
	file     *lang.File
	std      bool
	root     bool

	// qual is the qualifier that names the module in Go names and source
	// names ("lorenz96"); "" for the root. When a module is imported
	// under several qualifiers, the one closest to the root wins.
	qual  string
	depth int // import distance from the root

	imports map[string]*importRef // by qualifier
	refs    []*importRef          // successful imports in source order
	scope   map[string]*object    // own declarations by name
	objs    []*object             // every declaration, in source order
}

// importRef is one import statement of a module.
type importRef struct {
	qual string
	pos  diag.Pos
	mod  *module // nil when the import failed (its error is already reported)
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// loadRoot registers the root file and loads everything it imports.
func (c *checker) loadRoot(f *lang.File, src []byte) *module {
	filename := f.Pos.Filename
	if filename == "" && f.Package != nil {
		filename = f.Package.Pos.Filename
	}
	m := &module{key: "file:" + path.Clean(filename), filename: filename, file: f, root: true}
	c.byKey[m.key] = m
	c.visit(m, nil, nil)
	c.assignQualifiers(m)
	return m
}

// visit loads the imports of m depth first, then appends m to the module
// list. path holds the modules on the import stack above m and edges the
// import statements between them (edges[i] is in path[i]).
func (c *checker) visit(m *module, stack []*module, edges []*lang.Import) {
	c.loading[m.key] = true
	stack = append(stack, m)
	m.imports = map[string]*importRef{}
	if m.file != nil {
		for _, imp := range m.file.Imports {
			if imp == nil {
				continue
			}
			c.importOne(m, imp, stack, edges)
		}
	}
	c.loading[m.key] = false
	c.modules = append(c.modules, m)
}

// importOne resolves one import statement of m.
func (c *checker) importOne(m *module, imp *lang.Import, stack []*module, edges []*lang.Import) {
	p := lang.Pos(imp.Pos)
	key, filename, qual, ok := c.importTarget(m, imp, p)
	if !ok {
		// Register the qualifier anyway (as failed), so that uses of it
		// are not reported a second time as undefined.
		if qual != "" && m.imports[qual] == nil {
			m.imports[qual] = &importRef{qual: qual, pos: p}
		}
		return
	}
	ref := &importRef{qual: qual, pos: p}
	if prev := m.imports[qual]; prev != nil {
		c.diags.Add(p, "import", "%s redeclared: two imports use the qualifier %s (add `as NAME` to one)", qual, qual).
			With(prev.pos, "previously imported here")
		return
	}
	m.imports[qual] = ref
	m.refs = append(m.refs, ref)
	if c.loading[key] {
		c.importCycle(key, imp, stack, edges)
		return
	}
	if dep := c.byKey[key]; dep != nil {
		ref.mod = dep
		return
	}
	src, ok := c.importSource(m, imp, filename, p)
	if !ok {
		return
	}
	f, pd := lang.Parse(filename, src)
	dep := &module{key: key, filename: filename, std: strings.HasPrefix(key, "std:")}
	c.byKey[key] = dep
	ref.mod = dep
	if pd.HasErrors() || f == nil {
		c.diags = append(c.diags, pd...)
		if !pd.HasErrors() {
			c.diags.Add(p, "import", "cannot parse %s", imp.Path)
		}
		c.modules = append(c.modules, dep)
		return
	}
	dep.file = f
	c.visit(dep, stack, append(edges, imp))
}

// importTarget works out the identity, file name and qualifier of an
// import, reporting malformed paths and qualifiers.
func (c *checker) importTarget(m *module, imp *lang.Import, p diag.Pos) (key, filename, qual string, ok bool) {
	ip := imp.Path
	var stem string
	switch {
	case strings.HasPrefix(ip, stdlib.Prefix):
		stem = strings.TrimPrefix(ip, stdlib.Prefix)
		filename = ip + ".cyc"
		key = "std:" + filename
	case strings.HasPrefix(ip, "./") || strings.HasPrefix(ip, "../"):
		if !strings.HasSuffix(ip, ".cyc") {
			c.diags.Add(p, "import", "import %q must name a .cyc file", ip)
			return "", "", "", false
		}
		stem = strings.TrimSuffix(path.Base(ip), ".cyc")
		filename = path.Join(path.Dir(m.filename), ip)
		key = "file:" + path.Clean(filename)
	default:
		c.diags.Add(p, "import", "import path %q must start with std/, ./ or ../", ip)
		return "", "", "", false
	}
	qual = imp.Alias
	if qual == "" {
		qual = stem
		if !identRE.MatchString(qual) || lang.IsKeyword(qual) {
			c.diags.Add(p, "import", "cannot use %q as a qualifier: add `as NAME` to the import", qual)
			return key, filename, "", false
		}
	} else if lang.IsKeyword(qual) {
		c.diags.Add(p, "keyword", "%s is a keyword and cannot name an import", qual)
		return key, filename, "", false
	}
	return key, filename, qual, true
}

// importSource reads the source of an import that is not loaded yet.
func (c *checker) importSource(m *module, imp *lang.Import, filename string, p diag.Pos) ([]byte, bool) {
	if strings.HasPrefix(imp.Path, stdlib.Prefix) {
		_, src, ok := stdlib.Lookup(imp.Path)
		if !ok {
			c.diags.Add(p, "import", "no standard module %s (have %s)", imp.Path, strings.Join(stdlib.Modules(), ", "))
			return nil, false
		}
		return src, true
	}
	if m.std {
		c.diags.Add(p, "import", "standard module %s cannot import a relative file", m.filename)
		return nil, false
	}
	if c.cfg.ReadFile == nil {
		c.diags.Add(p, "import", "cannot import %s: no file access (only std/ modules can be imported here)", imp.Path)
		return nil, false
	}
	src, err := c.cfg.ReadFile(filename)
	if err != nil {
		c.diags.Add(p, "import", "cannot find %s: %v", imp.Path, err)
		return nil, false
	}
	return src, true
}

// importCycle reports an import of a module that is still on the import
// stack. The error sits at the first import of the cycle; every other
// import of the chain gets a note.
func (c *checker) importCycle(key string, closing *lang.Import, stack []*module, edges []*lang.Import) {
	k := len(stack) - 1
	for k > 0 && stack[k].key != key {
		k--
	}
	names := make([]string, 0, len(stack)-k+1)
	for _, m := range stack[k:] {
		names = append(names, m.filename)
	}
	names = append(names, stack[k].filename)
	chain := append(append([]*lang.Import{}, edges[k:]...), closing)
	d := c.diags.Add(lang.Pos(chain[0].Pos), "import", "import cycle: %s", strings.Join(names, " → "))
	for i, imp := range chain[1:] {
		d.With(lang.Pos(imp.Pos), "%s imports %s", stack[k+1+i].filename, names[i+2])
	}
}

// assignQualifiers gives every imported module the qualifier under which
// it is imported closest to the root (breadth first, imports in source
// order), so that the Go names the root's author reads are the ones they
// wrote.
func (c *checker) assignQualifiers(root *module) {
	seen := map[*module]bool{root: true}
	queue := []*module{root}
	for len(queue) > 0 {
		m := queue[0]
		queue = queue[1:]
		for _, ref := range m.refs {
			if ref.mod == nil || seen[ref.mod] {
				continue
			}
			seen[ref.mod] = true
			ref.mod.qual = ref.qual
			ref.mod.depth = m.depth + 1
			queue = append(queue, ref.mod)
		}
	}
	// Modules reached only through failed imports keep their file stem.
	for _, m := range c.modules {
		if !m.root && m.qual == "" {
			m.qual = strings.TrimSuffix(path.Base(m.filename), ".cyc")
		}
	}
}

// describeImport names a module for messages.
func describeImport(m *module) string {
	if m.std {
		return strings.TrimSuffix(m.filename, ".cyc")
	}
	return fmt.Sprintf("%q", m.filename)
}
