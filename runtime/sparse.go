// Sparse matrices for linear observation operators: only the nonzeros are
// held, so an operator's memory grows with what it reads, not with
// observations × state elements.

package runtime

import (
	"fmt"
	"math"
	"strings"
)

// Sparse is a rows×cols matrix in compressed sparse row form: the
// nonzeros of row r are Val[Start[r]:Start[r+1]], in columns Col over the
// same range, in increasing column order.
type Sparse struct {
	Rows, Cols int
	Start      []int
	Col        []int32
	Val        []float64
}

// tripletHeader is the first line of a matrix file in triplet form.
const tripletHeader = "row,col,value"

// ReadSparseCSV reads a rows×cols matrix and keeps its nonzeros. The file
// is either dense, as [ReadMatrixCSV] reads (one matrix row a line), or,
// when its first line is the header "row,col,value", one nonzero a line
// as 0-based row and column and the value (any order; a repeated entry is
// an error), the form for operators too large to write densely. Errors
// name file:line.
func ReadSparseCSV(path string, rows, cols int) (*Sparse, error) {
	if rows <= 0 || cols <= 0 || rows > math.MaxInt32 || cols > math.MaxInt32 {
		return nil, fmt.Errorf("%s: asked for a %dx%d matrix, want positive sizes", path, rows, cols)
	}
	header, err := firstLine(path)
	if err != nil {
		return nil, err
	}
	if header > 0 {
		return readTriplets(path, header, rows, cols)
	}
	s := &Sparse{Rows: rows, Cols: cols, Start: make([]int, 1, rows+1)}
	err = scanMatrixRows(path, rows, cols, func(vals []float64) {
		for c, v := range vals {
			if v != 0 {
				s.Col = append(s.Col, int32(c))
				s.Val = append(s.Val, v)
			}
		}
		s.Start = append(s.Start, len(s.Val))
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// firstLine returns the line number of the triplet header when the first
// line with content is one, else 0.
func firstLine(path string) (int, error) {
	header := 0
	err := scanLines(path, func(line int, text string) (bool, error) {
		if strings.ToLower(strings.ReplaceAll(strings.TrimSpace(text), " ", "")) == tripletHeader {
			header = line
		}
		return false, nil // only the first line with content decides
	})
	return header, err
}

// readTriplets reads the lines after the header as (row, col, value).
func readTriplets(path string, header, rows, cols int) (*Sparse, error) {
	type entry struct {
		r, c int
		v    float64
		line int
	}
	var es []entry
	count := make([]int, rows+1)
	err := scanNumbersAfter(path, header, func(line int, vals []float64) error {
		if len(vals) != 3 {
			return fmt.Errorf("%s:%d: %d values, want row, col and value", path, line, len(vals))
		}
		r, c := vals[0], vals[1]
		if r != math.Trunc(r) || r < 0 || r >= float64(rows) || c != math.Trunc(c) || c < 0 || c >= float64(cols) {
			return fmt.Errorf("%s:%d: entry (%v, %v) is outside the %dx%d matrix (rows and columns count from 0)", path, line, r, c, rows, cols)
		}
		es = append(es, entry{int(r), int(c), vals[2], line})
		count[int(r)+1]++
		return nil
	})
	if err != nil {
		return nil, err
	}
	s := &Sparse{Rows: rows, Cols: cols, Start: count, Col: make([]int32, len(es)), Val: make([]float64, len(es))}
	for r := 0; r < rows; r++ {
		s.Start[r+1] += s.Start[r]
	}
	next := make([]int, rows)
	copy(next, s.Start[:rows])
	lines := make([]int, len(es))
	for _, e := range es {
		q := next[e.r]
		// Insertion keeps each row's columns increasing.
		for q > s.Start[e.r] && int(s.Col[q-1]) > e.c {
			s.Col[q], s.Val[q], lines[q] = s.Col[q-1], s.Val[q-1], lines[q-1]
			q--
		}
		if q > s.Start[e.r] && int(s.Col[q-1]) == e.c {
			return nil, fmt.Errorf("%s:%d: entry (%d, %d) given again (first at line %d)", path, e.line, e.r, e.c, lines[q-1])
		}
		s.Col[q], s.Val[q], lines[q] = int32(e.c), e.v, e.line
		next[e.r]++
	}
	return s, nil
}

// NonZeros returns the number of entries held.
func (s *Sparse) NonZeros() int { return len(s.Val) }

// MulVec writes y = S x (len(y) = Rows, len(x) = Cols). It does not
// allocate.
func (s *Sparse) MulVec(y, x []float64) {
	for r := range y[:s.Rows] {
		var sum float64
		lo, hi := s.Start[r], s.Start[r+1]
		cols, vals := s.Col[lo:hi], s.Val[lo:hi]
		for q, c := range cols {
			sum += vals[q] * x[c]
		}
		y[r] = sum
	}
}

// MulTransAdd adds Sᵀ y to x (len(y) = Rows, len(x) = Cols): the adjoint
// of MulVec. It does not allocate.
func (s *Sparse) MulTransAdd(x, y []float64) {
	for r, v := range y[:s.Rows] {
		lo, hi := s.Start[r], s.Start[r+1]
		cols, vals := s.Col[lo:hi], s.Val[lo:hi]
		for q, c := range cols {
			x[c] += vals[q] * v
		}
	}
}
