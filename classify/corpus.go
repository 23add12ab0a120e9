package classify

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"strings"

	"tintot/models"
)

// corpusTrain is the training part of the labelled corpus: real posts written by others
// (Đoàn unit sites, provincial and youth newspapers), each with its source URL, labelled
// with the four kinds and a short reason.
//
//go:embed corpus/train.tsv
var corpusTrain []byte

// corpusHeldOut is the held-out part: a fixed quarter of the corpus (by a hash of the
// URL, see internal/splitcorpus) that is never trained on and never used to choose
// anything. It is embedded only to report how a model does on it.
//
//go:embed corpus/heldout.tsv
var corpusHeldOut []byte

// CorpusItem is one labelled post of the corpus.
type CorpusItem struct {
	Kind   models.Kind
	Title  string
	Lead   string
	URL    string
	Reason string // why the labeller chose the kind
	By     string // who labelled it
}

// Example is the item as a training example.
func (c CorpusItem) Example() Example {
	return Example{Kind: c.Kind, Title: c.Title, Summary: c.Lead, Source: c.URL}
}

// TrainingCorpus returns the embedded training part of the corpus.
func TrainingCorpus() []CorpusItem {
	items, err := ReadCorpus(bytes.NewReader(corpusTrain))
	if err != nil {
		// The embedded file is checked by the tests; reaching this is a build defect.
		panic("classify: embedded corpus is invalid: " + err.Error())
	}
	return items
}

// corpusSize is the number of posts in the training part (its lines but the header).
func corpusSize() int {
	return bytes.Count(bytes.TrimRight(corpusTrain, "\n"), []byte("\n"))
}

// HeldOutCorpus returns the embedded held-out part of the corpus.
func HeldOutCorpus() []CorpusItem {
	items, err := ReadCorpus(bytes.NewReader(corpusHeldOut))
	if err != nil {
		panic("classify: embedded held-out corpus is invalid: " + err.Error())
	}
	return items
}

// ReadCorpus reads a corpus TSV: a header line, then kind, title, lead, url, reason and
// by, separated by tabs. A row with an unknown kind or without a title or URL is an error
// naming its line.
func ReadCorpus(r io.Reader) ([]CorpusItem, error) {
	var out []CorpusItem
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") || (n == 1 && strings.HasPrefix(line, "kind\t")) {
			continue
		}
		col := strings.Split(line, "\t")
		if len(col) != 6 {
			return nil, fmt.Errorf("line %d: %d columns, want 6 (kind, title, lead, url, reason, by)", n, len(col))
		}
		it := CorpusItem{Kind: models.Kind(col[0]), Title: col[1], Lead: col[2], URL: col[3], Reason: col[4], By: col[5]}
		if !it.Kind.Valid() || it.Title == "" || it.URL == "" {
			return nil, fmt.Errorf("line %d: needs a known kind, a title and a URL", n)
		}
		out = append(out, it)
	}
	return out, sc.Err()
}

// DefaultModel is the model trained on the embedded corpus alone (an installation adds
// its reviewers' decisions; see TrainModel).
func DefaultModel() *Model {
	items := TrainingCorpus()
	ex := make([]Example, len(items))
	for i, it := range items {
		ex[i] = it.Example()
	}
	return Train(ex)
}
