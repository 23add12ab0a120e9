package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"tintot/models"
	"tintot/web"
)

// langCookie remembers the interface language ("vi" by default, or "en").
const langCookie = "tintot_lang"

// lang translates interface words. Vietnamese is the source language; the English
// catalogue falls back to Vietnamese for anything it does not know.
type lang struct{ en bool }

// Code returns the HTML lang attribute.
func (l lang) Code() string {
	if l.en {
		return "en"
	}
	return "vi"
}

// T returns msg in the current language.
func (l lang) T(msg string) string {
	if l.en {
		if s, ok := english[msg]; ok {
			return s
		}
	}
	return msg
}

// Status names a quota status.
func (l lang) Status(s models.Status) string { return l.T(s.Label()) }

// Kind names a post kind.
func (l lang) Kind(k models.Kind) string { return l.T(k.Label()) }

// Feed names a feed state.
func (l lang) Feed(s models.FeedState) string { return l.T(s.Label()) }

// UnitKind names a unit kind.
func (l lang) UnitKind(k models.UnitKind) string { return l.T(k.Label()) }

// Quota names a target for people, from its kinds and period ("Tin tốt / ngày").
func (l lang) Quota(ps models.PeriodStatus) string {
	if ps.PeriodKind == models.PeriodYear {
		return l.T("Trào lưu") + " / " + l.Period(ps.PeriodKind)
	}
	names := make([]string, 0, len(ps.Kinds))
	for _, k := range ps.Kinds {
		names = append(names, l.Kind(k))
	}
	if len(names) == 0 {
		return ps.Target
	}
	return strings.Join(names, " + ") + " / " + l.Period(ps.PeriodKind)
}

// Period names a period kind ("ngày", "tuần").
func (l lang) Period(p models.PeriodKind) string {
	switch p {
	case models.PeriodDay:
		return l.T("ngày")
	case models.PeriodWeek:
		return l.T("tuần")
	case models.PeriodYear:
		return l.T("năm")
	}
	return string(p)
}

// Role names a user role.
func (l lang) Role(r models.Role) string {
	switch r {
	case models.RoleAdmin:
		return l.T("Quản trị viên")
	case models.RoleReviewer:
		return l.T("Người duyệt")
	case models.RoleUnitAdmin:
		return l.T("Quản trị đơn vị")
	}
	return string(r)
}

// Level names a quota level.
func (l lang) Level(lv models.Level) string { return l.T(lv.Label()) }

// Left formats a remaining duration ("3 giờ 20 phút").
func (l lang) Left(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	d = d.Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	if l.en {
		return fmt.Sprintf("%dh %02dmin", h, m)
	}
	return fmt.Sprintf("%d giờ %02d phút", h, m)
}

// langOf reads the request's language cookie.
func langOf(c *fiber.Ctx) lang { return lang{en: c.Cookies(langCookie) == "en"} }

// page is what every page template receives: the frame fields and the page's own data.
type page struct {
	L     lang
	User  models.User
	CSRF  string
	Title string // translated when shown (lang.T)
	// TitleTail follows the title as it is (a week, a quarter, a status code).
	TitleTail string
	Nav       string // active menu entry
	Path      string // current path and query, for the language toggle
	Flash     string // a success message
	Error     string // a user error (wrong field, conflict) shown above the page
	Field     string
	Data      any
}

// Admin reports whether the user is an administrator.
func (p page) Admin() bool { return p.User.Role == models.RoleAdmin }

// Reviewer reports whether the user may review units (reviewer or admin).
func (p page) Reviewer() bool {
	return p.User.Role == models.RoleAdmin || p.User.Role == models.RoleReviewer
}

var (
	pageTmplOnce sync.Once
	pageTmpls    map[string]*template.Template
	pageTmplErr  error
)

// pageFuncs are the helpers templates may call.
var pageFuncs = template.FuncMap{
	"assetVersion": func() string { return web.AssetVersion },
	"pathEscape":   url.PathEscape,
	"queryEscape":  url.QueryEscape,
	"localTime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(models.Vietnam).Format("02/01/2006 15:04")
	},
	"localTimePtr": func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return ""
		}
		return t.In(models.Vietnam).Format("02/01/2006 15:04")
	},
	"dayVN": func(day string) string {
		t, err := time.Parse(models.DayLayout, day)
		if err != nil {
			return day
		}
		return t.Format("02/01")
	},
	"weekRange":   models.WeekRange,
	"dateVN":      models.DayText,
	"statusClass": func(s models.Status) string { return "st-" + strings.ReplaceAll(string(s), "/", "") },
	"pct":         func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
	// actual is a status's count, or "?" when the status is unknown and nothing was
	// seen: a 0 there would be a number tintot does not know.
	"actual":    models.PeriodStatus.ActualText,
	"add":       func(a, b int) int { return a + b },
	"kinds":     func() []models.Kind { return models.Kinds },
	"unitKinds": func() []models.UnitKind { return models.UnitKinds },
	"roles": func() []models.Role {
		return []models.Role{models.RoleUnitAdmin, models.RoleReviewer, models.RoleAdmin}
	},
	"join": strings.Join,
	"dayOf": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return models.LocalDay(*t, models.Vietnam)
	},
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			if k, ok := kv[i].(string); ok {
				m[k] = kv[i+1]
			}
		}
		return m
	},
}

// loadPageTemplates parses the layout with each page once.
func loadPageTemplates() (map[string]*template.Template, error) {
	pageTmplOnce.Do(func() {
		layout, err := fs.ReadFile(web.Templates, "templates/layout.html")
		if err != nil {
			pageTmplErr = errorf("unable to read layout: %w", err)
			return
		}
		names, err := fs.Glob(web.Templates, "templates/*.html")
		if err != nil {
			pageTmplErr = errorf("unable to list templates: %w", err)
			return
		}
		pageTmpls = map[string]*template.Template{}
		for _, n := range names {
			if n == "templates/layout.html" {
				continue
			}
			body, err := fs.ReadFile(web.Templates, n)
			if err != nil {
				pageTmplErr = errorf("unable to read %s: %w", n, err)
				return
			}
			t, err := template.New("layout").Funcs(pageFuncs).Parse(string(layout))
			if err == nil {
				_, err = t.Parse(string(body))
			}
			if err != nil {
				pageTmplErr = errorf("unable to parse %s: %w", n, err)
				return
			}
			name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
			pageTmpls[name] = t
		}
	})
	return pageTmpls, pageTmplErr
}

// render writes a page inside the layout with the given status.
func (s *server) render(c *fiber.Ctx, status int, name string, p page) error {
	tmpls, err := loadPageTemplates()
	if err != nil {
		return err
	}
	t, ok := tmpls[name]
	if !ok {
		return errorf("no page template %q", name)
	}
	if pr := principalOf(c); pr != nil {
		p.User = pr.User
	}
	p.L = langOf(c)
	p.CSRF = CSRFToken(c)
	p.Path = c.OriginalURL()
	if p.Flash == "" {
		p.Flash = p.L.T(flashes[c.Query("ok")])
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		return errorf("unable to render page %s: %w", name, err)
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// flashes are the success messages shown after a form redirect (?ok=key).
var flashes = map[string]string{
	"override":        "Đã lưu phân loại bài viết.",
	"clear":           "Đã bỏ phân loại thủ công, bài viết theo quy tắc tự động.",
	"reject":          "Đã từ chối bài nộp thủ công.",
	"proposed":        "Đã gửi đề xuất: thay đổi làm tăng số bài được tính chỉ có hiệu lực khi người duyệt cấp trên đồng ý.",
	"approve":         "Đã duyệt đề xuất; chỉ tiêu của đơn vị được tính lại.",
	"proposal_reject": "Đã từ chối đề xuất; bài viết giữ nguyên cách tính.",
	"submitted":       "Đã ghi nhận bài viết.",
	"feed_add":        "Đã thêm nguồn tin.",
	"feed_del":        "Đã xoá nguồn tin.",
	"unit_save":       "Đã lưu đơn vị.",
	"user_add":        "Đã tạo tài khoản.",
	"trend_add":       "Đã đăng ký trào lưu.",
	"trend_edit":      "Đã lưu trào lưu; số đơn vị tham gia được tính lại.",
	"trend_delete":    "Đã xoá trào lưu.",
	"picked":          "Đã chọn đăng bài viết vào bản tin quý.",
	"unpicked":        "Đã bỏ chọn bài viết khỏi bản tin.",
	"arranged":        "Đã lưu thứ tự bản tin.",
	"sent":            "Đã gửi bản tin; bản đã gửi được lưu lại nguyên vẹn.",
	"honour_add":      "Đã ghi đề nghị tuyên dương.",
	"honour_del":      "Đã xoá đề nghị tuyên dương.",
}

// formError turns a user error of a form into the message shown on the re-rendered
// page; anything else (a server failure) goes to the error handler.
func formError(err error) (status int, msg, field string, ok bool) {
	var ue *userError
	var fe *models.FieldError
	switch {
	case errors.As(err, &ue) && ue.Status < 500:
		return ue.Status, ue.Msg, ue.Field, true
	case errors.As(err, &fe):
		return fiber.StatusBadRequest, fe.Msg, fe.Field, true
	}
	return 0, "", "", false
}

// setLang is GET /lang/:code?next=: it remembers the language and goes back.
func (s *server) setLang(c *fiber.Ctx) error {
	v := "vi"
	if c.Params("code") == "en" {
		v = "en"
	}
	c.Cookie(&fiber.Cookie{
		Name: langCookie, Value: v, Path: "/", Expires: s.now().AddDate(1, 0, 0),
		Secure: s.Config.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode,
	})
	return redirect(c, safeNext(c.Query("next")))
}

// english is the English catalogue, keyed by the Vietnamese text.
var english = map[string]string{
	"Tổng hợp tuần":   "Weekly review",
	"Bài cần xem lại": "Posts to check",
	"Báo cáo kỳ":      "Period report",
	"Từ ngày":         "From",
	"Đến ngày":        "To",
	"đến ngày":        "to",
	"chưa có ngày nào của kỳ này kết thúc": "no day of this period is over yet",
	"số liệu tính đến hết ngày":            "figures up to the end of",
	"tuần trọn vẹn":                        "whole weeks",
	"Ngày đạt":                             "Days met",
	"Ngày chưa đạt":                        "Days short",
	"Ngày không xác định":                  "Days unknown",
	"Tỉ lệ ngày đạt":                       "Share of days met",
	"Tuần đạt":                             "Weeks met",
	"Tuần chưa đạt":                        "Weeks short",
	"Tuần không xác định":                  "Weeks unknown",
	"Tỉ lệ tuần đạt":                       "Share of weeks met",
	"Chưa có số liệu cho kỳ này.":          "No figures for this period yet.",
	"Tổng cộng":                            "Total",
	"bài cần xem lại":                      "posts to check",
	"Các bài không khớp quy tắc nào nên đang được tính là Khác. Nếu bài là tin tốt, câu chuyện đẹp hoặc bài đấu tranh phản bác, chọn đúng loại rồi bấm Lưu: chỉ tiêu của đơn vị được tính lại ngay.": "These posts matched no rule, so they count as Other. If a post is good news, a beautiful story or an ideology article, pick its kind and Save: the unit's quota is recomputed at once.",
	"chỉ hiện 300 bài đầu; lưu xong, tải lại trang để xem tiếp": "only the first 300 are shown; reload after saving to see more",
	"Không có bài nào cần xem lại trong tuần này.":              "No post to check this week.",
	"Đơn vị của tôi":            "My unit",
	"Nguồn tin":                 "Feeds",
	"Cảnh báo":                  "Alerts",
	"Quản trị":                  "Admin",
	"Đăng xuất":                 "Log out",
	"Hôm nay":                   "Today",
	"Tuần này":                  "This week",
	"Mức cơ bản":                "Baseline",
	"Mức phấn đấu":              "Target",
	"Đạt":                       "Met",
	"Không đạt":                 "Short",
	"Chưa đạt":                  "Not yet met",
	"Không xác định":            "Unknown",
	"Miễn":                      "Excused",
	"Không áp dụng":             "N/A",
	"Tin tốt":                   "Good news",
	"Câu chuyện đẹp":            "Story",
	"Đấu tranh phản bác":        "Ideology",
	"Khác":                      "Other",
	"Hoạt động tốt":             "Healthy",
	"Đang lỗi":                  "Failing",
	"Hỏng":                      "Broken",
	"Chưa kiểm tra":             "Not checked yet",
	"Tỉnh/Thành đoàn":           "Province",
	"Huyện/Quận đoàn":           "District",
	"Đoàn khối":                 "Bloc",
	"Xã/Phường":                 "Commune",
	"Cơ sở Đoàn":                "Grassroots",
	"Chuỗi ngày đạt":            "Streak (days met)",
	"tuần":                      "week",
	"năm":                       "year",
	"ngày":                      "days",
	"Còn lại":                   "Time left",
	"còn thiếu":                 "missing",
	"bài":                       "posts",
	"Hôm nay chưa đạt chỉ tiêu": "Today's quota is not met yet",
	"12 tuần gần đây":           "Last 12 weeks",
	"Bài viết gần đây":          "Recent posts",
	"Loại":                      "Kind",
	"Lý do":                     "Reason",
	"Không tính":                "Not counted",
	"Loại trừ":                  "Exclude",
	"Ghi chú":                   "Note",
	"Lưu":                       "Save",
	"Bỏ phân loại thủ công":     "Clear override",
	"Từ chối":                   "Reject",
	"Đã từ chối":                "Rejected",
	"Nộp bài thủ công":          "Submit a post by hand",
	"Đường dẫn bài viết":        "Post link",
	"Ngày đăng":                 "Published on",
	"Tiêu đề (không bắt buộc)":  "Title (optional)",
	"Gửi":                       "Submit",
	"Chưa có bài viết nào.":     "No posts yet.",
	"Chưa có nguồn tin nào.":    "No feeds yet.",
	"Tình trạng":                "State",
	"Lỗi gần nhất":              "Last error",
	"Lần đọc được gần nhất":     "Last success",
	"Đơn vị":                    "Unit",
	"Tuần":                      "Week",
	"Tuần trước":                "Previous week",
	"Tuần sau":                  "Next week",
	"Xem":                       "Show",
	"Chỉ đơn vị chưa đạt":       "Short units only",
	"Cấp trên":                  "Parent",
	"Loại đơn vị":               "Unit kind",
	"Tất cả":                    "All",
	"Sắp xếp":                   "Sort",
	"Xếp hạng":                  "Rank",
	"Tên":                       "Name",
	"Số ngày đạt":               "Days met",
	"Chuỗi":                     "Streak",
	"So với tuần trước":         "vs last week",
	"So với cùng kỳ tuần trước (%s–%s)": "vs the same days last week (%s–%s)",
	"thuộc":                "under",
	"chưa xác định số bài": "posts unknown",
	"Đề xuất của đơn vị chờ duyệt": "Units' proposals awaiting a decision",
	"Đơn vị không tự chấm bài của mình: thay đổi làm tăng số bài được tính chỉ có hiệu lực khi người duyệt cấp trên đồng ý.": "A unit does not grade its own posts: a change that raises what counts takes effect only once a reviewer above approves it.",
	"hiện tính là":               "now counted as",
	"Chờ duyệt":                  "Awaiting approval",
	"Mô hình phân loại":          "Classification model",
	"Phiên bản":                  "Version",
	"bài mẫu":                    "corpus posts",
	"quyết định của người duyệt": "reviewers' decisions",
	"Trên phần giữ lại, không dùng để huấn luyện": "On the held-out part, never trained on",
	"độ chính xác":          "accuracy",
	"độ chính xác / độ phủ": "precision / recall",
	"bài được tính cho ngày đúng là tin tốt hoặc câu chuyện đẹp":                                                       "posts counted for the day that really are good news or stories",
	"Mô hình được huấn luyện lại mỗi đêm từ các quyết định phân loại của người duyệt (hoặc: tintot classify retrain).": "The model is refitted every night on the reviewers' classification decisions (or: tintot classify retrain).",
	"Mô hình chưa chắc chắn": "The model is unsure",
	"Các bài không khớp quy tắc nào, hoặc mô hình chưa chắc chắn về loại bài. Chọn đúng loại rồi bấm Lưu: chỉ tiêu của đơn vị được tính lại ngay, và mô hình học từ quyết định này.": "Posts no rule recognised, or whose kind the model is unsure of. Pick the right kind and Save: the unit's quota is recomputed at once, and the model learns from the decision.",
	"đề xuất": "proposed",
	"Duyệt":   "Approve",
	"chỉ được tính khi người duyệt cấp trên đồng ý":                                                       "counts only once a reviewer above approves it",
	"Đã gửi đề xuất: thay đổi làm tăng số bài được tính chỉ có hiệu lực khi người duyệt cấp trên đồng ý.": "Proposal sent: a change that raises what counts takes effect only once a reviewer above approves it.",
	"Đã duyệt đề xuất; chỉ tiêu của đơn vị được tính lại.":                                                "Proposal approved; the unit's quota is recomputed.",
	"Đã từ chối đề xuất; bài viết giữ nguyên cách tính.":                                                  "Proposal rejected; the post counts as before.",
	"đánh giá hồi tố: trước lần đầu đọc được nguồn tin, không gửi cảnh báo":                               "in hindsight: before the feeds were first read, never alerted",
	"không xác định: nguồn tin lỗi hoặc chưa đọc được":                                                    "unknown: feeds failing or never read",
	"Chưa đến":                    "Not begun",
	"Tải Excel (XLSX)":            "Download Excel (XLSX)",
	"Tải CSV":                     "Download CSV",
	"In":                          "Print",
	"Tỉ lệ đơn vị đạt":            "Share of units met",
	"Không có đơn vị nào.":        "No units.",
	"Người nhận":                  "Recipients",
	"Tiêu đề":                     "Subject",
	"Trạng thái":                  "Status",
	"Tạo lúc":                     "Created",
	"Gửi lúc":                     "Sent",
	"Đang chờ gửi":                "Pending",
	"Đã gửi và đã ghi nhận":       "Sent and recorded",
	"Không có cảnh báo nào.":      "No alerts.",
	"Số lần lỗi":                  "Failures",
	"Thêm":                        "Add",
	"Xoá":                         "Delete",
	"Tài khoản":                   "Users",
	"Nhập danh sách đơn vị (CSV)": "Import units (CSV)",
	"Tải lên":                     "Upload",
	"Chỉ kiểm tra, không ghi":     "Check only, write nothing",
	"Mã":                          "Code",
	"Vai trò":                     "Role",
	"Mật khẩu (để trống để tạo tự động)": "Password (empty: generated)",
	"Thêm/sửa đơn vị":                    "Add/edit unit",
	"Thêm nguồn tin":                     "Add a feed",
	"Thêm tài khoản":                     "Add a user",
	"Tổng":                               "Total",
	"Chỉ tiêu tuần":                      "Weekly quota",
	"Chỉ tiêu ngày":                      "Daily quota",
	"Đổi trạng thái":                     "Change",
	"Tiếng Việt":                         "Tiếng Việt",
	"Sửa":                                "Edit",
	"Hoạt động từ":                       "Active from",
	"Đến":                                "Until",
	"chưa có":                            "none yet",
	"Quản trị viên":                      "Administrator",
	"Người duyệt":                        "Reviewer",
	"Quản trị đơn vị":                    "Unit admin",
	"Theo quy tắc":                       "By rules",
	"Xoá nguồn tin này?":                 "Delete this feed?",
	"Dòng":                               "Line",
	"Cột":                                "Column",
	"Tệp có lỗi, chưa ghi gì":            "The file has errors; nothing was written",
	"Kiểm tra xong, chưa ghi":            "Checked; nothing written",
	"Đã nhập":                            "Imported",
	"đơn vị":                             "units",
	"mới":                                "new",
	"cập nhật":                           "updated",
	"giữ nguyên":                         "unchanged",
	"nguồn tin mới":                      "new feeds",
	"Mật khẩu chỉ hiển thị một lần, hãy gửi cho người dùng.": "The password is shown only once; send it to the user.",
	"Nhắc: hôm nay chưa đạt":                                 "Reminder: today not met yet",
	"Không đạt chỉ tiêu ngày":                                "Daily quota missed",
	"Không đạt chỉ tiêu tuần":                                "Weekly quota missed",
	"Nguồn tin hỏng":                                         "Feed broken",
	"Nguồn tin đã phục hồi":                                  "Feed recovered",
	"Báo cấp trên":                                           "Escalation",
	"Điều chỉnh kết quả":                                     "Correction",
	"Đã gửi":                                                 "Sent",
	"Gửi thất bại":                                           "Failed",
	"Chỉ ghi nhận (không gửi thư)":                           "Recorded (no mail)",
	"Đã huỷ":                                                 "Canceled",
}
