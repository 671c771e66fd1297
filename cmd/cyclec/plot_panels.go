// The images of cyclec plot: which fields are shown, on which axes and
// colour scales, for vec and grid carriers, with and without a truth.
package main

import (
	"fmt"
	"math"
)

// figurePanels chooses the images of the lower row, and a note saying
// what was left out and why.
//
// A vec carrier's fields are shown as time × site images (Hovmöller
// diagrams): the truth, the analysis mean and the analysis error (mean −
// truth). A grid carrier's state is two-dimensional, so its fields are
// shown as i × j maps of the last record: a time × site image would have
// to flatten the grid, which hides its structure. The truth and the mean
// share one colour scale; the error has its own, symmetric about zero.
//
// Without a truth (an observation-file run) there is no error to show:
// the images are the analysis mean and, when the file has them, the
// observations (time × observation index).
func figurePanels(h *runHistory) (panels []panel, note string, err error) {
	x, xLabel := timeAxis(h)
	n := h.stateSize()
	last := h.records() - 1
	field := func(vals []float64) func(ix, iy int) float64 {
		return func(ix, iy int) float64 { return vals[ix*n+iy] }
	}
	nx, ny, yEdges, xl, yl := h.records(), n, indexEdges(n), xLabel, "site "+h.stateDims[0]
	where := ""
	if h.isGrid() {
		// x is j, y is i, values of the last record.
		nj := h.stateShape[1]
		nx, ny, x, yEdges = nj, h.stateShape[0], indexEdges(nj), indexEdges(h.stateShape[0])
		xl, yl = h.stateDims[1], h.stateDims[0]
		field = func(vals []float64) func(ix, iy int) float64 {
			return func(ix, iy int) float64 { return vals[last*n+iy*nj+ix] }
		}
		where = "\nlast record"
		if h.steps != nil {
			where = fmt.Sprintf("\nlast record: step %d, t = %s", h.steps[last], fmtNum(h.times[last]))
		}
	}
	image := func(title string, at func(ix, iy int) float64, s *colourScale) panel {
		return panel{title: title + where, xLabel: xl, yLabel: yl,
			img: &cellImage{nx: nx, ny: ny, xEdges: x, yEdges: yEdges, at: at, scale: s}}
	}
	shown := func(vals []float64) []float64 {
		if h.isGrid() && vals != nil {
			return vals[last*n : (last+1)*n]
		}
		return vals
	}

	lo, hi, _ := finiteRange(shown(h.truth), shown(h.analysisMean))
	state, err := sequentialScale(lo, hi, withUnits(h, "state"))
	if err != nil {
		return nil, "", err
	}
	if h.truth != nil {
		errs := make([]float64, len(h.truth))
		for k := range errs {
			errs[k] = h.analysisMean[k] - h.truth[k]
		}
		m := 0.0
		for _, e := range shown(errs) {
			if !math.IsNaN(e) && !math.IsInf(e, 0) {
				m = math.Max(m, math.Abs(e))
			}
		}
		if m == 0 {
			m = 1
		}
		return []panel{
			image("truth", field(h.truth), state),
			image("analysis mean", field(h.analysisMean), state),
			image("analysis error (mean − truth)", field(errs), divergingScale(m, withUnits(h, "analysis mean − truth"))),
		}, "", nil
	}

	panels = []panel{image("analysis mean", field(h.analysisMean), state)}
	note = "No truth in this file (an observation-file run): no RMSE, no error image."
	if h.obs == nil {
		return panels, note + " No observations recorded.", nil
	}
	olo, ohi, _ := finiteRange(h.obs)
	obsScale, err := sequentialScale(olo, ohi, "observation")
	if err != nil {
		return nil, "", err
	}
	p := h.obsSize
	obsTitle := "observations"
	for _, v := range h.obs {
		if math.IsNaN(v) {
			obsTitle += " (white: none)"
			break
		}
	}
	tx, _ := timeAxis(h)
	panels = append(panels, panel{title: obsTitle, xLabel: xLabel, yLabel: obsLabel(h.obsDim),
		img: &cellImage{nx: h.records(), ny: p, xEdges: tx, yEdges: indexEdges(p), scale: obsScale,
			at: func(ix, iy int) float64 { return h.obs[ix*p+iy] }}})
	return panels, note, nil
}

// timeAxis gives the cell edges of the records along a time axis and its
// label: the model time, or the record number when the times do not
// increase (a history that is not one run).
func timeAxis(h *runHistory) ([]float64, string) {
	if edges, ok := cellEdges(h.times); ok {
		return edges, timeLabel(h)
	}
	return indexEdges(h.records()), "record"
}

// obsLabel labels the observation axis by its dimension.
func obsLabel(dim string) string {
	if dim == "obs" {
		return "observation"
	}
	return "observation " + dim
}
