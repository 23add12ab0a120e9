// Package mongo is tintot's MongoDB backend of store.Store, for production and for several
// instances sharing one database. It needs a replica set (transactions): ApplyRegistry,
// UpsertPosts and SaveEvaluations are all-or-nothing.
package mongo

import (
	"context"
	"errors"
	"fmt"
	"net/url"
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
)

// Store is a store.Store on one MongoDB database.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
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
	if err := s.ensureIndexes(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	if err := s.backfillFeedObservation(ctx); err != nil {
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
// as _id, which MongoDB keeps unique by itself.
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
			// At most one open outage per feed, even with two instances racing.
			{Keys: bson.D{{Key: "feed_id", Value: 1}}, Options: options.Index().SetName("feed_id_open").
				SetUnique(true).SetPartialFilterExpression(bson.D{{Key: "open", Value: true}})},
			plain("unit_code_from", bson.D{{Key: "unit_code", Value: 1}, {Key: "from", Value: 1}}),
		}},
		{colPosts, []mongo.IndexModel{
			unique("unit_code_item_key", bson.D{{Key: "unit_code", Value: 1}, {Key: "item_key", Value: 1}}),
			plain("local_day_unit_code", bson.D{{Key: "local_day", Value: 1}, {Key: "unit_code", Value: 1}}),
			plain("unit_code_published_at", bson.D{{Key: "unit_code", Value: 1}, {Key: "published_at", Value: -1}}),
			plain("published_at", bson.D{{Key: "published_at", Value: -1}}),
		}},
		{colEvaluations, []mongo.IndexModel{
			plain("unit_code_period", bson.D{{Key: "unit_code", Value: 1}, {Key: "period", Value: 1}}),
		}},
		{colCorrections, []mongo.IndexModel{
			plain("at", bson.D{{Key: "at", Value: 1}}),
			plain("unit_code_at", bson.D{{Key: "unit_code", Value: 1}, {Key: "at", Value: 1}}),
		}},
		{colAlerts, []mongo.IndexModel{
			unique("dedup_key", bson.D{{Key: "dedup_key", Value: 1}}),
			plain("status_next_try_at", bson.D{{Key: "status", Value: 1}, {Key: "next_try_at", Value: 1}}),
			plain("created_at", bson.D{{Key: "created_at", Value: -1}}),
		}},
		{colUsers, []mongo.IndexModel{
			unique("email_lower", bson.D{{Key: "email_lower", Value: 1}}),
		}},
		{colSessions, []mongo.IndexModel{
			plain("user_id", bson.D{{Key: "user_id", Value: 1}}),
			{Keys: bson.D{{Key: "expires_at", Value: 1}}, Options: options.Index().SetName("expires_at_ttl").SetExpireAfterSeconds(0)},
		}},
		{colTokens, []mongo.IndexModel{
			unique("hash", bson.D{{Key: "hash", Value: 1}}),
			plain("user_id", bson.D{{Key: "user_id", Value: 1}}),
		}},
		{colAudit, []mongo.IndexModel{
			plain("target_at", bson.D{{Key: "target", Value: 1}, {Key: "at", Value: -1}}),
			plain("at", bson.D{{Key: "at", Value: -1}}),
		}},
	}
}

// ensureIndexes creates missing indexes; existing identical ones are left alone.
func (s *Store) ensureIndexes(ctx context.Context) error {
	for _, spec := range indexSpecs() {
		if _, err := s.col(spec.collection).Indexes().CreateMany(ctx, spec.models); err != nil {
			return fmt.Errorf("mongo: unable to create indexes on %s: %w", spec.collection, err)
		}
	}
	return nil
}

// inTx runs fn in a transaction. fn may run more than once (transient errors are
// retried), so it must reset anything it accumulates.
func (s *Store) inTx(ctx context.Context, fn func(ctx context.Context) error) error {
	sess, err := s.client.StartSession()
	if err != nil {
		return fmt.Errorf("mongo: unable to start session: %w", err)
	}
	defer sess.EndSession(context.Background())
	_, err = sess.WithTransaction(ctx, func(ctx context.Context) (any, error) {
		return nil, fn(ctx)
	})
	return err
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
