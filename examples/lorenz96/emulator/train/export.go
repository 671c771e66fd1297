// The trained network as the dense raw-state network of the weights file, normalisation folded in.

package main

import (
	"fmt"

	cycrt "github.com/cyclec/cyclec/runtime"
)

// dense returns the network on raw states that the file holds: input a
// state, output its one-step increment, with the normalisations folded
// into the first and last layers and every weight rounded to float32, as
// the F32 file stores it.
//
// A full network is n itself. A local network (one site's window in, the
// increment at that site out) becomes, for N sites: layer 0 of shape
// [N·h0, N] whose rows i·h0 … i·h0+h0−1 are the shared first layer
// reading x_{i−left} … x_{i+right}; block-diagonal hidden layers, one
// copy of the shared layer per site; and a last layer [N, N·hL] giving
// site i from its own block.
func dense(n *mlp, a arch, in, out norm) *mlp {
	L := n.layers()
	d := &mlp{}
	if !a.local {
		d.widths = append([]int(nil), n.widths...)
		for k := range L {
			d.w = append(d.w, append([]float64(nil), n.w[k]...))
			d.b = append(d.b, append([]float64(nil), n.b[k]...))
		}
	} else {
		d.widths = []int{sites}
		for k := 1; k < L; k++ {
			d.widths = append(d.widths, sites*n.widths[k])
		}
		d.widths = append(d.widths, sites)
		for k := range L {
			kin, kout := n.widths[k], n.widths[k+1]
			din, dout := d.widths[k], d.widths[k+1]
			w, b := make([]float64, dout*din), make([]float64, dout)
			for i := range sites {
				for r := range kout {
					row := i*kout + r
					b[row] = n.b[k][r]
					for c := range kin {
						col := i*kin + c
						if k == 0 {
							col = (i + c - a.left + sites) % sites
						}
						w[row*din+col] += n.w[k][r*kin+c]
					}
				}
			}
			d.w, d.b = append(d.w, w), append(d.b, b)
		}
	}
	// x enters as (x − mean)/std: W' = W/std, b' = b − W·mean/std.
	w0, b0 := d.w[0], d.b[0]
	for r := range b0 {
		var sum float64
		for c := range d.widths[0] {
			sum += w0[r*d.widths[0]+c]
			w0[r*d.widths[0]+c] /= in.std
		}
		b0[r] -= sum * in.mean / in.std
	}
	// The increment leaves as y·std + mean.
	wl, bl := d.w[L-1], d.b[L-1]
	for i := range wl {
		wl[i] *= out.std
	}
	for i := range bl {
		bl[i] = bl[i]*out.std + out.mean
	}
	for k := range L {
		for i, v := range d.w[k] {
			d.w[k][i] = float64(float32(v))
		}
		for i, v := range d.b[k] {
			d.b[k][i] = float64(float32(v))
		}
	}
	return d
}

// tensors returns d's layers as the file's F32 tensors layers.<k>.weight
// ([out, in]) and layers.<k>.bias.
func tensors(d *mlp) map[string]cycrt.Tensor {
	t := map[string]cycrt.Tensor{}
	for k := range d.layers() {
		t[fmt.Sprintf("layers.%d.weight", k)] = cycrt.Tensor{DType: "F32", Shape: []int{d.widths[k+1], d.widths[k]}, Data: d.w[k]}
		t[fmt.Sprintf("layers.%d.bias", k)] = cycrt.Tensor{DType: "F32", Shape: []int{d.widths[k+1]}, Data: d.b[k]}
	}
	return t
}
