// Command tintot tracks the Đoàn campaign "Mỗi ngày một tin tốt, mỗi tuần một câu chuyện
// đẹp": it polls units' feeds, counts posts per day and week in Vietnam time, and flags
// shortfalls. Run `tintot help` for the subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"text/tabwriter"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if path := os.Getenv("TINTOT_CPUPROFILE"); path != "" {
		// An operator's CPU profile of one run (go tool pprof BINARY FILE).
		if f, err := os.Create(path); err != nil {
			fmt.Fprintln(os.Stderr, "tintot: TINTOT_CPUPROFILE:", err)
		} else if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "tintot: TINTOT_CPUPROFILE:", err)
		} else {
			code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
			pprof.StopCPUProfile()
			f.Close()
			os.Exit(code)
		}
	}
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// command is one subcommand of the CLI: its syntax, a description (Vietnamese, the
// catalogue's key) and what it runs.
type command struct {
	name   string
	syntax string
	desc   string
	run    func(ctx context.Context, env *cliEnv, args []string) error
}

// cliEnv is what every subcommand receives.
type cliEnv struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	l      tr // the language of every message
}

// errUsage marks an error already explained by the flag set's usage output.
var errUsage = errors.New("usage")

func commands() []command {
	return []command{
		{"serve", "serve [--demo]", "chạy dịch vụ web, bộ đọc nguồn tin và bộ lập lịch", cmdServe},
		{"import", "import units FILE.csv [--check] [--dry-run]", "nhập hoặc cập nhật danh sách đơn vị và nguồn tin (--check: tìm nguồn tin sau mỗi địa chỉ)", cmdImport},
		{"units", "units list", "in cây đơn vị", cmdUnits},
		{"poll", "poll --once [--unit CODE] [--force]", "đọc một lần các nguồn tin đến hạn (hoặc tất cả)", cmdPoll},
		{"feeds", "feeds health [--all]", "liệt kê các nguồn tin đang lỗi", cmdFeeds},
		{"evaluate", "evaluate --week YYYY-Www [--parent CODE] [--format table|json|csv]", "in bảng tổng hợp tuần", cmdEvaluate},
		{"reclassify", "reclassify [--unit CODE] [--since YYYY-MM-DD]", "áp dụng lại quy tắc cho các bài chưa được phân loại thủ công", cmdReclassify},
		{"classify", "classify retrain|info", "huấn luyện lại mô hình phân loại theo quyết định của người duyệt, hoặc mô tả mô hình", cmdClassify},
		{"user", "user add|passwd|list", "quản lý tài khoản", cmdUser},
		{"backup", "backup FILE", "sao lưu cơ sở dữ liệu SQLite ra FILE trong khi tintot đang chạy", cmdBackup},
		{"version", "version", "in phiên bản", cmdVersion},
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	l, args, err := pickLang(args, getenv)
	if err != nil {
		fmt.Fprintln(stderr, "tintot:", err)
		return 2
	}
	env := &cliEnv{getenv: getenv, stdout: stdout, stderr: stderr, l: l}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(stdout, l)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		if err := c.run(ctx, env, args[1:]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			if !errors.Is(err, errUsage) {
				fmt.Fprintln(stderr, "tintot:", err)
			}
			return 1
		}
		return 0
	}
	fmt.Fprintln(stderr, "tintot:", l.F("không có lệnh %q", args[0]))
	fmt.Fprintln(stderr)
	printHelp(stderr, l)
	return 2
}

func printHelp(w io.Writer, l tr) {
	fmt.Fprintln(w, l.T("tintot — theo dõi chiến dịch \"Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp\""))
	fmt.Fprintln(w)
	fmt.Fprintln(w, l.T("Cách dùng: tintot [--lang vi|en] LỆNH [tham số]   (tintot LỆNH --help để xem chi tiết)"))
	fmt.Fprintln(w)
	fmt.Fprintln(w, l.T("Các lệnh:"))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.syntax, l.T(c.desc))
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, l.T("Cấu hình lấy từ các biến môi trường TINTOT_* (xem README.md). Ngôn ngữ: TINTOT_LANG=en hoặc --lang en để dùng tiếng Anh."))
}

// newFlags builds a flag set whose usage goes to the command's stderr.
func newFlags(env *cliEnv, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, env.l.F("Cách dùng: tintot %s", usage))
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and maps a parse error to errUsage (already printed).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

func cmdVersion(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, "version", "version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, "tintot", version)
	return nil
}
