// Kill-and-resume tests of a toy checkpointing cycle (testdata/toycycle),
// which prove the harness and the runtime's checkpoint API together.

package resumetest

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// toyProgram builds testdata/toycycle and describes it as a Program whose
// runs pause sleep per step and take extra flags.
func toyProgram(t *testing.T, sleep time.Duration, extra ...string) Program {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "toycycle")
	build := exec.Command("go", "build", "-o", bin, "./testdata/toycycle")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the toy cycle: %v\n%s", err, out)
	}
	cmd := func(dir string, resume bool) *exec.Cmd {
		args := append([]string{"-dir", dir, "-sleep", sleep.String()}, extra...)
		if resume {
			args = append(args, "-resume")
		}
		return exec.Command(bin, args...)
	}
	return Program{
		Start:      func(dir string) *exec.Cmd { return cmd(dir, false) },
		Resume:     func(dir string) *exec.Cmd { return cmd(dir, true) },
		Checkpoint: "toy.Toy.ckpt",
		Outputs:    []string{"summary.json", "history.txt"},
	}
}

// runDir returns a fresh directory holding the toy's data file.
func runDir(t *testing.T, forcing string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "forcing.txt"), []byte(forcing), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestKillAndResume(t *testing.T) {
	const sleep = 300 * time.Microsecond
	p := toyProgram(t, sleep)
	ctx := context.Background()
	begin := time.Now()
	want, err := Reference(ctx, p, runDir(t, "0.1"))
	if err != nil {
		t.Fatal(err)
	}
	wall := time.Since(begin)
	if !strings.Contains(string(want["summary.json"]), `"analyses":290`) {
		t.Fatalf("reference summary %s: want 290 analyses counted", want["summary.json"])
	}
	// 300 steps, a checkpoint every 20: 14 checkpoints.
	trials := RandomKills(rand.New(rand.NewPCG(7, 11)), 20, wall, 14)
	var killed, resumed int
	for i, kills := range trials {
		dir := runDir(t, "0.1")
		got, tr, err := Interrupt(ctx, p, dir, kills)
		if err != nil {
			t.Fatalf("trial %d %v: %v", i, kills, err)
		}
		if err := Compare(want, got); err != nil {
			t.Errorf("trial %d, kills %v (%d killed, %d resumed, %d restarted): %v", i, kills, tr.Killed, tr.Resumed, tr.Restarted, err)
		}
		killed += tr.Killed
		resumed += tr.Resumed
		// Whatever the kills left behind, the next checkpoint write swept
		// away: only the checkpoint, the data and the outputs remain
		// (a kill during the final writes may leave an output's own
		// temporary file, which is the toy's business, not the runtime's).
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".toy.Toy.ckpt.tmp") {
				t.Errorf("trial %d: temporary checkpoint %s left behind", i, e.Name())
			}
		}
	}
	t.Logf("20 trials: %d processes killed, %d resumed from a checkpoint; uninterrupted run %v", killed, resumed, wall)
	// The kills must have exercised resuming: a harness that never killed
	// anything, or never resumed, would pass the comparison vacuously.
	if killed < 15 || resumed < 10 {
		t.Errorf("only %d processes killed and %d resumed over 20 trials; the kill points miss the run", killed, resumed)
	}
}

func TestResumeRefusesAnotherRun(t *testing.T) {
	ctx := context.Background()
	p := toyProgram(t, 300*time.Microsecond)
	for _, tc := range []struct {
		name    string
		resume  func(dir string) *exec.Cmd
		forcing string // the data file's content at resume
		want    string
	}{
		{"changed setting", func(dir string) *exec.Cmd {
			cmd := p.Resume(dir)
			cmd.Args = append(cmd.Args, "-seed", "2")
			return cmd
		}, "0.1", `setting seed was "1", now "2"`},
		{"changed data file", p.Resume, "0.2", "(the program source, an imported file or a data file changed)"},
	} {
		dir := runDir(t, "0.1")
		killed, err := run(ctx, p.Start(dir), p, dir, &Kill{AtCheckpoint: 2})
		if err != nil || !killed {
			t.Fatalf("%s: first run killed %v, %v", tc.name, killed, err)
		}
		if err := os.WriteFile(filepath.Join(dir, "forcing.txt"), []byte(tc.forcing), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := tc.resume(dir)
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), tc.want) || !strings.Contains(string(out), "toy.Toy.ckpt was written by a different run") {
			t.Errorf("%s: resume gave %v:\n%s\nwant a refusal containing %q", tc.name, err, out, tc.want)
		}
		if _, err := os.Stat(filepath.Join(dir, "summary.json")); err == nil {
			t.Errorf("%s: a refused resume wrote a summary", tc.name)
		}
	}
}

func TestCompare(t *testing.T) {
	want := map[string][]byte{"a": []byte("1\n2\n3\n"), "b": []byte("x")}
	for _, tc := range []struct {
		name string
		got  map[string][]byte
		err  string
	}{
		{"same", map[string][]byte{"a": []byte("1\n2\n3\n"), "b": []byte("x")}, ""},
		{"differs", map[string][]byte{"a": []byte("1\n2\n4\n"), "b": []byte("x")}, "a: differs from byte 4 (line 3): 6 bytes, uninterrupted 6"},
		{"missing", map[string][]byte{"a": []byte("1\n2\n3\n")}, "b: missing"},
		{"extra", map[string][]byte{"a": []byte("1\n2\n3\n"), "b": []byte("x"), "c": nil}, "c: not an output of the uninterrupted run"},
	} {
		err := Compare(want, tc.got)
		if (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: Compare = %v, want %q", tc.name, err, tc.err)
		}
	}
}
