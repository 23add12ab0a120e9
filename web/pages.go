package web

import "embed"

// Templates holds the server-rendered page templates (templates/*.html). The layout
// defines the page frame; each page file defines a "content" block.
//
//go:embed templates/*.html
var Templates embed.FS
