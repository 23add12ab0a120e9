package registry

import (
	"bytes"
	"encoding/binary"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"

	"tintot/models"
	"tintot/store"
)

func entryByCode(t *testing.T, es []store.RegistryEntry, code string) store.RegistryEntry {
	t.Helper()
	for _, e := range es {
		if e.Unit.Code == code {
			return e
		}
	}
	t.Fatalf("unit %s not parsed; got %d entries", code, len(es))
	return store.RegistryEntry{}
}

func TestParseCSVExcelFile(t *testing.T) {
	f, err := os.Open("testdata/excel_vi.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	es, rowErrs, err := ParseCSV(f)
	if err != nil {
		t.Fatalf("ParseCSV: %v", err)
	}
	if len(rowErrs) != 0 {
		t.Fatalf("unexpected row errors: %v", rowErrs)
	}
	if len(es) != 6 {
		t.Fatalf("got %d units, want 6 (blank trailing rows skipped)", len(es))
	}
	td := entryByCode(t, es, "TD-HP")
	if td.Unit.Kind != models.UnitProvince || td.Unit.Name != "Thành đoàn Hải Phòng" || td.Unit.ParentCode != "" {
		t.Errorf("TD-HP = %+v", td.Unit)
	}
	hb := entryByCode(t, es, "P-HONGBANG")
	if hb.Unit.Name != "Đoàn phường Hồng Bàng" {
		t.Errorf("name not trimmed: %q", hb.Unit.Name)
	}
	if want := []string{"doanphuong.hongbang@gmail.com", "bithu.hongbang@gmail.com"}; !slices.Equal(hb.Unit.Emails, want) {
		t.Errorf("emails = %q, want %q", hb.Unit.Emails, want)
	}
	if want := []string{"https://hongbang.haiphong.vn/feed", "https://hongbang.haiphong.vn/tin-tot/feed"}; !slices.Equal(hb.FeedURLs, want) {
		t.Errorf("feeds = %q, want %q", hb.FeedURLs, want)
	}
	al := entryByCode(t, es, "X-ANLAO")
	if al.Unit.Name != "Đoàn xã An Lão" || !norm.NFC.IsNormalString(al.Unit.Name) {
		t.Errorf("NFD name not normalised to NFC: %q", al.Unit.Name)
	}
	if al.Unit.Kind != models.UnitCommune {
		t.Errorf("xã kind = %s", al.Unit.Kind)
	}
	blv := entryByCode(t, es, "DK-BACHLONGVI")
	if len(blv.Unit.Emails) != 2 || blv.Unit.Kind != models.UnitCommune {
		t.Errorf("newline-separated e-mails / đặc khu: %+v", blv.Unit)
	}
	if k := entryByCode(t, es, "K-DN"); k.Unit.Kind != models.UnitBloc || len(k.FeedURLs) != 0 {
		t.Errorf("K-DN = %+v feeds %q", k.Unit, k.FeedURLs)
	}
	if c := entryByCode(t, es, "CS-CANGHP"); c.Unit.Kind != models.UnitGrassroots || c.Unit.ParentCode != "K-DN" {
		t.Errorf("CS-CANGHP = %+v", c.Unit)
	}
}

// utf16File encodes s as UTF-16 with a BOM, as Excel's "Unicode Text" does.
func utf16File(s string, order binary.ByteOrder) []byte {
	var b bytes.Buffer
	u := utf16.Encode([]rune("\ufeff" + s))
	for _, c := range u {
		var two [2]byte
		order.PutUint16(two[:], c)
		b.Write(two[:])
	}
	return b.Bytes()
}

func TestParseCSVUTF16(t *testing.T) {
	// Excel "Unicode Text": UTF-16 LE, tab-separated, CRLF.
	tsv := "Mã\tTên\tLoại\tMã cấp trên\tEmail\tNguồn tin\r\n" +
		"TD-BN\tTỉnh đoàn Bắc Ninh\tTỉnh đoàn\t\tvp@tinhdoanbacninh.vn\thttps://tinhdoanbacninh.vn/rss\r\n" +
		"X-TIENDU\tĐoàn xã Tiên Du\tXã\tTD-BN\t\"a@tiendu.vn;b@tiendu.vn\"\t\r\n"
	csvText := "code,name,kind,parent_code,emails,feeds\r\nTD-BN,Tỉnh đoàn Bắc Ninh,province,,,\r\nX-TIENDU,Đoàn xã Tiên Du,commune,TD-BN,,\r\n"
	for name, data := range map[string][]byte{
		"le tab":   utf16File(tsv, binary.LittleEndian),
		"be tab":   utf16File(tsv, binary.BigEndian),
		"le comma": utf16File(csvText, binary.LittleEndian),
	} {
		t.Run(name, func(t *testing.T) {
			es, rowErrs, err := ParseCSV(bytes.NewReader(data))
			if err != nil || len(rowErrs) != 0 {
				t.Fatalf("ParseCSV: err=%v rows=%v", err, rowErrs)
			}
			if len(es) != 2 {
				t.Fatalf("got %d units, want 2", len(es))
			}
			x := entryByCode(t, es, "X-TIENDU")
			if x.Unit.Name != "Đoàn xã Tiên Du" || x.Unit.ParentCode != "TD-BN" || x.Unit.Kind != models.UnitCommune {
				t.Errorf("X-TIENDU = %+v", x.Unit)
			}
		})
	}
}

func TestParseCSVFileErrors(t *testing.T) {
	// "Đoàn xã" in Windows-1258: Đ is 0xD0, à is 0xE0 — not valid UTF-8.
	legacy := []byte("code,name,kind\r\nX1,\xd0o\xe0n x\xe3 A,commune\r\n")
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"legacy code page", legacy, "không phải UTF-8"},
		{"empty", []byte(""), "tệp trống"},
		{"only blank lines", []byte("\r\n\r\n"), "tệp trống"},
		{"no header", []byte("X1,Đoàn xã A,xã\n"), "thiếu dòng tiêu đề"},
		{"missing kind column", []byte("code,name,emails\nX1,A,a@b.vn\n"), "thiếu cột bắt buộc: kind"},
		{"duplicate column", []byte("code,mã,name,kind\n"), "hai cột"},
		{"utf16 without bom", []byte("c\x00o\x00d\x00e\x00,\x00n\x00a\x00m\x00e\x00,\x00k\x00i\x00n\x00d\x00\n\x00"), "UTF-16"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := ParseCSV(bytes.NewReader(c.in))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
	t.Run("legacy names the line", func(t *testing.T) {
		_, _, err := ParseCSV(bytes.NewReader(legacy))
		if err == nil || !strings.Contains(err.Error(), "dòng 2") {
			t.Fatalf("err = %v, want line 2 named", err)
		}
	})
}

func TestParseCSVRowErrors(t *testing.T) {
	const head = "code,name,kind,parent_code,emails,feeds\n"
	cases := []struct {
		name  string
		row   string
		field string
		want  string
	}{
		{"missing code", ",Đoàn xã A,xã,,,", ColCode, "thiếu mã"},
		{"bad code", "X 1,Đoàn xã A,xã,,,", ColCode, "mã đơn vị chỉ gồm"},
		{"missing name", "X1,  ,xã,,,", ColName, "thiếu tên"},
		{"missing kind", "X1,Đoàn xã A,,,,", ColKind, "thiếu loại"},
		{"unknown kind", "X1,Đoàn xã A,thôn,,,", ColKind, "\"thôn\" không hợp lệ"},
		{"bad email", "X1,Đoàn xã A,xã,,a@b.vn;khong-phai-email,", ColEmails, "\"khong-phai-email\" không hợp lệ"},
		{"bad url", "X1,Đoàn xã A,xã,,,ftp://a.vn/rss", ColFeeds, "\"ftp://a.vn/rss\" không hợp lệ"},
		{"relative url", "X1,Đoàn xã A,xã,,,/rss", ColFeeds, "không hợp lệ"},
		{"too few columns", "X1,Đoàn xã A,xã", "", "dòng có 3 cột"},
		{"too many columns", "X1,Đoàn xã A, Hà Nội,xã,TD,a@b.vn,https://a.vn/rss", "", "dòng có 7 cột"},
		{"own parent", "X1,Đoàn xã A,xã,X1,,", ColParent, "chính nó"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := head + "TD,Thành đoàn,Thành đoàn,,,\n" + c.row + "\nX9,Đoàn xã B,xã,TD,,\n"
			es, rowErrs, err := ParseCSV(strings.NewReader(in))
			if err != nil {
				t.Fatalf("ParseCSV: %v", err)
			}
			if len(rowErrs) != 1 {
				t.Fatalf("got %d row errors %v, want exactly 1", len(rowErrs), rowErrs)
			}
			re := rowErrs[0]
			if re.Line != 3 || re.Field != c.field || !strings.Contains(re.Reason, c.want) {
				t.Errorf("row error = %+v, want line 3, field %q, reason containing %q", re, c.field, c.want)
			}
			if !strings.HasPrefix(re.Error(), "dòng 3") {
				t.Errorf("message %q does not start with the line", re.Error())
			}
			if len(es) != 2 {
				t.Errorf("good rows = %d, want 2", len(es))
			}
		})
	}
}

func TestParseCSVDuplicateCode(t *testing.T) {
	in := "code,name,kind\nX1,Đoàn xã A,xã\nX2,Đoàn xã B,xã\nX1,Đoàn xã A mới,xã\n"
	_, rowErrs, err := ParseCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(rowErrs) != 1 || rowErrs[0].Line != 4 || !strings.Contains(rowErrs[0].Reason, "trùng với dòng 2") {
		t.Fatalf("row errors = %+v, want one at line 4 naming line 2", rowErrs)
	}
}

func TestParseCSVHeaderVariants(t *testing.T) {
	cases := map[string]string{
		"english any order": "feeds,kind,name,code\nhttps://a.vn/rss,commune,Đoàn xã A,X1\n",
		"upper no accents":  "MA,TEN,LOAI,MA CAP TREN\nX1,Đoàn xã A,XA,\n",
		"vietnamese nfd":    norm.NFD.String("Mã đơn vị,Tên đơn vị,Loại đơn vị,Ghi chú\nX1,Đoàn xã A,Đoàn xã,chỉ là ghi chú\n"),
		"semicolon excel":   "code;name;kind;emails\nX1;Đoàn xã A;xã;\"a@a.vn;b@a.vn\"\n",
		"quoted header":     "\"code\",\" name \",\"kind\"\r\n\"X1\",\"Đoàn xã A, huyện C\",\"xã\"\r\n",
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			es, rowErrs, err := ParseCSV(strings.NewReader(in))
			if err != nil || len(rowErrs) != 0 {
				t.Fatalf("err=%v rows=%v", err, rowErrs)
			}
			if len(es) != 1 || es[0].Unit.Code != "X1" || es[0].Unit.Kind != models.UnitCommune || !strings.HasPrefix(es[0].Unit.Name, "Đoàn xã A") {
				t.Fatalf("entries = %+v", es)
			}
		})
	}
}

func TestParseUnitKind(t *testing.T) {
	cases := []struct {
		in   string
		want models.UnitKind
		ok   bool
	}{
		{"province", models.UnitProvince, true},
		{"Tỉnh đoàn", models.UnitProvince, true},
		{"THÀNH ĐOÀN", models.UnitProvince, true},
		{"thanh doan", models.UnitProvince, true},
		{norm.NFD.String("Thành đoàn"), models.UnitProvince, true},
		{"Huyện đoàn", models.UnitDistrict, true},
		{"Quận đoàn", models.UnitDistrict, true},
		{"Thị đoàn", models.UnitDistrict, true},
		{"district", models.UnitDistrict, true},
		{"Đoàn khối", models.UnitBloc, true},
		{"bloc", models.UnitBloc, true},
		{"xã", models.UnitCommune, true},
		{"Phường", models.UnitCommune, true},
		{"thị trấn", models.UnitCommune, true},
		{"Đặc khu", models.UnitCommune, true},
		{"Đoàn xã", models.UnitCommune, true},
		{"Đoàn phường", models.UnitCommune, true},
		{"  commune ", models.UnitCommune, true},
		{"cơ sở", models.UnitGrassroots, true},
		{"Chi đoàn", models.UnitGrassroots, true},
		{"Đoàn trường", models.UnitGrassroots, true},
		{"Đoàn cơ sở", models.UnitGrassroots, true},
		{"grassroots", models.UnitGrassroots, true},
		{"Cơ sở Đoàn", models.UnitGrassroots, true},
		{"thôn", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		got, ok := ParseUnitKind(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseUnitKind(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestSplitList(t *testing.T) {
	got := splitList(" a@x.vn; b@x.vn ,\r\nc@x.vn;;a@x.vn ")
	if want := []string{"a@x.vn", "b@x.vn", "c@x.vn"}; !slices.Equal(got, want) {
		t.Fatalf("splitList = %q, want %q", got, want)
	}
}

func TestParseCSVExcelQuirks(t *testing.T) {
	cases := map[string]string{
		"sep line":        "sep=;\r\ncode;name;kind\r\nX1;Đoàn xã A;xã\r\n",
		"invisible chars": "code,name,kind\nX1\u200b,\u00a0Đoàn xã A\u00a0,xã\n",
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			es, rowErrs, err := ParseCSV(strings.NewReader(in))
			if err != nil || len(rowErrs) != 0 {
				t.Fatalf("err=%v rows=%v", err, rowErrs)
			}
			if len(es) != 1 || es[0].Unit.Code != "X1" || es[0].Unit.Name != "Đoàn xã A" {
				t.Fatalf("entries = %+v", es)
			}
		})
	}
}

func TestParseCSVBadQuote(t *testing.T) {
	in := "code,name,kind\nX1,Đoàn xã A,xã\nX2,Đoàn \"xã\" B,xã\nX3,Đoàn xã C,xã\n"
	es, rowErrs, err := ParseCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(rowErrs) != 1 || rowErrs[0].Line != 3 || !strings.Contains(rowErrs[0].Reason, "ngoặc kép") {
		t.Fatalf("row errors = %+v, want one at line 3 about quotes", rowErrs)
	}
	_, rowErrs, _ = ParseCSV(strings.NewReader("sep=,\n" + in))
	if len(rowErrs) != 1 || rowErrs[0].Line != 4 {
		t.Errorf("after a sep= line, row errors = %+v, want line 4", rowErrs)
	}
	if len(es) != 2 {
		t.Errorf("good rows = %d, want 2", len(es))
	}
}
