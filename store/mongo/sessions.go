package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"tintot/models"
	"tintot/store"
)

// sessionDoc is a login session; its ID (hash of the cookie secret) is the _id. A TTL
// index on expires_at lets the server delete expired sessions; on a server without TTL
// indexes (FerretDB v1) CreateSession deletes those expired when the new one was created.
type sessionDoc struct {
	ID        string    `bson:"_id"`
	UserID    string    `bson:"user_id"`
	CSRFToken string    `bson:"csrf_token"`
	CreatedAt time.Time `bson:"created_at"`
	ExpiresAt time.Time `bson:"expires_at"`
}

func toSessionDoc(s models.Session) sessionDoc {
	return sessionDoc{ID: s.ID, UserID: s.UserID, CSRFToken: s.CSRFToken, CreatedAt: ms(s.CreatedAt), ExpiresAt: ms(s.ExpiresAt)}
}

func (d sessionDoc) model() models.Session {
	return models.Session{ID: d.ID, UserID: d.UserID, CSRFToken: d.CSRFToken, CreatedAt: d.CreatedAt, ExpiresAt: d.ExpiresAt}
}

// tokenDoc is an API token; only its hash is stored, and it is unique.
type tokenDoc struct {
	ID        string     `bson:"_id"`
	UserID    string     `bson:"user_id"`
	Name      string     `bson:"name"`
	Hash      string     `bson:"hash"`
	CreatedAt time.Time  `bson:"created_at"`
	LastUsed  *time.Time `bson:"last_used"`
}

func toTokenDoc(t models.APIToken) tokenDoc {
	return tokenDoc{ID: t.ID, UserID: t.UserID, Name: t.Name, Hash: t.Hash, CreatedAt: ms(t.CreatedAt), LastUsed: msp(t.LastUsed)}
}

func (d tokenDoc) model() models.APIToken {
	return models.APIToken{ID: d.ID, UserID: d.UserID, Name: d.Name, Hash: d.Hash, CreatedAt: d.CreatedAt, LastUsed: d.LastUsed}
}

// CreateSession stores a session; ErrConflict if its ID exists.
func (s *Store) CreateSession(ctx context.Context, sess models.Session) error {
	if sess.ID == "" {
		return fmt.Errorf("mongo: session has no ID: %w", store.ErrInvalid)
	}
	if s.purgeSessions && !sess.CreatedAt.IsZero() {
		// Expired by the caller's clock, the one GetSession is given.
		if _, err := s.col(colSessions).DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: ms(sess.CreatedAt)}}}}); err != nil {
			return mapErr("delete expired sessions", err)
		}
	}
	_, err := s.col(colSessions).InsertOne(ctx, toSessionDoc(sess))
	return mapErr("insert session", err)
}

// GetSession returns an unexpired session by ID (at now) or ErrNotFound.
func (s *Store) GetSession(ctx context.Context, id string, now time.Time) (models.Session, error) {
	var d sessionDoc
	err := s.col(colSessions).FindOne(ctx, bson.D{
		{Key: "_id", Value: id}, {Key: "expires_at", Value: bson.D{{Key: "$gt", Value: ms(now)}}},
	}).Decode(&d)
	if err != nil {
		return models.Session{}, mapErr("get session", err)
	}
	return d.model(), nil
}

// DeleteSession removes a session (no error if absent).
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	_, err := s.col(colSessions).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return mapErr("delete session", err)
}

// DeleteUserSessions removes every session of a user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	_, err := s.col(colSessions).DeleteMany(ctx, bson.D{{Key: "user_id", Value: userID}})
	return mapErr("delete sessions of user "+userID, err)
}

// CreateAPIToken stores a token (ID assigned if empty); ErrConflict if its hash exists.
func (s *Store) CreateAPIToken(ctx context.Context, t models.APIToken) (models.APIToken, error) {
	if t.Hash == "" {
		return models.APIToken{}, fmt.Errorf("mongo: API token has no hash: %w", store.ErrInvalid)
	}
	if t.ID == "" {
		t.ID = store.NewID()
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now()
	}
	d := toTokenDoc(t)
	if _, err := s.col(colTokens).InsertOne(ctx, d); err != nil {
		return models.APIToken{}, mapErr("insert API token", err)
	}
	return d.model(), nil
}

// GetAPITokenByHash returns a token by its hash or ErrNotFound.
func (s *Store) GetAPITokenByHash(ctx context.Context, hash string) (models.APIToken, error) {
	var d tokenDoc
	if err := s.col(colTokens).FindOne(ctx, bson.D{{Key: "hash", Value: hash}}).Decode(&d); err != nil {
		return models.APIToken{}, mapErr("get API token", err)
	}
	return d.model(), nil
}

// ListAPITokens returns a user's tokens, oldest first.
func (s *Store) ListAPITokens(ctx context.Context, userID string) ([]models.APIToken, error) {
	out, err := findAll(ctx, s.col(colTokens), bson.D{{Key: "user_id", Value: userID}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}), tokenDoc.model)
	if err != nil {
		return nil, mapErr("list API tokens of user "+userID, err)
	}
	return out, nil
}

// DeleteAPIToken removes a token of a user; ErrNotFound if absent.
func (s *Store) DeleteAPIToken(ctx context.Context, userID, id string) error {
	res, err := s.col(colTokens).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "user_id", Value: userID}})
	if err != nil {
		return mapErr("delete API token "+id, err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("mongo: API token %q of user %q: %w", id, userID, store.ErrNotFound)
	}
	return nil
}
