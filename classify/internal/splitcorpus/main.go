// Command splitcorpus adds labelled posts to the classification corpus: it reads TSV
// files of kind, title, lead, url and reason, drops rows with an unknown kind, no title
// or no URL and URLs already in the corpus, and appends each new row to the training
// part (classify/corpus/train.tsv) or the held-out part (classify/corpus/heldout.tsv)
// by a hash of its URL: a quarter is held out, always the same quarter, so an item never
// moves between the parts and the held-out part is never used to train or tune.
//
//	go run ./classify/internal/splitcorpus -by NAME FILE.tsv...
package main

import (
	"bufio"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"strings"
)

const header = "kind\ttitle\tlead\turl\treason\tby"

var kinds = map[string]bool{"good_news": true, "story": true, "ideology": true, "other": true}

func main() {
	train := flag.String("train", "classify/corpus/train.tsv", "training part")
	held := flag.String("heldout", "classify/corpus/heldout.tsv", "held-out part")
	by := flag.String("by", "", "who labelled the input rows (kept in the by column)")
	flag.Parse()
	if flag.NArg() == 0 || *by == "" {
		fmt.Fprintln(os.Stderr, "usage: splitcorpus -by NAME FILE.tsv...")
		os.Exit(2)
	}
	seen := map[string]bool{}
	for _, p := range []string{*train, *held} {
		for _, row := range readRows(p) {
			seen[row[3]] = true
		}
	}
	var toTrain, toHeld []string
	skipped := 0
	for _, in := range flag.Args() {
		for _, row := range readRows(in) {
			kind, title, url := strings.TrimSpace(row[0]), strings.TrimSpace(row[1]), strings.TrimSpace(row[3])
			if !kinds[kind] || title == "" || url == "" || seen[url] {
				skipped++
				continue
			}
			seen[url] = true
			line := strings.Join([]string{kind, title, strings.TrimSpace(row[2]), url, strings.TrimSpace(row[4]), *by}, "\t")
			if sum := sha256.Sum256([]byte(url)); sum[0] < 64 {
				toHeld = append(toHeld, line)
			} else {
				toTrain = append(toTrain, line)
			}
		}
	}
	appendRows(*train, toTrain)
	appendRows(*held, toHeld)
	fmt.Printf("added %d to %s, %d to %s, skipped %d\n", len(toTrain), *train, len(toHeld), *held, skipped)
}

// readRows reads a TSV file's data rows (header and comment lines skipped), each padded
// to five fields; a missing file has none.
func readRows(path string) [][]string {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "kind\t") {
			continue
		}
		cols := strings.Split(line, "\t")
		for len(cols) < 5 {
			cols = append(cols, "")
		}
		out = append(out, cols)
	}
	return out
}

func appendRows(path string, rows []string) {
	if len(rows) == 0 {
		return
	}
	_, err := os.Stat(path)
	fresh := os.IsNotExist(err)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	if fresh {
		fmt.Fprintln(w, header)
	}
	for _, r := range rows {
		fmt.Fprintln(w, r)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
