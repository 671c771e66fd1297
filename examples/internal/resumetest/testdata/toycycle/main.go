// Command toycycle is a stand-in for a generated cycle that checkpoints:
// it steps a truth and a small ensemble with noise from one random stream
// drawn across steps, scores them with a Stats, keeps a history in memory,
// checkpoints every k steps and at the end writes summary.json and
// history.txt. With -resume it continues from its checkpoint after
// checking that the checkpoint is its own. The resumetest tests kill it
// at random moments.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	cycrt "github.com/cyclec/cyclec/runtime"
)

const (
	program = "toycycle"
	cycle   = "Toy"
	version = "test"
	members = 8
	dim     = 4
	spinup  = 10
)

// toy is the state of a run: everything a checkpoint holds.
type toy struct {
	step    int
	truth   []float64
	E       *cycrt.Ensemble
	stream  *cycrt.Stream
	stats   *cycrt.Stats
	hist    []byte
	forcing float64
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "toycycle:", err)
		os.Exit(1)
	}
}

func run() error {
	dir := flag.String("dir", ".", "directory of the data file and the outputs")
	steps := flag.Int("steps", 300, "steps to run")
	every := flag.Int("every", 20, "steps between checkpoints")
	seed := flag.Uint64("seed", 1, "seed of the random stream")
	sleep := flag.Duration("sleep", 0, "pause per step, so that a test can kill the run mid-way")
	resume := flag.Bool("resume", false, "continue from the checkpoint")
	flag.Parse()

	data := filepath.Join(*dir, "forcing.txt")
	raw, err := os.ReadFile(data)
	if err != nil {
		return err
	}
	forcing, err := strconv.ParseFloat(string(bytes.TrimSpace(raw)), 64)
	if err != nil {
		return fmt.Errorf("%s: %w", data, err)
	}
	h := cycrt.NewConfigHash()
	h.AddBytes("program", []byte(program+" "+cycle))
	if err := h.AddFile("forcing.txt", data); err != nil {
		return err
	}
	h.AddSetting("steps", strconv.Itoa(*steps))
	h.AddSetting("seed", strconv.FormatUint(*seed, 10))
	hash, settings := h.Sum(), h.Settings()
	ckpt := filepath.Join(*dir, "toy.Toy.ckpt")

	t := &toy{truth: make([]float64, dim), E: cycrt.NewEnsemble(members, dim),
		stream: cycrt.NewStream(*seed, cycrt.PurposeTruthInit, 0), stats: cycrt.NewStats(dim, spinup), forcing: forcing}
	if *resume {
		c, err := cycrt.ReadCheckpoint(ckpt)
		if err != nil {
			return err
		}
		if err := c.Matches(program, cycle, version, hash, settings); err != nil {
			return err
		}
		if err := t.restore(c); err != nil {
			return err
		}
	} else {
		for i := range t.truth {
			t.truth[i] = t.stream.Normal()
		}
		for i := range t.E.Data {
			t.E.Data[i] = t.truth[i%dim] + t.stream.Normal()
		}
	}
	c := &cycrt.Checkpoint{Program: program, Cycle: cycle, Version: version, ConfigHash: hash, Settings: settings}
	for t.step < *steps {
		t.next()
		if t.step%*every == 0 && t.step < *steps {
			t.save(c)
			if err := cycrt.WriteCheckpoint(ckpt, c); err != nil {
				return err
			}
		}
		time.Sleep(*sleep)
	}
	sum := &cycrt.Summary{Cycle: cycle, Kind: "toy", Seed: *seed, Members: members, Steps: t.step, ConfigHash: hash}
	t.stats.Fill(sum)
	var js bytes.Buffer
	if err := sum.WriteJSON(&js); err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(*dir, "summary.json"), js.Bytes()); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(*dir, "history.txt"), t.hist)
}

// next makes one step: noisy truth and members, forecast score, a nudge
// of the members toward the truth, analysis score, a history line.
func (t *toy) next() {
	for i := range t.truth {
		t.truth[i] = 0.95*t.truth[i] + t.forcing + 0.3*t.stream.Normal()
	}
	for i := range t.E.Data {
		t.E.Data[i] = 0.95*t.E.Data[i] + t.forcing + 0.5*t.stream.Normal()
	}
	t.stats.Forecast(t.E, t.truth)
	for i := range t.E.Data {
		t.E.Data[i] += 0.5 * (t.truth[i%dim] - t.E.Data[i])
	}
	t.stats.Analysis(t.E, t.truth)
	t.step++
	f, a := t.stats.LastRMSE()
	t.hist = fmt.Appendf(t.hist, "%d %v %v %v\n", t.step, f, a, t.truth[0])
}

// save puts the whole state into c.
func (t *toy) save(c *cycrt.Checkpoint) {
	st := t.stream.State()
	c.PutInts("step", []int64{int64(t.step)})
	c.PutUints("stream", st[:])
	c.PutFloats("truth", t.truth)
	c.PutFloats("ensemble", t.E.Data)
	t.stats.SaveCheckpoint(c, "stats")
	c.PutBytes("history", t.hist)
}

// restore sets the state from c.
func (t *toy) restore(c *cycrt.Checkpoint) error {
	var step [1]int64
	var st [2]uint64
	for _, err := range []error{c.Ints("step", step[:]), c.Uints("stream", st[:]),
		c.Floats("truth", t.truth), c.Floats("ensemble", t.E.Data), t.stats.RestoreCheckpoint(c, "stats")} {
		if err != nil {
			return err
		}
	}
	hist, err := c.Bytes("history")
	if err != nil {
		return err
	}
	t.step, t.hist = int(step[0]), hist
	t.stream.Restore(st)
	return nil
}

// writeAtomic writes b to path through a temporary file and a rename.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}
