// Tests of cyclec plot: synthetic histories written by the runtime, drawn
// in-process, the PNG decoded and looked at region by region.
package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// synthRun describes a synthetic history.
type synthRun struct {
	shape   []int // state shape: [n] or [ni, nj]
	records int
	truth   bool
	obs     int // observation size, 0 for none
}

// writeSynthHistory writes a small run's NetCDF history with the
// runtime's writer: a travelling wave as the truth, an analysis that
// converges on it, and scores computed from those.
func writeSynthHistory(t *testing.T, path string, s synthRun) {
	t.Helper()
	if err := synthHistory(path, s); err != nil {
		t.Fatal(err)
	}
}

// synthHistory writes the history of writeSynthHistory.
func synthHistory(path string, s synthRun) error {
	dims := []string{"i"}
	if len(s.shape) == 2 {
		dims = []string{"i", "j"}
	}
	meta := cycrt.HistoryMeta{
		Program: "synth.cyc", Cycle: "Twin", Seed: 7, Version: "test", ConfigHash: "0123456789abcdef",
		StateDims: dims, StateShape: s.shape, ObsSize: s.obs, Members: 10, Truth: s.truth,
		Dt: 0.05, TimeUnits: "1",
	}
	h, err := cycrt.CreateNetCDFHistory(path, meta)
	if err != nil {
		return err
	}
	n := 1
	for _, d := range s.shape {
		n *= d
	}
	rng := rand.New(rand.NewPCG(1, 2))
	truth, fm, am, fs, as := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	obs := make([]float64, s.obs)
	for r := range s.records {
		tm := float64(r) * 0.25
		errScale := 2 / (1 + float64(r)/5)
		var seF, seA, vF, vA float64
		for i := range n {
			truth[i] = 3*math.Sin(2*math.Pi*(float64(i)/float64(n)-tm/5)) + 1
			fm[i] = truth[i] + errScale*rng.NormFloat64()
			am[i] = truth[i] + errScale*0.5*rng.NormFloat64()
			fs[i], as[i] = errScale, errScale*0.5
			seF += (fm[i] - truth[i]) * (fm[i] - truth[i])
			seA += (am[i] - truth[i]) * (am[i] - truth[i])
			vF += fs[i] * fs[i]
			vA += as[i] * as[i]
		}
		rec := cycrt.HistoryRecord{Step: r * 5, Time: tm, ForecastMean: fm, ForecastSpread: fs, AnalysisMean: am, AnalysisSpread: as,
			RMSEForecast: math.NaN(), RMSEAnalysis: math.NaN(),
			SpreadForecast: math.Sqrt(vF / float64(n)), SpreadAnalysis: math.Sqrt(vA / float64(n))}
		if s.truth {
			rec.Truth = truth
			rec.RMSEForecast, rec.RMSEAnalysis = math.Sqrt(seF/float64(n)), math.Sqrt(seA/float64(n))
		}
		if s.obs > 0 && r > 0 {
			for k := range obs {
				obs[k] = truth[k*n/s.obs] + rng.NormFloat64()
			}
			obs[r%s.obs] = math.NaN()
			rec.Obs = obs
		}
		if err := h.Append(&rec); err != nil {
			h.Discard()
			return err
		}
	}
	return h.Close()
}

// mkncMain is the testscript command `mknc KIND FILE`: it writes a
// synthetic history (KIND twin, grid or obsfile) or a NetCDF file that
// is not a history (KIND other).
func mkncMain() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: mknc twin|grid|obsfile|other FILE")
		os.Exit(2)
	}
	var err error
	switch kind, path := os.Args[1], os.Args[2]; kind {
	case "twin":
		err = synthHistory(path, synthRun{shape: []int{20}, records: 30, truth: true})
	case "grid":
		err = synthHistory(path, synthRun{shape: []int{8, 10}, records: 10, truth: true})
	case "obsfile":
		err = synthHistory(path, synthRun{shape: []int{20}, records: 30, obs: 10})
	case "other":
		err = notAHistory(path)
	default:
		err = fmt.Errorf("unknown kind %q", kind)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mknc:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// notAHistory writes a NetCDF file with one variable, temperature(x).
func notAHistory(path string) error {
	w, err := cycrt.NewNetCDFWriter(path, cycrt.NC64BitOffset)
	if err != nil {
		return err
	}
	if _, err := w.AddDim("x", 3); err != nil {
		return err
	}
	v, err := w.AddVar("temperature", cycrt.NCDouble, []string{"x"})
	if err != nil {
		return err
	}
	if err := w.Create(); err != nil {
		return err
	}
	if err := w.WriteVar(v, []float64{1, 2, 3}); err != nil {
		w.Discard()
		return err
	}
	return w.Close()
}

// plotCmd runs `cyclec plot args...` in-process.
func plotCmd(t *testing.T, args ...string) (code int, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"plot"}, args...), &out, &errb)
	return code, errb.String()
}

// distinctColours counts the distinct colours in the part r of img,
// greys left out: text and axes are black on white, so their
// anti-aliasing gives greys only, while the lines and images are in
// colour.
func distinctColours(img image.Image, r image.Rectangle) int {
	seen := map[color.RGBA]bool{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			if c.R != c.G || c.G != c.B {
				seen[c] = true
			}
		}
	}
	return len(seen)
}

func TestPlotDrawsEveryPanel(t *testing.T) {
	cases := []struct {
		name    string
		run     synthRun
		size    []string // --size, or none for the default
		w, h    int
		panels  int // images in the lower row
		colours int // distinct colours at least in each image's region
	}{
		{"vec twin", synthRun{shape: []int{40}, records: 60, truth: true}, nil, 1200, 900, 3, 16},
		{"vec twin with observations, small", synthRun{shape: []int{12}, records: 9, truth: true, obs: 6}, []string{"--size", "800x600"}, 800, 600, 3, 16},
		{"vec observation-file run", synthRun{shape: []int{40}, records: 30, obs: 20}, nil, 1200, 900, 2, 16},
		{"vec without truth or observations", synthRun{shape: []int{40}, records: 30}, nil, 1200, 900, 1, 16},
		{"grid twin", synthRun{shape: []int{16, 24}, records: 20, truth: true}, []string{"--size", "1000x800"}, 1000, 800, 3, 16},
		// Five cells, a colour each (the error's may be grey near zero).
		{"one record", synthRun{shape: []int{5}, records: 1, truth: true}, nil, 1200, 900, 3, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			nc := filepath.Join(dir, "run.nc")
			writeSynthHistory(t, nc, tc.run)
			if code, stderr := plotCmd(t, append([]string{nc}, tc.size...)...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			data, err := os.ReadFile(filepath.Join(dir, "run.png")) // the default -o
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("the figure is not a PNG: %v", err)
			}
			if b := img.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
				t.Fatalf("figure is %dx%d, want %dx%d", b.Dx(), b.Dy(), tc.w, tc.h)
			}
			// The scores (upper third) and each image column (lower
			// half) must hold several colours: lines, a raster, text.
			scores := image.Rect(tc.w/10, tc.h/10, tc.w*8/10, tc.h*4/10)
			if n := distinctColours(img, scores); n < 4 {
				t.Errorf("scores region has %d distinct colours, want a drawing", n)
			}
			for k := range tc.panels {
				col := image.Rect(tc.w*k/tc.panels+tc.w/20, tc.h*55/100, tc.w*(k+1)/tc.panels-tc.w/20, tc.h*80/100)
				if n := distinctColours(img, col); n < tc.colours {
					t.Errorf("panel %d region %v has %d distinct colours, want an image", k, col, n)
				}
			}
			// Same history, same bytes.
			again := filepath.Join(dir, "again.png")
			if code, stderr := plotCmd(t, append([]string{nc, "-o", again}, tc.size...)...); code != 0 {
				t.Fatalf("second plot: exit %d: %s", code, stderr)
			}
			if data2, _ := os.ReadFile(again); !bytes.Equal(data, data2) {
				t.Error("plotting the same history twice gave different bytes")
			}
			left, _ := filepath.Glob(filepath.Join(dir, ".*"))
			if len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}

// The error image uses a scale symmetric about zero: its colour bar's
// middle is the diverging map's neutral grey, whatever the errors' signs.
func TestPlotErrorScaleIsSymmetric(t *testing.T) {
	s := divergingScale(2.5, "e")
	if s.min != -2.5 || s.max != 2.5 {
		t.Fatalf("scale [%g, %g], want [-2.5, 2.5]", s.min, s.max)
	}
	mid := s.colour(0)
	if d := int(mid.R) - int(mid.B); d < -8 || d > 8 {
		t.Errorf("zero maps to %v, want a neutral colour", mid)
	}
	lo, hi := s.colour(-2.5), s.colour(2.5)
	if !(lo.B > lo.R && hi.R > hi.B) {
		t.Errorf("ends are %v and %v, want blue for negative, red for positive", lo, hi)
	}
	if s.colour(-100) != lo || s.colour(math.Inf(1)) != hi || s.colour(math.Inf(-1)) != lo || s.colour(math.NaN()) != missingColour {
		t.Error("out-of-range values are not clamped, or NaN is not the missing colour")
	}

	// The figure's error image is on [-m, m], m the largest |mean − truth|;
	// the truth and the mean share one scale.
	nc := filepath.Join(t.TempDir(), "run.nc")
	writeSynthHistory(t, nc, synthRun{shape: []int{10}, records: 5, truth: true})
	h, err := readRunHistory(nc)
	if err != nil {
		t.Fatal(err)
	}
	panels, note, err := figurePanels(h)
	if err != nil || len(panels) != 3 || note != "" {
		t.Fatalf("figurePanels: %d panels, note %q, %v; want 3 panels, no note", len(panels), note, err)
	}
	m := 0.0
	for k := range h.truth {
		m = math.Max(m, math.Abs(h.analysisMean[k]-h.truth[k]))
	}
	if es := panels[2].img.scale; es.min != -m || es.max != m {
		t.Errorf("error scale [%g, %g], want [%g, %g]", es.min, es.max, -m, m)
	}
	if panels[0].img.scale != panels[1].img.scale {
		t.Error("truth and analysis mean are on different scales")
	}
}

func TestPlotPathsAndSizes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"run.nc", "run.png"},
		{filepath.Join("out", "l96.Twin.nc"), filepath.Join("out", "l96.Twin.png")},
		{"history", "history.png"},
	} {
		if got := defaultPlotPath(tc.in); got != tc.want {
			t.Errorf("defaultPlotPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		in   string
		w, h int
		ok   bool
	}{
		{"1200x900", 1200, 900, true},
		{"640X480", 640, 480, true},
		{"1200", 0, 0, false},
		{"axb", 0, 0, false},
		{"299x900", 0, 0, false},
		{"1200x9000", 0, 0, false},
	} {
		w, h, err := parsePlotSize(tc.in)
		if (err == nil) != tc.ok || w != tc.w || h != tc.h {
			t.Errorf("parsePlotSize(%q) = %d, %d, %v", tc.in, w, h, err)
		}
	}
}

func TestPlotRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.nc")
	writeSynthHistory(t, good, synthRun{shape: []int{8}, records: 4, truth: true})
	text := filepath.Join(dir, "notes.nc")
	os.WriteFile(text, []byte("hello, not NetCDF\n"), 0o644)
	// A NetCDF file that is not a history: the runtime's writer, other variables.
	other := filepath.Join(dir, "other.nc")
	if err := notAHistory(other); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"missing file", []string{filepath.Join(dir, "nope.nc")}, 1, []string{"nope.nc", "no such file"}},
		{"not NetCDF", []string{text}, 1, []string{"notes.nc", "not a NetCDF history"}},
		{"not a history", []string{other}, 1, []string{"other.nc", "not a cyclec history", "no variable time"}},
		{"output is a directory", []string{good, "-o", dir}, 1, []string{"is a directory"}},
		{"output directory missing", []string{good, "-o", filepath.Join(dir, "no", "x.png")}, 1, []string{"does not exist"}},
		{"bad size", []string{good, "--size", "big"}, 2, []string{"--size big", "WIDTHxHEIGHT"}},
		{"tiny size", []string{good, "--size", "10x10"}, 2, []string{"between 300 and 8000"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stderr := plotCmd(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d: %s", code, tc.code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "good.png")); err == nil {
		t.Error("a failed plot left a figure")
	}
}
