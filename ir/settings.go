// Run-time settings: the names a cycle accepts from `cyclec run --set`.
package ir

// SettingKind is the value type of a run-time setting.
type SettingKind int

// Setting value types.
const (
	SettingInt   SettingKind = iota + 1 // a non-negative integer (steps, spinup)
	SettingSeed                         // an unsigned 64-bit integer
	SettingFloat                        // a float64 (model parameters)
	SettingPath                         // a file path
)

// String names the kind as error messages do.
func (k SettingKind) String() string {
	switch k {
	case SettingInt:
		return "a non-negative integer"
	case SettingSeed:
		return "an unsigned integer seed"
	case SettingFloat:
		return "a number"
	case SettingPath:
		return "a file path"
	}
	return "a value"
}

// Setting is one run-time override of a cycle. Model parameters are
// accepted both bare ("F") and qualified by their model as the source
// names it ("lorenz96.L96.F"); Name is the qualified form and Alias the
// bare one ("" when the bare name is taken by another setting of the same
// cycle).
type Setting struct {
	Name  string
	Alias string
	Kind  SettingKind
	Min   int      // least value of a SettingInt
	Model *Forward // the model that owns a parameter setting, else nil
	Param *Param   // the parameter, for parameter settings
}

// Settings lists the run-time settings of c in a fixed order: cycle
// options first (steps, obs_every, spinup, seed, obs_file; a forecast
// that writes a climatology has spinup too), then the parameters of
// every model the cycle steps, in declaration order. A sequence has none
// of its own: it lists its parts' settings, each with the part's name in
// front ("Twin.steps"), in the order the parts run; a cycle that runs
// more than once is listed once by its name, which sets every run, and
// again for each later run k by "name#k", which sets that run only.
func Settings(c *Cycle) []Setting {
	if sq, ok := c.Def.(*Sequence); ok {
		return partSettings(sq)
	}
	out := []Setting{{Name: "steps", Kind: SettingInt}}
	a := c.Assimilation()
	if a != nil {
		out = append(out, Setting{Name: "obs_every", Kind: SettingInt, Min: 1})
		out = append(out, Setting{Name: "spinup", Kind: SettingInt})
	}
	if f, ok := c.Def.(*Forecast); ok && f.Climatology != nil {
		// The model steps left out of the climatology.
		out = append(out, Setting{Name: "spinup", Kind: SettingInt})
	}
	var src Source
	if a != nil {
		src = a.Source
	}
	// Every cycle draws its initial state, so every cycle has a seed; a
	// file source's path can be pointed elsewhere.
	out = append(out, Setting{Name: "seed", Kind: SettingSeed})
	if _, ok := src.(*FileSource); ok {
		out = append(out, Setting{Name: "obs_file", Kind: SettingPath})
	}
	taken := map[string]int{}
	for _, s := range out {
		taken[s.Name]++
	}
	var params []Setting
	for _, m := range modelsOf(c) {
		for _, p := range m.Params {
			params = append(params, Setting{Name: m.SourceName + "." + p.Name, Alias: p.Name, Kind: SettingFloat, Model: m, Param: p})
			taken[p.Name]++
		}
	}
	for i := range params {
		if taken[params[i].Alias] > 1 {
			params[i].Alias = ""
		}
	}
	return append(out, params...)
}

// partSettings lists the settings of a sequence's parts (see Settings).
func partSettings(sq *Sequence) []Setting {
	var out []Setting
	labels := sq.Labels()
	for i, p := range sq.Leaves() {
		for _, s := range Settings(p) {
			s.Name = labels[i] + "." + s.Name
			if s.Alias != "" {
				s.Alias = labels[i] + "." + s.Alias
			}
			out = append(out, s)
		}
	}
	return out
}

// modelsOf lists the distinct forward models a cycle steps, components of
// composed models included, in first-use order.
func modelsOf(c *Cycle) []*Forward {
	var out []*Forward
	seen := map[*Forward]bool{}
	var visit func(m *Forward)
	visit = func(m *Forward) {
		if m == nil || seen[m] {
			return
		}
		seen[m] = true
		out = append(out, m)
		if cm, ok := m.Def.(*Compose); ok {
			for _, p := range cm.Parts {
				visit(p.Model)
			}
		}
	}
	visit(c.Model())
	if a := c.Assimilation(); a != nil {
		visit(a.Truth)
	}
	return out
}
