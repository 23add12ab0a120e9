package demo

import (
	"context"
	"fmt"
	"time"

	"tintot/models"
	"tintot/store"
)

// storiesPerIssue is how many stories the demo picks for a quarter's bulletin.
const storiesPerIssue = 4

// demoNotes are the editor's notes of the demo picks.
var demoNotes = []string{
	"Câu chuyện giàu cảm xúc về tinh thần sẻ chia của tuổi trẻ Thủ đô.",
	"Việc làm nhỏ, ý nghĩa lớn: đề nghị các cơ sở Đoàn nhân rộng.",
	"Gương thanh niên tiêu biểu, lan toả năng lượng tích cực trên không gian mạng.",
	"Mô hình hay của cơ sở, phù hợp giới thiệu trong bản tin quý.",
}

// SeedBulletin picks stories for the quarterly e-bulletin of the demo province, as a
// reviewer would: a few stories of the quarter before now's (the issue the bulletin
// page opens on) and of the current quarter, from different units, with editor's notes,
// and proposes the people of two of them for the yearly honour roll. It runs after the
// first poll (the posts must be stored) and does nothing when picks already exist, so a
// reviewer's own choices are never overwritten.
func SeedBulletin(ctx context.Context, st store.Store, now time.Time) error {
	existing, err := st.ListPicks(ctx, store.PickFilter{})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if len(existing) > 0 {
		return nil
	}
	reviewer := "thanhdoan@demo.tintot.local"
	cur := models.QuarterOf(now, models.Vietnam)
	var picked []models.Post
	for _, q := range []models.Quarter{cur.Prev(), cur} {
		posts, err := st.ListPosts(ctx, store.PostFilter{FromDay: q.FirstDay(), ToDay: q.LastDay(), Kind: models.KindStory})
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		seen := map[string]bool{}
		n := 0
		for _, p := range posts { // newest first
			if n == storiesPerIssue || seen[p.UnitCode] || p.Rejected || p.Kind() != models.KindStory {
				continue
			}
			seen[p.UnitCode] = true
			pk := models.Pick{PostID: p.ID, UnitCode: p.UnitCode, LocalDay: p.LocalDay, Note: demoNotes[n%len(demoNotes)],
				PickedBy: reviewer, PickedAt: now.UTC()}
			if err := st.SavePick(ctx, pk); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			picked = append(picked, p)
			n++
		}
	}
	for i, p := range picked {
		if i == 2 {
			break
		}
		name := []string{"Nhóm thanh niên tình nguyện của đơn vị", ""}[i]
		h := models.Honour{Year: models.QuarterOf(p.PublishedAt, models.Vietnam).Year, UnitCode: p.UnitCode, Name: name, PostID: p.ID,
			Reason:     "Có câu chuyện đẹp được chọn đăng bản tin quý, lan toả tinh thần \"Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp\" (dữ liệu mẫu).",
			ProposedBy: reviewer, CreatedAt: now.UTC()}
		if _, err := st.CreateHonour(ctx, h); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	return nil
}
