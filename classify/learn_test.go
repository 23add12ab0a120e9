package classify_test

import (
	"context"
	"testing"
	"time"

	"tintot/classify"
	"tintot/models"
)

// TestModelLearnsFromReviewers: a reviewer's decisions become training examples (with
// who decided), change the model's version, and move the model's verdict on similar
// posts; the model record round-trips through the store.
func TestModelLearnsFromReviewers(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t)
	now := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	if err := st.CreateUnit(ctx, models.Unit{Code: "XA01", Name: "Đoàn xã A", Kind: models.UnitCommune, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	// A local word the corpus has never seen: "kéo co lăn bùn" festivals are good news here.
	var posts []models.Post
	for i, title := range []string{"Hội thi kéo co lăn bùn thôn Đông", "Kéo co lăn bùn mừng lúa mới", "Sôi nổi kéo co lăn bùn", "Giải kéo co lăn bùn lần thứ ba"} {
		at := now.Add(time.Duration(i) * time.Hour)
		posts = append(posts, models.Post{UnitCode: "XA01", ItemKey: "k" + title, Source: models.SourceFeed, Title: title,
			PublishedAt: at, LocalDay: models.LocalDay(at, models.Vietnam), FirstSeenAt: at, UpdatedAt: at, RuleKind: models.KindOther})
	}
	res, err := st.UpsertPosts(ctx, posts)
	if err != nil {
		t.Fatal(err)
	}
	before, infoBefore, err := classify.TrainModel(ctx, st, classify.DefaultRules(), now)
	if err != nil {
		t.Fatal(err)
	}
	if infoBefore.Reviewers != 0 || infoBefore.Corpus != len(classify.TrainingCorpus()) || infoBefore.Version != before.Version() {
		t.Fatalf("before any decision: %+v", infoBefore)
	}
	if emb, err := classify.CorpusModel(); err != nil || before != emb {
		t.Fatalf("before any decision the model is not the one embedded at build time (%v)", err)
	}
	for _, p := range res.Inserted {
		if err := st.SetOverride(ctx, p.ID, &models.Override{Kind: models.KindGoodNews, By: "tinhdoan@doan.vn", At: now}); err != nil {
			t.Fatal(err)
		}
	}
	ex, err := classify.ReviewerExamples(ctx, st)
	if err != nil || len(ex) != 4 || ex[0].Source != "reviewer:tinhdoan@doan.vn" || ex[0].Kind != models.KindGoodNews {
		t.Fatalf("reviewer examples = %+v, %v", ex, err)
	}
	after, info, err := classify.TrainModel(ctx, st, classify.DefaultRules(), now)
	if err != nil {
		t.Fatal(err)
	}
	if info.Reviewers != 4 || after.Version() == before.Version() {
		t.Fatalf("after four decisions: %+v (version before %s)", info, before.Version())
	}
	if p := after.Predict("Đội kéo co lăn bùn xã Tây", ""); p.Kind != models.KindGoodNews {
		t.Errorf("after learning, a similar post is %s (%.2f)", p.Kind, p.Confidence)
	}
	if err := classify.SaveModelInfo(ctx, st, info); err != nil {
		t.Fatal(err)
	}
	got, ok, err := classify.LoadModelInfo(ctx, st)
	if err != nil || !ok || got.Version != info.Version || got.Reviewers != 4 || got.HeldOut.N != len(classify.HeldOutCorpus()) {
		t.Fatalf("model record = %+v %v %v", got, ok, err)
	}
}
