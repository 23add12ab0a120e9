package feeds

import (
	"bytes"
	"container/heap"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"tintot/models"
)

// Reading a large document within bounds.
//
// gofeed builds the whole document in memory, with heavy structures per element: a 10 MB
// feed of 100,000 items peaks at about 300 MB. A document with more parser work than
// parseLimits.wholeTags (its '<' for XML, its '{' and ',' for JSON: cheap upper bounds of
// its elements and values) is therefore split instead: a scan with encoding/xml's
// RawToken (or encoding/json's streaming decoder) finds the items' byte ranges and the
// few feed-level elements that matter (title, link, generator); the items go through
// gofeed a chunk at a time, each chunk wrapped in its ancestors' start and end tags; each
// item becomes a post at once, and a bounded heap keeps only the newest maxItems. Memory
// then stays within the document, one chunk's parse, the kept posts and a set of 64-bit
// item key hashes, whatever the number of items. An item with more than maxTags elements
// of its own cannot be read within bounds and is skipped (counted in Skipped).

// parseLimits bounds one parse.
type parseLimits struct {
	maxItems   int // newest items kept
	wholeTags  int // parser work up to which the whole document is read at once
	maxTags    int // parser work of one chunk, and of one item
	chunkItems int // items per chunk
	chunkBytes int // bytes of items per chunk (a larger single item goes alone)
}

var defaultLimits = parseLimits{maxItems: DefaultMaxItems, wholeTags: 20000, maxTags: 20000, chunkItems: 256, chunkBytes: 1 << 20}

// structures is a cheap upper bound of the elements (XML) or values (JSON) of a document.
func structures(doc []byte, jsonDoc bool) int {
	if jsonDoc {
		return bytes.Count(doc, []byte{'{'}) + bytes.Count(doc, []byte{','})
	}
	return bytes.Count(doc, []byte{'<'})
}

// keeper keeps the newest max posts by date (on equal dates the earlier in the document)
// and drops repeated item keys, remembered as 64-bit hashes. A post that says neither
// where nor when it was published (loose) is kept only when no post of the document
// does: in a feed whose items have links or dates, an item with neither is a placeholder
// (`<item><title/><description>No Description</description></item>`), and counting it on
// the day it was read would credit the unit with a post nobody can open.
type keeper struct {
	max      int
	seed     maphash.Seed
	seen     map[uint64]uint64 // key hash → title hash of the item kept under it
	kept     keptHeap
	n        int // distinct items offered
	dropped  int // repeated keys, and loose posts left out
	clashes  int // of the repeated keys, those of an item with another title
	anchored bool
	loose    []keptPost // the first max loose posts, until the end of the document
	looseN   int        // loose posts offered
}

func newKeeper(max int) *keeper {
	return &keeper{max: max, seed: maphash.MakeSeed(), seen: map[uint64]uint64{}}
}

// add offers a post in document order; loose: it has no GUID, no link and no usable date.
func (k *keeper) add(p models.Post, loose bool) {
	if p.ItemKey == "" {
		return
	}
	h, th := maphash.String(k.seed, p.ItemKey), maphash.String(k.seed, p.Title)
	if first, dup := k.seen[h]; dup {
		k.dropped++
		if first != th {
			k.clashes++ // another post under the same GUID or link: a CMS's fault, and a post not counted
		}
		return
	}
	k.seen[h] = th
	kp := keptPost{post: p, idx: k.n}
	k.n++
	if loose {
		k.looseN++
		if len(k.loose) < k.max {
			k.loose = append(k.loose, kp)
		}
		return
	}
	k.anchored = true
	k.keep(kp)
}

// keep offers a distinct post to the cap.
func (k *keeper) keep(kp keptPost) {
	switch {
	case len(k.kept) < k.max:
		// heap.Push without boxing the post in an interface (an allocation per item)
		k.kept = append(k.kept, kp)
		heap.Fix(&k.kept, len(k.kept)-1)
	case k.kept.before(0, kp):
		k.kept[0] = kp // the oldest kept post goes
		heap.Fix(&k.kept, 0)
	}
}

// expect makes room for n more items, as far as the cap keeps them.
func (k *keeper) expect(n int) {
	if room := min(n, k.max-len(k.kept)); room > 0 {
		k.kept = slices.Grow(k.kept, room)
	}
}

// reset forgets everything offered.
func (k *keeper) reset() {
	*k = *newKeeper(k.max)
}

// result returns the kept posts in document order, the number of distinct items offered,
// how many of them were left out by the cap, and how many repeated keys were dropped.
func (k *keeper) result() (posts []models.Post, items, capped, dropped int) {
	if k.anchored {
		k.dropped += k.looseN
		k.n -= k.looseN
	} else {
		for _, kp := range k.loose {
			k.keep(kp)
		}
	}
	k.loose = nil
	kept := []keptPost(k.kept)
	slices.SortFunc(kept, func(a, b keptPost) int { return a.idx - b.idx })
	if len(kept) > 0 {
		posts = make([]models.Post, len(kept))
		for i := range kept {
			posts[i] = kept[i].post
		}
	}
	return posts, k.n, k.n - len(kept), k.dropped
}

type keptPost struct {
	post models.Post
	idx  int // position among the distinct items of the document
}

// keptHeap is a min-heap whose root is the post to leave out first: the oldest, and of
// equal dates the latest in the document.
type keptHeap []keptPost

func (h keptHeap) Len() int           { return len(h) }
func (h keptHeap) Less(i, j int) bool { return evictFirst(h[i], h[j]) }
func (h keptHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *keptHeap) Push(x any)        { *h = append(*h, x.(keptPost)) }
func (h *keptHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// before reports whether kept post i goes before p.
func (h keptHeap) before(i int, p keptPost) bool { return evictFirst(h[i], p) }

// evictFirst reports whether a is left out before b.
func evictFirst(a, b keptPost) bool {
	if !a.post.PublishedAt.Equal(b.post.PublishedAt) {
		return a.post.PublishedAt.Before(b.post.PublishedAt)
	}
	return a.idx > b.idx
}

// chunk gathers items (byte ranges of the document) sharing one context, the start and
// end tags of their ancestors, and reads them through gofeed together.
type chunk struct {
	open, close []byte   // context (XML: ancestors' start tags, their end tags; JSON: `{…"items":[`, `]}`)
	ctx         int64    // identity of the context
	items       [][]byte // slices of the document
	bytes, tags int
	buf         []byte // reused document buffer
}

// full reports whether adding an item of n bytes and tags parser work would take the
// chunk over its bounds (a chunk always takes at least one item).
func (c *chunk) full(lim parseLimits, n, tags int) bool {
	return len(c.items) > 0 && (len(c.items) >= lim.chunkItems || c.bytes+n > lim.chunkBytes || c.tags+tags > lim.maxTags)
}

// reader converts the items of the chunks of one document into posts.
type reader struct {
	base    *url.URL
	now     time.Time
	nuke    bool
	jsonDoc bool
	k       *keeper
	skipped int
}

// read parses the chunk's items, falling back to one at a time when the chunk as a whole
// cannot be read, so one broken item does not lose its neighbours.
func (r *reader) read(c *chunk) {
	if len(c.items) == 0 {
		return
	}
	if items, err := r.parse(c, c.items); err == nil {
		r.offer(items)
	} else {
		for _, it := range c.items {
			items, err := r.parse(c, [][]byte{it})
			if err != nil {
				r.skipped++
				continue
			}
			r.offer(items)
		}
	}
	c.items, c.bytes, c.tags = c.items[:0], 0, 0
}

func (r *reader) offer(items []*gofeed.Item) {
	for _, it := range items {
		if it != nil {
			r.k.add(itemPost(it, r.base, r.now, r.nuke))
		}
	}
}

// parse wraps items in the chunk's context and reads them: directly when they are plain
// RSS (directRSS), else with gofeed.
func (r *reader) parse(c *chunk, items [][]byte) ([]*gofeed.Item, error) {
	b := append(c.buf[:0], c.open...)
	for i, it := range items {
		if r.jsonDoc && i > 0 {
			b = append(b, ',')
		}
		b = append(b, it...)
	}
	b = append(b, c.close...)
	c.buf = b
	if !r.jsonDoc {
		if f, ok := directRSS(b); ok && len(f.Items) > 0 {
			return f.Items, nil // the common shape, read as parseBody reads it
		}
	}
	f, err := newFeedParser().Parse(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return f.Items, nil
}

const xmlDecl = `<?xml version="1.0" encoding="utf-8"?>`

// maxDepth bounds the nesting the scan follows (its stack would otherwise grow with a
// document of nothing but start tags); no feed nests anywhere near this deep.
const maxDepth = 512

// xmlElem is an open element of the scan.
type xmlElem struct {
	name  xml.Name // as written: Space is the prefix
	lower string   // lower-case local name
	start int64
	kind  uint8
}

const (
	elemOther uint8 = iota
	elemItem
	elemMeta
)

// xmlMeta is a feed-level element kept for the feed's title, link and generator.
type xmlMeta struct {
	raw       []byte
	inChannel bool
}

// streamXML reads a cleaned XML document (cleanXML) in chunks. An RSS or Atom item is an
// <item> or <entry> child of the root, or of a <channel> child of the root, whatever the
// prefix or case, as gofeed reads them; gofeed then decides what each one is. The scan
// follows encoding/xml's non-strict rules (an end tag closes the open elements up to the
// one it names) and stops at the root's end; a syntax error or a truncation ends it, with
// the complete items before it read and the result marked Recovered.
func streamXML(doc []byte, base *url.URL, now time.Time, lim parseLimits, k *keeper) (ParsedFeed, error) {
	out, nuke, err := scanXML(doc, base, now, lim, k, false)
	if err == nil && nuke {
		// The generator came after the items, which were read without NukeViet's date fix.
		k.reset()
		out, _, err = scanXML(doc, base, now, lim, k, true)
	}
	return out, err
}

// scanXML is one pass of streamXML, reading items with the NukeViet date fix when nuke is
// set or the generator seen before the first item says so. It reports whether the feed's
// generator (from the whole document) is NukeViet while items were read without the fix.
func scanXML(doc []byte, base *url.URL, now time.Time, lim parseLimits, k *keeper, nuke bool) (ParsedFeed, bool, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = false
	r := &reader{base: base, now: now, nuke: nuke, k: k}
	var (
		stack               []xmlElem
		rootOpen, rootClose []byte
		chanOpen, chanClose []byte
		chanID              int64 = -1
		capStart            int64 = -1 // start of the open item or meta element
		capTags             int
		meta                []xmlMeta
		titles, gens, links [2]int // meta elements kept, per level (root, channel)
		c                   chunk
		nukeChosen          bool
		broken              bool
		scanErr             error
	)
	// readChunk reads the gathered items, after settling the NukeViet fix from the
	// feed-level elements seen so far (they normally come before the items).
	readChunk := func() {
		if len(c.items) == 0 {
			return
		}
		if !nukeChosen {
			nukeChosen = true
			if !r.nuke {
				if f, err := parseXMLMeta(rootOpen, rootClose, chanOpen, chanClose, meta); err == nil {
					r.nuke = isNukeViet(f.Generator)
				}
			}
		}
		r.read(&c)
	}
	closeElem := func(e xmlElem, end int64) {
		switch e.kind {
		case elemItem:
			tags := capTags
			capStart = -1
			if tags > lim.maxTags {
				r.skipped++
				return
			}
			raw := doc[e.start:end]
			inChannel := len(stack) == 2 // the item's parent is a <channel>
			ctx := int64(-1)
			if inChannel {
				ctx = chanID
			}
			if c.ctx != ctx || c.full(lim, len(raw), tags) {
				readChunk()
			}
			if len(c.items) == 0 {
				c.ctx = ctx
				c.open = append(append(c.open[:0], xmlDecl...), rootOpen...)
				c.close = c.close[:0]
				if inChannel {
					c.open = append(c.open, chanOpen...)
					c.close = append(c.close, chanClose...)
				}
				c.close = append(c.close, rootClose...)
			}
			c.items = append(c.items, raw)
			c.bytes += len(raw)
			c.tags += tags
		case elemMeta:
			tags := capTags
			capStart = -1
			level := 0
			if len(stack) == 2 {
				level = 1
			}
			var n *int
			max := 1
			switch e.lower {
			case "title":
				n = &titles[level]
			case "generator":
				n = &gens[level]
			default:
				n, max = &links[level], 8
			}
			if *n < max && tags <= lim.maxTags {
				*n++
				meta = append(meta, xmlMeta{raw: doc[e.start:end], inChannel: level == 1})
			}
		}
	}
scan:
	for {
		off := dec.InputOffset()
		tok, err := dec.RawToken()
		if err != nil {
			if err != io.EOF || len(stack) > 0 {
				broken, scanErr = true, err
			}
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth := len(stack)
			if depth >= maxDepth {
				broken, scanErr = true, fmt.Errorf("elements nested more than %d deep", maxDepth)
				break scan
			}
			e := xmlElem{name: t.Name, lower: strings.ToLower(t.Name.Local), start: off}
			feedLevel := depth == 1 || depth == 2 && stack[1].lower == "channel"
			switch {
			case capStart >= 0:
				capTags++
			case depth == 0:
				rootOpen, rootClose = startTag(t), endTag(t.Name)
			case depth == 1 && e.lower == "channel":
				chanOpen, chanClose, chanID = startTag(t), endTag(t.Name), off
				// gofeed keeps the last channel's title, link and generator.
				meta = slices.DeleteFunc(meta, func(m xmlMeta) bool { return m.inChannel })
				titles[1], gens[1], links[1] = 0, 0, 0
			case feedLevel && (e.lower == "item" || e.lower == "entry"):
				e.kind, capStart, capTags = elemItem, off, 0
			case feedLevel && (e.lower == "title" || e.lower == "link" || e.lower == "generator"):
				e.kind, capStart, capTags = elemMeta, off, 0
			}
			stack = append(stack, e)
		case xml.EndElement:
			end := dec.InputOffset()
			// An end tag naming no open element closes them all, the root included, which
			// ends the document for gofeed as well.
			for len(stack) > 0 {
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if top.name.Local == t.Name.Local && top.name.Space != t.Name.Space {
					broken, scanErr = true, fmt.Errorf("element <%s> closed by </%s:%s>", top.name.Local, t.Name.Space, t.Name.Local)
					break scan
				}
				closeElem(top, end)
				if top.name.Local == t.Name.Local {
					break
				}
			}
			if len(stack) == 0 {
				break scan // the root's end: gofeed reads no further
			}
		}
	}
	if rootOpen == nil {
		if scanErr == nil {
			scanErr = errors.New("no root element")
		}
		return ParsedFeed{}, false, fmt.Errorf("XML: %w", scanErr)
	}
	readChunk()
	f, err := parseXMLMeta(rootOpen, rootClose, chanOpen, chanClose, meta)
	if err != nil {
		return ParsedFeed{}, false, fmt.Errorf("XML: %w", err)
	}
	if broken && k.n == 0 && r.skipped == 0 {
		return ParsedFeed{}, false, fmt.Errorf("XML: %w", scanErr)
	}
	out := feedMeta(f, base)
	out.Recovered = broken
	out.Skipped = r.skipped
	return out, isNukeViet(out.Generator) && !r.nuke && k.n > 0, nil
}

// parseXMLMeta reads the feed-level elements inside their ancestors.
func parseXMLMeta(rootOpen, rootClose, chanOpen, chanClose []byte, meta []xmlMeta) (*gofeed.Feed, error) {
	b := append([]byte(xmlDecl), rootOpen...)
	if chanOpen != nil {
		b = append(b, chanOpen...)
		for _, m := range meta {
			if m.inChannel {
				b = append(b, m.raw...)
			}
		}
		b = append(b, chanClose...)
	}
	for _, m := range meta {
		if !m.inChannel {
			b = append(b, m.raw...)
		}
	}
	b = append(b, rootClose...)
	return newFeedParser().Parse(bytes.NewReader(b))
}

// Attributes kept on a re-written ancestor start tag: namespace declarations first, then
// others while the tag stays short (a root's attributes do not matter to the items but a
// hostile one must not be copied into every chunk).
const (
	maxAttrValue = 1024
	maxStartTag  = 4096
)

// startTag re-writes a start tag from its raw token.
func startTag(t xml.StartElement) []byte {
	b := append([]byte{'<'}, qname(t.Name)...)
	isNS := func(a xml.Attr) bool { return a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" }
	for _, ns := range []bool{true, false} {
		for _, a := range t.Attr {
			if isNS(a) != ns || len(a.Value) > maxAttrValue || len(b) > maxStartTag {
				continue
			}
			b = append(b, ' ')
			b = append(b, qname(a.Name)...)
			b = append(b, '=', '"')
			var esc bytes.Buffer
			_ = xml.EscapeText(&esc, []byte(a.Value))
			b = append(b, esc.Bytes()...)
			b = append(b, '"')
		}
	}
	return append(b, '>')
}

func endTag(n xml.Name) []byte { return append(append([]byte("</"), qname(n)...), '>') }

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// jsonSkip takes any JSON value without decoding it.
type jsonSkip struct{}

func (*jsonSkip) UnmarshalJSON([]byte) error { return nil }

// jsonMetaKeys are the top-level members of a JSON Feed kept for the feed's metadata.
var jsonMetaKeys = map[string]bool{"version": true, "title": true, "home_page_url": true, "feed_url": true}

// streamJSON reads a JSON Feed's items a chunk at a time with encoding/json's streaming
// decoder; each chunk is read as {"version":…,"items":[…]}. A syntax error or truncation
// ends the scan, with the complete items before it read and the result marked Recovered.
func streamJSON(doc []byte, base *url.URL, now time.Time, lim parseLimits, k *keeper) (ParsedFeed, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return ParsedFeed{}, fmt.Errorf("JSON Feed: not a JSON object")
	}
	r := &reader{base: base, now: now, k: k, jsonDoc: true}
	var (
		meta    []byte // `"key":value,` of the kept top-level members
		version []byte
		c       chunk
		broken  bool
		scanErr error
	)
	c.close = []byte("]}")
	// value returns the raw bytes of the next value.
	value := func() ([]byte, error) {
		before := dec.InputOffset()
		if err := dec.Decode(&jsonSkip{}); err != nil {
			return nil, err
		}
		return bytes.TrimLeft(doc[before:dec.InputOffset()], " \t\r\n,:"), nil
	}
scan:
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			broken, scanErr = true, err
			break
		}
		key, _ := tok.(string)
		if key != "items" {
			v, err := value()
			if err != nil {
				broken, scanErr = true, err
				break
			}
			if jsonMetaKeys[key] && len(v) <= 1<<20 {
				kb, _ := json.Marshal(key)
				meta = append(append(append(meta, kb...), ':'), v...)
				meta = append(meta, ',')
				if key == "version" {
					version = v
				}
			}
			continue
		}
		tok, err = dec.Token()
		if err != nil {
			broken, scanErr = true, err
			break
		}
		if tok == nil { // "items": null
			continue
		}
		if tok != json.Delim('[') {
			return ParsedFeed{}, fmt.Errorf("JSON Feed: items is not a list")
		}
		for dec.More() {
			raw, err := value()
			if err != nil {
				broken, scanErr = true, err
				break scan
			}
			tags := structures(raw, true)
			if tags > lim.maxTags {
				r.skipped++
				continue
			}
			if c.full(lim, len(raw), tags) {
				r.read(&c)
			}
			if len(c.items) == 0 {
				c.open = append(c.open[:0], '{')
				if version != nil {
					c.open = append(append(c.open, `"version":`...), version...)
					c.open = append(c.open, ',')
				}
				c.open = append(c.open, `"items":[`...)
			}
			c.items = append(c.items, raw)
			c.bytes += len(raw)
			c.tags += tags
		}
		if _, err := dec.Token(); err != nil { // ']'
			broken, scanErr = true, err
			break
		}
	}
	r.read(&c)
	if broken && k.n == 0 && r.skipped == 0 {
		return ParsedFeed{}, fmt.Errorf("JSON Feed: %w", scanErr)
	}
	f, err := newFeedParser().Parse(bytes.NewReader(append(append([]byte{'{'}, bytes.TrimSuffix(meta, []byte{','})...), '}')))
	if err != nil {
		return ParsedFeed{}, fmt.Errorf("JSON Feed: %w", err)
	}
	out := feedMeta(f, base)
	out.Recovered = broken
	out.Skipped = r.skipped
	return out, nil
}
