package classify

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"tintot/models"
)

// Example is one labelled post the model learns from: a corpus item written by others,
// or a reviewer's decision on this installation's posts.
type Example struct {
	Kind    models.Kind
	Title   string
	Summary string
	Source  string // the post's URL, or who decided ("reviewer:…"), for tracing
}

// Model is a multinomial naive Bayes classifier over the syllables of a post's title and
// lead: unigrams and bigrams, each both as written (lower case, diacritics kept) and
// with diacritics folded, so "Cô giáo" and "co giao" share evidence but "bản" (village)
// and "bán" (sell) keep theirs apart. Title features count twice. It is immutable after
// Train and safe for concurrent use.
type Model struct {
	logPrior [nKinds]float64
	// logLik maps a feature hash to its log-likelihood under each kind; features never
	// seen in training are absent (they carry no evidence) and are skipped.
	logLik  *ftable
	surface map[uint64]string // a readable form of each feature, for explanations
	version string
	lr      bool // logLik and logPrior are logistic regression weights and biases
	n       int
	counts  [nKinds]int
}

// nKinds is the number of post kinds (models.Kinds order).
const nKinds = 4

// smoothing is the additive (Lidstone) smoothing of feature counts. Chosen by
// cross-validation on the training part only, never on the held-out part (with
// titleWeight, again when the training part grew to 1,295 posts).
var smoothing = 0.75

// titleWeight is how many times a title feature counts.
var titleWeight = 2.0

// temperature scales the softmax of the log-likelihoods: divided by temperature ×
// √(features), so confidence does not reach 1.0 merely because a post is long.
// Calibrated by cross-validation on the training part (log loss), never on the held-out.
var temperature = 2.0

// minDocs is how many training posts a feature must appear in to be kept.
var minDocs int32 = 1

// foldedBigrams adds the diacritic-free form of each bigram.
var foldedBigrams = true

// binary counts each feature once per post (presence, not frequency).
var binary = true

// logistic replaces the naive Bayes weights by a multinomial logistic regression fitted
// on the same features (the naive Bayes weights as its starting point).
var logistic = true

// kindBias is added to each kind's score of the logistic regression (models.Kinds
// order). Story's is chosen by cross-validation on the training part (never the held-out
// part) to balance story precision and recall, which the campaign needs both of (a story
// counted wrongly hides a unit's weekly shortfall; one missed sends a false one): at 0
// they were 0.835 / 0.906, at -0.2 0.850 / 0.878, accuracy 0.880 → 0.878.
var kindBias = [nKinds]float64{0, -0.2, 0, 0}

// Logistic regression settings: L2 penalty, epochs and step size of the AdaGrad fit.
var (
	lrLambda = 1e-4
	lrEpochs = 30
	lrStep   = 0.1
	lrTemp   = 1.0
)

// Train fits a model. Examples with an unknown kind are ignored. The version is a hash of
// the training set, so the same examples always give the same version.
func Train(examples []Example) *Model {
	m := &Model{surface: map[uint64]string{}}
	// Feature hash → index into acc: no per-feature allocation, so training a start-up's
	// model leaves little garbage behind.
	index := map[uint64]int32{}
	type accum struct {
		c  [nKinds]float32
		df int32
	}
	var acc []accum
	var hashes []uint64
	var totals [nKinds]float64
	h := sha256.New()
	var feats []feature
	var texts []string
	seen := map[uint64]bool{}
	for _, ex := range examples {
		k := kindIndex(ex.Kind)
		if k < 0 {
			continue
		}
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", ex.Kind, ex.Title, ex.Summary)
		m.counts[k]++
		m.n++
		texts = texts[:0]
		feats = features(feats[:0], ex.Title, ex.Summary, &texts)
		clear(seen)
		for i, f := range feats {
			if binary {
				if seen[f.hash] {
					continue // the title comes first, so a shared feature keeps its weight
				}
				seen[f.hash] = true
			}
			j, ok := index[f.hash]
			if !ok {
				j = int32(len(acc))
				index[f.hash] = j
				acc = append(acc, accum{})
				hashes = append(hashes, f.hash)
				if f.shown { // only the forms explanations use are kept readable
					m.surface[f.hash] = texts[i]
				}
			}
			acc[j].c[k] += f.weight
			acc[j].df++
			totals[k] += float64(f.weight)
		}
	}
	vocab := float64(len(acc))
	for k := 0; k < nKinds; k++ {
		// Priors are smoothed too, so a kind absent from the examples is unlikely, not impossible.
		m.logPrior[k] = math.Log((float64(m.counts[k]) + 1) / (float64(m.n) + nKinds))
	}
	kept := 0
	for _, a := range acc {
		if a.df >= minDocs {
			kept++
		}
	}
	m.logLik = newFtable(kept)
	for j, a := range acc {
		hsh := hashes[j]
		if a.df < minDocs {
			delete(m.surface, hsh)
			continue // seen in too few posts: noise more than evidence
		}
		var ll [nKinds]float32
		for k := 0; k < nKinds; k++ {
			ll[k] = float32(math.Log((float64(a.c[k]) + smoothing) / (totals[k] + smoothing*vocab)))
		}
		m.logLik.put(hsh, ll)
	}
	if logistic {
		m.fitLogistic(examples, index, hashes, acc2df(acc, func(a accum) int32 { return a.df }))
	}
	m.version = hex.EncodeToString(h.Sum(nil))[:12]
	return m
}

// Version identifies the training set; "" for a nil model.
func (m *Model) Version() string {
	if m == nil {
		return ""
	}
	return m.version
}

// Size is the number of examples the model was trained on, per kind in models.Kinds order.
func (m *Model) Size() (int, [nKinds]int) { return m.n, m.counts }

// Prediction is the model's verdict on a post.
type Prediction struct {
	Kind       models.Kind
	Confidence float64  // posterior probability of Kind, 0..1
	Words      []string // the features that weighed most for Kind over the runner-up
}

// scratch is the reusable working memory of one Predict call.
type scratch struct {
	feats []feature
	seen  [setSize]uint64 // open-addressing set of feature hashes, stamped by gen
	gen   [setSize]uint32
	cur   uint32
}

// setSize bounds the distinct features of one post that are deduplicated (the rest, past
// a full table, are simply counted again); a post has at most a few hundred.
const setSize = 2048

var scratchPool = sync.Pool{New: func() any { return &scratch{feats: make([]feature, 0, 512)} }}

// add reports whether h is new in this call's set, and records it.
func (sc *scratch) add(h uint64) bool {
	i := int(h>>5) & (setSize - 1)
	for probe := 0; probe < 16; probe++ {
		j := (i + probe) & (setSize - 1)
		if sc.gen[j] != sc.cur {
			sc.gen[j], sc.seen[j] = sc.cur, h
			return true
		}
		if sc.seen[j] == h {
			return false
		}
	}
	return true
}

// Predict returns the most likely kind of a post with its posterior probability and the
// words that weighed most. The naive Bayes log-likelihoods are divided by temperature
// times the square root of the number of features before the softmax, so confidence does
// not reach 1.0 merely because a post is long.
func (m *Model) Predict(title, summary string) Prediction {
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	sc.cur++
	if sc.cur == 0 { // wrapped: forget every stamp
		sc.gen = [setSize]uint32{}
		sc.cur = 1
	}
	sc.feats = features(sc.feats[:0], title, summary, nil)
	// Presence features: the title is scanned first, so a feature seen in both keeps the
	// title's weight.
	kept := sc.feats[:0]
	for _, f := range sc.feats {
		if !binary || sc.add(f.hash) {
			kept = append(kept, f)
		}
	}
	sc.feats = kept
	var score [nKinds]float64
	score = m.logPrior
	n := 0.0
	for i := range kept {
		f := &kept[i]
		ll, ok := m.logLik.get(f.hash)
		if !ok {
			f.weight = 0 // unknown: no evidence, and never an explanation
			continue
		}
		w := float64(f.weight)
		n += w
		for k := 0; k < nKinds; k++ {
			score[k] += w * float64(ll[k])
		}
		f.ll = ll
	}
	if m.lr && n > 0 {
		var norm2 float64
		for i := range kept {
			if kept[i].weight != 0 {
				norm2 += float64(kept[i].weight) * float64(kept[i].weight)
			}
		}
		inv := 1 / math.Sqrt(norm2)
		score = m.logPrior
		for i := range kept {
			f := &kept[i]
			if f.weight == 0 {
				continue
			}
			for k := 0; k < nKinds; k++ {
				score[k] += float64(f.weight) * inv * float64(f.ll[k])
			}
		}
	}
	if m.lr {
		for k := range score {
			score[k] += kindBias[k]
		}
	}
	best, second := 0, 1
	for k := 1; k < nKinds; k++ {
		if score[k] > score[best] {
			second, best = best, k
		} else if k != best && score[k] > score[second] {
			second = k
		}
	}
	if second == best {
		second = (best + 1) % nKinds
	}
	temp := temperature * math.Sqrt(math.Max(n, 1))
	if m.lr {
		temp = lrTemp
	}
	var sum float64
	for k := 0; k < nKinds; k++ {
		sum += math.Exp((score[k] - score[best]) / temp)
	}
	p := Prediction{Kind: models.Kinds[best], Confidence: 1 / sum}
	if n == 0 { // nothing the model knows: no evidence at all
		p.Confidence = 0
		return p
	}
	p.Words = m.topWords(kept, best, second, 3)
	return p
}

// topWords returns up to n distinct readable features that favour kind a over kind b most.
func (m *Model) topWords(feats []feature, a, b, n int) []string {
	type cand struct {
		hash uint64
		gain float32
	}
	var top [8]cand // the best few, by gain
	nt := 0
	for _, f := range feats {
		if f.weight == 0 || !f.shown {
			continue
		}
		g := f.weight * (f.ll[a] - f.ll[b])
		if g <= 0 {
			continue
		}
		if nt < len(top) {
			top[nt] = cand{f.hash, g}
			nt++
		} else if g > top[nt-1].gain {
			top[nt-1] = cand{f.hash, g}
		} else {
			continue
		}
		for i := nt - 1; i > 0 && (top[i].gain > top[i-1].gain || top[i].gain == top[i-1].gain && top[i].hash < top[i-1].hash); i-- {
			top[i], top[i-1] = top[i-1], top[i]
		}
	}
	var out []string
	for _, c := range top[:nt] {
		if len(out) == n {
			break
		}
		text := m.surface[c.hash]
		dup := text == ""
		for _, o := range out {
			if strings.Contains(o, text) || strings.Contains(text, o) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, text)
		}
	}
	return out
}

// kindIndex is the position of k in models.Kinds, -1 if unknown.
func kindIndex(k models.Kind) int {
	for i, x := range models.Kinds {
		if x == k {
			return i
		}
	}
	return -1
}

// feature is one hashed feature of a post.
type feature struct {
	hash   uint64
	ll     [nKinds]float32 // its log-likelihoods, filled by Predict
	weight float32
	shown  bool // a diacritics-kept feature, the form explanations use
}

// maxModelRunes caps how much of the title and of the summary the model reads: the
// corpus leads are at most 300 characters, so longer summaries are read as far as the
// model was taught to.
const maxModelRunes = 300

// features appends the features of a post: syllable unigrams and bigrams of the title
// (weight titleWeight) and summary (weight 1), as written (lower case) and folded. With
// keepText the readable form of each feature is kept (training); otherwise none is built
// and nothing is allocated.
func features(dst []feature, title, summary string, texts *[]string) []feature {
	dst = appendFeatures(dst, title, float32(titleWeight), texts)
	return appendFeatures(dst, summary, 1, texts)
}

// FNV-1a parameters.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// tokenState accumulates one syllable while scanning.
type tokenState struct {
	kept, fold uint64 // FNV-1a of the lower-case and of the folded bytes
	n          int    // bytes seen
	start      int    // byte offset of the syllable in the text (for keepText)
}

func appendFeatures(dst []feature, text string, weight float32, texts *[]string) []feature {
	keepText := texts != nil
	text = cleanText(text)
	if text == "" {
		return dst
	}
	// Feed and page text is NFC already (the feeds package normalises it); training text
	// is made so here. A decomposed input still matches through its folded features.
	if keepText && !norm.NFC.IsNormalString(text) {
		text = norm.NFC.String(text)
	}
	var (
		tok                tokenState
		prevKept, prevFold uint64
		havePrev           bool
		prevText           string
		runes              int
		buf                [utf8.UTFMax]byte
	)
	tok.kept, tok.fold = fnvOffset, fnvOffset
	emit := func(end int) {
		if tok.n == 0 {
			return
		}
		var kt, ft string
		if keepText {
			kt = strings.ToLower(text[tok.start:end])
			ft = Normalize(kt)
		}
		dst = append(dst, feature{hash: mix('u', tok.kept), weight: weight, shown: true})
		dst = append(dst, feature{hash: mix('f', tok.fold), weight: weight})
		if keepText {
			*texts = append(*texts, kt, ft)
		}
		if havePrev {
			dst = append(dst, feature{hash: mix2('b', prevKept, tok.kept), weight: weight, shown: true})
			if foldedBigrams {
				dst = append(dst, feature{hash: mix2('g', prevFold, tok.fold), weight: weight})
			}
			if keepText {
				*texts = append(*texts, prevText+" "+kt)
				if foldedBigrams {
					*texts = append(*texts, Normalize(prevText+" "+kt))
				}
			}
		}
		prevKept, prevFold, prevText, havePrev = tok.kept, tok.fold, kt, true
		tok = tokenState{kept: fnvOffset, fold: fnvOffset}
	}
	stop := len(text)
	for i := 0; i < len(text); {
		if runes >= maxModelRunes {
			stop = i
			break
		}
		runes++
		r, w := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(text[i:])
		}
		if !isWordRune(r) && !(r >= utf8.RuneSelf && unicode.Is(unicode.Mn, r)) {
			emit(i)
			if r != ' ' && !unicode.IsSpace(r) {
				havePrev = false // punctuation breaks bigrams
			}
			i += w
			continue
		}
		if tok.n == 0 {
			tok.start = i
		}
		// lower case, as written
		lr := r
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				lr = r + 'a' - 'A'
			}
			tok.kept = (tok.kept ^ uint64(lr)) * fnvPrime
		} else {
			if r < tableSize {
				lr = lowerTable[r]
			} else {
				lr = unicode.ToLower(r)
			}
			n := utf8.EncodeRune(buf[:], lr)
			for j := 0; j < n; j++ {
				tok.kept = (tok.kept ^ uint64(buf[j])) * fnvPrime
			}
		}
		// folded
		if r < utf8.RuneSelf {
			tok.fold = (tok.fold ^ uint64(lr)) * fnvPrime
		} else {
			e := foldOf(r)
			switch {
			case e.drop || e.sp:
			case e.s != "":
				for j := 0; j < len(e.s); j++ {
					tok.fold = (tok.fold ^ uint64(e.s[j])) * fnvPrime
				}
			default:
				n := utf8.EncodeRune(buf[:], lr)
				for j := 0; j < n; j++ {
					tok.fold = (tok.fold ^ uint64(buf[j])) * fnvPrime
				}
			}
		}
		tok.n += w
		i += w
	}
	emit(stop)
	return dst
}

// lowerTable is unicode.ToLower for the runes of foldTable's range, looked up instead of
// searched.
var lowerTable = func() []rune {
	t := make([]rune, tableSize)
	for r := range t {
		t[r] = unicode.ToLower(rune(r))
	}
	return t
}()

// mix tags a syllable hash with the feature family.
func mix(tag byte, h uint64) uint64 { return (h ^ uint64(tag)<<56) * fnvPrime }

// mix2 combines two syllable hashes into a bigram hash of a family.
func mix2(tag byte, a, b uint64) uint64 {
	h := (a*31 + b) ^ uint64(tag)<<56
	h ^= h >> 29
	return h * fnvPrime
}

func keep(yes bool, s string) string {
	if yes {
		return s
	}
	return ""
}

// ftable is an open-addressing hash table from feature hashes to log-likelihoods: a
// lookup is a few array reads (key and values side by side, one cache line), several
// times cheaper than a Go map on this hot path.
type ftable struct {
	slots []fslot
	mask  uint64
}

// fslot is one entry; key 0 is empty, stored keys have bit 0 set.
type fslot struct {
	key uint64
	ll  [nKinds]float32
}

func newFtable(n int) *ftable {
	size := 16
	for size*3 < n*4 { // at most three quarters full: 72,000 features fit 131,072 slots (3 MB), not 262,144
		size <<= 1
	}
	return &ftable{slots: make([]fslot, size), mask: uint64(size - 1)}
}

func (t *ftable) put(h uint64, v [nKinds]float32) {
	k := h | 1
	for i := (h >> 7) & t.mask; ; i = (i + 1) & t.mask {
		if t.slots[i].key == 0 || t.slots[i].key == k {
			t.slots[i] = fslot{k, v}
			return
		}
	}
}

func (t *ftable) get(h uint64) ([nKinds]float32, bool) {
	k := h | 1
	for i := (h >> 7) & t.mask; ; i = (i + 1) & t.mask {
		switch s := &t.slots[i]; s.key {
		case k:
			return s.ll, true
		case 0:
			return [nKinds]float32{}, false
		}
	}
}

func acc2df[T any](acc []T, df func(T) int32) []int32 {
	out := make([]int32, len(acc))
	for i, a := range acc {
		out[i] = df(a)
	}
	return out
}

// fitLogistic fits per-kind weights of every kept feature and per-kind biases by
// minimising the cross-entropy of a softmax over bias + Σ weight × feature value, with an
// L2 penalty, by AdaGrad over the examples in a fixed order. The weights replace logLik
// and the biases logPrior.
func (m *Model) fitLogistic(examples []Example, index map[uint64]int32, hashes []uint64, df []int32) {
	type sample struct {
		k     int
		idx   []int32
		value []float32
	}
	var data []sample
	var feats []feature
	seen := map[uint64]bool{}
	for _, ex := range examples {
		k := kindIndex(ex.Kind)
		if k < 0 {
			continue
		}
		feats = features(feats[:0], ex.Title, ex.Summary, nil)
		clear(seen)
		var sm sample
		sm.k = k
		for _, f := range feats {
			if seen[f.hash] {
				continue
			}
			seen[f.hash] = true
			j, ok := index[f.hash]
			if !ok || df[j] < minDocs {
				continue
			}
			sm.idx = append(sm.idx, j)
			sm.value = append(sm.value, f.weight)
		}
		// Normalise by length so long posts do not dominate the fit.
		norm := float32(0)
		for _, v := range sm.value {
			norm += v * v
		}
		if norm > 0 {
			inv := 1 / float32(math.Sqrt(float64(norm)))
			for i := range sm.value {
				sm.value[i] *= inv
			}
		}
		data = append(data, sm)
	}
	nf := len(hashes)
	w := make([][nKinds]float64, nf)
	g2 := make([][nKinds]float64, nf)
	var bias, gb [nKinds]float64
	for e := 0; e < lrEpochs; e++ {
		for _, sm := range data {
			var z [nKinds]float64
			z = bias
			for i, j := range sm.idx {
				for k := 0; k < nKinds; k++ {
					z[k] += w[j][k] * float64(sm.value[i])
				}
			}
			mx := z[0]
			for k := 1; k < nKinds; k++ {
				mx = math.Max(mx, z[k])
			}
			var sum float64
			for k := range z {
				z[k] = math.Exp(z[k] - mx)
				sum += z[k]
			}
			for k := 0; k < nKinds; k++ {
				g := z[k] / sum
				if k == sm.k {
					g--
				}
				gb[k] += g * g
				bias[k] -= lrStep * g / (math.Sqrt(gb[k]) + 1e-8)
				for i, j := range sm.idx {
					gj := g*float64(sm.value[i]) + lrLambda*w[j][k]
					g2[j][k] += gj * gj
					w[j][k] -= lrStep * gj / (math.Sqrt(g2[j][k]) + 1e-8)
				}
			}
		}
	}
	m.logLik = newFtable(nf)
	for j, hsh := range hashes {
		if df[j] < minDocs {
			continue
		}
		var ll [nKinds]float32
		for k := range ll {
			ll[k] = float32(w[j][k])
		}
		m.logLik.put(hsh, ll)
	}
	m.logPrior = bias
	m.lr = true
}
