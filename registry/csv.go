package registry

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"

	"tintot/models"
	"tintot/store"
)

// MaxFileSize is the largest registry file ParseCSV reads.
const MaxFileSize = 16 << 20

// Canonical column names, used in RowError.Field.
const (
	ColCode    = "code"
	ColName    = "name"
	ColKind    = "kind"
	ColParent  = "parent_code"
	ColEmails  = "emails"
	ColFeeds   = "feeds"
	colIgnored = ""
)

// headerWords maps folded header names to canonical columns.
var headerWords = map[string]string{}

func init() {
	add := func(col string, words ...string) {
		headerWords[fold(col)] = col
		for _, w := range words {
			headerWords[fold(w)] = col
		}
	}
	add(ColCode, "mã", "mã đơn vị", "unit code", "unit_code", "mã số")
	add(ColName, "tên", "tên đơn vị", "unit name", "tên gọi")
	add(ColKind, "loại", "loại đơn vị", "cấp", "cấp đơn vị", "unit kind", "type")
	add(ColParent, "parent", "mã cấp trên", "cấp trên", "đơn vị cấp trên", "mã đơn vị cấp trên", "parent code")
	add(ColEmails, "email", "e-mail", "thư điện tử", "e-mails", "mail")
	add(ColFeeds, "feed", "nguồn tin", "nguồn", "rss", "feed urls", "feed_urls", "urls")
}

var requiredCols = []string{ColCode, ColName, ColKind}

// RowError is one rejected row of a registry file: its line, the unit code if known, the
// column at fault (canonical name, empty for the whole row) and a Vietnamese reason.
type RowError struct {
	Line   int
	Code   string
	Field  string
	Reason string
}

// Error formats the row error for a user, in Vietnamese.
func (e RowError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dòng %d", e.Line)
	if e.Code != "" {
		fmt.Fprintf(&b, " (mã %s)", e.Code)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ", cột %s", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

// row is a parsed entry with the line it came from. A bad row (one with errors) keeps
// what could be read of it, so later checks (parents, feeds) can report their own
// errors of it too; it is never applied.
type row struct {
	line  int
	entry store.RegistryEntry
	bad   bool
	// noTree: the row's code or parent is wrong (or repeats another row's code), so it
	// takes no part in the parent checks.
	noTree bool
}

// ParseCSV reads a registry file. It returns the good entries, every RowError of every
// bad row (file order), and an error when the file as a whole cannot be read (encoding,
// header, size). Parent existence and cycles need the store: Import checks them.
func ParseCSV(r io.Reader) ([]store.RegistryEntry, []RowError, error) {
	rows, errs, err := parseRows(r)
	if err != nil {
		return nil, nil, err
	}
	var entries []store.RegistryEntry
	for _, rw := range rows {
		if !rw.bad {
			entries = append(entries, rw.entry)
		}
	}
	return entries, errs, nil
}

// decodeText turns the raw file into valid UTF-8 NFC text.
func decodeText(raw []byte) (string, error) {
	switch {
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		raw = raw[3:]
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}), bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		out, err := dec.Bytes(raw)
		if err != nil {
			return "", fileErr("tệp UTF-16 bị hỏng, không đọc được: %w", err)
		}
		raw = out
	case looksUTF16(raw):
		return "", fileErr("tệp có vẻ là UTF-16 nhưng không có BOM; hãy lưu lại dưới dạng \"CSV UTF-8\"")
	}
	if !utf8.Valid(raw) {
		line := 1 + bytes.Count(raw[:firstInvalid(raw)], []byte{'\n'})
		return "", fileErr("tệp không phải UTF-8 (dòng %d có ký tự không đọc được — có thể tệp được lưu bằng bảng mã cũ như Windows-1258 hoặc TCVN3); hãy mở lại trong Excel và lưu dưới dạng \"CSV UTF-8 (Comma delimited)\"", line)
	}
	return norm.NFC.String(string(raw)), nil
}

// looksUTF16 guesses a BOM-less UTF-16 file: many NUL bytes in the first kilobyte.
func looksUTF16(raw []byte) bool {
	n := min(len(raw), 1024)
	return n >= 4 && bytes.Count(raw[:n], []byte{0}) > n/4
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// sniffDelimiter picks the field separator from the header line: tab (Excel "Unicode
// Text"), comma, or semicolon (Excel in locales with a comma decimal mark).
func sniffDelimiter(text string) rune {
	first := text
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		first = text[:i]
	}
	tabs, commas, semis := strings.Count(first, "\t"), strings.Count(first, ","), strings.Count(first, ";")
	switch {
	case tabs > commas && tabs > semis:
		return '\t'
	case semis > commas:
		return ';'
	}
	return ','
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func parseRows(r io.Reader) ([]row, []RowError, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, nil, fileErr("không đọc được tệp: %w", err)
	}
	if len(raw) > MaxFileSize {
		return nil, nil, fileErr("tệp quá lớn (tối đa %d MB)", MaxFileSize>>20)
	}
	text, err := decodeText(raw)
	if err != nil {
		return nil, nil, err
	}
	// Excel may write a "sep=;" first line naming the separator.
	comma := rune(0)
	if first, rest, ok := strings.Cut(text, "\n"); ok || first != "" {
		if f := strings.TrimSpace(first); strings.HasPrefix(strings.ToLower(f), "sep=") && utf8.RuneCountInString(f) == 5 {
			comma, _ = utf8.DecodeLastRuneInString(f)
			text = "\n" + rest // keep line numbers
		}
	}
	if comma == 0 {
		comma = sniffDelimiter(text)
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = cr.Comma != '\t' // a tab is white space: trimming would merge empty cells

	// Header: the first non-blank record.
	var header []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil, nil, fileErr("tệp trống, cần một dòng tiêu đề (code,name,kind,parent_code,emails,feeds) và các dòng đơn vị")
		}
		if err != nil {
			return nil, nil, fileErr("không đọc được dòng tiêu đề: %w", err)
		}
		if !blank(rec) {
			header = rec
			break
		}
	}
	cols, err := mapHeader(header)
	if err != nil {
		return nil, nil, err
	}

	var rows []row
	var errs []RowError
	seen := map[string]int{} // code -> line of first occurrence
	lastLine := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if pe.StartLine <= lastLine && pe.StartLine != 0 {
					return nil, nil, fileErr("không đọc được tệp từ dòng %d: %w", pe.StartLine, err)
				}
				lastLine = pe.StartLine
				errs = append(errs, RowError{Line: pe.StartLine, Reason: "dòng không đọc được (dấu ngoặc kép \" không khớp?)"})
				continue
			}
			return nil, nil, fileErr("không đọc được CSV: %w", err)
		}
		lastLine = line
		if blank(rec) {
			continue
		}
		rw, rerrs, ok := parseRecord(rec, cols, line)
		errs = append(errs, rerrs...)
		if !ok {
			continue
		}
		if code := rw.entry.Unit.Code; !rw.noTree {
			if first, dup := seen[code]; dup {
				errs = append(errs, RowError{Line: line, Code: code, Field: ColCode,
					Reason: fmt.Sprintf("mã đơn vị %q bị trùng với dòng %d", code, first)})
				rw.bad, rw.noTree = true, true
			} else {
				seen[code] = line
			}
		}
		rows = append(rows, rw)
	}
	return rows, errs, nil
}

// mapHeader returns the canonical column of each header cell.
func mapHeader(header []string) ([]string, error) {
	cols := make([]string, len(header))
	pos := map[string]int{}
	for i, h := range header {
		col, ok := headerWords[fold(h)]
		if !ok {
			cols[i] = colIgnored
			continue
		}
		if j, dup := pos[col]; dup {
			return nil, fileErr("dòng tiêu đề có hai cột cùng là %q (cột %d %q và cột %d %q)", col, j+1, strings.TrimSpace(header[j]), i+1, strings.TrimSpace(h))
		}
		pos[col] = i
		cols[i] = col
	}
	var missing []string
	for _, c := range requiredCols {
		if _, ok := pos[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) == len(requiredCols) {
		return nil, fileErr("thiếu dòng tiêu đề; dòng đầu tiên phải là tên cột, ví dụ: code,name,kind,parent_code,emails,feeds (hoặc mã,tên,loại,mã cấp trên,email,nguồn tin)")
	}
	if len(missing) > 0 {
		return nil, fileErr("dòng tiêu đề thiếu cột bắt buộc: %s", strings.Join(missing, ", "))
	}
	return cols, nil
}

// splitList splits a cell holding several values separated by ';', ',', line breaks or
// spaces, dropping empties and repeats.
func splitList(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == ';' || r == ',' || r == '\n' || r == '\r' || r == ' ' || r == '\t'
	})
	var out []string
	seen := map[string]bool{}
	for _, p := range parts {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// invisible removes characters that copy-paste from web pages and Word leaves in cells.
var invisible = strings.NewReplacer("\u200b", "", "\u200c", "", "\u200d", "", "\ufeff", "", "\u00a0", " ")

// cleanSpaces trims and collapses runs of white space to one space.
func cleanSpaces(s string) string { return strings.Join(strings.Fields(s), " ") }

// parseRecord checks one data record and reports every problem of the row. ok is false
// when the row could not be read into a unit at all (wrong number of cells); otherwise
// the row holds what was read, marked bad when errs is not empty.
func parseRecord(rec, cols []string, line int) (rw row, errs []RowError, ok bool) {
	if len(rec) > len(cols) && blank(rec[len(cols):]) {
		rec = rec[:len(cols)]
	}
	var code string
	for i, c := range cols {
		if c == ColCode && i < len(rec) {
			code = strings.TrimSpace(rec[i])
		}
	}
	if len(rec) != len(cols) {
		return row{}, []RowError{{Line: line, Code: code, Reason: fmt.Sprintf("dòng có %d cột nhưng dòng tiêu đề có %d cột (thiếu dấu phẩy hoặc ô có dấu phẩy chưa đặt trong ngoặc kép?)", len(rec), len(cols))}}, false
	}
	var u models.Unit
	var feeds []string
	var kindText string
	for i, c := range cols {
		v := invisible.Replace(rec[i])
		switch c {
		case ColCode:
			u.Code = strings.TrimSpace(v)
		case ColName:
			u.Name = cleanSpaces(v)
		case ColKind:
			kindText = cleanSpaces(v)
		case ColParent:
			u.ParentCode = strings.TrimSpace(v)
		case ColEmails:
			for _, e := range splitList(v) {
				u.Emails = append(u.Emails, strings.ToLower(strings.TrimPrefix(e, "mailto:")))
			}
		case ColFeeds:
			feeds = splitList(v)
		}
	}
	failed := map[string]bool{} // columns already reported
	fail := func(field, reason string) {
		failed[field] = true
		errs = append(errs, RowError{Line: line, Code: u.Code, Field: field, Reason: reason})
	}
	if u.Code == "" {
		fail(ColCode, "thiếu mã đơn vị")
	}
	if u.Name == "" {
		fail(ColName, "thiếu tên đơn vị")
	}
	if kindText == "" {
		fail(ColKind, "thiếu loại đơn vị (ví dụ: Thành đoàn, Huyện đoàn, Đoàn khối, xã, phường, cơ sở)")
	} else if k, ok := ParseUnitKind(kindText); ok {
		u.Kind = k
	} else {
		fail(ColKind, fmt.Sprintf("loại đơn vị %q không hợp lệ (dùng: Tỉnh đoàn/Thành đoàn, Huyện đoàn/Quận đoàn, Đoàn khối, xã/phường/thị trấn/đặc khu, cơ sở/chi đoàn)", kindText))
	}
	for _, e := range u.Emails {
		if !models.ValidEmail(e) {
			fail(ColEmails, fmt.Sprintf("e-mail %q không hợp lệ", e))
		}
	}
	var goodFeeds []string
	for _, f := range feeds {
		if models.ValidFeedURL(f) {
			goodFeeds = append(goodFeeds, f)
		} else {
			fail(ColFeeds, fmt.Sprintf("địa chỉ nguồn tin %q không hợp lệ (cần http:// hoặc https://)", f))
		}
	}
	// The unit's own rules (code format, lengths, parent): each column not yet reported,
	// with the reported ones replaced by a value that passes, one Validate per problem.
	probe := u
	probe.Emails = nil
	if failed[ColCode] {
		probe.Code = "tintot.probe"
	}
	if failed[ColName] {
		probe.Name = "-"
	}
	if failed[ColKind] {
		probe.Kind = models.UnitCommune
	}
	for range 8 {
		err := probe.Validate()
		if err == nil {
			break
		}
		var fe *models.FieldError
		if !errors.As(err, &fe) {
			fail("", err.Error())
			break
		}
		switch fe.Field {
		case "code":
			probe.Code = "tintot.probe"
			fail(ColCode, fe.Msg)
		case "name":
			probe.Name = "-"
			fail(ColName, fe.Msg)
		case "kind":
			probe.Kind = models.UnitCommune
			fail(ColKind, fe.Msg)
		case "parent_code":
			probe.ParentCode = ""
			fail(ColParent, fe.Msg)
		default:
			fail(fe.Field, fe.Msg)
			return row{line: line, entry: store.RegistryEntry{Unit: u, FeedURLs: goodFeeds}, bad: true, noTree: true}, errs, true
		}
	}
	if u.Emails == nil {
		u.Emails = []string{}
	}
	rw = row{line: line, entry: store.RegistryEntry{Unit: u, FeedURLs: goodFeeds}, bad: len(errs) > 0, noTree: failed[ColCode] || failed[ColParent]}
	return rw, errs, true
}

// FileError is what is wrong with a registry file as a whole (its encoding, its header,
// its size), in Vietnamese for the person who gave it; the package's name stays out of
// the message they read.
type FileError struct{ err error }

func (e *FileError) Error() string { return e.err.Error() }
func (e *FileError) Unwrap() error { return e.err }

// fileErr builds a FileError as fmt.Errorf would its message.
func fileErr(format string, args ...any) error {
	return &FileError{err: fmt.Errorf(format, args...)}
}
