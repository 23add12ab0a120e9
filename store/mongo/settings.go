package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// GetSetting returns a value or ErrNotFound.
func (s *Store) GetSetting(ctx context.Context, key string) (string, error) {
	var d struct {
		Value string `bson:"value"`
	}
	if err := s.col(colSettings).FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&d); err != nil {
		return "", mapErr("get setting "+key, err)
	}
	return d.Value, nil
}

// SetSetting writes a value.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.col(colSettings).UpdateOne(ctx, bson.D{{Key: "_id", Value: key}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "value", Value: value}}}}, options.UpdateOne().SetUpsert(true))
	return mapErr("set setting "+key, err)
}
