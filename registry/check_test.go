package registry

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tintot/feeds"
	"tintot/store"
)

// TestParseCSVReportsEveryErrorOfARow: a row with several problems gets one error for
// each, not only the first.
func TestParseCSVReportsEveryErrorOfARow(t *testing.T) {
	in := "code,name,kind,parent_code,emails,feeds\n" +
		"TD,Thành đoàn,Thành đoàn,,,\n" +
		"X 1,,thôn,,a@b.vn;khong-phai-email;cung-khong,ftp://a.vn/rss\n" +
		"X2,Đoàn xã B,xã,X2,,\n"
	es, rowErrs, err := ParseCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, re := range rowErrs {
		got = append(got, fmt.Sprintf("%d/%s", re.Line, re.Field))
	}
	want := []string{"3/code", "3/name", "3/kind", "3/emails", "3/emails", "3/feeds", "4/parent_code"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("row errors %v (%v), want %v", got, rowErrs, want)
	}
	for _, re := range rowErrs {
		if re.Line == 3 && re.Field == ColCode && !strings.Contains(re.Reason, "mã đơn vị chỉ gồm") {
			t.Errorf("code error %q", re.Reason)
		}
	}
	if len(es) != 1 || es[0].Unit.Code != "TD" {
		t.Errorf("good entries %+v, want TD only", es)
	}
}

// TestImportReportsEveryErrorOfARow: the store-side checks (parent, repeated code) report
// their errors of a row that also has others.
func TestImportReportsEveryErrorOfARow(t *testing.T) {
	in := "code,name,kind,parent_code,emails,feeds\n" +
		"TD,Thành đoàn,Thành đoàn,,,\n" +
		"X1,Đoàn xã A,xã,KHONG-CO,sai-email,\n" +
		"X1,Đoàn xã A lần hai,xã,TD,cung-sai,\n"
	rep, err := Import(context.Background(), openStore(t), strings.NewReader(in), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, re := range rep.Errors {
		got = append(got, fmt.Sprintf("%d/%s", re.Line, re.Field))
	}
	if want := []string{"3/emails", "3/parent_code", "4/emails", "4/code"}; !slices.Equal(got, want) {
		t.Fatalf("errors %v (%v), want %v", got, rep.Errors, want)
	}
}

// feedSite serves a commune site: /xa-a/ a page declaring its feed, /xa-a/rss.xml that
// feed, /xa-b/ a page with no feed, /xa-c/rss the feed of another commune.
func feedSite(t *testing.T) *httptest.Server {
	t.Helper()
	rss := func(title string) string {
		return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>` + title +
			`</title><item><title>Tin tốt</title><link>https://xa.example.vn/1</link></item></channel></rss>`
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/xa-a/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Xã A</title><link rel="alternate" type="application/rss+xml" href="rss.xml"></head><body></body></html>`)
		case "/xa-a/rss.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, rss("Xã A"))
		case "/xa-b/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Xã B</title></head><body></body></html>`)
		case "/xa-c/rss":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, rss("Xã C"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func checker() *feeds.Client {
	return feeds.NewClient(feeds.ClientOptions{AllowPrivate: true, Timeout: 5 * time.Second, ConnectTimeout: 2 * time.Second, UserAgent: "tintot/test"})
}

// TestImportCheckReplacesPagesByTheirFeeds: with Check, a page address is stored as the
// feed it leads to, a feed address stays, and progress is told for every address.
func TestImportCheckReplacesPagesByTheirFeeds(t *testing.T) {
	srv := feedSite(t)
	st := openStore(t)
	in := "code,name,kind,parent_code,emails,feeds\n" +
		"TD,Thành đoàn,Thành đoàn,,,\n" +
		"XA,Đoàn xã A,xã,TD,,\"" + srv.URL + "/xa-a/;" + srv.URL + "/xa-a/rss.xml\"\n" +
		"XC,Đoàn xã C,xã,TD,," + srv.URL + "/xa-c/rss\n"
	var mu sync.Mutex
	var progress []string
	rep := mustImport(t, st, in, ImportOptions{Check: checker(), Progress: func(n, total int, u string) {
		mu.Lock()
		progress = append(progress, fmt.Sprintf("%d/%d", n, total))
		mu.Unlock()
	}})
	if want := []string{"1/3", "2/3", "3/3"}; !slices.Equal(progress, want) {
		t.Errorf("progress %v, want %v", progress, want)
	}
	if rep.Checked != 3 || len(rep.Replaced) != 1 || rep.Replaced[0].From != srv.URL+"/xa-a/" || rep.Replaced[0].FeedURL != srv.URL+"/xa-a/rss.xml" || rep.Replaced[0].Line != 3 {
		t.Errorf("report %+v", rep)
	}
	for code, want := range map[string][]string{"XA": {srv.URL + "/xa-a/rss.xml"}, "XC": {srv.URL + "/xa-c/rss"}} {
		fs, err := st.ListFeeds(context.Background(), store.FeedFilter{UnitCode: code})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			got = append(got, f.URL)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s feeds %v, want %v", code, got, want)
		}
	}
}

// TestImportCheckRejectsAddressesWithoutFeed: with Check, every address behind which no
// feed can be read is an error of its row (with the line, along with the row's other
// errors) and nothing is written; without Check the same file is imported as written.
func TestImportCheckRejectsAddressesWithoutFeed(t *testing.T) {
	srv := feedSite(t)
	in := "code,name,kind,parent_code,emails,feeds\n" +
		"TD,Thành đoàn,Thành đoàn,,,\n" +
		"XA,Đoàn xã A,xã,TD,,\"" + srv.URL + "/xa-a/;" + srv.URL + "/khong-co\"\n" +
		"XB,Đoàn xã B,xã,TD,sai-email," + srv.URL + "/xa-b/\n"
	st := openStore(t)
	rep, err := Import(context.Background(), st, strings.NewReader(in), ImportOptions{Check: checker()})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, re := range rep.Errors {
		got = append(got, fmt.Sprintf("%d/%s", re.Line, re.Field))
	}
	if want := []string{"3/feeds", "4/emails", "4/feeds"}; !slices.Equal(got, want) {
		t.Fatalf("errors %v (%v), want %v", got, rep.Errors, want)
	}
	for _, c := range []struct {
		i    int
		want string
	}{{0, "lỗi 404"}, {2, "không khai báo nguồn tin"}} {
		if !strings.Contains(rep.Errors[c.i].Reason, c.want) || !strings.HasPrefix(rep.Errors[c.i].Error(), "dòng ") {
			t.Errorf("error %q, want it to say %q", rep.Errors[c.i].Error(), c.want)
		}
	}
	if n := countUnits(t, st); n != 0 {
		t.Errorf("%d units written from a rejected file", n)
	}

	// Without the check, only the e-mail is wrong.
	rep, err = Import(context.Background(), st, strings.NewReader(in), ImportOptions{})
	if err != nil || len(rep.Errors) != 1 || rep.Errors[0].Field != ColEmails {
		t.Fatalf("without check: %v %v", rep.Errors, err)
	}
}
