// Fuzzing the checkpoint reader with hostile files.

package runtime

import (
	"bytes"
	"testing"
)

// FuzzReadCheckpoint feeds arbitrary bytes to the reader, both as they
// are and with their length field and checksum made to agree (so that the
// parser behind the checksum is reached). The reader must never panic or
// over-allocate, and whatever it accepts must encode back to exactly the
// bytes it read: the format has one encoding per content.
func FuzzReadCheckpoint(f *testing.F) {
	f.Add(encoded(f, sampleCheckpoint()))
	f.Add(encoded(f, &Checkpoint{}))
	f.Add(encoded(f, benchCheckpoint()))
	f.Add([]byte(checkpointMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, in := range [][]byte{b, refix(b)} {
			c, err := decodeCheckpoint("fuzz.ckpt", in)
			if err != nil {
				continue
			}
			out, err := c.encode()
			if err != nil {
				t.Fatalf("accepted checkpoint does not encode: %v", err)
			}
			if !bytes.Equal(out, in) {
				t.Fatalf("accepted %d bytes re-encode to %d different bytes", len(in), len(out))
			}
		}
	})
}
