package runtime

import "golang.org/x/sys/cpu"

// haveKern4x8 reports whether kern4x8 may run (it needs AVX2).
var haveKern4x8 = cpu.X86.HasAVX2

// kern4x8 is kern4x8Go in AVX2 assembly, with the same bits.
//
//go:noescape
func kern4x8(k int, a *float64, sar, sak int, b *float64, sbk int, t *[32]float64)
