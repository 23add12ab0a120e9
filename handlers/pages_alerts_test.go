package handlers

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"tintot/models"
)

// seedDatedAlerts adds alerts of P's units created on known days (local), with long
// addresses.
func seedDatedAlerts(t *testing.T, e *testEnv) {
	t.Helper()
	at := func(day string) time.Time {
		d, _ := models.DayStart(day, models.Vietnam)
		return d.Add(9 * time.Hour).UTC()
	}
	sent := at("2026-11-17")
	for _, a := range []models.Alert{
		{DedupKey: "w47-short", Type: models.AlertDailyShort, UnitCode: "C1", Period: "2026-11-16", Status: models.AlertSent, SentAt: &sent,
			Subject: "C1 thiếu tin ngày 16/11", CreatedAt: at("2026-11-17"),
			Recipients: []string{"bithu.doanxadonghoa.huyentuyan@doanthanhnien.phuyen.gov.vn", "phobithu-doanxa@doan.vn"}},
		{DedupKey: "w47-broken", Type: models.AlertFeedBroken, UnitCode: "C2", Status: models.AlertFailed, LastError: "550 mailbox unavailable",
			Subject: "C2 hỏng nguồn tuần 47", CreatedAt: at("2026-11-19"), Recipients: []string{"c2@doan.vn"}},
		{DedupKey: "w46-week", Type: models.AlertWeeklyShort, UnitCode: "C2", Period: "2026-W46", Status: models.AlertSent,
			Subject: "C2 thiếu câu chuyện tuần 46", CreatedAt: at("2026-11-10"), Recipients: []string{"c2@doan.vn"}},
	} {
		if _, _, err := e.st.EnqueueAlert(t.Context(), a); err != nil {
			t.Fatal(err)
		}
	}
}

// alertSubjects lists the subjects the alerts page shows, in order.
func alertSubjects(html string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<td data-label="[^"]*" class="subject">([^<]*)</td>`).FindAllStringSubmatch(html, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestAlertsPageFilters(t *testing.T) {
	e := newEnv(t)
	seedDatedAlerts(t, e)
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"type=feed_broken", []string{"C2 hỏng nguồn", "C2 hỏng nguồn tuần 47"}},
		{"unit=C1", []string{"C1 thiếu tin", "C1 thiếu tin ngày 16/11"}},
		{"status=failed", []string{"C2 hỏng nguồn tuần 47"}},
		{"week=2026-W47", []string{"C2 hỏng nguồn tuần 47", "C1 thiếu tin ngày 16/11"}},
		{"from=2026-11-10&to=2026-11-17", []string{"C1 thiếu tin ngày 16/11", "C2 thiếu câu chuyện tuần 46"}},
		{"unit=C2&from=2026-11-01&to=2026-11-18&type=weekly_short", []string{"C2 thiếu câu chuyện tuần 46"}},
	} {
		t.Run(tt.query, func(t *testing.T) {
			resp, body := e.as("reviewerP", request("GET", "/alerts?"+tt.query, nil))
			wantStatus(t, resp, body, http.StatusOK)
			got := alertSubjects(string(body))
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("alerts = %q, want %q", got, tt.want)
			}
		})
	}
	// A week fills the day fields, so the period can be changed from there.
	_, body := e.as("reviewerP", request("GET", "/alerts?week=2026-W47", nil))
	if !strings.Contains(string(body), `name="from" value="2026-11-16"`) || !strings.Contains(string(body), `name="to" value="2026-11-22"`) {
		t.Error("the week's days are not in the day fields")
	}
	// Bad filters are said beside the filters, on the alerts page.
	for _, tt := range []struct {
		query, field string
		status       int
	}{
		{"type=tin-xau", "type", http.StatusBadRequest},
		{"status=lost", "status", http.StatusBadRequest},
		{"week=2026-W60", "week", http.StatusBadRequest},
		{"from=2026-11-20&to=2026-11-01", "to", http.StatusBadRequest},
		{"unit=D1", "unit", http.StatusForbidden},
	} {
		resp, body := e.as("reviewerP", request("GET", "/alerts?"+tt.query, nil))
		html := string(body)
		if resp.StatusCode != tt.status || !strings.Contains(html, `id="err-filter"`) || !strings.Contains(html, `id="alert-filters"`) || strings.Contains(html, "D1 thiếu tin") {
			t.Errorf("%s: status %d, want %d with the message beside the filters: %.300s", tt.query, resp.StatusCode, tt.status, html)
		}
	}
}

// TestAlertAddressesAreNotBrokenMidWord: each address is its own line, never in a
// break-anywhere cell.
func TestAlertAddressesAreNotBrokenMidWord(t *testing.T) {
	e := newEnv(t)
	seedDatedAlerts(t, e)
	_, body := e.as("reviewerP", request("GET", "/alerts?unit=C1", nil))
	html := string(body)
	if !strings.Contains(html, `<td data-label="Người nhận" class="addrs"><span class="addr">bithu.doanxadonghoa.huyentuyan@<wbr>doanthanhnien.phuyen.gov.vn</span><span class="addr">phobithu-doanxa@<wbr>doan.vn</span></td>`) {
		t.Errorf("addresses are not one a line: %.500s", html[strings.Index(html, "<table"):])
	}
	if strings.Contains(html, "breakall") {
		t.Error("the alerts page breaks text anywhere")
	}
	css := readStatic(t, "app.css")
	for _, rule := range regexp.MustCompile(`[^{}]*\{[^}]*\}`).FindAllString(css, -1) {
		sel, _, _ := strings.Cut(rule, "{")
		if strings.Contains(sel, "addr") && strings.Contains(rule, "break-all") {
			t.Errorf("CSS breaks addresses anywhere: %s", rule)
		}
	}
}

// readStatic reads a served static file.
func readStatic(t *testing.T, name string) string {
	t.Helper()
	e := newEnv(t)
	resp, body := e.send(request("GET", "/static/"+name, nil))
	wantStatus(t, resp, body, http.StatusOK)
	return string(body)
}

// TestAlertsPageReadsAsVietnamese: the alerts page writes periods as people read them
// ("16/11/2026", "tuần 46 (…)"), not day keys and ISO weeks, and says a mail server's
// answer is one, instead of leaving its English alone.
func TestAlertsPageReadsAsVietnamese(t *testing.T) {
	e := newEnv(t)
	seedDatedAlerts(t, e)
	resp, body := e.as("reviewerP", request("GET", "/alerts", nil))
	wantStatus(t, resp, body, http.StatusOK)
	page := string(body)
	for _, want := range []string{">16/11/2026<", "tuần 46 (09/11 – 15/11/2026)", "Lỗi gửi thư: 550 mailbox unavailable"} {
		if !strings.Contains(page, want) {
			t.Errorf("alerts page lacks %q", want)
		}
	}
	for _, bad := range []string{">2026-11-16<", ">2026-W46<"} {
		if strings.Contains(page, bad) {
			t.Errorf("alerts page shows %q", bad)
		}
	}
}
