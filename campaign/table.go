package campaign

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"tintot/models"
)

// dayHeads are the Vietnamese weekday column heads, Monday..Sunday.
var dayHeads = [7]string{"T2", "T3", "T4", "T5", "T6", "T7", "CN"}

// mark is the one-character status sign shown after a day's count.
func mark(s models.Status) string {
	switch s {
	case models.StatusMet:
		return "✓"
	case models.StatusShort:
		return "✗"
	case models.StatusAtRisk:
		return "…"
	case models.StatusUnknown:
		return "?"
	case models.StatusExcused:
		return "M"
	}
	return "-"
}

// WriteTable writes a weekly review as an aligned text table with Vietnamese headers:
// one row per unit in rank order, the daily counts with their baseline status, days met,
// last week's days met, streak, the week's stories and ideology articles, weekly target
// statuses and feed health; then the share of commune-level units meeting the daily quota.
func WriteTable(w io.Writer, r models.Review) error {
	var b strings.Builder
	title := "Tổng hợp tuần " + r.Week
	if len(r.Days) == 7 {
		title += " (" + shortDay(r.Days[0]) + " – " + shortDay(r.Days[6]) + ")"
	}
	if r.Parent != "" {
		title += " — đơn vị " + r.Parent
	}
	fmt.Fprintln(&b, title)
	fmt.Fprintf(&b, "Lập lúc %s\n\n", r.GeneratedAt.In(models.Vietnam).Format("15:04 02/01/2006"))

	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	head := []string{"Hạng", "Mã", "Đơn vị"}
	head = append(head, dayHeads[:]...)
	prevHead := "Tuần trước"
	if r.CompareDays > 0 && r.CompareDays < 7 {
		prevHead = "Cùng kỳ tuần trước"
	}
	head = append(head, "Ngày đạt", prevHead, "Chuỗi", "Câu chuyện", "Tư tưởng", "Chỉ tiêu tuần", "Nguồn tin")
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, row := range r.Rows {
		cells := []string{row.RankText(), row.Unit.Code, row.Unit.Name}
		for i := 0; i < 7; i++ {
			switch txt := row.DayText(i); txt {
			case "", "–", "?":
				cells = append(cells, map[string]string{"": "·", "–": "-", "?": "?"}[txt])
			default:
				retro := ""
				if row.DailyRetro[i] {
					retro = "*"
				}
				cells = append(cells, txt+mark(row.DailyStatus[i])+retro)
			}
		}
		daysMet, prev, streak := "-", "-", "-"
		if hasDaily(row) {
			daysMet = row.DaysMetText()
			switch {
			case r.CompareDays > 0 && row.Incomparable:
				prev = "?"
			case r.CompareDays > 0:
				prev = strconv.Itoa(row.PrevDaysMet) + "/" + strconv.Itoa(r.CompareDays)
			}
			streak = strconv.Itoa(row.Streak)
		}
		cells = append(cells, daysMet, prev, streak,
			row.WeekCountText(models.KindStory),
			row.WeekCountText(models.KindIdeology),
			weekly(row), feedLabel(row.FeedState))
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("campaign: unable to write table: %w", err)
	}

	if len(r.DaySummary) > 0 {
		fmt.Fprintln(&b)
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "Xã/Phường\t"+strings.Join(dayHeads[:], "\t"))
		lines := []struct {
			label string
			get   func(models.DaySummary) string
		}{
			{"Đạt", func(s models.DaySummary) string { return strconv.Itoa(s.Met) }},
			{"Không đạt", func(s models.DaySummary) string { return strconv.Itoa(s.Short) }},
			{"Chưa đạt", func(s models.DaySummary) string { return strconv.Itoa(s.AtRisk) }},
			{"Không xác định", func(s models.DaySummary) string { return strconv.Itoa(s.Unknown) }},
			{"Miễn", func(s models.DaySummary) string { return strconv.Itoa(s.Excused) }},
			{"Tỷ lệ đạt", func(s models.DaySummary) string { return s.ShareText() }},
		}
		for _, l := range lines {
			cells := []string{l.label}
			for _, s := range r.DaySummary {
				if s.Upcoming {
					cells = append(cells, "·") // the day has not begun
					continue
				}
				cells = append(cells, l.get(s))
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		if err := tw.Flush(); err != nil {
			return fmt.Errorf("campaign: unable to write table: %w", err)
		}
	}
	for _, s := range r.WeekSummary {
		lvl := "mức 2025"
		if s.Level == models.LevelTarget {
			lvl = "mức 2030"
		}
		fmt.Fprintf(&b, "%s (%s): đạt %d, không đạt %d, chưa đạt %d, không xác định %d, miễn %d — tỷ lệ đạt %s\n",
			targetName(s.Target), lvl, s.Met, s.Short, s.AtRisk, s.Unknown, s.Excused, s.ShareText())
	}
	if len(r.Corrections) > 0 {
		fmt.Fprintf(&b, "\nĐiều chỉnh sau khi đóng kỳ: %d\n", len(r.Corrections))
		for _, c := range r.Corrections {
			fmt.Fprintf(&b, "  %s %s %s: %s → %s (%d → %d bài) lúc %s\n", c.UnitCode, c.Period, targetName(c.Target),
				c.OldStatus.Label(), c.NewStatus.Label(), c.OldActual, c.NewActual, c.At.In(models.Vietnam).Format("15:04 02/01/2006"))
		}
	}
	fmt.Fprintln(&b, "\nKý hiệu: ✓ đạt, ✗ không đạt, … chưa đạt (còn thời gian), ? không xác định (nguồn tin lỗi hoặc chưa đọc được), M miễn, - không áp dụng, · chưa đến, * đánh giá hồi tố (trước lần đầu đọc được nguồn tin, không gửi cảnh báo)")
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("campaign: unable to write table: %w", err)
	}
	return nil
}

func hasDaily(row models.ReviewRow) bool {
	for _, ps := range row.Statuses {
		if ps.PeriodKind == models.PeriodDay {
			return true
		}
	}
	return false
}

// weekly lists the obligatory weekly targets' outcomes, e.g. "Câu chuyện đẹp 1/1 Đạt".
func weekly(row models.ReviewRow) string {
	var parts []string
	for _, ps := range row.Statuses {
		if ps.PeriodKind != models.PeriodWeek || !ps.Obligatory {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s/%d %s", ps.ActualText(), ps.Required, ps.Status.Label()))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, "; ")
}

func feedLabel(s models.FeedState) string {
	if s == "" {
		return "Không có (nộp thủ công)"
	}
	return s.Label()
}

// targetName gives the default targets their Vietnamese names; other names are shown as is.
func targetName(name string) string {
	switch name {
	case "commune_daily_good_news":
		return "Tin tốt mỗi ngày (xã/phường)"
	case "commune_weekly_story":
		return "Câu chuyện đẹp mỗi tuần (xã/phường)"
	case "province_weekly_ideology":
		return "Bài đấu tranh phản bác mỗi tuần (tỉnh/thành đoàn)"
	case "grassroots_weekly_ideology":
		return "Bài đấu tranh phản bác mỗi tuần (cơ sở Đoàn)"
	case "bloc_daily_good_news":
		return "Tin tốt hoặc câu chuyện đẹp mỗi ngày (Đoàn khối)"
	}
	return name
}

func shortDay(day string) string { return models.DayText(day) }
