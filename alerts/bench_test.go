package alerts

import (
	"context"
	"fmt"
	"testing"

	"tintot/models"
)

// BenchmarkDailyShort records a morning's shortfalls for 3,300 communes in SQLite (the
// escalation check reads each unit's history).
func BenchmarkDailyShort(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		st := openStore(b)
		units := map[string]models.Unit{"TD": {Code: "TD", Name: "Thành đoàn", Kind: models.UnitProvince, Emails: []string{"td@example.vn"}}}
		var evals []models.Evaluation
		for i := range 3300 {
			code := fmt.Sprintf("X%04d", i)
			units[code] = models.Unit{Code: code, Name: "Đoàn xã " + code, Kind: models.UnitCommune, ParentCode: "TD", Emails: []string{code + "@example.vn"}}
			evals = append(evals, dayShort(code, "2026-11-26", 0))
		}
		svc := &Service{Store: st, Clock: &vclock{t: vn(2026, 11, 27, 8, 0)}, BaseURL: "https://tintot.example.vn", Log: quietLog()}
		b.StartTimer()
		if err := svc.DailyShort(ctx, "2026-11-26", evals, units); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDigestAttachment renders a 3,300-unit review as XLSX.
func BenchmarkDigestAttachment(b *testing.B) {
	r := sampleReview()
	row := r.Rows[0]
	r.Rows = nil
	for i := range 3300 {
		row.Unit.Code = fmt.Sprintf("X%04d", i)
		row.Rank = i + 1
		r.Rows = append(r.Rows, row)
	}
	for b.Loop() {
		if _, _, err := DigestAttachment(r); err != nil {
			b.Fatal(err)
		}
	}
}
