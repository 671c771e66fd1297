//go:build !amd64

package runtime

// haveKern4x8 is false: only amd64 has the assembly kernel.
var haveKern4x8 = false

// kern4x8 is never called without the assembly kernel.
func kern4x8(k int, a *float64, sar, sak int, b *float64, sbk int, t *[32]float64) {
	panic("runtime: kern4x8 without assembly")
}
