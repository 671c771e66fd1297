// The sources a run's config hash covers, as cyclec hands them to the run
// binary: the canonical program and every file it imports from disk.
package main

import (
	"path/filepath"
	"sort"

	"github.com/cyclec/cyclec/lang"
	cycrt "github.com/cyclec/cyclec/runtime"
)

// hashInputs returns the -input arguments of the run binary: the digest
// ([cycrt.Digest]) of the canonical form of the program (so that
// reformatting does not change the hash) under the label "program", and
// of each file it imports from disk under "import PATH", PATH relative to
// the program's directory (so that the hash does not depend on where
// cyclec runs). The standard library's modules come with cyclec, whose
// version the hash covers. The run binary adds the cyclec version, the
// data files and the settings.
func hashInputs(c *compiled) []string {
	root := filepath.ToSlash(c.path)
	dir := filepath.Dir(c.path)
	var out []string
	for name, src := range c.sources.files {
		label := "program"
		if name != root {
			rel, err := filepath.Rel(dir, filepath.FromSlash(name))
			if err != nil {
				rel = name
			}
			label = "import " + filepath.ToSlash(rel)
		}
		out = append(out, label+"="+cycrt.Digest(canonicalSource(name, src)))
	}
	sort.Strings(out)
	return out
}

// canonicalSource is the formatted form of a .cyc source, or the source
// itself when it does not parse (it then compiled only through another
// route, and its bytes are what counts).
func canonicalSource(name string, src []byte) []byte {
	canon, diags := lang.FormatSource(name, src)
	if diags.HasErrors() {
		return src
	}
	return canon
}
