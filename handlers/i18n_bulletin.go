package handlers

import "strings"

// The e-bulletin and honour-roll pages add these English words to the catalogue.
func init() {
	for k, v := range bulletinEnglish {
		english[k] = v
	}
}

// Quarter names a quarter label ("Quý IV/2026") in the page's language.
func (l lang) Quarter(label string) string {
	if l.en {
		return strings.Replace(label, "Quý ", "Quarter ", 1)
	}
	return label
}

// bulletinEnglish is the English catalogue of the bulletin and honour-roll pages, keyed
// by the Vietnamese text.
var bulletinEnglish = map[string]string{
	"Bản tin":         "Bulletin",
	"Bản tin điện tử": "E-bulletin",
	"Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp": "One piece of good news every day, one beautiful story every week",
	"Quý":    "Quarter",
	"Đã gửi": "Sent",
	"đơn vị chưa có e-mail: chỉ lưu, không gửi": "the unit has no e-mail: kept, not mailed",
	"Xem bản đã gửi": "View the issue as sent",
	"Bản đã gửi được giữ nguyên, không sửa được.":     "The issue is kept as it was sent and cannot be changed.",
	"Kết quả thực hiện trong quý":                     "Results of the quarter",
	"đơn vị có chỉ tiêu":                              "units with quotas",
	"Đơn vị tiêu biểu":                                "Best units",
	"ngày đạt":                                        "of days met",
	"Chưa có đơn vị nào đạt chỉ tiêu ngày trong quý.": "No unit met the daily quota in the quarter.",
	"Tin tốt, câu chuyện đẹp trong quý":               "Good news and stories of the quarter",
	"Bản tin đã gửi không có câu chuyện nào.":         "The issue sent had no story.",
	"Sắp xếp: ghi số thứ tự (1 là đầu tiên); đánh dấu \"Bỏ ra\" để không đưa vào bản tin. Bấm \"Lưu thứ tự\" trước khi gửi.": "Order: type each story's place (1 first); tick \"Leave out\" to keep it out of the issue. Press \"Save order\" before sending.",
	"Thứ tự":     "Place",
	"Bỏ ra":      "Leave out",
	"Đã bỏ ra":   "Left out",
	"Lưu thứ tự": "Save order",
	"Quý này chưa có câu chuyện nào được chọn đăng. Chọn bài trên trang của đơn vị (nút \"Chọn đăng bản tin\").": "No story was picked for this quarter yet. Pick posts on a unit's page (\"Pick for the bulletin\").",
	"Gửi bản tin qua e-mail tới":                              "Mail the bulletin to",
	"đơn vị chưa có e-mail: bản tin chỉ được lưu":             "the unit has no e-mail: the issue is only kept",
	"Sau khi gửi, bản tin được giữ nguyên và không sửa được.": "Once sent, the issue is kept as it is and cannot be changed.",
	"Gửi bản tin":          "Send the bulletin",
	"Chọn đăng bản tin":    "Pick for the bulletin",
	"Đã chọn đăng bản tin": "Picked for the bulletin",
	"Bỏ chọn":              "Unpick",
	"Lời giới thiệu":       "Editor's note",
	"Đề nghị tuyên dương":  "Commendation proposals",
	"Tập thể, cá nhân tiêu biểu được phát hiện qua Cuộc vận động, nêu trong các câu chuyện đã chọn đăng bản tin: người duyệt đề xuất, danh sách được xuất Excel để tuyên dương hằng năm.": "Outstanding groups and people found through the campaign, named in the stories picked for the bulletin: reviewers propose them, and the list is exported to Excel for the yearly commendation.",
	"Năm":               "Year",
	"Danh sách đề nghị": "Proposals",
	"Câu chuyện":        "Story",
	"Người đề xuất":     "Proposed by",
	"Xoá":               "Delete",
	"Chưa có đề nghị nào trong năm.":                            "No proposal this year yet.",
	"Thêm đề nghị":                                              "Add a proposal",
	"Câu chuyện đã chọn đăng bản tin":                           "Story picked for the bulletin",
	"Tập thể hoặc cá nhân (để trống: tuyên dương chính đơn vị)": "Group or person (empty: the unit itself)",
	"Lý do đề nghị":                                             "Reason",
	"Ghi đề nghị":                                               "Save the proposal",
	"Năm này chưa có câu chuyện nào được chọn đăng bản tin: chọn bài trên trang của đơn vị trước.": "No story was picked for the bulletin this year: pick posts on a unit's page first.",
	"Đã chọn đăng bài viết vào bản tin quý.":                                                       "Post picked for the quarterly bulletin.",
	"Đã bỏ chọn bài viết khỏi bản tin.":                                                            "Post removed from the bulletin.",
	"Đã lưu thứ tự bản tin.":                                                                       "Bulletin order saved.",
	"Đã gửi bản tin; bản đã gửi được lưu lại nguyên vẹn.":                                          "Bulletin sent; the issue is kept as it was sent.",
	"Đã ghi đề nghị tuyên dương.":                                                                  "Proposal saved.",
	"Đã xoá đề nghị tuyên dương.":                                                                  "Proposal deleted.",
	"Tuyên dương":                                                                                  "Commendations",
}
