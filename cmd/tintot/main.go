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
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// command is one subcommand of the CLI.
type command struct {
	name  string
	usage string
	run   func(ctx context.Context, env *cliEnv, args []string) error
}

// cliEnv is what every subcommand receives.
type cliEnv struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
}

// errUsage marks an error already explained by the flag set's usage output.
var errUsage = errors.New("usage")

func commands() []command {
	return []command{
		{"serve", "serve [--demo]                 run the web service, poller and scheduler", cmdServe},
		{"import", "import units FILE.csv [--dry-run]  import or update the registry of units and feeds", cmdImport},
		{"units", "units list                     print the tree of units", cmdUnits},
		{"poll", "poll --once [--unit CODE] [--force]  poll due (or all) feeds once", cmdPoll},
		{"feeds", "feeds health                   list feeds that are not ok", cmdFeeds},
		{"evaluate", "evaluate --week YYYY-Www [--parent CODE] [--format table|json|csv]  print the weekly review", cmdEvaluate},
		{"reclassify", "reclassify [--unit CODE] [--since YYYY-MM-DD]  re-apply rules to posts without an override", cmdReclassify},
		{"classify", "classify retrain|info           refit the classification model on the reviewers' decisions, or describe it", cmdClassify},
		{"user", "user add|passwd|list            manage accounts", cmdUser},
		{"backup", "backup FILE                    copy the SQLite database to FILE while tintot runs", cmdBackup},
		{"version", "version                        print the version", cmdVersion},
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	env := &cliEnv{getenv: getenv, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(stdout)
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
	fmt.Fprintf(stderr, "tintot: unknown command %q\n\n", args[0])
	printHelp(stderr)
	return 2
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "tintot — theo dõi chiến dịch \"Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp\"")
	fmt.Fprintln(w, "\nUsage: tintot COMMAND [flags]   (tintot COMMAND --help for details)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintln(w, "  "+c.usage)
	}
	fmt.Fprintln(w, "\nConfiguration comes from TINTOT_* environment variables (see README.md).")
}

// newFlags builds a flag set whose usage goes to the command's stderr.
func newFlags(env *cliEnv, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "Usage: tintot %s\n", usage)
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
