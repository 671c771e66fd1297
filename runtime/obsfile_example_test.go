// An example of a cycle fed from an observation file, as generated code is to wire it.

package runtime_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// ExampleFileSource runs the analyses of a small cycle from a CSV file:
// an analysis time with no record or an all-missing one is skipped, and
// missing values are left out of the analysis. The scores are in
// observation space, since there is no truth.
func ExampleFileSource() {
	const N, n, p = 8, 2, 2
	dir, err := os.MkdirTemp("", "obs")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "obs.csv")
	text := "time,x,y\n0.1,1,2\n0.3,,2.5\n0.4,nan,\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		fmt.Println(err)
		return
	}

	// Start: everything that can fail does so before the run.
	grid := cycrt.AnalysisGrid{DT: 0.05, ObsEvery: 2, Steps: 8} // analyses at 0.1, 0.2, 0.3, 0.4
	src, err := cycrt.OpenObsFile(path, p, grid)
	if err != nil {
		fmt.Println(err)
		return
	}
	R, _ := cycrt.NewDiagObsError([]float64{0.5, 0.5})
	filter, _ := cycrt.NewETKF(cycrt.ETKFConfig{Members: N, Dim: n, Obs: p, Inflation: 1}, R)
	ostats, _ := cycrt.NewObsStats(p, 0, R)
	stats := cycrt.NewStats(n, 0)
	E, HE := cycrt.NewEnsemble(N, n), cycrt.NewEnsemble(N, n)
	s := cycrt.NewStream(1, cycrt.PurposeEnsembleInit, 0)
	for k := 0; k < N; k++ {
		cycrt.InitNormal(E.Member(k), []float64{1, 2}, 1, s)
	}
	y := make([]float64, p)

	// Next, once per analysis time (the forecast is left out: H = I here).
	made := 0
	for step := grid.ObsEvery; step <= grid.Steps; step += grid.ObsEvery {
		t := float64(step) * grid.DT
		ok, err := src.Observe(t, y)
		if err != nil {
			fmt.Println(err)
			return
		}
		if !ok {
			continue // no observation: the ensemble goes on with its forecast
		}
		copy(HE.Data, E.Data)
		stats.Forecast(E, nil)
		ostats.Forecast(HE, y)
		if err := filter.Analyze(E, HE, y, uint64(made)); errors.Is(err, cycrt.ErrNoObservations) {
			continue
		} else if err != nil {
			fmt.Println(err)
			return
		}
		copy(HE.Data, E.Data) // H applied to the analysis members
		stats.Analysis(E, nil)
		ostats.Analysis(HE, y)
		made++
	}
	sum := cycrt.Summary{Cycle: "Real", Kind: "etkf", Members: N}
	stats.Fill(&sum)
	ostats.Fill(&sum)
	fmt.Println("analyses made:", made)
	fmt.Println("values assimilated:", sum.ObsAssimilated)
	fmt.Println("no truth:", sum.NoTruth)
	fmt.Println("O-A smaller than O-F:", sum.OMARMS < sum.OMFRMS)
	// Output:
	// analyses made: 2
	// values assimilated: 3
	// no truth: true
	// O-A smaller than O-F: true
}
