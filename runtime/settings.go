// Parsing run-time settings (`cyclec run --set name=value`, Cycle.Set):
// one parser per kind of setting, shared by every generated cycle and by
// the command, so that a value is accepted or refused the same way
// everywhere.
package runtime

import (
	"fmt"
	"math"
	"strconv"
)

// SetInt parses value as a non-negative integer into dst. name is the
// setting's name, for the error.
func SetInt(dst *int, name, value string) error {
	v, err := strconv.Atoi(value)
	if err != nil || v < 0 {
		return fmt.Errorf("setting %s wants a non-negative integer, not %q", name, value)
	}
	*dst = v
	return nil
}

// SetSeed parses value as an unsigned 64-bit seed into dst.
func SetSeed(dst *uint64, name, value string) error {
	v, err := strconv.ParseUint(value, 10, 64)
	if err != nil {
		return fmt.Errorf("setting %s wants an unsigned integer seed, not %q", name, value)
	}
	*dst = v
	return nil
}

// SetFloat parses value as a finite number into dst.
func SetFloat(dst *float64, name, value string) error {
	v, err := strconv.ParseFloat(value, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("setting %s wants a number, not %q", name, value)
	}
	*dst = v
	return nil
}

// SetPath sets dst to value, a file path, which must not be empty.
func SetPath(dst *string, name, value string) error {
	if value == "" {
		return fmt.Errorf("setting %s wants a file path, not an empty string", name)
	}
	*dst = value
	return nil
}
