package registry

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"tintot/models"
	"tintot/store"
)

// ImportOptions tunes Import.
type ImportOptions struct {
	// DryRun checks the file and counts what would change, writing nothing.
	DryRun bool
}

// Report says what an import did (or, in a dry run, would do). When Errors is not empty
// the file was rejected and nothing was written.
type Report struct {
	Changes store.RegistryChanges
	Errors  []RowError
	Units   int // units in the file (good rows)
}

// Import reads a registry file and applies it to st in one transaction. Bad rows are
// returned in Report.Errors with a nil error and nothing written (see the package doc for
// the policy); the error is for a file that cannot be read at all or a store failure.
func Import(ctx context.Context, st store.Store, r io.Reader, opt ImportOptions) (Report, error) {
	rows, errs, err := parseRows(r)
	if err != nil {
		return Report{}, err
	}
	stored, err := st.ListUnits(ctx, store.UnitFilter{})
	if err != nil {
		return Report{}, fmt.Errorf("registry: unable to list units: %w", err)
	}
	storedBy := make(map[string]models.Unit, len(stored))
	for _, u := range stored {
		storedBy[u.Code] = u
	}
	fixParentCase(rows, storedBy)
	errs = append(errs, checkTree(rows, errs, storedBy)...)
	slices.SortStableFunc(errs, func(a, b RowError) int { return a.Line - b.Line })
	rep := Report{Units: len(rows), Errors: errs}
	if len(errs) > 0 {
		return rep, nil
	}

	entries := make([]store.RegistryEntry, len(rows))
	for i, rw := range rows {
		e := rw.entry
		if old, ok := storedBy[e.Unit.Code]; ok {
			// The file does not carry these: keep what is stored.
			e.Unit.ActiveFrom, e.Unit.ActiveTo = old.ActiveFrom, old.ActiveTo
			e.Unit.CreatedAt = old.CreatedAt
		}
		entries[i] = e
	}
	if opt.DryRun {
		ch, err := predict(ctx, st, entries, storedBy)
		if err != nil {
			return Report{}, err
		}
		rep.Changes = ch
		return rep, nil
	}
	ch, err := st.ApplyRegistry(ctx, entries)
	if err != nil {
		return Report{}, fmt.Errorf("registry: unable to apply %d units: %w", len(entries), err)
	}
	rep.Changes = ch
	return rep, nil
}

// fixParentCase points a parent code written in another letter case ("td-hp" for
// "TD-HP") at the one unit it can only mean, in the file or the store.
func fixParentCase(rows []row, stored map[string]models.Unit) {
	exact := make(map[string]bool, len(rows)+len(stored))
	upper := map[string][]string{}
	addCode := func(c string) {
		if !exact[c] {
			exact[c] = true
			upper[strings.ToUpper(c)] = append(upper[strings.ToUpper(c)], c)
		}
	}
	for c := range stored {
		addCode(c)
	}
	for _, rw := range rows {
		addCode(rw.entry.Unit.Code)
	}
	for i := range rows {
		p := rows[i].entry.Unit.ParentCode
		if p == "" || exact[p] {
			continue
		}
		if m := upper[strings.ToUpper(p)]; len(m) == 1 && m[0] != rows[i].entry.Unit.Code {
			rows[i].entry.Unit.ParentCode = m[0]
		}
	}
}

// checkTree reports rows whose parent is neither in the file nor stored, and rows that sit
// on a parent cycle, taking stored parent links into account. Rows that already failed
// parsing still count as present (their parent link is unknown), so one bad row is
// reported once.
func checkTree(rows []row, prior []RowError, stored map[string]models.Unit) []RowError {
	parent := make(map[string]string, len(stored)+len(rows))
	for code, u := range stored {
		parent[code] = u.ParentCode
	}
	inFile := make(map[string]bool, len(rows)+len(prior))
	for _, e := range prior {
		if e.Code != "" {
			inFile[e.Code] = true
			if _, ok := parent[e.Code]; !ok {
				parent[e.Code] = "" // present, link unknown
			}
		}
	}
	for _, rw := range rows {
		inFile[rw.entry.Unit.Code] = true
		parent[rw.entry.Unit.Code] = rw.entry.Unit.ParentCode
	}
	var errs []RowError
	for _, rw := range rows {
		u := rw.entry.Unit
		if u.ParentCode == "" {
			continue
		}
		if _, ok := parent[u.ParentCode]; !ok {
			errs = append(errs, RowError{Line: rw.line, Code: u.Code, Field: ColParent,
				Reason: fmt.Sprintf("đơn vị cấp trên %q không có trong tệp và chưa có trong hệ thống", u.ParentCode)})
			continue
		}
		path := []string{u.Code}
		for p := u.ParentCode; p != ""; p = parent[p] {
			path = append(path, p)
			if p == u.Code {
				errs = append(errs, RowError{Line: rw.line, Code: u.Code, Field: ColParent,
					Reason: "quan hệ cấp trên tạo thành vòng lặp: " + strings.Join(path, " → ")})
				break
			}
			if len(path) > len(parent)+1 {
				break // a cycle above this unit, reported on its own rows
			}
		}
	}
	return errs
}

// predict counts what ApplyRegistry would change, for a dry run.
func predict(ctx context.Context, st store.Store, entries []store.RegistryEntry, stored map[string]models.Unit) (store.RegistryChanges, error) {
	var ch store.RegistryChanges
	feeds, err := st.ListFeeds(ctx, store.FeedFilter{})
	if err != nil {
		return ch, fmt.Errorf("registry: unable to list feeds: %w", err)
	}
	have := make(map[[2]string]bool, len(feeds))
	for _, f := range feeds {
		have[[2]string{f.UnitCode, f.URL}] = true
	}
	for _, e := range entries {
		old, ok := stored[e.Unit.Code]
		switch {
		case !ok:
			ch.UnitsCreated++
		case sameUnit(old, e.Unit):
			ch.UnitsSame++
		default:
			ch.UnitsUpdated++
		}
		for _, u := range e.FeedURLs {
			if !have[[2]string{e.Unit.Code, u}] {
				ch.FeedsCreated++
			}
		}
	}
	return ch, nil
}

// sameUnit compares the fields a registry file sets.
func sameUnit(a, b models.Unit) bool {
	return a.Name == b.Name && a.Kind == b.Kind && a.ParentCode == b.ParentCode && slices.Equal(a.Emails, b.Emails)
}
