// cyclec plot: draw a run's NetCDF history as one PNG figure.
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// Default figure size in pixels.
const (
	defaultPlotWidth  = 1200
	defaultPlotHeight = 900
)

// Limits of the figure size: small enough figures cannot hold the
// panels, large ones take memory for nothing.
const (
	minPlotSide = 300
	maxPlotSide = 8000
)

func newPlotCmd() *cobra.Command {
	var (
		out  string
		size string
	)
	cmd := &cobra.Command{
		Use:   "plot RUN.nc [-o FILE.png] [--size WxH]",
		Short: "Draw a run's NetCDF history as a PNG figure",
		Long: `plot reads the NetCDF history a run wrote (history = every(k)) and draws
one PNG: the RMSE and spread of the forecast and analysis over time, and
images of the truth, the analysis mean and the analysis error (mean −
truth, on a colour scale symmetric about zero). A vec carrier's fields are
time × site images; a grid carrier's are i × j maps of the last record. A
history without a truth (an observation-file run) shows the analysis mean
and the observations instead, and says so in the figure.

The figure goes to -o (default: RUN.png beside RUN.nc), written whole or
not at all.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w, h, err := parsePlotSize(size)
			if err != nil {
				return usageErr("--size %s: %v", size, err)
			}
			in := args[0]
			if out == "" {
				out = defaultPlotPath(in)
			}
			if err := checkPlotOutput(out); err != nil {
				return programErr(err)
			}
			hist, err := readRunHistory(in)
			if err != nil {
				return programErr(err)
			}
			data, err := renderPNG(hist, w, h)
			if err != nil {
				return programErr(err)
			}
			if err := writeFileAtomic(out, data, 0o644); err != nil {
				if errors.Is(err, fs.ErrPermission) {
					return programErr(fmt.Errorf("-o %s: permission denied: cannot create a file in %s", out, filepath.Dir(out)))
				}
				return programErr(fmt.Errorf("-o %s: %w", out, err))
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the PNG to write (default: RUN.png beside RUN.nc)")
	cmd.Flags().StringVar(&size, "size", fmt.Sprintf("%dx%d", defaultPlotWidth, defaultPlotHeight), "figure size in pixels, WIDTHxHEIGHT")
	return cmd
}

// defaultPlotPath is RUN.png beside RUN.nc (or beside RUN, whatever its
// extension).
func defaultPlotPath(in string) string {
	return strings.TrimSuffix(in, filepath.Ext(in)) + ".png"
}

// parsePlotSize parses WIDTHxHEIGHT in pixels.
func parsePlotSize(s string) (w, h int, err error) {
	ws, hs, ok := strings.Cut(strings.ToLower(s), "x")
	if !ok {
		return 0, 0, errors.New("want WIDTHxHEIGHT in pixels, e.g. 1200x900")
	}
	if w, err = strconv.Atoi(ws); err == nil {
		h, err = strconv.Atoi(hs)
	}
	if err != nil {
		return 0, 0, errors.New("want WIDTHxHEIGHT in pixels, e.g. 1200x900")
	}
	if w < minPlotSide || h < minPlotSide || w > maxPlotSide || h > maxPlotSide {
		return 0, 0, fmt.Errorf("each side must be between %d and %d pixels", minPlotSide, maxPlotSide)
	}
	return w, h, nil
}

// checkPlotOutput refuses an output path that cannot become a file
// before any drawing: a directory, or a path in a directory that does
// not exist.
func checkPlotOutput(out string) error {
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		return fmt.Errorf("-o %s: is a directory; want the path of a .png file", out)
	}
	dir := filepath.Dir(out)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("-o %s: directory %s does not exist", out, dir)
	case err != nil:
		return fmt.Errorf("-o %s: %w", out, err)
	case !st.IsDir():
		return fmt.Errorf("-o %s: %s is not a directory", out, dir)
	}
	return nil
}
