// Package csvsafe writes CSV that Excel opens as UTF-8 and never evaluates:
// the file starts with a byte-order mark, and every cell that a spreadsheet
// would read as a formula (starting with = + - @, tab or carriage return) is
// prefixed with a single quote. Crawled text comes from the people under
// investigation, so every cell is treated as hostile.
package csvsafe

import (
	"encoding/csv"
	"fmt"
	"io"
)

// BOM is the UTF-8 byte-order mark written before the first row.
const BOM = "\uFEFF"

// Cell returns s made inert for spreadsheets.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Writer is a csv.Writer that escapes every cell and writes the BOM first.
type Writer struct {
	w       io.Writer
	cw      *csv.Writer
	started bool
	buf     []string
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &Writer{w: w, cw: cw}
}

// Write writes one row.
func (w *Writer) Write(row []string) error {
	if !w.started {
		if _, err := io.WriteString(w.w, BOM); err != nil {
			return fmt.Errorf("csv: write BOM: %w", err)
		}
		w.started = true
	}
	w.buf = w.buf[:0]
	for _, c := range row {
		w.buf = append(w.buf, Cell(c))
	}
	if err := w.cw.Write(w.buf); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	return nil
}

// Flush writes buffered rows and reports any write error.
func (w *Writer) Flush() error {
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	return nil
}
