package lang

import "testing"

func TestDocs(t *testing.T) {
	src := `package p

import "std/lorenz96" // trailing, not a doc

// N is the size.
// It has two lines.
const N = 4

const M = 2 // trailing comment of M

carrier S = vec[N]

/* A block
 * comment. */
carrier T = vec[M]

// Separated by a blank line.

carrier U = vec[M]
`
	f, diags := Parse("p.cyc", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	docs := f.Docs()
	want := map[string]string{
		"N": "N is the size.\nIt has two lines.",
		"M": "",
		"S": "",
		"T": "A block\ncomment.",
		"U": "",
	}
	for _, d := range f.Decls {
		var name string
		switch {
		case d.Const != nil:
			name = d.Const.Name
		case d.Carrier != nil:
			name = d.Carrier.Name
		}
		if got := docs[d]; got != want[name] {
			t.Errorf("doc of %s = %q, want %q", name, got, want[name])
		}
	}
}
