package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// leaseFilter matches the named lease when it is expired at now or held by holder.
func leaseFilter(name, holder string, now time.Time) bson.D {
	return bson.D{
		{Key: "_id", Value: name},
		{Key: "$or", Value: bson.A{
			bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lte", Value: ms(now)}}}},
			bson.D{{Key: "holder", Value: holder}},
		}},
	}
}

// AcquireLease takes or renews the named lease for holder until now+ttl. When another
// holder has a live lease the upsert collides with its _id: not acquired.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	if name == "" || holder == "" {
		return false, fmt.Errorf("mongo: lease needs a name and a holder (name %q, holder %q)", name, holder)
	}
	_, err := s.col(colLeases).UpdateOne(ctx, leaseFilter(name, holder, now),
		bson.D{{Key: "$set", Value: bson.D{{Key: "holder", Value: holder}, {Key: "expires_at", Value: ms(now.Add(ttl))}}}},
		options.UpdateOne().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, mapErr("acquire lease "+name, err)
	}
	return true, nil
}

// ReleaseLease gives up the lease if holder holds it.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := s.col(colLeases).DeleteOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "holder", Value: holder}})
	return mapErr("release lease "+name, err)
}
