// Package web holds tintot's embedded templates, static assets and the OpenAPI document.
package web

import _ "embed"

// OpenAPI is the OpenAPI 3 document of /api/v1, served at /api/openapi.json.
//
//go:embed openapi.json
var OpenAPI []byte
