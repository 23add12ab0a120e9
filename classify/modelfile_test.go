package classify

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"

	"tintot/models"
)

// The embedded model must be the one the embedded corpus gives: after a change of the
// corpus or of the features, run `go generate ./classify`.
func TestEmbeddedModelIsCurrent(t *testing.T) {
	emb, err := CorpusModel()
	if err != nil {
		t.Fatal(err)
	}
	fresh := DefaultModel()
	if emb.Version() != fresh.Version() {
		t.Fatalf("embedded model %s, corpus gives %s: run go generate ./classify", emb.Version(), fresh.Version())
	}
	sameModel(t, emb, fresh)
}

func sameModel(t *testing.T, got, want *Model) {
	t.Helper()
	if got.lr != want.lr || got.n != want.n || got.counts != want.counts || got.logPrior != want.logPrior {
		t.Fatalf("header differs: got lr=%v n=%d %v %v, want lr=%v n=%d %v %v", got.lr, got.n, got.counts, got.logPrior, want.lr, want.n, want.counts, want.logPrior)
	}
	n := 0
	for _, s := range want.logLik.slots {
		if s.key == 0 {
			continue
		}
		n++
		if ll, ok := got.logLik.get(s.key); !ok || ll != s.ll {
			t.Fatalf("feature %x: got %v (present %v), want %v: run go generate ./classify", s.key, ll, ok, s.ll)
		}
	}
	m := 0
	for _, s := range got.logLik.slots {
		if s.key != 0 {
			m++
		}
	}
	if m != n {
		t.Fatalf("got %d features, want %d", m, n)
	}
	if len(got.surface) != len(want.surface) {
		t.Fatalf("got %d readable words, want %d", len(got.surface), len(want.surface))
	}
	for h, s := range want.surface {
		if got.surface[h] != s {
			t.Fatalf("word %x: got %q, want %q", h, got.surface[h], s)
		}
	}
}

func TestModelEncodeRoundTrip(t *testing.T) {
	ex := []Example{
		{Kind: models.KindGoodNews, Title: "Đoàn xã ra quân dọn vệ sinh đường làng", Summary: "Hơn 50 đoàn viên tham gia"},
		{Kind: models.KindStory, Title: "Cô giáo vùng cao và những chuyến đò", Summary: "Mười năm cô vượt sông dạy chữ"},
		{Kind: models.KindIdeology, Title: "Phản bác luận điệu xuyên tạc", Summary: "Các thế lực thù địch"},
		{Kind: models.KindOther, Title: "Kế hoạch tổ chức Đại hội", Summary: "Thông báo lịch họp"},
	}
	m := Train(ex)
	var b bytes.Buffer
	if err := EncodeModel(&b, m); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeModel(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	sameModel(t, got, m)
	for _, e := range ex {
		if p, q := got.Predict(e.Title, e.Summary), m.Predict(e.Title, e.Summary); p.Kind != q.Kind || p.Confidence != q.Confidence {
			t.Errorf("%q: decoded model says %v %.3f, trained %v %.3f", e.Title, p.Kind, p.Confidence, q.Kind, q.Confidence)
		}
	}
	var again bytes.Buffer
	if err := EncodeModel(&again, got); err != nil || !bytes.Equal(again.Bytes(), b.Bytes()) {
		t.Errorf("encoding is not deterministic (err %v)", err)
	}
}

// A damaged file is an error naming the model file, never a panic or a huge allocation.
func TestDecodeModelDamaged(t *testing.T) {
	var good bytes.Buffer
	if err := EncodeModel(&good, Train([]Example{{Kind: models.KindStory, Title: "Chàng trai vượt khó", Summary: "Câu chuyện"}})); err != nil {
		t.Fatal(err)
	}
	raw := gunzip(t, good.Bytes())
	gz := func(b []byte) []byte {
		var o bytes.Buffer
		w := gzip.NewWriter(&o)
		w.Write(b)
		w.Close()
		return o.Bytes()
	}
	huge := append([]byte(modelMagic), 0)                                           // empty version
	huge = append(huge, 1, 1)                                                       // lr, n
	huge = append(huge, bytes.Repeat([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0}, nKinds)...) // counts, priors
	huge = append(huge, 0xff, 0xff, 0xff, 0xff, 0x0f)                               // 4 G features
	cases := map[string][]byte{
		"not gzip":     []byte("hello"),
		"empty":        gz(nil),
		"wrong magic":  gz([]byte("tintot-model-9\n")),
		"truncated":    gz(raw[:len(raw)/2]),
		"trailing":     gz(append(append([]byte{}, raw...), 1)),
		"huge count":   gz(huge),
		"gzip cut off": good.Bytes()[:good.Len()-10],
	}
	for name, b := range cases {
		if _, err := DecodeModel(bytes.NewReader(b)); err == nil || !strings.Contains(err.Error(), "model file") {
			t.Errorf("%s: error %v, want one naming the model file", name, err)
		}
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var o bytes.Buffer
	if _, err := o.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	return o.Bytes()
}
