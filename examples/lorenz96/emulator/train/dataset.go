// Training samples drawn from model-state pairs: a site's neighbourhood (local) or the whole ring (full).

package main

import (
	"fmt"
	"math"
)

// norm is an affine normalisation, z = (v − mean) / std, shared by all
// sites (the model is the same at every site).
type norm struct{ mean, std float64 }

// pooledNorm returns the mean and standard deviation of all values in v.
func pooledNorm(v []float64) norm {
	var s, ss float64
	for _, x := range v {
		s += x
	}
	m := s / float64(len(v))
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	return norm{mean: m, std: math.Sqrt(ss / float64(len(v)))}
}

// arch selects what one training sample is.
type arch struct {
	// local: a sample is one site i of one state; its input is the window
	// x_{i−left} … x_{i+right} and its target the increment at i. The
	// network is shared by all sites and exported as the dense network
	// that applies it at every site at once.
	//
	// !local (full): a sample is one state, cyclically rotated by one of
	// the N shifts (the model commutes with them), input and target the
	// whole ring.
	local       bool
	left, right int
}

// inputs returns the width of one sample's input.
func (a arch) inputs() int {
	if a.local {
		return a.left + a.right + 1
	}
	return sites
}

// outputs returns the width of one sample's target.
func (a arch) outputs() int {
	if a.local {
		return 1
	}
	return sites
}

// check reports whether the window fits the ring.
func (a arch) check() error {
	if a.local && (a.left < 0 || a.right < 0 || a.left+a.right+1 > sites) {
		return fmt.Errorf("window x[i-%d] … x[i+%d]: want non-negative offsets spanning at most %d sites", a.left, a.right, sites)
	}
	return nil
}

// samples returns the number of samples in p: N per state, one per site
// or one per rotation.
func (a arch) samples(p *pairs) int { return p.count * sites }

// gather writes the normalised inputs and targets of the samples idx
// into x ([len(idx), inputs]) and t ([len(idx), outputs]).
func (a arch) gather(p *pairs, idx []int, in, out norm, x, t []float64) {
	nin, nout := a.inputs(), a.outputs()
	for r, j := range idx {
		s, i := j/sites, j%sites
		state, inc := p.before[s*sites:(s+1)*sites], p.inc[s*sites:(s+1)*sites]
		xr := x[r*nin : (r+1)*nin]
		if a.local {
			for o := -a.left; o <= a.right; o++ {
				xr[o+a.left] = (state[(i+o+sites)%sites] - in.mean) / in.std
			}
			t[r] = (inc[i] - out.mean) / out.std
			continue
		}
		tr := t[r*nout : (r+1)*nout]
		for c := range sites {
			xr[c] = (state[(c+i)%sites] - in.mean) / in.std
			tr[c] = (inc[(c+i)%sites] - out.mean) / out.std
		}
	}
}
