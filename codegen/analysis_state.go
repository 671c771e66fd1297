// Analyses of one state (the `da` cycle's): a constructor per kf, ekf, oi,
// var3d or var4d declaration that fixes the options written in the source
// and reads its B, leaving the sizes, R and the initial state to the
// cycle that uses it.
package codegen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// stateAnalysis is implemented by the emitters of analyses a `da` cycle
// holds: what the cycle's code depends on.
type stateAnalysis interface {
	// stateType is the Go type of the analysis the constructor returns.
	stateType() jen.Code
	// stateName names the method in doc comments.
	stateName() string
	// form says how the cycle drives the analysis.
	form() stateForm
}

// stateForm is how a `da` cycle drives its analysis.
type stateForm int

const (
	// formKalman: the analysis holds the mean and covariance and steps
	// them itself (kf, ekf); the cycle's state mirrors its mean.
	formKalman stateForm = iota + 1
	// formStatic: the cycle steps the state, the analysis corrects it
	// with a static B (var3d).
	formStatic
	// formClimatology: every analysis starts from the climatological
	// mean, which is also the forecast (oi).
	formClimatology
	// formWindow: the analysis minimises over the ObsEvery steps before
	// each observation, from the state at their start (var4d).
	formWindow
	// formEnsemble: a user Go analysis, given the state as a one-member
	// ensemble.
	formEnsemble
)

// kalmanAnalysis emits the constructor of the exact Kalman filter (kf) or
// of the extended one (ekf): both are cycrt.EKF.
type kalmanAnalysis struct{ extended bool }

func (k kalmanAnalysis) check(g *gen, a *ir.Analysis) {
	infl, _ := a.Inflation()
	g.checkInflation(a, infl)
	if infl.RTPP != 0 || infl.RTPS != 0 || infl.Adaptive {
		g.internal(a.Pos, "%s analysis %s has relaxation or adaptive inflation", a.Kind(), a.SourceName)
	}
}

func (k kalmanAnalysis) emit(g *gen, a *ir.Analysis) {
	infl, _ := a.Inflation()
	nm := g.top.fork()
	dim, obs, dt, r, mean, cov := nm.name("dim"), nm.name("obs"), nm.name("dt"), nm.name("r"), nm.name("mean"), nm.name("cov")
	id := jen.Id
	what := "the exact Kalman filter (the model and the operator are linear, so their tangent-linears are the matrices themselves)"
	if k.extended {
		what = "the extended Kalman filter (the covariance propagated by the model's generated tangent-linear, the operator linearised at the forecast)"
	}
	opt := "no inflation"
	if infl.Multiplicative != 1 {
		opt = fmt.Sprintf("inflation = %s, a covariance factor per unit model time (P ← %s^dt · M P Mᵀ every step, as DAPPER's ExtKF)",
			floatText(infl.Multiplicative, false), floatText(infl.Multiplicative, false))
	}
	v, _ := num(infl.Multiplicative, true)
	fields := []jen.Code{id("Dim").Op(":").Id(dim), id("Obs").Op(":").Id(obs), id("Inflation").Op(":").Add(v), id("DT").Op(":").Id(dt)}
	if s := infl.Additive; s != 0 {
		opt += fmt.Sprintf(", additive = %s (s² added to the diagonal of the covariance after every analysis)", floatText(s, false))
		sv, _ := num(s, true)
		fields = append(fields, id("Additive").Op(":").Add(sv))
	}
	g.f.Add(doc("New%s returns the analysis %s declared at %s: %s, with %s. dim and obs size the "+
		"state and the observation, %s is the model step and %s the observation-error covariance; "+
		"the filter starts at %s with covariance %s (n×n, row-major), both copied.%s",
		a.Name, a.SourceName, g.at(a.Pos), what, opt, dt, r, mean, cov, userDoc(a.Doc)))
	g.f.Func().Id("New"+a.Name).Params(
		jen.List(id(dim), id(obs)).Int(),
		id(dt).Float64(),
		id(r).Op("*").Qual(rtPath, "ObsError"),
		jen.List(id(mean), id(cov)).Index().Float64(),
	).Params(jen.Op("*").Qual(rtPath, "EKF"), jen.Error()).Block(
		jen.Return(jen.Qual(rtPath, "NewEKF").Call(jen.Qual(rtPath, "EKFConfig").Values(fields...), id(r), id(mean), id(cov))),
	)
}

func (kalmanAnalysis) stateType() jen.Code { return jen.Op("*").Qual(rtPath, "EKF") }
func (k kalmanAnalysis) stateName() string {
	if k.extended {
		return "extended Kalman filter"
	}
	return "Kalman filter"
}
func (kalmanAnalysis) form() stateForm { return formKalman }

// staticAnalysis emits the constructor of a static-B analysis: 3D-Var or
// optimal interpolation.
type staticAnalysis struct{ oi bool }

func (s staticAnalysis) check(g *gen, a *ir.Analysis) {
	b, _ := s.matrices(a)
	if b == nil {
		g.internal(a.Pos, "analysis %s has no b", a.SourceName)
		return
	}
	g.checkMatrix(a.Pos, "b of analysis "+a.SourceName, b, b.Size)
	if s.oi {
		if m := a.Method.(*ir.OI).Mean; m == nil || (m.Path == "" && len(m.Values) != b.Size) {
			g.internal(a.Pos, "analysis %s has no mean of %d values", a.SourceName, b.Size)
		}
	}
}

// matrices returns the analysis's B and, for oi, its mean.
func (s staticAnalysis) matrices(a *ir.Analysis) (*ir.Matrix, *ir.Vector) {
	switch m := a.Method.(type) {
	case *ir.OI:
		return m.B, m.Mean
	case *ir.Var3D:
		return m.B, nil
	case *ir.Var4D:
		return m.B, nil
	}
	return nil, nil
}

func (s staticAnalysis) emit(g *gen, a *ir.Analysis) {
	bm, meanVec := s.matrices(a)
	nm := g.top.fork()
	dim, obs, linear, dir, r, err := nm.name("dim"), nm.name("obs"), nm.name("linearObs"), nm.name("dir"), nm.name("r"), nm.name("err")
	id := jen.Id
	body, b := g.backgroundCode(nm, a, bm, id(dim), id(dir), err)
	cfg := jen.Qual(rtPath, "Var3DConfig").Values(id("Dim").Op(":").Id(dim), id("Obs").Op(":").Id(obs), id("LinearObs").Op(":").Id(linear))
	what := "3D-Var (one update of the cycled state with the static B; the exact minimiser of the 3D-Var cost for a linear operator)"
	ret, ctor := "Var3D", jen.Qual(rtPath, "NewVar3D").Call(cfg, id(b), id(r))
	opts := "b = " + scaledMatrixText(bm)
	if s.oi {
		what = "optimal interpolation (every analysis corrects the climatological mean with the static B)"
		ret = "OI"
		mean := nm.name("mean")
		if meanVec.Path != "" {
			body = append(body,
				jen.List(id(mean), id(err)).Op(":=").Qual(rtPath, "ReadVectorCSV").Call(dataPath(id(dir), meanVec.Path), id(dim)),
				ifErr(err, jen.Nil(), errorf(fmt.Sprintf("analysis %s: mean: %%w", a.SourceName), id(err))),
			)
			opts += fmt.Sprintf(", mean = %q", meanVec.Path)
		} else {
			table := g.top.name(prefix + a.Name + "Mean")
			g.f.Add(doc("%s is the climatological mean of analysis %s (%s).", table, a.SourceName, g.at(meanVec.Pos)))
			g.f.Var().Id(table).Op("=").Index().Float64().Add(floatRows(meanVec.Values))
			body = append(body, id(mean).Op(":=").Id(table))
			opts += ", mean given in the source"
		}
		ctor = jen.Qual(rtPath, "NewOI").Call(cfg, id(mean), id(b), id(r))
	}
	body = append(body, jen.Return(ctor))
	files := ""
	if bm.Path != "" || (meanVec != nil && meanVec.Path != "") {
		files = fmt.Sprintf(" Data files are read relative to %s.", dir)
	}
	g.f.Add(doc("New%s returns the analysis %s declared at %s: %s, with %s. dim and obs size the "+
		"state and the observation, %s says the operator is linear (its gain is then computed once "+
		"and reused) and %s is the observation-error covariance.%s%s",
		a.Name, a.SourceName, g.at(a.Pos), what, opts, linear, r, files, userDoc(a.Doc)))
	g.f.Func().Id("New"+a.Name).Params(
		jen.List(id(dim), id(obs)).Int(),
		id(linear).Bool(),
		id(dir).String(),
		id(r).Op("*").Qual(rtPath, "ObsError"),
	).Params(jen.Op("*").Qual(rtPath, ret), jen.Error()).Block(body...)
}

// backgroundCode returns the statements that build the cycrt.Background
// of b (dim×dim, files relative to dir) into the variable it names,
// returning nil and the wrapped error when that fails.
func (g *gen) backgroundCode(nm *namer, a *ir.Analysis, m *ir.Matrix, dim, dir jen.Code, err string) ([]jen.Code, string) {
	id := jen.Id
	fail := func(e jen.Code) jen.Code { return errorf(fmt.Sprintf("analysis %s: b: %%w", a.SourceName), e) }
	var t varianceTable
	if m.Values != nil {
		t.name = g.top.name(prefix + a.Name + "B")
		t.doc = fmt.Sprintf("%s holds the variances of b = %s of analysis %s (%s).", t.name, scaledMatrixText(m), a.SourceName, g.at(m.Pos))
	}
	cov := g.covarianceCode(nm, m, dim, dir, t, false, err, func(e jen.Code) jen.Code { return jen.List(jen.Nil(), fail(e)) })
	b := nm.name("b")
	scale := 1.0
	if m.Scale != 0 {
		scale = m.Scale
	}
	k, _ := num(scale, true)
	code := cov.code
	if cov.diag {
		code = append(code, jen.List(id(b), id(err)).Op(":=").Qual(rtPath, "NewDiagBackground").Call(cov.ref(), k))
	} else {
		code = append(code, jen.List(id(b), id(err)).Op(":=").Qual(rtPath, "NewBackground").Call(cov.ref(), dim, k))
	}
	return append(code, ifErr(err, jen.Nil(), fail(id(err)))), b
}

func (s staticAnalysis) stateType() jen.Code {
	if s.oi {
		return jen.Op("*").Qual(rtPath, "OI")
	}
	return jen.Op("*").Qual(rtPath, "Var3D")
}
func (s staticAnalysis) stateName() string {
	if s.oi {
		return "optimal interpolation"
	}
	return "3D-Var"
}
func (s staticAnalysis) form() stateForm {
	if s.oi {
		return formClimatology
	}
	return formStatic
}

// var4dAnalysis emits the constructor of strong-constraint incremental
// 4D-Var.
type var4dAnalysis struct{}

func (var4dAnalysis) check(g *gen, a *ir.Analysis) {
	m := a.Method.(*ir.Var4D)
	if m.B == nil {
		g.internal(a.Pos, "analysis %s has no b", a.SourceName)
		return
	}
	g.checkMatrix(a.Pos, "b of analysis "+a.SourceName, m.B, m.B.Size)
	if m.Inner < 1 || m.Outer < 1 {
		g.internal(a.Pos, "analysis %s has inner %d and outer %d", a.SourceName, m.Inner, m.Outer)
	}
}

func (var4dAnalysis) emit(g *gen, a *ir.Analysis) {
	m := a.Method.(*ir.Var4D)
	nm := g.top.fork()
	dim, obs, steps, every, dt, dir, r, err := nm.name("dim"), nm.name("obs"), nm.name("steps"), nm.name("obsEvery"), nm.name("dt"), nm.name("dir"), nm.name("r"), nm.name("err")
	id := jen.Id
	body := []jen.Code{
		jen.If(id(every).Op("<").Lit(1).Op("||").Id(steps).Op("%").Id(every).Op("!=").Lit(0)).Block(
			jen.Return(jen.Nil(), errorf(fmt.Sprintf("analysis %s: a window of %%d steps is not a whole number of observation intervals of %%d steps", a.SourceName), id(steps), id(every))),
		),
	}
	bg, b := g.backgroundCode(nm, a, m.B, id(dim), id(dir), err)
	body = append(body, bg...)
	at, s := nm.name("obsAt"), nm.fork().name("s")
	body = append(body,
		id(at).Op(":=").Make(jen.Index().Int(), jen.Lit(0), id(steps).Op("/").Id(every)),
		jen.For(id(s).Op(":=").Id(every), id(s).Op("<=").Id(steps), id(s).Op("+=").Id(every)).Block(
			id(at).Op("=").Append(id(at), id(s)),
		),
	)
	body = append(body, jen.Return(jen.Qual(rtPath, "NewVar4D").Call(jen.Qual(rtPath, "Var4DConfig").Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true},
		id("Dim").Op(":").Id(dim),
		id("Obs").Op(":").Id(obs),
		id("Steps").Op(":").Id(steps),
		id("ObsAt").Op(":").Id(at),
		id("DT").Op(":").Id(dt),
		id("Inner").Op(":").Lit(m.Inner),
		id("Outer").Op(":").Lit(m.Outer),
	), id(b), id(r))))
	files := ""
	if m.B.Path != "" {
		files = fmt.Sprintf(" B is read relative to %s.", dir)
	}
	opts := []string{"b = " + scaledMatrixText(m.B), fmt.Sprintf("inner = %d", m.Inner), fmt.Sprintf("outer = %d", m.Outer)}
	g.f.Add(doc("New%s returns the analysis %s declared at %s: strong-constraint incremental 4D-Var "+
		"(outer Gauss–Newton loops re-linearising the trajectory, inner conjugate-gradient loops on "+
		"the control variable preconditioned by B^1/2, gradients by the generated adjoint) with %s. "+
		"dim and obs size the state and the observation; the window is %s model steps of %s, "+
		"with an observation every %s steps up to its end (a da cycle's window is one observation "+
		"interval, a smoother's several), and %s is the observation-error covariance. A window "+
		"that is not a whole number of observation intervals is an error.%s%s",
		a.Name, a.SourceName, g.at(a.Pos), strings.Join(opts, ", "), steps, dt, every, r, files, userDoc(a.Doc)))
	g.f.Func().Id("New"+a.Name).Params(
		jen.List(id(dim), id(obs), id(steps), id(every)).Int(),
		id(dt).Float64(),
		id(dir).String(),
		id(r).Op("*").Qual(rtPath, "ObsError"),
	).Params(jen.Op("*").Qual(rtPath, "Var4D"), jen.Error()).Block(body...)
}

func (var4dAnalysis) stateType() jen.Code { return jen.Op("*").Qual(rtPath, "Var4D") }
func (var4dAnalysis) stateName() string   { return "4D-Var" }
func (var4dAnalysis) form() stateForm     { return formWindow }

func (goAnalysis) stateType() jen.Code { return jen.Qual(rtPath, "Analysis") }
func (goAnalysis) stateName() string   { return "user Go" }
func (goAnalysis) form() stateForm     { return formEnsemble }
