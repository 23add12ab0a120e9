package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"tintot/models"
)

// evaluationDoc is a stored evaluation; its Key() is the _id.
type evaluationDoc struct {
	Key         string    `bson:"_id"`
	UnitCode    string    `bson:"unit_code"`
	Target      string    `bson:"target"`
	Period      string    `bson:"period"`
	PeriodKind  string    `bson:"period_kind"`
	Level       string    `bson:"level"`
	Required    int       `bson:"required"`
	Actual      int       `bson:"actual"`
	Status      string    `bson:"status"`
	Retroactive bool      `bson:"retroactive,omitempty"`
	EvaluatedAt time.Time `bson:"evaluated_at"`
}

func toEvaluationDoc(e models.Evaluation) evaluationDoc {
	return evaluationDoc{
		Key: e.Key(), UnitCode: e.UnitCode, Target: e.Target, Period: e.Period, PeriodKind: string(e.PeriodKind),
		Level: string(e.Level), Required: e.Required, Actual: e.Actual, Status: string(e.Status), Retroactive: e.Retroactive, EvaluatedAt: ms(e.EvaluatedAt),
	}
}

func (d evaluationDoc) model() models.Evaluation {
	return models.Evaluation{
		UnitCode: d.UnitCode, Target: d.Target, Period: d.Period, PeriodKind: models.PeriodKind(d.PeriodKind),
		Level: models.Level(d.Level), Required: d.Required, Actual: d.Actual, Status: models.Status(d.Status), Retroactive: d.Retroactive, EvaluatedAt: d.EvaluatedAt,
	}
}

// correctionDoc is a stored correction; _id is generated (ObjectIDs grow with insertion).
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

// SaveEvaluations upserts evaluations by Key() and records a correction for each one that
// changed status or actual count, in one transaction.
func (s *Store) SaveEvaluations(ctx context.Context, evals []models.Evaluation, now time.Time, why string) ([]models.Correction, error) {
	if len(evals) == 0 {
		return nil, nil
	}
	keys := make([]string, len(evals))
	writes := make([]mongo.WriteModel, len(evals))
	for i, e := range evals {
		d := toEvaluationDoc(e)
		keys[i] = d.Key
		writes[i] = mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: d.Key}}).SetReplacement(d).SetUpsert(true)
	}
	var out []models.Correction
	err := s.inTx(ctx, func(ctx context.Context) error {
		out = nil
		prev, err := findAll(ctx, s.col(colEvaluations), bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: keys}}}}, nil, evaluationDoc.model)
		if err != nil {
			return mapErr("read evaluations", err)
		}
		stored := make(map[string]models.Evaluation, len(prev))
		for _, e := range prev {
			stored[e.Key()] = e
		}
		out = corrections(evals, stored, now, why)
		if _, err := s.col(colEvaluations).BulkWrite(ctx, writes, options.BulkWrite().SetOrdered(true)); err != nil {
			return mapErr("save evaluations", err)
		}
		if len(out) > 0 {
			docs := make([]any, len(out))
			for i, c := range out {
				docs[i] = toCorrectionDoc(c)
			}
			if _, err := s.col(colCorrections).InsertMany(ctx, docs); err != nil {
				return mapErr("save corrections", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
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
