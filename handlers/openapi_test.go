package handlers

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"tintot/web"
)

// TestOpenAPIMatchesRoutes: every registered /api route is documented in web/openapi.json
// and every documented route exists.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(web.OpenAPI, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	param := regexp.MustCompile(`:([a-z_]+)`)
	registered := map[string]bool{}
	e := newEnv(t)
	for _, r := range e.app.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/") || r.Method == "HEAD" {
			continue
		}
		registered[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
	}
	var missing, stale []string
	for k := range registered {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !registered[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("routes not documented in web/openapi.json: %v", missing)
	}
	if len(stale) > 0 {
		t.Errorf("documented routes that do not exist: %v", stale)
	}
	if len(registered) < 20 {
		t.Fatalf("only %d API routes registered; the route table looks wrong", len(registered))
	}
}
