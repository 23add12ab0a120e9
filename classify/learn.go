package classify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"tintot/models"
	"tintot/store"
)

// ModelSetting is the store setting that records the model in use (ModelInfo as JSON).
const ModelSetting = "classify_model"

// ModelInfo describes a trained model: shown on the admin page and by `tintot classify
// retrain`.
type ModelInfo struct {
	Version   string    `json:"version"`
	TrainedAt time.Time `json:"trained_at"`
	Corpus    int       `json:"corpus"`    // examples from the embedded corpus
	Reviewers int       `json:"reviewers"` // examples from this installation's reviewers
	HeldOut   Metrics   `json:"held_out"`  // rules and model together, on the held-out corpus
}

// Metrics are a classifier's figures on a labelled set.
type Metrics struct {
	N         int                     `json:"n"`
	Accuracy  float64                 `json:"accuracy"`
	Precision map[models.Kind]float64 `json:"precision"`
	Recall    map[models.Kind]float64 `json:"recall"`
	// DailyPrecision: of the posts counted for the day (good news or story), the share
	// that really are good news or stories. DailyRecall: of the real good news and
	// stories, the share counted for the day.
	DailyPrecision float64 `json:"daily_precision"`
	DailyRecall    float64 `json:"daily_recall"`
	// Confusion[i][j] counts posts of kind models.Kinds[i] classified as models.Kinds[j].
	Confusion [nKinds][nKinds]int `json:"confusion"`
}

// Evaluate classifies labelled items (as posts of a feed without a default kind) and
// measures the result.
func Evaluate(c *Classifier, items []CorpusItem) Metrics {
	m := Metrics{N: len(items), Precision: map[models.Kind]float64{}, Recall: map[models.Kind]float64{}}
	if len(items) == 0 {
		return m
	}
	for _, it := range items {
		got := c.Decide(models.Post{Title: it.Title, Summary: it.Lead, URL: it.URL}, models.Feed{}).Kind
		m.Confusion[kindIndex(it.Kind)][kindIndex(got)]++
	}
	return metricsOf(m.Confusion)
}

// metricsOf derives the figures from a confusion matrix.
func metricsOf(c [nKinds][nKinds]int) Metrics {
	m := Metrics{Precision: map[models.Kind]float64{}, Recall: map[models.Kind]float64{}, Confusion: c}
	daily := func(i int) bool { return models.Kinds[i] == models.KindGoodNews || models.Kinds[i] == models.KindStory }
	var correct, counted, countedRight, real, realCounted int
	for i := range c {
		for j := range c[i] {
			n := c[i][j]
			m.N += n
			if i == j {
				correct += n
			}
			if daily(j) {
				counted += n
				if daily(i) {
					countedRight += n
				}
			}
			if daily(i) {
				real += n
				if daily(j) {
					realCounted += n
				}
			}
		}
	}
	m.Accuracy = ratio(correct, m.N)
	m.DailyPrecision = ratio(countedRight, counted)
	m.DailyRecall = ratio(realCounted, real)
	for i, k := range models.Kinds {
		var pred, act int
		for j := range models.Kinds {
			pred += c[j][i]
			act += c[i][j]
		}
		m.Precision[k] = ratio(c[i][i], pred)
		m.Recall[k] = ratio(c[i][i], act)
	}
	return m
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// ReviewerExamples returns this installation's training examples: every post a person
// gave a kind (an override with a kind: a reviewer's or admin's decision, an approved
// proposal, a /check decision), with who decided.
func ReviewerExamples(ctx context.Context, st store.Store) ([]Example, error) {
	// One query: the examples hold the posts' texts anyway, and pages by offset would
	// each sort every decided post again (~18 s for 35,000 decisions in 500s).
	posts, err := st.ListPosts(ctx, store.PostFilter{Decided: true})
	if err != nil {
		return nil, fmt.Errorf("classify: unable to list reviewers' decisions: %w", err)
	}
	out := make([]Example, 0, len(posts))
	for _, p := range posts {
		if p.Override == nil || !p.Override.Kind.Valid() {
			continue
		}
		out = append(out, Example{Kind: p.Override.Kind, Title: p.Title, Summary: p.Summary, Source: "reviewer:" + p.Override.By})
	}
	return out, nil
}

// FitModel fits a model on the embedded corpus plus the installation's reviewers'
// decisions (the embedded model when there are none), and returns how many of each it
// learnt from.
func FitModel(ctx context.Context, st store.Store) (m *Model, corpus, reviewers int, err error) {
	var rev []Example
	if st != nil {
		if rev, err = ReviewerExamples(ctx, st); err != nil {
			return nil, 0, 0, err
		}
	}
	if len(rev) == 0 {
		// The corpus alone gives the model embedded at build time: no fit.
		if cm, err := CorpusModel(); err == nil {
			return cm, corpusSize(), 0, nil
		}
	}
	items := TrainingCorpus()
	ex := make([]Example, 0, len(items)+len(rev))
	for _, it := range items {
		ex = append(ex, it.Example())
	}
	return Train(append(ex, rev...)), len(items), len(rev), nil
}

// TrainModel fits a model (FitModel) and describes it: its held-out figures with the
// given rules.
func TrainModel(ctx context.Context, st store.Store, rules Rules, now time.Time) (*Model, ModelInfo, error) {
	m, corpus, reviewers, err := FitModel(ctx, st)
	if err != nil {
		return nil, ModelInfo{}, err
	}
	c, err := New(rules, WithModel(m, DefaultReviewConfidence))
	if err != nil {
		return nil, ModelInfo{}, err
	}
	info := ModelInfo{Version: m.Version(), TrainedAt: now.UTC(), Corpus: corpus, Reviewers: reviewers, HeldOut: EvaluateHeldOut(c)}
	return m, info, nil
}

// EvaluateHeldOut measures c (rules and model) on the held-out part of the corpus.
func EvaluateHeldOut(c *Classifier) Metrics {
	return Evaluate(c, HeldOutCorpus())
}

// SaveModelInfo records the model in use.
func SaveModelInfo(ctx context.Context, st store.Store, info ModelInfo) error {
	b, err := json.Marshal(info)
	if err != nil {
		return fmt.Errorf("classify: %w", err)
	}
	if err := st.SetSetting(ctx, ModelSetting, string(b)); err != nil {
		return fmt.Errorf("classify: unable to record the model: %w", err)
	}
	return nil
}

// LoadModelInfo returns the model recorded in use; ok is false when none was.
func LoadModelInfo(ctx context.Context, st store.Store) (ModelInfo, bool, error) {
	v, err := st.GetSetting(ctx, ModelSetting)
	if errors.Is(err, store.ErrNotFound) {
		return ModelInfo{}, false, nil
	}
	if err != nil {
		return ModelInfo{}, false, fmt.Errorf("classify: unable to read the model record: %w", err)
	}
	var info ModelInfo
	if err := json.Unmarshal([]byte(v), &info); err != nil {
		return ModelInfo{}, false, fmt.Errorf("classify: corrupt model record: %w", err)
	}
	return info, true, nil
}
