package codegen

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cyclec/cyclec/ir"
)

// TestPartialsAgainstDifferences checks every partial of a set of
// right-hand sides against a centred difference of the expression, at
// random states and elements, and that reads of one element are merged.
func TestPartialsAgainstDifferences(t *testing.T) {
	car := &ir.Carrier{Name: "S", SourceName: "S", Dims: []int{12}}
	x := func(off int) ir.Expr { return at1("x", 1, off) }
	iv := &ir.IndexVar{Name: "i", Dim: 0}
	for _, tc := range []struct {
		name  string
		e     ir.Expr
		reads int // distinct elements read
	}{
		{"lorenz96", bin("+", bin("-", bin("*", bin("-", x(1), x(-2)), x(-1)), x(0)), par("F")), 4},
		{"quotient", bin("/", x(0), bin("+", n(2), bin("*", x(1), x(1)))), 2},
		{"powers", bin("+", bin("^", x(0), n(3)), bin("^", bin("+", n(2), x(1)), x(-1))), 3},
		{"functions", bin("+", bin("*", call("sin", x(0)), call("exp", bin("*", n(0.1), x(1)))),
			bin("-", call("tanh", x(2)), bin("+", call("sqrt", bin("+", n(3), bin("*", x(0), x(0)))), call("log", bin("+", n(5), x(-1)))))), 4},
		{"cos tan abs", bin("+", bin("*", call("cos", x(0)), call("tan", bin("*", n(0.2), x(1)))), call("abs", bin("-", x(2), n(10)))), 3},
		{"forcing", bin("+", bin("*", par("S"), call("sin", bin("*", n(0.26), iv))), bin("*", n(-1), x(0))), 1},
		{"negation", &ir.Unary{Op: "-", X: bin("*", x(0), x(0))}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := partials(tc.e)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != tc.reads {
				t.Fatalf("%d partials, want one per element read (%d)", len(ps), tc.reads)
			}
			params := map[string]float64{"F": 8, "S": 1.5}
			rng := rand.New(rand.NewPCG(1, 2))
			for trial := 0; trial < 20; trial++ {
				state := make([]float64, 12)
				for k := range state {
					state[k] = 1 + rng.Float64()
				}
				el := []int{rng.IntN(12)}
				for _, p := range ps {
					got, err := evalExpr(p.coef, car, state, el, params, 0, 0.05)
					if err != nil {
						t.Fatal(err)
					}
					a := p.read.Idx[0]
					k := ((a.Coef[0]*el[0]+a.Offset)%12 + 12) % 12 // the element read, wrapped
					const h = 1e-6
					up := append([]float64(nil), state...)
					down := append([]float64(nil), state...)
					up[k] += h
					down[k] -= h
					fu, _ := evalExpr(tc.e, car, up, el, params, 0, 0.05)
					fd, _ := evalExpr(tc.e, car, down, el, params, 0, 0.05)
					want := (fu - fd) / (2 * h)
					if math.Abs(got-want) > 1e-6*(1+math.Abs(want)) {
						t.Fatalf("∂/∂%s at element %d: %v, centred difference %v", p.key, el[0], got, want)
					}
				}
			}
		})
	}
}

// TestPartialsRefuse checks that what has no derivative is refused with
// a reason, not differentiated wrongly.
func TestPartialsRefuse(t *testing.T) {
	x := at1("x", 1, 0)
	for _, e := range []ir.Expr{
		call("min", x, n(1)),
		&ir.Compare{Op: "<", L: x, R: n(1)},
	} {
		if _, err := partials(e); err == nil || !strings.Contains(err.Error(), "cannot differentiate") {
			t.Errorf("%T: error %v, want cannot differentiate", e, err)
		}
	}
}
