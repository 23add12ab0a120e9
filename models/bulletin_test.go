package models

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestQuarter(t *testing.T) {
	for _, tc := range []struct {
		in, first, last, prev, label string
	}{
		{"2026-Q1", "2026-01-01", "2026-03-31", "2025-Q4", "Quý I/2026"},
		{"2024-Q1", "2024-01-01", "2024-03-31", "2023-Q4", "Quý I/2024"},
		{"2026-Q4", "2026-10-01", "2026-12-31", "2026-Q3", "Quý IV/2026"},
		{"2026-Q2", "2026-04-01", "2026-06-30", "2026-Q1", "Quý II/2026"},
	} {
		q, err := ParseQuarter(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if q.String() != tc.in || q.FirstDay() != tc.first || q.LastDay() != tc.last || q.Prev().String() != tc.prev || q.Label() != tc.label {
			t.Errorf("%s: %s %s %s %s %s", tc.in, q, q.FirstDay(), q.LastDay(), q.Prev(), q.Label())
		}
	}
	for _, bad := range []string{"", "2026-Q5", "2026-Q0", "2026Q1", "26-Q1", "2026-q1", "2026-Q12"} {
		if _, err := ParseQuarter(bad); err == nil {
			t.Errorf("ParseQuarter(%q) accepted", bad)
		}
	}
	// 31/03 17:30 UTC is already 01/04 in Vietnam: the second quarter.
	if q := QuarterOf(time.Date(2026, 3, 31, 17, 30, 0, 0, time.UTC), Vietnam); q.String() != "2026-Q2" {
		t.Errorf("QuarterOf = %s, want 2026-Q2 (Vietnam time)", q)
	}
}

func TestPickAndHonourValidate(t *testing.T) {
	var fe *FieldError
	if err := (Pick{Note: strings.Repeat("ớ", MaxPickNote)}).Validate(); err != nil {
		t.Errorf("a note of %d characters is refused: %v", MaxPickNote, err)
	}
	if err := (Pick{Note: strings.Repeat("ớ", MaxPickNote+1)}).Validate(); !errors.As(err, &fe) || fe.Field != "note" {
		t.Errorf("a long note: %v, want a field error on note", err)
	}
	ok := Honour{Year: 2026, UnitCode: "C1", Name: "Nguyễn Văn A", PostID: "p", Reason: "Cứu người đuối nước"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for field, h := range map[string]Honour{
		"reason":  {Year: 2026, PostID: "p"},
		"name":    {Year: 2026, PostID: "p", Reason: "x", Name: "A\r\nBcc: x"},
		"post_id": {Year: 2026, Reason: "x"},
		"year":    {Year: 1, PostID: "p", Reason: "x"},
	} {
		if err := h.Validate(); !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}
}
