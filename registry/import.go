package registry

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"tintot/feeds"
	"tintot/models"
	"tintot/store"
)

// ImportOptions tunes Import.
type ImportOptions struct {
	// DryRun checks the file and counts what would change, writing nothing.
	DryRun bool
	// Check, when set, looks for the feed behind every feed address of every row (an
	// officer may have written the unit's website): each address is replaced by the feed
	// found, and one behind which no feed can be read is an error of its row.
	Check FeedFinder
	// Progress, when set with Check, is told as each check starts: the n-th of total
	// addresses. Calls never overlap.
	Progress func(n, total int, url string)
	// CheckWorkers is how many addresses are checked at once (default 4).
	CheckWorkers int
}

// FeedFinder finds the feed behind an address: the feed itself, or a page that declares
// or hosts one (implemented by *feeds.Client). A failure says why in Vietnamese
// (feeds.Message).
type FeedFinder interface {
	Discover(ctx context.Context, url string) (feeds.Discovery, error)
}

// Report says what an import did (or, in a dry run, would do). When Errors is not empty
// the file was rejected and nothing was written.
type Report struct {
	Changes store.RegistryChanges
	Errors  []RowError
	Units   int // units in the file (good rows)
	// Replaced lists, with Check, the addresses that were not themselves feeds and the
	// feed found behind each (file order).
	Replaced []Replacement
	// Checked is how many addresses Check looked at.
	Checked int
}

// Replacement is a feed address of the file replaced by the feed found behind it.
type Replacement struct {
	Line    int
	Code    string
	From    string
	FeedURL string
	Via     string // how the feed was found, for code (feeds.Discovery.Via)
	How     string // how the feed was found, in Vietnamese
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
	rep := Report{}
	if opt.Check != nil {
		ferrs, err := checkFeeds(ctx, rows, opt, &rep)
		if err != nil {
			return Report{}, err
		}
		errs = append(errs, ferrs...)
	}
	slices.SortStableFunc(errs, func(a, b RowError) int { return a.Line - b.Line })
	good := make([]row, 0, len(rows))
	for _, rw := range rows {
		if !rw.bad {
			good = append(good, rw)
		}
	}
	rep.Units, rep.Errors = len(good), errs
	if len(errs) > 0 {
		return rep, nil
	}

	entries := make([]store.RegistryEntry, len(good))
	for i, rw := range good {
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
// on a parent cycle, taking stored parent links into account. Rows with other errors are
// checked too, unless their code or parent is itself wrong: those still count as present
// (their parent link unknown), so one problem is reported once.
func checkTree(rows []row, prior []RowError, stored map[string]models.Unit) []RowError {
	parent := make(map[string]string, len(stored)+len(rows))
	for code, u := range stored {
		parent[code] = u.ParentCode
	}
	for _, e := range prior {
		if e.Code != "" {
			if _, ok := parent[e.Code]; !ok {
				parent[e.Code] = "" // present, link unknown
			}
		}
	}
	for _, rw := range rows {
		if !rw.noTree {
			parent[rw.entry.Unit.Code] = rw.entry.Unit.ParentCode
		}
	}
	var errs []RowError
	for _, rw := range rows {
		if rw.noTree {
			continue
		}
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

// checkFeeds runs opt.Check on every valid feed address of every row (bad rows too, so
// the file's every problem is reported at once), opt.CheckWorkers at a time. It replaces
// each address by the feed found (once per row when two lead to the same feed), records
// the replacements in rep, and returns a row error for each address that leads to no
// feed. The error is for an import canceled while checking.
func checkFeeds(ctx context.Context, rows []row, opt ImportOptions, rep *Report) ([]RowError, error) {
	type job struct{ row, feed int }
	var jobs []job
	for i, rw := range rows {
		for j := range rw.entry.FeedURLs {
			jobs = append(jobs, job{i, j})
		}
	}
	type result struct {
		d   feeds.Discovery
		err error
	}
	results := make([]result, len(jobs))
	workers := opt.CheckWorkers
	if workers <= 0 {
		workers = 4
	}
	var (
		mu      sync.Mutex
		started int
		next    = make(chan int)
		wg      sync.WaitGroup
	)
	for range min(workers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				u := rows[jobs[k].row].entry.FeedURLs[jobs[k].feed]
				if opt.Progress != nil {
					mu.Lock()
					started++
					opt.Progress(started, len(jobs), u)
					mu.Unlock()
				}
				d, err := opt.Check.Discover(ctx, u)
				results[k] = result{d, err}
			}
		}()
	}
feed:
	for k := range jobs {
		select {
		case next <- k:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("registry: feed check interrupted: %w", err)
	}
	rep.Checked = len(jobs)

	var errs []RowError
	found := make([][]string, len(rows))
	for k, jb := range jobs {
		rw := rows[jb.row]
		from := rw.entry.FeedURLs[jb.feed]
		r := results[k]
		switch {
		case r.err != nil:
			errs = append(errs, RowError{Line: rw.line, Code: rw.entry.Unit.Code, Field: ColFeeds,
				Reason: fmt.Sprintf("không tìm thấy nguồn tin ở %q: %s", from, feeds.Message(r.err))})
			rows[jb.row].bad = true
			continue
		case !models.ValidFeedURL(r.d.FeedURL):
			errs = append(errs, RowError{Line: rw.line, Code: rw.entry.Unit.Code, Field: ColFeeds,
				Reason: fmt.Sprintf("trang %q dẫn tới nguồn tin %q nhưng địa chỉ này không dùng được (cần http:// hoặc https://)", from, r.d.FeedURL)})
			rows[jb.row].bad = true
			continue
		}
		if r.d.FeedURL != from {
			rep.Replaced = append(rep.Replaced, Replacement{Line: rw.line, Code: rw.entry.Unit.Code, From: from, FeedURL: r.d.FeedURL, Via: r.d.Via, How: r.d.How})
		}
		if !slices.Contains(found[jb.row], r.d.FeedURL) {
			found[jb.row] = append(found[jb.row], r.d.FeedURL)
		}
	}
	for i := range rows {
		if len(rows[i].entry.FeedURLs) == 0 {
			continue
		}
		rows[i].entry.FeedURLs = found[i]
	}
	return errs, nil
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
