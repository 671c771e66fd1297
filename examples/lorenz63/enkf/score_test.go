// Scores of the Lorenz-63 perturbed-observation EnKF example (10 members,
// inflation 1.04) against Sakov, Oliver & Bertino (2012).
package enkf

import (
	"testing"

	"github.com/cyclec/cyclec/examples/internal/scoretest"
	cycrt "github.com/cyclec/cyclec/runtime"
)

func TestPublishedScore(t *testing.T) {
	scoretest.Run(t, func() cycrt.Cycle { return NewTwin() },
		scoretest.Published{Lo: 0.56, Hi: 0.65, Diverged: 2.0}, 10000)
}
