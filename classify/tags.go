package classify

import (
	"strings"

	"tintot/models"
)

// TagMatcher finds a fixed set of hashtags in posts exactly as the campaign hashtags are
// found: NFC or NFD, any case, with or without diacritics, words joined or split by '_',
// '-' or spaces ("#XanhHóaQuêHương", "#xanh_hoa_que_huong"), in the title, the summary or
// a category. Trends (trào lưu) use it. It is immutable and safe for concurrent use.
type TagMatcher struct {
	m    *matcher
	keys []string
}

// NewTagMatcher compiles hashtags (with or without the leading '#'); hashtags that keep no
// letter or digit are ignored.
func NewTagMatcher(hashtags []string) *TagMatcher {
	m := &matcher{tags: map[string]*rule{}}
	var keys []string
	for _, h := range hashtags {
		key := NormalizeTag(h)
		if key == "" || m.tags[key] != nil {
			continue
		}
		m.tags[key] = &rule{kind: models.KindOther, display: "#" + key, key: key}
		m.tagMax = max(m.tagMax, len(key))
		keys = append(keys, key)
	}
	return &TagMatcher{m: m, keys: keys}
}

// Keys returns the comparable forms of the hashtags (NormalizeTag), in the given order.
func (t *TagMatcher) Keys() []string { return append([]string(nil), t.keys...) }

// Carries reports whether the post carries one of the hashtags: as a hashtag in its title
// or summary, or as one of its categories (written with or without '#').
func (t *TagMatcher) Carries(p models.Post) bool {
	if len(t.keys) == 0 {
		return false
	}
	for _, cat := range p.Categories {
		if t.m.tags[NormalizeTag(strings.TrimLeft(strings.TrimSpace(cat), "#＃"))] != nil {
			return true
		}
	}
	for _, s := range []string{p.Title, p.Summary} {
		if t.m.scanTags(appendNormalized(nil, cleanText(s))) != nil {
			return true
		}
	}
	return false
}
