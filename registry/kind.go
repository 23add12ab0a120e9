package registry

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"tintot/models"
)

// fold turns user text into a matching key: NFC, lower case, diacritics stripped, đ→d,
// every run of non-letters/digits collapsed to one space, trimmed.
func fold(s string) string {
	s = strings.ToLower(norm.NFC.String(s))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			r = 'd'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

// kindWords maps folded words people write in the kind column to a unit kind.
var kindWords = map[string]models.UnitKind{}

func init() {
	add := func(k models.UnitKind, words ...string) {
		for _, w := range words {
			kindWords[fold(w)] = k
		}
		kindWords[fold(string(k))] = k
		kindWords[fold(k.Label())] = k
	}
	add(models.UnitProvince, "Tỉnh đoàn", "Thành đoàn", "Tỉnh", "Thành phố", "Tỉnh/Thành đoàn",
		"Đoàn tỉnh", "Đoàn thành phố", "cấp tỉnh", "provincial")
	add(models.UnitDistrict, "Huyện đoàn", "Quận đoàn", "Thị đoàn", "Thành đoàn thuộc tỉnh",
		"Huyện", "Quận", "Đoàn huyện", "Đoàn quận", "cấp huyện")
	add(models.UnitBloc, "Đoàn khối", "Khối", "Đoàn Khối cơ quan", "Đoàn Khối doanh nghiệp")
	add(models.UnitCommune, "xã", "phường", "thị trấn", "đặc khu", "Đoàn xã", "Đoàn phường",
		"Đoàn thị trấn", "Đoàn đặc khu", "Xã/Phường", "cấp xã", "ward")
	add(models.UnitGrassroots, "cơ sở", "Đoàn cơ sở", "Cơ sở Đoàn", "chi đoàn", "Chi đoàn cơ sở",
		"Đoàn trường", "Trường", "Đoàn cơ quan", "Đoàn doanh nghiệp", "Đoàn bộ phận")
}

// ParseUnitKind reads a unit kind as users write it: the English name (province, district,
// bloc, commune, grassroots) or the Vietnamese words ("Thành đoàn", "Huyện đoàn", "xã",
// "Đoàn phường", "chi đoàn"…), in any case, with or without diacritics.
func ParseUnitKind(s string) (models.UnitKind, bool) {
	k, ok := kindWords[fold(s)]
	return k, ok
}
