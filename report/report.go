// Package report renders a weekly review as the files reviewers take to their meetings:
// XLSX (status colours, frozen header, a summary sheet) and CSV (UTF-8 with BOM so Excel
// shows Vietnamese correctly). Headers and status words are Vietnamese.
package report

import (
	"fmt"
	"strconv"
	"strings"

	"tintot/models"
)

// dayHeaders are the Vietnamese short names of Monday..Sunday.
var dayHeaders = [7]string{"T2", "T3", "T4", "T5", "T6", "T7", "CN"}

// Headers returns the column headers of the review table, days labelled with their dates.
func Headers(r models.Review) []string {
	h := []string{"Hạng", "Mã đơn vị", "Tên đơn vị", "Loại"}
	for i, d := range dayHeaders {
		if i < len(r.Days) && len(r.Days[i]) == 10 {
			d += " " + r.Days[i][8:10] + "/" + r.Days[i][5:7]
		}
		h = append(h, d)
	}
	return append(h,
		"Ngày đạt (mức 2025)",
		"Tin tốt (tuần)",
		"Câu chuyện đẹp (tuần)",
		"Đấu tranh phản bác (tuần)",
		"Chỉ tiêu tuần (mức 2025)",
		"Mức 2030",
		"Chuỗi ngày đạt",
		compareHeader(r),
		"Tình trạng nguồn tin",
	)
}

// cell is one value of the table with the status that colours it ("" for none).
type cell struct {
	value  any
	status models.Status
	retro  bool // judged in hindsight (before tintot first read the unit): never alerted
}

// rows turns the review into table cells, in the order of Headers.
func rows(r models.Review) [][]cell {
	out := make([][]cell, 0, len(r.Rows))
	for _, row := range r.Rows {
		c := []cell{
			{value: number(row.Rank, row.RankText())}, {value: row.Unit.Code}, {value: row.Unit.Name}, {value: row.Unit.Kind.Label()},
		}
		for i := 0; i < 7; i++ {
			st := row.DailyStatus[i]
			switch txt := row.DayText(i); {
			case st == models.StatusNA || st == "":
				c = append(c, cell{value: txt, status: models.StatusNA})
			case txt == strconv.Itoa(row.DailyCounts[i]):
				c = append(c, cell{value: row.DailyCounts[i], status: st, retro: row.DailyRetro[i]})
			default: // a day not begun (no count) or unknown with nothing seen ("?")
				c = append(c, cell{value: txt, status: st})
			}
		}
		daily := find(row.Statuses, models.PeriodDay, models.LevelBaseline)
		if daily != nil {
			c = append(c, cell{value: row.DaysMetText()})
		} else {
			c = append(c, cell{value: "—"})
		}
		for _, k := range []models.Kind{models.KindGoodNews, models.KindStory, models.KindIdeology} {
			c = append(c, cell{value: number(row.WeekCounts[k], row.WeekCountText(k))})
		}
		c = append(c, weekly(row.Statuses, models.LevelBaseline), target(row.Statuses))
		if daily != nil {
			c = append(c, cell{value: row.Streak})
		} else {
			c = append(c, cell{value: "—"})
		}
		diff := ""
		switch {
		case daily != nil && row.Incomparable:
			diff = "?" // a compared day could not be judged
		case daily != nil:
			diff = dayDiff(row.DaysMet[models.LevelBaseline] - row.PrevDaysMet)
		}
		c = append(c, cell{value: diff}, cell{value: feedLabel(row.FeedState)})
		out = append(out, c)
	}
	return out
}

// number is n as a number cell when txt, what screens show for it, writes n; else txt
// (a "?" or "—" standing for a number tintot does not know or does not give).
func number(n int, txt string) any {
	if txt == strconv.Itoa(n) {
		return n
	}
	return txt
}

func find(sts []models.PeriodStatus, pk models.PeriodKind, lvl models.Level) *models.PeriodStatus {
	for i := range sts {
		if sts[i].PeriodKind == pk && sts[i].Level == lvl {
			return &sts[i]
		}
	}
	return nil
}

// weekly summarises the weekly targets of a level, e.g. "Câu chuyện đẹp 1/1: Đạt".
func weekly(sts []models.PeriodStatus, lvl models.Level) cell {
	var parts []string
	worst := models.Status("")
	for _, s := range sts {
		if s.PeriodKind != models.PeriodWeek || s.Level != lvl {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %s/%d: %s", kindsLabel(s.Kinds), s.ActualText(), s.Required, s.Status.Label()))
		worst = worse(worst, s.Status)
	}
	if len(parts) == 0 {
		return cell{value: "–"}
	}
	return cell{value: strings.Join(parts, "; "), status: worst}
}

// target summarises the 2030 level: days met at 2 a day and weekly targets.
func target(sts []models.PeriodStatus) cell {
	var parts []string
	for _, s := range sts {
		if s.Level != models.LevelTarget {
			continue
		}
		if s.PeriodKind == models.PeriodDay {
			if s.Required == 0 && s.Status == models.StatusUnknown {
				parts = append(parts, "ngày đạt ?")
			} else {
				parts = append(parts, fmt.Sprintf("ngày đạt %d/%d", s.Actual, s.Required))
			}
		} else {
			parts = append(parts, fmt.Sprintf("%s %s/%d", kindsLabel(s.Kinds), s.ActualText(), s.Required))
		}
	}
	if len(parts) == 0 {
		return cell{value: "–"}
	}
	return cell{value: strings.Join(parts, "; ")}
}

func kindsLabel(ks []models.Kind) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = k.Label()
	}
	return strings.Join(parts, "/")
}

var severity = map[models.Status]int{
	"": 0, models.StatusNA: 1, models.StatusExcused: 2, models.StatusMet: 3,
	models.StatusUnknown: 4, models.StatusAtRisk: 5, models.StatusShort: 6,
}

func worse(a, b models.Status) models.Status {
	if severity[b] > severity[a] {
		return b
	}
	return a
}

func feedLabel(s models.FeedState) string {
	if s == "" {
		return "Không có nguồn tin"
	}
	return s.Label()
}

// Filename is the download name of a review export, e.g. "tong-hop-2026-W48-TD.xlsx".
func Filename(r models.Review, ext string) string {
	name := "tong-hop-" + r.Week
	if r.Parent != "" {
		name += "-" + r.Parent
	}
	return name + "." + ext
}

// compareHeader names the comparison column: the whole previous week once the week is
// over, the same days of it (Monday to the last day begun) while it is open.
func compareHeader(r models.Review) string {
	if r.CompareDays > 0 && r.CompareDays < 7 {
		return "So với cùng kỳ tuần trước (" + dayHeaders[0] + "–" + dayHeaders[r.CompareDays-1] + ")"
	}
	return "So với tuần trước"
}

// dayDiff words the change in days met since last week. It never begins with a sign,
// which a spreadsheet would read as the start of a formula.
func dayDiff(d int) string {
	switch {
	case d > 0:
		return fmt.Sprintf("tăng %d ngày", d)
	case d < 0:
		return fmt.Sprintf("giảm %d ngày", -d)
	}
	return "không đổi"
}
