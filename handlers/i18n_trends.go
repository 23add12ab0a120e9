package handlers

// The trends (trào lưu) pages add these English words to the catalogue.
func init() {
	for k, v := range trendsEnglish {
		english[k] = v
	}
}

// trendsEnglish is the English catalogue of the trends pages and the yearly trend
// target, keyed by the Vietnamese text.
var trendsEnglish = map[string]string{
	"Trào lưu":               "Trends",
	"Trào lưu năm":           "Trends of",
	"Xem các trào lưu":       "See the trends",
	"chưa bắt buộc":          "not yet obligatory",
	"trào lưu được tính (từ": "trends count (from",
	"đơn vị tham gia)":       "units joining)",
	"Năm":                    "Year",
	"Ngày":                   "Day",
	"Số bài":                 "Posts",
	"Đơn vị tổ chức":         "Organised by",
	"Thời gian":              "Dates",
	"Đơn vị tham gia":        "Units that joined",
	"đơn vị tham gia":        "units joined",
	"Tính vào chỉ tiêu":      "Counts toward the target",
	"Có":                     "Yes",
	"Chưa đủ đơn vị":         "Too few units",
	"Chưa có trào lưu nào trong năm này.":                                         "No trend registered in this year.",
	"Một trào lưu được tính vào chỉ tiêu năm bắt đầu của nó khi có ít nhất":       "A trend counts toward the target of the year it starts in once at least",
	"đơn vị cấp dưới đăng bài mang hashtag của trào lưu trong thời gian diễn ra.": "units below the organiser post with one of its hashtags while it runs.",
	"Đăng ký trào lưu": "Register a trend",
	"Tên trào lưu":     "Name of the trend",
	"Hashtag (cách nhau bằng dấu phẩy hoặc dấu cách)": "Hashtags (separated by commas or spaces)",
	"Ngày bắt đầu":               "First day",
	"Ngày kết thúc":              "Last day",
	"Mô tả (không bắt buộc)":     "Description (optional)",
	"Đăng ký":                    "Register",
	"chưa bắt đầu":               "not started",
	"đã kết thúc":                "over",
	"đang diễn ra":               "running",
	"Được tính vào chỉ tiêu năm": "Counts toward the yearly target",
	"Chưa đủ đơn vị tham gia để được tính vào chỉ tiêu năm": "Too few units joined to count toward the yearly target",
	"Bài đầu tiên": "First post",
	"Chưa có đơn vị nào đăng bài mang hashtag của trào lưu.": "No unit has posted with the trend's hashtags yet.",
	"Bài tiêu biểu": "Top posts",
	"Các bài mới nhất, mỗi đơn vị tối đa hai bài.": "The newest posts, at most two per unit.",
	"Chưa có bài nào.": "No post yet.",
	"Số bài mang hashtag của trào lưu theo ngày, từ %s đến %s":                                "Posts with the trend's hashtags per day, %s to %s",
	"Mỗi cột là số bài của các đơn vị mang một trong các hashtag của trào lưu trong ngày đó.": "Each column is the number of the units' posts carrying one of the trend's hashtags that day.",
	"Trào lưu chưa bắt đầu.": "The trend has not started.",
	"Đã đăng ký trào lưu.":   "Trend registered.",
	"Sửa hoặc xoá trào lưu":  "Correct or delete the trend",
	"Xoá trào lưu":           "Delete the trend",
	"Xoá hẳn trào lưu này (không tính vào chỉ tiêu năm nữa)": "Delete this trend for good (it no longer counts toward the yearly target)",
	"Đã lưu trào lưu; số đơn vị tham gia được tính lại.":     "Trend saved; the units that joined are counted again.",
	"Đã xoá trào lưu.":                                       "Trend deleted.",
	"Đánh dấu ô xác nhận để xoá trào lưu":                    "Tick the confirmation box to delete the trend",
	"Chỉ người duyệt và quản trị viên sửa hoặc xoá trào lưu": "Only reviewers and admins correct or delete trends",
}
