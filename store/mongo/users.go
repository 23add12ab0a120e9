package mongo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"tintot/models"
	"tintot/store"
)

// userDoc is an account as stored; email_lower is unique so e-mails are case-insensitive.
type userDoc struct {
	ID           string    `bson:"_id"`
	Email        string    `bson:"email"`
	EmailLower   string    `bson:"email_lower"`
	Name         string    `bson:"name"`
	Role         string    `bson:"role"`
	UnitCode     string    `bson:"unit_code"`
	PasswordHash string    `bson:"password_hash"`
	Disabled     bool      `bson:"disabled"`
	CreatedAt    time.Time `bson:"created_at"`
	UpdatedAt    time.Time `bson:"updated_at"`
}

func toUserDoc(u models.User) userDoc {
	return userDoc{
		ID: u.ID, Email: u.Email, EmailLower: strings.ToLower(u.Email), Name: u.Name, Role: string(u.Role),
		UnitCode: u.UnitCode, PasswordHash: u.PasswordHash, Disabled: u.Disabled,
		CreatedAt: ms(u.CreatedAt), UpdatedAt: ms(u.UpdatedAt),
	}
}

func (d userDoc) model() models.User {
	return models.User{
		ID: d.ID, Email: d.Email, Name: d.Name, Role: models.Role(d.Role), UnitCode: d.UnitCode,
		PasswordHash: d.PasswordHash, Disabled: d.Disabled, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
}

// CreateUser inserts a user (ID assigned if empty); ErrConflict if the e-mail is taken.
func (s *Store) CreateUser(ctx context.Context, u models.User) (models.User, error) {
	if u.Email == "" {
		return models.User{}, fmt.Errorf("mongo: user has no e-mail: %w", store.ErrInvalid)
	}
	if u.ID == "" {
		u.ID = store.NewID()
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now()
	}
	if u.UpdatedAt.IsZero() {
		u.UpdatedAt = u.CreatedAt
	}
	d := toUserDoc(u)
	if _, err := s.col(colUsers).InsertOne(ctx, d); err != nil {
		return models.User{}, mapErr("insert user "+u.Email, err)
	}
	return d.model(), nil
}

func (s *Store) getUser(ctx context.Context, what string, filter bson.D) (models.User, error) {
	var d userDoc
	if err := s.col(colUsers).FindOne(ctx, filter).Decode(&d); err != nil {
		return models.User{}, mapErr("get user "+what, err)
	}
	return d.model(), nil
}

// GetUser returns a user by ID or ErrNotFound.
func (s *Store) GetUser(ctx context.Context, id string) (models.User, error) {
	return s.getUser(ctx, id, bson.D{{Key: "_id", Value: id}})
}

// GetUserByEmail returns a user by e-mail (case-insensitive) or ErrNotFound.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (models.User, error) {
	return s.getUser(ctx, email, bson.D{{Key: "email_lower", Value: strings.ToLower(email)}})
}

// ListUsers returns all users ordered by e-mail.
func (s *Store) ListUsers(ctx context.Context) ([]models.User, error) {
	out, err := findAll(ctx, s.col(colUsers), bson.D{}, options.Find().SetSort(bson.D{{Key: "email_lower", Value: 1}}), userDoc.model)
	if err != nil {
		return nil, mapErr("list users", err)
	}
	return out, nil
}

// UpdateUser replaces name, role, unit, password hash and disabled; ErrNotFound if absent.
func (s *Store) UpdateUser(ctx context.Context, u models.User) error {
	if u.UpdatedAt.IsZero() {
		u.UpdatedAt = now()
	}
	res, err := s.col(colUsers).UpdateOne(ctx, bson.D{{Key: "_id", Value: u.ID}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "name", Value: u.Name}, {Key: "role", Value: string(u.Role)}, {Key: "unit_code", Value: u.UnitCode},
		{Key: "password_hash", Value: u.PasswordHash}, {Key: "disabled", Value: u.Disabled},
		{Key: "updated_at", Value: ms(u.UpdatedAt)},
	}}})
	if err != nil {
		return mapErr("update user "+u.ID, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("mongo: user %q: %w", u.ID, store.ErrNotFound)
	}
	return nil
}
