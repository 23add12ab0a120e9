package classify

import (
	"slices"
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

// Terms returns the index terms of the hashtags: every post that Carries one of them has
// at least one of these terms among its PostTags. A store selects posts by them (a few,
// out of a province's posts); Carries then decides, since a term may also be carried by
// posts that do not match (a hashtag spanning words that only starts like one of the
// hashtags).
func (t *TagMatcher) Terms() []string {
	var out []string
	for _, k := range t.keys {
		out = append(out, k)
		for i := range k { // every prefix that ends between two runes, and k itself
			if i > 0 {
				out = append(out, spannedTag+k[:i])
			}
		}
		out = append(out, spannedTag+k)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// spannedTag starts the term of a hashtag whose words run on over spaces ("#Xanh hóa quê
// hương nhé"). NormalizeTag keeps letters and digits only, so no hashtag term starts so.
const spannedTag = "~"

// PostTags returns the index terms of the hashtags a post carries, sorted, each once:
//   - each category, as NormalizeTag (with or without its '#');
//   - each hashtag of the title and the summary, as NormalizeTag, at every place it may
//     end without crossing a space ("#xanh_hoa_que_huong" gives "xanh", "xanhhoa",
//     "xanhhoaque" and "xanhhoaquehuong");
//   - for a hashtag whose words run on over spaces, spannedTag and the shortest form
//     that crosses two spaces, as a match spanning spaces must ("~xanhhoaque" for
//     "#Xanh hóa quê hương"), since each longer form starts with it.
//
// A TagMatcher carries a post only if one of its Terms is among them: stores keep these
// terms with each post so that a trend reads only the posts that may carry its hashtags.
func PostTags(p models.Post) []string {
	var out []string
	for _, cat := range p.Categories {
		if k := NormalizeTag(strings.TrimLeft(strings.TrimSpace(cat), "#＃")); k != "" {
			out = append(out, k)
		}
	}
	var w tagWalk
	for _, s := range []string{p.Title, p.Summary} {
		if strings.IndexByte(s, '#') < 0 && strings.IndexByte(s, '&') < 0 {
			continue // no '#', nor an entity that may decode to one: no rune folds into '#'
		}
		text := appendNormalized(nil, cleanText(s))
		for i := 0; i < len(text); i++ {
			if text[i] != '#' {
				continue
			}
			j := w.walk(text, i, len(w.compact))
			for _, b := range w.bounds[:w.nb] {
				if !b.acceptable() {
					continue
				}
				if b.spaces == 0 {
					out = append(out, string(w.compact[:b.at]))
					continue
				}
				out = append(out, spannedTag+string(w.compact[:b.at]))
				break
			}
			i = j - 1
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

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
