// Compile-time version handshake between generated code and this runtime.

package runtime

// GenVersion is the version of generated code that this runtime implements.
// Generated code asserts it at compile time (see [EnforceVersion]).
// Version 3 adds the covariance a Kalman filter hands over in a sequence
// ([Handover.SetCovariance], [Handover.InitCovariance]).
const GenVersion = 3

// MinGenVersion is the oldest version of generated code this runtime still
// supports.
const MinGenVersion = 1

// EnforceVersion is used by generated code to fail at `go build` time when
// it and the runtime disagree, as protobuf-go does. A file generated for
// version V contains
//
//	const _ = cycrt.EnforceVersion(cycrt.GenVersion - V)
//	const _ = cycrt.EnforceVersion(V - cycrt.MinGenVersion)
//
// and a negative constant cannot be converted to an unsigned type, so the
// build breaks when the runtime is older than V (first line) or no longer
// supports V (second line).
type EnforceVersion uint
