// Errors about Go references, kept as data (kind, found and wanted
// signatures, suggestions, compiler messages) so that the checker can
// print them at the reference's position; and the near-name suggestions.
package golink

import (
	"sort"
	"strings"
)

// ErrorKind classifies an *Error.
type ErrorKind int

// The kinds of Error.
const (
	// ErrNoModule: the .cyc file's directory is not inside a Go module (or
	// is inside one the go.work in effect does not use, or whose go.mod
	// does not parse).
	ErrNoModule ErrorKind = iota + 1
	// ErrGoCommand: the go command is missing or could not list packages
	// at all.
	ErrGoCommand
	// ErrNoPackage: the import path names no package the module can
	// import (or names a program, package main).
	ErrNoPackage
	// ErrBuild: the package (or a package it imports) does not compile;
	// Details holds the compiler's messages, file:line:col first.
	ErrBuild
	// ErrNoName: the package declares no such name; Suggest holds near
	// exported names.
	ErrNoName
	// ErrUnexported: the name is, or exists only as, an unexported name.
	ErrUnexported
	// ErrSignature: the name exists but is the wrong kind of thing or has
	// the wrong type; Found and Want hold both as Go source text.
	ErrSignature
)

// String names the kind, as in "no package".
func (k ErrorKind) String() string {
	switch k {
	case ErrNoModule:
		return "no module"
	case ErrGoCommand:
		return "go command"
	case ErrNoPackage:
		return "no package"
	case ErrBuild:
		return "build"
	case ErrNoName:
		return "no name"
	case ErrUnexported:
		return "unexported"
	case ErrSignature:
		return "signature"
	}
	return "unknown"
}

// Error is a problem with a Go reference, or with the module it is
// resolved in. Error() is the message to print at the reference's
// position: Msg, then each of Details on its own indented line.
type Error struct {
	Kind    ErrorKind
	Msg     string   // one sentence, naming the reference
	Found   string   // ErrSignature: what was found, as Go source ("func(x []float64)")
	Want    string   // ErrSignature: what is wanted, as Go source
	Suggest []string // ErrNoName, ErrUnexported: names that may have been meant
	Details []string // compiler or go command messages, one per line
}

// Error returns Msg followed by the Details, one per indented line.
func (e *Error) Error() string {
	if len(e.Details) == 0 {
		return e.Msg
	}
	return e.Msg + "\n\t" + strings.Join(e.Details, "\n\t")
}

// maxSuggestions is how many near names a missing-name error offers.
const maxSuggestions = 3

// nearNames returns up to maxSuggestions of candidates close to name:
// the same name in another case, a name that starts with it or that it
// starts with, or one within a small edit distance, nearest first.
func nearNames(name string, candidates []string) []string {
	type scored struct {
		name string
		d    int
	}
	var found []scored
	lower := strings.ToLower(name)
	limit := 1 + len(name)/4
	for _, c := range candidates {
		if c == name {
			continue
		}
		lc := strings.ToLower(c)
		d := editDistance(lower, lc)
		switch {
		case lc == lower:
			d = 0
		case d <= limit:
		case len(lower) >= 3 && (strings.HasPrefix(lc, lower) || strings.HasPrefix(lower, lc) && len(lc) >= 3):
			d = limit + 1
		default:
			continue
		}
		found = append(found, scored{c, d})
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].d != found[j].d {
			return found[i].d < found[j].d
		}
		return found[i].name < found[j].name
	})
	var out []string
	for i := 0; i < len(found) && i < maxSuggestions; i++ {
		out = append(out, found[i].name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, by bytes
// (Go identifiers in suggestions are nearly always ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
