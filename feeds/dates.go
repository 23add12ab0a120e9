package feeds

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"tintot/models"
)

// Layouts that carry a zone.
var zonedLayouts = []string{
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 02 Jan 06 15:04:05 -0700", // CafeF: two-digit year
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Mon, 02 Jan 06 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 2006 15:04 MST",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 MST",
	"02 Jan 06 15:04 -0700",
	"02 Jan 06 15:04 MST",
	"02 Jan 06 1504 MST", // '03 Apr 02 1500 GMT'
	"Mon, 2 January 2006 15:04:05 -0700",
	"Mon Jan _2 15:04:05 -0700 2006",
	time.RFC3339Nano,
	time.RFC3339,
	"2006-01-02T15:04:05-0700",
	"2006-01-02T15:04-07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05-07:00",
	"2006-01-02 15:04:05 MST",
}

// Layouts without a zone: the time is Vietnamese local time.
var localLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05",
	"Mon, Jan 2 2006 03:04:05 PM", // NBC: month and day swapped, 12-hour
	"Mon, Jan 2 2006 15:04:05",
	"2 Jan 2006 15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/1/2 15:04:05", // yyyy/mm/dd, some Vietnamese CMSs
	"2006/1/2 15:04",
	"2006/1/2",
	"Mon, 2 Jan 2006",
	"2 Jan 2006",
	"January 2, 2006 15:04",
	"January 2, 2006",
}

var (
	gmtOffsetRe = regexp.MustCompile(`(?i)\b(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\b`)
	parenZoneRe = regexp.MustCompile(`\(\s*([+-]\d{4})\s*\)`)
	slashDateRe = regexp.MustCompile(`(\d{1,2})[/-](\d{1,2})[/-](\d{4})`)
	clockRe     = regexp.MustCompile(`(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?`)
	numZoneRe   = regexp.MustCompile(`[+-]\d{4}\b`)
)

// parseDate reads a feed date. Dates without a zone are Asia/Ho_Chi_Minh local time.
// ok is false when nothing usable was found.
func parseDate(s string) (time.Time, bool) {
	s = collapseSpace(s) // as strings.Join(strings.Fields(s), " "), without copying a date already so
	if s == "" {
		return time.Time{}, false
	}
	// "GMT+7", "GMT+07:00", "UTC+7" → "+0700" (the regexps run only on dates that can
	// match: most carry neither, and they were most of a feed's date reading)
	if containsFoldASCII(s, "gmt") || containsFoldASCII(s, "utc") {
		s = gmtOffsetRe.ReplaceAllStringFunc(s, func(m string) string {
			sm := gmtOffsetRe.FindStringSubmatch(m)
			h, _ := strconv.Atoi(sm[2])
			mm := sm[3]
			if mm == "" {
				mm = "00"
			}
			return sm[1] + pad2(h) + mm
		})
	}
	if strings.IndexByte(s, '(') >= 0 {
		s = parenZoneRe.ReplaceAllString(s, "$1")
	}
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return fixZone(t, s), true
		}
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, s, models.Vietnam); err == nil {
			return t, true
		}
	}
	// Unix seconds (RSSHub creation_time).
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 1e9 && n < 1e11 {
		return time.Unix(n, 0), true
	}
	return slashDate(s)
}

// fixZone maps zone abbreviations Go does not know (parsed as offset 0 with that name) to
// real offsets; "ICT" is Indochina time.
func fixZone(t time.Time, s string) time.Time {
	name, off := t.Zone()
	if off != 0 || name == "UTC" || name == "GMT" || name == "Z" || name == "" || numZoneRe.MatchString(s) {
		return t
	}
	switch strings.ToUpper(name) {
	case "ICT":
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), models.Vietnam)
	case "EST":
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.FixedZone("EST", -5*3600))
	case "EDT":
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.FixedZone("EDT", -4*3600))
	case "PST":
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.FixedZone("PST", -8*3600))
	case "PDT":
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.FixedZone("PDT", -7*3600))
	}
	// Other unambiguous abbreviations (CST, IST and the like name several zones: left as
	// they are read).
	if h, ok := zoneHours[strings.ToUpper(name)]; ok {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.FixedZone(name, h*3600))
	}
	return t
}

// zoneHours are the offsets of zone abbreviations feeds use that Go reads as offset 0.
var zoneHours = map[string]int{
	"WIB": 7, "HKT": 8, "SGT": 8, "AWST": 8, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
	"MSK": 3, "EET": 2, "EEST": 3, "CET": 1, "CEST": 2, "BST": 1, "WET": 0, "WEST": 1,
	"MST": -7, "MDT": -6, "CDT": -5, "AKST": -9, "AKDT": -8, "HST": -10,
}

// slashDate reads Vietnamese site dates "dd/mm/yyyy [HH:MM[:SS]]" (or "dd-mm-yyyy"), "15:12 21/04/2018",
// "05:52, Thứ Sáu, 07/10/2022 (+0700)", and US "M/d/yyyy h:mm:ss PM" (Zing) when AM/PM
// is present. Without an explicit offset the time is Vietnamese local time.
func slashDate(s string) (time.Time, bool) {
	dm := slashDateRe.FindStringSubmatch(s)
	if dm == nil {
		return time.Time{}, false
	}
	a, _ := strconv.Atoi(dm[1])
	b, _ := strconv.Atoi(dm[2])
	y, _ := strconv.Atoi(dm[3])
	var hh, mi, ss int
	ampm := ""
	rest := strings.Replace(s, dm[0], " ", 1)
	if cm := clockRe.FindStringSubmatch(rest); cm != nil {
		hh, _ = strconv.Atoi(cm[1])
		mi, _ = strconv.Atoi(cm[2])
		ss, _ = strconv.Atoi(cm[3])
		ampm = strings.ToUpper(cm[4])
	}
	day, month := a, b // Vietnamese order
	if ampm != "" || b > 12 {
		day, month = b, a // US order
	}
	if ampm == "PM" && hh < 12 {
		hh += 12
	} else if ampm == "AM" && hh == 12 {
		hh = 0
	}
	if month < 1 || month > 12 || day < 1 || day > 31 || hh > 23 || mi > 59 || ss > 60 {
		return time.Time{}, false
	}
	loc := models.Vietnam
	if zm := numZoneRe.FindString(rest); zm != "" {
		if z, err := time.Parse("-0700", zm); err == nil {
			loc = z.Location()
		}
	}
	t := time.Date(y, time.Month(month), day, hh, mi, ss, 0, loc)
	if t.Day() != day { // 31/02 and the like
		return time.Time{}, false
	}
	return t, true
}

// containsFoldASCII reports whether s contains the lower-case ASCII word w in any case.
func containsFoldASCII(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		j := 0
		for j < len(w) && s[i+j]|0x20 == w[j] {
			j++
		}
		if j == len(w) {
			return true
		}
	}
	return false
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
