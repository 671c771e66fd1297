// Tests of the near-name suggestions and of how errors print.
package golink

import (
	"reflect"
	"testing"
)

func TestNearNames(t *testing.T) {
	names := []string{"Advect", "NewOcean", "Ocean", "OceanModel", "Step", "StepErr", "Stepper", "Zeta"}
	cases := []struct {
		name string
		want []string
	}{
		{"Stpe", []string{"Step"}},
		{"STEP", []string{"Step", "StepErr", "Stepper"}},
		{"Ocaen", []string{"Ocean"}},
		{"Oce", []string{"Ocean", "OceanModel"}},
		{"Steppers", []string{"Stepper", "StepErr", "Step"}},
		{"Zzzzzz", nil},
		{"Step", []string{"StepErr", "Stepper"}},
	}
	for _, c := range cases {
		if got := nearNames(c.name, names); !reflect.DeepEqual(got, c.want) {
			t.Errorf("nearNames(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "ab", 2}, {"step", "step", 0},
		{"step", "stpe", 2}, {"ocean", "ocaen", 2}, {"kitten", "sitting", 3},
	}
	for _, c := range cases {
		if got := editDistance(c.a, c.b); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestErrorString(t *testing.T) {
	cases := []struct {
		e    Error
		want string
	}{
		{Error{Kind: ErrNoName, Msg: "no Step"}, "no Step"},
		{Error{Kind: ErrBuild, Msg: "does not compile:", Details: []string{"a.go:1:2: x", "b.go:3:4: y"}}, "does not compile:\n\ta.go:1:2: x\n\tb.go:3:4: y"},
	}
	for _, c := range cases {
		if got := c.e.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
	for k := ErrNoModule; k <= ErrSignature; k++ {
		if k.String() == "unknown" {
			t.Errorf("ErrorKind %d has no name", k)
		}
	}
}
