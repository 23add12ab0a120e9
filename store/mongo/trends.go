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

// trendDoc is one online trend (trào lưu) as stored; (parent_code, year, name) is unique.
type trendDoc struct {
	ID          string    `bson:"_id"`
	ParentCode  string    `bson:"parent_code"`
	Year        int       `bson:"year"`
	Name        string    `bson:"name"`
	Hashtags    []string  `bson:"hashtags"`
	StartDay    string    `bson:"start_day"`
	EndDay      string    `bson:"end_day"`
	Description string    `bson:"description"`
	CreatedBy   string    `bson:"created_by"`
	CreatedAt   time.Time `bson:"created_at"`
}

func toTrendDoc(t models.Trend) trendDoc {
	d := trendDoc{ID: t.ID, ParentCode: t.ParentCode, Year: t.Year(), Name: t.Name, Hashtags: t.Hashtags, StartDay: t.StartDay,
		EndDay: t.EndDay, Description: t.Description, CreatedBy: t.CreatedBy, CreatedAt: ms(t.CreatedAt)}
	if d.Hashtags == nil {
		d.Hashtags = []string{}
	}
	return d
}

func (d trendDoc) model() models.Trend {
	return models.Trend{ID: d.ID, ParentCode: d.ParentCode, Name: d.Name, Hashtags: d.Hashtags, StartDay: d.StartDay,
		EndDay: d.EndDay, Description: d.Description, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt}
}

// CreateTrend inserts a trend (ID assigned if empty); ErrInvalid if the parent unit does
// not exist, ErrConflict if the parent has a trend of that name in that year.
func (s *Store) CreateTrend(ctx context.Context, t models.Trend) (models.Trend, error) {
	ok, err := s.unitExists(ctx, t.ParentCode)
	if err != nil {
		return models.Trend{}, mapErr("look up unit "+t.ParentCode, err)
	}
	if !ok {
		return models.Trend{}, fmt.Errorf("mongo: unit %q of trend does not exist: %w", t.ParentCode, store.ErrInvalid)
	}
	if t.ID == "" {
		t.ID = store.NewID()
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now()
	}
	t.CreatedAt = ms(t.CreatedAt)
	d := toTrendDoc(t)
	if _, err := s.col(colTrends).InsertOne(ctx, d); err != nil {
		return models.Trend{}, mapErr("insert trend "+t.Name+" of unit "+t.ParentCode, err)
	}
	if len(t.Hashtags) == 0 {
		t.Hashtags = nil
	}
	return t, nil
}

// GetTrend returns one trend or ErrNotFound.
func (s *Store) GetTrend(ctx context.Context, id string) (models.Trend, error) {
	var d trendDoc
	if err := s.col(colTrends).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return models.Trend{}, mapErr("get trend "+id, err)
	}
	return d.model(), nil
}

// ListTrends returns the trends matching the filter, by first day, then name.
func (s *Store) ListTrends(ctx context.Context, f store.TrendFilter) ([]models.Trend, error) {
	filter := bson.D{}
	if f.ParentCode != "" {
		filter = append(filter, bson.E{Key: "parent_code", Value: f.ParentCode})
	}
	if f.Year != 0 {
		filter = append(filter, bson.E{Key: "year", Value: f.Year})
	}
	opts := options.Find().SetSort(bson.D{{Key: "start_day", Value: 1}, {Key: "name", Value: 1}, {Key: "_id", Value: 1}})
	out, err := findAll(ctx, s.col(colTrends), filter, opts, trendDoc.model)
	if err != nil {
		return nil, mapErr("list trends", err)
	}
	return out, nil
}

// UpdateTrend replaces a trend's name, hashtags, days and description.
func (s *Store) UpdateTrend(ctx context.Context, t models.Trend) (models.Trend, error) {
	cur, err := s.GetTrend(ctx, t.ID)
	if err != nil {
		return models.Trend{}, err
	}
	d := toTrendDoc(t)
	// The unique index refuses a name the organiser already uses that year, but FerretDB
	// reports that as an internal error rather than a duplicate key: look first.
	n, err := s.col(colTrends).CountDocuments(ctx, bson.D{{Key: "parent_code", Value: cur.ParentCode}, {Key: "year", Value: d.Year},
		{Key: "name", Value: d.Name}, {Key: "_id", Value: bson.D{{Key: "$ne", Value: t.ID}}}})
	if err != nil {
		return models.Trend{}, mapErr("check trend names of "+cur.ParentCode, err)
	}
	if n > 0 {
		return models.Trend{}, fmt.Errorf("mongo: unit %s already has trend %q in %d: %w", cur.ParentCode, d.Name, d.Year, store.ErrConflict)
	}
	set := bson.D{{Key: "year", Value: d.Year}, {Key: "name", Value: d.Name}, {Key: "hashtags", Value: d.Hashtags},
		{Key: "start_day", Value: d.StartDay}, {Key: "end_day", Value: d.EndDay}, {Key: "description", Value: d.Description}}
	res, err := s.col(colTrends).UpdateOne(ctx, bson.D{{Key: "_id", Value: t.ID}}, bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return models.Trend{}, mapErr("update trend "+t.ID, err)
	}
	if res.MatchedCount == 0 {
		return models.Trend{}, fmt.Errorf("mongo: trend %s: %w", t.ID, store.ErrNotFound)
	}
	return s.GetTrend(ctx, t.ID)
}

// DeleteTrend removes a trend.
func (s *Store) DeleteTrend(ctx context.Context, id string) error {
	res, err := s.col(colTrends).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return mapErr("delete trend "+id, err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("mongo: trend %s: %w", id, store.ErrNotFound)
	}
	return nil
}
