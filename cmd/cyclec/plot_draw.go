// The figure of cyclec plot: scores over time above, fields as images below.
package main

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// plotDPI is the resolution of the figure: 96 dots an inch, so that the
// PNG has the requested size in pixels.
const plotDPI = 96

// Score line colours: RMSE red, spread blue; forecast dashed, analysis solid.
var (
	rmseColour   = color.RGBA{R: 0xc0, G: 0x30, B: 0x28, A: 0xff}
	spreadColour = color.RGBA{R: 0x1f, G: 0x66, B: 0xb0, A: 0xff}
)

// panel is one image of the lower row.
type panel struct {
	title, xLabel, yLabel string
	img                   *cellImage
}

// renderPNG draws the figure of h, width × height pixels, and encodes it
// as PNG. The drawing library panics on states it cannot draw; those come
// back as errors.
func renderPNG(h *runHistory, width, height int) (data []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("drawing %s: %v", h.path, r)
		}
	}()
	w := vg.Length(width) * vg.Inch / plotDPI
	ht := vg.Length(height) * vg.Inch / plotDPI
	canvas := vgimg.NewWith(vgimg.UseWH(w, ht), vgimg.UseDPI(plotDPI), vgimg.UseBackgroundColor(color.White))
	if err := drawFigure(h, draw.New(canvas)); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, canvas.Image()); err != nil {
		return nil, fmt.Errorf("encoding the PNG of %s: %w", h.path, err)
	}
	return buf.Bytes(), nil
}

// drawFigure lays the figure out on dc: a title, the scores over time,
// the images with their colour bars, and a note when panels are skipped.
func drawFigure(h *runHistory, dc draw.Canvas) error {
	panels, note, err := figurePanels(h)
	if err != nil {
		return err
	}
	W, H := dc.Max.X-dc.Min.X, dc.Max.Y-dc.Min.Y
	margin := W / 80
	top := dc.Max.Y - margin
	title, subtitle := figureTitle(h)
	dc.FillText(textStyle(15, draw.XCenter, draw.YTop), vg.Point{X: dc.Min.X + W/2, Y: top}, title)
	top -= 20
	dc.FillText(textStyle(10, draw.XCenter, draw.YTop), vg.Point{X: dc.Min.X + W/2, Y: top}, subtitle)
	top -= 18
	bottom := dc.Min.Y + margin
	if note != "" {
		dc.FillText(textStyle(10, draw.XCenter, draw.YBottom), vg.Point{X: dc.Min.X + W/2, Y: bottom}, note)
		bottom += 16
	}
	split := top - (top-bottom)*0.36

	// The scores, with the legend to the right of the axes.
	scores, legend := scoresPlot(h)
	legendW := W / 7
	scores.Draw(crop(dc, dc.Min.X+margin, split+H/60, dc.Max.X-margin-legendW, top))
	legend.Draw(crop(dc, dc.Max.X-margin-legendW+W/100, split+H/60, dc.Max.X-margin, top-H/40))

	// The images, a colour bar under each.
	barH := (split - bottom) * 0.17
	row := crop(dc, dc.Min.X+margin, bottom+barH, dc.Max.X-margin, split)
	bars := crop(dc, dc.Min.X+margin, bottom, dc.Max.X-margin, bottom+barH)
	tiles := draw.Tiles{Rows: 1, Cols: len(panels), PadX: W / 40}
	imgPlots := make([]*plot.Plot, len(panels))
	barPlots := make([]*plot.Plot, len(panels))
	for k, pn := range panels {
		imgPlots[k] = panelPlot(pn)
		barPlots[k] = colourBar(pn.img.scale)
	}
	for k, c := range plot.Align([][]*plot.Plot{imgPlots}, tiles, row)[0] {
		imgPlots[k].Draw(c)
		// The colour bar spans the image's own width.
		data := imgPlots[k].DataCanvas(c)
		barPlots[k].Draw(crop(dc, data.Min.X, bars.Min.Y, data.Max.X, bars.Max.Y))
	}
	return nil
}

// crop is the part of dc between x0 and x1, y0 and y1.
func crop(dc draw.Canvas, x0, y0, x1, y1 vg.Length) draw.Canvas {
	return draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{Min: vg.Point{X: x0, Y: y0}, Max: vg.Point{X: x1, Y: y1}}}
}

// textStyle is the default font at size points, aligned as given.
func textStyle(size vg.Length, xa text.XAlignment, ya text.YAlignment) text.Style {
	return text.Style{Color: color.Black, Font: font.From(plot.DefaultFont, size), XAlign: xa, YAlign: ya, Handler: plot.DefaultTextHandler}
}

// figureTitle is the title (the cycle and program) and a line about
// the run.
func figureTitle(h *runHistory) (title, subtitle string) {
	switch {
	case h.cycle != "" && h.program != "":
		title = fmt.Sprintf("cycle %s of %s", h.cycle, h.program)
	case h.cycle != "":
		title = "cycle " + h.cycle
	case h.program != "":
		title = h.program
	default:
		title = h.path
	}
	var parts []string
	if h.seed != "" {
		parts = append(parts, "seed "+h.seed)
	}
	if h.members > 0 {
		parts = append(parts, plural(h.members, "member"))
	}
	dims := make([]string, len(h.stateDims))
	for k, d := range h.stateDims {
		dims[k] = fmt.Sprintf("%s = %d", d, h.stateShape[k])
	}
	parts = append(parts, "state "+strings.Join(dims, " × "), plural(h.records(), "record"))
	if h.records() > 0 {
		parts = append(parts, fmt.Sprintf("time %s … %s", fmtNum(h.times[0]), fmtNum(h.times[len(h.times)-1])))
	}
	return title, strings.Join(parts, "   ·   ")
}

// fmtNum prints a number briefly.
func fmtNum(v float64) string { return fmt.Sprintf("%.4g", v) }

// timeLabel is the label of a time axis, with the file's units.
func timeLabel(h *runHistory) string {
	switch h.timeUnits {
	case "", "1":
		return "model time (dimensionless)"
	}
	return "model time [" + h.timeUnits + "]"
}

// withUnits appends the state's units to a label, when the file has them.
func withUnits(h *runHistory, label string) string {
	if h.stateUnits == "" || h.stateUnits == "1" {
		return label
	}
	return label + " [" + h.stateUnits + "]"
}

// scoresPlot plots the RMSE and spread of the forecast and analysis over
// time; NaN values (no truth, no ensemble) leave gaps. The legend is
// returned apart, to be drawn beside the axes.
func scoresPlot(h *runHistory) (*plot.Plot, *plot.Legend) {
	p := plot.New()
	legend := plot.NewLegend()
	legend.Top = true
	legend.Left = true
	legend.TextStyle.Font.Size = 10
	series := []struct {
		name   string
		vals   []float64
		colour color.Color
		dashed bool
	}{
		{"RMSE forecast", h.rmseForecast, rmseColour, true},
		{"RMSE analysis", h.rmseAnalysis, rmseColour, false},
		{"spread forecast", h.spreadForecast, spreadColour, true},
		{"spread analysis", h.spreadAnalysis, spreadColour, false},
	}
	var absent []string
	for _, s := range series {
		lines := finiteSegments(h.times, s.vals)
		if len(lines) == 0 {
			absent = append(absent, s.name)
			continue
		}
		for k, xy := range lines {
			l, err := plotter.NewLine(xy)
			if err != nil { // finiteSegments keeps only finite points
				continue
			}
			l.Color, l.Width = s.colour, vg.Points(1)
			if s.dashed {
				l.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
			}
			p.Add(l)
			if k == 0 {
				legend.Add(s.name, l)
			}
			if len(xy) == 1 { // a lone point draws no line: mark it
				if dot, err := plotter.NewScatter(xy); err == nil {
					dot.Color, dot.Radius, dot.Shape = s.colour, vg.Points(2.5), draw.CircleGlyph{}
					p.Add(dot)
				}
			}
		}
	}
	p.Title.Text = "RMSE and spread"
	if len(absent) > 0 {
		p.Title.Text += " (none in the file: " + strings.Join(absent, ", ") + ")"
	}
	p.X.Label.Text = timeLabel(h)
	p.Y.Label.Text = withUnits(h, "RMSE, spread")
	p.Add(plotter.NewGrid())
	if len(absent) == len(series) {
		lo, hi, _ := finiteRange(h.times)
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo, hi, 0, 1
	}
	p.Y.Min = math.Min(p.Y.Min, 0)
	return p, &legend
}

// finiteSegments splits the points (x[k], y[k]) into runs of finite
// values, so that a missing score leaves a gap.
func finiteSegments(x, y []float64) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	for k := range y {
		if k >= len(x) || math.IsNaN(y[k]) || math.IsInf(y[k], 0) || math.IsNaN(x[k]) || math.IsInf(x[k], 0) {
			if len(cur) > 0 {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, plotter.XY{X: x[k], Y: y[k]})
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// panelPlot is the plot of one image.
func panelPlot(pn panel) *plot.Plot {
	p := plot.New()
	p.Add(pn.img)
	p.Title.Text = pn.title
	p.Title.TextStyle.Font.Size = 11
	p.X.Label.Text, p.Y.Label.Text = pn.xLabel, pn.yLabel
	p.X.Padding, p.Y.Padding = 0, 0
	return p
}
