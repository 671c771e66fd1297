// The runtime's own source, embedded so that `cyclec run` can build
// generated programs against exactly this runtime, offline, from any
// directory.
package cyclec

import (
	"embed"
	"io/fs"
)

//go:embed go.mod go.sum runtime/*.go runtime/*.s
var runtimeSource embed.FS

// RuntimeSource returns this module's go.mod, go.sum and the runtime
// package's source files, Go and assembly (tests included; the go command
// ignores them when building).
func RuntimeSource() fs.FS { return runtimeSource }
