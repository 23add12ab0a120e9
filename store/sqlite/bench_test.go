package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// Benchmark database shape: a year of posts for a large province.
const (
	benchVersion = "v3" // bump when the schema or the generator changes
	benchUnits   = 3300
	benchDays    = 365
	benchFirst   = "2025-11-24" // a Monday
)

// benchDB returns the path of the cached one-year benchmark database, building it once:
// schema by Open, then posts generated in SQL with the post indexes and triggers set
// aside, rebuilt afterwards (sorted index builds are far faster than row-by-row upkeep).
func benchDB(b *testing.B) string {
	b.Helper()
	return cachedDB(b, "tintot-bench", buildBenchDB)
}

// cachedDB returns the path of a benchmark database in the temporary directory, named by
// prefix, the generator version and the schema version, building it with build (into a
// file of its own, renamed into place once complete) when it is not there yet.
func cachedDB(b *testing.B, prefix string, build func(b *testing.B, tmp string)) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("%s-%s-m%d.db", prefix, benchVersion, len(migrations)))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	start := time.Now()
	tmp := fmt.Sprintf("%s.building-%d", path, os.Getpid()) // concurrent builders never share a file
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(tmp + suffix)
	}
	build(b, tmp)
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	b.Logf("built %s in %s", path, time.Since(start).Round(time.Second))
	return path
}

// buildBenchDB writes the one-year benchmark database into tmp.
func buildBenchDB(b *testing.B, tmp string) {
	ctx := context.Background()
	s, err := Open(ctx, tmp)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+tmp+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)&_pragma=cache_size(-1000000)&_pragma=temp_store(MEMORY)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	exec := func(q string) {
		b.Helper()
		if _, err := db.ExecContext(ctx, q); err != nil {
			b.Fatalf("build benchmark database: %v\n%s", err, q)
		}
	}
	var deferred []string
	rows, err := db.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_master
		WHERE tbl_name IN ('posts', 'post_counts') AND type IN ('index', 'trigger') AND sql IS NOT NULL`)
	if err != nil {
		b.Fatal(err)
	}
	var drops []string
	for rows.Next() {
		var typ, name, ddl string
		if err := rows.Scan(&typ, &name, &ddl); err != nil {
			b.Fatal(err)
		}
		drops = append(drops, "DROP "+strings.ToUpper(typ)+" "+name)
		deferred = append(deferred, ddl)
	}
	rows.Close()
	for _, q := range drops {
		exec(q)
	}
	exec(`INSERT INTO units(code, name, kind, parent_code, emails, created_at, updated_at)
		VALUES ('P', 'Tỉnh đoàn', 'province', NULL, '[]', 0, 0)`)
	exec(fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %d)
		INSERT INTO units(code, name, kind, parent_code, emails, created_at, updated_at)
		SELECT printf('X%%04d', i), printf('Đoàn xã %%d', i), 'commune', 'P', '[]', 0, 0 FROM n`, benchUnits))
	// Posts: 0..6 per unit and day (about 3), mostly good news, then stories, other and
	// ideology; about 5%% manual (a fifth of those rejected), 1%% excluded, 1%% reclassified.
	exec(fmt.Sprintf(`WITH RECURSIVE
		u(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM u WHERE i + 1 < %d),
		d(j, day) AS (SELECT 0, '%s' UNION ALL SELECT j + 1, date(day, '+1 day') FROM d WHERE j + 1 < %d),
		k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k WHERE k + 1 < 6),
		g AS (SELECT u.i, d.j, d.day, k.k,
				CASE (u.i * 7 + d.j * 3 + k.k) %% 10 WHEN 0 THEN 'story' WHEN 1 THEN 'story' WHEN 2 THEN 'other'
					WHEN 3 THEN 'ideology' ELSE 'good_news' END AS rule_kind,
				(u.i + d.j + k.k) %% 20 = 0 AS manual,
				(u.i + d.j + k.k) %% 20 = 0 AND (u.i + d.j) %% 5 = 0 AS rejected,
				(u.i * 13 + d.j + k.k) %% 100 = 3 AS excluded,
				(u.i + d.j * 11 + k.k) %% 100 = 7 AS reclassified
			FROM u CROSS JOIN d CROSS JOIN k WHERE k.k < (u.i * 31 + d.j * 17) %% 7)
		INSERT INTO posts(id, unit_code, feed_id, item_key, source, url, title, summary, categories, published_at, local_day,
			first_seen_at, rule_kind, rule_reason, rejected, updated_at, eff_kind, counted, override)
		SELECT printf('%%032x', (i * 1000 + j) * 10 + k), printf('X%%04d', i), 'feed', printf('%%s-%%d', day, k),
			CASE WHEN manual THEN 'manual' ELSE 'feed' END, 'https://example.vn/p', 'Bài viết', '', '[]',
			(unixepoch(day) - 7 * 3600 + 3600 * (1 + 3 * k)) * 1000, day, (unixepoch(day) - 7 * 3600 + 3600 * (2 + 3 * k)) * 1000,
			rule_kind, 'bench', rejected, 0,
			CASE WHEN reclassified AND NOT excluded THEN 'good_news' ELSE rule_kind END,
			NOT rejected AND NOT excluded,
			CASE WHEN excluded THEN '{"excluded":true,"by":"bench","at":"2026-01-01T00:00:00Z"}'
				WHEN reclassified THEN '{"kind":"good_news","by":"bench","at":"2026-01-01T00:00:00Z"}' END
		FROM g`, benchUnits, benchFirst, benchDays))
	exec(`INSERT INTO post_counts(local_day, unit_code, kind, count, manual)
		SELECT local_day, unit_code, eff_kind, COUNT(*), SUM(source = 'manual') FROM posts WHERE counted = 1
		GROUP BY local_day, unit_code, eff_kind`)
	// The counters' day versions, which a poll's batch writes itself (migration 13).
	exec(`INSERT INTO count_days(local_day, version) SELECT DISTINCT local_day, 1 FROM post_counts`)
	for _, q := range deferred {
		exec(q)
	}
	// No ANALYZE: tintot never runs it, so the planner works without statistics, as on a
	// user's database.
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM posts`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	exec(`PRAGMA journal_mode=WAL`)
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d posts", n)
}

// reportPercentiles reports p50/p95 of per-call wall durations in milliseconds, and the
// process CPU time per call since cpu0 (wall time inflates when the machine is shared).
func reportPercentiles(b *testing.B, ds []time.Duration, cpu0 time.Duration) {
	if len(ds) == 0 {
		return
	}
	if cpu := processCPU(); cpu > 0 {
		b.ReportMetric(float64((cpu-cpu0).Microseconds())/1000/float64(len(ds)), "cpu-ms/op")
	}
	slices.Sort(ds)
	at := func(p float64) float64 {
		i := int(p * float64(len(ds)-1))
		return float64(ds[i].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
}

func openBench(b *testing.B) *Store {
	b.Helper()
	s, err := Open(context.Background(), benchDB(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkCountPostsReview counts all 3,300 commune units over one ISO week, as the
// weekly review does, on a year of posts.
func BenchmarkCountPostsReview(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	units, err := s.Descendants(ctx, "P")
	if err != nil {
		b.Fatal(err)
	}
	codes := make([]string, len(units))
	for i, u := range units {
		codes[i] = u.Code
	}
	first, _ := models.DayStart(benchFirst, models.Vietnam)
	var ds []time.Duration
	rows := 0
	// Warm the page cache over every week measured, as a running server would have it.
	for i := range 50 {
		from := first.AddDate(0, 0, 7*i)
		if _, err := s.CountPosts(ctx, store.CountQuery{FromDay: models.LocalDay(from, models.Vietnam), ToDay: models.LocalDay(from.AddDate(0, 0, 6), models.Vietnam)}); err != nil {
			b.Fatal(err)
		}
	}
	cpu0 := processCPU()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		week := models.ISOWeek(first.AddDate(0, 0, 7*(i%50)), models.Vietnam)
		days, err := models.WeekDays(week, models.Vietnam)
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		cs, err := s.CountPosts(ctx, store.CountQuery{UnitCodes: codes, FromDay: days[0], ToDay: days[6]})
		ds = append(ds, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		rows = len(cs)
	}
	b.StopTimer()
	if rows == 0 {
		b.Fatal("review counted nothing")
	}
	b.ReportMetric(float64(rows), "rows/op")
	reportPercentiles(b, ds, cpu0)
}

// BenchmarkCountPostsUnit counts one unit over 14 days, as a unit's status page does.
func BenchmarkCountPostsUnit(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	first, _ := models.DayStart(benchFirst, models.Vietnam)
	var ds []time.Duration
	rows := 0
	// Warm the page cache over every week measured, as a running server would have it.
	for i := range 50 {
		from := first.AddDate(0, 0, 7*i)
		if _, err := s.CountPosts(ctx, store.CountQuery{FromDay: models.LocalDay(from, models.Vietnam), ToDay: models.LocalDay(from.AddDate(0, 0, 6), models.Vietnam)}); err != nil {
			b.Fatal(err)
		}
	}
	cpu0 := processCPU()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		from := first.AddDate(0, 0, (i*13)%(benchDays-14))
		q := store.CountQuery{
			UnitCodes: []string{fmt.Sprintf("X%04d", (i*197)%benchUnits)},
			FromDay:   models.LocalDay(from, models.Vietnam),
			ToDay:     models.LocalDay(from.AddDate(0, 0, 13), models.Vietnam),
		}
		t0 := time.Now()
		cs, err := s.CountPosts(ctx, q)
		ds = append(ds, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		rows += len(cs)
	}
	b.StopTimer()
	if rows == 0 {
		b.Fatal("unit counts are empty")
	}
	reportPercentiles(b, ds, cpu0)
}

// BenchmarkUpsertPosts writes one poll batch of 20 posts (half new, half already seen).
func BenchmarkUpsertPosts(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "upsert.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.CreateUnit(ctx, models.Unit{Code: "X1", Name: "Đoàn xã", Kind: models.UnitCommune}); err != nil {
		b.Fatal(err)
	}
	base := time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)
	var ds []time.Duration
	cpu0 := processCPU()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		batch := make([]models.Post, 20)
		for j := range batch {
			n := i*10 + j // consecutive polls overlap by ten items, like a real feed
			at := base.Add(time.Duration(n) * time.Minute)
			batch[j] = models.Post{UnitCode: "X1", FeedID: "f1", ItemKey: fmt.Sprintf("https://x1.vn/bai-%d", n),
				Title: "Tin tốt", Summary: "Tóm tắt", Categories: []string{"Tin tốt"}, PublishedAt: at,
				LocalDay: models.LocalDay(at, models.Vietnam), FirstSeenAt: at, RuleKind: models.KindGoodNews, RuleReason: "#tintot"}
		}
		t0 := time.Now()
		if _, err := s.UpsertPosts(ctx, batch); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
	}
	b.StopTimer()
	reportPercentiles(b, ds, cpu0)
}

// BenchmarkListPostsWeekAll lists a week's posts of kind "other" across every unit, as
// the admin's /check of a whole province does, on a year of posts.
func BenchmarkListPostsWeekAll(b *testing.B) {
	s := openBench(b)
	ctx := context.Background()
	first, _ := models.DayStart(benchFirst, models.Vietnam)
	var ds []time.Duration
	n := 0
	cpu0 := processCPU()
	for i := 0; b.Loop(); i++ {
		from := first.AddDate(0, 0, 7*(i%50))
		f := store.PostFilter{FromDay: models.LocalDay(from, models.Vietnam), ToDay: models.LocalDay(from.AddDate(0, 0, 6), models.Vietnam),
			Kind: models.KindOther, NoOverride: true}
		t0 := time.Now()
		ps, err := s.ListPosts(ctx, f)
		ds = append(ds, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		n = len(ps)
	}
	b.ReportMetric(float64(n), "posts")
	reportPercentiles(b, ds, cpu0)
}

// benchAlertsDB returns the path of a cached database holding a year of alerts for the
// benchmark province: an afternoon reminder and a shortfall notice for about a third of
// its communes each day (~730,000), a few feed notices. The bodies are left short, to
// keep the file small (real ones, ~0.6 KB of text and ~2 KB of HTML, would make it
// ~3 GB): reading every alert costs less here than on a user's database.
func benchAlertsDB(b *testing.B) string {
	b.Helper()
	return cachedDB(b, "tintot-bench-alerts", buildAlertsDB)
}

// buildAlertsDB writes the year of alerts into tmp.
func buildAlertsDB(b *testing.B, tmp string) {
	ctx := context.Background()
	s, err := Open(ctx, tmp)
	if err != nil {
		b.Fatal(err)
	}
	_, err = s.w.ExecContext(ctx, fmt.Sprintf(`WITH RECURSIVE
		d(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM d WHERE j + 1 < %d),
		u(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM u WHERE i + 1 < %d),
		t(typ) AS (VALUES ('at_risk'), ('daily_short'))
		INSERT INTO alerts(id, dedup_key, type, unit_code, period, level, recipients, subject, body_text, body_html, status, attempts, created_at, sent_at)
		SELECT printf('%%032x', (j * 10000 + i) * 2 + (typ = 'daily_short')), printf('%%s:X%%04d:%%d', typ, i, j), typ, printf('X%%04d', i),
			date('%s', '+' || j || ' days'), 'commune', '["doan@example.vn"]', 'Nhắc việc', 'Đơn vị chưa đạt chỉ tiêu hôm nay.', '<p>Đơn vị chưa đạt chỉ tiêu hôm nay.</p>',
			CASE WHEN j < %d - 1 THEN 'sent' ELSE 'pending' END, 1,
			(unixepoch('%s') + j * 86400 + (typ = 'daily_short') * 3600 + i) * 1000, (unixepoch('%s') + j * 86400 + i + 60) * 1000
		FROM d CROSS JOIN u CROSS JOIN t WHERE (i + j) %% 3 = 0`, benchDays, benchUnits, benchFirst, benchDays, benchFirst, benchFirst))
	if err == nil {
		_, err = s.w.ExecContext(ctx, fmt.Sprintf(`WITH RECURSIVE u(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM u WHERE i + 1 < %d)
			INSERT INTO alerts(id, dedup_key, type, unit_code, level, recipients, subject, status, created_at)
			SELECT printf('f%%031x', i), printf('feed_broken:X%%04d', i), 'feed_broken', printf('X%%04d', i), 'commune', '[]', 'Nguồn tin lỗi', 'sent',
				(unixepoch('%s') + i * 7919 %% (%d * 86400)) * 1000 FROM u WHERE i %% 2 = 0`, benchUnits, benchFirst, benchDays))
	}
	if err != nil {
		b.Fatalf("build alerts benchmark database: %v", err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkListAlerts lists alerts as their callers do, on a year of alerts: a commune's
// /alerts page, the earlier shortfall notice a correction looks for, and the newest sent
// alerts of the whole province (/alerts?status=sent).
func BenchmarkListAlerts(b *testing.B) {
	path := benchAlertsDB(b)
	s, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	for _, c := range []struct {
		name string
		f    store.AlertFilter
	}{
		{"commune-page", store.AlertFilter{UnitCodes: []string{"X0007"}, Limit: 301}},
		{"correction", store.AlertFilter{UnitCodes: []string{"X0007"}, Types: []models.AlertType{models.AlertDailyShort}}},
		{"status-sent", store.AlertFilter{Status: models.AlertSent, Limit: 301}},
	} {
		b.Run(c.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				as, err := s.ListAlerts(context.Background(), c.f)
				if err != nil {
					b.Fatal(err)
				}
				n = len(as)
			}
			if n == 0 {
				b.Fatal("no alerts listed")
			}
			b.ReportMetric(float64(n), "alerts")
		})
	}
}

// BenchmarkWalkPosts walks posts as a reclassification does (without writing), on a year
// of posts: those of the last month of every unit, and a whole year of one unit.
func BenchmarkWalkPosts(b *testing.B) {
	s := openBench(b)
	first, _ := models.DayStart(benchFirst, models.Vietnam)
	month := models.LocalDay(first.AddDate(0, 0, benchDays-30), models.Vietnam)
	for _, c := range []struct {
		name string
		f    store.PostFilter
	}{
		{"month-all-units", store.PostFilter{FromDay: month, NoOverride: true}},
		{"year-one-unit", store.PostFilter{UnitCode: "X0007", NoOverride: true}},
	} {
		b.Run(c.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				n = 0
				err := s.WalkPosts(context.Background(), c.f, 500, func(ps []models.Post) error { n += len(ps); return nil })
				if err != nil {
					b.Fatal(err)
				}
			}
			if n == 0 {
				b.Fatal("walked nothing")
			}
			b.ReportMetric(float64(n), "posts")
		})
	}
}

// BenchmarkUpsertPostsFirstPoll writes what a first poll's writer writes: batches of 64
// feeds of new units, 20 new posts each (a day apart, with a category), into a growing
// database. ns/op is one batch of 1,280 posts.
func BenchmarkUpsertPostsFirstPoll(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "first.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	base := time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)
	summary := strings.Repeat("Đoàn viên thanh niên ra quân làm sạch đường làng, trao quà cho học sinh nghèo. ", 8)
	cpu0 := processCPU()
	var ds []time.Duration
	unit := 0
	for b.Loop() {
		b.StopTimer()
		batch := make([]models.Post, 0, 64*20)
		for range 64 {
			code := fmt.Sprintf("X%05d", unit)
			if err := s.CreateUnit(ctx, models.Unit{Code: code, Name: "Đoàn xã " + code, Kind: models.UnitCommune}); err != nil {
				b.Fatal(err)
			}
			for j := range 20 {
				at := base.Add(-time.Duration(j) * 24 * time.Hour)
				batch = append(batch, models.Post{UnitCode: code, FeedID: "f" + code, ItemKey: fmt.Sprintf("https://%s.vn/bai-%d", code, j),
					URL: fmt.Sprintf("https://%s.vn/bai-%d", code, j), Title: fmt.Sprintf("Tin tốt số %d của %s", j, code), Summary: summary,
					Categories: []string{"Tin tốt"}, PublishedAt: at, LocalDay: models.LocalDay(at, models.Vietnam), FirstSeenAt: at,
					RuleKind: models.KindGoodNews, RuleConfidence: 0.9, RuleReason: "mô hình: tin tốt (0,90)"})
			}
			unit++
		}
		b.StartTimer()
		t0 := time.Now()
		if _, err := s.UpsertPosts(ctx, batch); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
	}
	b.StopTimer()
	reportPercentiles(b, ds, cpu0)
}
