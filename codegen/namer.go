// The namer: every identifier the generator invents comes from here, so
// generated names never collide with each other, with Go keywords and
// predeclared names, with the packages the file imports, or with the
// names that come from the .cyc source.
package codegen

import (
	"go/token"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// prefix starts generated package-level helpers that could collide with
// user names. Names from the source are exported (upper case), so an
// unexported name with this prefix is never one of theirs.
const prefix = "cyc"

// predeclared lists Go's predeclared identifiers: shadowing them is legal
// but confusing, and shadowing min, max or float64 would break expressions
// the generator emits.
var predeclared = []string{
	"any", "append", "bool", "byte", "cap", "clear", "close", "comparable",
	"complex", "complex128", "complex64", "copy", "delete", "error", "false",
	"float32", "float64", "imag", "int", "int16", "int32", "int64", "int8",
	"iota", "len", "make", "max", "min", "new", "nil", "panic", "print",
	"println", "real", "recover", "rune", "string", "true", "uint", "uint16",
	"uint32", "uint64", "uint8", "uintptr",
}

// importNames are the package names generated files may refer to.
var importNames = []string{"context", "cycrt", "errors", "filepath", "fmt", "math", "strconv", "strings", "time"}

// namer hands out identifiers unique within a scope. A function scope is a
// fork of the package scope, so a local never shadows a package-level
// name the function may need.
type namer struct {
	used map[string]bool
}

// newNamer returns a package scope with Go's reserved and predeclared
// names and the imported package names already taken.
func newNamer() *namer {
	n := &namer{used: map[string]bool{}}
	for _, s := range predeclared {
		n.used[s] = true
	}
	for _, s := range importNames {
		n.used[s] = true
	}
	return n
}

// memo returns a function that names each source name once in n: the
// same source name always gets the same Go name (loop variables shared by
// the equations of one function).
func (n *namer) memo() func(string) string {
	names := map[string]string{}
	return func(v string) string {
		if name, ok := names[v]; ok {
			return name
		}
		name := n.name(v)
		names[v] = name
		return name
	}
}

// fork returns a child scope that starts with every name of n taken.
func (n *namer) fork() *namer {
	c := &namer{used: make(map[string]bool, len(n.used))}
	for s := range n.used {
		c.used[s] = true
	}
	return c
}

// take reserves name exactly and reports whether it was free.
func (n *namer) take(name string) bool {
	if n.used[name] || token.IsKeyword(name) {
		return false
	}
	n.used[name] = true
	return true
}

// name returns want made into a valid identifier, or want followed by the
// smallest number ≥ 2 that makes it unused, and reserves it.
func (n *namer) name(want string) string {
	want = sanitize(want)
	if n.take(want) {
		return want
	}
	for i := 2; ; i++ {
		s := want + strconv.Itoa(i)
		if n.take(s) {
			return s
		}
	}
}

// sanitize turns s into a Go identifier: invalid runes become '_' and a
// leading digit gets an underscore in front.
func sanitize(s string) string {
	if s == "" {
		return "v"
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '_' || unicode.IsLetter(r):
			b.WriteRune(r)
		case unicode.IsDigit(r):
			if i == 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// exported returns s with its first letter in upper case, for struct
// fields made from source names ("sigma" → "Sigma").
func exported(s string) string {
	s = sanitize(s)
	r, size := utf8.DecodeRuneInString(s)
	if r == '_' {
		return "X" + s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}
