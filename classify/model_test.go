package classify

import (
	"regexp"
	"strings"
	"testing"

	"tintot/models"
)

func tinyExamples() []Example {
	return []Example{
		{Kind: models.KindStory, Title: "Cô giáo cắm bản nơi vùng cao", Summary: "Mười năm cô bám bản dạy chữ cho trẻ em người Mông."},
		{Kind: models.KindStory, Title: "Chàng trai khởi nghiệp từ quê nghèo", Summary: "Anh vượt qua bệnh tật để làm chủ trang trại."},
		{Kind: models.KindGoodNews, Title: "Đoàn xã ra quân dọn vệ sinh môi trường", Summary: "Hơn 100 đoàn viên tham gia thu gom rác."},
		{Kind: models.KindGoodNews, Title: "Trao 50 suất học bổng cho học sinh", Summary: "Chương trình do huyện đoàn tổ chức."},
		{Kind: models.KindIdeology, Title: "Phản bác luận điệu xuyên tạc của thế lực thù địch", Summary: "Các thế lực thù địch lợi dụng mạng xã hội."},
		{Kind: models.KindOther, Title: "Kế hoạch tổ chức hội nghị sơ kết", Summary: "Ban Thường vụ ban hành kế hoạch."},
	}
}

func TestModelLearnsAndExplains(t *testing.T) {
	m := Train(tinyExamples())
	if m.Version() == "" || Train(tinyExamples()).Version() != m.Version() {
		t.Fatal("the same examples must give the same version")
	}
	for _, c := range []struct {
		title string
		want  models.Kind
	}{
		{"Cô giáo người Mông bám bản dạy chữ", models.KindStory},
		{"Đoàn viên ra quân thu gom rác", models.KindGoodNews},
		{"Cảnh giác với luận điệu xuyên tạc của thế lực thù địch", models.KindIdeology},
		{"Kế hoạch hội nghị", models.KindOther},
	} {
		p := m.Predict(c.title, "")
		if p.Kind != c.want || p.Confidence <= 0.25 || p.Confidence > 1 {
			t.Errorf("%q: %s (%.2f), want %s", c.title, p.Kind, p.Confidence, c.want)
		}
		if len(p.Words) == 0 {
			t.Errorf("%q: no words explain the decision", c.title)
		}
	}
	// Diacritics: folded text still finds the evidence of the written form.
	if p := m.Predict("co giao cam ban vung cao", ""); p.Kind != models.KindStory {
		t.Errorf("folded title: %s", p.Kind)
	}
	// Nothing known: no confidence at all.
	if p := m.Predict("xyz qwv", ""); p.Confidence != 0 {
		t.Errorf("unknown words: confidence %.2f, want 0", p.Confidence)
	}
	r := ModelReason(m.Predict("Cô giáo người Mông bám bản dạy chữ", ""))
	if !regexp.MustCompile(`^mô hình: câu chuyện đẹp \([01],\d\d\); từ: «`).MatchString(r) {
		t.Errorf("reason %q", r)
	}
}

// TestStrongRulesKeepTheLastWord: hashtags, categories, title prefixes and a feed's
// declared kind decide before the model; the model decides the rest.
func TestStrongRulesKeepTheLastWord(t *testing.T) {
	c, err := New(DefaultRules(), WithModel(Train(tinyExamples()), DefaultReviewConfidence))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		post models.Post
		feed models.Feed
		want models.Kind
		by   bool // decided by the model
	}{
		{"hashtag", models.Post{Title: "Kế hoạch hội nghị #CauChuyenDep"}, models.Feed{}, models.KindStory, false},
		{"category", models.Post{Title: "Cô giáo cắm bản", Categories: []string{"Tin tốt"}}, models.Feed{}, models.KindGoodNews, false},
		{"administrative opening", models.Post{Title: "Kế hoạch ra quân tình nguyện hè"}, models.Feed{}, models.KindOther, false},
		{"feed default", models.Post{Title: "Mười năm bám bản dạy chữ nơi vùng cao"}, models.Feed{DefaultKind: models.KindGoodNews}, models.KindGoodNews, false},
		{"model", models.Post{Title: "Mười năm bám bản dạy chữ cho trẻ em người Mông"}, models.Feed{}, models.KindStory, true},
	} {
		d := c.Decide(tc.post, tc.feed)
		if d.Kind != tc.want || ByModel(d.Reason) != tc.by || (d.Confidence > 0) != tc.by {
			t.Errorf("%s: %s %q (%.2f), want %s by model %v", tc.name, d.Kind, d.Reason, d.Confidence, tc.want, tc.by)
		}
	}
	if !strings.Contains(c.Fingerprint(), "+model:") {
		t.Errorf("the fingerprint %q does not change with the model", c.Fingerprint())
	}
}

func TestEmbeddedCorpusReads(t *testing.T) {
	train, held := TrainingCorpus(), HeldOutCorpus()
	seen := map[string]string{}
	for _, part := range []struct {
		name  string
		items []CorpusItem
	}{{"train", train}, {"heldout", held}} {
		for _, it := range part.items {
			if prev, ok := seen[it.URL]; ok {
				t.Errorf("%s is in %s and %s", it.URL, prev, part.name)
			}
			seen[it.URL] = part.name
			if !strings.HasPrefix(it.URL, "http") || it.Reason == "" || it.By == "" {
				t.Errorf("%s item without URL, reason or labeller: %+v", part.name, it)
			}
		}
	}
	if len(seen) < 600 {
		t.Errorf("corpus has %d posts, want at least 600", len(seen))
	}
}
