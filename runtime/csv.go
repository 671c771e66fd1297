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
	nrow := 0
	err := scanNumbers(path, func(line int, vals []float64) error {
		if nrow == rows {
			return fmt.Errorf("%s:%d: extra row %d, the matrix should have %d rows of %d", path, line, nrow+1, rows, cols)
		}
		if len(vals) != cols {
			return fmt.Errorf("%s:%d: row %d has %d values, want %d (a %dx%d matrix)", path, line, nrow+1, len(vals), cols, rows, cols)
		}
		out = append(out, vals...)
		nrow++
		return nil
	})
	if err != nil {
		return nil, err
	}
	if nrow != rows {
		return nil, fmt.Errorf("%s: found %d rows, want %d (a %dx%d matrix)", path, nrow, rows, rows, cols)
	}
	return out, nil
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
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading numbers: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	var vals []float64
	for line := 1; sc.Scan(); line++ {
		if line <= skip {
			continue
		}
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
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
		if len(fields) == 0 || (len(fields) == 1 && fields[0] == "") {
			continue
		}
		vals = vals[:0]
		for i, s := range fields {
			if s == "" {
				return fmt.Errorf("%s:%d: field %d is empty", path, line, i+1)
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return fmt.Errorf("%s:%d: field %d: %q is not a number", path, line, i+1, s)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s:%d: field %d: %q is not a finite number", path, line, i+1, s)
			}
			vals = append(vals, v)
		}
		if err := row(line, vals); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
