// Package csvsafe writes CSV that Excel and LibreOffice open safely: UTF-8
// with a byte-order mark (so Chinese text is not garbled) and every cell
// that a spreadsheet would read as a formula made inert. The text comes from
// ads written by the people under investigation, so formula injection
// (=HYPERLINK(…), +cmd|…, @SUM(…)) is a real risk.
package csvsafe

import (
	"encoding/csv"
	"io"
)

// BOM is the UTF-8 byte-order mark written before the first row.
const BOM = "\uFEFF"

// Escape returns cell made inert: a cell starting with =, +, -, @, tab or
// carriage return gets a leading single quote, which spreadsheets show as
// text and do not evaluate.
func Escape(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + cell
	}
	return cell
}

// Writer is a csv.Writer that writes the BOM first and escapes every cell.
type Writer struct {
	w       *csv.Writer
	out     io.Writer
	started bool
	err     error
}

// NewWriter returns a Writer on w. Lines end in CRLF, as Excel expects.
func NewWriter(w io.Writer) *Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &Writer{w: cw, out: w}
}

// Write writes one row, escaping each cell.
func (w *Writer) Write(row []string) error {
	if w.err != nil {
		return w.err
	}
	if !w.started {
		w.started = true
		if _, err := io.WriteString(w.out, BOM); err != nil {
			w.err = err
			return err
		}
	}
	esc := make([]string, len(row))
	for i, c := range row {
		esc[i] = Escape(c)
	}
	if err := w.w.Write(esc); err != nil {
		w.err = err
		return err
	}
	return nil
}

// Flush writes buffered rows and returns any error so far.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if !w.started {
		w.started = true
		if _, err := io.WriteString(w.out, BOM); err != nil {
			w.err = err
			return err
		}
	}
	w.w.Flush()
	return w.w.Error()
}
