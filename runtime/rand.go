// Random streams keyed by (seed, purpose, index).

package runtime

import (
	"encoding/binary"
	"math/rand/v2"
)

// Purpose names what a random stream is used for. Streams for different
// purposes are independent even when seed and index agree, so adding draws
// for one purpose never shifts the numbers another purpose sees.
type Purpose uint64

// The purposes of the random streams used by generated code and analyses.
const (
	// PurposeTruthInit draws the initial truth of a twin experiment.
	PurposeTruthInit Purpose = iota + 1
	// PurposeEnsembleInit draws the initial ensemble (index = member).
	PurposeEnsembleInit
	// PurposeObsNoise draws observation noise (index = analysis number).
	PurposeObsNoise
	// PurposeRotation draws the ETKF's random rotation (index = analysis number).
	PurposeRotation
	// PurposePerturbation draws the EnKF's perturbed observations
	// (index = analysis number).
	PurposePerturbation
	// PurposeAdditiveInflation draws the additive inflation an ensemble
	// analysis adds to every member (index = analysis number).
	PurposeAdditiveInflation
	// PurposeSerialOrder draws the order in which a serial filter
	// assimilates the observations (index = analysis number).
	PurposeSerialOrder
	// PurposeResample draws a particle filter's resampling (index =
	// analysis number).
	PurposeResample
	// PurposeJitter draws the jitter a particle filter adds to resampled
	// particles (index = analysis number).
	PurposeJitter
)

// Stream is a deterministic random stream: a PCG generator (math/rand/v2)
// whose 128-bit state is derived from (seed, purpose, index) by splitmix64
// mixing, so nearby seeds or indices give unrelated streams. After
// [NewStream] neither [Stream.Reset] nor the draws allocate.
//
// Normal uses math/rand/v2's ziggurat NormFloat64 and Uniform its Float64,
// so the exact bits are those of the Go release's math/rand/v2 on the PCG
// source. A Stream is not safe for concurrent use.
type Stream struct {
	pcg rand.PCG
	rng *rand.Rand
}

// NewStream returns the stream keyed by (seed, p, index).
func NewStream(seed uint64, p Purpose, index uint64) *Stream {
	s := &Stream{}
	s.rng = rand.New(&s.pcg)
	s.Reset(seed, p, index)
	return s
}

// Reset re-keys s to (seed, p, index) without allocating: the following
// draws are those of NewStream(seed, p, index).
func (s *Stream) Reset(seed uint64, p Purpose, index uint64) {
	hi, lo := streamKey(seed, p, index)
	s.pcg.Seed(hi, lo)
}

// State returns the stream's position: the two 64-bit halves (high, low)
// of its PCG state. A Stream holds nothing else (math/rand/v2's Rand
// caches no draws), so [Stream.Restore] of this value continues the
// stream bit-identically. It does not allocate.
//
// Generated cycles re-key every stream from (seed, purpose, index) at each
// analysis, so their positions follow from the analysis counter and need
// no saving; State is for a stream drawn across the points a checkpoint is
// taken at.
func (s *Stream) State() [2]uint64 {
	var buf [20]byte
	b, _ := s.pcg.AppendBinary(buf[:0]) // "pcg:", hi, lo big-endian; never fails
	return [2]uint64{binary.BigEndian.Uint64(b[4:12]), binary.BigEndian.Uint64(b[12:20])}
}

// Restore puts s at the position state, a value [Stream.State] returned:
// the following draws are those that followed it.
func (s *Stream) Restore(state [2]uint64) {
	s.pcg.Seed(state[0], state[1]) // PCG.Seed sets the state words as given
}

// Normal returns a standard normal draw.
func (s *Stream) Normal() float64 {
	return s.source().NormFloat64()
}

// Uniform returns a uniform draw in [0, 1).
func (s *Stream) Uniform() float64 {
	return s.source().Float64()
}

// source returns the generator, creating it on first use for a zero Stream
// (which then draws as the unkeyed PCG state (0, 0)).
func (s *Stream) source() *rand.Rand {
	if s.rng == nil {
		s.rng = rand.New(&s.pcg)
	}
	return s.rng
}

// streamKey mixes the three keys into a PCG seed. Each step is a bijection
// of the previous hash for a fixed next key, so distinct keys collide only
// by chance (about 2^-64).
func streamKey(seed uint64, p Purpose, index uint64) (hi, lo uint64) {
	h := splitmix64(seed)
	h = splitmix64(h ^ splitmix64(uint64(p)^0xa0761d6478bd642f))
	h = splitmix64(h ^ splitmix64(index^0xe7037ed1a0b428db))
	return h, splitmix64(h ^ 0x8ebc6af09c88c6e3)
}

// splitmix64 is the finaliser of Steele, Lea and Flood's SplitMix64: a
// bijective 64-bit mixer with good avalanche.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
