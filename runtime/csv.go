// Readers for the small numeric files (matrices, vectors) users ship beside their .cyc.

package runtime

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// ReadMatrixCSV reads a rows×cols matrix, row-major, from a text file
// with one matrix row a line. Values are separated by commas or by
// whitespace (a line with a comma is split at commas, each field trimmed),
// so both numpy.savetxt's default output (spaces, "%.18e") and its
// delimiter="," output read; '#' starts a comment to the end of the line
// (savetxt's header and footer are comments); blank lines are skipped.
// Every value must be a finite number. Errors name file:line and the
// expected against the found shape.
func ReadMatrixCSV(path string, rows, cols int) ([]float64, error) {
	if rows <= 0 || cols <= 0 {
		return nil, fmt.Errorf("%s: asked for a %dx%d matrix, want positive sizes", path, rows, cols)
	}
	out := make([]float64, 0, rows*cols)
	err := scanMatrixRows(path, rows, cols, func(vals []float64) { out = append(out, vals...) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanMatrixRows calls row with each of the rows lines of cols values of
// a dense matrix file (the format of [ReadMatrixCSV]), checking the shape
// as it goes; vals is reused between calls.
func scanMatrixRows(path string, rows, cols int, row func(vals []float64)) error {
	nrow := 0
	err := scanNumbers(path, func(line int, vals []float64) error {
		if nrow == rows {
			return fmt.Errorf("%s:%d: extra row %d, the matrix should have %d rows of %d", path, line, nrow+1, rows, cols)
		}
		if len(vals) != cols {
			return fmt.Errorf("%s:%d: row %d has %d values, want %d (a %dx%d matrix)", path, line, nrow+1, len(vals), cols, rows, cols)
		}
		row(vals)
		nrow++
		return nil
	})
	if err != nil {
		return err
	}
	if nrow != rows {
		return fmt.Errorf("%s: found %d rows, want %d (a %dx%d matrix)", path, nrow, rows, rows, cols)
	}
	return nil
}

// ReadVectorCSV reads n numbers from a text file in the format of
// [ReadMatrixCSV], laid out in any way: one a line, all on one line, or
// several lines of several.
func ReadVectorCSV(path string, n int) ([]float64, error) {
	if n <= 0 {
		return nil, fmt.Errorf("%s: asked for a vector of length %d, want > 0", path, n)
	}
	out := make([]float64, 0, n)
	err := scanNumbers(path, func(line int, vals []float64) error {
		if len(out)+len(vals) > n {
			return fmt.Errorf("%s:%d: more than %d values (a vector of length %d)", path, line, n, n)
		}
		out = append(out, vals...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) != n {
		return nil, fmt.Errorf("%s: found %d values, want %d (a vector of length %d)", path, len(out), n, n)
	}
	return out, nil
}

// scanNumbers calls row for each line of the file that has values, with
// its line number.
func scanNumbers(path string, row func(line int, vals []float64) error) error {
	return scanNumbersAfter(path, 0, row)
}

// scanNumbersAfter is scanNumbers for the lines after line skip (a header).
func scanNumbersAfter(path string, skip int, row func(line int, vals []float64) error) error {
	var vals []float64
	return scanLines(path, func(line int, text string) (bool, error) {
		if line <= skip {
			return true, nil
		}
		var fields []string
		if strings.Contains(text, ",") {
			fields = strings.Split(text, ",")
			for i := range fields {
				fields[i] = strings.TrimSpace(fields[i])
			}
		} else {
			fields = strings.Fields(text)
		}
		vals = vals[:0]
		for i, s := range fields {
			if s == "" {
				return false, fmt.Errorf("%s:%d: field %d is empty", path, line, i+1)
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return false, fmt.Errorf("%s:%d: field %d: %q is not a number", path, line, i+1, s)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false, fmt.Errorf("%s:%d: field %d: %q is not a finite number", path, line, i+1, s)
			}
			vals = append(vals, v)
		}
		return true, row(line, vals)
	})
}

// scanLines calls fn with the number and text of every line of the file
// that has content once its '#' comment is cut, until fn returns false or
// an error.
func scanLines(path string, fn func(line int, text string) (more bool, err error)) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading numbers: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		more, err := fn(line, text)
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
