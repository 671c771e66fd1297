// The Config method of generated cycles (cycrt.Cycle): the settings in
// effect in canonical form and the data files the cycle reads, which the
// config hash covers.
package codegen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cyclec/cyclec/ir"
)

// dataFile is a file a cycle reads at run time, hashed by its role.
type dataFile struct {
	label string   // the role: "obs_err", "obs lorenz96.Lin matrix", "forward Net weights"
	path  jen.Code // the path, under the cycle's Dir
}

// dataFiles lists the files cycle cg reads: a covariance read from a
// file, a linear observation operator's matrix, neural weights (of the
// model or of any part of a composed one). An observation file
// (source = file(…), setting obs_file) belongs here too, under the label
// "obs_file".
func (cg *cycleGen) dataFiles() []dataFile {
	var out []dataFile
	dir := cg.self("Dir")
	seen := map[*ir.Forward]bool{}
	var visit func(m *ir.Forward)
	visit = func(m *ir.Forward) {
		if m == nil || seen[m] {
			return
		}
		seen[m] = true
		switch d := m.Def.(type) {
		case *ir.Neural:
			out = append(out, dataFile{"forward " + m.SourceName + " weights", dataPath(dir, d.Path)})
		case *ir.Compose:
			for _, p := range d.Parts {
				visit(p.Model)
			}
		}
	}
	visit(cg.fwd)
	if a := cg.as; a != nil {
		var obs func(o *ir.ObsOp)
		obs = func(o *ir.ObsOp) {
			switch d := o.Def.(type) {
			case *ir.LinearObs:
				out = append(out, dataFile{"obs " + o.SourceName + " matrix", dataPath(dir, d.Matrix)})
			case *ir.ComposeObs:
				for _, p := range distinctObsParts(d) {
					obs(p)
				}
			}
		}
		if a.Obs != nil {
			obs(a.Obs)
		}
		if m := a.ObsErr; m != nil && (m.Kind == ir.MatrixDiagFile || m.Kind == ir.MatrixFile) {
			out = append(out, dataFile{"obs_err", dataPath(dir, m.Path)})
		}
		if an := a.Analysis; an != nil {
			b, mean := staticAnalysis{}.matrices(an)
			if b != nil && (b.Kind == ir.MatrixDiagFile || b.Kind == ir.MatrixFile) {
				out = append(out, dataFile{"analysis " + an.SourceName + " b", dataPath(dir, b.Path)})
			}
			if mean != nil && mean.Path != "" {
				out = append(out, dataFile{"analysis " + an.SourceName + " mean", dataPath(dir, mean.Path)})
			}
		}
		if _, ok := a.Source.(*ir.FileSource); ok {
			out = append(out, dataFile{"obs_file", cg.self("obsPath").Call()})
		}
		visit(a.Truth)
	}
	return out
}

// settingField is the cycle's field that setting s sets, or nil (with an
// internal error reported) for a setting the generator does not know.
func (cg *cycleGen) settingField(s ir.Setting) *jen.Statement {
	switch {
	case s.Param != nil:
		path, ok := modelPath(cg.fwd, s.Model)
		if t := cg.truthModel(); !ok && t != nil {
			if tp, tok := modelPath(t, s.Model); tok {
				return cg.self(append(append([]string{"TruthModel"}, tp...), cg.g.fields[s.Param])...)
			}
		}
		if !ok {
			cg.g.internal(cg.c.Pos, "setting %s belongs to a model cycle %s does not step", s.Name, cg.c.SourceName)
			return nil
		}
		return cg.self(append(append([]string{cg.model}, path...), cg.g.fields[s.Param])...)
	case s.Name == "steps":
		return cg.self("Steps")
	case s.Name == "obs_every":
		return cg.self("ObsEvery")
	case s.Name == "spinup":
		return cg.self("Spinup")
	case s.Name == "seed":
		return cg.self("Seed")
	case s.Name == "obs_file":
		return cg.self("ObsFile")
	}
	cg.g.internal(cg.c.Pos, "cycle %s has setting %s the generator does not know", cg.c.SourceName, s.Name)
	return nil
}

// canonical is the expression that formats the value of field, a setting
// of kind k, canonically: as strconv formats it, so that every way of
// writing a value gives the same text.
func canonical(k ir.SettingKind, field jen.Code) jen.Code {
	switch k {
	case ir.SettingInt:
		return jen.Qual("strconv", "Itoa").Call(field)
	case ir.SettingSeed:
		return jen.Qual("strconv", "FormatUint").Call(field, jen.Lit(10))
	case ir.SettingPath:
		return field
	}
	return jen.Qual("strconv", "FormatFloat").Call(field, jen.LitRune('g'), jen.Lit(-1), jen.Lit(64))
}

// emitConfig writes Config.
func (cg *cycleGen) emitConfig() {
	g, c := cg.g, cg.c
	id := jen.Id
	nm := g.top.fork()
	nm.take(cg.recv)
	h, err := nm.name("h"), nm.name("err")
	var body []jen.Code
	if len(g.sources) > 0 {
		body = append(body, jen.If(id(err).Op(":=").Id("cycAddSources").Call(id(h)), id(err).Op("!=").Nil()).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: %%w", c.SourceName), id(err))),
		))
	}
	var names []string
	for _, s := range ir.Settings(c) {
		f := cg.settingField(s)
		if f == nil {
			continue
		}
		names = append(names, s.Name)
		body = append(body, id(h).Dot("AddSetting").Call(jen.Lit(s.Name), canonical(s.Kind, f)))
	}
	files := cg.dataFiles()
	var labels []string
	for _, f := range files {
		labels = append(labels, f.label)
		// A missing file is left to Start, which opens it and says so
		// in its own words; a run never starts without it.
		body = append(body, jen.If(id(err).Op(":=").Id(h).Dot("AddFile").Call(jen.Lit(f.label), f.path),
			id(err).Op("!=").Nil().Op("&&").Op("!").Qual("errors", "Is").Call(id(err), jen.Qual("io/fs", "ErrNotExist"))).Block(
			jen.Return(errorf(fmt.Sprintf("cycle %s: %%w", c.SourceName), id(err))),
		))
	}
	body = append(body, jen.Return(jen.Nil()))
	read := "This cycle reads no data file."
	if len(labels) > 0 {
		read = "The data files, by label: " + strings.Join(labels, ", ") + "."
	}
	program := ""
	if len(g.sources) > 0 {
		program = "the program's sources (cycSources), "
	}
	g.f.Add(doc("Config implements cycrt.Cycle: it adds to %s %sthe settings in effect (%s), "+
		"canonically formatted, and the content of every data file the cycle reads. %s",
		h, program, strings.Join(names, ", "), read))
	g.f.Func().Params(id(cg.recv).Op("*").Id(c.Name)).Id("Config").Params(id(h).Op("*").Qual(rtPath, "ConfigHash")).Error().Block(body...)
}
