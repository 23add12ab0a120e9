package registry

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"tintot/models"
)

// PrintTree writes units as an indented tree (code, name, kind label, number of e-mails),
// children under their parent in code order. Units whose parent is not in the list (or
// that sit on a cycle) are listed at the end under their own heading.
func PrintTree(w io.Writer, units []models.Unit) {
	byCode := make(map[string]bool, len(units))
	for _, u := range units {
		byCode[u.Code] = true
	}
	children := map[string][]models.Unit{}
	for _, u := range units {
		p := u.ParentCode
		if p != "" && !byCode[p] {
			continue // orphan
		}
		children[p] = append(children[p], u)
	}
	for _, cs := range children {
		slices.SortFunc(cs, func(a, b models.Unit) int { return strings.Compare(a.Code, b.Code) })
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	printed := make(map[string]bool, len(units))
	line := func(u models.Unit, depth int) {
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%d e-mail\n", strings.Repeat("  ", depth), u.Code, u.Name, u.Kind.Label(), len(u.Emails))
	}
	var walk func(code string, depth int)
	walk = func(code string, depth int) {
		for _, c := range children[code] {
			if printed[c.Code] {
				continue
			}
			printed[c.Code] = true
			line(c, depth)
			walk(c.Code, depth+1)
		}
	}
	walk("", 0)
	var orphans, rest []models.Unit
	for _, u := range units {
		if !printed[u.Code] {
			if u.ParentCode != "" && !byCode[u.ParentCode] {
				orphans = append(orphans, u)
			} else {
				rest = append(rest, u)
			}
		}
	}
	if len(orphans)+len(rest) > 0 {
		byCodeOrder := func(a, b models.Unit) int { return strings.Compare(a.Code, b.Code) }
		slices.SortFunc(orphans, byCodeOrder)
		slices.SortFunc(rest, byCodeOrder)
		fmt.Fprintln(tw, "")
		fmt.Fprintln(tw, "Đơn vị không tìm thấy cấp trên:")
		for _, u := range append(orphans, rest...) {
			if printed[u.Code] {
				continue
			}
			printed[u.Code] = true
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d e-mail\t(cấp trên: %s)\n", u.Code, u.Name, u.Kind.Label(), len(u.Emails), u.ParentCode)
			walk(u.Code, 1)
		}
	}
	fmt.Fprintf(tw, "\nTổng số: %d đơn vị\n", len(units))
	tw.Flush()
}
