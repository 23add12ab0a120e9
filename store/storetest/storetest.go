// Package storetest is the contract suite of store.Store: the single description of
// storage behaviour that every backend (store/sqlite, store/mongo) must pass.
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// Opener returns a fresh, empty store for one subtest and registers its own cleanup.
type Opener func(t *testing.T) store.Store

// Run runs every contract subtest against stores produced by open. Each subtest calls
// open once for a fresh, empty store.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	groups := []struct {
		name string
		run  func(t *testing.T, open Opener)
	}{
		{"Units", testUnits},
		{"Registry", testRegistry},
		{"Feeds", testFeeds},
		{"Outages", testOutages},
		{"Observation", testObservation},
		{"Proposals", testProposals},
		{"ModelFields", testModelFields},
		{"Posts", testPosts},
		{"WalkPosts", testWalkPosts},
		{"Counts", testCounts},
		{"Evaluations", testEvaluations},
		{"Alerts", testAlerts},
		{"Users", testUsers},
		{"Audit", testAudit},
		{"Leases", testLeases},
		{"Settings", testSettings},
		{"Trends", testTrends},
		{"Bulletin", testBulletin},
		{"Tags", testTags},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { g.run(t, open) })
	}
}

// base is a fixed instant, already truncated to milliseconds (MongoDB keeps ms only).
var base = time.Date(2026, 11, 27, 3, 4, 5, 678_000_000, time.UTC)

func ctx(t *testing.T) context.Context { return t.Context() }

func ptr[T any](v T) *T { return &v }

func mustNil(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: unexpected error: %v", what, err)
	}
}

func mustIs(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: error = %v, want errors.Is(%v)", what, err, want)
	}
}

func sameTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %s, want %s", what, got.UTC().Format(time.RFC3339Nano), want.UTC().Format(time.RFC3339Nano))
	}
}

func sameTimePtr(t *testing.T, what string, got, want *time.Time) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v, want %v", what, got, want)
	default:
		sameTime(t, what, *got, *want)
	}
}

func unit(code, parent string, kind models.UnitKind) models.Unit {
	return models.Unit{
		Code: code, Name: "Đoàn " + code, Kind: kind, ParentCode: parent,
		Emails: []string{code + "@doan.vn"}, CreatedAt: base, UpdatedAt: base,
	}
}

func createUnits(t *testing.T, s store.Store, us ...models.Unit) {
	t.Helper()
	for _, u := range us {
		mustNil(t, "CreateUnit "+u.Code, s.CreateUnit(ctx(t), u))
	}
}

func codes(us []models.Unit) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Code
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
