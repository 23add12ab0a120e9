package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"tintot/campaign"
	"tintot/classify"
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
	if len(args) == 0 || args[0] != "units" {
		fmt.Fprintln(env.stderr, "Usage: tintot import units FILE.csv [--dry-run]")
		return errUsage
	}
	fs := newFlags(env, "import units", "import units FILE.csv [--dry-run]")
	dry := fs.Bool("dry-run", false, "check the file and report, write nothing")
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
			return fmt.Errorf("import: %w", err)
		}
		defer f.Close()
		start := time.Now()
		rep, err := registry.Import(ctx, a.store, f, registry.ImportOptions{DryRun: *dry})
		for _, re := range rep.Errors {
			fmt.Fprintf(env.stderr, "%s: %s\n", path, re.Error())
		}
		if err != nil {
			return err
		}
		if len(rep.Errors) > 0 {
			return fmt.Errorf("import: %d dòng lỗi, tệp bị từ chối, không có thay đổi nào được ghi", len(rep.Errors))
		}
		c := rep.Changes
		verb := "imported"
		if *dry {
			verb = "checked (dry run, nothing written)"
		}
		fmt.Fprintf(env.stdout, "%s %d units in %s: %d created, %d updated, %d unchanged, %d feeds added\n",
			verb, rep.Units, time.Since(start).Round(time.Millisecond), c.UnitsCreated, c.UnitsUpdated, c.UnitsSame, c.FeedsCreated)
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
		fmt.Fprintln(env.stderr, "Usage: tintot units list")
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
	once := fs.Bool("once", false, "poll once and exit (required)")
	unit := fs.String("unit", "", "only the feeds of this unit")
	force := fs.Bool("force", false, "poll every selected feed, due or not")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !*once {
		fmt.Fprintln(env.stderr, "poll: --once is required (continuous polling runs inside `tintot serve`)")
		return errUsage
	}
	return withApp(ctx, env, func(a *app) error {
		if err := a.ensureModel(ctx); err != nil {
			return err
		}
		if *unit == "" && !*force {
			s, err := a.poller.PollDue(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintln(env.stdout, s.String())
			return nil
		}
		if *unit != "" {
			if _, err := a.store.GetUnit(ctx, *unit); err != nil {
				return fmt.Errorf("poll: unit %q: %w", *unit, err)
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
		sum := a.poller.PollFeeds(ctx, list)
		fmt.Fprintln(env.stdout, sum.String())
		return nil
	})
}

func cmdFeeds(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || args[0] != "health" {
		fmt.Fprintln(env.stderr, "Usage: tintot feeds health")
		return errUsage
	}
	fs := newFlags(env, "feeds health", "feeds health")
	all := fs.Bool("all", false, "list every feed, ok ones too")
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
			fmt.Fprintln(env.stdout, "Tất cả nguồn tin đều hoạt động tốt.")
			return nil
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 2, 2, ' ', 0)
		fmt.Fprintln(tw, "UNIT\tSTATE\tFAILURES\tLAST SUCCESS\tURL\tERROR")
		for _, fd := range list {
			last := "-"
			if fd.LastSuccessAt != nil {
				last = fd.LastSuccessAt.In(models.Vietnam).Format("02/01 15:04")
			}
			state := string(fd.State)
			if state == "" {
				state = "new"
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", fd.UnitCode, state, fd.ConsecutiveFailures, last, fd.URL, fd.LastError)
		}
		return tw.Flush()
	})
}

func cmdEvaluate(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, "evaluate", "evaluate --week YYYY-Www [--parent CODE] [--format table|json|csv]")
	week := fs.String("week", "", "ISO week, e.g. 2026-W48 (default: the current week)")
	parent := fs.String("parent", "", "only the units under this unit")
	format := fs.String("format", "table", "table, json or csv")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch *format {
	case "table", "json", "csv":
	default:
		return fmt.Errorf("evaluate: --format %q: use table, json or csv", *format)
	}
	if *week != "" {
		if _, err := models.WeekStart(*week, models.Vietnam); err != nil {
			return fmt.Errorf("evaluate: --week: %w", err)
		}
	}
	return withApp(ctx, env, func(a *app) error {
		r, err := a.campaign.Review(ctx, *week, *parent)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("evaluate: unit %q not found", *parent)
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
	unit := fs.String("unit", "", "only this unit's posts")
	since := fs.String("since", "", "only posts from this local day on")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *since != "" {
		if _, err := models.DayStart(*since, models.Vietnam); err != nil {
			return fmt.Errorf("reclassify: --since: %w", err)
		}
	}
	return withApp(ctx, env, func(a *app) error {
		if err := a.ensureModel(ctx); err != nil {
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
		fmt.Fprintln(env.stderr, "Cách dùng: tintot classify retrain | tintot classify info")
		return errUsage
	}
	return withApp(ctx, env, func(a *app) error {
		if err := a.ensureModel(ctx); err != nil {
			return err
		}
		info := a.model
		if args[0] == "retrain" {
			var res classify.ReclassifyResult
			var err error
			if info, res, err = a.retrain(ctx); err != nil {
				return err
			}
			fmt.Fprintf(env.stdout, "Đã huấn luyện lại mô hình %s; bài của tuần đang mở: %s\n", info.Version, res.String())
		}
		writeModelInfo(env.stdout, info)
		return nil
	})
}

// writeModelInfo prints a model's description and held-out figures in Vietnamese.
func writeModelInfo(w io.Writer, info classify.ModelInfo) {
	h := info.HeldOut
	fmt.Fprintf(w, "Mô hình %s: %d bài mẫu của bộ dữ liệu, %d quyết định của người duyệt\n", info.Version, info.Corpus, info.Reviewers)
	pct := func(f float64) string { return fmt.Sprintf("%.0f %%", f*100) }
	fmt.Fprintf(w, "Trên phần giữ lại (%d bài, không dùng để huấn luyện): đúng loại %s; câu chuyện đẹp: chính xác %s, độ phủ %s; tin tốt: độ phủ %s; đấu tranh phản bác: chính xác %s; bài được tính cho ngày đúng là tin tốt hoặc câu chuyện đẹp: %s\n",
		h.N, pct(h.Accuracy), pct(h.Precision[models.KindStory]), pct(h.Recall[models.KindStory]), pct(h.Recall[models.KindGoodNews]), pct(h.Precision[models.KindIdeology]), pct(h.DailyPrecision))
}

func cmdUser(ctx context.Context, env *cliEnv, args []string) error {
	usage := "user add --email E --name N --role admin|reviewer|unit_admin [--unit CODE] [--password P] | user passwd --email E [--password P] | user list"
	if len(args) == 0 {
		fmt.Fprintln(env.stderr, "Usage: tintot "+usage)
		return errUsage
	}
	fs := newFlags(env, "user "+args[0], usage)
	email := fs.String("email", "", "e-mail (login)")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "unit_admin", "admin, reviewer or unit_admin")
	unit := fs.String("unit", "", "unit code the user is scoped to (reviewer: its subtree)")
	password := fs.String("password", "", "password (generated and printed if empty)")
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
			fmt.Fprintf(env.stdout, "created %s (%s)\n", *email, *role)
			if *password == "" {
				fmt.Fprintf(env.stdout, "password: %s\n", pw)
			}
		case "passwd":
			pw, err := handlers.SetPassword(ctx, a.store, *email, *password)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stdout, "password changed for %s; their sessions were ended\n", *email)
			if *password == "" {
				fmt.Fprintf(env.stdout, "password: %s\n", pw)
			}
		case "list":
			us, err := a.store.ListUsers(ctx)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(env.stdout, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, "EMAIL\tNAME\tROLE\tUNIT\tDISABLED")
			for _, u := range us {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\n", u.Email, u.Name, u.Role, u.UnitCode, u.Disabled)
			}
			return tw.Flush()
		default:
			fmt.Fprintln(env.stderr, "Usage: tintot "+usage)
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
		return errors.New("backup: the database is MongoDB: use mongodump (see deploy/BACKUP.md)")
	}
	dst := fs.Arg(0)
	start := time.Now()
	if err := sqlite.Backup(ctx, cfg.SQLitePath(), dst); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	size := int64(0)
	if st, err := os.Stat(dst); err == nil {
		size = st.Size()
	}
	fmt.Fprintf(env.stdout, "backed up %s to %s (%.1f MB, integrity ok) in %s\n",
		cfg.SQLitePath(), dst, float64(size)/(1<<20), time.Since(start).Round(time.Millisecond))
	return nil
}
