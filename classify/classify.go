package classify

import (
	"fmt"
	"html"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"tintot/models"
)

// maxTextBytes caps how much of a title or summary is examined; Facebook bridges can send
// whole posts and some CMS send a full HTML page as content.
const maxTextBytes = 32 << 10

// rule is one compiled pattern.
type rule struct {
	kind    models.Kind
	display string // as written in the rules, shown in reasons
	key     string // normalised form used for matching
	unit    bool   // from the unit's own rules
}

// feedRule is a compiled per-feed default.
type feedRule struct {
	prefix string
	kind   models.Kind
	unit   bool
}

// matcher is the compiled form of the rules that apply to one unit (or to all units).
type matcher struct {
	tags    map[string]*rule   // hashtag key (letters and digits only) → rule
	tagMax  int                // length of the longest hashtag key
	cats    map[string]*rule   // category key → rule
	urls    []*rule            // URL substrings, longest first
	kwFirst map[string][]*rule // first word of a keyword → keywords, longest first
	prefix  map[string][]*rule // first word of a title prefix → prefixes, longest first
	feeds   []feedRule         // unit rules first
}

// Classifier assigns a Kind and a Vietnamese reason to posts. It is immutable after New
// and safe for concurrent use.
type Classifier struct {
	base        *matcher
	units       map[string]*matcher
	pool        sync.Pool
	fingerprint string
	model       *Model
	review      float64 // model confidence under which a post goes to the reviewers' list
}

// Option configures a Classifier.
type Option func(*Classifier)

// WithModel lets a learned model decide the posts no strong rule decides (see the package
// documentation), and sends those it is less sure of than review (0..1) to reviewers.
func WithModel(m *Model, review float64) Option {
	return func(c *Classifier) { c.model, c.review = m, review }
}

// DefaultReviewConfidence is the model confidence under which a post is listed for
// reviewers on /check.
const DefaultReviewConfidence = 0.6

// New validates the rules and compiles them once (normalised patterns, lookup tables).
func New(r Rules, opts ...Option) (*Classifier, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	c := &Classifier{base: compile(r.RuleSet, nil), units: make(map[string]*matcher, len(r.Units))}
	for code, extra := range r.Units {
		c.units[strings.TrimSpace(code)] = compile(r.RuleSet, &extra)
	}
	c.pool.New = func() any { b := make([]byte, 0, 1024); return &b }
	for _, o := range opts {
		o(c)
	}
	c.fingerprint = r.fingerprint()
	if c.model != nil {
		c.fingerprint += "+model:" + c.model.Version()
	}
	return c, nil
}

// Model is the learned model the classifier uses (nil: rules only).
func (c *Classifier) Model() *Model { return c.model }

// ReviewConfidence is the confidence under which a model's decision is listed for reviewers.
func (c *Classifier) ReviewConfidence() float64 { return c.review }

// Fingerprint identifies the rules the classifier was built from: two classifiers with
// the same fingerprint classify every post alike.
func (c *Classifier) Fingerprint() string { return c.fingerprint }

// compile builds a matcher from the global set plus, optionally, one unit's extra rules;
// a unit pattern replaces the global one with the same key.
func compile(global RuleSet, unit *RuleSet) *matcher {
	m := &matcher{tags: map[string]*rule{}, cats: map[string]*rule{}, kwFirst: map[string][]*rule{}, prefix: map[string][]*rule{}}
	urls := map[string]*rule{}
	kws := map[string]*rule{}
	prefixes := map[string]*rule{}
	add := func(set RuleSet, isUnit bool) {
		for _, k := range models.Kinds {
			for _, p := range set.Hashtags[k] {
				key := NormalizeTag(p)
				m.tags[key] = &rule{kind: k, display: "#" + key, key: key, unit: isUnit}
				m.tagMax = max(m.tagMax, len(key))
			}
			for _, p := range set.Categories[k] {
				key := NormalizeTag(p)
				m.cats[key] = &rule{kind: k, display: strings.TrimSpace(p), key: key, unit: isUnit}
			}
			for _, p := range set.URLs[k] {
				key := urlKey(p)
				urls[key] = &rule{kind: k, display: strings.TrimSpace(p), key: key, unit: isUnit}
			}
			for _, p := range set.TitlePrefixes[k] {
				key := string(appendWords(nil, Normalize(p)))
				prefixes[key] = &rule{kind: k, display: strings.TrimSpace(p), key: key, unit: isUnit}
			}
			for _, p := range set.Keywords[k] {
				key := string(appendWords(nil, Normalize(p)))
				kws[key] = &rule{kind: k, display: strings.TrimSpace(p), key: key, unit: isUnit}
			}
		}
		var feeds []feedRule
		for _, f := range set.Feeds {
			feeds = append(feeds, feedRule{prefix: strings.ToLower(strings.TrimSpace(f.URL)), kind: f.Kind, unit: isUnit})
		}
		m.feeds = append(feeds, m.feeds...) // unit rules are consulted first
	}
	add(global, false)
	if unit != nil {
		add(*unit, true)
	}
	for _, r := range urls {
		m.urls = append(m.urls, r)
	}
	slices.SortFunc(m.urls, func(a, b *rule) int { return longestFirst(a.key, b.key) })
	for _, r := range kws {
		first := strings.Fields(r.key)[0]
		m.kwFirst[first] = append(m.kwFirst[first], r)
	}
	for _, r := range prefixes {
		first := strings.Fields(r.key)[0]
		m.prefix[first] = append(m.prefix[first], r)
	}
	for _, idx := range []map[string][]*rule{m.kwFirst, m.prefix} {
		for _, list := range idx {
			slices.SortFunc(list, func(a, b *rule) int { return longestFirst(a.key, b.key) })
		}
	}
	return m
}

// longestFirst orders keys by decreasing length, then alphabetically, for determinism.
func longestFirst(a, b string) int {
	if len(a) != len(b) {
		return len(b) - len(a)
	}
	return strings.Compare(a, b)
}

// urlKey is the comparable form of a URL or URL pattern.
func urlKey(s string) string {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "%") {
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
	}
	return Normalize(s)
}

// rank orders kinds when several rules of the same level match: the more specific kind wins.
func rank(k models.Kind) int {
	switch k {
	case models.KindIdeology:
		return 3
	case models.KindStory:
		return 2
	case models.KindGoodNews:
		return 1
	}
	return 0
}

// better reports whether candidate r should replace the current best.
func better(r, best *rule) bool {
	return best == nil || rank(r.kind) > rank(best.kind)
}

// ReasonNoMatch is the reason of a post no rule recognised: "other" by default, the
// posts a reviewer should look at.
const ReasonNoMatch = "không khớp quy tắc nào"

// Reason prefixes; the wording is what reviewers read on the dashboard.
const (
	reasonNone      = ReasonNoMatch
	reasonUnit      = " (quy tắc riêng của đơn vị)"
	reasonFeed      = "mặc định của nguồn tin: "
	reasonHashtag   = "hashtag "
	reasonCategory  = "chuyên mục "
	reasonURL       = "đường dẫn chứa "
	reasonPrefix    = "tiêu đề bắt đầu bằng "
	reasonTitleKW   = "từ khoá tiêu đề "
	reasonSummaryKW = "từ khoá nội dung "
)

// explain formats the reason for a matched rule.
func explain(prefix string, r *rule, quote bool) string {
	s := r.display
	if quote {
		s = fmt.Sprintf("%q", s)
	}
	s = prefix + s
	if r.unit {
		s += reasonUnit
	}
	return s
}

// Classify returns the kind of a post and a Vietnamese reason naming the rule (or the
// model) that decided it. Precedence is described in the package documentation.
func (c *Classifier) Classify(p models.Post, f models.Feed) (models.Kind, string) {
	d := c.Decide(p, f)
	return d.Kind, d.Reason
}

// Confidence is Decide as three values (the poller's interface).
func (c *Classifier) Confidence(p models.Post, f models.Feed) (models.Kind, string, float64) {
	d := c.Decide(p, f)
	return d.Kind, d.Reason, d.Confidence
}

// Decision is a classification with its confidence: 0 when a rule decided, the model's
// posterior probability when the model did.
type Decision struct {
	Kind       models.Kind
	Reason     string
	Confidence float64
}

// Decide classifies a post (see Classify) and says how sure the model was.
func (c *Classifier) Decide(p models.Post, f models.Feed) Decision {
	m := c.base
	if um, ok := c.units[p.UnitCode]; ok {
		m = um
	}
	bp := c.pool.Get().(*[]byte)
	defer c.pool.Put(bp)
	buf := (*bp)[:0]

	// Normalised title and summary share one buffer.
	buf = appendNormalized(buf, cleanText(p.Title))
	nt := len(buf)
	buf = appendNormalized(buf, cleanText(p.Summary))
	ns := len(buf)
	title, summary := buf[:nt], buf[nt:ns]

	// 1. Hashtags in title, summary and hashtag-like categories.
	var best *rule
	for _, text := range [][]byte{title, summary} {
		if r := m.scanTags(text); r != nil && better(r, best) {
			best = r
		}
	}
	for _, cat := range p.Categories {
		if t := strings.TrimSpace(cat); strings.HasPrefix(t, "#") || strings.HasPrefix(t, "＃") {
			if r := m.tags[NormalizeTag(strings.TrimLeft(t, "#＃"))]; r != nil && better(r, best) {
				best = r
			}
		}
	}
	if best != nil {
		*bp = buf
		return Decision{Kind: best.kind, Reason: explain(reasonHashtag, best, false)}
	}

	// 2. Feed categories.
	for _, cat := range p.Categories {
		if r := m.cats[NormalizeTag(cat)]; r != nil && better(r, best) {
			best = r
		}
	}
	if best != nil {
		*bp = buf
		return Decision{Kind: best.kind, Reason: explain(reasonCategory, best, true)}
	}

	// 3. URL patterns.
	if p.URL != "" && len(m.urls) > 0 {
		u := urlKey(p.URL)
		for _, r := range m.urls {
			if containsSegment(u, r.key) && better(r, best) {
				best = r
			}
		}
		if best != nil {
			*bp = buf
			return Decision{Kind: best.kind, Reason: explain(reasonURL, best, true)}
		}
	}

	// 4. Title prefixes, 5. and 6. keywords in the title, then in the summary.
	buf = appendWords(buf, string(title))
	wt := len(buf)
	if r := m.matchPrefix(buf[ns:wt]); r != nil {
		*bp = buf
		return Decision{Kind: r.kind, Reason: explain(reasonPrefix, r, true)}
	}
	var kw Decision
	if r := m.matchKeywords(buf[ns:wt]); r != nil {
		kw = Decision{Kind: r.kind, Reason: explain(reasonTitleKW, r, true)}
	} else {
		buf = appendWords(buf, string(summary))
		if r := m.matchKeywords(buf[wt:]); r != nil {
			kw = Decision{Kind: r.kind, Reason: explain(reasonSummaryKW, r, true)}
		}
	}
	*bp = buf
	if c.model == nil && kw.Kind != "" {
		return kw // rules only: keywords come before the feed's default
	}

	// 5. (rules only: 7.) The feed's default kind: set on the feed itself, else by the
	// rules' feed list. A kind the feed declares is a strong signal; the model comes after.
	if f.DefaultKind.Valid() {
		return Decision{Kind: f.DefaultKind, Reason: reasonFeed + f.DefaultKind.Label()}
	}
	if f.URL != "" {
		fu := strings.ToLower(strings.TrimSpace(f.URL))
		for _, fr := range m.feeds {
			if strings.HasPrefix(fu, fr.prefix) {
				s := reasonFeed + fr.kind.Label()
				if fr.unit {
					s += reasonUnit
				}
				return Decision{Kind: fr.kind, Reason: s}
			}
		}
	}
	if c.model == nil {
		return Decision{Kind: models.KindOther, Reason: reasonNone}
	}
	return c.decideByModel(p, kw)
}

// keywordFallback is the model confidence under which a keyword rule that matched
// decides instead of the model (chosen by cross-validation on the training part).
const keywordFallback = 0.5

// decideByModel is level 6 with a model: the model decides when it is at least
// keywordFallback sure; when it is less sure, a keyword rule that matched decides
// instead; otherwise the model's best guess stands with its confidence (under the review
// threshold, the post is listed for reviewers).
func (c *Classifier) decideByModel(p models.Post, kw Decision) Decision {
	pr := c.model.Predict(p.Title, p.Summary)
	if pr.Confidence < keywordFallback && kw.Kind != "" {
		return kw
	}
	if pr.Confidence == 0 {
		return Decision{Kind: models.KindOther, Reason: reasonNone}
	}
	return Decision{Kind: pr.Kind, Reason: ModelReason(pr), Confidence: pr.Confidence}
}

// reasonModel starts the reason of a post the model decided.
const reasonModel = "mô hình: "

// ModelReason words a model's decision for reviewers: "mô hình: câu chuyện đẹp (0,87);
// từ: «cô giáo», «bản», «vùng cao»".
func ModelReason(pr Prediction) string {
	s := fmt.Sprintf("%s%s (%s)", reasonModel, strings.ToLower(pr.Kind.Label()), strings.Replace(fmt.Sprintf("%.2f", pr.Confidence), ".", ",", 1))
	if len(pr.Words) > 0 {
		s += "; từ: «" + strings.Join(pr.Words, "», «") + "»"
	}
	return s
}

// ByModel reports whether a reason is a model's decision.
func ByModel(reason string) bool { return strings.HasPrefix(reason, reasonModel) }

// cleanText strips HTML tags, decodes entities and caps the length.
func cleanText(s string) string {
	if len(s) > maxTextBytes {
		cut := maxTextBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	if strings.IndexByte(s, '<') >= 0 {
		s = stripTags(s)
	}
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	return s
}

// stripTags replaces each <…> tag with a space.
func stripTags(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	in := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '<':
			in = true
			b.WriteByte(' ')
		case c == '>' && in:
			in = false
		case !in:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// containsSegment reports whether key occurs in u not followed by a letter, digit or
// '-', so "/tin-tot" matches "/tin-tot/…" but not "/tin-tot-nghiep".
func containsSegment(u, key string) bool {
	for from := 0; ; {
		i := strings.Index(u[from:], key)
		if i < 0 {
			return false
		}
		end := from + i + len(key)
		if end == len(u) || !isSlugByte(u[end]) || !isSlugByte(key[len(key)-1]) {
			return true
		}
		from += i + 1
	}
}

func isSlugByte(c byte) bool {
	return ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || c == '-' || c >= utf8.RuneSelf
}

// tagBound is where a hashtag may end: after at bytes of its compact form (letters and
// digits only), having crossed spaces spaces.
type tagBound struct{ at, spaces int }

// acceptable reports whether a tag ending at b counts: within the compact buffer, and
// spanning no space or at least two (three words or more).
func (b tagBound) acceptable() bool {
	return b.at <= len(tagWalk{}.compact) && (b.spaces == 0 || b.spaces >= 2)
}

// tagWalk is one hashtag of a normalised text read by walk: its compact form and the
// places it may end, in increasing order.
type tagWalk struct {
	compact [96]byte
	bounds  [24]tagBound
	nb      int
}

// walk reads the hashtag whose '#' is text[i], stopping once more than limit bytes of
// letters and digits were read, and returns the index where it stopped. A hashtag runs
// over letters and digits; '_', '-', and spaces between words are separators. A tag may
// end at a separator, at a letter→digit change ("#tintot2026") or at the end of the
// hashtag. walk is the single reading of hashtags: scanTags (matching) and PostTags
// (indexing) both use it, so they agree on what a hashtag is.
func (w *tagWalk) walk(text []byte, i, limit int) int {
	n, nb, spaces := 0, 0, 0
	prevDigit := false
	j := i + 1
walk:
	for j < len(text) && n <= limit {
		c := text[j]
		if c < utf8.RuneSelf {
			switch {
			case ('a' <= c && c <= 'z') || ('0' <= c && c <= '9'):
				isDigit := c <= '9'
				if isDigit && !prevDigit && n > 0 && nb < len(w.bounds) {
					w.bounds[nb] = tagBound{n, spaces}
					nb++
				}
				prevDigit = isDigit
				if n < len(w.compact) {
					w.compact[n] = c
				}
				n++
				j++
			case c == '_' || c == '-' || c == ' ':
				if n > 0 && nb < len(w.bounds) && (nb == 0 || w.bounds[nb-1].at != n) {
					w.bounds[nb] = tagBound{n, spaces}
					nb++
				}
				if c == ' ' {
					spaces++
				}
				j++
			default:
				break walk
			}
			continue
		}
		r, size := utf8.DecodeRune(text[j:])
		if !isWordRune(r) {
			break
		}
		for k := 0; k < size; k++ {
			if n < len(w.compact) {
				w.compact[n] = text[j+k]
			}
			n++
		}
		prevDigit = false
		j += size
	}
	if n <= len(w.compact) && nb < len(w.bounds) && (nb == 0 || w.bounds[nb-1].at != n) {
		w.bounds[nb] = tagBound{n, spaces}
		nb++
	}
	w.nb = nb
	return j
}

// scanTags finds the hashtags of a normalised text and returns the best matching rule.
// A match spanning spaces must span at least three words, so "#Mỗi ngày một tin tốt"
// matches but "#tin tốt nghiệp" does not make "#tintot" (see tagWalk.walk).
func (m *matcher) scanTags(text []byte) *rule {
	if m.tagMax == 0 {
		return nil
	}
	var best *rule
	var w tagWalk
	limit := min(m.tagMax, len(w.compact))
	for i := 0; i < len(text); i++ {
		if text[i] != '#' {
			continue
		}
		j := w.walk(text, i, limit)
		// Longest acceptable tag at this '#'.
		for b := w.nb - 1; b >= 0; b-- {
			at := w.bounds[b]
			if !at.acceptable() {
				continue
			}
			if r := m.tags[string(w.compact[:at.at])]; r != nil {
				if better(r, best) {
					best = r
				}
				break
			}
		}
		i = j - 1
	}
	return best
}

// matchKeywords finds keywords in a word-form text (" w1 w2 … "), leftmost-longest: a
// keyword inside a longer matched one does not count, so the campaign phrase "mỗi ngày
// một tin tốt, mỗi tuần một câu chuyện đẹp" is one good-news match, not also a story.
// Among the matches the most specific kind wins.
func (m *matcher) matchKeywords(w []byte) *rule {
	var best *rule
	for i := 1; i < len(w); {
		j := i
		for j < len(w) && w[j] != ' ' {
			j++
		}
		next := j + 1
		if list := m.kwFirst[string(w[i:j])]; list != nil {
			for _, r := range list {
				if hasPrefixAt(w, i-1, r.key) {
					if better(r, best) {
						best = r
					}
					next = i - 1 + len(r.key) // skip the words of the match
					break
				}
			}
		}
		i = next
	}
	return best
}

// matchPrefix returns the longest title prefix rule the word-form title starts with.
func (m *matcher) matchPrefix(w []byte) *rule {
	if len(w) < 2 {
		return nil
	}
	j := 1
	for j < len(w) && w[j] != ' ' {
		j++
	}
	for _, r := range m.prefix[string(w[1:j])] {
		if hasPrefixAt(w, 0, r.key) {
			return r
		}
	}
	return nil
}

func hasPrefixAt(w []byte, at int, key string) bool {
	return len(w)-at >= len(key) && string(w[at:at+len(key)]) == key
}

// Live is a Classifier that can be replaced while in use (a model refitted overnight):
// the poller and the pages hold the Live, each call uses the classifier current then.
type Live struct {
	p    atomic.Pointer[Classifier]
	lazy atomic.Pointer[lazyFit]
}

// lazyFit is a fit to run before a Live's first use.
type lazyFit struct {
	once sync.Once
	fit  func() error
	err  error
}

// FitOnFirstUse makes fit run, once, before the first classification through l (from
// any goroutine; the others wait for it). fit should Swap in the classifier it fitted;
// if it fails, l classifies with the classifier it had, and FitErr reports the error. A
// command that may classify nothing (every feed unchanged) then never pays for the fit.
func (l *Live) FitOnFirstUse(fit func() error) { l.lazy.Store(&lazyFit{fit: fit}) }

// FitErr is the error of the fit FitOnFirstUse deferred, if it ran and failed.
func (l *Live) FitErr() error {
	if z := l.lazy.Load(); z != nil {
		z.once.Do(func() {}) // waits for a fit in progress; marks one never begun as done
		return z.err
	}
	return nil
}

// use returns the classifier in use, after the deferred fit if one is pending.
func (l *Live) use() *Classifier {
	if z := l.lazy.Load(); z != nil {
		z.once.Do(func() { z.err = z.fit() })
	}
	return l.p.Load()
}

// NewLive returns a Live using c.
func NewLive(c *Classifier) *Live {
	l := &Live{}
	l.p.Store(c)
	return l
}

// Load returns the classifier in use.
func (l *Live) Load() *Classifier { return l.use() }

// Swap puts c in use.
func (l *Live) Swap(c *Classifier) { l.p.Store(c) }

// Classify classifies with the classifier in use.
func (l *Live) Classify(p models.Post, f models.Feed) (models.Kind, string) {
	return l.use().Classify(p, f)
}

// Confidence classifies with the classifier in use and says how sure its model was.
func (l *Live) Confidence(p models.Post, f models.Feed) (models.Kind, string, float64) {
	return l.use().Confidence(p, f)
}

// ReviewConfidence is the review threshold of the classifier in use.
func (l *Live) ReviewConfidence() float64 { return l.use().ReviewConfidence() }
