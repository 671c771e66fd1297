// Walking the syntax tree: every node, parents before children, fields in
// declaration order (which is source order).
package lang

import "reflect"

// Walk calls fn for n and then for every syntax node below it, parents
// before children, in source order. n and the values passed to fn are
// pointers to node structs (*File, *Decl, *Expr, …); nil nodes are skipped.
// File.Comments is not walked.
func Walk(n any, fn func(node any)) {
	walk(reflect.ValueOf(n), fn)
}

var commentType = reflect.TypeOf(&Comment{})

func walk(v reflect.Value, fn func(any)) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || v.Elem().Kind() != reflect.Struct || v.Type() == commentType {
			return
		}
		fn(v.Interface())
		s := v.Elem()
		for i := 0; i < s.NumField(); i++ {
			walk(s.Field(i), fn)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walk(v.Index(i), fn)
		}
	}
}
