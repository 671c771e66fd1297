// Tests of conditions: their Go, their source text and what checkCond
// refuses.
package codegen

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cyclec/cyclec/ir"
)

func cmp(op string, l, r ir.Expr) ir.Expr { return &ir.Compare{Op: op, L: l, R: r} }
func and(l, r ir.Expr) ir.Expr            { return &ir.Logical{Op: "&&", L: l, R: r} }
func or(l, r ir.Expr) ir.Expr             { return &ir.Logical{Op: "||", L: l, R: r} }
func not(x ir.Expr) ir.Expr               { return &ir.Unary{Op: "!", X: x} }

func TestCond(t *testing.T) {
	x0, x1 := at0("x", 0), at0("x", 1)
	tests := []struct {
		name     string
		e        ir.Expr
		goCode   string
		source   string
		boundary ir.Boundary // of the carrier, periodic unless set
	}{
		{"newton", cmp("<", call("abs", bin("-", bin("^", x0, n(2)), n(2))), n(1e-12)),
			"math.Abs(x[0]*x[0]-2) < 1e-12", "abs(x[0] ^ 2 - 2) < 1e-12", ir.Boundary{}},
		{"and binds tighter than or", or(and(cmp(">", x0, n(1)), cmp("<", x1, n(2))), cmp("==", x0, x1)),
			"x[0] > 1 && x[1] < 2 || x[0] == x[1]", "x[0] > 1 && x[1] < 2 || x[0] == x[1]", ir.Boundary{}},
		{"or inside and", and(or(cmp(">", x0, n(1)), cmp("<", x1, n(2))), cmp("!=", x0, x1)),
			"(x[0] > 1 || x[1] < 2) && x[0] != x[1]", "(x[0] > 1 || x[1] < 2) && x[0] != x[1]", ir.Boundary{}},
		{"right operand of the same operator", and(cmp(">", x0, n(1)), and(cmp(">", x1, n(1)), cmp("<", x0, n(3)))),
			"x[0] > 1 && (x[1] > 1 && x[0] < 3)", "x[0] > 1 && (x[1] > 1 && x[0] < 3)", ir.Boundary{}},
		{"not", not(or(not(cmp("<=", x0, n(0))), cmp(">=", x1, n(-1)))),
			"!(!(x[0] <= 0) || x[1] >= -1)", "!(!(x[0] <= 0) || x[1] >= -1)", ir.Boundary{}},
		{"a read past the end wraps", cmp("<", at0("x", -1), at0("x", 3)),
			"x[2] < x[0]", "x[-1] < x[3]", ir.Boundary{}},
		{"a read past the end is the fixed value", cmp("<", bin("+", at0("x", -1), x0), n(5)),
			"0.5+x[0] < 5", "x[-1] + x[0] < 5", ir.Boundary{Kind: ir.BoundaryFixed, Value: 0.5}},
		{"powers and signs", cmp(">", bin("^", neg(x0), bin("^", n(2), n(-1))), bin("-", n(1), neg(x1))),
			"math.Pow(-x[0], math.Pow(2, -1)) > 1 - -x[1]", "(-x[0]) ^ 2 ^ -1 > 1 - -x[1]", ir.Boundary{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := checkCond(tt.e, 1); err != nil {
				t.Fatal(err)
			}
			g := newGen(&ir.Program{})
			env := &exprEnv{in: "x", arr: "x", dims: []int{3}, g: g}
			if tt.boundary.Kind != ir.BoundaryPeriodic {
				env.bounds = []ir.Boundary{tt.boundary}
			}
			code, _ := env.cond(tt.e)
			if got := fmt.Sprintf("%#v", code); got != tt.goCode {
				t.Errorf("Go %s, want %s", got, tt.goCode)
			}
			if g.diags.HasErrors() {
				t.Errorf("diagnostics: %v", g.diags)
			}
			if got := condText(tt.e); got != tt.source {
				t.Errorf("source %s, want %s", got, tt.source)
			}
		})
	}
}

func TestCheckCond(t *testing.T) {
	x0 := at0("x", 0)
	for _, tt := range []struct {
		name string
		e    ir.Expr
		want string
	}{
		{"a number", x0, "*ir.Index where a condition is needed"},
		{"negated number", neg(cmp("<", x0, n(1))), "- of a number where a condition is needed"},
		{"a parameter", cmp("<", par("F"), n(1)), "a condition reads only the state and constants"},
		{"the time", or(cmp("<", x0, n(1)), cmp(">", &ir.Time{}, n(1))), "a condition reads only the state and constants"},
		{"a comparison in arithmetic", cmp("<", bin("+", cmp("<", x0, n(1)), n(1)), n(1)), "a comparison in arithmetic"},
		{"an unknown comparison", cmp("=<", x0, n(1)), "unknown comparison =<"},
		{"two indices on a vector", cmp("<", &ir.Index{Var: "x", Idx: []ir.Affine{{}, {}}}, n(1)), "indexed with 2 indices"},
		{"nothing", nil, "missing condition"},
	} {
		err := checkCond(tt.e, 1)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}
