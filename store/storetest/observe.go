package storetest

import (
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// testObservation: what tintot has seen of a feed (first read, its reach) round-trips
// through create, update, batch update and the brief listing the review reads, and an
// evaluation known only in hindsight keeps its mark.
func testObservation(t *testing.T, open Opener) {
	t.Run("feed first read and reach", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune), unit("X2", "", models.UnitCommune))
		unread, err := s.CreateFeed(ctx(t), feed("X1", "https://x1.example.vn/rss"))
		mustNil(t, "create unread feed", err)
		read := feed("X2", "https://x2.example.vn/rss")
		read.FirstReadAt, read.CoveredFrom = ptr(base.Add(-time.Hour)), ptr(base.Add(-72*time.Hour))
		read, err = s.CreateFeed(ctx(t), read)
		mustNil(t, "create read feed", err)

		got, err := s.GetFeed(ctx(t), unread.ID)
		mustNil(t, "get unread", err)
		if got.FirstReadAt != nil || got.CoveredFrom != nil {
			t.Fatalf("a feed never read has first read %v, reach %v", got.FirstReadAt, got.CoveredFrom)
		}
		got, err = s.GetFeed(ctx(t), read.ID)
		mustNil(t, "get read", err)
		sameTimePtr(t, "first read", got.FirstReadAt, read.FirstReadAt)
		sameTimePtr(t, "covered from", got.CoveredFrom, read.CoveredFrom)

		unread.FirstReadAt, unread.CoveredFrom = ptr(base), ptr(base.Add(-24*time.Hour))
		mustNil(t, "update", s.UpdateFeed(ctx(t), unread))
		read.CoveredFrom = ptr(base.Add(-96 * time.Hour))
		mustNil(t, "batch update", s.UpdateFeeds(ctx(t), []models.Feed{read}))

		brief, err := s.ListFeeds(ctx(t), store.FeedFilter{Brief: true})
		mustNil(t, "brief list", err)
		if len(brief) != 2 {
			t.Fatalf("brief list has %d feeds", len(brief))
		}
		for _, f := range brief {
			want := unread
			if f.ID == read.ID {
				want = read
			}
			sameTimePtr(t, "brief first read of "+f.UnitCode, f.FirstReadAt, want.FirstReadAt)
			sameTimePtr(t, "brief reach of "+f.UnitCode, f.CoveredFrom, want.CoveredFrom)
		}
	})

	t.Run("retroactive evaluation", func(t *testing.T) {
		s := open(t)
		retro := eval("X1", "2026-11-26", models.LevelBaseline, 0, models.StatusShort)
		retro.Retroactive = true
		plain := eval("X2", "2026-11-26", models.LevelBaseline, 0, models.StatusShort)
		_, err := s.SaveEvaluations(ctx(t), []models.Evaluation{retro, plain}, base, "test")
		mustNil(t, "save", err)
		got, err := s.ListEvaluations(ctx(t), nil, []string{"2026-11-26"})
		mustNil(t, "list", err)
		if len(got) != 2 || got[0].UnitCode != "X1" || !got[0].Retroactive || got[1].Retroactive {
			t.Fatalf("evaluations = %+v, want X1 retroactive and X2 not", got)
		}
		// Seen now in real time: the mark goes with the new evaluation.
		retro.Retroactive = false
		_, err = s.SaveEvaluations(ctx(t), []models.Evaluation{retro}, base.Add(time.Hour), "test")
		mustNil(t, "save again", err)
		got, _ = s.ListEvaluations(ctx(t), []string{"X1"}, []string{"2026-11-26"})
		if len(got) != 1 || got[0].Retroactive {
			t.Fatalf("after saving without the mark: %+v", got)
		}
	})
}

// testProposals: a unit admin's proposal is stored beside the post, changes no count,
// survives a re-poll, is listed by the Proposed filter and can be cleared.
func testProposals(t *testing.T, open Opener) {
	s := open(t)
	createUnits(t, s, unit("X1", "", models.UnitCommune))
	at := base.Add(-2 * time.Hour)
	p := post("X1", "f1", "k1", models.KindOther, at)
	res, err := s.UpsertPosts(ctx(t), []models.Post{p, post("X1", "f1", "k2", models.KindOther, at)})
	mustNil(t, "upsert", err)
	id := res.Inserted[0].ID
	for _, q := range res.Inserted {
		if q.ItemKey == "k1" {
			id = q.ID
		}
	}
	prop := &models.Override{Kind: models.KindGoodNews, Note: "tin về hoạt động", By: "xa@doan.vn", At: base}
	mustNil(t, "SetProposal", s.SetProposal(ctx(t), id, prop))
	mustIs(t, "SetProposal missing", s.SetProposal(ctx(t), "missing", prop), store.ErrNotFound)

	// A re-poll of the same item keeps the proposal.
	p.Title = "Bài k1 (sửa)"
	_, err = s.UpsertPosts(ctx(t), []models.Post{p})
	mustNil(t, "re-poll", err)
	got, err := s.GetPost(ctx(t), id)
	mustNil(t, "get", err)
	if got.Proposal == nil || got.Proposal.Kind != models.KindGoodNews || got.Proposal.By != "xa@doan.vn" || got.Override != nil || got.Kind() != models.KindOther {
		t.Fatalf("post after proposal and re-poll: proposal %+v override %+v kind %s", got.Proposal, got.Override, got.Kind())
	}
	sameTime(t, "proposal time", got.Proposal.At, base)

	counts, err := s.CountPosts(ctx(t), store.CountQuery{UnitCodes: []string{"X1"}, FromDay: p.LocalDay, ToDay: p.LocalDay})
	mustNil(t, "count", err)
	for _, c := range counts {
		if c.Kind == models.KindGoodNews {
			t.Fatalf("a proposal changed the counts: %+v", counts)
		}
	}
	listed, err := s.ListPosts(ctx(t), store.PostFilter{UnitCodes: []string{"X1"}, Proposed: true})
	mustNil(t, "list proposed", err)
	if len(listed) != 1 || listed[0].ID != id {
		t.Fatalf("proposed posts = %v", postIDs(listed))
	}
	mustNil(t, "clear", s.SetProposal(ctx(t), id, nil))
	listed, _ = s.ListPosts(ctx(t), store.PostFilter{UnitCodes: []string{"X1"}, Proposed: true})
	if got, _ := s.GetPost(ctx(t), id); len(listed) != 0 || got.Proposal != nil {
		t.Fatalf("after clearing: %d listed, proposal %+v", len(listed), got.Proposal)
	}
}

// testModelFields: the model's confidence is stored with the rule kind, refreshed by a
// re-poll and by SetRuleKinds; Uncertain lists the posts it was unsure of, Decided those
// a person gave a kind.
func testModelFields(t *testing.T, open Opener) {
	s := open(t)
	createUnits(t, s, unit("X1", "", models.UnitCommune))
	at := base.Add(-2 * time.Hour)
	sure := post("X1", "f1", "sure", models.KindStory, at)
	sure.RuleConfidence = 0.93
	unsure := post("X1", "f1", "unsure", models.KindGoodNews, at)
	unsure.RuleConfidence = 0.41
	rule := post("X1", "f1", "rule", models.KindGoodNews, at)
	res, err := s.UpsertPosts(ctx(t), []models.Post{sure, unsure, rule})
	mustNil(t, "upsert", err)
	ids := map[string]string{}
	for _, p := range res.Inserted {
		ids[p.ItemKey] = p.ID
	}
	got, _ := s.GetPost(ctx(t), ids["sure"])
	if got.RuleConfidence != 0.93 {
		t.Fatalf("confidence = %v, want 0.93", got.RuleConfidence)
	}
	list, err := s.ListPosts(ctx(t), store.PostFilter{UnitCodes: []string{"X1"}, Uncertain: 0.6})
	mustNil(t, "list uncertain", err)
	if len(list) != 1 || list[0].ItemKey != "unsure" {
		t.Fatalf("uncertain = %v, want [unsure]", postIDs(list))
	}
	// A re-poll brings the new verdict; a re-classification another.
	unsure.RuleConfidence = 0.8
	_, err = s.UpsertPosts(ctx(t), []models.Post{unsure})
	mustNil(t, "re-poll", err)
	if got, _ := s.GetPost(ctx(t), ids["unsure"]); got.RuleConfidence != 0.8 {
		t.Fatalf("after re-poll: %v", got.RuleConfidence)
	}
	mustNil(t, "SetRuleKinds", s.SetRuleKinds(ctx(t), []store.RuleKindUpdate{{ID: ids["sure"], Kind: models.KindOther, Reason: "r", Confidence: 0.5}}))
	if got, _ := s.GetPost(ctx(t), ids["sure"]); got.RuleConfidence != 0.5 || got.RuleKind != models.KindOther {
		t.Fatalf("after SetRuleKinds: %v %s", got.RuleConfidence, got.RuleKind)
	}
	// Decided: an override with a kind, not a bare exclusion.
	mustNil(t, "override kind", s.SetOverride(ctx(t), ids["rule"], &models.Override{Kind: models.KindStory, By: "r@doan.vn", At: base}))
	mustNil(t, "override exclusion", s.SetOverride(ctx(t), ids["unsure"], &models.Override{Excluded: true, By: "r@doan.vn", At: base}))
	list, err = s.ListPosts(ctx(t), store.PostFilter{Decided: true})
	mustNil(t, "list decided", err)
	if len(list) != 1 || list[0].ItemKey != "rule" {
		t.Fatalf("decided = %v, want [rule]", postIDs(list))
	}
}
