package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"tintot/campaign"
	"tintot/classify"
	"tintot/feeds"
	"tintot/handlers"
	"tintot/models"
	"tintot/registry"
	"tintot/report"
	"tintot/store"
	"tintot/store/sqlite"
)

// withApp loads the config, wires the app, runs f and closes the app.
func withApp(ctx context.Context, env *cliEnv, f func(a *app) error) error {
	cfg, err := loadConfig(env, nil)
	if err != nil {
		return err
	}
	// One-shot commands print their own summary; the log shows only warnings and errors
	// unless TINTOT_LOG_LEVEL asks for more.
	if env.getenv("TINTOT_LOG_LEVEL") == "" {
		cfg.LogLevel = "warn"
	}
	a, err := openApp(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	return f(a)
}

func cmdImport(ctx context.Context, env *cliEnv, args []string) error {
	const syntax = "import units FILE.csv [--check] [--dry-run]"
	if len(args) == 0 || args[0] != "units" {
		fmt.Fprintln(env.stderr, env.l.F("Cách dùng: tintot %s", syntax))
		return errUsage
	}
	fs := newFlags(env, "import units", syntax)
	dry := fs.Bool("dry-run", false, env.l.T("kiểm tra tệp và báo cáo, không ghi gì"))
	check := fs.Bool("check", false, env.l.T("mở từng địa chỉ nguồn tin, thay địa chỉ trang web bằng nguồn tin tìm thấy, báo lỗi địa chỉ không có nguồn tin"))
	if err := parseFlags(fs, reorder(args[1:])); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	path := fs.Arg(0)
	return withApp(ctx, env, func(a *app) error {
		f, err := os.Open(path)
		if err != nil {
			return env.l.E("import: không mở được tệp %s: %s", path, fileProblem(env.l, err))
		}
		defer f.Close()
		start := time.Now()
		opt := registry.ImportOptions{DryRun: *dry}
		if *check {
			opt.Check = a.client
			opt.Progress = func(n, total int, url string) {
				fmt.Fprintln(env.stderr, env.l.F("Đang kiểm tra %d/%d: %s", n, total, url))
			}
		}
		rep, err := registry.Import(ctx, a.store, f, opt)
		for _, re := range rep.Errors {
			fmt.Fprintf(env.stderr, "%s: %s\n", path, re.Error())
		}
		var fe *registry.FileError
		if errors.As(err, &fe) {
			return env.l.E("import: %s: %w", path, err)
		}
		if err != nil {
			return err
		}
		if len(rep.Errors) > 0 {
			lines := map[int]bool{}
			for _, re := range rep.Errors {
				lines[re.Line] = true
			}
			return env.l.E("import: %d lỗi ở %d dòng, tệp bị từ chối, không có thay đổi nào được ghi", len(rep.Errors), len(lines))
		}
		for _, r := range rep.Replaced {
			how := r.How
			if env.l.en {
				how = r.Via
			}
			fmt.Fprintln(env.stdout, env.l.F("dòng %d (mã %s): %s → nguồn tin %s (%s)", r.Line, r.Code, r.From, r.FeedURL, how))
		}
		c := rep.Changes
		msg := "Đã nhập %d đơn vị trong %s: %d mới, %d cập nhật, %d giữ nguyên, %d nguồn tin mới"
		if *dry {
			msg = "Đã kiểm tra (chạy thử, không ghi gì) %d đơn vị trong %s: %d mới, %d cập nhật, %d giữ nguyên, %d nguồn tin mới"
		}
		fmt.Fprintln(env.stdout, env.l.F(msg, rep.Units, time.Since(start).Round(time.Millisecond), c.UnitsCreated, c.UnitsUpdated, c.UnitsSame, c.FeedsCreated))
		if *check {
			fmt.Fprintln(env.stdout, env.l.F("Đã kiểm tra %d địa chỉ nguồn tin, thay %d địa chỉ trang bằng nguồn tin tìm thấy", rep.Checked, len(rep.Replaced)))
		}
		return nil
	})
}

// reorder moves flags before positional arguments so "FILE --dry-run" works too.
func reorder(args []string) []string {
	var flags, pos []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			flags = append(flags, a)
		} else {
			pos = append(pos, a)
		}
	}
	return append(flags, pos...)
}

func cmdUnits(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || args[0] != "list" {
		fmt.Fprintln(env.stderr, env.l.F("Cách dùng: tintot %s", "units list"))
		return errUsage
	}
	fs := newFlags(env, "units list", "units list")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	return withApp(ctx, env, func(a *app) error {
		us, err := a.store.ListUnits(ctx, store.UnitFilter{})
		if err != nil {
			return err
		}
		registry.PrintTree(env.stdout, us)
		return nil
	})
}

func cmdPoll(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, "poll", "poll --once [--unit CODE] [--force]")
	once := fs.Bool("once", false, env.l.T("đọc một lần rồi thoát (bắt buộc)"))
	unit := fs.String("unit", "", env.l.T("chỉ các nguồn tin của đơn vị này"))
	force := fs.Bool("force", false, env.l.T("đọc mọi nguồn tin được chọn, dù chưa đến hạn"))
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !*once {
		fmt.Fprintln(env.stderr, env.l.T("poll: cần --once (việc đọc định kỳ chạy trong `tintot serve`)"))
		return errUsage
	}
	return withApp(ctx, env, func(a *app) (err error) {
		// The model is fitted only if a post needs classifying: a cycle of unchanged
		// feeds does not pay for it.
		a.classifier.FitOnFirstUse(func() error { return a.ensureModel(ctx, false) })
		defer func() {
			if ferr := a.classifier.FitErr(); ferr != nil && err == nil {
				err = env.l.E("poll: không huấn luyện được mô hình phân loại, các bài mới đã được phân loại chỉ bằng quy tắc: %w", ferr)
			}
		}()
		if *unit == "" && !*force {
			s, err := a.poller.PollDue(ctx)
			if err != nil {
				return err
			}
			return reportPoll(env, s)
		}
		if *unit != "" {
			if _, err := a.store.GetUnit(ctx, *unit); errors.Is(err, store.ErrNotFound) {
				return env.l.E("poll: không có đơn vị %q", *unit)
			} else if err != nil {
				return env.l.E("poll: đơn vị %q: %w", *unit, err)
			}
		}
		list, err := a.store.ListFeeds(ctx, store.FeedFilter{UnitCode: *unit})
		if err != nil {
			return err
		}
		if !*force {
			now := a.clock.Now()
			due := list[:0]
			for _, f := range list {
				if !f.NextCheckAt.After(now) {
					due = append(due, f)
				}
			}
			list = due
		}
		return reportPoll(env, a.poller.PollFeeds(ctx, list))
	})
}

// reportPoll prints each feed that failed (unit, address, the Vietnamese reason; the
// technical detail in English), then the summary. It fails, so the command exits
// non-zero, when every feed polled failed; none due, or one read, is success.
func reportPoll(env *cliEnv, s feeds.Summary) error {
	if len(s.Failures) > 0 {
		tw := tabwriter.NewWriter(env.stdout, 0, 2, 2, ' ', 0)
		fmt.Fprintln(tw, env.l.T("ĐƠN VỊ\tNGUỒN TIN LỖI\tLÝ DO"))
		for _, f := range s.Failures {
			reason := f.Reason
			if env.l.en {
				reason = f.Detail
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", f.UnitCode, f.URL, reason)
		}
		tw.Flush()
	}
	if env.l.en {
		fmt.Fprintln(env.stdout, s.String())
	} else {
		fmt.Fprintf(env.stdout, "Đã đọc %d nguồn tin: %d đọc được, %d không đổi, %d lỗi; %d bài mới, %d bài cập nhật; %s\n",
			s.Feeds, s.OK, s.NotModified, s.Failed, s.NewPosts, s.UpdatedPosts, s.Duration.Round(time.Millisecond))
	}
	switch {
	case s.Feeds == 0:
		fmt.Fprintln(env.stdout, env.l.T("Không có nguồn tin nào đến hạn đọc."))
	case s.Failed == s.Feeds:
		return env.l.E("poll: cả %d nguồn tin đều lỗi, không đọc được nguồn tin nào", s.Feeds)
	}
	return nil
}

func cmdFeeds(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || args[0] != "health" {
		fmt.Fprintln(env.stderr, env.l.F("Cách dùng: tintot %s", "feeds health [--all]"))
		return errUsage
	}
	fs := newFlags(env, "feeds health", "feeds health [--all]")
	all := fs.Bool("all", false, env.l.T("liệt kê mọi nguồn tin, cả nguồn tin hoạt động tốt"))
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	return withApp(ctx, env, func(a *app) error {
		f := store.FeedFilter{States: []models.FeedState{models.FeedFailing, models.FeedBroken}}
		if *all {
			f = store.FeedFilter{}
		}
		list, err := a.store.ListFeeds(ctx, f)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			fmt.Fprintln(env.stdout, env.l.T("Tất cả nguồn tin đều hoạt động tốt."))
			return nil
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 2, 2, ' ', 0)
		fmt.Fprintln(tw, env.l.T("ĐƠN VỊ\tTRẠNG THÁI\tSỐ LẦN LỖI\tĐỌC ĐƯỢC LẦN CUỐI\tURL\tLỖI"))
		for _, fd := range list {
			last := "-"
			if fd.LastSuccessAt != nil {
				last = fd.LastSuccessAt.In(models.Vietnam).Format("02/01 15:04")
			}
			reason := fd.LastError
			if env.l.en && fd.LastErrorDetail != "" {
				reason = fd.LastErrorDetail
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", fd.UnitCode, env.l.T(fd.State.Label()), fd.ConsecutiveFailures, last, fd.URL, reason)
		}
		return tw.Flush()
	})
}

func cmdEvaluate(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, "evaluate", "evaluate --week YYYY-Www [--parent CODE] [--format table|json|csv]")
	week := fs.String("week", "", env.l.T("tuần ISO, ví dụ 2026-W48 (mặc định: tuần hiện tại)"))
	parent := fs.String("parent", "", env.l.T("chỉ các đơn vị thuộc đơn vị này"))
	format := fs.String("format", "table", env.l.T("table, json hoặc csv"))
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch *format {
	case "table", "json", "csv":
	default:
		return env.l.E("evaluate: --format %q: dùng table, json hoặc csv", *format)
	}
	if *week != "" {
		if _, err := models.WeekStart(*week, models.Vietnam); err != nil {
			return env.l.E("evaluate: --week: %w", err)
		}
	}
	return withApp(ctx, env, func(a *app) error {
		r, err := a.campaign.Review(ctx, *week, *parent)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return env.l.E("evaluate: không có đơn vị %q", *parent)
			}
			return err
		}
		switch *format {
		case "json":
			enc := json.NewEncoder(env.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(r)
		case "csv":
			return report.WriteCSV(env.stdout, r)
		}
		return campaign.WriteTable(env.stdout, r)
	})
}

func cmdReclassify(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, "reclassify", "reclassify [--unit CODE] [--since YYYY-MM-DD]")
	unit := fs.String("unit", "", env.l.T("chỉ các bài của đơn vị này"))
	since := fs.String("since", "", env.l.T("chỉ các bài từ ngày này (giờ Việt Nam)"))
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *since != "" {
		if _, err := models.DayStart(*since, models.Vietnam); err != nil {
			return env.l.E("reclassify: --since: %w", err)
		}
	}
	return withApp(ctx, env, func(a *app) error {
		if err := a.ensureModel(ctx, false); err != nil {
			return err
		}
		res, err := classify.Reclassify(ctx, a.store, a.classifier.Load(), *unit, *since)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.stdout, res.String())
		return nil
	})
}

func cmdClassify(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) != 1 || (args[0] != "retrain" && args[0] != "info") {
		fmt.Fprintln(env.stderr, env.l.F("Cách dùng: tintot %s", "classify retrain | tintot classify info"))
		return errUsage
	}
	return withApp(ctx, env, func(a *app) error {
		if err := a.ensureModel(ctx, true); err != nil {
			return err
		}
		info := a.model
		if args[0] == "retrain" {
			var res classify.ReclassifyResult
			var err error
			if info, res, err = a.retrain(ctx); err != nil {
				return err
			}
			fmt.Fprintln(env.stdout, env.l.F("Đã huấn luyện lại mô hình %s; bài của tuần đang mở: %s", info.Version, res.String()))
		}
		writeModelInfo(env.stdout, env.l, info)
		return nil
	})
}

// writeModelInfo prints a model's description and held-out figures.
func writeModelInfo(w io.Writer, l tr, info classify.ModelInfo) {
	h := info.HeldOut
	fmt.Fprintln(w, l.F("Mô hình %s: %d bài mẫu của bộ dữ liệu, %d quyết định của người duyệt", info.Version, info.Corpus, info.Reviewers))
	pct := func(f float64) string { return fmt.Sprintf("%.0f %%", f*100) }
	fmt.Fprintln(w, l.F("Trên phần giữ lại (%d bài, không dùng để huấn luyện): đúng loại %s; câu chuyện đẹp: chính xác %s, độ phủ %s; tin tốt: độ phủ %s; đấu tranh phản bác: chính xác %s; bài được tính cho ngày đúng là tin tốt hoặc câu chuyện đẹp: %s",
		h.N, pct(h.Accuracy), pct(h.Precision[models.KindStory]), pct(h.Recall[models.KindStory]), pct(h.Recall[models.KindGoodNews]), pct(h.Precision[models.KindIdeology]), pct(h.DailyPrecision)))
}

func cmdUser(ctx context.Context, env *cliEnv, args []string) error {
	usage := "user add --email E --name N --role admin|reviewer|unit_admin [--unit CODE] [--password P] | user passwd --email E [--password P] | user list"
	if len(args) == 0 {
		fmt.Fprintln(env.stderr, env.l.F("Cách dùng: tintot %s", usage))
		return errUsage
	}
	fs := newFlags(env, "user "+args[0], usage)
	email := fs.String("email", "", env.l.T("e-mail (tên đăng nhập)"))
	name := fs.String("name", "", env.l.T("họ và tên"))
	role := fs.String("role", "unit_admin", env.l.T("admin, reviewer hoặc unit_admin"))
	unit := fs.String("unit", "", env.l.T("mã đơn vị của tài khoản (reviewer: cả các đơn vị cấp dưới)"))
	password := fs.String("password", "", env.l.T("mật khẩu (để trống thì tạo ngẫu nhiên và in ra)"))
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	return withApp(ctx, env, func(a *app) error {
		switch args[0] {
		case "add":
			pw, err := handlers.CreateUser(ctx, a.store, *email, *name, models.Role(*role), *unit, *password)
			if err != nil {
				return err
			}
			fmt.Fprintln(env.stdout, env.l.F("Đã tạo tài khoản %s (%s)", *email, *role))
			if *password == "" {
				fmt.Fprintln(env.stdout, env.l.F("Mật khẩu: %s", pw))
			}
		case "passwd":
			pw, err := handlers.SetPassword(ctx, a.store, *email, *password)
			if err != nil {
				return err
			}
			fmt.Fprintln(env.stdout, env.l.F("Đã đổi mật khẩu của %s; các phiên đăng nhập của tài khoản đã bị đóng", *email))
			if *password == "" {
				fmt.Fprintln(env.stdout, env.l.F("Mật khẩu: %s", pw))
			}
		case "list":
			us, err := a.store.ListUsers(ctx)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(env.stdout, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, env.l.T("EMAIL\tHỌ TÊN\tVAI TRÒ\tĐƠN VỊ\tĐÃ KHOÁ"))
			for _, u := range us {
				disabled := ""
				if u.Disabled {
					disabled = env.l.T("có")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Email, u.Name, u.Role, u.UnitCode, disabled)
			}
			return tw.Flush()
		default:
			fmt.Fprintln(env.stderr, env.l.F("Cách dùng: tintot %s", usage))
			return errUsage
		}
		return nil
	})
}

// cmdBackup copies the SQLite database, consistent and checked, while tintot keeps
// running; it never migrates the database, so it is safe before an upgrade.
func cmdBackup(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, "backup", "backup FILE")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	cfg, err := loadConfig(env, nil)
	if err != nil {
		return err
	}
	if cfg.Backend() != "sqlite" {
		return errors.New(env.l.T("backup: cơ sở dữ liệu là MongoDB: hãy dùng mongodump (xem deploy/BACKUP.md)"))
	}
	dst := fs.Arg(0)
	if st, err := os.Stat(filepath.Dir(dst)); err != nil || !st.IsDir() {
		return env.l.E("backup: không có thư mục %s để ghi bản sao lưu", filepath.Dir(dst))
	}
	start := time.Now()
	if err := sqlite.Backup(ctx, cfg.SQLitePath(), dst); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	size := int64(0)
	if st, err := os.Stat(dst); err == nil {
		size = st.Size()
	}
	fmt.Fprintln(env.stdout, env.l.F("Đã sao lưu %s vào %s (%.1f MB, kiểm tra toàn vẹn đạt) trong %s",
		cfg.SQLitePath(), dst, float64(size)/(1<<20), time.Since(start).Round(time.Millisecond)))
	return nil
}

// fileProblem says in the chosen language why a file could not be opened: missing, not
// readable, or the system's own words.
func fileProblem(l tr, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return l.T("tệp không tồn tại")
	case errors.Is(err, fs.ErrPermission):
		return l.T("không có quyền đọc tệp")
	}
	return err.Error()
}
