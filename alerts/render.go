// Package alerts turns statuses the quota engine computed into alert records in the outbox
// (each unique by its dedup key, so a restart, a re-run or a second instance never creates
// a second one), renders them as Vietnamese e-mails, and sends them over SMTP with retry,
// backoff and quiet hours. It never computes quotas itself.
package alerts

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

var (
	htmlTmpl = htmltemplate.Must(htmltemplate.ParseFS(templateFS, "templates/mail.html.tmpl"))
	textTmpl = texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/mail.txt.tmpl"))
)

// Table is a small table in a mail body.
type Table struct {
	Header []string
	Rows   [][]string
}

// Mail is the content of one alert e-mail before rendering.
type Mail struct {
	Subject    string
	Greeting   string
	Paragraphs []string
	Table      *Table
	Link       string
	LinkText   string
	Footer     string
}

const footer = "Thư tự động từ hệ thống theo dõi chiến dịch \"Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp\". Vui lòng không trả lời thư này."

// Render produces the plain-text and HTML bodies.
func (m Mail) Render() (text, html string, err error) {
	if m.Footer == "" {
		m.Footer = footer
	}
	if m.Greeting == "" {
		m.Greeting = "Kính gửi Ban Chấp hành,"
	}
	var t, h bytes.Buffer
	if err := textTmpl.Execute(&t, m); err != nil {
		return "", "", fmt.Errorf("alerts: text template: %w", err)
	}
	if err := htmlTmpl.Execute(&h, m); err != nil {
		return "", "", fmt.Errorf("alerts: html template: %w", err)
	}
	return t.String(), h.String(), nil
}
