package registry_test

import (
	"fmt"
	"os"
	"strings"

	"tintot/models"
	"tintot/registry"
)

func ExamplePrintTree() {
	registry.PrintTree(os.Stdout, []models.Unit{
		{Code: "TD-HP", Name: "Thành đoàn Hải Phòng", Kind: models.UnitProvince, Emails: []string{"vp@td.vn"}},
		{Code: "K-DN", Name: "Đoàn Khối Doanh nghiệp", Kind: models.UnitBloc, ParentCode: "TD-HP"},
		{Code: "CS-CANG", Name: "Đoàn cơ sở Cảng", Kind: models.UnitGrassroots, ParentCode: "K-DN"},
		{Code: "X-ANLAO", Name: "Đoàn xã An Lão", Kind: models.UnitCommune, ParentCode: "TD-HP", Emails: []string{"a@x.vn", "b@x.vn"}},
	})
	// Output:
	// TD-HP        Thành đoàn Hải Phòng    Tỉnh/Thành đoàn  1 e-mail
	//   K-DN       Đoàn Khối Doanh nghiệp  Đoàn khối        0 e-mail
	//     CS-CANG  Đoàn cơ sở Cảng         Cơ sở Đoàn       0 e-mail
	//   X-ANLAO    Đoàn xã An Lão          Xã/Phường        2 e-mail
	//
	// Tổng số: 4 đơn vị
}

func ExampleParseCSV() {
	in := "mã,tên,loại,mã cấp trên,email,nguồn tin\r\n" +
		"TD-HP,Thành đoàn Hải Phòng,Thành đoàn,,,\r\n" +
		"X-ANLAO,Đoàn xã An Lão,xã,TD-HP,\"a@anlao.vn; b@anlao.vn\",https://anlao.vn/rss\r\n" +
		"X-BAD,Đoàn xã B,thôn,TD-HP,,\r\n"
	entries, rowErrs, err := registry.ParseCSV(strings.NewReader(in))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range entries {
		fmt.Println(e.Unit.Code, e.Unit.Kind, e.Unit.Emails, e.FeedURLs)
	}
	for _, re := range rowErrs {
		fmt.Println(re.Line, re.Field)
	}
	// Output:
	// TD-HP province [] []
	// X-ANLAO commune [a@anlao.vn b@anlao.vn] [https://anlao.vn/rss]
	// 4 kind
}
