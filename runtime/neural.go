// Dense-network forward models read from safetensors weights (data.md §5).

package runtime

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/blas"
)

// DefaultActivation is the activation between layers of a network whose
// weights file has neither an "activation" nor an "activations" metadata
// entry. [NetworkSpec.DefaultedActivation] tells when it was used, so the
// compiler can say so.
const DefaultActivation = "tanh"

// Activations lists the activation names a weights file may use.
var Activations = []string{"tanh", "relu", "sigmoid", "linear"}

// LayerSpec is one dense layer, y = act(W x + b) with W of shape [Out, In].
type LayerSpec struct {
	Weight, Bias string // tensor names, e.g. "layers.0.weight", "layers.0.bias"
	In, Out      int
	Activation   string // applied to this layer's output; "linear" for none
}

// NetworkSpec is a dense network as its weights file's header describes
// it, validated against the carrier size: Layers[0].In and the last
// layer's Out equal it, and each layer's In equals the previous Out.
//
// Layer tensors are named either layers.<k>.weight and layers.<k>.bias or,
// as an nn.Sequential of nn.Linear layers saves them, <k>.weight and
// <k>.bias, with k a decimal number without leading zeros. Layers run in
// increasing order of k; gaps are allowed (an nn.Sequential numbers its
// activation modules too); the two schemes cannot be mixed, every layer
// needs both tensors, and no other tensor may appear.
//
// Activations come from the header's metadata:
//   - "activation": one of [Activations], applied after every layer but
//     the last (the last layer is linear);
//   - "activations": comma-separated, exactly one name per layer, entry k
//     applied to layer k's output, the last entry included (so
//     "tanh,tanh,linear" is "activation": "tanh" for three layers). It
//     overrides "activation"; both are checked.
//   - neither: [DefaultActivation] between layers.
type NetworkSpec struct {
	Path                string // the weights file
	Layers              []LayerSpec
	DefaultedActivation bool // no activation metadata: DefaultActivation was used
}

// Widths returns the network's widths: the input, then each layer's
// output (nil for a spec without layers).
func (s *NetworkSpec) Widths() []int {
	if len(s.Layers) == 0 {
		return nil
	}
	w := []int{s.Layers[0].In}
	for _, l := range s.Layers {
		w = append(w, l.Out)
	}
	return w
}

// ReadNetworkSpec reads the header of the weights file at path, without
// its weights, and validates the network it describes against a carrier
// of size dim (see [NetworkSpec]). The compiler calls it to check a
// `neural` forward model.
func ReadNetworkSpec(path string, dim int) (*NetworkSpec, error) {
	h, err := ReadSafetensorsHeader(path)
	if err != nil {
		return nil, err
	}
	return NetworkSpecFromHeader(h, dim)
}

// layerKey is one layer's tensors found in a header.
type layerKey struct {
	index        int
	weight, bias *TensorInfo
	prefix       string // the tensor names without ".weight" or ".bias"
}

// NetworkSpecFromHeader validates the network that the header h describes
// against a carrier of size dim (see [NetworkSpec]).
func NetworkSpecFromHeader(h *SafetensorsHeader, dim int) (*NetworkSpec, error) {
	path := h.Path
	byIndex := map[int]*layerKey{}
	var firstTensor, firstScheme string // the first layer tensor and its naming scheme
	for i := range h.Tensors {
		t := &h.Tensors[i]
		prefix, scheme, index, part, ok := parseLayerTensorName(t.Name)
		if !ok {
			return nil, fmt.Errorf("%s: unexpected tensor %q: a dense network has only layers.<k>.weight and layers.<k>.bias, or <k>.weight and <k>.bias (nn.Sequential)", path, t.Name)
		}
		if firstTensor == "" {
			firstTensor, firstScheme = t.Name, scheme
		} else if scheme != firstScheme {
			return nil, fmt.Errorf("%s: tensors %q and %q mix the layers.<k> and <k> naming schemes", path, firstTensor, t.Name)
		}
		l := byIndex[index]
		if l == nil {
			l = &layerKey{index: index, prefix: prefix}
			byIndex[index] = l
		}
		if part == "weight" {
			l.weight = t
		} else {
			l.bias = t
		}
	}
	if len(byIndex) == 0 {
		return nil, fmt.Errorf("%s: no layer tensors: a dense network needs layers.0.weight and layers.0.bias (or 0.weight and 0.bias)", path)
	}
	keys := make([]*layerKey, 0, len(byIndex))
	for _, l := range byIndex {
		keys = append(keys, l)
	}
	slices.SortFunc(keys, func(a, b *layerKey) int { return a.index - b.index })

	acts, defaulted, err := layerActivations(path, h.Metadata, len(keys))
	if err != nil {
		return nil, err
	}
	spec := &NetworkSpec{Path: path, DefaultedActivation: defaulted}
	for k, l := range keys {
		if l.weight == nil || l.bias == nil {
			have, miss := l.prefix+".bias", l.prefix+".weight"
			if l.weight != nil {
				have, miss = miss, have
			}
			return nil, fmt.Errorf("%s: layer %d has tensor %q but no %q", path, k, have, miss)
		}
		w, b := l.weight, l.bias
		for _, t := range []*TensorInfo{w, b} {
			if t.DType != "F32" && t.DType != "F64" {
				return nil, fmt.Errorf("%s: layer %d: tensor %q has dtype %s; only F32 and F64 are supported", path, k, t.Name, t.DType)
			}
		}
		if len(w.Shape) != 2 || w.Shape[0] == 0 || w.Shape[1] == 0 {
			return nil, fmt.Errorf("%s: layer %d: weight %q has shape %v, want [out, in] with both positive", path, k, w.Name, w.Shape)
		}
		out, in := w.Shape[0], w.Shape[1]
		if len(b.Shape) != 1 || b.Shape[0] != out {
			return nil, fmt.Errorf("%s: layer %d: bias %q has shape %v, want [%d] (the %d outputs of weight %q %v)", path, k, b.Name, b.Shape, out, out, w.Name, w.Shape)
		}
		switch {
		case k == 0 && in != dim:
			return nil, fmt.Errorf("%s: layer 0 (%q, shape %v) takes %d inputs, but the carrier has size %d", path, w.Name, w.Shape, in, dim)
		case k > 0 && in != spec.Layers[k-1].Out:
			prev := spec.Layers[k-1]
			return nil, fmt.Errorf("%s: layer %d (%q, shape %v) takes %d inputs, but layer %d (%q) gives %d outputs", path, k, w.Name, w.Shape, in, k-1, prev.Weight, prev.Out)
		case k == len(keys)-1 && out != dim:
			return nil, fmt.Errorf("%s: the last layer, layer %d (%q, shape %v), gives %d outputs, but the carrier has size %d", path, k, w.Name, w.Shape, out, dim)
		}
		spec.Layers = append(spec.Layers, LayerSpec{Weight: w.Name, Bias: b.Name, In: in, Out: out, Activation: acts[k]})
	}
	return spec, nil
}

// parseLayerTensorName splits "layers.<k>.<part>" or "<k>.<part>" (part
// weight or bias, k canonical decimal) into the prefix before the part,
// the scheme ("layers" or "sequential"), k and the part.
func parseLayerTensorName(name string) (prefix, scheme string, index int, part string, ok bool) {
	rest, scheme := name, "sequential"
	if r, found := strings.CutPrefix(name, "layers."); found {
		rest, scheme = r, "layers"
	}
	num, part, found := strings.Cut(rest, ".")
	if !found || (part != "weight" && part != "bias") || num == "" || len(num) > 9 || (num[0] == '0' && len(num) > 1) {
		return "", "", 0, "", false
	}
	for _, c := range num {
		if c < '0' || c > '9' {
			return "", "", 0, "", false
		}
	}
	index, _ = strconv.Atoi(num) // nine digits at most: no overflow
	return strings.TrimSuffix(name, "."+part), scheme, index, part, true
}

// layerActivations returns the activation applied to each of the L
// layers' outputs, from the metadata as [NetworkSpec] describes, and
// whether the default was used.
func layerActivations(path string, meta map[string]string, L int) ([]string, bool, error) {
	acts := make([]string, L)
	one, hasOne := meta["activation"]
	list, hasList := meta["activations"]
	if hasOne && !slices.Contains(Activations, one) {
		return nil, false, fmt.Errorf("%s: metadata \"activation\" is %q, want one of %s", path, one, strings.Join(Activations, ", "))
	}
	if hasList {
		names := strings.Split(list, ",")
		if len(names) != L {
			return nil, false, fmt.Errorf("%s: metadata \"activations\" %q names %d activations, want one per layer: %d", path, list, len(names), L)
		}
		for k, a := range names {
			a = strings.TrimSpace(a)
			if !slices.Contains(Activations, a) {
				return nil, false, fmt.Errorf("%s: metadata \"activations\" entry %d (layer %d) is %q, want one of %s", path, k+1, k, a, strings.Join(Activations, ", "))
			}
			acts[k] = a
		}
		return acts, false, nil
	}
	between := DefaultActivation
	if hasOne {
		between = one
	}
	for k := range acts {
		acts[k] = between
	}
	acts[L-1] = "linear"
	return acts, !hasOne, nil
}

// activation is an activation function, applied elementwise.
type activation uint8

const (
	actLinear activation = iota
	actTanh
	actReLU
	actSigmoid
)

// activationByName maps the names of [Activations] to their functions.
var activationByName = map[string]activation{"linear": actLinear, "tanh": actTanh, "relu": actReLU, "sigmoid": actSigmoid}

// denseLayer is a layer's weights, W row-major [out, in].
type denseLayer struct {
	in, out int
	w, b    []float64
	act     activation
}

// Network evaluates a dense network forward model: one application is one
// model step, x ← net(x), or x ← x + net(x) when residual. It holds
// workspaces for up to a fixed number of members; it is not safe for
// concurrent use, and its Step and StepEnsemble do not allocate.
type Network struct {
	spec     *NetworkSpec
	residual bool
	dim      int
	members  int
	layers   []denseLayer
	buf      [2][]float64 // members × widest layer, alternating layer outputs
	vec      [2][]float64 // widest layer, the same for Step
}

// NewNetwork reads the weights file at path, validates it against a
// carrier of size dim (see [NetworkSpec]) and returns a network with
// workspaces for ensembles of up to members members. residual selects
// x + net(x).
func NewNetwork(path string, dim, members int, residual bool) (*Network, error) {
	if members <= 0 {
		return nil, fmt.Errorf("%s: network for %d members, want at least 1", path, members)
	}
	h, tensors, err := ReadSafetensors(path)
	if err != nil {
		return nil, err
	}
	spec, err := NetworkSpecFromHeader(h, dim)
	if err != nil {
		return nil, err
	}
	n := &Network{spec: spec, residual: residual, dim: dim, members: members}
	widest := 0
	for _, l := range spec.Layers {
		n.layers = append(n.layers, denseLayer{
			in: l.In, out: l.Out,
			w: tensors[l.Weight].Data, b: tensors[l.Bias].Data,
			act: activationByName[l.Activation],
		})
		widest = max(widest, l.Out)
	}
	for i := range n.buf {
		n.buf[i] = make([]float64, members*widest)
		n.vec[i] = make([]float64, widest)
	}
	return n, nil
}

// Spec returns the network's description.
func (n *Network) Spec() *NetworkSpec { return n.spec }

// Residual reports whether the network computes x + net(x).
func (n *Network) Residual() bool { return n.residual }

// StepEnsemble applies the network to every member of E in place, with one
// matrix product per layer for the whole ensemble (X Wᵀ, X the members ×
// in matrix of layer inputs, one member per row). E must have dimension dim and between 1 and
// the members given to [NewNetwork]; on error E is unchanged.
func (n *Network) StepEnsemble(E *Ensemble) error {
	switch {
	case E == nil:
		return fmt.Errorf("%s: network step: ensemble is nil", n.spec.Path)
	case E.Dim != n.dim || E.Members < 1 || E.Members > n.members:
		return fmt.Errorf("%s: network step: ensemble has %d members of dimension %d, want 1 to %d of dimension %d",
			n.spec.Path, E.Members, E.Dim, n.members, n.dim)
	case len(E.Data) != E.Members*E.Dim:
		return fmt.Errorf("%s: network step: ensemble has %d values, want %d members × %d", n.spec.Path, len(E.Data), E.Members, E.Dim)
	}
	N := E.Members
	x := E.Data
	for k := range n.layers {
		l := &n.layers[k]
		var y []float64
		if k == len(n.layers)-1 && k > 0 && !n.residual {
			y = E.Data // the input is a workspace: write the result in place
		} else {
			y = n.buf[k%2][:N*l.out]
		}
		gemm(blas.NoTrans, blas.Trans, N, l.out, l.in, 1, x, l.in, l.w, l.in, 0, y, l.out)
		for i := 0; i < N; i++ {
			biasActivate(y[i*l.out:(i+1)*l.out], l.b, l.act)
		}
		x = y
	}
	switch {
	case n.residual:
		for i, v := range x {
			E.Data[i] += v
		}
	case len(n.layers) == 1:
		copy(E.Data, x)
	}
	return nil
}

// Step applies the network to the single state x in place (one
// matrix-vector product per layer). x must have length dim.
func (n *Network) Step(x []float64) error {
	if len(x) != n.dim {
		return fmt.Errorf("%s: network step: state has length %d, want %d", n.spec.Path, len(x), n.dim)
	}
	in := x
	for k := range n.layers {
		l := &n.layers[k]
		y := n.vec[k%2][:l.out]
		blasImpl.Dgemv(blas.NoTrans, l.out, l.in, 1, l.w, l.in, in, 1, 0, y, 1)
		biasActivate(y, l.b, l.act)
		in = y
	}
	if n.residual {
		for i, v := range in {
			x[i] += v
		}
	} else {
		copy(x, in)
	}
	return nil
}

// biasActivate sets y ← act(y + b) elementwise.
func biasActivate(y, b []float64, act activation) {
	b = b[:len(y)]
	switch act {
	case actLinear:
		for j := range y {
			y[j] += b[j]
		}
	case actTanh:
		for j := range y {
			y[j] = math.Tanh(y[j] + b[j])
		}
	case actReLU:
		for j := range y {
			y[j] = max(y[j]+b[j], 0)
		}
	case actSigmoid:
		for j := range y {
			y[j] = 1 / (1 + math.Exp(-(y[j] + b[j])))
		}
	}
}
