// Package stdlib embeds the standard models written in .cyc, imported as
// "std/NAME" (std/lorenz63, std/lorenz96).
package stdlib

import (
	"embed"
	"sort"
	"strings"
)

//go:embed *.cyc
var files embed.FS

// Prefix starts every standard-library import path.
const Prefix = "std/"

// Lookup returns the source of the standard module named by an import path
// such as "std/lorenz96", with the file name used in positions
// ("std/lorenz96.cyc").
func Lookup(path string) (filename string, src []byte, ok bool) {
	name, found := strings.CutPrefix(path, Prefix)
	if !found || name == "" || strings.ContainsAny(name, "/.\\") {
		return "", nil, false
	}
	src, err := files.ReadFile(name + ".cyc")
	if err != nil {
		return "", nil, false
	}
	return Prefix + name + ".cyc", src, true
}

// Modules lists the import paths of every standard module, sorted.
func Modules() []string {
	entries, _ := files.ReadDir(".")
	var out []string
	for _, e := range entries {
		out = append(out, Prefix+strings.TrimSuffix(e.Name(), ".cyc"))
	}
	sort.Strings(out)
	return out
}
