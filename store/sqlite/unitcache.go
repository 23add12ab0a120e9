package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"

	"tintot/models"
	"tintot/store"
)

// unitCache keeps the whole unit registry in memory. A review of a province reads
// thousands of units that change a few times a year; decoding them row by row cost more
// than the rest of the tree walk. Every read checks registry_version, which triggers bump
// on any unit write by any connection or process, and reloads when it moved.
type unitCache struct {
	mu      sync.Mutex
	version int64
	snap    *unitSnapshot // nil until first loaded
}

// unitSnapshot is the registry at one version. It is never modified once built; callers
// get copies of its units.
type unitSnapshot struct {
	units    []models.Unit    // ordered by code
	index    map[string]int   // code → position in units
	children map[string][]int // parent code → positions of its children, ascending

	subtrees sync.Map // root code → map[string]bool of the root and its descendants (SubtreeCodes)
}

// registry returns the current unit snapshot, loading it if a unit changed since.
func (s *Store) registry(ctx context.Context) (*unitSnapshot, error) {
	var v int64
	if err := s.r.QueryRowContext(ctx, `SELECT version FROM registry_version WHERE id = 1`).Scan(&v); err != nil {
		return nil, fmt.Errorf("sqlite: unable to read the registry version: %w", err)
	}
	c := &s.units
	c.mu.Lock()
	if c.snap != nil && c.version == v {
		snap := c.snap
		c.mu.Unlock()
		return snap, nil
	}
	c.mu.Unlock()
	// Version and units in one read transaction, so they belong together.
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: unable to read units: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT version FROM registry_version WHERE id = 1`).Scan(&v); err != nil {
		return nil, fmt.Errorf("sqlite: unable to read the registry version: %w", err)
	}
	units, err := queryUnits(ctx, tx, `SELECT `+unitCols+` FROM units ORDER BY code`)
	if err != nil {
		return nil, err
	}
	snap := &unitSnapshot{units: units, index: make(map[string]int, len(units)), children: map[string][]int{}}
	for i, u := range units {
		snap.index[u.Code] = i
		if u.ParentCode != "" {
			snap.children[u.ParentCode] = append(snap.children[u.ParentCode], i)
		}
	}
	c.mu.Lock()
	if c.snap == nil || v >= c.version {
		c.snap, c.version = snap, v
	}
	c.mu.Unlock()
	return snap, nil
}

// cloneUnit returns a copy of u sharing no memory with it.
func cloneUnit(u models.Unit) models.Unit {
	u.Emails = slices.Clone(u.Emails)
	if u.ActiveFrom != nil {
		t := *u.ActiveFrom
		u.ActiveFrom = &t
	}
	if u.ActiveTo != nil {
		t := *u.ActiveTo
		u.ActiveTo = &t
	}
	return u
}

// collect copies the units at the given positions, in code order.
func (snap *unitSnapshot) collect(pos []int) []models.Unit {
	slices.Sort(pos)
	out := make([]models.Unit, len(pos))
	for i, p := range pos {
		out[i] = cloneUnit(snap.units[p])
	}
	return out
}

// ListUnits returns units matching the filter, ordered by code.
func (s *Store) ListUnits(ctx context.Context, f store.UnitFilter) ([]models.Unit, error) {
	snap, err := s.registry(ctx)
	if err != nil {
		return nil, err
	}
	match := func(u models.Unit) bool {
		return (f.Kind == "" || u.Kind == f.Kind) && (f.ParentCode == "" || u.ParentCode == f.ParentCode)
	}
	var pos []int
	if len(f.Codes) > 0 { // a few named units: look them up instead of scanning
		seen := make(map[int]bool, len(f.Codes))
		for _, c := range f.Codes {
			if i, ok := snap.index[c]; ok && !seen[i] && match(snap.units[i]) {
				seen[i] = true
				pos = append(pos, i)
			}
		}
		return snap.collect(pos), nil
	}
	for i, u := range snap.units {
		if match(u) {
			pos = append(pos, i)
		}
	}
	return snap.collect(pos), nil
}

// Descendants returns every unit below code, ordered by code; ErrNotFound if code does not exist.
func (s *Store) Descendants(ctx context.Context, code string) ([]models.Unit, error) {
	snap, err := s.registry(ctx)
	if err != nil {
		return nil, err
	}
	pos, err := snap.below(code)
	if err != nil {
		return nil, err
	}
	return snap.collect(pos), nil
}

// SubtreeCodes returns the codes of the unit and all its descendants, or ErrNotFound.
// The set is shared by every caller until a unit changes: it must not be modified. A
// reviewer's every request checks its scope with it; copying a province's 8,000 units
// for that was most of what a page of the review API allocated.
func (s *Store) SubtreeCodes(ctx context.Context, code string) (map[string]bool, error) {
	snap, err := s.registry(ctx)
	if err != nil {
		return nil, err
	}
	if set, ok := snap.subtrees.Load(code); ok {
		return set.(map[string]bool), nil
	}
	pos, err := snap.below(code)
	if err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(pos)+1)
	set[code] = true
	for _, p := range pos {
		set[snap.units[p].Code] = true
	}
	snap.subtrees.Store(code, set)
	return set, nil
}

// below returns the positions of code's descendants, or ErrNotFound.
func (snap *unitSnapshot) below(code string) ([]int, error) {
	root, ok := snap.index[code]
	if !ok {
		return nil, fmt.Errorf("sqlite: unit %s: %w", code, store.ErrNotFound)
	}
	seen := map[int]bool{root: true} // parents are checked for cycles on write; this is a guard
	var pos []int
	stack := []string{code}
	for len(stack) > 0 {
		parent := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, p := range snap.children[parent] {
			if seen[p] {
				continue
			}
			seen[p] = true
			pos = append(pos, p)
			stack = append(stack, snap.units[p].Code)
		}
	}
	return pos, nil
}
