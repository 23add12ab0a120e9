package report

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"

	"tintot/models"
)

func bigReview(n int) models.Review {
	r := sampleReview()
	row := r.Rows[0]
	r.Rows = nil
	for i := range n {
		row.Unit.Code = fmt.Sprintf("X%04d", i)
		row.Rank = i + 1
		r.Rows = append(r.Rows, row)
	}
	return r
}

// An empty review (a parent without units yet) still gives a workbook with headers.
func TestEmptyReviewStillHasHeaders(t *testing.T) {
	r := sampleReview()
	r.Rows, r.DaySummary, r.WeekSummary = nil, nil, nil
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, r); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue(SheetReview, "B1"); v != "Mã đơn vị" {
		t.Errorf("B1 = %q", v)
	}
}

// BenchmarkWriteXLSX renders the review of a 3,300-unit province.
func BenchmarkWriteXLSX(b *testing.B) {
	r := bigReview(3300)
	for b.Loop() {
		if err := WriteXLSX(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteCSV renders the same review as CSV.
func BenchmarkWriteCSV(b *testing.B) {
	r := bigReview(3300)
	for b.Loop() {
		if err := WriteCSV(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
