// Package demo seeds a clearly marked demo province and serves its units' feeds from an
// in-process server on loopback, so a newcomer sees a populated dashboard, weekly review
// and alert log with one command (`tintot serve --demo`).
package demo

import (
	"fmt"
	"math/rand/v2"

	"tintot/models"
)

// demoUnit is one unit of the demo province with how diligently it posts.
type demoUnit struct {
	unit      models.Unit
	diligence float64 // chance of a good-news post on a given day
	stories   float64 // chance of a story in a given week
	ideology  float64 // chance of an ideology article per day (province, grassroots)
	feed      string  // "rss", "atom", "json", "broken", "" (manual only)
}

// Province is the code of the demo's Thành đoàn.
const Province = "DEMO-TD"

var wardNames = []string{
	"Phường Hoàn Kiếm", "Phường Ba Đình", "Phường Ngọc Hà", "Phường Giảng Võ", "Phường Hai Bà Trưng",
	"Phường Vĩnh Tuy", "Phường Bạch Mai", "Phường Đống Đa", "Phường Kim Liên", "Phường Văn Miếu - Quốc Tử Giám",
	"Phường Láng", "Phường Ô Chợ Dừa", "Phường Hồng Hà", "Phường Lĩnh Nam", "Phường Hoàng Mai",
}

var communeNames = []string{
	"Xã Sóc Sơn", "Xã Đa Phúc", "Xã Nội Bài", "Xã Trung Giã", "Xã Kim Anh", "Xã Đông Anh",
	"Xã Phúc Thịnh", "Xã Thư Lâm", "Xã Thiên Lộc", "Xã Vĩnh Thanh", "Xã Mê Linh", "Xã Yên Lãng",
	"Xã Tiến Thắng", "Xã Quang Minh", "Xã Gia Lâm", "Xã Thuận An", "Xã Bát Tràng", "Xã Phù Đổng",
}

var grassrootsNames = []string{"Đoàn Trường THPT Chu Văn An", "Đoàn Bệnh viện Thanh Nhàn", "Đoàn Công ty Điện lực"}

// units builds the demo hierarchy deterministically.
func units() []demoUnit {
	var out []demoUnit
	add := func(code, name string, kind models.UnitKind, parent string, dil, st, ideo float64, feed string) {
		out = append(out, demoUnit{
			unit: models.Unit{
				Code: code, Name: name, Kind: kind, ParentCode: parent,
				Emails: []string{fmt.Sprintf("%s@demo.tintot.local", lower(code))},
			},
			diligence: dil, stories: st, ideology: ideo, feed: feed,
		})
	}
	add(Province, "Thành đoàn Demo (dữ liệu mẫu)", models.UnitProvince, "", 0.9, 0.9, 0.5, "rss")
	r := rand.New(rand.NewPCG(7, 11))
	for i, n := range wardNames {
		feed := []string{"rss", "atom", "json"}[i%3]
		dil := 0.55 + r.Float64()*0.45
		if i == 3 {
			feed = "broken"
		}
		add(fmt.Sprintf("DEMO-P%02d", i+1), n+" (mẫu)", models.UnitCommune, Province, dil, 0.5+r.Float64()*0.5, 0, feed)
	}
	for i, n := range communeNames {
		feed := []string{"rss", "json", "atom"}[i%3]
		dil := 0.35 + r.Float64()*0.65
		if i == 5 {
			feed = "" // Facebook-only page: submits by hand
		}
		add(fmt.Sprintf("DEMO-X%02d", i+1), n+" (mẫu)", models.UnitCommune, Province, dil, 0.3+r.Float64()*0.7, 0, feed)
	}
	add("DEMO-KHOI", "Đoàn khối Doanh nghiệp Demo (mẫu)", models.UnitBloc, Province, 0.8, 0.5, 0, "rss")
	for i, n := range grassrootsNames {
		add(fmt.Sprintf("DEMO-CS%02d", i+1), n+" (mẫu)", models.UnitGrassroots, "DEMO-KHOI", 0.3, 0.2, 0.3+0.2*float64(i), "rss")
	}
	return out
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// Post templates. %s is replaced by a place name.
var goodNews = []string{
	"Đoàn viên %s ra quân dọn vệ sinh môi trường, trồng 200 cây xanh",
	"Tuổi trẻ %s hiến máu tình nguyện, tiếp nhận 120 đơn vị máu",
	"%s: trao 50 suất quà cho học sinh có hoàn cảnh khó khăn",
	"Thanh niên %s hỗ trợ người dân cài đặt VNeID và dịch vụ công trực tuyến",
	"%s khánh thành \"Đường cờ Tổ quốc\" do đoàn viên đóng góp",
	"Chương trình \"Chủ nhật xanh\" tại %s thu hút hơn 300 đoàn viên",
	"Đoàn %s tổ chức lớp học bơi miễn phí cho thiếu nhi",
	"Đội hình thanh niên tình nguyện %s sửa chữa nhà cho hộ nghèo",
}

var stories = []string{
	"Gương người tốt việc tốt: anh bí thư chi đoàn %s nhặt được ví trả lại người mất",
	"Câu chuyện đẹp: cô giáo trẻ %s 5 năm dạy chữ miễn phí cho trẻ em khó khăn",
	"Thanh niên tiêu biểu %s: từ thợ sửa xe thành chủ hợp tác xã",
	"Gương sáng %s: nữ sinh lớp 11 cứu bạn đuối nước",
}

var ideology = []string{
	"Đấu tranh phản bác quan điểm sai trái về vai trò lãnh đạo của Đảng trên mạng xã hội",
	"Bảo vệ nền tảng tư tưởng của Đảng: nhận diện thủ đoạn xuyên tạc lịch sử",
	"Tỉnh táo trước các quan điểm sai trái, thù địch về bầu cử",
}

var other = []string{
	"%s tổ chức hội nghị sơ kết công tác Đoàn quý",
	"Thông báo lịch sinh hoạt chi đoàn tháng này tại %s",
	"%s triển khai kế hoạch đại hội chi đoàn nhiệm kỳ mới",
}

var hashGood = []string{"#MỗiNgàyMộtTinTốt", "#moingaymottintot", "#TinTot", "#Mỗi_ngày_một_tin_tốt", ""}
var hashStory = []string{"#CauChuyenDep", "#MỗiTuầnMộtCâuChuyệnĐẹp", "#câuchuyệnđẹp"}
