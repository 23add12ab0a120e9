// Package sqlite is tintot's embedded default store.Store backend, built on
// modernc.org/sqlite (pure Go, no cgo). One process owns one database file.
//
// Layout: WAL journal, one writer connection (every write transaction is BEGIN
// IMMEDIATE, so goroutines queue instead of failing with SQLITE_BUSY) beside a small
// read-only pool. Times are INTEGER unix milliseconds (UTC), lists are JSON text. Schema
// changes are numbered migrations recorded in schema_migrations.
//
// Counting: each post row carries its effective kind and whether it counts; post_counts
// (one row per local day, unit and kind) is kept in the same transaction as every post
// write, so CountPosts never reads posts: inserts add to it from Go, one upsert per row a
// batch touches; triggers follow overrides, rejections and re-classifications.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"tintot/store"
)

var _ store.Store = (*Store)(nil)

// Store is a store.Store on one SQLite file. Writes go through a single connection
// (BEGIN IMMEDIATE) so concurrent goroutines queue instead of failing with SQLITE_BUSY;
// reads use a separate pool that WAL lets run beside the writer.
type Store struct {
	w        *sql.DB // writer: exactly one connection
	r        *sql.DB // readers
	units    unitCache
	dayCache dayCache // whole days of counters, see countDays
	path     string   // the database file ("" : in memory)
	ckpt     *checkpointer

	// Statements of the poll path, prepared once on the writer connection (compiling
	// them for every batch cost as much as a tenth of the writes).
	updateFeed *sql.Stmt
}

// uriEscaper escapes the characters that would end the path part of a file: URI.
var uriEscaper = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// readConns is the size of the read pool.
const readConns = 4

// Page caches. The writer's is small but holds most of a poll batch's dirty pages: with
// 2 MB, a batch of 2,000 posts dirtied more pages than fit (the day counters and the
// posts' day indexes take a few in every leaf), so SQLite spilled them to the WAL in the
// middle of the transaction (pagerStress, ~0.07 s of a first poll of 2,000 feeds) and
// wrote them again at its commit. 4 MB removed the spills but took the first poll's peak
// to 61–63 MiB, too near its 64 MiB budget (a cache is held up to its size for every
// poll cycle); 3 MB leaves about half of them for ~2 MiB more than 2 MB (58–61 MiB).
// The readers' are moderate: day counters are kept in tintot's own memory (countcache),
// so reviews and reports read few pages again; 32 MB each made neither the review of
// 3,300 communes (BenchmarkReview) nor the yearly report faster than 8 or 4 MB, and four
// of them held up to 128 MB of a server's memory.
const (
	writerCache = "cache_size(-3000)" // 3 MB
	readerCache = "cache_size(-4000)" // 4 MB for each reader
)

// Open opens (creating if needed) the database at path, with WAL, foreign keys and a busy
// timeout, and applies pending schema migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	memory := path == ":memory:" || strings.HasPrefix(path, "file::memory:")
	if !memory {
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("sqlite: unable to create directory %s: %w", dir, err)
			}
		}
	}
	pragmas := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)", "temp_store(MEMORY)"} {
		pragmas.Add("_pragma", p)
	}
	wq := url.Values{"_txlock": {"immediate"}}
	for k, v := range pragmas {
		wq[k] = slices.Clone(v)
	}
	wq.Add("_pragma", writerCache)
	if !memory {
		wq.Add("_pragma", walAutoCheckpoint)
	}
	dsn := func(q url.Values) string {
		if memory {
			return path + "?" + q.Encode()
		}
		return "file:" + uriEscaper.Replace(path) + "?" + q.Encode()
	}
	w, err := sql.Open("sqlite", dsn(wq))
	if err != nil {
		return nil, fmt.Errorf("sqlite: unable to open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &Store{w: w, r: w}
	if !memory {
		s.path = path
	}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	if err := s.prepare(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.backfillPostTags(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if !memory {
		rq := url.Values{}
		for k, v := range pragmas {
			rq[k] = v
		}
		rq.Add("_pragma", "query_only(1)")
		rq.Add("_pragma", readerCache)
		r, err := sql.Open("sqlite", dsn(rq))
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("sqlite: unable to open %s for reading: %w", path, err)
		}
		r.SetMaxOpenConns(readConns)
		r.SetMaxIdleConns(readConns)
		r.SetConnMaxIdleTime(0)
		s.r = r
		if s.ckpt, err = startCheckpointer(dsn(url.Values{"_pragma": {"busy_timeout(10000)"}})); err != nil {
			s.Close()
			return nil, err
		}
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Ping checks that both pools answer.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	if err := s.r.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping readers: %w", err)
	}
	return nil
}

// prepare compiles the statements of the poll path.
func (s *Store) prepare(ctx context.Context) error {
	for _, st := range []struct {
		dst  **sql.Stmt
		name string
		sql  string
	}{
		{&s.updateFeed, "feed update", updateFeedSQL},
	} {
		var err error
		if *st.dst, err = s.w.PrepareContext(ctx, st.sql); err != nil {
			return fmt.Errorf("sqlite: prepare %s: %w", st.name, err)
		}
	}
	return nil
}

// Close closes the prepared statements and both pools.
func (s *Store) Close() error {
	var errs []error
	errs = append(errs, s.ckpt.stop())
	for _, st := range []*sql.Stmt{s.updateFeed} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	if s.r != s.w {
		errs = append(errs, s.r.Close())
	}
	errs = append(errs, s.w.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}

// tx runs fn in one write transaction (BEGIN IMMEDIATE on the single writer connection).
func (s *Store) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", mapErr(err))
	}
	s.ckpt.kick()
	return nil
}

// mapErr turns constraint violations into the store's sentinel errors, keeping the cause.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", store.ErrNotFound, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %s", store.ErrConflict, se.Error())
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: %s", store.ErrInvalid, se.Error())
		}
	}
	return err
}

// execer is what both *sql.DB and *sql.Tx offer.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ms encodes a time as UTC unix milliseconds; the zero time is NULL.
func ms(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// msPtr encodes an optional time.
func msPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ms(*t)
}

// fromMS decodes a nullable millisecond column.
func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

// fromMSPtr decodes a nullable millisecond column to an optional time.
func fromMSPtr(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := time.UnixMilli(v.Int64).UTC()
	return &t
}

// jsonText encodes a slice as JSON text ("[]" for nil), as json.Marshal does.
func jsonText[T any](v []T) string {
	if len(v) == 0 {
		return "[]"
	}
	if ss, ok := any(v).([]string); ok {
		if s, ok := plainJSONStrings(ss); ok {
			return s
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "[]"
	}
	return string(b)
}

// plainJSONStrings writes ss as json.Marshal would when no string needs escaping (no
// quote, backslash, control character, '<', '>', '&', U+2028, U+2029 nor invalid UTF-8),
// without its reflection: a post's categories and hashtags are written with every post.
func plainJSONStrings(ss []string) (string, bool) {
	n := 1
	for _, s := range ss {
		for i := 0; i < len(s); i++ {
			switch c := s[i]; {
			case c < 0x20, c == '"', c == '\\', c == '<', c == '>', c == '&':
				return "", false
			case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9):
				return "", false // U+2028, U+2029
			}
		}
		if !utf8.ValidString(s) {
			return "", false
		}
		n += len(s) + 3
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteByte('[')
	for i, s := range ss {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(s)
		b.WriteByte('"')
	}
	b.WriteByte(']')
	return b.String(), true
}

// fromJSON decodes JSON text into a slice; nil for empty arrays.
func fromJSON[T any](s string) ([]T, error) {
	if s == "" || s == "[]" || s == "null" {
		return nil, nil
	}
	var v []T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, fmt.Errorf("sqlite: corrupt JSON column %q: %w", s, err)
	}
	return v, nil
}

// nullStr stores "" as NULL (used for optional references such as parent codes).
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// where accumulates AND-ed conditions and their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// in adds "col IN (list)" as one JSON parameter, so long lists never hit the variable limit.
func (w *where) in(col string, values []string) {
	w.add(col+" IN (SELECT value FROM json_each(?))", jsonText(values))
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(...any) error }

// getOne runs a query for one row and scans it; name says what was asked for in errors
// (e.g. "alert ID"), and a missing row is store.ErrNotFound.
func getOne[T any](ctx context.Context, q execer, name string, scan func(rowScanner) (T, error), query string, args ...any) (T, error) {
	v, err := scan(q.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		var zero T
		return zero, fmt.Errorf("sqlite: %s: %w", name, store.ErrNotFound)
	}
	if err != nil {
		var zero T
		return zero, fmt.Errorf("sqlite: unable to get %s: %w", name, err)
	}
	return v, nil
}

// queryAll runs a query and scans every row with scan; what names the rows in errors
// (e.g. "alerts", "alert").
func queryAll[T any](ctx context.Context, q execer, plural, singular string, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: unable to list %s: %w", plural, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: unable to read %s: %w", singular, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: unable to list %s: %w", plural, err)
	}
	return out, nil
}
