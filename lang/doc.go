// Doc comments: the comment block written just above a declaration, which
// the checker carries into the IR and the generator into the Go it writes.
package lang

import "strings"

// Docs returns the doc comment of every declaration of f that has one: the
// comments that end on the line just above it, with no blank line and no
// other token between them and the declaration, and none on the same line
// as the end of the previous declaration (a trailing comment belongs to
// what it follows). Markers are removed (`// ` and `/* */`), lines are
// joined with newlines.
func (f *File) Docs() map[*Decl]string {
	docs := map[*Decl]string{}
	if f == nil {
		return docs
	}
	prevEnd := 0
	if f.Package != nil {
		prevEnd = f.Package.EndPos.Line
	}
	for _, im := range f.Imports {
		if im != nil && im.EndPos.Line > prevEnd {
			prevEnd = im.EndPos.Line
		}
	}
	ci := 0
	for _, d := range f.Decls {
		if d == nil {
			continue
		}
		var group []*Comment
		want := d.Pos.Line - 1
		for ; ci < len(f.Comments) && f.Comments[ci].Pos.Offset < d.Pos.Offset; ci++ {
			cm := f.Comments[ci]
			if cm.Pos.Line <= prevEnd {
				continue
			}
			group = append(group, cm)
		}
		// Keep the block that ends just above the declaration, line by line.
		start := len(group)
		for start > 0 && group[start-1].EndPos.Line >= want && group[start-1].EndPos.Line <= want+1 {
			start--
			want = group[start].Pos.Line - 1
		}
		if text := docText(group[start:]); text != "" {
			docs[d] = text
		}
		if d.EndPos.Line > prevEnd {
			prevEnd = d.EndPos.Line
		}
		for ci < len(f.Comments) && f.Comments[ci].Pos.Offset < d.EndPos.Offset {
			ci++
		}
	}
	return docs
}

// docText joins comments without their markers.
func docText(cs []*Comment) string {
	var lines []string
	for _, c := range cs {
		t := c.Text
		switch {
		case strings.HasPrefix(t, "//"):
			lines = append(lines, strings.TrimPrefix(strings.TrimPrefix(t, "//"), " "))
		case strings.HasPrefix(t, "/*"):
			t = strings.TrimSuffix(strings.TrimPrefix(t, "/*"), "*/")
			for _, l := range strings.Split(t, "\n") {
				l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "*"))
				lines = append(lines, l)
			}
		}
	}
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}
