// Command train fits the Lorenz-96 emulator of examples/lorenz96/emulator
// and writes its weights file.
//
// It integrates the model of std/lorenz96.cyc (40 sites, F = 8, RK4,
// dt = 0.05) along long trajectories, trains a tanh network on the map
// from a state to its one-step increment (so that x + net(x) is one model
// step: `residual = true`), folds the input and output normalisation into
// the first and last layers, and writes the network as an F32 safetensors
// file the runtime reads. Everything is seeded and single-threaded: the
// same command writes the same bytes. Run from the module root:
//
//	go run ./examples/lorenz96/emulator/train
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// config is what the flags set; the defaults wrote the committed file.
type config struct {
	out                   string
	local                 bool
	left, right           int
	hidden                []int
	seed                  uint64
	trainStates, trainGap int
	heldStates, heldGap   int
	spinup                int
	epochs, batch         int
	lr                    float64
	quiet                 bool
	commandLine           string
}

func main() {
	goruntime.GOMAXPROCS(1)
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(2)
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

// parseFlags reads the command line.
func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	cfg := &config{}
	var archName, hidden string
	fs.StringVar(&cfg.out, "o", "examples/lorenz96/emulator/l96emu.safetensors", "weights file to write")
	fs.StringVar(&archName, "arch", "local", "local: one network shared by all sites, on a window of neighbours; full: a network on the whole ring")
	fs.IntVar(&cfg.left, "left", 8, "local window: sites to the left (x[i-left])")
	fs.IntVar(&cfg.right, "right", 4, "local window: sites to the right (x[i+right])")
	fs.StringVar(&hidden, "hidden", "64", "hidden widths (per site for local), comma-separated")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the trajectories, the initial weights and the batch order")
	fs.IntVar(&cfg.trainStates, "train-states", 50000, "training states")
	fs.IntVar(&cfg.trainGap, "train-gap", 5, "model steps between training states")
	fs.IntVar(&cfg.heldStates, "heldout-states", 2000, "held-out states, from a trajectory of another seed")
	fs.IntVar(&cfg.heldGap, "heldout-gap", 20, "model steps between held-out states")
	fs.IntVar(&cfg.spinup, "spinup", 5000, "model steps discarded at the start of each trajectory")
	fs.IntVar(&cfg.epochs, "epochs", 100, "passes over the training samples")
	fs.IntVar(&cfg.batch, "batch", 256, "mini-batch size")
	fs.Float64Var(&cfg.lr, "lr", 5e-3, "Adam step size at the start; it decays to 0 on a cosine")
	fs.BoolVar(&cfg.quiet, "q", false, "no progress lines")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch archName {
	case "local":
		cfg.local = true
	case "full":
	default:
		return nil, fmt.Errorf("-arch %q: want local or full", archName)
	}
	for f := range strings.SplitSeq(hidden, ",") {
		w, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || w < 1 {
			return nil, fmt.Errorf("-hidden %q: want positive widths separated by commas", hidden)
		}
		cfg.hidden = append(cfg.hidden, w)
	}
	switch {
	case cfg.trainStates < 1 || cfg.heldStates < 1 || cfg.epochs < 1 || cfg.batch < 1:
		return nil, fmt.Errorf("-train-states, -heldout-states, -epochs and -batch must be positive")
	case !(cfg.lr > 0):
		return nil, fmt.Errorf("-lr %g: want a positive step size", cfg.lr)
	}
	// The command recorded in the file: the flags that change the
	// network, in a canonical order, so that where the file goes (-o) and
	// how the flags were spelled do not change its bytes.
	cmd := []string{"go run ./examples/lorenz96/emulator/train"}
	fs.Visit(func(f *flag.Flag) {
		if f.Name != "o" && f.Name != "q" {
			cmd = append(cmd, "-"+f.Name+"="+f.Value.String())
		}
	})
	cfg.commandLine = strings.Join(cmd, " ")
	return cfg, nil
}

// run trains the emulator and writes cfg.out.
func run(cfg *config) error {
	start := time.Now()
	a := arch{local: cfg.local, left: cfg.left, right: cfg.right}
	if err := a.check(); err != nil {
		return err
	}
	train, err := trajectoryPairs(cfg.seed, cfg.trainStates, cfg.spinup, cfg.trainGap)
	if err != nil {
		return fmt.Errorf("training data: %w", err)
	}
	held, err := trajectoryPairs(cfg.seed+1_000_000, cfg.heldStates, cfg.spinup, cfg.heldGap)
	if err != nil {
		return fmt.Errorf("held-out data: %w", err)
	}
	in, out := pooledNorm(train.before), pooledNorm(train.inc)
	logf := func(format string, args ...any) {
		if !cfg.quiet {
			fmt.Fprintf(os.Stderr, "%6.1fs  %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
		}
	}
	logf("data: %d training states (%d samples), %d held-out; x mean %.4f std %.4f, increment mean %.5f std %.5f",
		train.count, a.samples(train), held.count, in.mean, in.std, out.mean, out.std)

	rng := rand.New(rand.NewPCG(cfg.seed, 0x747261696e)) // "train"
	widths := append(append([]int{a.inputs()}, cfg.hidden...), a.outputs())
	n := newMLP(widths, rng)
	loss := fit(n, a, train, held, in, out, cfg, rng, logf)

	d := dense(n, a, in, out)
	fig := evaluate(d, held)
	logf("held-out one-step RMSE %.5f = %.5f of the climatological std %.4f = %.5f of the increment std %.5f",
		fig.rmse, fig.rmse/fig.climStd, fig.climStd, fig.rmse/fig.incStd, fig.incStd)

	meta := metadata(cfg, a, d, in, out, loss, fig)
	if err := cycrt.WriteSafetensors(cfg.out, tensors(d), meta); err != nil {
		return err
	}
	// Read the file back as generated code will, and check it computes
	// what was just measured.
	net, err := cycrt.NewNetwork(cfg.out, sites, held.count, true)
	if err != nil {
		return fmt.Errorf("reading back: %w", err)
	}
	E := &cycrt.Ensemble{Members: held.count, Dim: sites, Data: slices.Clone(held.before)}
	if err := net.StepEnsemble(E); err != nil {
		return fmt.Errorf("reading back: %w", err)
	}
	var sse float64
	for i, v := range E.Data {
		e := v - (held.before[i] + held.inc[i])
		sse += e * e
	}
	rt := math.Sqrt(sse / float64(len(E.Data)))
	if math.Abs(rt-fig.rmse) > 1e-9*fig.rmse+1e-12 {
		return fmt.Errorf("%s read back gives a held-out RMSE of %.9g, but the network written has %.9g", cfg.out, rt, fig.rmse)
	}
	st, err := os.Stat(cfg.out)
	if err != nil {
		return err
	}
	logf("wrote %s: %d bytes, widths %v; the runtime reads it back with the same RMSE (%.6g)", cfg.out, st.Size(), d.widths, rt)
	return nil
}

// fit trains n for cfg.epochs epochs and returns the last epoch's mean
// training loss.
func fit(n *mlp, a arch, train, held *pairs, in, out norm, cfg *config, rng *rand.Rand, logf func(string, ...any)) float64 {
	S := a.samples(train)
	ws := n.newWorkspace(cfg.batch)
	opt := newAdam(n)
	idx := make([]int, S)
	for i := range idx {
		idx[i] = i
	}
	tgt := make([]float64, cfg.batch*a.outputs())
	steps := cfg.epochs * ((S + cfg.batch - 1) / cfg.batch)
	step := 0
	var loss float64
	for epoch := range cfg.epochs {
		rng.Shuffle(S, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		var sum float64
		for lo := 0; lo < S; lo += cfg.batch {
			b := idx[lo:min(lo+cfg.batch, S)]
			a.gather(train, b, in, out, ws.act[0], tgt)
			n.forward(ws, len(b))
			sum += n.backward(ws, len(b), tgt[:len(b)*a.outputs()]) * float64(len(b))
			lr := cfg.lr * 0.5 * (1 + math.Cos(math.Pi*float64(step)/float64(steps)))
			opt.update(n, ws, lr)
			step++
		}
		loss = sum / float64(S)
		if epoch%5 == 4 || epoch == cfg.epochs-1 {
			fig := evaluate(dense(n, a, in, out), held)
			logf("epoch %d: training loss %.3e, held-out RMSE %.5f (%.5f of the increment std)", epoch+1, loss, fig.rmse, fig.rmse/fig.incStd)
		}
	}
	return loss
}

// figures are the one-step errors of a network on held-out pairs.
type figures struct {
	rmse    float64 // of the state after one step, the same as of the increment
	maxErr  float64 // largest error at one site
	climStd float64 // standard deviation of the held-out states
	incStd  float64 // standard deviation of their increments
}

// evaluate applies the raw-state network d to every held-out state.
func evaluate(d *mlp, p *pairs) figures {
	const rows = 256
	ws := d.newWorkspace(rows)
	var sse, maxErr float64
	for lo := 0; lo < p.count; lo += rows {
		r := min(rows, p.count-lo)
		copy(ws.act[0], p.before[lo*sites:(lo+r)*sites])
		y := d.forward(ws, r)
		for i, v := range y {
			e := math.Abs(v - p.inc[lo*sites+i])
			sse += e * e
			maxErr = max(maxErr, e)
		}
	}
	return figures{
		rmse: math.Sqrt(sse / float64(p.count*sites)), maxErr: maxErr,
		climStd: pooledNorm(p.before).std, incStd: pooledNorm(p.inc).std,
	}
}

// metadata describes the network and its training in the file's header.
func metadata(cfg *config, a arch, d *mlp, in, out norm, loss float64, fig figures) map[string]string {
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
	ws := make([]string, len(d.widths))
	for i, w := range d.widths {
		ws[i] = strconv.Itoa(w)
	}
	desc := "dense " + strings.Join(ws, "-") + ", tanh between layers, trained on the whole ring with its 40 rotations"
	if a.local {
		hs := make([]string, len(cfg.hidden))
		for i, h := range cfg.hidden {
			hs[i] = strconv.Itoa(h)
		}
		desc = fmt.Sprintf("dense %s, tanh between layers: one %d-%s-1 network shared by the 40 sites, reading x[i-%d..i+%d], stored as the dense network applying it at every site",
			strings.Join(ws, "-"), a.inputs(), strings.Join(hs, "-"), a.left, a.right)
	}
	return map[string]string{
		"activation":         "tanh",
		"model":              "Lorenz-96 (std/lorenz96.cyc L96): 40 sites, F = 8, RK4, dt = 0.05",
		"output":             "the one-step increment x(t+dt) - x(t) of the raw state x(t): use residual = true",
		"architecture":       desc,
		"normalisation":      fmt.Sprintf("folded into the first and last layers: x mean %s std %s, increment mean %s std %s", g(in.mean), g(in.std), g(out.mean), g(out.std)),
		"training_data":      fmt.Sprintf("%d states %d steps apart on one trajectory (seed %d, spin-up %d steps), %d samples", cfg.trainStates, cfg.trainGap, cfg.seed, cfg.spinup, a.samples(&pairs{count: cfg.trainStates})),
		"heldout_data":       fmt.Sprintf("%d states %d steps apart on a trajectory of seed %d", cfg.heldStates, cfg.heldGap, cfg.seed+1_000_000),
		"optimiser":          fmt.Sprintf("Adam, batch %d, step %s decaying to 0 on a cosine, %d epochs, float64 arithmetic", cfg.batch, g(cfg.lr), cfg.epochs),
		"seed":               strconv.FormatUint(cfg.seed, 10),
		"epochs":             strconv.Itoa(cfg.epochs),
		"loss":               "mean squared error of the normalised increment",
		"final_loss":         g(loss),
		"heldout_rmse":       g(fig.rmse),
		"heldout_max_error":  g(fig.maxErr),
		"heldout_rmse_ratio": fmt.Sprintf("%s of the climatological std %s; %s of the increment std %s", g(fig.rmse/fig.climStd), g(fig.climStd), g(fig.rmse/fig.incStd), g(fig.incStd)),
		"dtype":              "F32 (trained in float64, rounded once when written)",
		"trainer":            cfg.commandLine,
	}
}
