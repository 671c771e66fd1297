// The CSV reader for observation files (data.md §2).

package runtime

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// maxObsLine bounds the length of one line of an observation file.
const maxObsLine = 64 << 20

// ReadObsCSV reads the observation file at path, which must have p value
// columns, into a table (see [ParseObsCSV] for the format). Every error
// names the file and, where there is one, the line.
func ReadObsCSV(path string, p int) (*ObsTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading observations: %w", err)
	}
	defer f.Close()
	return ParseObsCSV(path, f, p)
}

// ParseObsCSV reads an observation file in the CSV form of data.md §2 from
// r; name is the file's name for messages. The format:
//
//   - Lines whose first non-blank character is '#' are comments, and blank
//     lines are skipped. A UTF-8 byte-order mark and CRLF line ends are
//     accepted.
//   - The first other line is the header. It names the columns: exactly
//     one is `time` (any case, optionally in double quotes), the p others
//     are the values, in the order of the observation carrier's elements
//     (their names are free).
//   - Every following line is one record: the model time of the
//     observation and its p values. Times must be finite and strictly
//     increasing. A value that is empty or `nan` (any case) is missing;
//     any other value must be a finite number.
//   - Columns are separated by commas when the header has a comma, and
//     otherwise by runs of spaces or tabs, as NumPy's savetxt writes by
//     default; every record must then use the same separator. In a
//     whitespace-separated file a missing value must be written `nan`.
//
// A file with no records, or in which every value is missing, is an error.
func ParseObsCSV(name string, r io.Reader, p int) (*ObsTable, error) {
	if p < 1 {
		return nil, fmt.Errorf("%s: asked for %d observation values a record, want at least 1", name, p)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxObsLine)
	tab := &ObsTable{Path: name, P: p}
	var (
		header   bool // the header has been read
		commas   bool // fields are separated by commas
		timeCol  int  // index of the time column among the fields
		hdrLine  int
		fields   []string
		nPresent int
	)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Bytes()
		if line == 1 {
			text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
		}
		s := strings.TrimSpace(string(text))
		if s == "" || s[0] == '#' {
			continue
		}
		if !header {
			var err error
			commas = strings.IndexByte(s, ',') >= 0
			timeCol, err = parseObsHeader(s, commas, p)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, line, err)
			}
			header, hdrLine = true, line
			continue
		}
		if !commas && strings.IndexByte(s, ',') >= 0 {
			return nil, fmt.Errorf("%s:%d: a comma in a record, but the header (line %d) separates its columns by spaces: use one separator throughout", name, line, hdrLine)
		}
		fields = splitObsFields(fields[:0], s, commas)
		if len(fields) != p+1 {
			sep := "commas"
			if !commas {
				sep = "spaces"
			}
			return nil, fmt.Errorf("%s:%d: %d columns separated by %s, want %d (time and %d values, as the header on line %d)",
				name, line, len(fields), sep, p+1, p, hdrLine)
		}
		t, err := parseObsTime(fields[timeCol])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: column %d (time): %w", name, line, timeCol+1, err)
		}
		if n := len(tab.Times); n > 0 && !(t > tab.Times[n-1]) {
			return nil, fmt.Errorf("%s:%d: time %v is not after time %v on line %d: records must be in increasing time",
				name, line, t, tab.Times[n-1], tab.Lines[n-1])
		}
		for i, f := range fields {
			if i == timeCol {
				continue
			}
			v, err := parseObsValue(f)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: column %d: %w", name, line, i+1, err)
			}
			if !math.IsNaN(v) {
				nPresent++
			}
			tab.Values = append(tab.Values, v)
		}
		tab.Times = append(tab.Times, t)
		tab.Lines = append(tab.Lines, line)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: line longer than %d bytes", name, line+1, maxObsLine)
		}
		return nil, fmt.Errorf("%s: reading observations after line %d: %w", name, line, err)
	}
	switch {
	case !header:
		return nil, fmt.Errorf("%s: no header line: want a line naming the columns, time and %d values", name, p)
	case len(tab.Times) == 0:
		return nil, fmt.Errorf("%s: no records after the header (line %d): want one line per observation time", name, hdrLine)
	case nPresent == 0:
		return nil, fmt.Errorf("%s: every value of the %d records (lines %d-%d) is missing", name, len(tab.Times), tab.Lines[0], line)
	}
	return tab, nil
}

// parseObsHeader checks the header line s and returns the index of its
// time column. Its errors carry hints for the usual mistakes of pandas
// and NumPy users.
func parseObsHeader(s string, commas bool, p int) (int, error) {
	fields := splitObsFields(nil, s, commas)
	timeCol := -1
	for i, f := range fields {
		name := strings.TrimSpace(strings.Trim(f, `"`))
		fields[i] = name
		if strings.EqualFold(name, "time") {
			if timeCol >= 0 {
				return 0, fmt.Errorf("header names columns %d and %d `time`, want one time column", timeCol+1, i+1)
			}
			timeCol = i
		}
	}
	if timeCol < 0 {
		if _, err := strconv.ParseFloat(fields[0], 64); err == nil {
			return 0, fmt.Errorf("want a header line naming the columns (time and %d values) before the records, found %q; "+
				"numpy.savetxt writes its header as a comment unless given comments=\"\"", p, abbreviate(s))
		}
		if !commas && strings.IndexByte(s, ';') >= 0 {
			return 0, fmt.Errorf("header %q has no column named time; columns must be separated by commas, not semicolons", abbreviate(s))
		}
		return 0, fmt.Errorf("header %q has no column named time, want time and %d value columns", abbreviate(s), p)
	}
	if len(fields) != p+1 {
		msg := fmt.Sprintf("header has %d columns, want %d (time and %d values)", len(fields), p+1, p)
		if len(fields) == p+2 && (fields[0] == "" || strings.HasPrefix(fields[0], "Unnamed")) {
			msg += `; the first, unnamed, looks like a pandas index: write the file with to_csv(..., index=False)`
		}
		return 0, errors.New(msg)
	}
	return timeCol, nil
}

// splitObsFields appends the fields of s to dst: split at commas (each
// field trimmed of blanks) or at runs of blanks.
func splitObsFields(dst []string, s string, commas bool) []string {
	if !commas {
		return append(dst, strings.Fields(s)...)
	}
	for {
		i := strings.IndexByte(s, ',')
		if i < 0 {
			return append(dst, strings.TrimSpace(s))
		}
		dst = append(dst, strings.TrimSpace(s[:i]))
		s = s[i+1:]
	}
}

// parseObsTime parses a record's time: a finite number.
func parseObsTime(f string) (float64, error) {
	if f == "" || strings.EqualFold(f, "nan") {
		return 0, errors.New("the time is missing, want a number (every record needs its time)")
	}
	v, err := parseFinite(f)
	if err != nil {
		return 0, fmt.Errorf("time %w", err)
	}
	return v, nil
}

// parseObsValue parses a value: empty or nan for missing (NaN), otherwise
// a finite number.
func parseObsValue(f string) (float64, error) {
	if f == "" || strings.EqualFold(f, "nan") {
		return math.NaN(), nil
	}
	v, err := parseFinite(f)
	if err != nil {
		return 0, fmt.Errorf("value %w (write an empty field or nan for a missing value)", err)
	}
	return v, nil
}

// parseFinite parses a finite float64; its errors read after a noun.
func parseFinite(f string) (float64, error) {
	v, err := strconv.ParseFloat(f, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Errorf("%q is out of the range of float64", abbreviate(f))
		}
		return 0, fmt.Errorf("%q is not a number", abbreviate(f))
	}
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("%q is not finite", abbreviate(f))
	}
	return v, nil
}

// abbreviate shortens s for an error message.
func abbreviate(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
