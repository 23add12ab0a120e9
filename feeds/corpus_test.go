package feeds

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const corpusDir = "../../shared/feeds-corpus"

// noItemFiles are corpus documents without a single complete item, with the channel title
// expected when the document is readable ("" when it is not).
var noItemFiles = map[string]string{
	"18_feedrs_reuters_truncated-invalid.xml": "",
	"25_gofeed_bare-ampersand.xml":            "Fish & Chips & more <3",
	"27_feedparser_incomplete-cdata.xml":      "",
	"28_feedparser_html-entity-nbsp.xml":      "testing entity", // &nbsp; read, then whitespace collapsed
}

// TestCorpus reads every real-world feed of the shared corpus: each either yields posts or
// fails with a clear parse error, never a panic, and at least 27 of 30 yield posts.
func TestCorpus(t *testing.T) {
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Skipf("corpus folder %s absent: %v", corpusDir, err)
	}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	total, withItems := 0, 0
	var failed []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".json") {
			continue
		}
		total++
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(corpusDir, name))
			if err != nil {
				t.Fatal(err)
			}
			pf, err := Parse(body, "https://example.vn/rss/"+name, now)
			if err != nil {
				var fe *FetchError
				if !errors.As(err, &fe) || fe.Kind != ErrParse || fe.Message() == "" {
					t.Fatalf("error is not a clear parse error: %#v", err)
				}
				failed = append(failed, name+": "+err.Error())
				return
			}
			if want, ok := noItemFiles[name]; ok && want != "" && pf.Title != want {
				t.Errorf("channel title = %q, want %q", pf.Title, want)
			}
			if len(pf.Posts) == 0 {
				failed = append(failed, name+": no items")
				return
			}
			withItems++
			for _, p := range pf.Posts {
				if p.ItemKey == "" || p.LocalDay == "" || p.PublishedAt.IsZero() {
					t.Errorf("incomplete post %+v", p)
				}
				if p.Title != strings.TrimSpace(p.Title) {
					t.Errorf("title not trimmed: %q", p.Title)
				}
			}
			t.Logf("%d posts (recovered=%v dropped=%d); first: %q %s %s inferred=%v", len(pf.Posts), pf.Recovered, pf.Dropped, pf.Posts[0].Title, pf.Posts[0].URL, pf.Posts[0].PublishedAt.In(time.FixedZone("ICT", 7*3600)).Format(time.RFC3339), pf.Posts[0].DateInferred)
		})
	}
	for _, f := range failed {
		t.Logf("no items: %s", f)
	}
	t.Logf("%d of %d corpus files yield posts", withItems, total)
	// 18 and 27 are cut off before their first complete item; 25 and 28 are channel-only
	// test documents. Every other file holds items and must yield them.
	if total == 30 && withItems < total-len(noItemFiles) {
		t.Errorf("only %d of %d corpus files yield posts, want %d", withItems, total, total-len(noItemFiles))
	}
}
