package handlers

// The weekly review's search, filters, pages and charts, and the period report's chart,
// add these English words to the catalogue.
func init() {
	for k, v := range reviewEnglish {
		english[k] = v
	}
}

// reviewEnglish is the English catalogue of the review and report pages, keyed by the
// Vietnamese text.
var reviewEnglish = map[string]string{
	// search, filters and downloads
	"Tìm đơn vị":              "Find a unit",
	"Tên hoặc mã đơn vị":      "Unit name or code",
	"Trạng thái (mức cơ bản)": "Status (baseline)",
	"Theo các chỉ tiêu mức cơ bản (ngày và tuần): có ít nhất một chỉ tiêu không đạt, chưa đạt hoặc không xác định; Đạt là đạt mọi chỉ tiêu.": "By the baseline quotas (daily and weekly): at least one quota short, not yet met or unknown; Met means every quota met.",
	"Không có nguồn tin":           "No feed",
	"Bỏ lọc":                       "Clear filters",
	"Tệp tải về gồm toàn bộ":       "Downloads hold all",
	"không theo bộ lọc":            "filters not applied",
	"phù hợp":                      "matching",
	"Không có đơn vị nào phù hợp.": "No unit matches.",
	// pages
	"Trang":                     "Page",
	"Trước":                     "Previous",
	"Sau":                       "Next",
	"Chia trang":                "Split into pages",
	"Xem tất cả trên một trang": "All on one page",
	// charts
	"Biểu đồ": "Charts",
	"Tỉ lệ đơn vị đạt chỉ tiêu, %d tuần đến tuần %s": "Share of units meeting each quota, %d weeks to week %s",
	"Mỗi đường là một chỉ tiêu mức cơ bản: chỉ tiêu ngày theo từng ngày, chỉ tiêu tuần theo từng tuần. Tỉ lệ tính trên các đơn vị xác định được (không tính đơn vị không xác định).": "One line per baseline quota: the daily quota day by day, each weekly quota week by week. Shares are of the units that could be judged (units unknown are left out).",
	"Tuần (ngày thứ Hai)": "Week (its Monday)",
	"Chỗ trống: ngày hoặc tuần chưa bắt đầu, hoặc không đơn vị nào xác định được (không phải 0%).": "Gaps: days or weeks not begun, or in which no unit could be judged (not 0%).",
	"Số đơn vị theo số ngày đạt chỉ tiêu ngày, tuần %s":                                            "Units by days the daily quota was met, week %s",
	"%d đơn vị có chỉ tiêu ngày, chia theo số ngày trong tuần đạt chỉ tiêu ngày (mức cơ bản).":     "%d units with a daily quota, by how many days of the week they met it (baseline).",
	"Số ngày đạt trong tuần": "Days met in the week",
	"Số đơn vị":              "Units",
	"%d đơn vị chưa có ngày nào xác định được (không tính vào biểu đồ).": "%d units without a day that could be judged yet (left out of the chart).",
	"%d ngày: %d đơn vị":                         "%d days: %d units",
	"Tỉ lệ đạt chỉ tiêu theo tuần, từ %s đến %s": "Share of quotas met week by week, %s to %s",
	"Chỉ tiêu ngày: tỉ lệ số ngày đạt trên số ngày xác định được của các đơn vị trong tuần. Chỉ tiêu tuần: tỉ lệ đơn vị đạt mọi chỉ tiêu tuần mức cơ bản, chỉ với tuần trọn vẹn trong kỳ.": "Daily quota: the share of the units' days met among the days that could be judged in the week. Weekly quota: the share of units that met every baseline weekly quota, for the weeks wholly inside the period.",
	"Tỉ lệ đạt": "Share met",
	// channel coverage
	"Kênh thông tin": "Information channels",
	"đơn vị cấp xã, trường học, cơ quan có kênh thông tin hoạt động trong 7 ngày qua": "commune-level units, schools and offices with a channel working in the last 7 days",
	"mức 2025": "2025 level",
	"mức 2030": "2030 level",
	"Không có đơn vị cấp xã, trường học, cơ quan nào.": "No commune-level unit, school or office.",
	"Đơn vị chưa có kênh hoạt động":                    "Units without a working channel",
	"và":          "and",
	"đơn vị khác": "other units",
	"Kênh hoạt động: nguồn tin đọc được, hoặc có bài nộp thủ công, trong 7 ngày trước":                                                       "Working channel: a feed read, or a post submitted by hand, in the 7 days before",
	"Chỗ trống: tuần chưa kết thúc ngày nào, tuần không trọn trong kỳ (chỉ tiêu tuần), hoặc không đơn vị nào xác định được (không phải 0%).": "Gaps: weeks with no day over yet, weeks cut by the period (weekly quota), or weeks in which no unit could be judged (not 0%).",
	"ngày-đơn vị": "unit-days",
	"tạm tính":    "provisional",
	"Chấm rỗng: hôm nay hoặc tuần đang diễn ra, tạm tính (đơn vị chưa đăng được tính là chưa đạt).": "Hollow dots: today or the week under way, provisional (units that have not posted yet count as not met).",
}
