// Package registry imports the register of Đoàn units from a CSV file (the logic behind
// `tintot import units FILE.csv`) and prints the unit tree (`tintot units list`).
//
// # File format
//
// A header row is required; columns may come in any order and header names are matched
// without regard to case or diacritics, in English or Vietnamese:
//
//	code        | mã, mã đơn vị
//	name        | tên, tên đơn vị
//	kind        | loại, loại đơn vị, cấp
//	parent_code | mã cấp trên, cấp trên, đơn vị cấp trên
//	emails      | email, e-mail, thư điện tử
//	feeds       | nguồn tin, nguồn, rss, feed
//
// code, name and kind are required; other columns are optional and unknown columns are
// ignored. Several e-mails or feed URLs in one cell are separated by ';' (',' and line
// breaks inside a quoted cell work too). The file may be what Excel saves: UTF-8 with or
// without BOM, CRLF line ends, quoted cells, text in NFC or NFD (names are stored NFC),
// blank trailing rows, extra spaces, or "Unicode Text" (UTF-16 with BOM, tab-separated).
// A file in a legacy code page (Windows-1258, TCVN3) is rejected with one error asking
// for a UTF-8 save.
//
// # Import policy
//
// A file is all or nothing. Every row is checked — column count, code and name present,
// kind known, e-mails and feed URLs valid, no code repeated, every parent in the file or
// already stored, no parent cycle (including edges already stored) — and if any row is
// bad the whole file is rejected: nothing is written and every error of every bad row is
// reported with its line number and a reason in Vietnamese (a row with a bad e-mail and an
// unknown parent gets both). With ImportOptions.Check (`tintot import units FILE.csv
// --check`), every feed address is also opened: an address that is a web page is
// replaced by the feed the page declares or hosts (feeds.Client.Discover), and one behind
// which no feed can be read is an error of its row. A clean file is applied in one transaction
// (store.ApplyRegistry). Units are matched by code: new codes are created, changed ones
// updated, feeds listed are added (feeds not listed are kept; removing one is explicit).
// Re-importing the same file changes nothing. A dry run checks and counts, writing nothing.
package registry
