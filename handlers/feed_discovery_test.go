package handlers

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"tintot/feeds"
	"tintot/models"
)

// communeSite is a commune's website: a home page declaring its feed, the feed, and a
// login page (like tintot's own /login) that leads to no feed.
func communeSite(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Đoàn xã Đông Hòa</title>`+
				`<link rel="alternate" type="application/rss+xml" title="Tin tốt" href="tin-tot/rss.xml"></head><body>Trang chủ</body></html>`)
		case "/tin-tot/rss.xml":
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
			fmt.Fprint(w, `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin tốt xã Đông Hòa</title>`+
				`<item><title>Hiến máu #MoiNgayMotTinTot</title><link>https://c1.example.vn/1</link></item>`+
				`<item><title>Dọn rác #MoiNgayMotTinTot</title><link>https://c1.example.vn/2</link></item></channel></rss>`)
		case "/login":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!DOCTYPE html><html lang="vi"><head><title>Đăng nhập — tintot</title></head><body><form method="post"><input name="email"></form></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func withDiscovery(c *feeds.Client) envOption {
	return func(d *Deps) { d.Discovery = c }
}

func discoveryClient(allowPrivate bool) *feeds.Client {
	return feeds.NewClient(feeds.ClientOptions{AllowPrivate: allowPrivate, Timeout: 5 * time.Second, ConnectTimeout: 2 * time.Second, UserAgent: "tintot/test"})
}

// TestAddFeedDiscoversTheFeed: the address of a page is resolved to the feed it declares,
// which is stored; an address with no feed behind it is refused with the reason, and
// nothing is stored.
func TestAddFeedDiscoversTheFeed(t *testing.T) {
	site := communeSite(t)
	e := newEnv(t, withDiscovery(discoveryClient(true)))
	before, _ := e.st.ListFeeds(t.Context(), storeFeedFilter("C1"))

	resp, body := e.do("adminC1", "POST", "/api/v1/units/C1/feeds", map[string]any{"url": site.URL + "/"})
	wantStatus(t, resp, body, http.StatusCreated)
	got := decode[struct {
		models.Feed
		DiscoveredFrom string `json:"discovered_from"`
		Discovery      string `json:"discovery"`
		DiscoveryVia   string `json:"discovery_via"`
		FeedItems      int    `json:"feed_items"`
	}](t, body)
	if got.URL != site.URL+"/tin-tot/rss.xml" || got.DiscoveredFrom != site.URL+"/" || got.Discovery != "thẻ link rel=alternate của trang" ||
		got.DiscoveryVia != "alternate" || got.FeedItems != 2 || got.Title != "Tin tốt xã Đông Hòa" || got.ID == "" {
		t.Fatalf("created %s", body)
	}
	stored, err := e.st.GetFeed(t.Context(), got.ID)
	if err != nil || stored.URL != site.URL+"/tin-tot/rss.xml" {
		t.Fatalf("stored feed %+v, %v: want the discovered address", stored, err)
	}

	// The same page again finds the feed the unit already has.
	resp, body = e.do("adminC1", "POST", "/api/v1/units/C1/feeds", map[string]any{"url": site.URL + "/"})
	wantStatus(t, resp, body, http.StatusConflict)
	if ae := decode[apiError](t, body); ae.Field != "url" || !strings.Contains(ae.Error, site.URL+"/tin-tot/rss.xml") {
		t.Errorf("conflict %+v, want it to name the feed found", ae)
	}

	for _, c := range []struct{ path, reason string }{
		{"/login", "không khai báo nguồn tin"},
		{"/khong-co", "Không mở được địa chỉ này: không tìm thấy trang tin (lỗi 404)"},
	} {
		resp, body := e.do("adminC1", "POST", "/api/v1/units/C1/feeds", map[string]any{"url": site.URL + c.path})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		if ae := decode[apiError](t, body); ae.Field != "url" || !strings.Contains(ae.Error, c.reason) {
			t.Errorf("%s: error %+v, want field url and %q", c.path, ae, c.reason)
		}
	}
	after, _ := e.st.ListFeeds(t.Context(), storeFeedFilter("C1"))
	if len(after) != len(before)+1 {
		t.Errorf("C1 has %d feeds, want %d: a refused address was stored", len(after), len(before)+1)
	}
}

// TestAdminAddFeedDiscoversTheFeed: the admin page's form goes through the same check.
func TestAdminAddFeedDiscoversTheFeed(t *testing.T) {
	site := communeSite(t)
	e := newEnv(t, withDiscovery(discoveryClient(true)))
	resp, body := e.as("admin", form("/admin/feeds", url.Values{"unit_code": {"C2"}, "url": {site.URL + "/"}}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add feed: %d %.300s", resp.StatusCode, body)
	}
	fs, _ := e.st.ListFeeds(t.Context(), storeFeedFilter("C2"))
	found := false
	for _, f := range fs {
		found = found || f.URL == site.URL+"/tin-tot/rss.xml"
		if f.URL == site.URL+"/" {
			t.Errorf("the page address was stored as a feed")
		}
	}
	if !found {
		t.Errorf("C2 feeds %+v lack the discovered feed", fs)
	}
	resp, body = e.as("admin", form("/admin/feeds", url.Values{"unit_code": {"C2"}, "url": {site.URL + "/login"}}))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(string(body)), "không khai báo nguồn tin") {
		t.Fatalf("a login page as feed: %d %.300s", resp.StatusCode, body)
	}
	if again, _ := e.st.ListFeeds(t.Context(), storeFeedFilter("C2")); len(again) != len(fs) {
		t.Errorf("a refused address was stored")
	}
}

// TestAddFeedRefusesBlockedAddress: discovery goes through the guarded client, so an
// internal address is refused with the reason, before anything is stored.
func TestAddFeedRefusesBlockedAddress(t *testing.T) {
	site := communeSite(t)
	e := newEnv(t, withDiscovery(discoveryClient(false)))
	resp, body := e.do("admin", "POST", "/api/v1/units/C1/feeds", map[string]any{"url": site.URL + "/tin-tot/rss.xml"})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if ae := decode[apiError](t, body); ae.Field != "url" || !strings.Contains(ae.Error, "bị chặn vì trỏ vào mạng nội bộ") {
		t.Errorf("error %+v, want the blocked address named", ae)
	}
}
