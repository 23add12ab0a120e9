package mongo

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// TestLargeBulkWrites: writes of many documents at once (a poll records 500 feeds, an
// import thousands of units, a reclassification thousands of posts) complete. FerretDB's
// PostgreSQL handler used to hang on one bulk command of more writes than its connection
// pool holds, and then answered nobody.
func TestLargeBulkWrites(t *testing.T) {
	s := openTestStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	now := time.Now().UTC().Truncate(time.Millisecond)
	const n = 300
	var entries []store.RegistryEntry
	for i := range n {
		code := fmt.Sprintf("X%03d", i)
		entries = append(entries, store.RegistryEntry{Unit: models.Unit{Code: code, Name: code, Kind: models.UnitCommune, CreatedAt: now, UpdatedAt: now},
			FeedURLs: []string{"https://" + code + ".example.vn/feed"}})
	}
	if _, err := s.ApplyRegistry(ctx, entries); err != nil {
		t.Fatalf("import %d units: %v", n, err)
	}
	feeds, err := s.ListFeeds(ctx, store.FeedFilter{})
	if err != nil || len(feeds) != n {
		t.Fatalf("%d feeds, %v", len(feeds), err)
	}
	for i := range feeds {
		feeds[i].ETag = fmt.Sprintf("W/%d", i)
	}
	if err := s.UpdateFeeds(ctx, feeds); err != nil {
		t.Fatalf("update %d feeds: %v", n, err)
	}
	var posts []models.Post
	for i := range n {
		day := models.LocalDay(now, models.Vietnam)
		posts = append(posts, models.Post{UnitCode: fmt.Sprintf("X%03d", i), ItemKey: "k", Title: "Tin tốt", PublishedAt: now, LocalDay: day,
			FirstSeenAt: now, UpdatedAt: now, Source: models.SourceFeed, RuleKind: models.KindGoodNews, RuleReason: "hashtag"})
	}
	res, err := s.UpsertPosts(ctx, posts)
	if err != nil || len(res.Inserted) != n {
		t.Fatalf("upsert %d posts: %d inserted, %v", n, len(res.Inserted), err)
	}
	var kinds []store.RuleKindUpdate
	for _, p := range res.Inserted {
		kinds = append(kinds, store.RuleKindUpdate{ID: p.ID, Kind: models.KindStory, Reason: "mô hình"})
	}
	if err := s.SetRuleKinds(ctx, kinds); err != nil {
		t.Fatalf("set %d rule kinds: %v", n, err)
	}
	// Counting the posts of many units (a province's review), as on FerretDB: one query
	// a day, the units kept by the store rather than by a server-side $in.
	s.ferret = true
	day := models.LocalDay(now, models.Vietnam)
	var some []string
	for i := 0; i < n; i += 3 {
		some = append(some, fmt.Sprintf("X%03d", i))
	}
	counts, err := s.CountPosts(ctx, store.CountQuery{UnitCodes: some, FromDay: day, ToDay: day})
	if err != nil || len(counts) != len(some) {
		t.Fatalf("counts of %d units: %d, %v", len(some), len(counts), err)
	}
	for i, c := range counts {
		if c.UnitCode != some[i] || c.Count != 1 || c.Kind != models.KindStory {
			t.Fatalf("count %d = %+v, want one story of %s", i, c, some[i])
		}
	}
	s.ferret = false

	got, err := s.ListFeeds(ctx, store.FeedFilter{})
	if err != nil || got[n-1].ETag != fmt.Sprintf("W/%d", n-1) {
		t.Fatalf("feeds after the update: %v", err)
	}
	stories, err := s.ListPosts(ctx, store.PostFilter{Kind: models.KindStory})
	if err != nil || len(stories) != n {
		t.Fatalf("%d stories after reclassification, want %d: %v", len(stories), n, err)
	}
}

// TestUpsertPostsByID: new posts get the hash of their (unit, item key) as _id, so a
// re-poll finds them by _id (the only filter FerretDB answers from an index); a post an
// earlier version stored under a random _id is still updated in place, never doubled.
func TestUpsertPostsByID(t *testing.T) {
	s := openTestStore(t)
	s.ferret = true // the _id path, whatever the server
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	seen := now
	post := func(key, title string) models.Post {
		return models.Post{UnitCode: "X1", ItemKey: key, Title: title, PublishedAt: now, LocalDay: models.LocalDay(now, models.Vietnam),
			FirstSeenAt: seen, UpdatedAt: seen, Source: models.SourceFeed, RuleKind: models.KindGoodNews, RuleReason: "hashtag"}
	}
	old := post("old", "Bài cũ")
	old.ID = store.NewID()
	if _, err := s.col(colPosts).InsertOne(ctx, toPostDoc(old)); err != nil {
		t.Fatal(err)
	}
	res, err := s.UpsertPosts(ctx, []models.Post{post("new", "Bài mới"), post("old", "Bài cũ, sửa")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Inserted) != 1 || res.Inserted[0].ID != postKeyID("X1", "new") || res.Updated != 1 {
		t.Fatalf("first upsert: inserted %+v, updated %d", res.Inserted, res.Updated)
	}
	seen = now.Add(30 * time.Minute) // the next poll
	res, err = s.UpsertPosts(ctx, []models.Post{post("new", "Bài mới, sửa"), post("old", "Bài cũ, sửa lần hai")})
	if err != nil || len(res.Inserted) != 0 || res.Updated != 2 {
		t.Fatalf("second upsert: %+v, %v", res, err)
	}
	got, err := s.ListPosts(ctx, store.PostFilter{UnitCodes: []string{"X1"}})
	if err != nil || len(got) != 2 {
		t.Fatalf("%d posts, %v", len(got), err)
	}
	titles := map[string]string{}
	for _, p := range got {
		titles[p.ID] = p.Title
	}
	if titles[old.ID] != "Bài cũ, sửa lần hai" || titles[postKeyID("X1", "new")] != "Bài mới, sửa" {
		t.Errorf("posts after the re-polls: %v", titles)
	}
}
