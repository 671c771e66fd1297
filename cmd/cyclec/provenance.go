// The sources a run's config hash covers, as cyclec writes them into the
// generated Go.
package main

import (
	"path/filepath"

	"github.com/cyclec/cyclec"
	"github.com/cyclec/cyclec/codegen"
)

// sourceDigests returns the config-hash inputs of the files compiling c
// read (cyclec.SourceDigests): the canonical program under "program" and
// every file it read from disk under "import PATH". The generated code
// carries them (cycSources) and every cycle's Config adds them, so the
// hash covers the program under cyclec run and in the user's own program
// alike.
func (c *compiled) sourceDigests() []codegen.Source {
	return cyclec.SourceDigests(filepath.ToSlash(c.path), c.sources.files)
}
