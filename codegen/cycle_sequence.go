// The sequence cycle, sequence(A, B, …): a type holding one instance of
// each part that runs them in order through a cycrt.Sequence, and the
// hand-over every cycle that is a part of a sequence gains (Handover,
// StartFrom and the draw of Start that StartFrom replaces), which the
// emitters of those kinds call.
package codegen

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// handoverKinds are the kinds whose emitters implement cycrt.SequencePart
// for a cycle that is a part of a sequence; a sequence of any other kind
// of part is not implemented yet.
var handoverKinds = []ir.CycleKind{ir.CycleForecast, ir.CycleEnsembleForecast, ir.CycleDA, ir.CycleEnsembleDA, ir.CycleSmoother, ir.CycleRecurrence, ir.CycleWindowed}

// sequenceCycle emits sequence(A, B, …).
type sequenceCycle struct{}

func (sequenceCycle) check(g *gen, c *ir.Cycle) {
	d, ok := c.Def.(*ir.Sequence)
	if !ok || len(d.Parts) == 0 {
		g.internal(c.Pos, "sequence %s has no parts", c.SourceName)
		return
	}
	reported := map[*ir.Cycle]bool{}
	for _, p := range d.Leaves() {
		switch {
		case p == nil || p.Def == nil:
			g.internal(c.Pos, "sequence %s has a part without a definition", c.SourceName)
		case reported[p]:
		case !containsCycleKind(handoverKinds, p.Kind()):
			// The part's own emitter reports its kind when it has none;
			// one that exists but hands over no state is reported here.
			if _, ok := cycleEmitters[p.Kind()]; ok {
				g.unimplemented(c.Pos, fmt.Sprintf("a %s cycle as a part of a sequence (%s in %s)", p.Kind(), p.SourceName, c.SourceName))
			}
		}
		reported[p] = true
	}
}

func (sequenceCycle) emit(g *gen, c *ir.Cycle) { g.emitSequence(c) }

// containsCycleKind reports whether k is one of ks.
func containsCycleKind(ks []ir.CycleKind, k ir.CycleKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// inSequence reports whether c is a part of a sequence of the program:
// only then does its type gain the hand-over methods.
func (g *gen) inSequence(c *ir.Cycle) bool {
	for _, s := range g.p.Cycles {
		if d, ok := s.Def.(*ir.Sequence); ok {
			for _, p := range d.Parts {
				if p == c {
					return true
				}
			}
		}
	}
	return false
}

// sequenceMethods are the methods and fields of a sequence type, which a
// part's field may not be named.
var sequenceMethods = []string{"Dir", "Name", "Set", "Config", "Parts", "Start", "Next", "Done", "Summary", "Progress", "Run"}

// emitSequence declares a sequence cycle. Its parts are its leaves: a
// nested sequence's parts run in its place, and a cycle that runs more
// than once is a field per run (Twin, Twin2), each with its own state,
// labelled "Twin#2" in the config hash and the history file names, as
// cycrt.PartLabels labels them.
func (g *gen) emitSequence(c *ir.Cycle) {
	id := jen.Id
	parts := c.Def.(*ir.Sequence).Leaves()
	recv := "c"
	fnm := newNamer()
	for _, m := range sequenceMethods {
		fnm.take(m)
	}
	fields := make([]string, len(parts))
	names := make([]string, len(parts))
	labels := c.Def.(*ir.Sequence).Labels()
	run := make([]int, len(parts)) // the run of its cycle each part is, from 1
	runs := map[*ir.Cycle]int{}
	for i, p := range parts {
		runs[p]++
		run[i] = runs[p]
		fields[i] = fnm.name(p.Name)
		if run[i] == 1 && fields[i] != p.Name {
			fields[i] = fnm.name(p.Name + "Part")
		}
		names[i] = p.SourceName
	}
	self := func(path ...string) *jen.Statement {
		s := id(recv)
		for _, p := range path {
			s = s.Dot(p)
		}
		return s
	}
	list := strings.Join(names, ", then ")
	var nested []string
	for _, p := range c.Def.(*ir.Sequence).Parts {
		if p.Kind() == ir.CycleSequence {
			nested = append(nested, p.SourceName)
		}
	}
	if len(nested) > 0 {
		list += fmt.Sprintf(" (the parts of %s run in its place)", strings.Join(nested, " and "))
		if len(nested) > 1 {
			list = strings.Replace(list, "in its place", "in their places", 1)
		}
	}
	g.f.Add(doc("%s is the cycle %s declared at %s: the sequence %s, each part started from "+
		"the final state of the one before (cycrt.Handover says how: the mean of an ensemble "+
		"into a single state, an ensemble into one of the same size, a single state into an "+
		"ensemble as the mean of its draws, a Kalman filter's covariance into the next filter "+
		"or the spread of those draws, and a twin truth carried on). Every part's clock "+
		"starts at t = 0.\n\n"+
		"Call Start, then Next until Done, or Run. It is not safe for concurrent use.%s",
		c.Name, c.SourceName, g.at(c.Pos), list, userDoc(c.Doc)))
	sfields := []jen.Code{
		id("Dir").String().Comment(`directory that data-file paths are relative to, for every part: Config and Start copy it into them (default ".")`),
		jen.Line(),
	}
	for i, p := range parts {
		what := fmt.Sprintf("part %d, the cycle %s", i+1, p.SourceName)
		if runs[p] > 1 {
			what += fmt.Sprintf(" (its run %d of %d)", run[i], runs[p])
		}
		sfields = append(sfields, id(fields[i]).Op("*").Id(p.Name).Comment(what))
	}
	sfields = append(sfields, jen.Line(), id("seq").Qual(rtPath, "Sequence").Comment("runs the parts; started by Start"))
	g.f.Type().Id(c.Name).Struct(sfields...)

	vals := []jen.Code{id("Dir").Op(":").Lit(".")}
	for i, p := range parts {
		vals = append(vals, id(fields[i]).Op(":").Id("New"+p.Name).Call())
	}
	g.f.Add(doc("New%s returns cycle %s with each part as the source writes it.", c.Name, c.Name))
	g.f.Func().Id("New" + c.Name).Params().Op("*").Id(c.Name).Block(
		jen.Return(jen.Op("&").Id(c.Name).Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}, vals...)),
	)
	method := func(name string) *jen.Statement {
		return g.f.Func().Params(id(recv).Op("*").Id(c.Name)).Id(name)
	}

	g.f.Add(doc("Name returns the name of the cycle as declared in the program."))
	method("Name").Params().String().Block(jen.Return(jen.Lit(c.SourceName)))

	partList := make([]jen.Code, len(parts))
	for i := range parts {
		partList[i] = self(fields[i])
	}
	g.f.Add(doc("Parts implements cycrt.SequenceCycle: %s, in the order they run.", strings.Join(names, ", ")))
	method("Parts").Params().Index().Qual(rtPath, "SequencePart").Block(
		jen.Return(jen.Index().Qual(rtPath, "SequencePart").Values(partList...)),
	)

	// Set.
	nm := g.top.fork()
	nm.take(recv)
	name, value, rest, serr := nm.name("name"), nm.name("value"), nm.name("rest"), nm.name("err")
	var body []jen.Code
	var examples []string
	// In source order, except that names with more dots come first: a
	// part whose name and a dot start another's ("m" and "m.Twin") is
	// tried after it, so that each gets its own settings.
	//
	// A cycle that runs more than once takes "Twin.steps" in every run, and
	// "Twin#2.steps" in its second only; the runs' own labels come first.
	for i := range parts {
		if run[i] > 1 {
			body = append(body, jen.If(jen.List(id(rest), id("ok")).Op(":=").Qual("strings", "CutPrefix").Call(id(name), jen.Lit(labels[i]+".")), id("ok")).Block(
				jen.Return(self(fields[i]).Dot("Set").Call(id(rest), id(value))),
			))
		}
	}
	var order []int // the first run of every cycle
	for i := range parts {
		if run[i] == 1 {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool {
		return strings.Count(names[order[a]], ".") > strings.Count(names[order[b]], ".")
	})
	for _, i := range order {
		p := parts[i]
		var set []jen.Code
		if runs[p] == 1 {
			set = []jen.Code{jen.Return(self(fields[i]).Dot("Set").Call(id(rest), id(value)))}
		} else {
			for j, q := range parts {
				if q == p {
					set = append(set, jen.If(id(serr).Op(":=").Add(self(fields[j])).Dot("Set").Call(id(rest), id(value)), id(serr).Op("!=").Nil()).Block(jen.Return(id(serr))))
				}
			}
			set = append(set, jen.Return(jen.Nil()))
		}
		body = append(body, jen.If(jen.List(id(rest), id("ok")).Op(":=").Qual("strings", "CutPrefix").Call(id(name), jen.Lit(names[i]+".")), id("ok")).Block(set...))
	}
	for _, i := range order {
		examples = append(examples, names[i]+".steps")
	}
	body = append(body, jen.Return(errorf(fmt.Sprintf("cycle %s has no setting %%q: the settings of a sequence are those of its parts, prefixed by the part's name (%s, …)", c.SourceName, strings.Join(examples, ", ")), id(name))))
	var again string
	for _, i := range order {
		if p := parts[i]; runs[p] > 1 {
			again += fmt.Sprintf(" %s runs %s: %s.steps sets every run, %s#2.steps the second only.", p.SourceName, timesWord(runs[p]), p.SourceName, p.SourceName)
		}
	}
	g.f.Add(doc("Set applies a run-time setting of one part, named with the part's name in front: "+
		"%s. The rest of the name is the part's own setting, as its Set takes it.%s", strings.Join(examples, ", "), again))
	method("Set").Params(jen.List(id(name), id(value)).String()).Error().Block(body...)

	// Dir.
	var lhs, rhs []jen.Code
	for i := range parts {
		lhs = append(lhs, self(fields[i], "Dir"))
		rhs = append(rhs, self("Dir"))
	}
	g.f.Add(doc("shareDir copies Dir into every part."))
	method("shareDir").Params().Block(jen.List(lhs...).Op("=").List(rhs...))

	// Config.
	nm = g.top.fork()
	nm.take(recv)
	h, err := nm.name("h"), nm.name("err")
	body = []jen.Code{self("shareDir").Call()}
	for i := range parts {
		body = append(body, jen.If(id(err).Op(":=").Id(h).Dot("AddPart").Call(jen.Lit(labels[i]), self(fields[i])), id(err).Op("!=").Nil()).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: %%w", c.SourceName), id(err))),
		))
	}
	body = append(body, jen.Return(jen.Nil()))
	g.f.Add(doc("Config implements cycrt.Cycle: every part's settings and data files, under " +
		"the part's name (cycrt.ConfigHash.AddPart), after copying Dir into the parts."))
	method("Config").Params(id(h).Op("*").Qual(rtPath, "ConfigHash")).Error().Block(body...)

	// The Stepper.
	g.f.Add(doc("Start copies Dir into every part and starts the first, %s, as it would start on its own.", names[0]))
	method("Start").Params().Error().Block(
		self("shareDir").Call(),
		jen.Return(self("seq").Dot("Start").Call(jen.Lit(c.SourceName), self("Parts").Call().Op("..."))),
	)
	g.f.Add(doc("Next makes one Next of the part running, starting the next part from the " +
		"final state of the one before when that one is done (cycrt.Sequence.Next). It " +
		"allocates nothing but what starting a part allocates."))
	method("Next").Params().Error().Block(jen.Return(self("seq").Dot("Next").Call()))
	g.f.Add(doc("Done reports whether the last part, %s, is done.", names[len(names)-1]))
	method("Done").Params().Bool().Block(jen.Return(self("seq").Dot("Done").Call()))
	g.f.Add(doc("Summary returns one summary per part that has started, in the summary's Parts, without the sequence's timing."))
	method("Summary").Params().Params(jen.Op("*").Qual(rtPath, "Summary"), jen.Error()).Block(jen.Return(self("seq").Dot("Summary").Call()))
	g.f.Add(doc("Progress implements cycrt.Stepper: the parts' model steps done, model steps " +
		"and cycles done, added up."))
	method("Progress").Params().Params(jen.List(id("step"), id("steps"), id("cycles")).Int()).Block(jen.Return(self("seq").Dot("Progress").Call()))

	g.f.Add(doc("%s is driven by cycrt.RunSequence and by the command line.", c.Name))
	g.f.Var().Defs(
		id("_").Qual(rtPath, "SequenceCycle").Op("=").Parens(jen.Op("*").Id(c.Name)).Call(jen.Nil()),
		id("_").Qual(rtPath, "Cycle").Op("=").Parens(jen.Op("*").Id(c.Name)).Call(jen.Nil()),
	)
	nm = g.top.fork()
	nm.take(recv)
	ctx, opts := nm.name("ctx"), nm.name("opts")
	label := "the part's name"
	for i := range parts {
		if run[i] > 1 {
			label = fmt.Sprintf("the part's label (its name, or %s for a cycle's run after its first; cycrt.PartLabels)", labels[i])
			break
		}
	}
	g.f.Add(doc("Run implements cycrt.Cycle: the parts in order, by cycrt.RunSequence. With "+
		"opts.HistoryPath, each part that records a history writes it to a file of its own, "+
		"%s inserted before the extension (cycrt.PartHistoryPath). It returns "+
		"ctx.Err() when ctx is cancelled.", label))
	method("Run").Params(id(ctx).Qual("context", "Context"), id(opts).Qual(rtPath, "RunOptions")).Params(
		jen.Op("*").Qual(rtPath, "Summary"), jen.Error(),
	).Block(jen.Return(jen.Qual(rtPath, "RunSequence").Call(id(ctx), id(recv), id(opts))))
}

// handoverFields is the field a part of a sequence needs: the hand-over
// that StartFrom gives Start.
func (cg *cycleGen) handoverFields() []jen.Code {
	if !cg.g.inSequence(cg.c) {
		return nil
	}
	return []jen.Code{jen.Id("from").Op("*").Qual(rtPath, "Handover").Comment("the state to start from, while StartFrom runs Start")}
}

// drawOrTakeOver returns the statements of Start that set the initial
// state: draw, or, for a part of a sequence started by StartFrom, take.
func (cg *cycleGen) drawOrTakeOver(draw []jen.Code, take ...jen.Code) []jen.Code {
	if !cg.g.inSequence(cg.c) {
		return draw
	}
	take = append([]jen.Code{jen.Comment("Started by a sequence: from the state the part before handed over.")}, take...)
	return []jen.Code{jen.If(cg.self("from").Op("!=").Nil()).Block(take...).Else().Block(draw...)}
}

// takeState is the statement that sets the state x (a slice) from the
// hand-over, err naming the error.
func (cg *cycleGen) takeState(err string, x jen.Code) jen.Code {
	return cg.takeCall(err, cg.self("from").Dot("InitState").Call(x))
}

// takeEnsemble is the statement that sets the members of E from the
// hand-over, drawing them around its state with std when it has no
// ensemble to copy.
func (cg *cycleGen) takeEnsemble(err string, std jen.Code) jen.Code {
	return cg.takeCall(err, cg.self("from").Dot("InitEnsemble").Call(cg.self("E"), std, cg.self("Seed")))
}

// takeTruth is the statement that sets a twin experiment's truth from the
// hand-over.
func (cg *cycleGen) takeTruth(err string) jen.Code {
	return cg.takeCall(err, cg.self("from").Dot("InitTruth").Call(cg.self("Truth").Index(jen.Op(":"))))
}

// takeCall is `if err := call; err != nil { return … }`.
func (cg *cycleGen) takeCall(err string, call jen.Code) jen.Code {
	return jen.If(jen.Id(err).Op(":=").Add(call), jen.Id(err).Op("!=").Nil()).Block(
		jen.Return(errorf(fmt.Sprintf("cycle %s: %%w", cg.c.SourceName), jen.Id(err))),
	)
}

// emitHandover writes Handover and StartFrom for a part of a sequence:
// put returns the statements that record the final state in the
// hand-over named h, what says what they record and from what StartFrom
// takes.
func (cg *cycleGen) emitHandover(what, from string, put func(h string) []jen.Code) {
	if !cg.g.inSequence(cg.c) {
		return
	}
	g, c := cg.g, cg.c
	id := jen.Id
	nm := g.top.fork()
	nm.take(cg.recv)
	h := nm.name("h")
	g.f.Add(doc("Handover implements cycrt.SequencePart: it puts %s in %s, for the part of a sequence that runs next.", what, h))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Handover").Params(id(h).Op("*").Qual(rtPath, "Handover")).Block(put(h)...)

	err := nm.name("err")
	g.f.Add(doc("StartFrom implements cycrt.SequencePart: Start, with %s from what the part before in a sequence handed over in %s instead of drawn from %s.", from, h, cg.initText()))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("StartFrom").Params(id(h).Op("*").Qual(rtPath, "Handover")).Error().Block(
		cg.self("from").Op("=").Id(h),
		id(err).Op(":=").Add(cg.self("Start")).Call(),
		cg.self("from").Op("=").Nil(),
		jen.Return(id(err)),
	)
	g.f.Add(doc("%s can be a part of a sequence.", c.Name))
	g.f.Var().Id("_").Qual(rtPath, "SequencePart").Op("=").Parens(jen.Op("*").Id(c.Name)).Call(jen.Nil())
}

// handoverState is the put of emitHandover for a single state X.
func (cg *cycleGen) handoverState(h string) []jen.Code {
	return []jen.Code{jen.Id(h).Dot("SetState").Call(cg.self("X").Index(jen.Op(":")))}
}

// takeDA are the statements of an ensemble_da cycle's Start that take the
// hand-over: the truth of a twin experiment, then the members.
func (cg *cycleGen) takeDA(src daSource, err string, std jen.Code) []jen.Code {
	var out []jen.Code
	if _, twin := src.(twinSource); twin {
		out = append(out, cg.takeTruth(err))
	}
	return append(out, cg.takeEnsemble(err, std))
}

// emitDAHandover writes the hand-over of an ensemble_da cycle: the
// ensemble, and the truth of a twin experiment.
func (cg *cycleGen) emitDAHandover(twin bool) {
	what, from := "the ensemble E and its mean", "the members"
	if twin {
		what, from = "the ensemble E, its mean and the truth", "the truth and the members"
	}
	cg.emitHandover(what, from, func(h string) []jen.Code {
		out := []jen.Code{jen.Id(h).Dot("SetEnsemble").Call(cg.self("E"))}
		if twin {
			out = append(out, jen.Id(h).Dot("SetTruth").Call(cg.self("Truth").Index(jen.Op(":"))))
		}
		return out
	})
}

// timesWord says how many times a cycle runs: "twice", "3 times".
func timesWord(k int) string {
	if k == 2 {
		return "twice"
	}
	return fmt.Sprintf("%d times", k)
}
