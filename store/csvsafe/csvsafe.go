// Package csvsafe writes CSV that Excel and LibreOffice open safely: UTF-8
// with a byte-order mark (so Chinese text is not garbled) and every cell
// that a spreadsheet would read as a formula made inert. The text comes from
// ads written by the people under investigation, so formula injection
// (=HYPERLINK(…), +cmd|…, @SUM(…)) is a real risk.
package csvsafe

import (
	"encoding/csv"
	"io"
	"unicode/utf8"
)

// BOM is the UTF-8 byte-order mark written before the first row.
const BOM = "\uFEFF"

// MaxCell is the longest cell Excel accepts (32,767 characters); longer
// cells are cut to it, ending in Truncated, since Excel would otherwise
// spill them over the following rows.
const MaxCell = 32767

// Truncated ends a cell that was cut to MaxCell.
const Truncated = "…[已截断]"

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
		esc[i] = cut(Escape(c))
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

// cut shortens s to at most MaxCell UTF-16 code units (Excel's measure).
func cut(s string) string {
	if len(s) <= MaxCell { // bytes ≥ UTF-16 units
		return s
	}
	n, limit := 0, MaxCell-utf8.RuneCountInString(Truncated)
	for i, r := range s {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if n+w > limit {
			if utf16Len(s[i:]) <= MaxCell-n {
				return s
			}
			return s[:i] + Truncated
		}
		n += w
	}
	return s
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}
