package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// migrations are applied in order, each once, inside its own transaction. Never edit a
// released entry: append a new one.
var migrations = []string{
	// 1: the initial schema. Times are INTEGER unix milliseconds (UTC); lists are JSON text.
	`
CREATE TABLE units (
	code        TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL,
	parent_code TEXT REFERENCES units(code),
	emails      TEXT NOT NULL DEFAULT '[]',
	active_from INTEGER,
	active_to   INTEGER,
	created_at  INTEGER,
	updated_at  INTEGER
);
CREATE INDEX units_parent ON units(parent_code);

CREATE TABLE feeds (
	id                   TEXT PRIMARY KEY,
	unit_code            TEXT NOT NULL REFERENCES units(code) ON DELETE CASCADE,
	url                  TEXT NOT NULL,
	title                TEXT NOT NULL DEFAULT '',
	default_kind         TEXT NOT NULL DEFAULT '',
	etag                 TEXT NOT NULL DEFAULT '',
	last_modified        TEXT NOT NULL DEFAULT '',
	next_check_at        INTEGER,
	last_check_at        INTEGER,
	lease_holder         TEXT NOT NULL DEFAULT '',
	lease_until          INTEGER,
	state                TEXT NOT NULL DEFAULT '',
	consecutive_failures INTEGER NOT NULL DEFAULT 0,
	last_success_at      INTEGER,
	failing_since        INTEGER,
	last_error           TEXT NOT NULL DEFAULT '',
	last_error_detail    TEXT NOT NULL DEFAULT '',
	last_status          INTEGER NOT NULL DEFAULT 0,
	created_at           INTEGER,
	updated_at           INTEGER,
	UNIQUE (unit_code, url)
);
CREATE INDEX feeds_due ON feeds(next_check_at);

CREATE TABLE feed_outages (
	id        INTEGER PRIMARY KEY,
	feed_id   TEXT NOT NULL,
	unit_code TEXT NOT NULL,
	from_at   INTEGER NOT NULL,
	to_at     INTEGER,
	reason    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX feed_outages_unit ON feed_outages(unit_code, from_at);
CREATE UNIQUE INDEX feed_outages_open ON feed_outages(feed_id) WHERE to_at IS NULL;

CREATE TABLE posts (
	id            TEXT PRIMARY KEY,
	unit_code     TEXT NOT NULL,
	feed_id       TEXT NOT NULL DEFAULT '',
	item_key      TEXT NOT NULL,
	source        TEXT NOT NULL,
	url           TEXT NOT NULL DEFAULT '',
	title         TEXT NOT NULL DEFAULT '',
	summary       TEXT NOT NULL DEFAULT '',
	categories    TEXT NOT NULL DEFAULT '[]',
	published_at  INTEGER,
	local_day     TEXT NOT NULL,
	first_seen_at INTEGER,
	date_inferred INTEGER NOT NULL DEFAULT 0,
	date_clamped  INTEGER NOT NULL DEFAULT 0,
	rule_kind     TEXT NOT NULL DEFAULT '',
	rule_reason   TEXT NOT NULL DEFAULT '',
	override      TEXT,
	submitted_by  TEXT NOT NULL DEFAULT '',
	rejected      INTEGER NOT NULL DEFAULT 0,
	updated_at    INTEGER,
	-- Derived on every write, so counting reads only an index:
	eff_kind      TEXT NOT NULL DEFAULT '',   -- override kind, else rule kind
	counted       INTEGER NOT NULL DEFAULT 1, -- not rejected and not excluded
	UNIQUE (unit_code, item_key)
);
CREATE INDEX posts_unit_day ON posts(unit_code, local_day, eff_kind, counted, source);
CREATE INDEX posts_day_counted ON posts(local_day, unit_code, eff_kind, source) WHERE counted = 1;
CREATE INDEX posts_published ON posts(published_at);
CREATE INDEX posts_first_seen ON posts(first_seen_at);

CREATE TABLE evaluations (
	unit_code    TEXT NOT NULL,
	target       TEXT NOT NULL,
	period       TEXT NOT NULL,
	level        TEXT NOT NULL,
	period_kind  TEXT NOT NULL DEFAULT '',
	required     INTEGER NOT NULL DEFAULT 0,
	actual       INTEGER NOT NULL DEFAULT 0,
	status       TEXT NOT NULL,
	evaluated_at INTEGER,
	PRIMARY KEY (unit_code, target, period, level)
);
CREATE INDEX evaluations_period ON evaluations(period);

CREATE TABLE corrections (
	id         INTEGER PRIMARY KEY,
	unit_code  TEXT NOT NULL,
	target     TEXT NOT NULL,
	period     TEXT NOT NULL,
	level      TEXT NOT NULL,
	old_status TEXT NOT NULL,
	new_status TEXT NOT NULL,
	old_actual INTEGER NOT NULL,
	new_actual INTEGER NOT NULL,
	at         INTEGER NOT NULL,
	why        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX corrections_at ON corrections(at);

CREATE TABLE alerts (
	id          TEXT PRIMARY KEY,
	dedup_key   TEXT NOT NULL UNIQUE,
	type        TEXT NOT NULL,
	unit_code   TEXT NOT NULL DEFAULT '',
	period      TEXT NOT NULL DEFAULT '',
	level       TEXT NOT NULL DEFAULT '',
	recipients  TEXT NOT NULL DEFAULT '[]',
	subject     TEXT NOT NULL DEFAULT '',
	body_text   TEXT NOT NULL DEFAULT '',
	body_html   TEXT NOT NULL DEFAULT '',
	attachment  TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL,
	attempts    INTEGER NOT NULL DEFAULT 0,
	next_try_at INTEGER,
	last_error  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER,
	sent_at     INTEGER
);
CREATE INDEX alerts_due ON alerts(status, next_try_at);
CREATE INDEX alerts_created ON alerts(created_at);

CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	email         TEXT NOT NULL,
	email_key     TEXT NOT NULL UNIQUE, -- lower-cased e-mail
	name          TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL,
	unit_code     TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL DEFAULT '',
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER,
	updated_at    INTEGER
);

CREATE TABLE sessions (
	id         TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL,
	csrf_token TEXT NOT NULL DEFAULT '',
	created_at INTEGER,
	expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
	id         TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL,
	name       TEXT NOT NULL DEFAULT '',
	hash       TEXT NOT NULL UNIQUE,
	created_at INTEGER,
	last_used  INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE audit (
	seq       INTEGER PRIMARY KEY,
	id        TEXT NOT NULL UNIQUE,
	at        INTEGER,
	actor     TEXT NOT NULL DEFAULT '',
	action    TEXT NOT NULL DEFAULT '',
	target    TEXT NOT NULL DEFAULT '',
	unit_code TEXT NOT NULL DEFAULT '',
	before    TEXT NOT NULL DEFAULT '',
	after     TEXT NOT NULL DEFAULT '',
	note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_target ON audit(target, at);
CREATE INDEX audit_at ON audit(at);

CREATE TABLE leases (
	name   TEXT PRIMARY KEY,
	holder TEXT NOT NULL,
	until  INTEGER NOT NULL
);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
`,
	// 2: per-day counters kept by triggers in the same transaction as every post write, so
	// the weekly review reads one row per (day, unit, kind) instead of every post.
	`
CREATE TABLE post_counts (
	local_day TEXT NOT NULL,
	unit_code TEXT NOT NULL,
	kind      TEXT NOT NULL,
	count     INTEGER NOT NULL,
	manual    INTEGER NOT NULL,
	PRIMARY KEY (local_day, unit_code, kind)
) WITHOUT ROWID;
CREATE INDEX post_counts_unit ON post_counts(unit_code, local_day);

INSERT INTO post_counts(local_day, unit_code, kind, count, manual)
	SELECT local_day, unit_code, eff_kind, COUNT(*), SUM(source = 'manual') FROM posts WHERE counted = 1
	GROUP BY local_day, unit_code, eff_kind;

CREATE TRIGGER post_counts_insert AFTER INSERT ON posts WHEN NEW.counted = 1 BEGIN
	INSERT INTO post_counts(local_day, unit_code, kind, count, manual)
		VALUES (NEW.local_day, NEW.unit_code, NEW.eff_kind, 1, NEW.source = 'manual')
		ON CONFLICT(local_day, unit_code, kind) DO UPDATE SET count = count + 1, manual = manual + excluded.manual;
END;

CREATE TRIGGER post_counts_update AFTER UPDATE OF local_day, unit_code, eff_kind, counted, source ON posts
WHEN OLD.local_day IS NOT NEW.local_day OR OLD.unit_code IS NOT NEW.unit_code OR OLD.eff_kind IS NOT NEW.eff_kind
	OR OLD.counted IS NOT NEW.counted OR OLD.source IS NOT NEW.source BEGIN
	UPDATE post_counts SET count = count - 1, manual = manual - (OLD.source = 'manual')
		WHERE OLD.counted = 1 AND local_day = OLD.local_day AND unit_code = OLD.unit_code AND kind = OLD.eff_kind;
	INSERT INTO post_counts(local_day, unit_code, kind, count, manual)
		SELECT NEW.local_day, NEW.unit_code, NEW.eff_kind, 1, NEW.source = 'manual' WHERE NEW.counted = 1
		ON CONFLICT(local_day, unit_code, kind) DO UPDATE SET count = count + 1, manual = manual + excluded.manual;
END;

CREATE TRIGGER post_counts_delete AFTER DELETE ON posts WHEN OLD.counted = 1 BEGIN
	UPDATE post_counts SET count = count - 1, manual = manual - (OLD.source = 'manual')
		WHERE local_day = OLD.local_day AND unit_code = OLD.unit_code AND kind = OLD.eff_kind;
END;

DROP INDEX posts_day_counted;
`,
	// 3: each counter row carries its own packed text, so a whole day of counters comes
	// back as one string (the weekly review reads ~40,000 counters at once).
	`
DROP TRIGGER post_counts_insert;
DROP TRIGGER post_counts_update;
DROP TRIGGER post_counts_delete;
DROP TABLE post_counts;

CREATE TABLE post_counts (
	local_day TEXT NOT NULL,
	unit_code TEXT NOT NULL,
	kind      TEXT NOT NULL,
	count     INTEGER NOT NULL,
	manual    INTEGER NOT NULL,
	packed    TEXT GENERATED ALWAYS AS (unit_code || char(31) || kind || char(31) || count || char(31) || manual) STORED,
	PRIMARY KEY (local_day, unit_code, kind)
) WITHOUT ROWID;
CREATE INDEX post_counts_unit ON post_counts(unit_code, local_day);

INSERT INTO post_counts(local_day, unit_code, kind, count, manual)
	SELECT local_day, unit_code, eff_kind, COUNT(*), SUM(source = 'manual') FROM posts WHERE counted = 1
	GROUP BY local_day, unit_code, eff_kind;

CREATE TRIGGER post_counts_insert AFTER INSERT ON posts WHEN NEW.counted = 1 BEGIN
	INSERT INTO post_counts(local_day, unit_code, kind, count, manual)
		VALUES (NEW.local_day, NEW.unit_code, NEW.eff_kind, 1, NEW.source = 'manual')
		ON CONFLICT(local_day, unit_code, kind) DO UPDATE SET count = count + 1, manual = manual + excluded.manual;
END;

CREATE TRIGGER post_counts_update AFTER UPDATE OF local_day, unit_code, eff_kind, counted, source ON posts
WHEN OLD.local_day IS NOT NEW.local_day OR OLD.unit_code IS NOT NEW.unit_code OR OLD.eff_kind IS NOT NEW.eff_kind
	OR OLD.counted IS NOT NEW.counted OR OLD.source IS NOT NEW.source BEGIN
	UPDATE post_counts SET count = count - 1, manual = manual - (OLD.source = 'manual')
		WHERE OLD.counted = 1 AND local_day = OLD.local_day AND unit_code = OLD.unit_code AND kind = OLD.eff_kind;
	INSERT INTO post_counts(local_day, unit_code, kind, count, manual)
		SELECT NEW.local_day, NEW.unit_code, NEW.eff_kind, 1, NEW.source = 'manual' WHERE NEW.counted = 1
		ON CONFLICT(local_day, unit_code, kind) DO UPDATE SET count = count + 1, manual = manual + excluded.manual;
END;

CREATE TRIGGER post_counts_delete AFTER DELETE ON posts WHEN OLD.counted = 1 BEGIN
	UPDATE post_counts SET count = count - 1, manual = manual - (OLD.source = 'manual')
		WHERE local_day = OLD.local_day AND unit_code = OLD.unit_code AND kind = OLD.eff_kind;
END;
`,
	// 4: a registry version bumped by every unit write, so readers can keep the unit tree
	// in memory and still see changes made by any connection or process.
	`
CREATE TABLE registry_version (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL
);
INSERT INTO registry_version(id, version) VALUES (1, 0);
CREATE TRIGGER units_version_insert AFTER INSERT ON units BEGIN
	UPDATE registry_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER units_version_update AFTER UPDATE ON units BEGIN
	UPDATE registry_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER units_version_delete AFTER DELETE ON units BEGIN
	UPDATE registry_version SET version = version + 1 WHERE id = 1;
END;
`,
	// 5: inserts keep the counters from Go, one upsert per (day, unit, kind) of a batch
	// instead of one per post: the trigger also made every post insert keep a statement
	// journal (a copy of each page it touched). Updates and deletes keep their triggers.
	`
DROP TRIGGER post_counts_insert;
`,
	// 6: a feed's note on its last successful read (e.g. only the newest items of a very
	// long feed were read); not an error.
	`
ALTER TABLE feeds ADD COLUMN note TEXT NOT NULL DEFAULT '';
`,
	// 7: what tintot has seen of a feed (its first successful read and the oldest item that
	// read showed), evaluations known only in hindsight (never alerted), and unit admins'
	// proposals awaiting a reviewer.
	// Feeds read before this version: the first read is taken as the first time any of
	// their posts was seen, and its reach as the oldest dated post seen within the hour
	// after it.
	`
ALTER TABLE feeds ADD COLUMN first_read_at INTEGER;
ALTER TABLE feeds ADD COLUMN covered_from INTEGER;
UPDATE feeds SET first_read_at = COALESCE(
	(SELECT MIN(first_seen_at) FROM posts WHERE posts.feed_id = feeds.id), last_success_at)
	WHERE last_success_at IS NOT NULL;
UPDATE feeds SET covered_from = COALESCE(
	(SELECT MIN(published_at) FROM posts WHERE posts.feed_id = feeds.id AND date_inferred = 0 AND date_clamped = 0
		AND first_seen_at <= feeds.first_read_at + 3600000), first_read_at)
	WHERE first_read_at IS NOT NULL;
ALTER TABLE evaluations ADD COLUMN retroactive INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN proposal TEXT;
ALTER TABLE posts ADD COLUMN rule_confidence REAL NOT NULL DEFAULT 0;
CREATE INDEX posts_proposed ON posts(unit_code) WHERE proposal IS NOT NULL;
CREATE INDEX posts_overridden ON posts(unit_code) WHERE override IS NOT NULL;
`,
	// Online trends (trào lưu) a provincial Đoàn registers; a trend counts for the year of its first day.
	`
CREATE TABLE trends (
	id          TEXT PRIMARY KEY,
	parent_code TEXT NOT NULL, -- checked on insert; a trend outlives its unit, as in MongoDB
	year        INTEGER NOT NULL,
	name        TEXT NOT NULL,
	hashtags    TEXT NOT NULL DEFAULT '[]',
	start_day   TEXT NOT NULL,
	end_day     TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	created_by  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER
);
CREATE UNIQUE INDEX trends_parent_year_name ON trends(parent_code, year, name);
`,
	// Picks for the quarterly e-bulletin, issues as sent, honour-roll proposals.
	`
CREATE TABLE bulletin_picks (
	post_id   TEXT PRIMARY KEY,
	unit_code TEXT NOT NULL,
	local_day TEXT NOT NULL,
	note      TEXT NOT NULL DEFAULT '',
	position  INTEGER NOT NULL DEFAULT 0,
	omitted   INTEGER NOT NULL DEFAULT 0,
	picked_by TEXT NOT NULL DEFAULT '',
	picked_at INTEGER
);
CREATE INDEX bulletin_picks_day ON bulletin_picks(local_day, unit_code);
CREATE TABLE bulletins_sent (
	parent     TEXT NOT NULL,
	quarter    TEXT NOT NULL,
	subject    TEXT NOT NULL,
	html       TEXT NOT NULL,
	items      TEXT NOT NULL,
	recipients TEXT NOT NULL,
	sent_by    TEXT NOT NULL,
	sent_at    INTEGER,
	PRIMARY KEY (parent, quarter)
);
CREATE TABLE honours (
	id          TEXT PRIMARY KEY,
	year        INTEGER NOT NULL,
	unit_code   TEXT NOT NULL,
	name        TEXT NOT NULL DEFAULT '',
	post_id     TEXT NOT NULL,
	reason      TEXT NOT NULL,
	proposed_by TEXT NOT NULL DEFAULT '',
	created_at  INTEGER
);
CREATE INDEX honours_year_unit ON honours(year, unit_code);
`,
	// 10: a version per local day of the counters, bumped by every counter write, so a
	// reader can keep whole days of counters in memory and re-read only the days that
	// changed, whichever connection or process wrote them.
	`
CREATE TABLE count_days (
	local_day TEXT PRIMARY KEY,
	version   INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO count_days(local_day, version) SELECT DISTINCT local_day, 1 FROM post_counts;
CREATE TRIGGER count_days_insert AFTER INSERT ON post_counts BEGIN
	INSERT INTO count_days(local_day, version) VALUES (NEW.local_day, 1)
		ON CONFLICT(local_day) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER count_days_update AFTER UPDATE ON post_counts BEGIN
	INSERT INTO count_days(local_day, version) VALUES (NEW.local_day, 1)
		ON CONFLICT(local_day) DO UPDATE SET version = version + 1;
	INSERT INTO count_days(local_day, version) SELECT OLD.local_day, 1 WHERE OLD.local_day IS NOT NEW.local_day
		ON CONFLICT(local_day) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER count_days_delete AFTER DELETE ON post_counts BEGIN
	INSERT INTO count_days(local_day, version) VALUES (OLD.local_day, 1)
		ON CONFLICT(local_day) DO UPDATE SET version = version + 1;
END;
`,
	// The hashtag terms of each post (classify.PostTags): written with the post as JSON
	// in posts.tags, and spread by triggers into post_tags (one row per term, indexed by
	// term and day) when a post is inserted or its terms change, so a trend reads only
	// the posts that may carry its hashtags. Folding is Go code: the posts stored before
	// this migration are indexed at open (backfillPostTags), from rowid next_rowid up to
	// last_rowid, a batch per transaction; the row goes once done.
	`
ALTER TABLE posts ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
CREATE TABLE post_tags (
	post_id   TEXT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	tag       TEXT NOT NULL,
	unit_code TEXT NOT NULL,
	local_day TEXT NOT NULL,
	PRIMARY KEY (post_id, tag)
) WITHOUT ROWID;
CREATE INDEX post_tags_tag_day ON post_tags(tag, local_day, unit_code);
CREATE TRIGGER post_tags_insert AFTER INSERT ON posts WHEN NEW.tags <> '[]' BEGIN
	INSERT INTO post_tags(post_id, tag, unit_code, local_day)
		SELECT NEW.id, value, NEW.unit_code, NEW.local_day FROM json_each(NEW.tags) WHERE true
		ON CONFLICT(post_id, tag) DO NOTHING;
END;
CREATE TRIGGER post_tags_update AFTER UPDATE OF tags ON posts WHEN OLD.tags IS NOT NEW.tags BEGIN
	DELETE FROM post_tags WHERE post_id = NEW.id;
	INSERT INTO post_tags(post_id, tag, unit_code, local_day)
		SELECT NEW.id, value, NEW.unit_code, NEW.local_day FROM json_each(NEW.tags) WHERE true
		ON CONFLICT(post_id, tag) DO NOTHING;
END;
CREATE TABLE post_tags_backfill (
	next_rowid INTEGER NOT NULL,
	last_rowid INTEGER NOT NULL
);
INSERT INTO post_tags_backfill(next_rowid, last_rowid) SELECT 0, COALESCE(MAX(rowid), 0) FROM posts;
`,
	// 12: what a feed's last stored read held (a hash of the body, and of each item's
	// content by its key), so unchanged bodies and items are not written again.
	`
ALTER TABLE feeds ADD COLUMN body_hash BLOB;
ALTER TABLE feeds ADD COLUMN item_hashes BLOB;
`,
	// 13: a day's counter version is bumped once per write of its counters, not once per
	// counter row: a poll's batch (pendingCounts.flush) bumps each of its days once
	// itself, and the posts triggers that move counters bump the days they touch, so the
	// per-row triggers on post_counts go (a first poll wrote a version for each of its
	// ~40,000 counter rows). Nothing else writes post_counts.
	`
DROP TRIGGER count_days_insert;
DROP TRIGGER count_days_update;
DROP TRIGGER post_counts_update;
CREATE TRIGGER post_counts_update AFTER UPDATE OF local_day, unit_code, eff_kind, counted, source ON posts
WHEN OLD.local_day IS NOT NEW.local_day OR OLD.unit_code IS NOT NEW.unit_code OR OLD.eff_kind IS NOT NEW.eff_kind
	OR OLD.counted IS NOT NEW.counted OR OLD.source IS NOT NEW.source BEGIN
	UPDATE post_counts SET count = count - 1, manual = manual - (OLD.source = 'manual')
		WHERE OLD.counted = 1 AND local_day = OLD.local_day AND unit_code = OLD.unit_code AND kind = OLD.eff_kind;
	INSERT INTO post_counts(local_day, unit_code, kind, count, manual)
		SELECT NEW.local_day, NEW.unit_code, NEW.eff_kind, 1, NEW.source = 'manual' WHERE NEW.counted = 1
		ON CONFLICT(local_day, unit_code, kind) DO UPDATE SET count = count + 1, manual = manual + excluded.manual;
	INSERT INTO count_days(local_day, version) VALUES (OLD.local_day, 1)
		ON CONFLICT(local_day) DO UPDATE SET version = version + 1;
	INSERT INTO count_days(local_day, version) SELECT NEW.local_day, 1 WHERE NEW.local_day IS NOT OLD.local_day
		ON CONFLICT(local_day) DO UPDATE SET version = version + 1;
END;
DROP TRIGGER post_counts_delete;
CREATE TRIGGER post_counts_delete AFTER DELETE ON posts WHEN OLD.counted = 1 BEGIN
	UPDATE post_counts SET count = count - 1, manual = manual - (OLD.source = 'manual')
		WHERE local_day = OLD.local_day AND unit_code = OLD.unit_code AND kind = OLD.eff_kind;
	INSERT INTO count_days(local_day, version) VALUES (OLD.local_day, 1)
		ON CONFLICT(local_day) DO UPDATE SET version = version + 1;
END;
`,
	// 14: no query orders or ranges posts by first_seen_at alone (a filter on it always
	// comes with a unit), so the index every post insert wrote goes.
	`
DROP INDEX IF EXISTS posts_first_seen;
`,
	// 15: the posts of a day range across every unit (the admin's /check of a whole
	// province, a quarter's stories) are found through the day, not by walking every post
	// in published_at order: without statistics (tintot never runs ANALYZE) SQLite chose
	// posts_published for its order, ~10 s on a year of 3,300 communes for a week's posts.
	// No query ranges or orders posts by published_at without a unit or a day range, so
	// posts_day takes its place and a post insert writes no more b-trees than before.
	`
CREATE INDEX posts_day ON posts(local_day);
DROP INDEX IF EXISTS posts_published;
`,
	// 16: the alerts of a unit (a commune's /alerts page, the feed-recovery and correction
	// notices, which look for the unit's earlier alert) are found through the unit, and
	// those of a status in their order: without these, both walked or sorted every alert
	// of a year (1.5–2 s for one unit, 5–6 s for /alerts?status=sent on ~730,000 alerts).
	// alerts_status serves the sender's due alerts too (status, then created_at, the order
	// it sends them in), so alerts_due goes.
	`
CREATE INDEX alerts_unit ON alerts(unit_code, created_at);
CREATE INDEX alerts_status ON alerts(status, created_at);
DROP INDEX IF EXISTS alerts_due;
`,
	// 17: how far back the read that ended an outage reached (FeedOutage.CoveredFrom), and
	// the open outages of feeds deleted while failing end now: they were left open for
	// ever, and are read as the unit's blind time until their end.
	`
ALTER TABLE feed_outages ADD COLUMN covered_from INTEGER;
UPDATE feed_outages SET to_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000, covered_from = CAST(strftime('%s', 'now') AS INTEGER) * 1000
	WHERE to_at IS NULL AND feed_id NOT IN (SELECT id FROM feeds);
`,
	// 18: whether an evaluation's level was an obligation in its period (the baseline
	// always; the 2030 target from its effective date): alerts follow the strictest.
	// Evaluations stored before were all of periods before 2030.
	`
ALTER TABLE evaluations ADD COLUMN obligatory INTEGER NOT NULL DEFAULT 0;
UPDATE evaluations SET obligatory = 1 WHERE level = 'baseline';
`,
	// 19: the hashtag terms of an inserted post are written by the store (insertTagSQL),
	// not by a trigger: with a trigger, each post insert wrote two tables in one statement
	// and SQLite kept a statement journal for it (a copy of every page it touched). A
	// post's terms changing still goes through post_tags_update.
	`
DROP TRIGGER IF EXISTS post_tags_insert;
`,
	// 20: the evaluations of some units in some periods (the escalation history: each
	// unit's last dozen days or weeks) are found through both: the primary key leads with
	// the unit and then the target, so SQLite read every evaluation a unit ever had (a
	// year: ~1,700 rows a commune) to keep a dozen periods.
	`
CREATE INDEX evaluations_unit_period ON evaluations(unit_code, period);
`,
	// 21: expired sessions are removed at each login (CreateSession), through their expiry.
	`
CREATE INDEX sessions_expires ON sessions(expires_at);
DELETE FROM sessions WHERE expires_at < CAST(strftime('%s', 'now') AS INTEGER) * 1000;
`,
}

// migrate applies every migration newer than the recorded version.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("sqlite: unable to create schema_migrations: %w", err)
	}
	var current int
	if err := s.w.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("sqlite: unable to read schema version: %w", err)
	}
	if current > len(migrations) {
		return fmt.Errorf("sqlite: database schema version %d is newer than this program (%d)", current, len(migrations))
	}
	if current == len(migrations) {
		return nil
	}
	// A migration that builds an index sorts every row of its table: in temporary files,
	// not in memory (the writer's temp_store), so a year of posts does not take hundreds
	// of megabytes for the sort.
	if _, err := s.w.ExecContext(ctx, `PRAGMA temp_store = FILE`); err != nil {
		return fmt.Errorf("sqlite: unable to set temp_store for migrations: %w", err)
	}
	defer s.w.ExecContext(context.WithoutCancel(ctx), `PRAGMA temp_store = MEMORY`) //nolint:errcheck // the setting of Open, restored
	for v := current + 1; v <= len(migrations); v++ {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, migrations[v-1]); err != nil {
				return fmt.Errorf("sqlite: migration %d: %w", v, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)`, v, time.Now().UnixMilli()); err != nil {
				return fmt.Errorf("sqlite: record migration %d: %w", v, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
