package models

import (
	"testing"
	"time"
)

func TestLocalDayIsVietnamNotUTC(t *testing.T) {
	cases := []struct {
		name string
		utc  string
		want string
	}{
		{"23:59 local stays on its day", "2026-11-27T16:59:00Z", "2026-11-27"},
		{"17:30 UTC is 00:30 next local day", "2026-11-27T17:30:00Z", "2026-11-28"},
		{"00:01 local", "2026-11-27T17:01:00Z", "2026-11-28"},
		{"midnight UTC is 07:00 local", "2026-11-28T00:00:00Z", "2026-11-28"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts, _ := time.Parse(time.RFC3339, c.utc)
			if got := LocalDay(ts, Vietnam); got != c.want {
				t.Fatalf("LocalDay(%s) = %s, want %s", c.utc, got, c.want)
			}
		})
	}
}

func TestISOWeeksAcrossYearEnd(t *testing.T) {
	cases := []struct{ day, week string }{
		{"2026-12-28", "2026-W53"},
		{"2026-12-31", "2026-W53"},
		{"2027-01-03", "2026-W53"},
		{"2027-01-04", "2027-W01"},
		{"2025-12-29", "2026-W01"},
		{"2026-11-27", "2026-W48"},
	}
	for _, c := range cases {
		d, err := DayStart(c.day, Vietnam)
		if err != nil {
			t.Fatal(err)
		}
		if got := ISOWeek(d, Vietnam); got != c.week {
			t.Errorf("ISOWeek(%s) = %s, want %s", c.day, got, c.week)
		}
		start, err := WeekStart(c.week, Vietnam)
		if err != nil {
			t.Fatal(err)
		}
		if start.Weekday() != time.Monday || d.Before(start) || !d.Before(start.AddDate(0, 0, 7)) {
			t.Errorf("WeekStart(%s) = %s does not contain %s", c.week, start, c.day)
		}
	}
}

func TestWeekStartRejectsBadWeeks(t *testing.T) {
	for _, w := range []string{"2027-W53", "2026-W00", "2026-W54", "2026W48", "abcd-W01", "2026-W4", ""} {
		if _, err := WeekStart(w, Vietnam); err == nil {
			t.Errorf("WeekStart(%q) accepted a bad week", w)
		}
	}
	days, err := WeekDays("2026-W53", Vietnam)
	if err != nil || days[0] != "2026-12-28" || days[6] != "2027-01-03" {
		t.Fatalf("WeekDays(2026-W53) = %v, %v", days, err)
	}
}

func TestUnitValidateNamesTheField(t *testing.T) {
	ok := Unit{Code: "HN-01", Name: "Đoàn phường Ba Đình", Kind: UnitCommune, Emails: []string{"doan@badinh.vn"}}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid unit rejected: %v", err)
	}
	cases := map[string]Unit{
		"code":        {Name: "x", Kind: UnitCommune},
		"name":        {Code: "a", Kind: UnitCommune},
		"kind":        {Code: "a", Name: "x", Kind: "village"},
		"emails":      {Code: "a", Name: "x", Kind: UnitCommune, Emails: []string{"not an email"}},
		"parent_code": {Code: "a", Name: "x", Kind: UnitCommune, ParentCode: "a"},
	}
	for field, u := range cases {
		err := u.Validate()
		fe, isField := err.(*FieldError)
		if !isField || fe.Field != field {
			t.Errorf("Validate() = %v, want a FieldError on %q", err, field)
		}
	}
}

func TestValidFeedURL(t *testing.T) {
	for s, want := range map[string]bool{
		"https://doanthanhnien.vn/rss":   true,
		"http://example.vn/feed.xml":     true,
		"ftp://example.vn/x":             false,
		"javascript:alert(1)":            false,
		"/relative":                      false,
		"https://user:pw@example.vn/rss": false,
	} {
		if got := ValidFeedURL(s); got != want {
			t.Errorf("ValidFeedURL(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestPeriodTexts(t *testing.T) {
	for in, want := range map[string]string{
		"2026-11-27": "27/11/2026", "2026-W48": "tuần 48 (23/11 – 29/11/2026)", "2027-W01": "tuần 01 (04/01 – 10/01/2027)", "nope": "nope",
	} {
		if got := PeriodText(in); got != want {
			t.Errorf("PeriodText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := WeekRange("2026-11-27"); got != "" {
		t.Errorf("WeekRange of a day = %q, want \"\"", got)
	}
	if PeriodKindOf("2026-W48") != PeriodWeek || PeriodKindOf("2026-11-27") != PeriodDay {
		t.Error("PeriodKindOf mistakes a week for a day or the reverse")
	}
}
