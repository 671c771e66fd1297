// A systematic test of comment placement: a comment inserted at every
// token boundary of a program survives formatting, in order, and the
// output is a fixed point.
package lang

import (
	"os"
	"testing"
)

func TestCommentAtEveryBoundary(t *testing.T) {
	src, err := os.ReadFile("testdata/corpus/small.cyc")
	if err != nil {
		t.Fatal(err)
	}
	toks, diags := scan("small.cyc", src)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	for _, comment := range []string{"// c\n", "/* c */"} {
		for _, tok := range toks {
			if tok.Type == tokWhitespace || tok.Type == tokComment {
				continue
			}
			off := tok.Pos.Offset
			in := string(src[:off]) + " " + comment + " " + string(src[off:])
			if f, diags := Parse("in.cyc", []byte(in)); f == nil {
				t.Fatalf("inserting %q at %v: %v", comment, tok.Pos, diags)
			}
			if err := roundTrip("in.cyc", []byte(in)); err != nil {
				t.Fatalf("comment %q before %q at %d:%d: %v", comment, tok.Value, tok.Pos.Line, tok.Pos.Column, err)
			}
		}
	}
}
