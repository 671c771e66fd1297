// The memory a cycle preallocates: the generated code allocates every
// ensemble, state and analysis workspace once, in Start, from sizes fixed
// at compile time, so the figure is known here. A cycle over MemoryLimit
// is refused where its size is written, rather than dying at run time
// with the Go runtime's out-of-memory dump.
package check

import (
	"fmt"
	"strings"

	"github.com/cyclec/cyclec/ir"
)

// MemoryLimit is the most memory, in bytes, that one cycle may
// preallocate: 64 GiB. It is a fixed ceiling rather than the memory of
// the machine that compiles, so that check gives the same verdict, and
// the same messages, everywhere; a cycle under it may still be too large
// for a smaller machine, which cyclec run reports when the program is
// killed.
const MemoryLimit = 64 << 30

// memPart is one named preallocation of a cycle, in float64 values.
type memPart struct {
	what   string
	values float64
}

// cycleMemory lists what the generated code of a cycle preallocates, in
// float64 values (float64 arithmetic, so that no product overflows). The
// analysis workspaces are those of runtime/etkf.go and runtime/enkf.go;
// for kinds the generator does not emit yet only the states and
// ensembles are counted, a lower bound.
func cycleMemory(kind ir.CycleKind, members int, car *ir.Carrier, obs *ir.ObsOp, r *ir.Matrix, an *ir.Analysis) []memPart {
	if car == nil {
		return nil
	}
	n, N := float64(car.Size()), float64(members)
	parts := []memPart{}
	add := func(what string, v float64) {
		if v > 0 {
			parts = append(parts, memPart{what, v})
		}
	}
	switch kind {
	case ir.CycleForecast, ir.CycleWindowed, ir.CycleRecurrence:
		add("the state", 2*n) // the state and a model step's scratch
		return parts
	case ir.CycleEnsembleForecast:
		add("the ensemble", N*n)
		add("the history buffers", 2*n)
		return parts
	case ir.CycleDA, ir.CycleEnsembleDA, ir.CycleSmoother:
	default:
		return nil
	}
	add("the truth and the scores", 4*n)
	if N > 0 {
		add("the ensemble", N*n)
	} else {
		add("the state", n)
	}
	if obs == nil || obs.Out == nil {
		return parts
	}
	p := float64(obs.Out.Size())
	if N > 0 {
		add("the observed ensemble", N*p)
	}
	if _, linear := obs.Def.(*ir.LinearObs); linear {
		add("the observation matrix H", p*n)
	}
	if r != nil && r.Kind == ir.MatrixFile {
		add("R and its Cholesky factor", 3*p*p) // the file read, R and L
	} else {
		add("R", 4*p)
	}
	if an == nil {
		return parts
	}
	switch m := an.Method.(type) {
	case *ir.ETKF:
		ws := 2*n + 2*p + 2*N*n + N*p + N // mu, mua, xo, dy, A, X, Y, w
		if p < N {                        // the observation-space path
			ws += 2*p*p + 8*p + N*p + p*n
		} else { // the ensemble-space path
			ws += 3*N*N + 14*N + 3*N*n + n
		}
		if m.Rotate {
			ws += (N-1)*(N-1) + 3*N + n + max(64*N, n)
		}
		add("the ETKF workspace", ws)
	case *ir.EnKF:
		add("the EnKF workspace", n+2*p+N*n+2*N*p+p*p+p*n) // mu, xo, dbar, A, Y, D, C, K'
	case *ir.DEnKF:
		add("the DEnKF workspace", n+2*p+N*n+2*N*p+p*p+p*n) // mu, xo, dy, A, Y, D, C, K'
	}
	return parts
}

// memTotal sums the parts, in bytes.
func memTotal(parts []memPart) float64 {
	t := 0.0
	for _, p := range parts {
		t += p.values * 8
	}
	return t
}

// fmtBytes prints a byte count to three significant digits in binary
// units ("596 GiB", "1.75 TiB").
func fmtBytes(b float64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	u := 0
	for b >= 1024 && u < len(units)-1 {
		b /= 1024
		u++
	}
	if u == 0 || b >= 1000 {
		return fmt.Sprintf("%.0f %s", b, units[u])
	}
	return fmt.Sprintf("%.3g %s", b, units[u])
}

// memory refuses a cycle that would preallocate more than MemoryLimit,
// at the option that sizes it: members on the cycle, else the analysis
// that gives the ensemble size, else the model whose state it is.
func (w *wiring) memory() {
	parts := cycleMemory(w.cy.Kind, w.cy.Members, w.carrier, w.cy.Obs, w.cy.ObsErr, w.cy.Analysis)
	total := memTotal(parts)
	if total <= MemoryLimit {
		return
	}
	var list []string // the parts that matter: 1% of the total or more
	for _, p := range parts {
		if p.values*8 >= total/100 {
			list = append(list, fmt.Sprintf("%s %s", p.what, fmtBytes(p.values*8)))
		}
	}
	what := fmt.Sprintf("cycle %s would preallocate about %s (%s), over the limit of %s that cyclec allows one cycle",
		w.o.srcName, fmtBytes(total), strings.Join(list, ", "), fmtBytes(MemoryLimit))
	fix := "sizes are fixed at compile time: make the state smaller"
	opt := "model"
	switch {
	case w.cy.Members > 0 && w.s.has("members"):
		what = fmt.Sprintf("members = %d: %s", w.cy.Members, what)
		fix = "sizes are fixed at compile time: lower members or the state size"
		opt = "members"
	case w.cy.Members > 0 && w.s.has("analysis"):
		what = fmt.Sprintf("members = %d (from analysis %s): %s", w.cy.Members, w.an.srcName, what)
		fix = "sizes are fixed at compile time: lower the analysis's members or the state size"
		opt = "analysis"
	case !w.s.has("model"):
		opt = "step"
	}
	d := w.s.errorf(opt, "%s; %s", what, fix)
	if opt == "analysis" && w.an != nil {
		d.With(w.an.pos, "%s declared here", w.an.srcName)
	}
	w.fail()
}
