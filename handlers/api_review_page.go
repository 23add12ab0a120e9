package handlers

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"tintot/models"
)

// Pages of GET /api/v1/review.
const (
	defaultReviewLimit = 100  // rows of a page when ?limit= is not given
	maxReviewLimit     = 1000 // the largest ?limit=
	// reviewMaxAge is how long a computed review serves further pages and other callers
	// as it is: the pages of one listing agree, and eight reviewers paging through a
	// province share one computation. The answer's generated_at says when it was
	// computed.
	reviewMaxAge = 15 * time.Second
	// reviewStaleAge is how long an older review is still served while a newer one is
	// computed behind it.
	reviewStaleAge = time.Minute
	// maxReviewSnapshots caps the reviews held at once (week × parent).
	maxReviewSnapshots = 32
)

// reviewAnswer is the answer of GET /api/v1/review: the review's summaries (over every
// row of the review, whatever the filters) and one page of its rows, in the order and
// with the search and filters asked for. Every field of models.Review keeps its name;
// Rows holds the page only.
type reviewAnswer struct {
	models.Review
	Total        int                   `json:"total"`   // rows of the whole review
	Matched      int                   `json:"matched"` // rows the search and the filters keep
	Offset       int                   `json:"offset"`
	Limit        int                   `json:"limit"`
	NextOffset   *int                  `json:"next_offset,omitempty"` // offset of the next page, when there is one
	StatusCounts map[models.Status]int `json:"status_counts"`         // rows of the review per value of ?status=
	FeedCounts   map[string]int        `json:"feed_counts"`           // rows of the review per value of ?feed=
}

// reviewSnapshot is a computed review with what filtering and sorting its rows needs,
// worked out once for every page asked of it.
type reviewSnapshot struct {
	review      models.Review
	lines       []reviewLine
	statusCount map[models.Status]int
	feedCount   map[string]int
	made        time.Time // wall-clock time it was computed, for reviewMaxAge

	keysOnce sync.Once
	hay      []string // folded name and code of each line, for ?q=
	names    []string // folded name of each line, for ?sort=name
}

// newReviewSnapshot reads the flags of every row once.
func newReviewSnapshot(r models.Review) *reviewSnapshot {
	sn := &reviewSnapshot{review: r, lines: make([]reviewLine, len(r.Rows)), statusCount: map[models.Status]int{}, feedCount: map[string]int{},
		made: time.Now()}
	for _, st := range reviewStatuses {
		sn.statusCount[st] = 0
	}
	for _, fs := range reviewFeeds {
		sn.feedCount[fs] = 0
	}
	for i, row := range r.Rows {
		ln := newReviewLine(row, r.CompareDays > 0, -1)
		ln.Baseline, ln.Target = nil, nil // the flags are read; the page shows Statuses
		sn.lines[i] = ln
		for _, st := range reviewStatuses {
			if ln.hasStatus(st) {
				sn.statusCount[st]++
			}
		}
		sn.feedCount[ln.FeedKey()]++
	}
	sn.review.Rows = nil // the lines hold them
	return sn
}

// keys folds the names once, the first time a search or the name order needs them.
func (sn *reviewSnapshot) keys() {
	sn.keysOnce.Do(func() {
		sn.hay = make([]string, len(sn.lines))
		sn.names = make([]string, len(sn.lines))
		for i, ln := range sn.lines {
			sn.hay[i] = foldSearch(ln.Unit.Name + " " + ln.Unit.Code)
			sn.names[i] = strings.ToLower(asciiFilename(ln.Unit.Name))
		}
	})
}

// page picks the rows f keeps, in f's order, and cuts [offset, offset+limit) out of them.
func (sn *reviewSnapshot) page(f reviewFilter, offset, limit int) reviewAnswer {
	var words []string
	if f.Q != "" {
		words = strings.Fields(foldSearch(f.Q))
	}
	if len(words) > 0 || f.Sort == "name" {
		sn.keys()
	}
	idx := make([]int, 0, len(sn.lines))
	for i := range sn.lines {
		if !f.keeps(&sn.lines[i]) {
			continue
		}
		if len(words) > 0 && !containsAll(sn.hay[i], words) {
			continue
		}
		idx = append(idx, i)
	}
	switch f.Sort {
	case "name":
		sort.SliceStable(idx, func(a, b int) bool {
			x, y := idx[a], idx[b]
			if sn.names[x] != sn.names[y] {
				return sn.names[x] < sn.names[y]
			}
			return sn.lines[x].Unit.Name < sn.lines[y].Unit.Name
		})
	case "days":
		sort.SliceStable(idx, func(a, b int) bool {
			return sn.lines[idx[a]].DaysMet[models.LevelBaseline] > sn.lines[idx[b]].DaysMet[models.LevelBaseline]
		})
	case "streak":
		sort.SliceStable(idx, func(a, b int) bool { return sn.lines[idx[a]].Streak > sn.lines[idx[b]].Streak })
	}
	ans := reviewAnswer{Review: sn.review, Total: len(sn.lines), Matched: len(idx), Offset: offset, Limit: limit,
		StatusCounts: sn.statusCount, FeedCounts: sn.feedCount}
	from, to := min(offset, len(idx)), min(offset+limit, len(idx))
	ans.Rows = make([]models.ReviewRow, 0, to-from)
	for _, i := range idx[from:to] {
		ans.Rows = append(ans.Rows, sn.lines[i].ReviewRow)
	}
	if to < len(idx) {
		next := to
		ans.NextOffset = &next
	}
	return ans
}

// containsAll reports whether every word is in hay.
func containsAll(hay string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// reviewSnapshots holds the reviews computed lately, by week and parent. A review
// younger than reviewMaxAge is served as it is; an older one (up to reviewStaleAge) is
// still served while a newer one is computed behind it, so no caller waits for a
// province's review except the first; callers that find none wait for the one
// computation under way.
type reviewSnapshots struct {
	mu      sync.Mutex
	entries map[string]*reviewEntry
}

// reviewEntry is the review of one week and parent: the last one computed and the
// computation under way, if any.
type reviewEntry struct {
	snap   *reviewSnapshot
	flight *reviewFlight
}

// reviewFlight is one computation of a review, finished once done is closed.
type reviewFlight struct {
	done chan struct{}
	snap *reviewSnapshot
	err  error
}

// get returns the review of key, computing it with compute when none is held or the one
// held is too old (see reviewSnapshots).
func (c *reviewSnapshots) get(ctx context.Context, key string, compute func(context.Context) (models.Review, error)) (*reviewSnapshot, error) {
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string]*reviewEntry{}
	}
	e := c.entries[key]
	if e == nil {
		e = &reviewEntry{}
		c.entries[key] = e
		c.prune()
	}
	if e.snap != nil {
		age := time.Since(e.snap.made)
		if age < reviewMaxAge {
			c.mu.Unlock()
			return e.snap, nil
		}
		if age < reviewStaleAge {
			if e.flight == nil {
				c.start(e, ctx, compute)
			}
			snap := e.snap
			c.mu.Unlock()
			return snap, nil
		}
	}
	if e.flight == nil {
		c.start(e, ctx, compute)
	}
	f := e.flight
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.snap, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// start computes e's review in the background. c.mu must be held.
func (c *reviewSnapshots) start(e *reviewEntry, ctx context.Context, compute func(context.Context) (models.Review, error)) {
	f := &reviewFlight{done: make(chan struct{})}
	e.flight = f
	// The computation serves other callers too: the caller that started it may leave.
	run, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	go func() {
		defer cancel()
		f.err = safely(func() error {
			r, err := compute(run)
			if err == nil {
				f.snap = newReviewSnapshot(r)
			}
			return err
		})
		c.mu.Lock()
		if f.err == nil {
			e.snap = f.snap
		}
		e.flight = nil
		c.mu.Unlock()
		close(f.done)
	}()
}

// prune drops reviews nobody is computing, oldest first, while more than
// maxReviewSnapshots are held. c.mu must be held.
func (c *reviewSnapshots) prune() {
	for len(c.entries) > maxReviewSnapshots {
		oldest, at := "", time.Time{}
		for k, e := range c.entries {
			if e.flight != nil {
				continue
			}
			made := time.Time{}
			if e.snap != nil {
				made = e.snap.made
			}
			if oldest == "" || made.Before(at) {
				oldest, at = k, made
			}
		}
		if oldest == "" {
			return
		}
		delete(c.entries, oldest)
	}
}

// readReviewPage reads ?limit= and ?offset=.
func readReviewPage(c *fiber.Ctx) (offset, limit int, err error) {
	limit = defaultReviewLimit
	if v := strings.TrimSpace(c.Query("limit")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxReviewLimit {
			return 0, 0, badField("limit", fmt.Sprintf("Số dòng mỗi trang không hợp lệ %q (cần từ 1 đến %d)", v, maxReviewLimit))
		}
		limit = n
	}
	if v := strings.TrimSpace(c.Query("offset")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, badField("offset", fmt.Sprintf("Vị trí bắt đầu không hợp lệ %q (cần số nguyên không âm)", v))
		}
		offset = n
	}
	return offset, limit, nil
}

// review is GET /review?week=&parent=&q=&status=&feed=&kind=&short=&sort=&limit=&offset=:
// one page of the weekly review, with the summaries of the whole review.
func (s *server) review(c *fiber.Ctx) error {
	if s.Status == nil {
		return unavailable("tổng hợp tuần")
	}
	week, parent, err := s.reviewParams(c)
	if err != nil {
		return err
	}
	f, err := readReviewFilter(c, week, parent)
	if err != nil {
		return err
	}
	offset, limit, err := readReviewPage(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	sn, err := s.reviews.get(ctx, week+"\x00"+parent, func(ctx context.Context) (models.Review, error) {
		return s.Status.Review(ctx, week, parent)
	})
	if err != nil {
		return errorf("unable to build review %s/%s: %w", week, parent, err)
	}
	return c.JSON(sn.page(f, offset, limit))
}
