package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"tintot/models"
	"tintot/store"
)

// pickDoc is a bulletin pick as stored; the post ID is its _id (one pick per post).
type pickDoc struct {
	PostID   string    `bson:"_id"`
	UnitCode string    `bson:"unit_code"`
	LocalDay string    `bson:"local_day"`
	Note     string    `bson:"note"`
	Position int       `bson:"position"`
	Omitted  bool      `bson:"omitted"`
	PickedBy string    `bson:"picked_by"`
	PickedAt time.Time `bson:"picked_at"`
}

func (d pickDoc) model() models.Pick {
	return models.Pick{PostID: d.PostID, UnitCode: d.UnitCode, LocalDay: d.LocalDay, Note: d.Note, Position: d.Position,
		Omitted: d.Omitted, PickedBy: d.PickedBy, PickedAt: zeroIfEpoch(d.PickedAt)}
}

// zeroIfEpoch returns the zero time for a stored zero time (it decodes as 0001-01-01 UTC).
func zeroIfEpoch(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// SavePick inserts or replaces the pick of p.PostID.
func (s *Store) SavePick(ctx context.Context, p models.Pick) error {
	d := pickDoc{PostID: p.PostID, UnitCode: p.UnitCode, LocalDay: p.LocalDay, Note: p.Note, Position: p.Position,
		Omitted: p.Omitted, PickedBy: p.PickedBy, PickedAt: ms(p.PickedAt)}
	_, err := s.col(colPicks).ReplaceOne(ctx, bson.D{{Key: "_id", Value: p.PostID}}, d, options.Replace().SetUpsert(true))
	return mapErr("save pick of post "+p.PostID, err)
}

// DeletePick removes a post's pick; ErrNotFound if it has none.
func (s *Store) DeletePick(ctx context.Context, postID string) error {
	res, err := s.col(colPicks).DeleteOne(ctx, bson.D{{Key: "_id", Value: postID}})
	if err != nil {
		return mapErr("delete pick of post "+postID, err)
	}
	if res.DeletedCount == 0 {
		return mapErr("delete pick of post "+postID, store.ErrNotFound)
	}
	return nil
}

// ListPicks returns the picks the filter selects, by position, day and post ID.
func (s *Store) ListPicks(ctx context.Context, f store.PickFilter) ([]models.Pick, error) {
	filter := inOrAll(bson.D{}, "unit_code", f.UnitCodes)
	day := bson.D{}
	if f.FromDay != "" {
		day = append(day, bson.E{Key: "$gte", Value: f.FromDay})
	}
	if f.ToDay != "" {
		day = append(day, bson.E{Key: "$lte", Value: f.ToDay})
	}
	if len(day) > 0 {
		filter = append(filter, bson.E{Key: "local_day", Value: day})
	}
	opts := options.Find().SetSort(bson.D{{Key: "position", Value: 1}, {Key: "local_day", Value: 1}, {Key: "_id", Value: 1}})
	out, err := findAll(ctx, s.col(colPicks), filter, opts, pickDoc.model)
	if err != nil {
		return nil, mapErr("list picks", err)
	}
	return out, nil
}

// sentBulletinDoc is an issue as sent; _id is "parent|quarter", so one per parent and quarter.
type sentBulletinDoc struct {
	ID         string            `bson:"_id"`
	Parent     string            `bson:"parent"`
	Quarter    string            `bson:"quarter"`
	Subject    string            `bson:"subject"`
	HTML       string            `bson:"html"`
	Items      []bulletinItemDoc `bson:"items"`
	Recipients []string          `bson:"recipients"`
	SentBy     string            `bson:"sent_by"`
	SentAt     time.Time         `bson:"sent_at"`
}

type bulletinItemDoc struct {
	PostID   string `bson:"post_id"`
	UnitCode string `bson:"unit_code"`
	UnitName string `bson:"unit_name"`
	Title    string `bson:"title"`
	Day      string `bson:"day"`
	URL      string `bson:"url"`
	Note     string `bson:"note"`
}

// SaveSentBulletin stores an issue as sent; ErrConflict if it exists.
func (s *Store) SaveSentBulletin(ctx context.Context, b models.SentBulletin) error {
	d := sentBulletinDoc{ID: b.Parent + "|" + b.Quarter, Parent: b.Parent, Quarter: b.Quarter, Subject: b.Subject, HTML: b.HTML,
		Items: []bulletinItemDoc{}, Recipients: b.Recipients, SentBy: b.SentBy, SentAt: ms(b.SentAt)}
	if d.Recipients == nil {
		d.Recipients = []string{}
	}
	for _, it := range b.Items {
		d.Items = append(d.Items, bulletinItemDoc(it))
	}
	_, err := s.col(colBulletins).InsertOne(ctx, d)
	return mapErr("save bulletin "+d.ID, err)
}

// GetSentBulletin returns a sent issue or ErrNotFound.
func (s *Store) GetSentBulletin(ctx context.Context, parent, quarter string) (models.SentBulletin, error) {
	var d sentBulletinDoc
	if err := s.col(colBulletins).FindOne(ctx, bson.D{{Key: "_id", Value: parent + "|" + quarter}}).Decode(&d); err != nil {
		return models.SentBulletin{}, mapErr("get bulletin "+parent+"|"+quarter, err)
	}
	b := models.SentBulletin{Parent: d.Parent, Quarter: d.Quarter, Subject: d.Subject, HTML: d.HTML, Recipients: d.Recipients,
		SentBy: d.SentBy, SentAt: zeroIfEpoch(d.SentAt)}
	if len(b.Recipients) == 0 {
		b.Recipients = nil
	}
	for _, it := range d.Items {
		b.Items = append(b.Items, models.BulletinItem(it))
	}
	return b, nil
}

// honourDoc is an honour-roll proposal as stored.
type honourDoc struct {
	ID         string    `bson:"_id"`
	Year       int       `bson:"year"`
	UnitCode   string    `bson:"unit_code"`
	Name       string    `bson:"name"`
	PostID     string    `bson:"post_id"`
	Reason     string    `bson:"reason"`
	ProposedBy string    `bson:"proposed_by"`
	CreatedAt  time.Time `bson:"created_at"`
}

func (d honourDoc) model() models.Honour {
	return models.Honour{ID: d.ID, Year: d.Year, UnitCode: d.UnitCode, Name: d.Name, PostID: d.PostID, Reason: d.Reason,
		ProposedBy: d.ProposedBy, CreatedAt: zeroIfEpoch(d.CreatedAt)}
}

// CreateHonour inserts a proposal (ID assigned if empty).
func (s *Store) CreateHonour(ctx context.Context, h models.Honour) (models.Honour, error) {
	if h.ID == "" {
		h.ID = store.NewID()
	}
	h.CreatedAt = ms(h.CreatedAt)
	_, err := s.col(colHonours).InsertOne(ctx, honourDoc{ID: h.ID, Year: h.Year, UnitCode: h.UnitCode, Name: h.Name, PostID: h.PostID,
		Reason: h.Reason, ProposedBy: h.ProposedBy, CreatedAt: h.CreatedAt})
	return h, mapErr("create honour "+h.ID, err)
}

// ListHonours returns a year's proposals for the units (all if empty).
func (s *Store) ListHonours(ctx context.Context, year int, unitCodes []string) ([]models.Honour, error) {
	filter := inOrAll(bson.D{{Key: "year", Value: year}}, "unit_code", unitCodes)
	opts := options.Find().SetSort(bson.D{{Key: "unit_code", Value: 1}, {Key: "created_at", Value: 1}, {Key: "_id", Value: 1}})
	out, err := findAll(ctx, s.col(colHonours), filter, opts, honourDoc.model)
	if err != nil {
		return nil, mapErr("list honours", err)
	}
	return out, nil
}

// GetHonour returns one proposal or ErrNotFound.
func (s *Store) GetHonour(ctx context.Context, id string) (models.Honour, error) {
	var d honourDoc
	if err := s.col(colHonours).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return models.Honour{}, mapErr("get honour "+id, err)
	}
	return d.model(), nil
}

// DeleteHonour removes a proposal; ErrNotFound if absent.
func (s *Store) DeleteHonour(ctx context.Context, id string) error {
	res, err := s.col(colHonours).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return mapErr("delete honour "+id, err)
	}
	if res.DeletedCount == 0 {
		return mapErr("delete honour "+id, store.ErrNotFound)
	}
	return nil
}
