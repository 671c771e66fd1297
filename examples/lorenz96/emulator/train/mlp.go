// A tanh multilayer perceptron trained by mini-batch backpropagation with Adam.

package main

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// impl is gonum's pure-Go BLAS.
var impl gonum.Implementation

// mlp is a dense network with tanh between layers and a linear last
// layer: widths[0] inputs, widths[len-1] outputs. Layer k's weight is
// row-major [widths[k+1], widths[k]].
type mlp struct {
	widths []int
	w, b   [][]float64
}

// newMLP returns a network with Glorot-uniform weights and zero biases
// drawn from rng.
func newMLP(widths []int, rng *rand.Rand) *mlp {
	n := &mlp{widths: widths}
	for k := 0; k+1 < len(widths); k++ {
		in, out := widths[k], widths[k+1]
		a := math.Sqrt(6 / float64(in+out))
		w := make([]float64, out*in)
		for i := range w {
			w[i] = a * (2*rng.Float64() - 1)
		}
		n.w = append(n.w, w)
		n.b = append(n.b, make([]float64, out))
	}
	return n
}

// layers returns the number of layers.
func (n *mlp) layers() int { return len(n.w) }

// workspace holds the activations and gradients of one mini-batch.
type workspace struct {
	rows   int
	act    [][]float64 // act[k] is [rows, widths[k]]; act[0] is the input
	delta  [][]float64 // delta[k] is the loss gradient w.r.t. layer k's pre-activation, [rows, widths[k+1]]
	gw, gb [][]float64 // parameter gradients, shaped as w and b
}

// newWorkspace returns a workspace for batches of up to rows rows.
func (n *mlp) newWorkspace(rows int) *workspace {
	ws := &workspace{rows: rows}
	for k, wd := range n.widths {
		ws.act = append(ws.act, make([]float64, rows*wd))
		if k > 0 {
			ws.delta = append(ws.delta, make([]float64, rows*wd))
		}
	}
	for k := range n.w {
		ws.gw = append(ws.gw, make([]float64, len(n.w[k])))
		ws.gb = append(ws.gb, make([]float64, len(n.b[k])))
	}
	return ws
}

// forward evaluates the network on the first rows rows of ws.act[0] and
// returns the output, [rows, widths[last]], a view into ws.
func (n *mlp) forward(ws *workspace, rows int) []float64 {
	L := n.layers()
	for k := range L {
		in, out := n.widths[k], n.widths[k+1]
		x, y := ws.act[k][:rows*in], ws.act[k+1][:rows*out]
		for r := range rows {
			copy(y[r*out:(r+1)*out], n.b[k])
		}
		impl.Dgemm(blas.NoTrans, blas.Trans, rows, out, in, 1, x, in, n.w[k], in, 1, y, out)
		if k < L-1 {
			for i, v := range y {
				y[i] = math.Tanh(v)
			}
		}
	}
	return ws.act[L][:rows*n.widths[L]]
}

// backward computes the gradients of the mean squared error between the
// output of the last forward call and target ([rows, outputs]) into
// ws.gw and ws.gb, and returns that error.
func (n *mlp) backward(ws *workspace, rows int, target []float64) float64 {
	L := n.layers()
	outW := n.widths[L]
	y, d := ws.act[L][:rows*outW], ws.delta[L-1][:rows*outW]
	scale := 2 / float64(rows*outW)
	var sse float64
	for i := range y {
		e := y[i] - target[i]
		sse += e * e
		d[i] = scale * e
	}
	for k := L - 1; k >= 0; k-- {
		in, out := n.widths[k], n.widths[k+1]
		d := ws.delta[k][:rows*out]
		x := ws.act[k][:rows*in]
		// gW = dᵀ x, gb = column sums of d.
		impl.Dgemm(blas.Trans, blas.NoTrans, out, in, rows, 1, d, out, x, in, 0, ws.gw[k], in)
		gb := ws.gb[k]
		clear(gb)
		for r := range rows {
			for j, v := range d[r*out : (r+1)*out] {
				gb[j] += v
			}
		}
		if k == 0 {
			break
		}
		// The previous layer's delta: (d W) ⊙ (1 − act²), act its tanh output.
		pd := ws.delta[k-1][:rows*in]
		impl.Dgemm(blas.NoTrans, blas.NoTrans, rows, in, out, 1, d, out, n.w[k], in, 0, pd, in)
		for i, a := range x {
			pd[i] *= 1 - a*a
		}
	}
	return sse / float64(rows*outW)
}

// adam is the Adam optimiser's state for one network (Kingma & Ba 2015).
type adam struct {
	beta1, beta2, eps float64
	t                 int
	mw, vw, mb, vb    [][]float64
}

// newAdam returns Adam with the usual constants for the parameters of n.
func newAdam(n *mlp) *adam {
	o := &adam{beta1: 0.9, beta2: 0.999, eps: 1e-8}
	for k := range n.w {
		o.mw = append(o.mw, make([]float64, len(n.w[k])))
		o.vw = append(o.vw, make([]float64, len(n.w[k])))
		o.mb = append(o.mb, make([]float64, len(n.b[k])))
		o.vb = append(o.vb, make([]float64, len(n.b[k])))
	}
	return o
}

// update takes one step of size lr along the gradients in ws.
func (o *adam) update(n *mlp, ws *workspace, lr float64) {
	o.t++
	c1 := 1 - math.Pow(o.beta1, float64(o.t))
	c2 := 1 - math.Pow(o.beta2, float64(o.t))
	step := lr * math.Sqrt(c2) / c1
	for k := range n.w {
		o.apply(n.w[k], ws.gw[k], o.mw[k], o.vw[k], step)
		o.apply(n.b[k], ws.gb[k], o.mb[k], o.vb[k], step)
	}
}

// apply updates the parameters p with gradients g and moments m, v.
func (o *adam) apply(p, g, m, v []float64, step float64) {
	b1, b2 := o.beta1, o.beta2
	for i, gi := range g {
		m[i] = b1*m[i] + (1-b1)*gi
		v[i] = b2*v[i] + (1-b2)*gi*gi
		p[i] -= step * m[i] / (math.Sqrt(v[i]) + o.eps)
	}
}
