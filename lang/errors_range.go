// Explaining grammar errors in the ranges of left-hand sides
// (`ddt x[i in 1..N-2] = …`): participle gives up on a malformed range at
// the statement, so the indices are re-read by hand and the first part
// that departs from `v in lo..hi` is blamed.
package lang

import "fmt"

// lhsRanges re-reads the indices between the brackets at open and close
// and returns the token to blame and the message for the first malformed
// range, or an empty message when every index is well formed.
func (e *explainer) lhsRanges(open, close int) (int, string) {
	start, depth := open+1, 0
	for i := open + 1; i <= close; i++ {
		t := e.toks[i]
		if t.Type == tokOp {
			switch t.Value {
			case "(", "[", "{":
				depth++
				continue
			case ")", "]", "}":
				if i < close {
					depth--
					continue
				}
			case ",":
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		} else {
			continue
		}
		if at, msg := e.lhsRange(start, i); msg != "" {
			return at, msg
		}
		start = i + 1
	}
	return -1, ""
}

// lhsRange checks one index, the tokens [s, end) (end is the `,` or `]`
// after it).
func (e *explainer) lhsRange(s, end int) (int, string) {
	dots, depth := -1, 0
	for i := s; i < end; i++ {
		switch t := e.toks[i]; {
		case t.Type != tokOp:
		case t.Value == "(" || t.Value == "[":
			depth++
		case t.Value == ")" || t.Value == "]":
			depth--
		case t.Value == ".." && depth == 0 && dots < 0:
			dots = i
		}
	}
	ranged := end-s >= 2 && e.toks[s].Type == tokIdent && e.toks[s+1].Type == tokIdent && e.toks[s+1].Value == "in"
	if !ranged {
		if dots >= 0 {
			return s, fmt.Sprintf("a range on the left-hand side binds an index variable: write `i in lo..hi`, as in `ddt x[i in 1..N-2] = …`; found %s", describe(e.toks[s]))
		}
		return -1, ""
	}
	v := e.toks[s].Value
	switch {
	case s+2 == end || s+2 == dots:
		return s + 2, fmt.Sprintf("expected the first element of the range after `%s in`, as in `%s in 1..N-2`; found %s", v, v, describe(e.toks[s+2]))
	case dots < 0:
		return end, fmt.Sprintf("expected `..` in the range of `%s`: a range is written `%s in 1..N-2`, both ends included; found %s", v, v, describe(e.toks[end]))
	case dots == end-1:
		return end, fmt.Sprintf("expected the last element of the range after `..`, as in `%s in 1..N-2`; found %s", v, describe(e.toks[end]))
	}
	return -1, ""
}

// strayRange blames a `..` in the index at k that cut an expression short
// (`x[i-1..2]` on a right-hand side): the parser stopped at the `[`.
func (e *explainer) strayRange(k int) (int, string) {
	if k == 0 || e.toks[k].Value != "[" || e.toks[k].Type != tokOp || e.toks[k-1].Type != tokIdent {
		return -1, ""
	}
	j, ok := e.matching(k)
	if !ok {
		return -1, ""
	}
	for i := k + 1; i < j; i++ {
		if t := e.toks[i]; t.Type == tokOp && t.Value == ".." {
			return i, "`..` is only written in a range on the left-hand side of an equation, as in `ddt x[i in 1..N-2] = …`"
		}
	}
	return -1, ""
}
