package main

import (
	"errors"
	"fmt"
	"strings"
)

// tr translates the CLI's messages, as the pages do (handlers' lang.T): Vietnamese is the
// source language and the default; English, chosen with TINTOT_LANG=en or --lang en,
// comes from cliEnglish, keyed by the Vietnamese text (a format string where the message
// has values), and falls back to the Vietnamese for anything it lacks.
type tr struct{ en bool }

// T returns msg in the chosen language.
func (l tr) T(msg string) string {
	if l.en {
		if s, ok := cliEnglish[msg]; ok {
			return s
		}
	}
	return msg
}

// F formats the translation of the format string msg.
func (l tr) F(msg string, args ...any) string { return fmt.Sprintf(l.T(msg), args...) }

// E is F as an error (%w wraps as in fmt.Errorf).
func (l tr) E(msg string, args ...any) error { return fmt.Errorf(l.T(msg), args...) }

// pickLang chooses the language from TINTOT_LANG, overridden by a --lang flag anywhere in
// args ("--lang en", "--lang=en", "-lang en"), and returns args without that flag. "vi"
// and "en" are accepted, in any case and with a region or encoding ("en_US.UTF-8").
func pickLang(args []string, getenv func(string) string) (tr, []string, error) {
	value, from := getenv("TINTOT_LANG"), "TINTOT_LANG"
	rest := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, v, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "lang" {
			rest = append(rest, a)
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return tr{}, nil, errors.New("--lang: cần giá trị vi hoặc en (needs vi or en)")
			}
			i++
			v = args[i]
		}
		value, from = v, "--lang"
	}
	code := strings.ToLower(strings.TrimSpace(value))
	if i := strings.IndexAny(code, "-_."); i >= 0 {
		code = code[:i]
	}
	switch code {
	case "", "vi":
		return tr{}, rest, nil
	case "en":
		return tr{en: true}, rest, nil
	}
	return tr{}, nil, fmt.Errorf("%s=%q: chỉ hỗ trợ vi hoặc en (supported: vi, en)", from, value)
}

// cliEnglish is the English catalogue, keyed by the Vietnamese text.
var cliEnglish = map[string]string{
	// help
	"tintot — theo dõi chiến dịch \"Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp\"":     "tintot — tracks the campaign \"Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp\" (one piece of good news every day, one beautiful story every week)",
	"Cách dùng: tintot [--lang vi|en] LỆNH [tham số]   (tintot LỆNH --help để xem chi tiết)": "Usage: tintot [--lang vi|en] COMMAND [flags]   (tintot COMMAND --help for details)",
	"Các lệnh:": "Commands:",
	"Cấu hình lấy từ các biến môi trường TINTOT_* (xem README.md). Ngôn ngữ: TINTOT_LANG=en hoặc --lang en để dùng tiếng Anh.": "Configuration comes from TINTOT_* environment variables (see README.md). Language: TINTOT_LANG=vi or --lang vi for Vietnamese (the default).",
	"Cách dùng: tintot %s": "Usage: tintot %s",
	"không có lệnh %q":     "unknown command %q",

	// command descriptions
	"chạy dịch vụ web, bộ đọc nguồn tin và bộ lập lịch":                                         "run the web service, poller and scheduler",
	"nhập hoặc cập nhật danh sách đơn vị và nguồn tin (--check: tìm nguồn tin sau mỗi địa chỉ)": "import or update the registry of units and feeds (--check: find the feed behind each address)",
	"in cây đơn vị": "print the tree of units",
	"đọc một lần các nguồn tin đến hạn (hoặc tất cả)":                                      "poll due (or all) feeds once",
	"liệt kê các nguồn tin đang lỗi":                                                       "list feeds that are not ok",
	"in bảng tổng hợp tuần":                                                                "print the weekly review",
	"áp dụng lại quy tắc cho các bài chưa được phân loại thủ công":                         "re-apply rules to posts without an override",
	"huấn luyện lại mô hình phân loại theo quyết định của người duyệt, hoặc mô tả mô hình": "refit the classification model on the reviewers' decisions, or describe it",
	"quản lý tài khoản":                                                                    "manage accounts",
	"sao lưu cơ sở dữ liệu SQLite ra FILE trong khi tintot đang chạy":                      "copy the SQLite database to FILE while tintot runs",
	"in phiên bản": "print the version",

	// serve
	"tạo một tỉnh mẫu (cơ sở dữ liệu riêng, mặc định sqlite://./data/demo.db) với nguồn tin phục vụ từ máy này": "seed a demo province (separate database, default sqlite://./data/demo.db) served from a loopback feed server",
	"serve: không mở được cổng %s: %w": "serve: unable to listen on %s: %w",

	// import
	"kiểm tra tệp và báo cáo, không ghi gì": "check the file and report, write nothing",
	"mở từng địa chỉ nguồn tin, thay địa chỉ trang web bằng nguồn tin tìm thấy, báo lỗi địa chỉ không có nguồn tin": "open every feed address, replace a web page's address by the feed found behind it, report addresses without a feed",
	"Đang kiểm tra %d/%d: %s": "Checking %d/%d: %s",
	"import: %d lỗi ở %d dòng, tệp bị từ chối, không có thay đổi nào được ghi":                                      "import: %d errors on %d lines; the file was rejected, nothing was written",
	"dòng %d (mã %s): %s → nguồn tin %s (%s)":                                                                       "line %d (code %s): %s → feed %s (%s)",
	"Đã nhập %d đơn vị trong %s: %d mới, %d cập nhật, %d giữ nguyên, %d nguồn tin mới":                              "imported %d units in %s: %d created, %d updated, %d unchanged, %d feeds added",
	"Đã kiểm tra (chạy thử, không ghi gì) %d đơn vị trong %s: %d mới, %d cập nhật, %d giữ nguyên, %d nguồn tin mới": "checked (dry run, nothing written) %d units in %s: %d created, %d updated, %d unchanged, %d feeds added",
	"Đã kiểm tra %d địa chỉ nguồn tin, thay %d địa chỉ trang bằng nguồn tin tìm thấy":                               "checked %d feed addresses, replaced %d page addresses by the feed found",

	// poll
	"đọc một lần rồi thoát (bắt buộc)":                              "poll once and exit (required)",
	"chỉ các nguồn tin của đơn vị này":                              "only the feeds of this unit",
	"đọc mọi nguồn tin được chọn, dù chưa đến hạn":                  "poll every selected feed, due or not",
	"poll: cần --once (việc đọc định kỳ chạy trong `tintot serve`)": "poll: --once is required (continuous polling runs inside `tintot serve`)",
	"poll: đơn vị %q: %w":                                           "poll: unit %q: %w",
	"poll: không có đơn vị %q":                                      "poll: no unit %q",
	"import: không mở được tệp %s: %s":                              "import: unable to open %s: %s",
	"import: %s: %w":                                 "import: %s: %w",
	"tệp không tồn tại":                              "no such file",
	"không có quyền đọc tệp":                         "permission denied",
	"backup: không có thư mục %s để ghi bản sao lưu": "backup: no folder %s to write the backup in",
	"poll: không huấn luyện được mô hình phân loại, các bài mới đã được phân loại chỉ bằng quy tắc: %w": "poll: the classification model could not be fitted, new posts were classified by the rules alone: %w",
	"ĐƠN VỊ\tNGUỒN TIN LỖI\tLÝ DO":                                "UNIT\tFAILED FEED\tREASON",
	"Không có nguồn tin nào đến hạn đọc.":                         "No feed was due.",
	"poll: cả %d nguồn tin đều lỗi, không đọc được nguồn tin nào": "poll: all %d feeds failed, none could be read",

	// feeds health
	"liệt kê mọi nguồn tin, cả nguồn tin hoạt động tốt":           "list every feed, ok ones too",
	"Tất cả nguồn tin đều hoạt động tốt.":                         "Every feed is ok.",
	"ĐƠN VỊ\tTRẠNG THÁI\tSỐ LẦN LỖI\tĐỌC ĐƯỢC LẦN CUỐI\tURL\tLỖI": "UNIT\tSTATE\tFAILURES\tLAST SUCCESS\tURL\tERROR",
	"Hoạt động tốt": "ok",
	"Đang lỗi":      "failing",
	"Hỏng":          "broken",
	"Chưa kiểm tra": "new",

	// evaluate, reclassify
	"tuần ISO, ví dụ 2026-W48 (mặc định: tuần hiện tại)": "ISO week, e.g. 2026-W48 (default: the current week)",
	"chỉ các đơn vị thuộc đơn vị này":                    "only the units under this unit",
	"table, json hoặc csv":                               "table, json or csv",
	"evaluate: --format %q: dùng table, json hoặc csv":   "evaluate: --format %q: use table, json or csv",
	"evaluate: --week: %w":                               "evaluate: --week: %w",
	"evaluate: không có đơn vị %q":                       "evaluate: unit %q not found",
	"chỉ các bài của đơn vị này":                         "only this unit's posts",
	"chỉ các bài từ ngày này (giờ Việt Nam)":             "only posts from this local day on",
	"reclassify: --since: %w":                            "reclassify: --since: %w",

	// classify
	"Đã huấn luyện lại mô hình %s; bài của tuần đang mở: %s":               "Model %s refitted; the open week's posts: %s",
	"Mô hình %s: %d bài mẫu của bộ dữ liệu, %d quyết định của người duyệt": "Model %s: %d corpus posts, %d reviewers' decisions",
	"Trên phần giữ lại (%d bài, không dùng để huấn luyện): đúng loại %s; câu chuyện đẹp: chính xác %s, độ phủ %s; tin tốt: độ phủ %s; đấu tranh phản bác: chính xác %s; bài được tính cho ngày đúng là tin tốt hoặc câu chuyện đẹp: %s": "On the held-out posts (%d, not used for training): accuracy %s; stories: precision %s, recall %s; good news: recall %s; ideology: precision %s; posts counted for the day that really are good news or stories: %s",

	// user
	"e-mail (tên đăng nhập)":          "e-mail (login)",
	"họ và tên":                       "full name",
	"admin, reviewer hoặc unit_admin": "admin, reviewer or unit_admin",
	"mã đơn vị của tài khoản (reviewer: cả các đơn vị cấp dưới)":           "unit code the user is scoped to (reviewer: its subtree)",
	"mật khẩu (để trống thì tạo ngẫu nhiên và in ra)":                      "password (generated and printed if empty)",
	"Đã tạo tài khoản %s (%s)":                                             "created %s (%s)",
	"Mật khẩu: %s":                                                         "password: %s",
	"Đã đổi mật khẩu của %s; các phiên đăng nhập của tài khoản đã bị đóng": "password changed for %s; their sessions were ended",
	"EMAIL\tHỌ TÊN\tVAI TRÒ\tĐƠN VỊ\tĐÃ KHOÁ":                              "EMAIL\tNAME\tROLE\tUNIT\tDISABLED",
	"có": "yes",

	// backup
	"backup: cơ sở dữ liệu là MongoDB: hãy dùng mongodump (xem deploy/BACKUP.md)": "backup: the database is MongoDB: use mongodump (see deploy/BACKUP.md)",
	"Đã sao lưu %s vào %s (%.1f MB, kiểm tra toàn vẹn đạt) trong %s":              "backed up %s to %s (%.1f MB, integrity ok) in %s",
}
