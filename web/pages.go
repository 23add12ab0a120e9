package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
)

// Templates holds the server-rendered page templates (templates/*.html). The layout
// defines the page frame; each page file defines a "content" block.
//
//go:embed templates/*.html
var Templates embed.FS

// Static holds the pages' stylesheet and script (static/*), served under /static/.
//
//go:embed static/*
var Static embed.FS

// AssetVersion is a short hash of the static files, added to their links (?v=) so a
// browser fetches them again after an upgrade and may cache them until then.
var AssetVersion = func() string {
	h := sha256.New()
	_ = fs.WalkDir(Static, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := Static.ReadFile(path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}()
