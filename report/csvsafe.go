package report

import (
	"encoding/csv"
	"io"
	"strconv"
)

// CSVWriter writes CSV whose cells a spreadsheet never runs as formulas: every CSV that
// tintot writes goes through it.
type CSVWriter struct {
	w *csv.Writer
}

// NewCSVWriter returns a CSVWriter with CRLF line ends (what Excel writes).
func NewCSVWriter(w io.Writer) *CSVWriter {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &CSVWriter{w: cw}
}

// Write writes one record, each cell passed through SafeCell.
func (w *CSVWriter) Write(rec []string) error {
	safe := make([]string, len(rec))
	for i, c := range rec {
		safe[i] = SafeCell(c)
	}
	return w.w.Write(safe)
}

// Flush writes any buffered data and returns the first write error.
func (w *CSVWriter) Flush() error {
	w.w.Flush()
	return w.w.Error()
}

// SafeCell neutralises a cell that a spreadsheet would read as a formula (OWASP's rule
// for CSV injection): one that begins with '=', '+', '-', '@', a tab or a carriage return
// gets a leading apostrophe, which Excel and LibreOffice show as text. Plain numbers
// ("-3", "+2.5") are left as they are: they cannot hold a formula.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if _, err := strconv.ParseFloat(s, 64); err == nil && s[0] != '\t' && s[0] != '\r' {
			return s
		}
		return "'" + s
	}
	return s
}
