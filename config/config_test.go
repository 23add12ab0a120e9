package config

import (
	"net/netip"
	"strings"
	"testing"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestLoadDefaultsAreValid(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatalf("Load with no variables: %v", err)
	}
	if c.Backend() != "sqlite" || c.Location == nil || c.Location.String() != "Asia/Ho_Chi_Minh" || len(c.TrustedProxies) != 0 {
		t.Errorf("defaults: backend %s, location %v, proxies %v", c.Backend(), c.Location, c.TrustedProxies)
	}
	if c.MaxItemsPerFeed != 500 {
		t.Errorf("default MaxItemsPerFeed = %d, want 500", c.MaxItemsPerFeed)
	}
}

func TestLoadMaxItemsPerFeed(t *testing.T) {
	c, err := Load(env(map[string]string{"TINTOT_MAX_ITEMS_PER_FEED": " 2000 "}))
	if err != nil || c.MaxItemsPerFeed != 2000 {
		t.Errorf("TINTOT_MAX_ITEMS_PER_FEED=2000: MaxItemsPerFeed = %d, error %v", c.MaxItemsPerFeed, err)
	}
	for _, bad := range []string{"0", "-5", "nhiều", "1e3", "10001"} {
		_, err := Load(env(map[string]string{"TINTOT_MAX_ITEMS_PER_FEED": bad}))
		if err == nil || !strings.Contains(err.Error(), "TINTOT_MAX_ITEMS_PER_FEED") {
			t.Errorf("TINTOT_MAX_ITEMS_PER_FEED=%q: error %v does not name the variable", bad, err)
		}
	}
}

func TestLoadGCPercent(t *testing.T) {
	for _, c := range []struct {
		vars map[string]string
		want int
	}{
		{nil, DefaultGCPercent},
		{map[string]string{"TINTOT_GC_PERCENT": "80"}, 80},
		{map[string]string{"GOGC": "200"}, 0}, // Go's own variable wins: leave the runtime alone
		{map[string]string{"GOGC": "off", "TINTOT_GC_PERCENT": "80"}, 0},
	} {
		cfg, err := Load(env(c.vars))
		if err != nil || cfg.GCPercent != c.want {
			t.Errorf("%v: GCPercent = %d, error %v; want %d", c.vars, cfg.GCPercent, err, c.want)
		}
	}
	for _, bad := range []string{"5", "2000", "off", "-1"} {
		_, err := Load(env(map[string]string{"TINTOT_GC_PERCENT": bad}))
		if err == nil || !strings.Contains(err.Error(), "TINTOT_GC_PERCENT") {
			t.Errorf("TINTOT_GC_PERCENT=%q: error %v does not name the variable", bad, err)
		}
	}
}

func TestLoadNamesEachBadVariable(t *testing.T) {
	_, err := Load(env(map[string]string{
		"TINTOT_DATABASE_URL":    "postgres://x/y",
		"TINTOT_POLL_WORKERS":    "nhiều",
		"TINTOT_TRUSTED_PROXIES": "10.0.0.1, proxy.local",
		"TINTOT_TIMEZONE":        "Asia/Hanoi_Nowhere",
	}))
	if err == nil {
		t.Fatal("Load accepted bad variables")
	}
	for _, want := range []string{"TINTOT_DATABASE_URL", "TINTOT_POLL_WORKERS", `TINTOT_TRUSTED_PROXIES: "proxy.local" is not an IP address`, "TINTOT_TIMEZONE"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestParsePrefixes(t *testing.T) {
	got, err := ParsePrefixes(" 127.0.0.1, 10.1.2.3/8 ,::1,, ::ffff:192.168.1.1 ")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"127.0.0.1/32", "10.0.0.0/8", "::1/128", "192.168.1.1/32"}
	if len(got) != len(want) {
		t.Fatalf("ParsePrefixes = %v, want %v", got, want)
	}
	for i, p := range got {
		if p.String() != want[i] {
			t.Errorf("prefix %d = %s, want %s", i, p, want[i])
		}
	}
	if !got[1].Contains(netip.MustParseAddr("10.200.0.7")) {
		t.Error("10.0.0.0/8 does not contain 10.200.0.7")
	}
	for _, bad := range []string{"10.0.0.0/33", "1.2.3", "localhost"} {
		if _, err := ParsePrefixes(bad); err == nil {
			t.Errorf("ParsePrefixes(%q) accepted", bad)
		}
	}
}
