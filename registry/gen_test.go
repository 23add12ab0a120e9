package registry

import (
	"fmt"
	"strings"
)

var (
	wardNames = []string{"Hồng Bàng", "Lê Chân", "Ngô Quyền", "Hải An", "Kiến An", "Đồ Sơn", "Dương Kinh",
		"Lạch Tray", "Cát Bi", "Đông Hải", "Thành Tô", "Nam Hải", "Tràng Cát", "Vĩnh Niệm", "Dư Hàng",
		"Hàng Kênh", "An Biên", "Gia Viên", "Đông Khê", "Máy Tơ", "Lãm Hà", "Bắc Sơn", "Ngọc Sơn",
		"Hợp Đức", "Minh Đức", "Bàng La", "Hòa Nghĩa", "Anh Dũng", "Hưng Đạo", "Đa Phúc"}
	communeWords = []string{"An", "Bình", "Cát", "Đại", "Đông", "Hòa", "Hưng", "Kiến", "Lạc", "Minh",
		"Nam", "Phú", "Quang", "Tân", "Thái", "Thanh", "Thủy", "Tiên", "Trung", "Vĩnh", "Xuân", "Yên"}
	communeTails = []string{"Lão", "Hải", "Thụy", "Phong", "Sơn", "Long", "Hòa", "Tiến", "Thịnh", "Hưng",
		"Đồng", "Lợi", "Phúc", "Khánh", "Quang", "Thành", "Bảo", "Định", "Đức", "Thắng", "Mỹ", "Lâm", "Hà"}
)

// registryCSV builds a realistic registry: one Thành đoàn, 30 wards, communes up to
// communes, and a bloc with grassroots units, each with 1–2 e-mails and feeds. The edit
// argument is appended to every commune name, to simulate an edited file.
func registryCSV(communes, grassroots int, edit string) string {
	var b strings.Builder
	b.WriteString("\ufeffmã,tên,loại,mã cấp trên,email,nguồn tin\r\n")
	b.WriteString("TD-HP,Thành đoàn Hải Phòng,Thành đoàn,,vanphong@thanhdoan.haiphong.vn,https://thanhdoan.haiphong.vn/rss\r\n")
	for i, n := range wardNames {
		slug := fmt.Sprintf("p%02d", i+1)
		fmt.Fprintf(&b, "P-%02d,Đoàn phường %s,phường,TD-HP,\"doan.%s@haiphong.gov.vn; bithu.%s@gmail.com\",\"https://%s.haiphong.gov.vn/rss; https://%s.haiphong.gov.vn/tin-tot/feed\"\r\n",
			i+1, n, slug, slug, slug, slug)
	}
	for i := range communes {
		name := communeWords[i%len(communeWords)] + " " + communeTails[(i/len(communeWords))%len(communeTails)]
		if i >= len(communeWords)*len(communeTails) {
			name += fmt.Sprintf(" %d", i)
		}
		kind := "xã"
		if i%17 == 0 {
			kind = "Đoàn thị trấn"
		}
		feeds := fmt.Sprintf("https://xa%03d.haiphong.gov.vn/rss", i+1)
		if i%3 == 0 {
			feeds += fmt.Sprintf(";https://xa%03d.haiphong.gov.vn/cau-chuyen-dep/feed", i+1)
		}
		fmt.Fprintf(&b, "X-%03d,Đoàn xã %s%s,%s,TD-HP,doanxa%03d@haiphong.gov.vn,%s\r\n", i+1, name, edit, kind, i+1, feeds)
	}
	b.WriteString("K-DN,Đoàn Khối Doanh nghiệp thành phố,Đoàn khối,TD-HP,doankhoidn@haiphong.gov.vn,https://doankhoidn.haiphong.gov.vn/rss\r\n")
	for i := range grassroots {
		fmt.Fprintf(&b, "CS-%02d,Đoàn cơ sở Công ty số %d,cơ sở,K-DN,doancs%02d@gmail.com,https://cs%02d.doankhoidn.vn/feed\r\n", i+1, i+1, i+1, i+1)
	}
	b.WriteString("\r\n\r\n")
	return b.String()
}
