package quota

import (
	"time"

	"tintot/models"
)

// Data is the indexed input of an evaluation: counted posts per unit, local day and kind,
// the units' feeds and their outages. Build it once with NewData and reuse it for many
// units and periods; it is read-only afterwards.
type Data struct {
	counts  map[string]map[string]map[models.Kind]int // unit → day → kind → count
	feeds   map[string][]string                       // unit → feed IDs
	states  map[string]models.FeedState               // unit → worst feed state
	outages map[string][]models.FeedOutage            // feed ID → outages
	since   string                                    // first day whose counts are held ("" : unbounded)
}

// NewData indexes counts (as store.CountPosts returns them, already bucketed by local
// day), outages and feeds. A unit with no feed in feeds has no feed at all: it must submit
// its posts by hand, so missing posts are a shortfall, never "unknown".
func NewData(counts []models.DayCount, outages []models.FeedOutage, feeds []models.Feed) *Data {
	d := &Data{
		counts:  make(map[string]map[string]map[models.Kind]int),
		feeds:   make(map[string][]string),
		states:  make(map[string]models.FeedState),
		outages: make(map[string][]models.FeedOutage),
	}
	for _, c := range counts {
		d.AddCount(c)
	}
	for _, f := range feeds {
		d.feeds[f.UnitCode] = append(d.feeds[f.UnitCode], f.ID)
		if stateRank(f.State) > stateRank(d.states[f.UnitCode]) {
			d.states[f.UnitCode] = f.State
		}
	}
	for _, o := range outages {
		d.outages[o.FeedID] = append(d.outages[o.FeedID], o)
	}
	return d
}

// AddCount adds one day count (counts of the same unit, day and kind add up).
func (d *Data) AddCount(c models.DayCount) {
	days := d.counts[c.UnitCode]
	if days == nil {
		days = make(map[string]map[models.Kind]int)
		d.counts[c.UnitCode] = days
	}
	kinds := days[c.Day]
	if kinds == nil {
		kinds = make(map[models.Kind]int, 2)
		days[c.Day] = kinds
	}
	kinds[c.Kind] += c.Count
}

// Since records that counts are held from day on (inclusive): a streak that reaches that
// day is reported incomplete by Engine.Streak instead of being cut short silently.
func (d *Data) Since(day string) { d.since = day }

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

func (d *Data) count(unit, day string, kinds []models.Kind) int {
	byKind := d.counts[unit][day]
	n := 0
	for _, k := range kinds {
		n += byKind[k]
	}
	return n
}

// blind reports whether every feed of the unit was failing at instant at, so posts made
// since its last good read could not be seen. A unit without feeds is never blind.
func (d *Data) blind(unit string, at time.Time) bool {
	ids := d.feeds[unit]
	if len(ids) == 0 {
		return false
	}
	for _, id := range ids {
		failing := false
		for _, o := range d.outages[id] {
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
