package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"tintot/models"
	"tintot/store"
)

// demoTrend is an online trend (trào lưu) the demo province runs, and the units that
// join it, each writing the hashtag its own way (with or without diacritics, split by '_').
type demoTrend struct {
	name, description string
	hashtags          []string
	offset, days      int // first day: today - offset, no earlier than 1 January; days long
	joiners           []string
	forms             []string // the hashtag as the i-th joiner writes it (cycled)
}

// trends are the demo's two trends of the year: one that enough units joined to count
// toward the yearly target, one that too few joined.
var trends = []demoTrend{
	{
		name: "Xanh hóa quê hương", description: "Tuổi trẻ Thành phố Demo trồng cây, dọn rác, làm đẹp đường làng ngõ phố.",
		hashtags: []string{"#XanhHóaQuêHương"}, offset: 30, days: 21,
		joiners: []string{"DEMO-P01", "DEMO-P02", "DEMO-P03", "DEMO-P05", "DEMO-X01", "DEMO-X03"},
		forms:   []string{"#XanhHóaQuêHương", "#xanhhoaquehuong", "#Xanh_hóa_quê_hương", "#XANHHOAQUEHUONG"},
	},
	{
		name: "Áo xanh tình nguyện", description: "Chia sẻ khoảnh khắc tình nguyện của đoàn viên, thanh niên.",
		hashtags: []string{"#ÁoXanhTìnhNguyện"}, offset: 10, days: 14,
		joiners: []string{"DEMO-P06", "DEMO-X02"},
		forms:   []string{"#ÁoXanhTìnhNguyện", "#aoxanhtinhnguyen"},
	},
}

// window returns the trend's first and last local days as of now.
func (t demoTrend) window(now time.Time) (first, last time.Time) {
	today := now.In(models.Vietnam)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, models.Vietnam)
	first = today.AddDate(0, 0, -t.offset)
	if jan1 := time.Date(today.Year(), time.January, 1, 0, 0, 0, 0, models.Vietnam); first.Before(jan1) {
		first = jan1
	}
	return first, first.AddDate(0, 0, t.days-1)
}

// trendItems are the unit's posts for the trends it joins, published by now.
func trendItems(code string, now time.Time) []item {
	var out []item
	for ti, t := range trends {
		i := slices.Index(t.joiners, code)
		if i < 0 {
			continue
		}
		first, _ := t.window(now)
		for k := 0; k < 2; k++ { // two posts each, a few days apart
			day := first.AddDate(0, 0, (i*2+k*5)%t.days)
			p := day.Add(time.Duration(8+i%10)*time.Hour + time.Duration(7*i+k)*time.Minute)
			if p.After(now) {
				continue
			}
			tag := t.forms[(i+k)%len(t.forms)]
			out = append(out, item{
				GUID:      fmt.Sprintf("demo-%s-trend%d-%d", code, ti, k),
				Title:     fmt.Sprintf("Đoàn viên hưởng ứng trào lưu %s %s", t.name, tag),
				Summary:   "Tuổi trẻ " + code + " cùng lan toả trào lưu. " + tag + " #MoiNgayMotTinTot",
				Published: p,
			})
		}
	}
	return out
}

// seedTrends registers the demo province's trends; a trend already registered (a second
// start in the same year) is kept as it is.
func seedTrends(ctx context.Context, st store.Store, now time.Time) error {
	for _, t := range trends {
		first, last := t.window(now)
		_, err := st.CreateTrend(ctx, models.Trend{ParentCode: Province, Name: t.name, Hashtags: t.hashtags, Description: t.description,
			StartDay: first.Format(models.DayLayout), EndDay: last.Format(models.DayLayout), CreatedBy: "demo", CreatedAt: now.UTC()})
		if err != nil && !errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("demo: unable to register trend %q: %w", t.name, err)
		}
	}
	return nil
}
