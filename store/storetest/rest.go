package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

func eval(unitCode, period string, level models.Level, actual int, st models.Status) models.Evaluation {
	return models.Evaluation{
		UnitCode: unitCode, Target: "tin_tot_ngay", Period: period, PeriodKind: "day", Level: level,
		Required: 1, Actual: actual, Status: st, EvaluatedAt: base,
	}
}

func testEvaluations(t *testing.T, open Opener) {
	t.Run("CorrectionsOnlyWhenChanged", func(t *testing.T) {
		s := open(t)
		first := []models.Evaluation{
			eval("X1", "2026-11-26", models.LevelBaseline, 0, models.StatusShort),
			eval("X1", "2026-11-26", models.LevelTarget, 0, models.StatusShort),
			eval("X2", "2026-11-26", models.LevelBaseline, 1, models.StatusMet),
		}
		cs, err := s.SaveEvaluations(ctx(t), first, base, "đánh giá ngày")
		mustNil(t, "first SaveEvaluations", err)
		if len(cs) != 0 {
			t.Errorf("first save produced corrections %+v", cs)
		}
		cs, err = s.SaveEvaluations(ctx(t), first, base.Add(time.Hour), "chạy lại")
		mustNil(t, "same SaveEvaluations", err)
		if len(cs) != 0 {
			t.Errorf("saving the same outcome produced corrections %+v", cs)
		}
		at := base.Add(2 * time.Hour)
		late := []models.Evaluation{
			eval("X1", "2026-11-26", models.LevelBaseline, 1, models.StatusMet), // a late post turned short into met
			eval("X1", "2026-11-26", models.LevelTarget, 1, models.StatusShort), // still short, but the count changed
			eval("X2", "2026-11-26", models.LevelBaseline, 1, models.StatusMet), // unchanged
		}
		cs, err = s.SaveEvaluations(ctx(t), late, at, "bài đăng muộn")
		mustNil(t, "late SaveEvaluations", err)
		if len(cs) != 2 {
			t.Fatalf("late save corrections = %+v, want 2", cs)
		}
		c := cs[0]
		if c.UnitCode != "X1" || c.Period != "2026-11-26" || c.Level != models.LevelBaseline || c.Target != "tin_tot_ngay" ||
			c.OldStatus != models.StatusShort || c.NewStatus != models.StatusMet || c.OldActual != 0 || c.NewActual != 1 || c.Why != "bài đăng muộn" {
			t.Errorf("correction = %+v", c)
		}
		sameTime(t, "correction At", c.At, at)
		if cs[1].OldStatus != models.StatusShort || cs[1].NewStatus != models.StatusShort || cs[1].NewActual != 1 {
			t.Errorf("count-only correction = %+v", cs[1])
		}
		stored, err := s.ListEvaluations(ctx(t), []string{"X1"}, []string{"2026-11-26"})
		mustNil(t, "ListEvaluations", err)
		if len(stored) != 2 {
			t.Fatalf("ListEvaluations = %+v, want 2", stored)
		}
		for _, e := range stored {
			if e.Actual != 1 {
				t.Errorf("stored evaluation not updated: %+v", e)
			}
		}
		all, err := s.ListEvaluations(ctx(t), nil, nil)
		mustNil(t, "ListEvaluations all", err)
		if len(all) != 3 {
			t.Errorf("ListEvaluations(all) = %d, want 3", len(all))
		}
		none, err := s.ListEvaluations(ctx(t), nil, []string{"2026-W48"})
		mustNil(t, "ListEvaluations other period", err)
		if len(none) != 0 {
			t.Errorf("ListEvaluations(2026-W48) = %+v, want none", none)
		}

		listed, err := s.ListCorrections(ctx(t), nil, at, at.Add(time.Minute))
		mustNil(t, "ListCorrections", err)
		if len(listed) != 2 {
			t.Errorf("ListCorrections = %+v, want 2", listed)
		}
		listed, err = s.ListCorrections(ctx(t), []string{"X2"}, base, at.Add(time.Hour))
		mustNil(t, "ListCorrections X2", err)
		if len(listed) != 0 {
			t.Errorf("ListCorrections(X2) = %+v, want none", listed)
		}
		listed, err = s.ListCorrections(ctx(t), []string{"X1"}, base, at)
		mustNil(t, "ListCorrections before", err)
		if len(listed) != 0 {
			t.Errorf("ListCorrections up to (excluding) the correction time = %+v, want none", listed)
		}
	})
	t.Run("CorrectionsOldestFirst", func(t *testing.T) {
		s := open(t)
		e := eval("X1", "2026-W48", models.LevelBaseline, 0, models.StatusShort)
		_, err := s.SaveEvaluations(ctx(t), []models.Evaluation{e}, base, "tuần")
		mustNil(t, "SaveEvaluations", err)
		for i := 1; i <= 3; i++ {
			e.Actual = i
			_, err := s.SaveEvaluations(ctx(t), []models.Evaluation{e}, base.Add(time.Duration(i)*time.Hour), fmt.Sprintf("lần %d", i))
			mustNil(t, "SaveEvaluations", err)
		}
		cs, err := s.ListCorrections(ctx(t), []string{"X1"}, base, base.Add(24*time.Hour))
		mustNil(t, "ListCorrections", err)
		if len(cs) != 3 || cs[0].Why != "lần 1" || cs[2].Why != "lần 3" || cs[2].OldActual != 2 || cs[2].NewActual != 3 {
			t.Errorf("ListCorrections = %+v, want three, oldest first", cs)
		}
	})
}

func alert(key string, typ models.AlertType, unitCode string, created, next time.Time) models.Alert {
	return models.Alert{
		DedupKey: key, Type: typ, UnitCode: unitCode, Period: "2026-11-27", Level: models.LevelBaseline,
		Recipients: []string{"a@doan.vn", "b@doan.vn"}, Subject: "Đơn vị chưa đạt chỉ tiêu", BodyText: "Nội dung",
		BodyHTML: "<p>Nội dung</p>", Status: models.AlertPending, NextTryAt: next, CreatedAt: created,
	}
}

func alertKeys(as []models.Alert) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.DedupKey
	}
	return out
}

func testAlerts(t *testing.T, open Opener) {
	t.Run("PruneBodies", func(t *testing.T) {
		s := open(t)
		old, recent := base.Add(-200*24*time.Hour), base.Add(-10*24*time.Hour)
		ids := map[string]string{}
		for _, c := range []struct {
			key     string
			created time.Time
			status  models.AlertStatus
		}{
			{"old-sent", old, models.AlertSent}, {"old-canceled", old, models.AlertCanceled}, {"old-failed", old, models.AlertFailed},
			{"old-recorded", old, models.AlertNoMail}, {"old-pending", old, models.AlertPending}, {"recent-sent", recent, models.AlertSent},
		} {
			a, _, err := s.EnqueueAlert(ctx(t), alert(c.key, models.AlertDailyShort, "X1", c.created, c.created))
			mustNil(t, "EnqueueAlert", err)
			a.Status = c.status
			mustNil(t, "UpdateAlert", s.UpdateAlert(ctx(t), a))
			ids[c.key] = a.ID
		}
		n, err := s.PruneAlertBodies(ctx(t), base.Add(-180*24*time.Hour))
		mustNil(t, "PruneAlertBodies", err)
		if n != 4 {
			t.Errorf("PruneAlertBodies emptied %d alerts, want the 4 settled ones older than the cut", n)
		}
		for key, id := range ids {
			a, err := s.GetAlert(ctx(t), id)
			mustNil(t, "GetAlert", err)
			emptied := strings.HasPrefix(key, "old-") && key != "old-pending"
			if got := a.BodyText == "" && a.BodyHTML == ""; got != emptied {
				t.Errorf("%s: body %q / %q, want emptied %v", key, a.BodyText, a.BodyHTML, emptied)
			}
			if a.Subject != "Đơn vị chưa đạt chỉ tiêu" || len(a.Recipients) != 2 || a.Period != "2026-11-27" {
				t.Errorf("%s: %+v lost more than its body", key, a)
			}
		}
		n, err = s.PruneAlertBodies(ctx(t), base.Add(-180*24*time.Hour))
		mustNil(t, "PruneAlertBodies again", err)
		if n != 0 {
			t.Errorf("PruneAlertBodies again emptied %d, want 0", n)
		}
	})
	t.Run("EnqueueDedup", func(t *testing.T) {
		s := open(t)
		a := alert("k1", models.AlertDailyShort, "X1", base, base)
		a.Attachment = "review-2026-W48.xlsx"
		stored, created, err := s.EnqueueAlert(ctx(t), a)
		mustNil(t, "EnqueueAlert", err)
		if !created || stored.ID == "" {
			t.Fatalf("first enqueue created=%v id=%q", created, stored.ID)
		}
		again := alert("k1", models.AlertDailyShort, "X1", base.Add(time.Hour), base.Add(time.Hour))
		again.Subject = "khác"
		second, created, err := s.EnqueueAlert(ctx(t), again)
		mustNil(t, "second EnqueueAlert", err)
		if created {
			t.Error("second enqueue of the same dedup key created a new alert")
		}
		if second.ID != stored.ID || second.Subject != a.Subject {
			t.Errorf("second enqueue returned %+v, want the stored alert %+v", second, stored)
		}
		got, err := s.GetAlert(ctx(t), stored.ID)
		mustNil(t, "GetAlert", err)
		if got.DedupKey != "k1" || got.Type != models.AlertDailyShort || got.UnitCode != "X1" || got.Period != a.Period ||
			got.Level != a.Level || !equalStrings(got.Recipients, a.Recipients) || got.Subject != a.Subject ||
			got.BodyText != a.BodyText || got.BodyHTML != a.BodyHTML || got.Attachment != a.Attachment ||
			got.Status != models.AlertPending || got.SentAt != nil {
			t.Errorf("GetAlert = %+v, want %+v", got, a)
		}
		sameTime(t, "CreatedAt", got.CreatedAt, base)
		sameTime(t, "NextTryAt", got.NextTryAt, base)
		all, err := s.ListAlerts(ctx(t), store.AlertFilter{})
		mustNil(t, "ListAlerts", err)
		if len(all) != 1 {
			t.Errorf("%d alerts stored, want 1", len(all))
		}
		_, err = s.GetAlert(ctx(t), "missing")
		mustIs(t, "GetAlert missing", err, store.ErrNotFound)
	})
	t.Run("DueAndUpdate", func(t *testing.T) {
		s := open(t)
		m := time.Minute
		for _, a := range []models.Alert{
			alert("late-created", models.AlertAtRisk, "X1", base.Add(2*m), base),
			alert("early-created", models.AlertAtRisk, "X2", base.Add(m), base.Add(-m)),
			alert("not-yet", models.AlertAtRisk, "X3", base, base.Add(10*m)),
		} {
			_, _, err := s.EnqueueAlert(ctx(t), a)
			mustNil(t, "EnqueueAlert", err)
		}
		due, err := s.DueAlerts(ctx(t), base, 10)
		mustNil(t, "DueAlerts", err)
		if want := []string{"early-created", "late-created"}; !equalStrings(alertKeys(due), want) {
			t.Fatalf("DueAlerts = %v, want %v (oldest first, NextTryAt <= now)", alertKeys(due), want)
		}
		limited, err := s.DueAlerts(ctx(t), base, 1)
		mustNil(t, "DueAlerts limit", err)
		if len(limited) != 1 {
			t.Errorf("DueAlerts(limit 1) = %d alerts", len(limited))
		}
		// A failed attempt is retried later: not due until its new NextTryAt.
		retry := due[0]
		retry.Attempts = 1
		retry.LastError = "smtp: 451 thử lại sau"
		retry.NextTryAt = base.Add(5 * m)
		mustNil(t, "UpdateAlert retry", s.UpdateAlert(ctx(t), retry))
		sent := due[1]
		sent.Status = models.AlertSent
		sent.Attempts = 1
		sent.SentAt = ptr(base)
		mustNil(t, "UpdateAlert sent", s.UpdateAlert(ctx(t), sent))
		due, err = s.DueAlerts(ctx(t), base, 10)
		mustNil(t, "DueAlerts after updates", err)
		if len(due) != 0 {
			t.Errorf("DueAlerts = %v, want none (one retried later, one sent)", alertKeys(due))
		}
		due, err = s.DueAlerts(ctx(t), base.Add(10*m), 10)
		mustNil(t, "DueAlerts later", err)
		if want := []string{"not-yet", "early-created"}; !equalStrings(alertKeys(due), want) {
			t.Errorf("DueAlerts later = %v, want %v", alertKeys(due), want)
		}
		got, err := s.GetAlert(ctx(t), retry.ID)
		mustNil(t, "GetAlert", err)
		if got.Attempts != 1 || got.LastError != retry.LastError || got.Status != models.AlertPending {
			t.Errorf("retried alert = %+v", got)
		}
		sameTime(t, "NextTryAt", got.NextTryAt, retry.NextTryAt)
		got, err = s.GetAlert(ctx(t), sent.ID)
		mustNil(t, "GetAlert", err)
		if got.Status != models.AlertSent {
			t.Errorf("sent alert status = %s", got.Status)
		}
		sameTimePtr(t, "SentAt", got.SentAt, sent.SentAt)
		missing := sent
		missing.ID = "missing"
		mustIs(t, "UpdateAlert missing", s.UpdateAlert(ctx(t), missing), store.ErrNotFound)
	})
	t.Run("ListFilters", func(t *testing.T) {
		s := open(t)
		h := time.Hour
		for _, a := range []models.Alert{
			alert("a1", models.AlertDailyShort, "X1", base, base),
			alert("a2", models.AlertFeedBroken, "X1", base.Add(h), base),
			alert("a3", models.AlertDailyShort, "X2", base.Add(2*h), base),
			alert("a4", models.AlertWeeklyDigest, "P", base.Add(3*h), base),
		} {
			_, _, err := s.EnqueueAlert(ctx(t), a)
			mustNil(t, "EnqueueAlert", err)
		}
		a4, _, err := s.EnqueueAlert(ctx(t), alert("a4", models.AlertWeeklyDigest, "P", base, base))
		mustNil(t, "EnqueueAlert", err)
		a4.Status = models.AlertSent
		mustNil(t, "UpdateAlert", s.UpdateAlert(ctx(t), a4))
		since := base.Add(h)
		cases := []struct {
			name string
			f    store.AlertFilter
			want []string
		}{
			{"newest first", store.AlertFilter{}, []string{"a4", "a3", "a2", "a1"}},
			{"units", store.AlertFilter{UnitCodes: []string{"X1"}}, []string{"a2", "a1"}},
			{"types", store.AlertFilter{Types: []models.AlertType{models.AlertDailyShort, models.AlertWeeklyDigest}}, []string{"a4", "a3", "a1"}},
			{"status", store.AlertFilter{Status: models.AlertSent}, []string{"a4"}},
			{"since", store.AlertFilter{Since: &since}, []string{"a4", "a3", "a2"}},
			{"limit", store.AlertFilter{Limit: 2}, []string{"a4", "a3"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.ListAlerts(ctx(t), c.f)
				mustNil(t, "ListAlerts", err)
				if !equalStrings(alertKeys(got), c.want) {
					t.Errorf("ListAlerts(%+v) = %v, want %v", c.f, alertKeys(got), c.want)
				}
			})
		}
	})
}

func testUsers(t *testing.T, open Opener) {
	t.Run("Accounts", func(t *testing.T) {
		s := open(t)
		u, err := s.CreateUser(ctx(t), models.User{Email: "Bi.Thu@Doan.vn", Name: "Nguyễn Văn A", Role: models.RoleUnitAdmin,
			UnitCode: "X1", PasswordHash: "$2a$hash", CreatedAt: base, UpdatedAt: base})
		mustNil(t, "CreateUser", err)
		if u.ID == "" {
			t.Fatal("CreateUser assigned no ID")
		}
		_, err = s.CreateUser(ctx(t), models.User{Email: "bi.thu@doan.VN", Name: "trùng", Role: models.RoleReviewer})
		mustIs(t, "same e-mail in another case", err, store.ErrConflict)
		got, err := s.GetUserByEmail(ctx(t), "BI.THU@doan.vn")
		mustNil(t, "GetUserByEmail any case", err)
		if got.ID != u.ID || got.Name != "Nguyễn Văn A" || got.Role != models.RoleUnitAdmin || got.UnitCode != "X1" || got.PasswordHash != "$2a$hash" {
			t.Errorf("GetUserByEmail = %+v", got)
		}
		_, err = s.GetUserByEmail(ctx(t), "khong@doan.vn")
		mustIs(t, "GetUserByEmail missing", err, store.ErrNotFound)
		_, err = s.GetUser(ctx(t), "missing")
		mustIs(t, "GetUser missing", err, store.ErrNotFound)

		got.Name = "Trần Thị B"
		got.Role = models.RoleReviewer
		got.UnitCode = "P"
		got.PasswordHash = "$2a$new"
		got.Disabled = true
		got.UpdatedAt = base.Add(time.Hour)
		mustNil(t, "UpdateUser", s.UpdateUser(ctx(t), got))
		again, err := s.GetUser(ctx(t), u.ID)
		mustNil(t, "GetUser", err)
		if again.Name != "Trần Thị B" || again.Role != models.RoleReviewer || again.UnitCode != "P" || again.PasswordHash != "$2a$new" || !again.Disabled {
			t.Errorf("after UpdateUser = %+v", again)
		}
		missing := got
		missing.ID = "missing"
		mustIs(t, "UpdateUser missing", s.UpdateUser(ctx(t), missing), store.ErrNotFound)

		// "Admin" sorts before "Bi.Thu" whether or not the order folds case.
		_, err = s.CreateUser(ctx(t), models.User{Email: "Admin@doan.vn", Name: "Quản trị", Role: models.RoleAdmin})
		mustNil(t, "CreateUser admin", err)
		list, err := s.ListUsers(ctx(t))
		mustNil(t, "ListUsers", err)
		if len(list) != 2 || list[0].Email != "Admin@doan.vn" || list[1].Email != "Bi.Thu@Doan.vn" {
			t.Errorf("ListUsers = %+v, want 2 ordered by e-mail", list)
		}
	})
	t.Run("Sessions", func(t *testing.T) {
		s := open(t)
		h := time.Hour
		mustNil(t, "CreateSession", s.CreateSession(ctx(t), models.Session{ID: "s1", UserID: "u1", CSRFToken: "csrf", CreatedAt: base, ExpiresAt: base.Add(h)}))
		mustNil(t, "CreateSession", s.CreateSession(ctx(t), models.Session{ID: "s2", UserID: "u1", CreatedAt: base, ExpiresAt: base.Add(h)}))
		mustNil(t, "CreateSession", s.CreateSession(ctx(t), models.Session{ID: "s3", UserID: "u2", CreatedAt: base, ExpiresAt: base.Add(h)}))
		got, err := s.GetSession(ctx(t), "s1", base.Add(30*time.Minute))
		mustNil(t, "GetSession", err)
		if got.UserID != "u1" || got.CSRFToken != "csrf" {
			t.Errorf("GetSession = %+v", got)
		}
		sameTime(t, "ExpiresAt", got.ExpiresAt, base.Add(h))
		_, err = s.GetSession(ctx(t), "s1", base.Add(h))
		mustIs(t, "GetSession at expiry", err, store.ErrNotFound)
		_, err = s.GetSession(ctx(t), "nope", base)
		mustIs(t, "GetSession missing", err, store.ErrNotFound)
		mustNil(t, "DeleteSession", s.DeleteSession(ctx(t), "s1"))
		mustNil(t, "DeleteSession absent", s.DeleteSession(ctx(t), "s1"))
		_, err = s.GetSession(ctx(t), "s1", base)
		mustIs(t, "deleted session", err, store.ErrNotFound)
		mustNil(t, "DeleteUserSessions", s.DeleteUserSessions(ctx(t), "u1"))
		_, err = s.GetSession(ctx(t), "s2", base)
		mustIs(t, "session of a user logged out everywhere", err, store.ErrNotFound)
		_, err = s.GetSession(ctx(t), "s3", base)
		mustNil(t, "other user's session survives", err)
	})
	t.Run("APITokens", func(t *testing.T) {
		s := open(t)
		t1, err := s.CreateAPIToken(ctx(t), models.APIToken{UserID: "u1", Name: "xuất báo cáo", Hash: "h1", CreatedAt: base})
		mustNil(t, "CreateAPIToken", err)
		if t1.ID == "" {
			t.Fatal("CreateAPIToken assigned no ID")
		}
		_, err = s.CreateAPIToken(ctx(t), models.APIToken{UserID: "u1", Name: "thứ hai", Hash: "h2", CreatedAt: base.Add(time.Minute)})
		mustNil(t, "CreateAPIToken", err)
		_, err = s.CreateAPIToken(ctx(t), models.APIToken{UserID: "u2", Name: "khác", Hash: "h3", CreatedAt: base})
		mustNil(t, "CreateAPIToken", err)
		got, err := s.GetAPITokenByHash(ctx(t), "h1")
		mustNil(t, "GetAPITokenByHash", err)
		if got.ID != t1.ID || got.UserID != "u1" || got.Name != "xuất báo cáo" {
			t.Errorf("GetAPITokenByHash = %+v", got)
		}
		_, err = s.GetAPITokenByHash(ctx(t), "nope")
		mustIs(t, "GetAPITokenByHash missing", err, store.ErrNotFound)
		list, err := s.ListAPITokens(ctx(t), "u1")
		mustNil(t, "ListAPITokens", err)
		if len(list) != 2 {
			t.Errorf("ListAPITokens(u1) = %d tokens, want 2", len(list))
		}
		mustIs(t, "DeleteAPIToken of another user", s.DeleteAPIToken(ctx(t), "u2", t1.ID), store.ErrNotFound)
		mustNil(t, "DeleteAPIToken", s.DeleteAPIToken(ctx(t), "u1", t1.ID))
		_, err = s.GetAPITokenByHash(ctx(t), "h1")
		mustIs(t, "deleted token", err, store.ErrNotFound)
		mustIs(t, "DeleteAPIToken twice", s.DeleteAPIToken(ctx(t), "u1", t1.ID), store.ErrNotFound)
	})
}

func testAudit(t *testing.T, open Opener) {
	s := open(t)
	m := time.Minute
	for i, e := range []models.AuditEntry{
		{At: base, Actor: "r@doan.vn", Action: "post.override", Target: "post:abc", UnitCode: "X1", Before: `{"kind":"other"}`, After: `{"kind":"story"}`, Note: "đúng là câu chuyện đẹp"},
		{At: base.Add(m), Actor: "r@doan.vn", Action: "post.reject", Target: "post:abd", UnitCode: "X1"},
		{At: base.Add(2 * m), Actor: "admin@doan.vn", Action: "unit.update", Target: "unit:X1"},
	} {
		mustNil(t, fmt.Sprintf("AddAudit %d", i), s.AddAudit(ctx(t), e))
	}
	all, err := s.ListAudit(ctx(t), "", 0)
	mustNil(t, "ListAudit", err)
	if len(all) != 3 || all[0].Action != "unit.update" || all[2].Action != "post.override" {
		t.Fatalf("ListAudit = %+v, want 3 newest first", all)
	}
	first := all[2]
	if first.ID == "" || first.Actor != "r@doan.vn" || first.Before != `{"kind":"other"}` || first.After != `{"kind":"story"}` ||
		first.Note != "đúng là câu chuyện đẹp" || first.UnitCode != "X1" || first.Target != "post:abc" {
		t.Errorf("audit entry = %+v", first)
	}
	sameTime(t, "audit At", first.At, base)
	cases := []struct {
		target string
		limit  int
		want   int
	}{
		{"post:abc", 0, 1},
		{"post:", 0, 2},
		{"unit:X1", 0, 1},
		{"feed:", 0, 0},
		{"", 2, 2},
	}
	for _, c := range cases {
		got, err := s.ListAudit(ctx(t), c.target, c.limit)
		mustNil(t, "ListAudit", err)
		if len(got) != c.want {
			t.Errorf("ListAudit(%q, %d) = %d entries, want %d", c.target, c.limit, len(got), c.want)
		}
	}
}

func testLeases(t *testing.T, open Opener) {
	s := open(t)
	ttl := time.Minute
	steps := []struct {
		name   string
		holder string
		at     time.Time
		want   bool
	}{
		{"free lease taken", "a", base, true},
		{"held by another", "b", base.Add(30 * time.Second), false},
		{"renewed by holder", "a", base.Add(50 * time.Second), true},
		{"renewal extended it", "b", base.Add(90 * time.Second), false},
		{"expired lease taken over", "b", base.Add(111 * time.Second), true},
		{"former holder locked out", "a", base.Add(112 * time.Second), false},
	}
	for _, st := range steps {
		got, err := s.AcquireLease(ctx(t), "scheduler", st.holder, st.at, ttl)
		mustNil(t, st.name, err)
		if got != st.want {
			t.Errorf("%s: AcquireLease(%s) = %v, want %v", st.name, st.holder, got, st.want)
		}
	}
	other, err := s.AcquireLease(ctx(t), "digest", "a", base.Add(112*time.Second), ttl)
	mustNil(t, "other lease", err)
	if !other {
		t.Error("a lease of another name was not free")
	}
	mustNil(t, "ReleaseLease by non-holder", s.ReleaseLease(ctx(t), "scheduler", "a"))
	got, err := s.AcquireLease(ctx(t), "scheduler", "a", base.Add(113*time.Second), ttl)
	mustNil(t, "AcquireLease", err)
	if got {
		t.Error("a non-holder's release freed the lease")
	}
	mustNil(t, "ReleaseLease", s.ReleaseLease(ctx(t), "scheduler", "b"))
	got, err = s.AcquireLease(ctx(t), "scheduler", "a", base.Add(114*time.Second), ttl)
	mustNil(t, "AcquireLease after release", err)
	if !got {
		t.Error("released lease could not be taken")
	}
}

func testSettings(t *testing.T, open Opener) {
	s := open(t)
	_, err := s.GetSetting(ctx(t), "admin_token_hash")
	mustIs(t, "GetSetting missing", err, store.ErrNotFound)
	mustNil(t, "SetSetting", s.SetSetting(ctx(t), "admin_token_hash", "v1"))
	mustNil(t, "SetSetting overwrite", s.SetSetting(ctx(t), "admin_token_hash", "v2"))
	mustNil(t, "SetSetting other", s.SetSetting(ctx(t), "ten_don_vi", "Tỉnh đoàn Bắc Ninh"))
	for k, want := range map[string]string{"admin_token_hash": "v2", "ten_don_vi": "Tỉnh đoàn Bắc Ninh"} {
		got, err := s.GetSetting(ctx(t), k)
		mustNil(t, "GetSetting", err)
		if got != want {
			t.Errorf("GetSetting(%s) = %q, want %q", k, got, want)
		}
	}
}
