package registry

import (
	"strings"
	"testing"

	"tintot/models"
)

func TestPrintTree(t *testing.T) {
	units := []models.Unit{
		{Code: "X-02", Name: "Đoàn xã Tiên Lãng", Kind: models.UnitCommune, ParentCode: "TD", Emails: []string{"a@x.vn", "b@x.vn"}},
		{Code: "TD", Name: "Thành đoàn Hải Phòng", Kind: models.UnitProvince, Emails: []string{"vp@td.vn"}},
		{Code: "CS-01", Name: "Đoàn cơ sở Cảng", Kind: models.UnitGrassroots, ParentCode: "K-DN"},
		{Code: "K-DN", Name: "Đoàn Khối Doanh nghiệp", Kind: models.UnitBloc, ParentCode: "TD"},
		{Code: "X-01", Name: "Đoàn xã An Lão", Kind: models.UnitCommune, ParentCode: "TD"},
		{Code: "MO-COI", Name: "Đoàn xã Mồ Côi", Kind: models.UnitCommune, ParentCode: "HUYEN-CU"},
	}
	var b strings.Builder
	PrintTree(&b, units)
	out := b.String()
	lines := strings.Split(out, "\n")
	wantPrefix := []string{"TD ", "  K-DN ", "    CS-01 ", "  X-01 ", "  X-02 "}
	for i, p := range wantPrefix {
		if !strings.HasPrefix(lines[i], p) {
			t.Fatalf("line %d = %q, want prefix %q\n%s", i, lines[i], p, out)
		}
	}
	for _, want := range []string{"Xã/Phường", "Cơ sở Đoàn", "2 e-mail", "Đơn vị không tìm thấy cấp trên", "MO-COI", "HUYEN-CU", "Tổng số: 6 đơn vị"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "MO-COI") < strings.Index(out, "Đơn vị không tìm thấy cấp trên") {
		t.Errorf("orphan printed before the orphan heading:\n%s", out)
	}
}
