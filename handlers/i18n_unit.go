package handlers

import (
	"time"

	"tintot/models"
)

// The unit dashboard's calendar and post list, the alerts page's filters and the error
// page add these English words to the catalogue, and one template helper.
func init() {
	for k, v := range unitEnglish {
		english[k] = v
	}
	// clockVN is the local time of day of a post ("08:24").
	pageFuncs["clockVN"] = func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(models.Vietnam).Format("15:04")
	}
}

// unitEnglish is the English catalogue of this file's pages, keyed by the Vietnamese text.
var unitEnglish = map[string]string{
	// calendar
	"T2": "Mon", "T3": "Tue", "T4": "Wed", "T5": "Thu", "T6": "Fri", "T7": "Sat", "CN": "Sun",
	"Thứ Hai": "Monday", "Thứ Ba": "Tuesday", "Thứ Tư": "Wednesday", "Thứ Năm": "Thursday",
	"Thứ Sáu": "Friday", "Thứ Bảy": "Saturday", "Chủ nhật": "Sunday",
	"đánh giá hồi tố":     "judged in hindsight",
	"Đóng":                "Close",
	"Bài viết trong ngày": "Posts of the day",
	"Không có bài viết nào trong ngày này.":                                  "No posts on this day.",
	"Chọn một ngày trên lịch để xem tình trạng và các bài viết của ngày đó.": "Pick a day on the calendar to see its status and its posts.",
	// post list
	"Lọc":    "Filter",
	"Bỏ lọc": "Clear filters",
	"Không có bài viết nào ở trang này.": "No posts on this page.",
	"Về trang đầu":                       "Back to the first page",
	"Không có bài viết nào khớp bộ lọc.": "No posts match the filters.",
	"Trang":       "Page",
	"Trang trước": "Previous page",
	"Trang sau":   "Next page",
	// error page
	"Lỗi":          "Error",
	"Quay lại":     "Back",
	"Về trang chủ": "Home",
	// alerts page
	"30 ngày qua":    "Last 30 days",
	"Loại cảnh báo":  "Alert type",
	"Ngày tạo từ":    "Created from",
	"đến":            "to",
	"Tuần tạo":       "Week created",
	"Mọi trạng thái": "Any status",
	"Mọi loại":       "Any type",
	"Mọi đơn vị":     "Any unit",
	"Không có cảnh báo nào khớp bộ lọc.":                                       "No alerts match the filters.",
	"chỉ hiện %d cảnh báo mới nhất; thu hẹp bộ lọc để xem các cảnh báo cũ hơn": "only the newest %d alerts are shown; narrow the filters to see older ones",
}
