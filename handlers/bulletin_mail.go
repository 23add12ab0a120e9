package handlers

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"

	"tintot/models"
)

// bulletinSubject is the e-mail subject of an issue.
func bulletinSubject(b models.Bulletin) string {
	s := "[Bản tin] Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp — " + b.Label
	if b.ParentName != "" {
		s += " — " + b.ParentName
	}
	return s
}

// bulletinFigure is one line of an issue's figures.
type bulletinFigure struct{ Label, Value string }

// bulletinFigures are the quarter's figures as the issue states them: posts, the share
// of unit-days and unit-weeks that met the baseline quotas, and channel coverage.
func bulletinFigures(b models.Bulletin) []bulletinFigure {
	t := b.Report.Total
	share := func(c models.StatusCounts, unit string) string {
		known := c.Met + c.Short + c.AtRisk
		if known == 0 {
			return "chưa xác định được"
		}
		return fmt.Sprintf("%.0f%% (%d/%d %s)", c.ShareMet*100, c.Met, known, unit)
	}
	out := []bulletinFigure{
		{"Đơn vị có chỉ tiêu", fmt.Sprint(len(b.Report.Rows))},
		{"Tin tốt", fmt.Sprint(t.Posts[models.KindGoodNews])},
		{"Câu chuyện đẹp", fmt.Sprint(t.Posts[models.KindStory])},
		{"Bài đấu tranh phản bác", fmt.Sprint(t.Posts[models.KindIdeology])},
		{"Chỉ tiêu ngày (mức cơ bản): tỉ lệ ngày đạt", share(t.Days, "ngày-đơn vị")},
		{"Chỉ tiêu tuần (mức cơ bản): tỉ lệ tuần đạt", share(t.Weeks, "tuần-đơn vị")},
	}
	if c := b.Report.ChannelCoverage; c != nil && c.Units > 0 {
		out = append(out, bulletinFigure{"Đơn vị cấp xã, trường học, cơ quan có kênh thông tin hoạt động",
			fmt.Sprintf("%.0f%% (%d/%d; mức 2025: 80%%, mức 2030: 100%%)", c.Share*100, c.Working, c.Units)})
	}
	return out
}

// bulletinMailData is what the e-mail template receives.
type bulletinMailData struct {
	B       models.Bulletin
	Title   string
	Period  string
	Figures []bulletinFigure
	Made    string
}

// The e-mail is plain semantic HTML without style attributes: mail programs show it
// well, and the copy kept as sent is shown by tintot itself under its CSP.
var bulletinMailTmpl = template.Must(template.New("bulletin").Funcs(template.FuncMap{"dateVN": dateText, "pct100": func(f float64) float64 { return f * 100 }}).Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body>
<h1>Bản tin "Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp"</h1>
<p><strong>{{.B.Label}}</strong>{{if .B.ParentName}} · {{.B.ParentName}}{{end}} · {{.Period}}</p>
<h2>Kết quả thực hiện trong quý</h2>
<table border="1" cellpadding="6" cellspacing="0">
{{range .Figures}}<tr><th align="left">{{.Label}}</th><td align="right">{{.Value}}</td></tr>
{{end}}</table>
{{if .B.Best}}<h2>Đơn vị tiêu biểu</h2>
<ol>{{range .B.Best}}<li><strong>{{.Unit.Name}}</strong>: {{printf "%.0f" (pct100 .Days.ShareMet)}}% ngày đạt chỉ tiêu, {{.Count "good_news"}} tin tốt, {{.Count "story"}} câu chuyện đẹp</li>
{{end}}</ol>{{end}}
<h2>Tin tốt, câu chuyện đẹp trong quý</h2>
{{range .B.Stories}}<h3>{{if .URL}}<a href="{{.URL}}">{{.Title}}</a>{{else}}{{.Title}}{{end}}</h3>
<p><em>{{.UnitName}} · {{dateVN .Pick.LocalDay}}</em></p>
{{if .Pick.Note}}<p>{{.Pick.Note}}</p>{{end}}
{{else}}<p>Quý này chưa có câu chuyện nào được chọn đăng.</p>
{{end}}
<hr>
<p><small>Bản tin do hệ thống theo dõi chiến dịch "Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp" lập {{.Made}}. Số liệu tính theo giờ Việt Nam.</small></p>
</body></html>
`))

// renderBulletinMail renders an issue's HTML and plain-text e-mail bodies.
func renderBulletinMail(b models.Bulletin, now time.Time) (html, text string, err error) {
	d := bulletinMailData{B: b, Title: bulletinSubject(b), Figures: bulletinFigures(b),
		Period: "từ " + dateText(b.From) + " đến " + dateText(b.To), Made: "lúc " + now.In(models.Vietnam).Format("15:04 ngày 02/01/2006")}
	if b.Report.Through != "" && b.Report.Through != b.To {
		d.Period += " (số liệu tính đến hết ngày " + dateText(b.Report.Through) + ")"
	}
	var h bytes.Buffer
	if err := bulletinMailTmpl.Execute(&h, d); err != nil {
		return "", "", errorf("unable to render bulletin: %w", err)
	}
	var t strings.Builder
	fmt.Fprintf(&t, "BẢN TIN \"MỖI NGÀY MỘT TIN TỐT, MỖI TUẦN MỘT CÂU CHUYỆN ĐẸP\"\n%s", b.Label)
	if b.ParentName != "" {
		fmt.Fprintf(&t, " · %s", b.ParentName)
	}
	fmt.Fprintf(&t, " · %s\n\nKẾT QUẢ THỰC HIỆN TRONG QUÝ\n", d.Period)
	for _, f := range d.Figures {
		fmt.Fprintf(&t, "- %s: %s\n", f.Label, f.Value)
	}
	if len(b.Best) > 0 {
		t.WriteString("\nĐƠN VỊ TIÊU BIỂU\n")
		for i, r := range b.Best {
			fmt.Fprintf(&t, "%d. %s: %.0f%% ngày đạt chỉ tiêu\n", i+1, r.Unit.Name, r.Days.ShareMet*100)
		}
	}
	t.WriteString("\nTIN TỐT, CÂU CHUYỆN ĐẸP TRONG QUÝ\n")
	for i, st := range b.Stories {
		fmt.Fprintf(&t, "%d. %s\n   %s · %s\n", i+1, st.Title, st.UnitName, dateText(st.Pick.LocalDay))
		if st.URL != "" {
			fmt.Fprintf(&t, "   %s\n", st.URL)
		}
		if st.Pick.Note != "" {
			fmt.Fprintf(&t, "   %s\n", st.Pick.Note)
		}
	}
	return h.String(), t.String(), nil
}
