package mongo

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"tintot/models"
	"tintot/store"
)

// evaluationDoc is a stored evaluation; its Key() is the _id.
//
// Pending holds the corrections of the changes written to this document that are not yet
// copied to the corrections collection: a change and its correction are one
// single-document write here, copied out afterwards (see SaveEvaluations). SavedBy is the
// token of the SaveEvaluations call that wrote the document last.
type evaluationDoc struct {
	Key         string     `bson:"_id"`
	UnitCode    string     `bson:"unit_code"`
	Target      string     `bson:"target"`
	Period      string     `bson:"period"`
	PeriodKind  string     `bson:"period_kind"`
	Level       string     `bson:"level"`
	Required    int        `bson:"required"`
	Actual      int        `bson:"actual"`
	Status      string     `bson:"status"`
	Retroactive bool       `bson:"retroactive,omitempty"`
	Obligatory  *bool      `bson:"obligatory,omitempty"` // nil: stored before the field`
	EvaluatedAt time.Time  `bson:"evaluated_at"`
	SavedBy     string     `bson:"saved_by,omitempty"`
	Pending     []bson.Raw `bson:"pending,omitempty"`
}

// evaluationSet is the $set of an evaluation's fields, retroactive included even when
// false (an update must clear it).
func evaluationSet(d evaluationDoc) bson.D {
	return bson.D{
		{Key: "unit_code", Value: d.UnitCode}, {Key: "target", Value: d.Target}, {Key: "period", Value: d.Period},
		{Key: "period_kind", Value: d.PeriodKind}, {Key: "level", Value: d.Level}, {Key: "required", Value: d.Required},
		{Key: "actual", Value: d.Actual}, {Key: "status", Value: d.Status}, {Key: "retroactive", Value: d.Retroactive}, {Key: "obligatory", Value: d.Obligatory},
		{Key: "evaluated_at", Value: d.EvaluatedAt}, {Key: "saved_by", Value: d.SavedBy},
	}
}

func toEvaluationDoc(e models.Evaluation) evaluationDoc {
	return evaluationDoc{
		Key: e.Key(), UnitCode: e.UnitCode, Target: e.Target, Period: e.Period, PeriodKind: string(e.PeriodKind),
		Level: string(e.Level), Required: e.Required, Actual: e.Actual, Status: string(e.Status), Retroactive: e.Retroactive, Obligatory: &e.Obligatory, EvaluatedAt: ms(e.EvaluatedAt),
	}
}

// obligatory is the document's Obligatory; documents stored before the field were all of
// periods before 2030, whose obligation was the baseline.
func (d evaluationDoc) obligatory() bool {
	if d.Obligatory != nil {
		return *d.Obligatory
	}
	return models.Level(d.Level) == models.LevelBaseline
}

func (d evaluationDoc) model() models.Evaluation {
	return models.Evaluation{
		UnitCode: d.UnitCode, Target: d.Target, Period: d.Period, PeriodKind: models.PeriodKind(d.PeriodKind),
		Level: models.Level(d.Level), Required: d.Required, Actual: d.Actual, Status: models.Status(d.Status), Retroactive: d.Retroactive,
		Obligatory: d.obligatory(), EvaluatedAt: d.EvaluatedAt,
	}
}

// correctionDoc is a stored correction; _id is generated when the change is computed
// (ObjectIDs grow with time) and kept with the pending correction, so copying it out
// twice stores it once.
type correctionDoc struct {
	ID        bson.ObjectID `bson:"_id,omitempty"`
	UnitCode  string        `bson:"unit_code"`
	Target    string        `bson:"target"`
	Period    string        `bson:"period"`
	Level     string        `bson:"level"`
	OldStatus string        `bson:"old_status"`
	NewStatus string        `bson:"new_status"`
	OldActual int           `bson:"old_actual"`
	NewActual int           `bson:"new_actual"`
	At        time.Time     `bson:"at"`
	Why       string        `bson:"why"`
}

func toCorrectionDoc(c models.Correction) correctionDoc {
	return correctionDoc{
		UnitCode: c.UnitCode, Target: c.Target, Period: c.Period, Level: string(c.Level),
		OldStatus: string(c.OldStatus), NewStatus: string(c.NewStatus), OldActual: c.OldActual, NewActual: c.NewActual,
		At: ms(c.At), Why: c.Why,
	}
}

func (d correctionDoc) model() models.Correction {
	return models.Correction{
		UnitCode: d.UnitCode, Target: d.Target, Period: d.Period, Level: models.Level(d.Level),
		OldStatus: models.Status(d.OldStatus), NewStatus: models.Status(d.NewStatus), OldActual: d.OldActual, NewActual: d.NewActual,
		At: d.At, Why: d.Why,
	}
}

// corrections compares new evaluations with the stored ones and returns a correction for
// each that existed with a different status or actual count, in the order of evals.
func corrections(evals []models.Evaluation, stored map[string]models.Evaluation, at time.Time, why string) []models.Correction {
	var out []models.Correction
	for _, e := range evals {
		old, ok := stored[e.Key()]
		if !ok || (old.Status == e.Status && old.Actual == e.Actual) {
			continue
		}
		out = append(out, models.Correction{
			UnitCode: e.UnitCode, Target: e.Target, Period: e.Period, Level: e.Level,
			OldStatus: old.Status, NewStatus: e.Status, OldActual: old.Actual, NewActual: e.Actual,
			At: ms(at), Why: why,
		})
		stored[e.Key()] = e // a key repeated in one batch is compared with its previous value
	}
	return out
}

// maxSaveRounds bounds how often SaveEvaluations re-reads evaluations that a concurrent
// writer changed between its read and its write.
const maxSaveRounds = 8

// SaveEvaluations upserts evaluations by Key() and records a correction for each one that
// changed status or actual count.
//
// Without transactions it goes in three steps, each a set of single-document writes:
//
//  1. Each evaluation is written on condition that the stored status and actual count
//     are still those it was compared with (a new one is inserted; on FerretDB, see
//     below, without the condition), and its corrections are pushed onto the same
//     document's "pending" list in that same write: a change is never stored without its
//     correction. A write whose condition failed (a concurrent writer) is read and
//     compared again.
//  2. The pending corrections are upserted into the corrections collection by their _id.
//  3. They are pulled from "pending".
//
// A stop after step 1 leaves the evaluations saved and their corrections pending: the
// next SaveEvaluations of the same keys (which then finds nothing new to correct) or the
// start-up repair copies them out, each once, and the retry returns them as the
// uninterrupted call would have (unless it stopped after they were copied out and pulled:
// they are stored then, and not returned again). Corrections are returned in the order
// of evals, any left pending by an earlier call first.
//
// On FerretDB an update's condition is checked when the document is read, not
// atomically with its write (see tickets.go), and any filter beyond _id reads the whole
// collection: there the write is addressed by _id alone, without the condition.
// Evaluations are saved by the scheduler's leader, one batch at a time, so two saves of
// one key at the same moment (which could then record one correction too few) are not
// expected.
func (s *Store) SaveEvaluations(ctx context.Context, evals []models.Evaluation, now time.Time, why string) ([]models.Correction, error) {
	if len(evals) == 0 {
		return nil, nil
	}
	// One write per key: the key's last evaluation, with the corrections of every change
	// along the batch.
	var keys []string
	chain := map[string][]models.Evaluation{}
	for _, e := range evals {
		k := e.Key()
		if _, ok := chain[k]; !ok {
			keys = append(keys, k)
		}
		chain[k] = append(chain[k], e)
	}
	token := store.NewID()
	mine := map[bson.ObjectID]bool{} // pending corrections this call returns
	withPending := map[string]bool{}
	todo := keys
	for round := 0; ; round++ {
		stored, err := s.readEvaluations(ctx, todo)
		if err != nil {
			return nil, err
		}
		if round > 0 {
			left := todo[:0:0]
			for _, k := range todo {
				if stored[k].SavedBy != token {
					left = append(left, k)
				}
			}
			if todo = left; len(todo) == 0 {
				break
			}
			if round == maxSaveRounds {
				return nil, fmt.Errorf("mongo: save evaluations: %d kept changing under a concurrent writer: %w", len(todo), store.ErrConflict)
			}
		}
		// Corrections in the order of evals, their _ids drawn in that order.
		prev := make(map[string]models.Evaluation, len(stored))
		inTodo := make(map[string]bool, len(todo))
		for _, k := range todo {
			inTodo[k] = true
			if old, ok := stored[k]; ok {
				prev[k] = old.model()
			}
		}
		var batch []models.Evaluation
		for _, e := range evals {
			if inTodo[e.Key()] {
				batch = append(batch, e)
			}
		}
		newCorr := map[string]bson.A{}
		for _, c := range corrections(batch, prev, now, why) {
			cd := toCorrectionDoc(c)
			cd.ID = bson.NewObjectID()
			mine[cd.ID] = true
			k := models.Evaluation{UnitCode: c.UnitCode, Target: c.Target, Period: c.Period, Level: c.Level}.Key()
			newCorr[k] = append(newCorr[k], cd)
		}
		writes := make([]mongo.WriteModel, 0, len(todo))
		for _, k := range todo {
			es := chain[k]
			d := toEvaluationDoc(es[len(es)-1])
			d.SavedBy = token
			old, ok := stored[k]
			if !ok {
				writes = append(writes, mongo.NewInsertOneModel().SetDocument(d))
				continue
			}
			if round == 0 && old.Pending != nil {
				// Corrections an interrupted save left pending (or only their emptied
				// list): this call completes them.
				withPending[k] = true
				for _, raw := range old.Pending {
					if id, ok := raw.Lookup("_id").ObjectIDOK(); ok {
						mine[id] = true
					}
				}
			}
			update := bson.D{{Key: "$set", Value: evaluationSet(d)}}
			if docs := newCorr[k]; len(docs) > 0 {
				withPending[k] = true
				update = append(update, bson.E{Key: "$push", Value: bson.D{{Key: "pending", Value: bson.D{{Key: "$each", Value: docs}}}}})
			}
			filter := bson.D{{Key: "_id", Value: k}}
			if !s.ferret {
				filter = append(filter, bson.E{Key: "status", Value: old.Status}, bson.E{Key: "actual", Value: old.Actual})
			}
			writes = append(writes, mongo.NewUpdateOneModel().SetFilter(filter).SetUpdate(update))
		}
		res, err := s.bulkWrite(ctx, s.col(colEvaluations), "SaveEvaluations", writes, true)
		if err != nil {
			if _, dup := dupKeyOnly(err); !dup { // a duplicate key is a concurrent insert: read again
				return nil, mapErr("save evaluations", err)
			}
		} else if res.MatchedCount+res.InsertedCount == int64(len(writes)) {
			break
		}
	}
	var pendingKeys []string
	for _, k := range keys {
		if withPending[k] {
			pendingKeys = append(pendingKeys, k)
		}
	}
	if len(pendingKeys) == 0 {
		return nil, nil
	}
	stored, err := s.readEvaluations(ctx, pendingKeys)
	if err != nil {
		return nil, err
	}
	docs := make([]evaluationDoc, 0, len(pendingKeys))
	for _, k := range pendingKeys {
		if d, ok := stored[k]; ok && d.Pending != nil {
			docs = append(docs, d)
		}
	}
	flushed, err := s.flushPending(ctx, "SaveEvaluations", docs)
	if err != nil {
		return nil, err
	}
	// ObjectIDs grow in the order they were drawn: older pending ones first, then this
	// call's in the order of evals.
	slices.SortFunc(flushed, func(a, b correctionDoc) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	var out []models.Correction
	for _, c := range flushed {
		if mine[c.ID] {
			out = append(out, c.model())
		}
	}
	return out, nil
}

// readEvaluations returns the stored evaluations of keys by key.
func (s *Store) readEvaluations(ctx context.Context, keys []string) (map[string]evaluationDoc, error) {
	cur, err := s.col(colEvaluations).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: keys}}}})
	if err != nil {
		return nil, mapErr("read evaluations", err)
	}
	var docs []evaluationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr("read evaluations", err)
	}
	out := make(map[string]evaluationDoc, len(docs))
	for _, d := range docs {
		out[d.Key] = d
	}
	return out, nil
}

// flushPending copies the pending corrections of docs to the corrections collection
// (an upsert by _id: a copy made before is kept as it is), then pulls them from their
// evaluations and drops the emptied lists. It returns them in the order of docs and of
// each list. Every step is idempotent.
func (s *Store) flushPending(ctx context.Context, op string, docs []evaluationDoc) ([]correctionDoc, error) {
	var out []correctionDoc
	var copies, pulls []mongo.WriteModel
	var keys []string
	for _, d := range docs {
		keys = append(keys, d.Key)
		if len(d.Pending) == 0 {
			continue // an emptied list, left by a stop before its removal
		}
		list := make(bson.A, len(d.Pending))
		for i, raw := range d.Pending {
			var c correctionDoc
			if err := bson.Unmarshal(raw, &c); err != nil || c.ID.IsZero() {
				return nil, fmt.Errorf("mongo: evaluation %s has an unreadable pending correction: %v", d.Key, err)
			}
			out = append(out, c)
			copies = append(copies, mongo.NewUpdateOneModel().
				SetFilter(bson.D{{Key: "_id", Value: c.ID}}).
				SetUpdate(bson.D{{Key: "$setOnInsert", Value: c}}).
				SetUpsert(true))
			list[i] = raw
		}
		pulls = append(pulls, mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: d.Key}}).
			SetUpdate(bson.D{{Key: "$pullAll", Value: bson.D{{Key: "pending", Value: list}}}}))
	}
	if len(keys) == 0 {
		return nil, nil
	}
	if len(copies) > 0 {
		if _, err := s.bulkWrite(ctx, s.col(colCorrections), op, copies, false); err != nil {
			if _, dup := dupKeyOnly(err); !dup { // a concurrent copy of the same correction
				return nil, mapErr("save corrections", err)
			}
		}
		if _, err := s.bulkWrite(ctx, s.col(colEvaluations), op, pulls, false); err != nil {
			return nil, mapErr("clear saved corrections", err)
		}
	}
	if err := s.step(op); err != nil {
		return nil, err
	}
	if _, err := s.col(colEvaluations).UpdateMany(ctx,
		bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: keys}}}, {Key: "pending", Value: bson.D{{Key: "$size", Value: 0}}}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "pending", Value: ""}}}}); err != nil {
		return nil, mapErr("clear saved corrections", err)
	}
	return out, nil
}

// repairEvaluations copies out the corrections that interrupted SaveEvaluations calls
// left pending (served by the sparse pending_id index).
func (s *Store) repairEvaluations(ctx context.Context) error {
	cur, err := s.col(colEvaluations).Find(ctx, bson.D{{Key: "pending._id", Value: bson.D{{Key: "$exists", Value: true}}}})
	if err != nil {
		return mapErr("find pending corrections", err)
	}
	var docs []evaluationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return mapErr("read pending corrections", err)
	}
	_, err = s.flushPending(ctx, "repair", docs)
	return err
}

// ListEvaluations returns stored evaluations for units (all if empty) and periods (all if
// empty), ordered by unit, period, target and level.
func (s *Store) ListEvaluations(ctx context.Context, unitCodes []string, periods []string) ([]models.Evaluation, error) {
	filter := inOrAll(inOrAll(bson.D{}, "unit_code", unitCodes), "period", periods)
	out, err := findAll(ctx, s.col(colEvaluations), filter, options.Find().SetSort(bson.D{
		{Key: "unit_code", Value: 1}, {Key: "period", Value: 1}, {Key: "target", Value: 1}, {Key: "level", Value: 1},
	}), evaluationDoc.model)
	if err != nil {
		return nil, mapErr("list evaluations", err)
	}
	return out, nil
}

// ListCorrections returns corrections for units (all if empty) made in [from, to), oldest first.
func (s *Store) ListCorrections(ctx context.Context, unitCodes []string, from, to time.Time) ([]models.Correction, error) {
	filter := append(inOrAll(bson.D{}, "unit_code", unitCodes),
		bson.E{Key: "at", Value: bson.D{{Key: "$gte", Value: ms(from)}, {Key: "$lt", Value: ms(to)}}})
	out, err := findAll(ctx, s.col(colCorrections), filter,
		options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}), correctionDoc.model)
	if err != nil {
		return nil, mapErr("list corrections", err)
	}
	return out, nil
}
