// Package mongo is tintot's MongoDB backend of store.Store, for production and for several
// instances sharing one database.
//
// It relies on single-document atomicity only: no multi-document transactions and no
// partial indexes, so it runs on a standalone mongod, a replica set and FerretDB alike.
// Every write that touches more than one document (ApplyRegistry, UpsertPosts,
// SaveEvaluations, CloseOutage, DeleteUnit) is a sequence of idempotent single-document
// steps, ordered so that a stop between any two of them leaves a state that the next run
// of the same operation, or the repair that Open runs, completes (see repair.go).
package mongo

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"

	"tintot/store"
)

// DefaultDatabase is the database used when the URI names none.
const DefaultDatabase = "tintot"

// Collection names.
const (
	colUnits       = "units"
	colFeeds       = "feeds"
	colOutages     = "feed_outages"
	colPosts       = "posts"
	colEvaluations = "evaluations"
	colCorrections = "corrections"
	colAlerts      = "alerts"
	colUsers       = "users"
	colSessions    = "sessions"
	colTokens      = "api_tokens"
	colAudit       = "audit"
	colLeases      = "leases"
	colSettings    = "settings"
	colTickets     = "tickets"
	colTrends      = "trends"
	colPicks       = "bulletin_picks"
	colBulletins   = "bulletins_sent"
	colHonours     = "honours"
)

// Store is a store.Store on one MongoDB database.
type Store struct {
	client *mongo.Client
	db     *mongo.Database

	// stop is set only by tests. When set, it is called before each write of a
	// multi-step operation (op names the operation) and bulk writes are sent one
	// document at a time; a non-nil error stops the operation there, as a crash or a
	// lost connection would.
	stop func(op string) error

	// purgeSessions is set when the server keeps no TTL index (FerretDB v1):
	// CreateSession then deletes expired sessions itself.
	purgeSessions bool

	// ferret is set when the server is FerretDB, whose updates check their filter when
	// they read a document, not atomically with their write, and which answers from an
	// index only a filter on _id alone (any other filter reads the whole collection).
	// A condition beyond the _id is then not worth its cost where it only guards against
	// a concurrent writer (SaveEvaluations).
	ferret bool
}

var _ store.Store = (*Store)(nil)

// Open connects to the MongoDB at uri, checks that it answers and ensures the indexes.
// The database is the URI's path ("mongodb://host/tintot"), DefaultDatabase if empty.
func Open(ctx context.Context, uri string) (*Store, error) {
	name, err := databaseName(uri)
	if err != nil {
		return nil, err
	}
	return openDatabase(ctx, uri, name)
}

// openDatabase connects to uri and uses the database called name.
func openDatabase(ctx context.Context, uri, name string) (*Store, error) {
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		return nil, fmt.Errorf("mongo: unable to configure client: %w", err)
	}
	s := &Store{client: client, db: client.Database(name)}
	if err := s.Ping(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	if s.ferret, err = isFerretDB(ctx, s.db); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	if err := s.ensureIndexes(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	if err := s.backfillFeedObservation(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	if err := s.backfillTags(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	if err := s.repair(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	return s, nil
}

// databaseName returns the database named by a mongodb:// or mongodb+srv:// URI's path,
// DefaultDatabase when it names none.
func databaseName(uri string) (string, error) {
	rest, ok := strings.CutPrefix(uri, "mongodb://")
	if !ok {
		rest, ok = strings.CutPrefix(uri, "mongodb+srv://")
	}
	if !ok {
		return "", errors.New("mongo: URI must start with mongodb:// or mongodb+srv://")
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return DefaultDatabase, nil
	}
	name, err := url.PathUnescape(rest[i+1:])
	if err != nil {
		return "", fmt.Errorf("mongo: bad database name in URI: %w", err)
	}
	if name == "" {
		return DefaultDatabase, nil
	}
	if len(name) > 63 || strings.ContainsAny(name, "/\\. \"$*<>:|?\x00") {
		return "", fmt.Errorf("mongo: invalid database name %q in URI", name)
	}
	return name, nil
}

// isFerretDB reports whether the server is FerretDB (its buildInfo names its version).
func isFerretDB(ctx context.Context, db *mongo.Database) (bool, error) {
	var info bson.Raw
	if err := db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return false, fmt.Errorf("mongo: unable to read the server's build info: %w", err)
	}
	_, err := info.LookupErr("ferretdbVersion")
	return err == nil, nil
}

// Ping checks that the primary answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, readpref.Primary()); err != nil {
		return fmt.Errorf("mongo: ping failed: %w", err)
	}
	return nil
}

// Close disconnects from the server.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.client.Disconnect(ctx); err != nil {
		return fmt.Errorf("mongo: unable to disconnect: %w", err)
	}
	return nil
}

func (s *Store) col(name string) *mongo.Collection { return s.db.Collection(name) }

// indexSpec is the set of indexes one collection needs.
type indexSpec struct {
	collection string
	models     []mongo.IndexModel
}

func unique(name string, keys bson.D) mongo.IndexModel {
	return mongo.IndexModel{Keys: keys, Options: options.Index().SetName(name).SetUnique(true)}
}

func plain(name string, keys bson.D) mongo.IndexModel {
	return mongo.IndexModel{Keys: keys, Options: options.Index().SetName(name)}
}

// indexSpecs lists every index. Documents whose identity is a single key (unit code,
// feed/post/alert/user/session/token ID, evaluation key, lease name, setting key) use it
// as _id, which MongoDB keeps unique by itself; so does the open outage of a feed (see
// outages.go), which is why no index here needs a partial filter.
func indexSpecs() []indexSpec {
	return []indexSpec{
		{colUnits, []mongo.IndexModel{
			plain("parent_code", bson.D{{Key: "parent_code", Value: 1}, {Key: "_id", Value: 1}}),
			plain("kind", bson.D{{Key: "kind", Value: 1}}),
		}},
		{colFeeds, []mongo.IndexModel{
			unique("unit_code_url", bson.D{{Key: "unit_code", Value: 1}, {Key: "url", Value: 1}}),
			plain("next_check_at", bson.D{{Key: "next_check_at", Value: 1}}),
		}},
		{colOutages, []mongo.IndexModel{
			plain("unit_code_from", bson.D{{Key: "unit_code", Value: 1}, {Key: "from", Value: 1}}),
		}},
		{colPosts, []mongo.IndexModel{
			unique("unit_code_item_key", bson.D{{Key: "unit_code", Value: 1}, {Key: "item_key", Value: 1}}),
			plain("local_day_unit_code", bson.D{{Key: "local_day", Value: 1}, {Key: "unit_code", Value: 1}}),
			plain("unit_code_published_at", bson.D{{Key: "unit_code", Value: 1}, {Key: "published_at", Value: -1}}),
			plain("published_at", bson.D{{Key: "published_at", Value: -1}}),
			// A trend's posts: those carrying its hashtag terms in its days.
			plain("tags_local_day", bson.D{{Key: "tags", Value: 1}, {Key: "local_day", Value: 1}}),
		}},
		{colEvaluations, []mongo.IndexModel{
			plain("unit_code_period", bson.D{{Key: "unit_code", Value: 1}, {Key: "period", Value: 1}}),
			// Evaluations whose corrections are not yet copied out (see evaluations.go);
			// sparse, so it holds only those few.
			{Keys: bson.D{{Key: "pending._id", Value: 1}}, Options: options.Index().SetName("pending_id").SetSparse(true)},
		}},
		{colCorrections, []mongo.IndexModel{
			plain("at", bson.D{{Key: "at", Value: 1}}),
			plain("unit_code_at", bson.D{{Key: "unit_code", Value: 1}, {Key: "at", Value: 1}}),
		}},
		{colAlerts, []mongo.IndexModel{
			unique("dedup_key", bson.D{{Key: "dedup_key", Value: 1}}),
			plain("status_next_try_at", bson.D{{Key: "status", Value: 1}, {Key: "next_try_at", Value: 1}}),
			plain("created_at", bson.D{{Key: "created_at", Value: -1}}),
			// A unit's alerts (its /alerts page, the feed-recovery and correction notices).
			plain("unit_code_created_at", bson.D{{Key: "unit_code", Value: 1}, {Key: "created_at", Value: -1}}),
		}},
		{colUsers, []mongo.IndexModel{
			unique("email_lower", bson.D{{Key: "email_lower", Value: 1}}),
		}},
		{colSessions, []mongo.IndexModel{
			plain("user_id", bson.D{{Key: "user_id", Value: 1}}),
			{Keys: bson.D{{Key: "expires_at", Value: 1}}, Options: options.Index().SetName(sessionsTTLIndex).SetExpireAfterSeconds(0)},
		}},
		{colTokens, []mongo.IndexModel{
			unique("hash", bson.D{{Key: "hash", Value: 1}}),
			plain("user_id", bson.D{{Key: "user_id", Value: 1}}),
		}},
		{colTickets, []mongo.IndexModel{
			plain("until", bson.D{{Key: "until", Value: 1}}),
		}},
		{colAudit, []mongo.IndexModel{
			plain("target_at", bson.D{{Key: "target", Value: 1}, {Key: "at", Value: -1}}),
			plain("at", bson.D{{Key: "at", Value: -1}}),
		}},
		{colTrends, []mongo.IndexModel{
			unique("parent_code_year_name", bson.D{{Key: "parent_code", Value: 1}, {Key: "year", Value: 1}, {Key: "name", Value: 1}}),
		}},
		{colPicks, []mongo.IndexModel{
			plain("local_day_unit_code", bson.D{{Key: "local_day", Value: 1}, {Key: "unit_code", Value: 1}}),
		}},
		{colHonours, []mongo.IndexModel{
			plain("year_unit_code", bson.D{{Key: "year", Value: 1}, {Key: "unit_code", Value: 1}}),
		}},
	}
}

// obsoleteIndexes are indexes earlier versions created that are dropped at start-up.
// feed_id_open was the partial unique index "one open outage per feed"; the open
// outage's deterministic _id does its work now, and while an old open outage is moved to
// that _id both documents are open, which the index would refuse.
var obsoleteIndexes = map[string][]string{
	colOutages: {"feed_id_open"},
}

// ensureIndexes drops obsolete indexes and creates missing ones. It lists each
// collection's indexes and creates, one at a time, only those not already there (same
// name, or same keys under another name): FerretDB v1 breaks the connection when asked to
// create indexes that all exist already, and a database is opened many times. An index
// whose name is taken by different keys is an error to resolve by hand rather than an
// index to drop behind an operator's back.
func (s *Store) ensureIndexes(ctx context.Context) error {
	for _, spec := range indexSpecs() {
		c := s.col(spec.collection)
		existing, err := c.Indexes().ListSpecifications(ctx)
		if err != nil {
			return fmt.Errorf("mongo: unable to list indexes of %s: %w", spec.collection, err)
		}
		byName := make(map[string]string, len(existing))
		byKeys := make(map[string]bool, len(existing))
		for _, ix := range existing {
			k := keysString(ix.KeysDocument)
			byName[ix.Name] = k
			byKeys[k] = true
		}
		for _, name := range obsoleteIndexes[spec.collection] {
			if _, ok := byName[name]; !ok {
				continue
			}
			if err := c.Indexes().DropOne(ctx, name); err != nil {
				return fmt.Errorf("mongo: unable to drop obsolete index %s on %s: %w", name, spec.collection, err)
			}
		}
		for _, m := range spec.models {
			name := indexName(m)
			raw, err := bson.Marshal(m.Keys)
			if err != nil {
				return fmt.Errorf("mongo: index %s on %s: %w", name, spec.collection, err)
			}
			want := keysString(raw)
			if got, ok := byName[name]; ok {
				if got != want {
					return fmt.Errorf("mongo: index %s on %s has keys %s, want %s: drop it and start again", name, spec.collection, got, want)
				}
				continue
			}
			if byKeys[want] {
				continue // the same keys indexed under another name
			}
			_, err = c.Indexes().CreateOne(ctx, m)
			if notImplemented(err) && name == sessionsTTLIndex {
				// FerretDB v1: Index option "expireAfterSeconds" is not implemented yet.
				// The same index without TTL; CreateSession deletes expired sessions.
				_, err = c.Indexes().CreateOne(ctx, plain(name, m.Keys.(bson.D)))
			}
			if err != nil {
				return fmt.Errorf("mongo: unable to create index %s on %s: %w", name, spec.collection, err)
			}
		}
	}
	sessions, err := s.col(colSessions).Indexes().ListSpecifications(ctx)
	if err != nil {
		return fmt.Errorf("mongo: unable to list indexes of %s: %w", colSessions, err)
	}
	s.purgeSessions = true
	for _, ix := range sessions {
		if ix.Name == sessionsTTLIndex && ix.ExpireAfterSeconds != nil {
			s.purgeSessions = false
		}
	}
	return nil
}

// sessionsTTLIndex is the TTL index that lets the server delete expired sessions.
const sessionsTTLIndex = "expires_at_ttl"

// notImplemented reports whether the server refused a command or option it does not
// implement (code 238, as FerretDB answers).
func notImplemented(err error) bool {
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorCode(238)
}

// indexName is the name an index model sets.
func indexName(m mongo.IndexModel) string {
	var o options.IndexOptions
	if m.Options != nil {
		for _, set := range m.Options.List() {
			_ = set(&o)
		}
	}
	if o.Name == nil {
		return ""
	}
	return *o.Name
}

// keysString renders an index key document as "field:1,field:-1", whatever numeric type
// the server returned the directions in.
func keysString(keys bson.Raw) string {
	elems, err := keys.Elements()
	if err != nil {
		return keys.String()
	}
	parts := make([]string, len(elems))
	for i, e := range elems {
		v := e.Value()
		var dir string
		if f, ok := v.AsFloat64OK(); ok {
			dir = strconv.FormatFloat(f, 'g', -1, 64)
		} else {
			dir = v.String()
		}
		parts[i] = e.Key() + ":" + dir
	}
	return strings.Join(parts, ",")
}

// ferretBulkMax is the most writes one bulk command carries on FerretDB (see bulkWrite).
const ferretBulkMax = 16

// chunkedBulkWrite sends writes in commands of at most size, consulting the test hook
// before each, and merges the results and errors as one command would report them
// (indexes are positions in writes). Ordered writes stop at the first command with an
// error.
func (s *Store) chunkedBulkWrite(ctx context.Context, c *mongo.Collection, op string, writes []mongo.WriteModel, ordered bool, size int) (*mongo.BulkWriteResult, error) {
	sum := &mongo.BulkWriteResult{UpsertedIDs: map[int64]any{}, Acknowledged: true}
	var bwe mongo.BulkWriteException
	for from := 0; from < len(writes); from += size {
		if err := s.step(op); err != nil {
			return sum, err
		}
		to := min(from+size, len(writes))
		r, err := c.BulkWrite(ctx, writes[from:to], options.BulkWrite().SetOrdered(ordered))
		if r != nil {
			sum.InsertedCount += r.InsertedCount
			sum.MatchedCount += r.MatchedCount
			sum.ModifiedCount += r.ModifiedCount
			sum.DeletedCount += r.DeletedCount
			sum.UpsertedCount += r.UpsertedCount
			for i, id := range r.UpsertedIDs {
				sum.UpsertedIDs[int64(from)+i] = id
			}
		}
		var part mongo.BulkWriteException
		switch {
		case err == nil:
			continue
		case errors.As(err, &part) && part.WriteConcernError == nil:
			for _, we := range part.WriteErrors {
				we.Index += from
				bwe.WriteErrors = append(bwe.WriteErrors, we)
			}
			if ordered {
				return sum, bwe
			}
		default:
			return sum, err
		}
	}
	if len(bwe.WriteErrors) > 0 {
		return sum, bwe
	}
	return sum, nil
}

// step is called before each write of a multi-step operation; only tests make it fail.
func (s *Store) step(op string) error {
	if s.stop == nil {
		return nil
	}
	return s.stop(op)
}

// bulkWrite sends writes as one bulk write. With the test hook set it sends them one at
// a time and consults the hook before each, so that a test can stop a bulk write between
// any two documents, as a lost connection may; the result and errors are merged as the
// server would report them (write error indexes are positions in writes).
//
// On FerretDB the writes go in commands of at most ferretBulkMax: its PostgreSQL handler
// holds a pooled connection for every write of a command until the command ends, so one
// command of more writes than its pool (about 50) never ends, and the server stops
// answering anyone.
func (s *Store) bulkWrite(ctx context.Context, c *mongo.Collection, op string, writes []mongo.WriteModel, ordered bool) (*mongo.BulkWriteResult, error) {
	size := len(writes)
	switch {
	case s.stop != nil:
		size = 1
	case s.ferret:
		size = ferretBulkMax
	}
	if s.stop == nil && size >= len(writes) {
		return c.BulkWrite(ctx, writes, options.BulkWrite().SetOrdered(ordered))
	}
	return s.chunkedBulkWrite(ctx, c, op, writes, ordered, size)
}

// dupKeyOnly returns the positions of the writes a bulk write error rejected for a
// duplicate key, and false if the error is anything else.
func dupKeyOnly(err error) ([]int, bool) {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return nil, false
	}
	out := make([]int, 0, len(bwe.WriteErrors))
	for _, we := range bwe.WriteErrors {
		if !mongo.IsDuplicateKeyError(we.WriteError) {
			return nil, false
		}
		out = append(out, we.Index)
	}
	return out, true
}

// mapErr turns driver errors into the store's sentinel errors, prefixed with what failed.
func mapErr(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return fmt.Errorf("mongo: %s: %w", what, store.ErrNotFound)
	case mongo.IsDuplicateKeyError(err):
		return fmt.Errorf("mongo: %s: %w", what, store.ErrConflict)
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrInvalid):
		return err
	}
	return fmt.Errorf("mongo: unable to %s: %w", what, err)
}

// ms returns t in UTC at millisecond precision, as BSON stores it.
func ms(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// msp is ms for an optional time.
func msp(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := ms(*t)
	return &v
}

// now is the current time as stored.
func now() time.Time { return ms(time.Now()) }

// inOrAll adds {field: {$in: values}} to d when values is not empty.
func inOrAll[T any](d bson.D, field string, values []T) bson.D {
	if len(values) == 0 {
		return d
	}
	return append(d, bson.E{Key: field, Value: bson.D{{Key: "$in", Value: values}}})
}

// findAll runs a find and decodes every document with conv.
func findAll[D any, M any](ctx context.Context, c *mongo.Collection, filter any, opts *options.FindOptionsBuilder, conv func(D) M) ([]M, error) {
	cur, err := c.Find(ctx, filter, opts)
	if err != nil {
		return nil, err
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]M, 0, len(docs))
	for _, d := range docs {
		out = append(out, conv(d))
	}
	return out, nil
}
