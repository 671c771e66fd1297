// Tests of the checker's side: every role the checker asks about has a
// kind here.
package golink

import (
	"testing"

	"github.com/cyclec/cyclec/check"
)

func TestEveryCheckRoleHasAKind(t *testing.T) {
	want := map[check.GoRole]Kind{
		check.GoForward: Forward, check.GoObs: Obs, check.GoJacobian: Jacobian,
		check.GoAnalysis: Analysis, check.GoSource: Source,
		check.GoTangent: Tangent, check.GoAdjoint: Adjoint,
	}
	for role := check.GoForward; role <= check.GoAdjoint; role++ {
		k, ok := roles[role]
		if !ok {
			t.Errorf("check.GoRole %d has no golink Kind", int(role))
			continue
		}
		if k != want[role] {
			t.Errorf("check.GoRole %d maps to %v, want %v", int(role), k, want[role])
		}
		if k.String() == Kind(0).String() {
			t.Errorf("Kind %d has no name", int(k))
		}
	}
}
