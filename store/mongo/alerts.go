package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"tintot/models"
	"tintot/store"
)

// alertDoc is an outbox record as stored; its ID is the _id and dedup_key is unique.
type alertDoc struct {
	ID         string     `bson:"_id"`
	DedupKey   string     `bson:"dedup_key"`
	Type       string     `bson:"type"`
	UnitCode   string     `bson:"unit_code"`
	Period     string     `bson:"period"`
	Level      string     `bson:"level"`
	Recipients []string   `bson:"recipients"`
	Subject    string     `bson:"subject"`
	BodyText   string     `bson:"body_text"`
	BodyHTML   string     `bson:"body_html"`
	Attachment string     `bson:"attachment"`
	Status     string     `bson:"status"`
	Attempts   int        `bson:"attempts"`
	NextTryAt  time.Time  `bson:"next_try_at"`
	LastError  string     `bson:"last_error"`
	CreatedAt  time.Time  `bson:"created_at"`
	SentAt     *time.Time `bson:"sent_at"`
	// Seq orders alerts created in the same millisecond by insertion (ObjectIDs grow).
	Seq bson.ObjectID `bson:"seq"`
}

func toAlertDoc(a models.Alert) alertDoc {
	return alertDoc{
		ID: a.ID, DedupKey: a.DedupKey, Type: string(a.Type), UnitCode: a.UnitCode, Period: a.Period, Level: string(a.Level),
		Recipients: a.Recipients, Subject: a.Subject, BodyText: a.BodyText, BodyHTML: a.BodyHTML, Attachment: a.Attachment,
		Status: string(a.Status), Attempts: a.Attempts, NextTryAt: ms(a.NextTryAt), LastError: a.LastError,
		CreatedAt: ms(a.CreatedAt), SentAt: msp(a.SentAt),
	}
}

func (d alertDoc) model() models.Alert {
	return models.Alert{
		ID: d.ID, DedupKey: d.DedupKey, Type: models.AlertType(d.Type), UnitCode: d.UnitCode, Period: d.Period, Level: models.Level(d.Level),
		Recipients: d.Recipients, Subject: d.Subject, BodyText: d.BodyText, BodyHTML: d.BodyHTML, Attachment: d.Attachment,
		Status: models.AlertStatus(d.Status), Attempts: d.Attempts, NextTryAt: d.NextTryAt, LastError: d.LastError,
		CreatedAt: d.CreatedAt, SentAt: d.SentAt,
	}
}

// alertFilter builds the find filter of an AlertFilter.
func alertFilter(f store.AlertFilter) bson.D {
	d := inOrAll(bson.D{}, "unit_code", f.UnitCodes)
	d = inOrAll(d, "type", f.Types)
	if f.Status != "" {
		d = append(d, bson.E{Key: "status", Value: string(f.Status)})
	}
	if f.Since != nil {
		d = append(d, bson.E{Key: "created_at", Value: bson.D{{Key: "$gte", Value: ms(*f.Since)}}})
	}
	return d
}

// EnqueueAlert inserts an alert unless one with its DedupKey exists; then it returns the
// stored one and false.
func (s *Store) EnqueueAlert(ctx context.Context, a models.Alert) (models.Alert, bool, error) {
	if a.DedupKey == "" {
		return models.Alert{}, false, fmt.Errorf("mongo: alert has no dedup key: %w", store.ErrInvalid)
	}
	if a.ID == "" {
		a.ID = store.NewID()
	}
	if a.Status == "" {
		a.Status = models.AlertPending
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = now()
	}
	d := toAlertDoc(a)
	d.Seq = bson.NewObjectID()
	_, err := s.col(colAlerts).InsertOne(ctx, d)
	if err == nil {
		return d.model(), true, nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return models.Alert{}, false, mapErr("insert alert "+a.DedupKey, err)
	}
	var old alertDoc
	err = s.col(colAlerts).FindOne(ctx, bson.D{{Key: "dedup_key", Value: a.DedupKey}}).Decode(&old)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return models.Alert{}, false, fmt.Errorf("mongo: alert ID %q is taken: %w", a.ID, store.ErrConflict)
	}
	if err != nil {
		return models.Alert{}, false, mapErr("get alert "+a.DedupKey, err)
	}
	return old.model(), false, nil
}

// DueAlerts returns pending alerts with NextTryAt <= now, oldest first.
func (s *Store) DueAlerts(ctx context.Context, now time.Time, limit int) ([]models.Alert, error) {
	opts := options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "seq", Value: 1}})
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	out, err := findAll(ctx, s.col(colAlerts), bson.D{
		{Key: "status", Value: string(models.AlertPending)},
		{Key: "next_try_at", Value: bson.D{{Key: "$lte", Value: ms(now)}}},
	}, opts, alertDoc.model)
	if err != nil {
		return nil, mapErr("list due alerts", err)
	}
	return out, nil
}

// UpdateAlert replaces status, attempts, next try, last error and sent time; ErrNotFound if absent.
func (s *Store) UpdateAlert(ctx context.Context, a models.Alert) error {
	res, err := s.col(colAlerts).UpdateOne(ctx, bson.D{{Key: "_id", Value: a.ID}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "status", Value: string(a.Status)}, {Key: "attempts", Value: a.Attempts},
		{Key: "next_try_at", Value: ms(a.NextTryAt)}, {Key: "last_error", Value: a.LastError},
		{Key: "sent_at", Value: msp(a.SentAt)},
	}}})
	if err != nil {
		return mapErr("update alert "+a.ID, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("mongo: alert %q: %w", a.ID, store.ErrNotFound)
	}
	return nil
}

// PruneAlertBodies empties the bodies of the settled alerts created before before.
func (s *Store) PruneAlertBodies(ctx context.Context, before time.Time) (int, error) {
	res, err := s.col(colAlerts).UpdateMany(ctx, bson.D{
		{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{string(models.AlertSent), string(models.AlertFailed), string(models.AlertNoMail), string(models.AlertCanceled)}}}},
		{Key: "created_at", Value: bson.D{{Key: "$lt", Value: ms(before)}}},
		{Key: "$or", Value: bson.A{bson.D{{Key: "body_text", Value: bson.D{{Key: "$ne", Value: ""}}}}, bson.D{{Key: "body_html", Value: bson.D{{Key: "$ne", Value: ""}}}}}},
	}, bson.D{{Key: "$set", Value: bson.D{{Key: "body_text", Value: ""}, {Key: "body_html", Value: ""}}}})
	if err != nil {
		return 0, mapErr("empty the bodies of old alerts", err)
	}
	return int(res.ModifiedCount), nil
}

// GetAlert returns one alert or ErrNotFound.
func (s *Store) GetAlert(ctx context.Context, id string) (models.Alert, error) {
	var d alertDoc
	if err := s.col(colAlerts).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return models.Alert{}, mapErr("get alert "+id, err)
	}
	return d.model(), nil
}

// ListAlerts returns alerts matching the filter, newest first.
func (s *Store) ListAlerts(ctx context.Context, f store.AlertFilter) ([]models.Alert, error) {
	opts := options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "seq", Value: -1}})
	if f.Limit > 0 {
		opts.SetLimit(int64(f.Limit))
	}
	out, err := findAll(ctx, s.col(colAlerts), alertFilter(f), opts, alertDoc.model)
	if err != nil {
		return nil, mapErr("list alerts", err)
	}
	return out, nil
}
