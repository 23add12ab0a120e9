// Command genmodel fits the classification model on the embedded training corpus and
// writes it in tintot's model format, for embedding (go generate ./classify).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"tintot/classify"
)

func main() {
	out := flag.String("o", "model.bin.gz", "file to write")
	flag.Parse()
	m := classify.DefaultModel()
	var b bytes.Buffer
	if err := classify.EncodeModel(&b, m); err != nil {
		fmt.Fprintln(os.Stderr, "genmodel:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genmodel:", err)
		os.Exit(1)
	}
	n, _ := m.Size()
	fmt.Printf("genmodel: %s, model %s of %d posts, %d bytes\n", *out, m.Version(), n, b.Len())
}
