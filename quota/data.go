package quota

import (
	"slices"
	"strings"
	"time"

	"tintot/models"
)

// Data is the indexed input of an evaluation: counted posts per unit, local day and kind,
// the units' feeds and their outages. Build it once with NewData and reuse it for many
// units and periods; it is read-only afterwards.
type Data struct {
	counts  map[string]*unitDays           // unit → counts per day
	feeds   map[string][]string            // unit → feed IDs
	states  map[string]models.FeedState    // unit → worst feed state
	outages map[string][]models.FeedOutage // feed ID → outages
	byUnit  map[string][]models.FeedOutage // unit → outages, of its deleted feeds too
	seen    map[string]observed            // unit → what its feeds have shown (units with feeds only)
	since   int32                          // first day whose counts are held (0 : unbounded)
	// the unit AddCount added to last: counts come grouped by day and unit, so most
	// lookups are the one before
	last *unitDays
	// the day AddCount parsed last, for the same reason
	lastDay string
	lastDN  int32
	// the days the counts are expected to cover (see Expect): a unit's run is
	// allocated for all of them at once
	spanFirst, spanDays int32
}

// observed is what a unit's feeds have shown: whether any was ever read, the first read,
// and the oldest moment any first read reached back to.
type observed struct {
	read        bool
	firstRead   time.Time
	coveredFrom time.Time
}

// kindCounts holds a day's counts in models.Kinds order.
type kindCounts [4]int32

// unitDays is one unit's counts for a contiguous run of days starting at day number first.
type unitDays struct {
	code  string
	first int32
	days  []kindCounts
}

// at returns the counts of day number dn (zero outside the run).
func (u *unitDays) at(dn int32) kindCounts {
	if u == nil {
		return kindCounts{}
	}
	i := dn - u.first
	if i < 0 || int(i) >= len(u.days) {
		return kindCounts{}
	}
	return u.days[i]
}

// slot returns the counts of day number dn, growing the run to include it.
func (u *unitDays) slot(dn int32) *kindCounts {
	if len(u.days) == 0 {
		u.first = dn
		u.days = make([]kindCounts, 1, 16)
		return &u.days[0]
	}
	if dn < u.first {
		grown := make([]kindCounts, int(u.first-dn)+len(u.days), int(u.first-dn)+cap(u.days))
		copy(grown[u.first-dn:], u.days)
		u.days, u.first = grown, dn
	}
	i := int(dn - u.first)
	for i >= len(u.days) {
		u.days = append(u.days, kindCounts{})
	}
	return &u.days[i]
}

// kindIndex is the position of k in models.Kinds (unknown kinds count as other).
func kindIndex(k models.Kind) int {
	switch k {
	case models.KindGoodNews:
		return 0
	case models.KindStory:
		return 1
	case models.KindIdeology:
		return 2
	}
	return 3
}

// kindMask is the set of kinds as bits of kindIndex.
func kindMask(kinds []models.Kind) uint8 {
	var m uint8
	for _, k := range kinds {
		m |= 1 << kindIndex(k)
	}
	return m
}

// dayNumber returns the days since 1970-01-01 of a "YYYY-MM-DD" key, or false.
func dayNumber(day string) (int32, bool) {
	if len(day) != 10 || day[4] != '-' || day[7] != '-' {
		return 0, false
	}
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(day[:4])
	m, ok2 := num(day[5:7])
	d, ok3 := num(day[8:])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, false
	}
	return daysFromCivil(y, m, d), true
}

// daysFromCivil is the proleptic Gregorian day number of y-m-d since 1970-01-01.
func daysFromCivil(y, m, d int) int32 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

// NewData indexes counts (as store.CountPosts returns them, already bucketed by local
// day), outages and feeds. A unit with no feed in feeds has no feed at all: it must submit
// its posts by hand, so missing posts are a shortfall, never "unknown".
func NewData(counts []models.DayCount, outages []models.FeedOutage, feeds []models.Feed) *Data {
	d := &Data{
		counts:  make(map[string]*unitDays),
		feeds:   make(map[string][]string),
		states:  make(map[string]models.FeedState),
		outages: make(map[string][]models.FeedOutage),
		byUnit:  make(map[string][]models.FeedOutage),
		seen:    make(map[string]observed),
	}
	for _, c := range counts {
		d.AddCount(c)
	}
	d.AddFeeds(feeds, outages)
	return d
}

// AddFeeds adds feeds (ID, UnitCode, State, FirstReadAt and CoveredFrom are used) and
// their outages.
func (d *Data) AddFeeds(feeds []models.Feed, outages []models.FeedOutage) {
	for _, f := range feeds {
		d.feeds[f.UnitCode] = append(d.feeds[f.UnitCode], f.ID)
		if stateRank(f.State) > stateRank(d.states[f.UnitCode]) {
			d.states[f.UnitCode] = f.State
		}
		o := d.seen[f.UnitCode]
		if f.FirstReadAt != nil {
			if !o.read || f.FirstReadAt.Before(o.firstRead) {
				o.firstRead = *f.FirstReadAt
			}
			cov := *f.FirstReadAt
			if f.CoveredFrom != nil && f.CoveredFrom.Before(cov) {
				cov = *f.CoveredFrom
			}
			if !o.read || cov.Before(o.coveredFrom) {
				o.coveredFrom = cov
			}
			o.read = true
		}
		d.seen[f.UnitCode] = o
	}
	for _, o := range outages {
		d.outages[o.FeedID] = append(d.outages[o.FeedID], o)
		d.byUnit[o.UnitCode] = append(d.byUnit[o.UnitCode], o)
	}
}

// AddCount adds one day count (counts of the same unit, day and kind add up). A count
// with a malformed day key is ignored. It keeps no reference to c's strings, so it can
// take counts straight from store.Store.EachCount.
func (d *Data) AddCount(c models.DayCount) {
	dn := d.lastDN
	if c.Day != d.lastDay || d.lastDay == "" {
		var ok bool
		if dn, ok = dayNumber(c.Day); !ok {
			return
		}
		d.lastDay, d.lastDN = strings.Clone(c.Day), dn
	}
	days := d.last
	if days == nil || c.UnitCode != days.code {
		days = d.counts[c.UnitCode]
		if days == nil {
			days = &unitDays{code: strings.Clone(c.UnitCode)}
			if d.spanDays > 0 && dn >= d.spanFirst && dn < d.spanFirst+d.spanDays {
				days.first, days.days = d.spanFirst, make([]kindCounts, d.spanDays)
			}
			d.counts[days.code] = days
		}
		d.last = days
	}
	days.slot(dn)[kindIndex(c.Kind)] += int32(c.Count)
}

// Posts returns the unit's counts by kind over the days [fromDay, toDay] (kinds without
// posts left out), from what d holds. Invalid day keys give an empty map.
func (d *Data) Posts(unit, fromDay, toDay string) map[models.Kind]int {
	out := map[models.Kind]int{}
	from, ok1 := dayNumber(fromDay)
	to, ok2 := dayNumber(toDay)
	ud := d.counts[unit]
	if !ok1 || !ok2 || ud == nil {
		return out
	}
	var sum kindCounts
	for dn := max(from, ud.first); dn <= to && int(dn-ud.first) < len(ud.days); dn++ {
		kc := ud.days[dn-ud.first]
		for k := range sum {
			sum[k] += kc[k]
		}
	}
	for i, k := range models.Kinds {
		if sum[i] != 0 {
			out[k] = int(sum[i])
		}
	}
	return out
}

// Expect tells d the days [fromDay, toDay] the counts about to be added cover, so that
// each unit's days are allocated once rather than grown day by day. Counts outside them
// are still taken.
func (d *Data) Expect(fromDay, toDay string) {
	from, ok1 := dayNumber(fromDay)
	to, ok2 := dayNumber(toDay)
	if ok1 && ok2 && to >= from {
		d.spanFirst, d.spanDays = from, to-from+1
	}
}

// Since records that counts are held from day on (inclusive): a streak that reaches that
// day is reported incomplete by Engine.Streak instead of being cut short silently.
func (d *Data) Since(day string) { d.since, _ = dayNumber(day) }

// FeedState returns the worst state among the unit's feeds ("" if it has none).
func (d *Data) FeedState(unit string) models.FeedState { return d.states[unit] }

func stateRank(s models.FeedState) int {
	switch s {
	case models.FeedOK:
		return 1
	case models.FeedFailing:
		return 2
	case models.FeedBroken:
		return 3
	}
	return 0
}

// count sums the kinds in mask over ndays days from day0 of a unit's counts.
func count(days *unitDays, day0 int32, ndays int, mask uint8) int {
	n := int32(0)
	for i := int32(0); i < int32(ndays); i++ {
		kc := days.at(day0 + i)
		for k := 0; k < len(kc); k++ {
			if mask&(1<<k) != 0 {
				n += kc[k]
			}
		}
	}
	return int(n)
}

// unitFacts are what every status of one unit needs from Data and the policy, looked up
// once per unit: a review judges each unit on a few dozen days and a yearly report on
// hundreds, and the lookups by unit code would otherwise dominate.
type unitFacts struct {
	days     *unitDays
	outages  [][]models.FeedOutage // the outages of each of the unit's feeds
	unseen   []span                // when the unit's posts could not be seen, even in hindsight
	hasFeeds bool
	seen     observed
	exempt   bool // an exemption of the policy names the unit or every unit
}

// factsOf gathers the unit's facts from d.
func (e Engine) factsOf(u *models.Unit, d *Data) unitFacts {
	f := unitFacts{days: d.counts[u.Code], seen: d.seen[u.Code]}
	ids := d.feeds[u.Code]
	if len(ids) > 0 {
		f.hasFeeds = true
		f.outages = make([][]models.FeedOutage, len(ids))
		for i, id := range ids {
			f.outages[i] = d.outages[id]
		}
	}
	if all := d.byUnit[u.Code]; len(all) > 0 {
		f.unseen = unseenSpans(f.outages, all, ids)
	}
	for _, ex := range e.Policy.Exemptions {
		if ex.UnitCode == "" || ex.UnitCode == u.Code {
			f.exempt = true
			break
		}
	}
	return f
}

// span is an interval of time [from, to); a zero to is open-ended.
type span struct{ from, to time.Time }

func (s span) overlaps(from, to time.Time) bool {
	return s.from.Before(to) && (s.to.IsZero() || s.to.After(from))
}

// outageGap is the part of an outage whose posts were never seen: from its start to
// how far back the read that ended it reached (FeedOutage.CoveredFrom; for a feed deleted
// while failing, its end), all of it while it is open. An outage whose reach is not
// recorded (closed by an earlier version) is taken as seen over, as before.
func outageGap(o models.FeedOutage) (span, bool) {
	switch {
	case o.To == nil:
		return span{from: o.From}, true
	case o.CoveredFrom != nil && o.CoveredFrom.After(o.From):
		to := *o.CoveredFrom
		if o.To.Before(to) {
			to = *o.To
		}
		return span{o.From, to}, true
	}
	return span{}, false
}

// unseenSpans returns when a unit's posts could not be seen even in hindsight: while
// every feed of the unit was in an outage gap (outageGap), and while a feed since deleted
// was (of a unit that had other feeds too, conservatively).
func unseenSpans(byFeed [][]models.FeedOutage, all []models.FeedOutage, ids []string) []span {
	var common []span
	for i, os := range byFeed {
		var gaps []span
		for _, o := range os {
			if g, ok := outageGap(o); ok {
				gaps = append(gaps, g)
			}
		}
		if i == 0 {
			common = gaps
		} else {
			common = intersectSpans(common, gaps)
		}
		if len(common) == 0 {
			break
		}
	}
	for _, o := range all {
		if !slices.Contains(ids, o.FeedID) {
			if g, ok := outageGap(o); ok {
				common = append(common, g)
			}
		}
	}
	return common
}

// intersectSpans returns the instants in both a and b, as spans.
func intersectSpans(a, b []span) []span {
	var out []span
	for _, x := range a {
		for _, y := range b {
			s := span{from: x.from, to: x.to}
			if y.from.After(s.from) {
				s.from = y.from
			}
			if !y.to.IsZero() && (s.to.IsZero() || y.to.Before(s.to)) {
				s.to = y.to
			}
			if s.to.IsZero() || s.from.Before(s.to) {
				out = append(out, s)
			}
		}
	}
	return out
}

// unseenIn reports whether the unit's posts could not be seen, even in hindsight, at some
// instant of [from, to) (see unseenSpans).
func (f *unitFacts) unseenIn(from, to time.Time) bool {
	for _, s := range f.unseen {
		if s.overlaps(from, to) {
			return true
		}
	}
	return false
}

// failing reports whether every feed of the unit was failing at instant at, so posts made
// since its last good read could not be seen. A unit without feeds is never blind.
func (f *unitFacts) failing(at time.Time) bool {
	if !f.hasFeeds {
		return false
	}
	for _, os := range f.outages {
		failing := false
		for _, o := range os {
			if !o.From.After(at) && (o.To == nil || o.To.After(at)) {
				failing = true
				break
			}
		}
		if !failing {
			return false
		}
	}
	return true
}

// blindness is why tintot could see nothing of a unit in a period (see the package doc).
type blindness uint8

const (
	sighted            blindness = iota // seen
	beforeRegistration                  // a unit without feeds, before it was registered
	neverRead                           // no feed of the unit was ever read
	beforeCovered                       // before the oldest item the first reads showed
)

// note is the Vietnamese reason shown for a blindness.
func (b blindness) note(f *unitFacts) string {
	switch b {
	case beforeRegistration:
		return "Kỳ này bắt đầu trước khi đơn vị được đăng ký trên hệ thống, chưa xác định được số bài"
	case neverRead:
		return "Chưa đọc được nguồn tin nào của đơn vị, chưa xác định được số bài"
	case beforeCovered:
		return "Nguồn tin của đơn vị không cho thấy bài đăng trước " + f.seen.coveredFrom.In(models.Vietnam).Format("15:04 02/01/2006") + ", chưa xác định được số bài"
	}
	return ""
}

// sight applies the observation rule to unit u and period p: whether tintot could see
// nothing of the period, and whether the period is known only in hindsight (it began
// before tintot first read the unit). A unit with feeds is seen from the oldest item its
// feeds' first reads showed; before any feed is read nothing of it is seen. A unit
// without feeds submits by hand and is seen from its registration (a zero registration
// time: always).
func (f *unitFacts) sight(u *models.Unit, p period) (blindness, bool) {
	if !f.hasFeeds {
		if !u.CreatedAt.IsZero() && p.start.Before(u.CreatedAt) {
			return beforeRegistration, false
		}
		return sighted, false
	}
	switch {
	case !f.seen.read:
		return neverRead, false
	case p.start.Before(f.seen.coveredFrom):
		return beforeCovered, true
	}
	return sighted, p.start.Before(f.seen.firstRead)
}
