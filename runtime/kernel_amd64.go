package runtime

// haveKern4x8 reports whether kern4x8 may run (it needs AVX2); tests
// turn it off to compare it with the Go kernel.
var haveKern4x8 = cpuHasAVX2()

// cpuHasAVX2 reports whether the CPU has AVX2 and the OS saves its
// registers.
func cpuHasAVX2() bool

// kern4x8 is kern4x8Go in AVX2 assembly, with the same bits.
//
//go:noescape
func kern4x8(k int, a *float64, sar, sak int, b *float64, sbk int, t *[32]float64)
