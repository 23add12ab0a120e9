package classify

import (
	"testing"

	"tintot/models"
)

// BenchmarkClassify classifies the evaluation posts round-robin and reports posts/s.
// Run on one core: go test -run x -bench Classify -cpu 1 ./classify/
func BenchmarkClassify(b *testing.B) {
	cases := loadEval(b, "eval.tsv")
	c := newDefault(b)
	posts := make([]models.Post, len(cases))
	for i, ec := range cases {
		posts[i] = ec.post
	}
	feed := models.Feed{}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Classify(posts[i%len(posts)], feed)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
}

// BenchmarkClassifyLongSummary measures a Facebook-bridge post with a 4 KB description.
func BenchmarkClassifyLongSummary(b *testing.B) {
	c := newDefault(b)
	long := ""
	for len(long) < 4096 {
		long += "Sáng nay, Đoàn Thanh niên phường phối hợp với Hội Chữ thập đỏ tổ chức ngày hội, thu hút đông đảo đoàn viên tham gia. "
	}
	p := models.Post{Title: "Sáng nay, Đoàn Thanh niên phường phối hợp với Hội Chữ thập đỏ tổ chức ngày hội...", Summary: long + " #MoiNgayMotTinTot"}
	b.ReportAllocs()
	for b.Loop() {
		c.Classify(p, models.Feed{})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
}

// BenchmarkNormalize measures normalising a typical Vietnamese title.
func BenchmarkNormalize(b *testing.B) {
	s := "Đoàn xã Tân Phú tổ chức ngày hội hiến máu tình nguyện, tiếp nhận 126 đơn vị máu #MỗiNgàyMộtTinTốt"
	b.ReportAllocs()
	for b.Loop() {
		Normalize(s)
	}
}

// BenchmarkClassifyWithModel classifies the held-out corpus posts with the default rules
// and the model trained on the embedded corpus (the production classifier), round-robin.
// Run on one core: go test -run x -bench ClassifyWithModel -cpu 1 ./classify/
func BenchmarkClassifyWithModel(b *testing.B) {
	c, err := New(DefaultRules(), WithModel(DefaultModel(), DefaultReviewConfidence))
	if err != nil {
		b.Fatal(err)
	}
	var posts []models.Post
	for _, it := range append(HeldOutCorpus(), TrainingCorpus()...) {
		posts = append(posts, models.Post{Title: it.Title, Summary: it.Lead, URL: it.URL})
	}
	if len(posts) == 0 {
		b.Skip("no corpus")
	}
	feed := models.Feed{}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Classify(posts[i%len(posts)], feed)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
}

// BenchmarkTrainModel fits the model on the embedded corpus (what every start does).
func BenchmarkTrainModel(b *testing.B) {
	for b.Loop() {
		DefaultModel()
	}
}
