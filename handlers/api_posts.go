package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"tintot/models"
	"tintot/store"
)

// Manual submissions may be at most this old.
const manualMaxAgeDays = 60

// postView is a post as the API shows it: with its effective kind and the reason.
type postView struct {
	models.Post
	Kind      models.Kind `json:"kind"`
	KindLabel string      `json:"kind_label"`
	Reason    string      `json:"reason"`
	Excluded  bool        `json:"excluded"`
	Counted   bool        `json:"counted"`
}

// viewPost is the one way a post leaves the API: its link only when it is http(s)
// (models.WebLink), whatever an older version of tintot stored.
func viewPost(p models.Post) postView {
	p.URL = models.WebLink(p.URL)
	return postView{
		Post: p, Kind: p.Kind(), KindLabel: p.Kind().Label(), Reason: p.Reason(),
		Excluded: p.Override != nil && p.Override.Excluded, Counted: p.Counted(),
	}
}

// parseDayParam validates an optional YYYY-MM-DD query parameter.
func (s *server) parseDayParam(c *fiber.Ctx, name string) (string, error) {
	v := strings.TrimSpace(c.Query(name))
	if v == "" {
		return "", nil
	}
	if _, err := models.DayStart(v, s.loc); err != nil {
		return "", badField(name, fmt.Sprintf("Ngày không hợp lệ %q (cần YYYY-MM-DD)", v))
	}
	return v, nil
}

// listPosts returns a unit's posts in [from, to] (default: the last 30 days), newest first.
func (s *server) listPosts(c *fiber.Ctx) error {
	u, err := s.unitInScope(c, c.Params("code"))
	if err != nil {
		return err
	}
	from, err := s.parseDayParam(c, "from")
	if err != nil {
		return err
	}
	to, err := s.parseDayParam(c, "to")
	if err != nil {
		return err
	}
	if to == "" {
		to = s.today()
	}
	if from == "" {
		t, _ := models.DayStart(to, s.loc)
		from = t.AddDate(0, 0, -30).Format(models.DayLayout)
	}
	if from > to {
		return badField("from", "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc")
	}
	kind := models.Kind(c.Query("kind"))
	if kind != "" && !kind.Valid() {
		return badField("kind", fmt.Sprintf("Loại bài không hợp lệ: %q (good_news, story, ideology, other)", kind))
	}
	limit, err := queryLimit(c, 500, 5000)
	if err != nil {
		return err
	}
	posts, err := s.Store.ListPosts(c.UserContext(), store.PostFilter{UnitCode: u.Code, FromDay: from, ToDay: to})
	if err != nil {
		return errorf("unable to list posts of %s: %w", u.Code, err)
	}
	out := make([]postView, 0, len(posts))
	for _, p := range posts {
		if kind != "" && p.Kind() != kind {
			continue // filter on the effective kind, overrides included
		}
		out = append(out, viewPost(p))
		if len(out) == limit {
			break
		}
	}
	return c.JSON(out)
}

// overrideInput is a PATCH of a post: nil or empty fields are unchanged; Clear removes
// the override entirely.
type overrideInput struct {
	Kind     *string `json:"kind"`
	Excluded *bool   `json:"excluded"`
	Note     *string `json:"note"`
	Clear    bool    `json:"clear"`
}

// overridePost applies a person's decision to a post (it wins over every rule) and
// records it in the audit log. API and pages share it. A unit admin's change that would
// raise what its own unit counts is not applied: it is stored as a proposal for the
// reviewers above (proposed is then true). Applying a decision clears any proposal.
func (s *server) overridePost(c *fiber.Ctx, id string, in overrideInput) (models.Post, bool, error) {
	p, err := s.postInScope(c, id)
	if err != nil {
		return models.Post{}, false, err
	}
	ctx := c.UserContext()
	who := actor(c)
	note := ""
	if in.Note != nil {
		note = strings.TrimSpace(*in.Note)
		if utf8.RuneCountInString(note) > 1000 {
			return models.Post{}, false, badField("note", "Ghi chú quá dài (tối đa 1000 ký tự)")
		}
	}
	var next *models.Override
	if in.Clear {
		if p.Override == nil {
			return p, false, nil
		}
	} else {
		o := models.Override{}
		if p.Override != nil {
			o = *p.Override
		}
		changed := false
		if in.Kind != nil && strings.TrimSpace(*in.Kind) != "" {
			k := models.Kind(strings.TrimSpace(*in.Kind))
			if !k.Valid() {
				return models.Post{}, false, badField("kind", fmt.Sprintf("Loại bài không hợp lệ: %q (good_news, story, ideology, other)", k))
			}
			o.Kind, changed = k, true
		}
		if in.Excluded != nil {
			o.Excluded, changed = *in.Excluded, true
		}
		if note != "" {
			o.Note, changed = note, true
		}
		if !changed {
			return models.Post{}, false, badField("kind", "Không có thay đổi nào: gửi kind, excluded, note hoặc clear")
		}
		o.By, o.At = who, s.now().UTC()
		next = &o
	}
	if principalOf(c).User.Role == models.RoleUnitAdmin {
		changed := p
		changed.Override = next
		if p.Raises(changed) {
			return s.propose(c, p, next, note)
		}
	}
	if err := s.Store.SetOverride(ctx, p.ID, next); errors.Is(err, store.ErrNotFound) {
		return models.Post{}, false, httpErr(fiber.StatusNotFound, "Không tìm thấy bài viết")
	} else if err != nil {
		return models.Post{}, false, errorf("unable to override post %s: %w", p.ID, err)
	}
	action := "post.override"
	if in.Clear {
		action = "post.override_clear"
	}
	s.audit(ctx, who, action, "post:"+p.ID, p.UnitCode, p.Override, next, note)
	if p.Proposal != nil { // a decision supersedes what was proposed
		if err := s.Store.SetProposal(ctx, p.ID, nil); err != nil {
			return models.Post{}, false, errorf("unable to clear the proposal of post %s: %w", p.ID, err)
		}
		s.audit(ctx, who, "post.proposal_superseded", "post:"+p.ID, p.UnitCode, p.Proposal, nil, "")
	}
	after, err := s.Store.GetPost(ctx, p.ID)
	if err != nil {
		return models.Post{}, false, errorf("unable to reload post %s: %w", p.ID, err)
	}
	return after, false, nil
}

// propose stores a unit admin's raising change to its own post as a proposal (what
// counts is unchanged) and audits it.
func (s *server) propose(c *fiber.Ctx, p models.Post, next *models.Override, note string) (models.Post, bool, error) {
	ctx := c.UserContext()
	prop := models.Override{By: actor(c), At: s.now().UTC(), Note: note}
	if next != nil {
		prop.Kind, prop.Excluded = next.Kind, next.Excluded
		if prop.Note == "" {
			prop.Note = next.Note
		}
	}
	if err := s.Store.SetProposal(ctx, p.ID, &prop); errors.Is(err, store.ErrNotFound) {
		return models.Post{}, false, httpErr(fiber.StatusNotFound, "Không tìm thấy bài viết")
	} else if err != nil {
		return models.Post{}, false, errorf("unable to store the proposal for post %s: %w", p.ID, err)
	}
	s.audit(ctx, prop.By, "post.propose", "post:"+p.ID, p.UnitCode, p.Proposal, prop, note)
	after, err := s.Store.GetPost(ctx, p.ID)
	if err != nil {
		return models.Post{}, false, errorf("unable to reload post %s: %w", p.ID, err)
	}
	return after, true, nil
}

// approveProposal makes a post's pending proposal its override (reviewers and admins
// above the unit). API and pages share it.
func (s *server) approveProposal(c *fiber.Ctx, id string) (models.Post, error) {
	if r := principalOf(c).User.Role; r != models.RoleAdmin && r != models.RoleReviewer {
		return models.Post{}, httpErr(fiber.StatusForbidden, "Chỉ người duyệt hoặc quản trị viên được duyệt đề xuất")
	}
	p, err := s.postInScope(c, id)
	if err != nil {
		return models.Post{}, err
	}
	if p.Proposal == nil {
		return models.Post{}, httpErr(fiber.StatusConflict, "Bài viết không có đề xuất nào chờ duyệt")
	}
	ctx := c.UserContext()
	who := actor(c)
	next := *p.Proposal
	next.Note = strings.TrimSpace(next.Note + " (đề xuất của " + p.Proposal.By + ", " + who + " duyệt)")
	next.By, next.At = who, s.now().UTC()
	if err := s.Store.SetOverride(ctx, p.ID, &next); err != nil {
		return models.Post{}, errorf("unable to apply the proposal of post %s: %w", p.ID, err)
	}
	if err := s.Store.SetProposal(ctx, p.ID, nil); err != nil {
		return models.Post{}, errorf("unable to clear the proposal of post %s: %w", p.ID, err)
	}
	s.audit(ctx, who, "post.approve", "post:"+p.ID, p.UnitCode, p.Override, next, "đề xuất của "+p.Proposal.By)
	after, err := s.Store.GetPost(ctx, p.ID)
	if err != nil {
		return models.Post{}, errorf("unable to reload post %s: %w", p.ID, err)
	}
	return after, nil
}

// apiApprovePost is POST /posts/:id/approve.
func (s *server) apiApprovePost(c *fiber.Ctx) error {
	p, err := s.approveProposal(c, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(viewPost(p))
}

// apiOverridePost is PATCH /posts/:id.
func (s *server) apiOverridePost(c *fiber.Ctx) error {
	var in overrideInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, proposed, err := s.overridePost(c, c.Params("id"), in)
	if err != nil {
		return err
	}
	if proposed { // stored, not applied: a reviewer above the unit decides
		return c.Status(fiber.StatusAccepted).JSON(viewPost(p))
	}
	return c.JSON(viewPost(p))
}

// rejectPost rejects a post's pending proposal, or else marks a hand-submitted post
// rejected (reviewers and admins). API and pages share it.
func (s *server) rejectPost(c *fiber.Ctx, id, note string) (models.Post, error) {
	if r := principalOf(c).User.Role; r != models.RoleAdmin && r != models.RoleReviewer {
		return models.Post{}, httpErr(fiber.StatusForbidden, "Chỉ người duyệt hoặc quản trị viên được từ chối bài")
	}
	p, err := s.postInScope(c, id)
	if err != nil {
		return models.Post{}, err
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 1000 {
		return models.Post{}, badField("note", "Ghi chú quá dài (tối đa 1000 ký tự)")
	}
	ctx := c.UserContext()
	if p.Proposal != nil { // a pending proposal is what is rejected; the post stays as it counts
		if err := s.Store.SetProposal(ctx, p.ID, nil); err != nil {
			return models.Post{}, errorf("unable to reject the proposal of post %s: %w", p.ID, err)
		}
		s.audit(ctx, actor(c), "post.proposal_reject", "post:"+p.ID, p.UnitCode, p.Proposal, nil, note)
		return s.Store.GetPost(ctx, p.ID)
	}
	if p.Source != models.SourceManual {
		return models.Post{}, httpErr(fiber.StatusConflict, "Chỉ từ chối được bài nộp thủ công hoặc đề xuất chờ duyệt; bài từ nguồn tin hãy loại trừ (excluded)")
	}
	if err := s.Store.SetRejected(ctx, p.ID, true); err != nil {
		return models.Post{}, errorf("unable to reject post %s: %w", p.ID, err)
	}
	s.audit(ctx, actor(c), "post.reject", "post:"+p.ID, p.UnitCode,
		map[string]bool{"rejected": p.Rejected}, map[string]bool{"rejected": true}, note)
	after, err := s.Store.GetPost(ctx, p.ID)
	if err != nil {
		return models.Post{}, errorf("unable to reload post %s: %w", p.ID, err)
	}
	return after, nil
}

// apiRejectPost is POST /posts/:id/reject.
func (s *server) apiRejectPost(c *fiber.Ctx) error {
	var in struct {
		Note string `json:"note"`
	}
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	p, err := s.rejectPost(c, c.Params("id"), in.Note)
	if err != nil {
		return err
	}
	return c.JSON(viewPost(p))
}

// manualInput is a post submitted by hand for a page without a feed.
type manualInput struct {
	URL   string `json:"url"`
	Date  string `json:"date"` // YYYY-MM-DD (local) or RFC3339
	Kind  string `json:"kind"`
	Title string `json:"title"`
}

// submitManualPost validates and stores a hand-submitted post. API and pages share it.
func (s *server) submitManualPost(c *fiber.Ctx, unitCode string, in manualInput) (models.Post, error) {
	u, err := s.unitInScope(c, unitCode)
	if err != nil {
		return models.Post{}, err
	}
	link := strings.TrimSpace(in.URL)
	if link == "" {
		return models.Post{}, badField("url", "Vui lòng nhập đường dẫn bài viết")
	}
	if !models.ValidFeedURL(link) {
		return models.Post{}, badField("url", "Đường dẫn bài viết phải là URL http(s) đầy đủ")
	}
	key, err := normalizeURL(link)
	if err != nil {
		return models.Post{}, badField("url", "Đường dẫn bài viết không hợp lệ")
	}
	now := s.now()
	published, err := s.parseManualDate(strings.TrimSpace(in.Date), now)
	if err != nil {
		return models.Post{}, err
	}
	kind := models.Kind(strings.TrimSpace(in.Kind))
	if kind == "" {
		return models.Post{}, badField("kind", "Vui lòng chọn loại bài (good_news, story, ideology, other)")
	}
	if !kind.Valid() {
		return models.Post{}, badField("kind", fmt.Sprintf("Loại bài không hợp lệ: %q (good_news, story, ideology, other)", kind))
	}
	// The unit's feed may have brought the article already, under its own key (a GUID
	// such as "?p=123", the link written another way): it is counted, once.
	if twin, err := s.linkTwin(c.UserContext(), u.Code, link, published); err != nil {
		return models.Post{}, errorf("unable to look for %s among the posts of %s: %w", link, u.Code, err)
	} else if twin != nil {
		msg := fmt.Sprintf("Bài viết này đã được ghi nhận từ nguồn tin của đơn vị (ngày %s)", twin.PublishedAt.In(s.loc).Format("02/01/2006"))
		if twin.Source == models.SourceManual {
			msg = "Bài viết này đã có trong danh sách của đơn vị"
		}
		return models.Post{}, &userError{Status: fiber.StatusConflict, Field: "url", Msg: msg}
	}
	title := strings.TrimSpace(in.Title)
	if utf8.RuneCountInString(title) > 500 {
		return models.Post{}, badField("title", "Tiêu đề quá dài (tối đa 500 ký tự)")
	}
	if title == "" && s.Titles != nil {
		title = s.fetchTitle(c.UserContext(), link)
	}
	if title == "" {
		title = link
	}
	who := actor(c)
	p := models.Post{
		UnitCode: u.Code, ItemKey: key, Source: models.SourceManual, URL: link, Title: title,
		PublishedAt: published.UTC(), LocalDay: models.LocalDay(published, s.loc), FirstSeenAt: now.UTC(),
		RuleKind: kind, RuleReason: "nộp thủ công bởi " + who, SubmittedBy: who, UpdatedAt: now.UTC(),
	}
	created, err := s.Store.CreateManualPost(c.UserContext(), p)
	if errors.Is(err, store.ErrConflict) {
		return models.Post{}, &userError{Status: fiber.StatusConflict, Field: "url", Msg: "Bài viết này đã có trong danh sách của đơn vị"}
	}
	if err != nil {
		return models.Post{}, errorf("unable to store manual post for %s: %w", u.Code, err)
	}
	s.audit(c.UserContext(), who, "post.submit", "post:"+created.ID, u.Code, nil, created, "")
	return created, nil
}

// linkTwinDays is how far either side of a submission's day a post with its link is
// looked for: the day an admin gives may be off the feed's by a day or more.
const linkTwinDays = 7

// linkTwin returns a post of the unit, around day published, whose link names the same
// article as link (models.LinkKey), or nil.
func (s *server) linkTwin(ctx context.Context, unit, link string, published time.Time) (*models.Post, error) {
	key := models.LinkKey(link)
	if key == "" {
		return nil, nil
	}
	posts, err := s.Store.ListPosts(ctx, store.PostFilter{UnitCode: unit,
		FromDay: models.LocalDay(published.AddDate(0, 0, -linkTwinDays), s.loc), ToDay: models.LocalDay(published.AddDate(0, 0, linkTwinDays), s.loc)})
	if err != nil {
		return nil, err
	}
	for i := range posts {
		if models.LinkKey(posts[i].URL) == key {
			return &posts[i], nil
		}
	}
	return nil, nil
}

// fetchTitle asks the guarded client for the page title; a failure only loses the title.
func (s *server) fetchTitle(ctx context.Context, link string) string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	t, err := s.Titles.FetchTitle(ctx, link)
	if err != nil {
		s.Log.Info("title fetch failed for manual post", slog.String("url", link), slog.Any("error", err))
		return ""
	}
	return strings.TrimSpace(t)
}

// parseManualDate reads YYYY-MM-DD (local midnight) or RFC3339 and rejects dates in
// the future or more than manualMaxAgeDays back.
func (s *server) parseManualDate(v string, now time.Time) (time.Time, error) {
	if v == "" {
		return time.Time{}, badField("date", "Vui lòng nhập ngày đăng (YYYY-MM-DD)")
	}
	var t time.Time
	if d, err := models.DayStart(v, s.loc); err == nil {
		t = d
	} else if r, err := time.Parse(time.RFC3339, v); err == nil {
		t = r
	} else {
		return time.Time{}, badField("date", fmt.Sprintf("Ngày đăng không hợp lệ %q (cần YYYY-MM-DD hoặc RFC3339)", v))
	}
	today := models.LocalDay(now, s.loc)
	day := models.LocalDay(t, s.loc)
	if day > today || t.After(now.Add(5*time.Minute)) {
		return time.Time{}, badField("date", "Ngày đăng không được ở tương lai")
	}
	todayStart, _ := models.DayStart(today, s.loc)
	oldest := todayStart.AddDate(0, 0, -manualMaxAgeDays).Format(models.DayLayout)
	if day < oldest {
		return time.Time{}, badField("date", fmt.Sprintf("Chỉ nộp được bài trong %d ngày gần đây", manualMaxAgeDays))
	}
	return t, nil
}

// apiSubmitPost is POST /units/:code/posts.
func (s *server) apiSubmitPost(c *fiber.Ctx) error {
	var in manualInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.submitManualPost(c, c.Params("code"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(viewPost(p))
}

// normalizeURL makes the item key of a hand-submitted link: lower-case scheme and host,
// no default port, no fragment, no tracking parameters, sorted query, no trailing slash.
func normalizeURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.Fragment, u.RawFragment = "", ""
	q := u.Query()
	for k := range q {
		if models.TrackingParam(k) {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode() // Encode sorts by key
	if u.Path != "/" {
		u.Path = strings.TrimRight(u.Path, "/")
	}
	if u.Path == "/" && u.RawQuery == "" {
		u.Path = ""
	}
	u.RawPath = ""
	return u.String(), nil
}

// classifyInput is a post to try the classification rules on.
type classifyInput struct {
	Title       string      `json:"title"`
	Summary     string      `json:"summary"`
	Categories  []string    `json:"categories"`
	URL         string      `json:"url"`
	UnitCode    string      `json:"unit_code"`    // for a unit's own rules, if any
	DefaultKind models.Kind `json:"default_kind"` // the feed's default kind, if any
}

// classifyPreview is POST /classify: which kind the rules would give a post, and why.
// It lets admins check their rules without waiting for a poll.
func (s *server) classifyPreview(c *fiber.Ctx) error {
	if s.Classifier == nil {
		return unavailable("phân loại bài viết")
	}
	var in classifyInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.Title) == "" && strings.TrimSpace(in.Summary) == "" && len(in.Categories) == 0 {
		return badField("title", "Nhập tiêu đề, nội dung hoặc chuyên mục để phân loại")
	}
	if in.DefaultKind != "" && !in.DefaultKind.Valid() {
		return badField("default_kind", fmt.Sprintf("Loại bài mặc định không hợp lệ: %q", in.DefaultKind))
	}
	if in.UnitCode != "" {
		if err := s.mustSee(c, in.UnitCode); err != nil {
			return err
		}
	}
	kind, reason := s.Classifier.Classify(
		models.Post{UnitCode: in.UnitCode, Title: in.Title, Summary: in.Summary, Categories: in.Categories, URL: in.URL},
		models.Feed{DefaultKind: in.DefaultKind})
	return c.JSON(fiber.Map{"kind": kind, "kind_label": kind.Label(), "reason": reason})
}
