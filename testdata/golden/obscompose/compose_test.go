package obscompose

import (
	"os"
	"path/filepath"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// TestSeenIsMixOfHalf checks that the composite applies its parts in
// order, with the matrix of its linear part read by its constructor.
func TestSeenIsMixOfHalf(t *testing.T) {
	dir := t.TempDir() // H.csv of this case, as a run finds it beside the .cyc
	if err := os.WriteFile(filepath.Join(dir, "H.csv"), []byte("1,0.5,0\n0,0.5,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	seen, err := NewSeen(dir)
	if err != nil {
		t.Fatal(err)
	}
	mix, err := NewMix(dir)
	if err != nil {
		t.Fatal(err)
	}
	x := State{1, 2, 3, 4, 5, 6}
	var mid Three
	var want, got Two
	(&Half{}).Apply(&mid, &x)
	mix.Apply(&want, &mid)
	seen.Apply(&got, &x)
	if got != want || want != (Two{1 + 0.5*3, 0.5*3 + 5}) {
		t.Errorf("Seen.Apply = %v, want %v", got, want)
	}
	if _, err := NewSeen("no-such-dir"); err == nil {
		t.Errorf("NewSeen read a matrix from a missing directory")
	}
	c := NewTwin()
	c.Dir = dir
	sum, err := c.Run(t.Context(), cycrt.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Analyses != 25 || !(sum.RMSEAnalysis < sum.RMSEForecast) {
		t.Errorf("summary %+v", sum)
	}
}
