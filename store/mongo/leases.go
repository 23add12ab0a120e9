package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// leaseDoc is a named lease; the name is the _id. Gen counts its changes of hands and
// renewals (see tickets.go); a released lease keeps its document, with no holder.
type leaseDoc struct {
	Name      string    `bson:"_id"`
	Holder    string    `bson:"holder"`
	ExpiresAt time.Time `bson:"expires_at"`
	Gen       int64     `bson:"gen"`
}

// AcquireLease takes or renews the named lease for holder until now+ttl. It succeeds if
// the lease is free, expired, or already held by holder; else returns false. A new lease
// is an insert (one of two racing inserts wins); taking over or renewing one is the
// ticket of its generation, then an update on condition that the generation is unchanged.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	if name == "" || holder == "" {
		return false, fmt.Errorf("mongo: lease needs a name and a holder (name %q, holder %q)", name, holder)
	}
	what := "acquire lease " + name
	until := ms(now.Add(ttl))
	var d leaseDoc
	err := s.col(colLeases).FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		_, err = s.col(colLeases).InsertOne(ctx, leaseDoc{Name: name, Holder: holder, ExpiresAt: until})
		if err == nil {
			return true, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return false, mapErr(what, err)
		}
		// Another instance created it at the same moment.
		err = s.col(colLeases).FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&d)
	}
	if err != nil {
		return false, mapErr(what, err)
	}
	if !leaseTakable(d, holder, now) {
		return false, nil
	}
	ticket, ok, err := s.takeTicket(ctx, "lease:"+name, d.Gen, holder, now, until)
	if err != nil || !ok {
		return false, err
	}
	res, err := s.col(colLeases).UpdateOne(ctx, bson.D{{Key: "_id", Value: name}, genFilter("gen", d.Gen)},
		bson.D{{Key: "$set", Value: bson.D{{Key: "holder", Value: holder}, {Key: "expires_at", Value: until}, {Key: "gen", Value: d.Gen + 1}}}})
	if derr := s.dropTicket(ctx, ticket); err == nil && derr != nil {
		return false, derr
	}
	if err != nil {
		return false, mapErr(what, err)
	}
	return res.MatchedCount == 1, nil
}

// leaseTakable reports whether holder may take or renew the lease d at now: it is held by
// holder, or expired (released leases are expired).
func leaseTakable(d leaseDoc, holder string, now time.Time) bool {
	return d.Holder == holder || !d.ExpiresAt.After(ms(now))
}

// ReleaseLease gives up the lease if holder holds it: the lease is left expired, with no
// holder, and keeps its generation.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := s.col(colLeases).UpdateOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "holder", Value: holder}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "holder", Value: ""}, {Key: "expires_at", Value: time.Unix(0, 0).UTC()}}}})
	return mapErr("release lease "+name, err)
}
