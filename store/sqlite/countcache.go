package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"tintot/models"
)

// maxCachedCounts caps the counters dayCache holds (16 bytes each: ~32 MB, a year of a
// province of 4,000 units); the days read least recently go first.
const maxCachedCounts = 2_000_000

// dayCache keeps whole days of counters in memory, each with the version count_days had
// when it was read. A reader compares the versions of the days it asks for (one small
// query) and reads again only the days that changed since, so a review or a yearly
// report reads today's counters and not the whole range. Any connection or process that
// writes a counter bumps its day's version (triggers of migration 8), so nothing stale
// is ever served.
type dayCache struct {
	mu      sync.Mutex
	days    map[string]*cachedDay
	units   []string // unit codes, indexed by countRec.unit
	unitIdx map[string]int32
	kinds   []models.Kind
	kindIdx map[string]uint8
	records int
	tick    uint64
}

// cachedDay is one day of counters as read at version.
type cachedDay struct {
	version int64
	recs    []countRec
	used    uint64 // last tick it was read
	// rows holds a day the cache cannot hold (its text did not parse, or it brings a
	// 256th kind): it is passed on as read and not kept.
	rows []models.DayCount
}

// countRec is one counter of a day: a unit, a kind (indexes into dayCache), the count and
// the manual posts among them.
type countRec struct {
	unit          int32
	kind          uint8
	count, manual int32
}

// intern returns the index of a unit code and of a kind, adding them if new; false when
// the kind table is full (then the day is not cached). c.mu must be held.
func (c *dayCache) intern(unit, kind string) (int32, uint8, bool) {
	if c.unitIdx == nil {
		c.unitIdx = map[string]int32{}
		c.kindIdx = map[string]uint8{}
		c.days = map[string]*cachedDay{}
	}
	u, ok := c.unitIdx[unit]
	if !ok {
		code := strings.Clone(unit)
		u = int32(len(c.units))
		c.units = append(c.units, code)
		c.unitIdx[code] = u
	}
	k, ok := c.kindIdx[kind]
	if !ok {
		if len(c.kinds) >= 255 {
			return 0, 0, false
		}
		name := strings.Clone(kind)
		k = uint8(len(c.kinds))
		c.kinds = append(c.kinds, models.Kind(name))
		c.kindIdx[name] = k
	}
	return u, k, true
}

// evict drops the days read least recently until the cache holds at most
// maxCachedCounts counters, keeping the days of keep (the ones being read). c.mu must
// be held.
func (c *dayCache) evict(keep map[string]bool) {
	for c.records > maxCachedCounts {
		oldest, at := "", uint64(0)
		for day, d := range c.days {
			if !keep[day] && (oldest == "" || d.used < at) {
				oldest, at = day, d.used
			}
		}
		if oldest == "" {
			return
		}
		c.records -= len(c.days[oldest].recs)
		delete(c.days, oldest)
	}
}

// dayVersion is a day of count_days.
type dayVersion struct {
	day     string
	version int64
}

// countDays passes the counters (count > 0) of the days in [fromDay, toDay] ("" :
// unbounded) to fn, in the order of countPacked, filtered by keep (nil: every unit),
// from the cache where the day has not changed since it was read.
func (s *Store) countDays(ctx context.Context, fromDay, toDay string, keep map[string]bool, fn func(models.DayCount)) error {
	// One read transaction: the versions and the days read again come from one snapshot,
	// so a day is never cached under a version newer than its counters.
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: unable to count posts: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read only
	var w where
	if fromDay != "" {
		w.add("local_day >= ?", fromDay)
	}
	if toDay != "" {
		w.add("local_day <= ?", toDay)
	}
	versions, err := queryAll(ctx, tx, "count_days", "day version", func(sc rowScanner) (dayVersion, error) {
		var v dayVersion
		err := sc.Scan(&v.day, &v.version)
		return v, err
	}, `SELECT local_day, version FROM count_days`+w.String()+` ORDER BY local_day`, w.args...)
	if err != nil {
		return err
	}
	c := &s.dayCache
	var stale []string
	c.mu.Lock()
	for _, v := range versions {
		if d, ok := c.days[v.day]; !ok || d.version != v.version {
			stale = append(stale, v.day)
		}
	}
	c.mu.Unlock()
	fresh, err := s.readDays(ctx, tx, stale)
	if err != nil {
		return err
	}
	_ = tx.Commit()

	c.mu.Lock()
	c.tick++
	entries := make([]*cachedDay, len(versions))
	inUse := make(map[string]bool, len(versions))
	for i, v := range versions {
		inUse[v.day] = true
		if f, ok := fresh[v.day]; ok {
			f.version = v.version
			if f.rows == nil {
				if old, ok := c.days[v.day]; ok {
					c.records -= len(old.recs)
				}
				c.days[v.day] = f
				c.records += len(f.recs)
			}
			entries[i] = f
		} else {
			entries[i] = c.days[v.day]
		}
		entries[i].used = c.tick
	}
	c.evict(inUse)
	units, kinds := c.units, c.kinds
	var kept []bool
	if keep != nil {
		kept = make([]bool, len(units))
		for code := range keep {
			if i, ok := c.unitIdx[code]; ok {
				kept[i] = true
			}
		}
	}
	c.mu.Unlock()

	for i, e := range entries {
		day := versions[i].day
		if e.rows != nil { // a day the cache cannot hold
			for _, dc := range e.rows {
				if keep == nil || keep[dc.UnitCode] {
					fn(dc)
				}
			}
			continue
		}
		for _, r := range e.recs {
			if kept != nil && !kept[r.unit] {
				continue
			}
			fn(models.DayCount{UnitCode: units[r.unit], Day: day, Kind: kinds[r.kind], Count: int(r.count), Manual: int(r.manual)})
		}
	}
	return nil
}

// readDays reads the counters of days through tx, one packed string per day (see
// countPacked). A day whose text does not parse is read again row by row after the
// packed query is closed (an in-memory database has a single connection).
func (s *Store) readDays(ctx context.Context, tx *sql.Tx, days []string) (map[string]*cachedDay, error) {
	if len(days) == 0 {
		return nil, nil
	}
	out := make(map[string]*cachedDay, len(days))
	for _, d := range days {
		out[d] = &cachedDay{recs: []countRec{}}
	}
	rows, err := tx.QueryContext(ctx, `SELECT local_day, group_concat(packed, char(30)) FROM post_counts
		WHERE count > 0 AND local_day IN (SELECT value FROM json_each(?)) GROUP BY local_day ORDER BY local_day`, jsonText(days))
	if err != nil {
		return nil, fmt.Errorf("sqlite: unable to count posts: %w", err)
	}
	defer rows.Close()
	kinds := make(map[string]models.Kind, len(models.Kinds))
	for _, k := range models.Kinds {
		kinds[string(k)] = k
	}
	c := &s.dayCache
	var unparsed []string
	for rows.Next() {
		var day, packed string
		if err := rows.Scan(&day, &packed); err != nil {
			return nil, fmt.Errorf("sqlite: unable to read counts: %w", err)
		}
		e := out[day]
		if e == nil {
			continue
		}
		n := strings.Count(packed, "\x1e") + 1
		recs := make([]countRec, 0, n)
		ok := true
		c.mu.Lock()
		for rec := range strings.SplitSeq(packed, "\x1e") {
			dc, good := parsePacked(rec, day, kinds)
			if !good {
				ok = false
				break
			}
			u, k, room := c.intern(dc.UnitCode, string(dc.Kind))
			if !room {
				ok = false
				break
			}
			recs = append(recs, countRec{unit: u, kind: k, count: int32(dc.Count), manual: int32(dc.Manual)})
		}
		c.mu.Unlock()
		if !ok {
			unparsed = append(unparsed, day)
			continue
		}
		e.recs = recs
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: unable to count posts: %w", err)
	}
	rows.Close()
	for _, day := range unparsed {
		var w where
		w.add("count > 0")
		w.add("local_day = ?", day)
		e := out[day]
		e.rows = []models.DayCount{}
		err := countRowsOn(ctx, tx, w, nil, func(dc models.DayCount) {
			dc.UnitCode, dc.Day, dc.Kind = strings.Clone(dc.UnitCode), day, models.Kind(strings.Clone(string(dc.Kind)))
			e.rows = append(e.rows, dc)
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
