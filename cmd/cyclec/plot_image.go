// Colour scales and the cell-image plotter of cyclec plot: a field on a
// rectangular grid of cells (time × site, or i × j) drawn pixel for pixel.
package main

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// lutSize is the number of colours of a scale's lookup table.
const lutSize = 256

// missingColour paints NaN cells: missing values, records without
// observations.
var missingColour = color.RGBA{R: 255, G: 255, B: 255, A: 255}

// colourScale maps values in [min, max] to colours; values outside are
// clamped to the ends.
type colourScale struct {
	min, max float64
	lut      []color.RGBA
	label    string
}

// viridisControls are control points of a perceptually uniform
// sequential map (dark blue to yellow, luminance increasing).
var viridisControls = []color.Color{
	color.RGBA{R: 0x44, G: 0x01, B: 0x54, A: 0xff},
	color.RGBA{R: 0x3b, G: 0x52, B: 0x8b, A: 0xff},
	color.RGBA{R: 0x21, G: 0x91, B: 0x8c, A: 0xff},
	color.RGBA{R: 0x5e, G: 0xc9, B: 0x62, A: 0xff},
	color.RGBA{R: 0xfd, G: 0xe7, B: 0x25, A: 0xff},
}

// sequentialScale is a scale for a state or an observation over
// [min, max].
func sequentialScale(min, max float64, label string) (*colourScale, error) {
	cm, err := moreland.NewLuminance(viridisControls)
	if err != nil {
		return nil, fmt.Errorf("colour map: %w", err)
	}
	return newScale(cm, min, max, label), nil
}

// divergingScale is a scale symmetric about zero, [-m, m], for errors.
func divergingScale(m float64, label string) *colourScale {
	return newScale(moreland.SmoothBlueRed(), -m, m, label)
}

// newScale tabulates the colour map cm over [min, max].
func newScale(cm interface {
	SetMin(float64)
	SetMax(float64)
	At(float64) (color.Color, error)
}, min, max float64, label string) *colourScale {
	cm.SetMin(0)
	cm.SetMax(1)
	s := &colourScale{min: min, max: max, lut: make([]color.RGBA, lutSize), label: label}
	for k := range s.lut {
		c, err := cm.At(float64(k) / (lutSize - 1))
		if err != nil {
			c = missingColour
		}
		r, g, b, _ := c.RGBA()
		s.lut[k] = color.RGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 255}
	}
	return s
}

// colour is the colour of v: NaN is missing, the rest is clamped.
func (s *colourScale) colour(v float64) color.RGBA {
	if math.IsNaN(v) {
		return missingColour
	}
	f := (v - s.min) / (s.max - s.min)
	switch {
	case f >= 1:
		return s.lut[lutSize-1]
	case !(f > 0): // below the range, or an empty range
		return s.lut[0]
	}
	return s.lut[int(math.Round(f*(lutSize-1)))]
}

// finiteRange is the smallest and largest finite value of each vals,
// widened to a non-empty interval; ok is false when there is none.
func finiteRange(vals ...[]float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, vs := range vals {
		for _, v := range vs {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if lo > hi {
		return -1, 1, false
	}
	if lo == hi {
		d := math.Max(math.Abs(lo), 1) / 2
		return lo - d, hi + d, true
	}
	return lo, hi, true
}

// cellEdges gives the cell boundaries around increasing centres: midway
// between neighbours, half a gap beyond the ends. ok is false when the
// centres do not increase strictly (or are not finite).
func cellEdges(centres []float64) (edges []float64, ok bool) {
	n := len(centres)
	edges = make([]float64, n+1)
	for k, c := range centres {
		if math.IsNaN(c) || math.IsInf(c, 0) || (k > 0 && c <= centres[k-1]) {
			return nil, false
		}
	}
	if n == 1 {
		edges[0], edges[1] = centres[0]-0.5, centres[0]+0.5
		return edges, true
	}
	for k := 1; k < n; k++ {
		edges[k] = (centres[k-1] + centres[k]) / 2
	}
	edges[0] = centres[0] - (centres[1]-centres[0])/2
	edges[n] = centres[n-1] + (centres[n-1]-centres[n-2])/2
	return edges, true
}

// indexEdges are the edges of cells centred on 0, 1, …, n-1.
func indexEdges(n int) []float64 {
	edges := make([]float64, n+1)
	for k := range edges {
		edges[k] = float64(k) - 0.5
	}
	return edges
}

// cellImage is a plot.Plotter drawing a field on nx × ny cells with the
// given edges (increasing); at(ix, iy) is the value of a cell. It is
// rasterised at the output's own resolution, so cells stay sharp however
// many or few there are.
type cellImage struct {
	nx, ny         int
	xEdges, yEdges []float64
	at             func(ix, iy int) float64
	scale          *colourScale
}

// DataRange implements plot.DataRanger.
func (ci *cellImage) DataRange() (xmin, xmax, ymin, ymax float64) {
	return ci.xEdges[0], ci.xEdges[ci.nx], ci.yEdges[0], ci.yEdges[ci.ny]
}

// Plot implements plot.Plotter.
func (ci *cellImage) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	xmin, xmax, ymin, ymax := ci.DataRange()
	rect := vg.Rectangle{Min: vg.Point{X: trX(xmin), Y: trY(ymin)}, Max: vg.Point{X: trX(xmax), Y: trY(ymax)}}
	dpi := float64(96)
	if d, ok := c.Canvas.(interface{ DPI() float64 }); ok {
		dpi = d.DPI()
	}
	size := rect.Size()
	pw, ph := int(math.Round(size.X.Dots(dpi))), int(math.Round(size.Y.Dots(dpi)))
	if pw <= 0 || ph <= 0 {
		return
	}
	cols := sampleCells(ci.xEdges, pw, false)
	rows := sampleCells(ci.yEdges, ph, true)
	img := image.NewRGBA(image.Rect(0, 0, pw, ph))
	for py, iy := range rows {
		for px, ix := range cols {
			img.SetRGBA(px, py, ci.scale.colour(ci.at(ix, iy)))
		}
	}
	c.DrawImage(rect, img)
}

// sampleCells maps each of n pixels across the edges' range to the cell
// under its centre; downward numbers pixels from the top (the largest
// value) as image rows are.
func sampleCells(edges []float64, n int, downward bool) []int {
	lo, hi := edges[0], edges[len(edges)-1]
	cells := make([]int, n)
	for k := range cells {
		f := (float64(k) + 0.5) / float64(n)
		if downward {
			f = 1 - f
		}
		v := lo + f*(hi-lo)
		i := sort.SearchFloat64s(edges, v) - 1
		cells[k] = min(max(i, 0), len(edges)-2)
	}
	return cells
}

// colourBar is a plot of the scale s alone: its colours along x, labelled
// with its values.
func colourBar(s *colourScale) *plot.Plot {
	p := plot.New()
	edges := make([]float64, lutSize+1)
	for k := range edges {
		edges[k] = s.min + (s.max-s.min)*float64(k)/lutSize
	}
	p.Add(&cellImage{nx: lutSize, ny: 1, xEdges: edges, yEdges: []float64{0, 1}, scale: s,
		at: func(ix, _ int) float64 { return (edges[ix] + edges[ix+1]) / 2 }})
	p.HideY()
	p.X.Padding = 0
	p.X.Label.Text = s.label
	p.X.Label.TextStyle.Font.Size = 10
	p.X.Tick.Label.Font.Size = 9
	return p
}
