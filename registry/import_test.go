package registry

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"tintot/models"
	"tintot/store"
	"tintot/store/sqlite"
)

func openStore(t testing.TB) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/tintot.db")
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func mustImport(t *testing.T, st store.Store, in string, opt ImportOptions) Report {
	t.Helper()
	rep, err := Import(context.Background(), st, strings.NewReader(in), opt)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if len(rep.Errors) > 0 {
		t.Fatalf("Import rejected the file: %v", rep.Errors)
	}
	return rep
}

func countUnits(t *testing.T, st store.Store) int {
	t.Helper()
	us, err := st.ListUnits(context.Background(), store.UnitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(us)
}

func TestImportRejectsBadRowsWholeFile(t *testing.T) {
	const base = "code,name,kind,parent_code,emails,feeds\n" +
		"TD,Thành đoàn Hải Phòng,Thành đoàn,,vp@td.vn,https://td.vn/rss\n" +
		"X1,Đoàn xã An Lão,xã,TD,a@anlao.vn,https://anlao.vn/rss\n"
	cases := []struct {
		name  string
		rows  string
		field string
		want  string
	}{
		{"unknown parent", "X2,Đoàn xã B,xã,HUYEN-MA,,", ColParent, "\"HUYEN-MA\" không có trong tệp và chưa có trong hệ thống"},
		{"duplicate code", "X1,Đoàn xã An Lão 2,xã,TD,,", ColCode, "trùng với dòng 3"},
		{"bad email", "X2,Đoàn xã B,xã,TD,b@@b.vn,", ColEmails, "không hợp lệ"},
		{"bad url", "X2,Đoàn xã B,xã,TD,,javascript:alert(1)", ColFeeds, "không hợp lệ"},
		{"unknown kind", "X2,Đoàn xã B,tổ dân phố,TD,,", ColKind, "không hợp lệ"},
		{"missing code", ",Đoàn xã B,xã,TD,,", ColCode, "thiếu mã"},
		{"missing name", "X2,,xã,TD,,", ColName, "thiếu tên"},
		{"wrong column count", "X2,Đoàn xã B,xã,TD", "", "dòng có 4 cột"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := openStore(t)
			rep, err := Import(context.Background(), st, strings.NewReader(base+c.rows+"\n"), ImportOptions{})
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if len(rep.Errors) != 1 {
				t.Fatalf("got %d errors %v, want exactly 1", len(rep.Errors), rep.Errors)
			}
			re := rep.Errors[0]
			if re.Line != 4 || re.Field != c.field || !strings.Contains(re.Reason, c.want) {
				t.Errorf("error = %+v; want line 4, field %q, reason with %q", re, c.field, c.want)
			}
			if n := countUnits(t, st); n != 0 {
				t.Errorf("%d units written from a rejected file, want 0", n)
			}
		})
	}
}

func TestImportCycles(t *testing.T) {
	t.Run("across rows", func(t *testing.T) {
		st := openStore(t)
		in := "code,name,kind,parent_code\n" +
			"TD,Thành đoàn,Thành đoàn,\n" +
			"A,Huyện đoàn A,Huyện đoàn,B\n" +
			"B,Huyện đoàn B,Huyện đoàn,A\n" +
			"C,Đoàn xã C,xã,A\n"
		rep, err := Import(context.Background(), st, strings.NewReader(in), ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Errors) != 2 || rep.Errors[0].Line != 3 || rep.Errors[1].Line != 4 {
			t.Fatalf("errors = %v; want the two rows of the cycle (lines 3 and 4)", rep.Errors)
		}
		if !strings.Contains(rep.Errors[0].Reason, "A → B → A") {
			t.Errorf("reason %q does not show the cycle", rep.Errors[0].Reason)
		}
		if n := countUnits(t, st); n != 0 {
			t.Errorf("%d units written, want 0", n)
		}
	})
	t.Run("with a stored edge", func(t *testing.T) {
		st := openStore(t)
		mustImport(t, st, "code,name,kind,parent_code\nA,Huyện đoàn A,Huyện đoàn,\nB,Đoàn xã B,xã,A\n", ImportOptions{})
		rep, err := Import(context.Background(), st, strings.NewReader("code,name,kind,parent_code\nA,Huyện đoàn A,Huyện đoàn,B\n"), ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Errors) != 1 || rep.Errors[0].Line != 2 || !strings.Contains(rep.Errors[0].Reason, "A → B → A") {
			t.Fatalf("errors = %v; want one cycle error on line 2", rep.Errors)
		}
		a, err := st.GetUnit(context.Background(), "A")
		if err != nil || a.ParentCode != "" {
			t.Errorf("stored A changed: %+v %v", a, err)
		}
	})
}

func TestImportParentInStore(t *testing.T) {
	st := openStore(t)
	mustImport(t, st, "code,name,kind\nTD,Thành đoàn Hải Phòng,Thành đoàn\n", ImportOptions{})
	rep := mustImport(t, st, "code,name,kind,parent_code\nX1,Đoàn xã An Lão,xã,TD\n", ImportOptions{})
	if rep.Changes.UnitsCreated != 1 {
		t.Fatalf("changes = %+v", rep.Changes)
	}
	x, err := st.GetUnit(context.Background(), "X1")
	if err != nil || x.ParentCode != "TD" {
		t.Fatalf("X1 = %+v, %v", x, err)
	}
}

func TestImportExcelFileAndIdempotence(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	in := registryCSV(40, 5, "")
	rep := mustImport(t, st, in, ImportOptions{})
	wantUnits := 1 + len(wardNames) + 40 + 1 + 5
	if rep.Units != wantUnits || rep.Changes.UnitsCreated != wantUnits {
		t.Fatalf("first import: %+v, want %d created", rep, wantUnits)
	}
	feeds, err := st.ListFeeds(ctx, store.FeedFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Changes.FeedsCreated != len(feeds) || len(feeds) < wantUnits {
		t.Fatalf("feeds created %d, stored %d", rep.Changes.FeedsCreated, len(feeds))
	}

	again := mustImport(t, st, in, ImportOptions{})
	if want := (store.RegistryChanges{UnitsSame: wantUnits}); again.Changes != want {
		t.Fatalf("re-import changes = %+v, want %+v", again.Changes, want)
	}

	edited := strings.Replace(in, "Đoàn phường Hồng Bàng", "Đoàn phường Hồng Bàng (mới)", 1)
	edited = strings.Replace(edited, "doanxa001@haiphong.gov.vn", "doanxa001@haiphong.gov.vn;bithu001@gmail.com", 1)
	edited = strings.Replace(edited, "https://xa002.haiphong.gov.vn/rss", "https://xa002.haiphong.gov.vn/rss;https://xa002.haiphong.gov.vn/moi/feed", 1)
	ed := mustImport(t, st, edited, ImportOptions{})
	if want := (store.RegistryChanges{UnitsUpdated: 2, UnitsSame: wantUnits - 2, FeedsCreated: 1}); ed.Changes != want {
		t.Fatalf("edited import changes = %+v, want %+v", ed.Changes, want)
	}
	p, _ := st.GetUnit(ctx, "P-01")
	if p.Name != "Đoàn phường Hồng Bàng (mới)" {
		t.Errorf("P-01 name = %q", p.Name)
	}
	x, _ := st.GetUnit(ctx, "X-001")
	if len(x.Emails) != 2 {
		t.Errorf("X-001 e-mails = %q", x.Emails)
	}
}

func TestImportDryRun(t *testing.T) {
	st := openStore(t)
	in := registryCSV(10, 2, "")
	dry, err := Import(context.Background(), st, strings.NewReader(in), ImportOptions{DryRun: true})
	if err != nil || len(dry.Errors) > 0 {
		t.Fatalf("dry run: %v %v", err, dry.Errors)
	}
	if n := countUnits(t, st); n != 0 {
		t.Fatalf("dry run wrote %d units", n)
	}
	real := mustImport(t, st, in, ImportOptions{})
	if dry.Changes != real.Changes {
		t.Errorf("dry run predicted %+v, import did %+v", dry.Changes, real.Changes)
	}
	dry2, _ := Import(context.Background(), st, strings.NewReader(in), ImportOptions{DryRun: true})
	if want := (store.RegistryChanges{UnitsSame: real.Units}); dry2.Changes != want {
		t.Errorf("dry re-import = %+v, want %+v", dry2.Changes, want)
	}
}

func TestImportKeepsActivePeriod(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	mustImport(t, st, "code,name,kind\nX1,Đoàn xã A,xã\n", ImportOptions{})
	u, _ := st.GetUnit(ctx, "X1")
	from, err := models.DayStart("2025-07-01", models.Vietnam)
	if err != nil {
		t.Fatal(err)
	}
	u.ActiveFrom = &from
	if err := st.UpdateUnit(ctx, u); err != nil {
		t.Fatal(err)
	}
	rep := mustImport(t, st, "code,name,kind\nX1,Đoàn xã A,xã\n", ImportOptions{})
	if rep.Changes.UnitsSame != 1 {
		t.Errorf("changes = %+v, want unchanged", rep.Changes)
	}
	u, _ = st.GetUnit(ctx, "X1")
	if u.ActiveFrom == nil || !u.ActiveFrom.Equal(from) {
		t.Errorf("active_from lost on re-import: %v", u.ActiveFrom)
	}
}

func TestImportFileError(t *testing.T) {
	st := openStore(t)
	_, err := Import(context.Background(), st, bytes.NewReader([]byte("code,name,kind\nX1,\xd0o\xe0n,xa\n")), ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Fatalf("err = %v, want an encoding error", err)
	}
	if errors.Is(err, store.ErrInvalid) {
		t.Errorf("encoding error should not be a store error")
	}
}

func BenchmarkImport600(b *testing.B) {
	in := registryCSV(500, 68, "")
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		st, err := sqlite.Open(ctx, b.TempDir()+"/tintot.db")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		first, err := Import(ctx, st, strings.NewReader(in), ImportOptions{})
		if err != nil || len(first.Errors) > 0 || first.Changes.UnitsCreated != first.Units {
			b.Fatalf("first import: %v %v %+v", err, first.Errors, first.Changes)
		}
		again, err := Import(ctx, st, strings.NewReader(in), ImportOptions{})
		if err != nil || again.Changes.UnitsSame != first.Units {
			b.Fatalf("re-import: %v %+v", err, again.Changes)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(1+len(wardNames)+500+1+68), "units")
}

func TestImportParentCodeCase(t *testing.T) {
	st := openStore(t)
	mustImport(t, st, "code,name,kind\nTD-HP,Thành đoàn Hải Phòng,Thành đoàn\n", ImportOptions{})
	mustImport(t, st, "code,name,kind,parent_code\nX1,Đoàn xã A,xã,td-hp\n", ImportOptions{})
	x, err := st.GetUnit(context.Background(), "X1")
	if err != nil || x.ParentCode != "TD-HP" {
		t.Fatalf("X1 = %+v, %v; want parent TD-HP", x, err)
	}
}
