package models

import (
	"fmt"
	"time"
	_ "time/tzdata" // the zone must exist in slim images
)

// Vietnam is Asia/Ho_Chi_Minh (UTC+7, no DST). Every day and week in tintot is bucketed here.
var Vietnam = mustZone("Asia/Ho_Chi_Minh")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// Clock is the source of "now"; every component takes one so tests run on virtual time.
type Clock interface{ Now() time.Time }

// SystemClock is the real wall clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// DayLayout is the layout of a local day key, e.g. "2026-11-27".
const DayLayout = "2006-01-02"

// LocalDay returns the Vietnamese calendar day of t as "YYYY-MM-DD".
func LocalDay(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(DayLayout)
}

// DayStart returns local midnight of the day key in loc.
func DayStart(day string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(DayLayout, day, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("ngày không hợp lệ %q (cần YYYY-MM-DD)", day)
	}
	return t, nil
}

// ISOWeek returns the ISO week key of t in loc, e.g. "2026-W48".
func ISOWeek(t time.Time, loc *time.Location) string {
	y, w := t.In(loc).ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// WeekStart returns local Monday 00:00 of an ISO week key "YYYY-Www".
func WeekStart(week string, loc *time.Location) (time.Time, error) {
	var y, w int
	if n, err := fmt.Sscanf(week, "%4d-W%2d", &y, &w); err != nil || n != 2 || len(week) != 8 || w < 1 || w > 53 {
		return time.Time{}, fmt.Errorf("tuần không hợp lệ %q (cần YYYY-Www, ví dụ 2026-W48)", week)
	}
	// ISO week 1 contains January 4th.
	jan4 := time.Date(y, time.January, 4, 0, 0, 0, 0, loc)
	offset := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	start := jan4.AddDate(0, 0, -offset+(w-1)*7)
	if yy, ww := start.ISOWeek(); yy != y || ww != w {
		return time.Time{}, fmt.Errorf("tuần %q không tồn tại trong năm %d", week, y)
	}
	return start, nil
}

// WeekDays returns the seven day keys (Monday..Sunday) of an ISO week.
func WeekDays(week string, loc *time.Location) ([]string, error) {
	start, err := WeekStart(week, loc)
	if err != nil {
		return nil, err
	}
	days := make([]string, 7)
	for i := range days {
		days[i] = start.AddDate(0, 0, i).Format(DayLayout)
	}
	return days, nil
}

// DayText is a day key as people read it: "27/11/2026" for "2026-11-27"; anything else
// as it is.
func DayText(day string) string {
	t, err := time.Parse(DayLayout, day)
	if err != nil {
		return day
	}
	return t.Format("02/01/2006")
}

// WeekRange is an ISO week's days as people read them: "(23/11 – 29/11/2026)" for
// "2026-W48"; "" for anything else.
func WeekRange(week string) string {
	start, err := WeekStart(week, Vietnam)
	if err != nil {
		return ""
	}
	return "(" + start.Format("02/01") + " – " + start.AddDate(0, 0, 6).Format("02/01/2006") + ")"
}

// WeekText is an ISO week as Vietnamese readers read it: "tuần 48 (23/11 – 29/11/2026)";
// anything else as it is.
func WeekText(week string) string {
	r := WeekRange(week)
	if r == "" {
		return week
	}
	return "tuần " + week[6:] + " " + r
}

// PeriodText is a day or an ISO week key as Vietnamese readers read it (DayText,
// WeekText).
func PeriodText(period string) string {
	if WeekRange(period) != "" {
		return WeekText(period)
	}
	return DayText(period)
}
