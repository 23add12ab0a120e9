package classify

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"tintot/models"
)

func newDefault(t testing.TB) *Classifier {
	t.Helper()
	c, err := New(DefaultRules())
	if err != nil {
		t.Fatalf("New(DefaultRules()): %v", err)
	}
	return c
}

func TestClassify(t *testing.T) {
	c := newDefault(t)
	nfd := norm.NFD.String
	tests := []struct {
		name       string
		post       models.Post
		feed       models.Feed
		wantKind   models.Kind
		wantReason string
	}{
		{"camel hashtag in title", models.Post{Title: "Đoàn xã trao 20 suất quà #MỗiNgàyMộtTinTốt"}, models.Feed{}, models.KindGoodNews, "hashtag #moingaymottintot"},
		{"ascii lower hashtag", models.Post{Title: "Trao quà #moingaymottintot"}, models.Feed{}, models.KindGoodNews, "hashtag #moingaymottintot"},
		{"underscore hashtag", models.Post{Title: "Hiến máu #Mỗi_ngày_một_tin_tốt"}, models.Feed{}, models.KindGoodNews, "hashtag #moingaymottintot"},
		{"NFD hashtag", models.Post{Title: nfd("Tặng quà #MỗiNgàyMộtTinTốt")}, models.Feed{}, models.KindGoodNews, "hashtag #moingaymottintot"},
		{"spaced hashtag of many words", models.Post{Title: "#Mỗi ngày một tin tốt: thanh niên dọn rác"}, models.Feed{}, models.KindGoodNews, "hashtag #moingaymottintot"},
		{"story hashtag", models.Post{Title: "Anh Nam và chiếc xe lăn #CauChuyenDep"}, models.Feed{}, models.KindStory, "hashtag #cauchuyendep"},
		{"hashtag with year", models.Post{Title: "Ra quân #TinTot2026"}, models.Feed{}, models.KindGoodNews, "hashtag #tintot"},
		{"longer word is not the tag", models.Post{Title: "#tintotnghiep năm nay"}, models.Feed{}, models.KindOther, "không khớp quy tắc nào"},
		{"two-word spaced tag is not a tag", models.Post{Title: "#tin tốt nghiệp THPT được công bố"}, models.Feed{}, models.KindGoodNews, `từ khoá tiêu đề "tin tốt"`},
		{"hashtag only in summary (bridge cut title)", models.Post{Title: "Sáng nay, Đoàn Thanh niên phường Tân Mai phối hợp với Hội Chữ thập đỏ tổ chức ngày hội...", Summary: "…nhận được sự hưởng ứng. #TinTốt"}, models.Feed{}, models.KindGoodNews, "hashtag #tintot"},
		{"hashtag in HTML summary", models.Post{Title: "Bài viết", Summary: `<p>Nội dung</p><a href="https://facebook.com/hashtag/cauchuyendep">#CâuChuyệnĐẹp</a>`}, models.Feed{}, models.KindStory, "hashtag #cauchuyendep"},
		{"story beats good news at same level", models.Post{Title: "#TinTot #CauChuyenDep Chị Lan"}, models.Feed{}, models.KindStory, "hashtag #cauchuyendep"},
		{"category", models.Post{Title: "Bản tin", Categories: []string{"Tin tốt"}}, models.Feed{}, models.KindGoodNews, `chuyên mục "Tin tốt"`},
		{"category without diacritics", models.Post{Title: "Bản tin", Categories: []string{"GUONG NGUOI TOT VIEC TOT"}}, models.Feed{}, models.KindStory, `chuyên mục "Gương người tốt việc tốt"`},
		{"hashtag beats category", models.Post{Title: "x #DauTranhPhanBac", Categories: []string{"Tin tốt"}}, models.Feed{}, models.KindIdeology, "hashtag #dautranhphanbac"},
		{"category as hashtag", models.Post{Title: "Bản tin", Categories: []string{"#Câu_chuyện_đẹp"}}, models.Feed{}, models.KindStory, "hashtag #cauchuyendep"},
		{"url pattern", models.Post{Title: "Bản tin", URL: "https://doanxa.vn/cau-chuyen-dep/anh-a-123.html"}, models.Feed{}, models.KindStory, `đường dẫn chứa "/cau-chuyen-dep"`},
		{"url slug word is not the pattern", models.Post{Title: "Bản tin", URL: "https://x.vn/tin-tot-nghiep-2026.html"}, models.Feed{}, models.KindOther, "không khớp quy tắc nào"},
		{"title keyword ideology", models.Post{Title: "Đấu tranh phản bác các luận điệu xuyên tạc về Đại hội"}, models.Feed{}, models.KindIdeology, `từ khoá tiêu đề "đấu tranh phản bác"`},
		{"campaign phrase is good news, not story", models.Post{Title: "Hưởng ứng Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp"}, models.Feed{}, models.KindGoodNews, `từ khoá tiêu đề "Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp"`},
		{"campaign phrase plus story keyword", models.Post{Title: "[Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp] Gương người tốt việc tốt: em Minh trả lại ví"}, models.Feed{}, models.KindStory, `từ khoá tiêu đề "gương người tốt việc tốt"`},
		{"summary keyword", models.Post{Title: "Tin hoạt động", Summary: "Thanh niên tiêu biểu của xã năm 2026 là anh Hùng"}, models.Feed{}, models.KindStory, `từ khoá nội dung "thanh niên tiêu biểu"`},
		{"title keyword beats summary keyword", models.Post{Title: "Đoàn xã hiến máu", Summary: "phản bác quan điểm sai trái"}, models.Feed{}, models.KindGoodNews, `từ khoá tiêu đề "hiến máu"`},
		{"feed default", models.Post{Title: "Bản tin sáng"}, models.Feed{DefaultKind: models.KindGoodNews}, models.KindGoodNews, "mặc định của nguồn tin: Tin tốt"},
		{"keyword beats feed default", models.Post{Title: "Gương sáng tuổi trẻ"}, models.Feed{DefaultKind: models.KindGoodNews}, models.KindStory, `từ khoá tiêu đề "gương sáng"`},
		{"invalid feed default ignored", models.Post{Title: "Họp chi đoàn"}, models.Feed{DefaultKind: "xyz"}, models.KindOther, "không khớp quy tắc nào"},
		{"nothing", models.Post{Title: "Ban Chấp hành Đoàn xã họp lần thứ 5"}, models.Feed{}, models.KindOther, "không khớp quy tắc nào"},
		{"administrative title prefix beats keywords", models.Post{Title: "Hội nghị tập huấn kỹ năng đấu tranh phản bác", Summary: "#"}, models.Feed{DefaultKind: models.KindGoodNews}, models.KindOther, `tiêu đề bắt đầu bằng "Hội nghị"`},
		{"hashtag beats title prefix", models.Post{Title: "Thông báo: trao quà #TinTot"}, models.Feed{}, models.KindGoodNews, "hashtag #tintot"},
		{"empty post", models.Post{}, models.Feed{}, models.KindOther, "không khớp quy tắc nào"},
		{"entity-escaped title", models.Post{Title: "Gương ng&#432;ời tốt việc tốt"}, models.Feed{}, models.KindStory, `từ khoá tiêu đề "gương người tốt việc tốt"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, why := c.Classify(tt.post, tt.feed)
			if k != tt.wantKind || why != tt.wantReason {
				t.Errorf("Classify() = %s, %q; want %s, %q", k, why, tt.wantKind, tt.wantReason)
			}
		})
	}
}

func TestClassifyConcurrent(t *testing.T) {
	c := newDefault(t)
	p := models.Post{Title: "Trao quà #TinTot", Summary: strings.Repeat("nội dung dài ", 200)}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for i := 0; i < 200; i++ {
				if k, _ := c.Classify(p, models.Feed{}); k != models.KindGoodNews {
					t.Errorf("got %s", k)
					return
				}
			}
		})
	}
	wg.Wait()
}

var fuzzOnce struct {
	sync.Once
	c *Classifier
}

func fuzzClassifier(t *testing.T) *Classifier {
	fuzzOnce.Do(func() { fuzzOnce.c = newDefault(t) })
	return fuzzOnce.c
}

func postOf(s string) models.Post {
	return models.Post{Title: s, Summary: s + " " + s, Categories: []string{s, "#" + s}, URL: s, UnitCode: s}
}

func feedOf(s string) models.Feed { return models.Feed{URL: s, DefaultKind: models.Kind(s)} }

// TestLiveFitsOnFirstUse: a deferred fit runs once, before the first classification and
// only then (a command that classifies nothing never pays for it), every concurrent user
// waiting for it; a failed fit leaves the classifier it had and is reported.
func TestLiveFitsOnFirstUse(t *testing.T) {
	rules := newDefault(t)
	withModel, err := New(DefaultRules(), WithModel(DefaultModel(), DefaultReviewConfidence))
	if err != nil {
		t.Fatal(err)
	}
	l := NewLive(rules)
	var fits atomic.Int32
	l.FitOnFirstUse(func() error {
		fits.Add(1)
		time.Sleep(20 * time.Millisecond)
		l.Swap(withModel)
		return nil
	})
	if fits.Load() != 0 {
		t.Fatal("fitted before any use")
	}
	post := models.Post{Title: "Mười năm bám bản dạy chữ cho trẻ vùng cao", Summary: "Ngày ngày băng rừng, lội suối tới điểm trường"}
	if _, why := rules.Classify(post, models.Feed{}); why != ReasonNoMatch {
		t.Fatalf("the rules alone decide the test post (%q): the fitted model would not show", why)
	}
	var wg sync.WaitGroup
	reasons := make([]string, 8)
	for i := range reasons {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, reasons[i] = l.Classify(post, models.Feed{})
		}()
	}
	wg.Wait()
	_, want := withModel.Classify(post, models.Feed{})
	for i, r := range reasons {
		if r != want {
			t.Errorf("user %d classified with %q, want the fitted classifier's %q", i, r, want)
		}
	}
	if n := fits.Load(); n != 1 || l.FitErr() != nil {
		t.Errorf("fits = %d, err %v; want one, nil", n, l.FitErr())
	}

	failing := NewLive(rules)
	failing.FitOnFirstUse(func() error { return errors.New("store down") })
	if _, why := failing.Classify(post, models.Feed{}); why == "" {
		t.Error("a failed fit left no classifier")
	}
	if err := failing.FitErr(); err == nil || err.Error() != "store down" {
		t.Errorf("FitErr = %v, want the fit's error", err)
	}
	unused := NewLive(rules)
	unused.FitOnFirstUse(func() error { t.Error("fitted without use"); return nil })
	if err := unused.FitErr(); err != nil {
		t.Errorf("FitErr of an unused Live = %v", err)
	}
}
