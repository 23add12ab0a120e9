package mongo

import (
	"context"
	"regexp"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"tintot/models"
	"tintot/store"
)

// auditDoc is one audit log entry as stored.
type auditDoc struct {
	ID       string    `bson:"_id"`
	At       time.Time `bson:"at"`
	Actor    string    `bson:"actor"`
	Action   string    `bson:"action"`
	Target   string    `bson:"target"`
	UnitCode string    `bson:"unit_code"`
	Before   string    `bson:"before"`
	After    string    `bson:"after"`
	Note     string    `bson:"note"`
	// Seq orders entries made in the same millisecond by insertion (ObjectIDs grow).
	Seq bson.ObjectID `bson:"seq"`
}

func toAuditDoc(e models.AuditEntry) auditDoc {
	return auditDoc{ID: e.ID, At: ms(e.At), Actor: e.Actor, Action: e.Action, Target: e.Target,
		UnitCode: e.UnitCode, Before: e.Before, After: e.After, Note: e.Note}
}

func (d auditDoc) model() models.AuditEntry {
	return models.AuditEntry{ID: d.ID, At: d.At, Actor: d.Actor, Action: d.Action, Target: d.Target,
		UnitCode: d.UnitCode, Before: d.Before, After: d.After, Note: d.Note}
}

// auditFilter matches entries whose target starts with prefix (all if empty). An anchored,
// escaped regex is served by the (target, at) index.
func auditFilter(prefix string) bson.D {
	if prefix == "" {
		return bson.D{}
	}
	return bson.D{{Key: "target", Value: bson.Regex{Pattern: "^" + regexp.QuoteMeta(prefix)}}}
}

// AddAudit appends an entry (ID assigned if empty).
func (s *Store) AddAudit(ctx context.Context, e models.AuditEntry) error {
	if e.ID == "" {
		e.ID = store.NewID()
	}
	if e.At.IsZero() {
		e.At = now()
	}
	d := toAuditDoc(e)
	d.Seq = bson.NewObjectID()
	_, err := s.col(colAudit).InsertOne(ctx, d)
	return mapErr("add audit entry", err)
}

// ListAudit returns entries for a target prefix (all if empty), newest first.
func (s *Store) ListAudit(ctx context.Context, target string, limit int) ([]models.AuditEntry, error) {
	opts := options.Find().SetSort(bson.D{{Key: "at", Value: -1}, {Key: "seq", Value: -1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	out, err := findAll(ctx, s.col(colAudit), auditFilter(target), opts, auditDoc.model)
	if err != nil {
		return nil, mapErr("list audit entries", err)
	}
	return out, nil
}
