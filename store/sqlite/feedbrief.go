package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"tintot/models"
)

// briefFeeds is ListFeeds with FeedFilter.Brief: the columns come back packed in one
// string (rows crossing the driver cost far more than the scan; a province's review reads
// thousands of feeds). A listing whose text does not parse (a field holding the separator
// characters) is read again row by row.
func (s *Store) briefFeeds(ctx context.Context, w where) ([]models.Feed, error) {
	var packed sql.NullString
	err := s.r.QueryRowContext(ctx, `SELECT group_concat(id || char(31) || unit_code || char(31) || url || char(31) || state || char(31) ||
		COALESCE(created_at, '') || char(31) || COALESCE(first_read_at, '') || char(31) || COALESCE(covered_from, '') || char(31) ||
		COALESCE(last_success_at, ''), char(30))
		FROM (SELECT id, unit_code, url, state, created_at, first_read_at, covered_from, last_success_at FROM feeds`+w.String()+` ORDER BY unit_code, url)`, w.args...).Scan(&packed)
	if err != nil {
		return nil, fmt.Errorf("sqlite: unable to list feeds: %w", err)
	}
	if !packed.Valid || packed.String == "" {
		return []models.Feed{}, nil
	}
	out := make([]models.Feed, 0, strings.Count(packed.String, "\x1e")+1)
	for rec := range strings.SplitSeq(packed.String, "\x1e") {
		f, ok := parseBriefFeed(rec)
		if !ok {
			return queryAll(ctx, s.r, "feeds", "feed", scanBriefFeed, `SELECT id, unit_code, url, state, created_at, first_read_at, covered_from, last_success_at FROM feeds`+w.String()+` ORDER BY unit_code, url`, w.args...)
		}
		out = append(out, f)
	}
	return out, nil
}

// parseBriefFeed decodes one packed feed of briefFeeds.
func parseBriefFeed(rec string) (models.Feed, bool) {
	var f models.Feed
	var fields [8]string
	for i := range fields {
		if i == len(fields)-1 {
			if strings.IndexByte(rec, 0x1f) >= 0 {
				return f, false
			}
			fields[i] = rec
			break
		}
		j := strings.IndexByte(rec, 0x1f)
		if j < 0 {
			return f, false
		}
		fields[i], rec = rec[:j], rec[j+1:]
	}
	ms := func(s string) (sql.NullInt64, bool) {
		if s == "" {
			return sql.NullInt64{}, true
		}
		n, err := strconv.ParseInt(s, 10, 64)
		return sql.NullInt64{Int64: n, Valid: true}, err == nil
	}
	created, ok1 := ms(fields[4])
	first, ok2 := ms(fields[5])
	covered, ok3 := ms(fields[6])
	success, ok4 := ms(fields[7])
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return f, false
	}
	f.ID, f.UnitCode, f.URL, f.State = fields[0], fields[1], fields[2], models.FeedState(fields[3])
	f.CreatedAt = fromMS(created)
	f.FirstReadAt, f.CoveredFrom = fromMSPtr(first), fromMSPtr(covered)
	f.LastSuccessAt = fromMSPtr(success)
	return f, true
}
