// Command guazheng finds 挂证 advertisements and the brokers behind them:
// it crawls, classifies, stores evidence and serves the review UI.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// env is what every subcommand gets instead of reaching for globals.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// commands lists every subcommand. Each lives in its own file.
func commands() map[string]command {
	return map[string]command{
		"classify": {"classify JSONL posts from stdin, one verdict per line on stdout", runClassify},
		"rules":    {"rules test|train|lint: check, evaluate and train the rule files", runRules},
		"crawl":    {"crawl the configured sites once (--once) and exit", runCrawl},
		"run":      {"run the daemon: scheduled crawls, classification, store, web UI", runDaemon},
		"evidence": {"evidence verify|export: check stored evidence, write evidence packages", runEvidence},
		"export":   {"export hits as JSONL or CSV", runExport},
		"serve":    {"serve the review web UI", runServe},
		"user":     {"user add NAME --role R: manage web UI accounts", runUser},
		"report":   {"report monthly --month YYYY-MM --out FILE.xlsx: the monthly 汇总表", runReport},
		"demo":     {"run the bundled demo: demo sites, crawl, recrawl, web UI", runDemo},
		"config":   {"config check FILE: validate a configuration file", runConfig},
		"version":  {"print version, rule-set version and build info", runVersion},
	}
}

// errUsage marks an error whose message is a usage problem (exit status 2).
var errUsage = errors.New("usage")

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: guazheng <command> [flags]\n\ncommands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'guazheng <command> -h' for a command's flags.")
}

func main() {
	os.Exit(realMain(os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}))
}

func realMain(args []string, e *env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "guazheng: unknown command %q\n", args[0])
		usage(e.stderr)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cmd.run(ctx, e, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(e.stderr, "guazheng %s: %v\n", args[0], err)
		if errors.Is(err, errUsage) {
			return 2
		}
		return 1
	}
	return 0
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("guazheng "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}
