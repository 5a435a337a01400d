package main

import (
	"context"

	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify"
	"github.com/guazheng/guazheng/crawler"
	"github.com/guazheng/guazheng/store/sqlite"
	"github.com/guazheng/guazheng/web/report"
)

// runDaemon is `guazheng run --config FILE`: scheduled crawls, classification
// with hot-reloaded rules, the evidence store, the web UI with /metrics and
// /healthz, the monthly report and the retention job, until SIGINT/SIGTERM.
func runDaemon(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "run")
	path := fs.String("config", "", "configuration `FILE` (see docs/config.md)")
	initial := fs.Bool("initial", true, "crawl every site once at start, before its first scheduled tick")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: guazheng run --config FILE\n\n"+
			"Runs the daemon: each site is crawled on its cron schedule (never twice at once),\n"+
			"posts are classified with the rule directory (reloaded when it changes) and stored\n"+
			"as evidence, the web UI serves reviewers with /metrics and /healthz, the monthly\n"+
			"汇总表 is written at 08:00 on the 2nd. SIGINT or SIGTERM stops it cleanly.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" || fs.NArg() > 0 {
		return fmt.Errorf("%w: want: guazheng run --config FILE", errUsage)
	}
	cfg, err := LoadConfig(*path)
	if err != nil {
		return err
	}
	return daemon(ctx, cfg, e.stderr, *initial, nil)
}

// daemonReady reports the listening addresses (tests).
type daemonReady func(app, sandbox net.Addr)

func daemon(ctx context.Context, cfg *Config, logw io.Writer, initial bool, ready daemonReady) error {
	log := daemonLogger(logw, cfg.Log)
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	db, err := sqlite.OpenContext(ctx, cfg.DB, sqlite.Options{WARCDir: cfg.WARCDir, WARCMaxSize: int64(cfg.WARCMaxSize), Durable: cfg.Durable, Logger: log})
	if err != nil {
		return fmt.Errorf("open database %s: %w", cfg.DB, err)
	}
	defer db.Close()
	rules, err := classify.NewReloader(cfg.Rules.Dir, log)
	if err != nil {
		return err
	}
	m := newMetrics()
	sink := &guazheng.Pipeline{Classifier: countingClassifier{rules, m}, Store: countingStore{db, m}}
	lock, exclusive, err := tryCrawlLock(cfg.DB)
	if err != nil {
		return err
	}
	defer lock.release()
	if !exclusive {
		log.Warn("another process is crawling this database: leases of interrupted crawls are left to expire", "db", cfg.DB)
	}
	c, err := crawler.New(cfg.CrawlerConfig(), crawler.Options{Frontier: db, Runs: db, Sink: sink, Logger: log, Exclusive: exclusive})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 3)
	wg.Add(1)
	go func() {
		defer wg.Done()
		err := c.Schedule(ctx, crawler.ScheduleOptions{RunAtStart: initial, OnRun: func(site string, st *guazheng.RunStats, err error) {
			m.recordRun(site, st, err)
			if err != nil && ctx.Err() == nil {
				log.Warn("crawl run failed", "site", site, "err", err)
			}
		}})
		if err != nil && ctx.Err() == nil {
			errc <- fmt.Errorf("scheduler: %w", err)
		}
	}()

	jobs := cron.New(cron.WithLocation(cst))
	if cfg.Retention.Enabled {
		if _, err := jobs.AddFunc(cfg.Retention.Schedule, func() { runRetention(ctx, db, cfg, log) }); err != nil {
			return fmt.Errorf("schedule retention: %w", err)
		}
	}
	if *cfg.Web.Enabled {
		o := webOptions{addr: cfg.Web.Addr, sandboxAddr: cfg.Web.SandboxAddr, sandboxURL: cfg.Web.SandboxURL,
			rulesDir: cfg.Rules.Dir, reportDir: cfg.ReportsDir, unit: cfg.Web.Unit, signKey: cfg.Evidence.SignKey,
			tsa: cfg.Evidence.TSAURL, secureCookies: cfg.Web.SecureCookies, rules: rules,
			reloadEvery: cfg.Rules.ReloadInterval.Duration,
			wrap:        func(h http.Handler, r *classify.Reloader) http.Handler { return observability(h, m, db, r) }}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := serveWeb(ctx, db, o, log, ready); err != nil {
				errc <- err
			}
		}()
	} else {
		// Without the web UI the daemon still watches the rules and writes
		// the monthly table itself.
		go rules.Watch(ctx, cfg.Rules.ReloadInterval.Duration)
		if *cfg.Report.Enabled {
			dir := report.Dir{Path: cfg.ReportsDir}
			op := report.Options{Unit: cfg.Web.Unit, Location: cst}
			if _, err := jobs.AddFunc(cfg.Report.Schedule, func() { report.Job(db, dir, op, log)(ctx) }); err != nil {
				return fmt.Errorf("schedule monthly report: %w", err)
			}
		}
	}
	jobs.Start()
	defer jobs.Stop()
	log.Info("guazheng running", "version", guazheng.Version, "rules", rules.Status().Version, "db", cfg.DB, "sites", len(cfg.CrawlerConfig().Sites))
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
		log.Error("stopping", "err", runErr)
	}
	cancel()
	wg.Wait()
	log.Info("guazheng stopped")
	if runErr != nil {
		return runErr
	}
	return nil
}

// runRetention deletes what the retention policy allows, audited by the store.
func runRetention(ctx context.Context, db *sqlite.DB, cfg *Config, log *slog.Logger) {
	keep := make([]guazheng.HitState, len(cfg.Retention.KeepStates))
	for i, s := range cfg.Retention.KeepStates {
		keep[i] = guazheng.HitState(s)
	}
	before := time.Now().AddDate(0, 0, -cfg.Retention.KeepDays)
	res, err := db.Retain(ctx, guazheng.RetentionPolicy{Before: before, Keep: keep}, "system", fmt.Sprintf("retention.keep_days=%d", cfg.Retention.KeepDays))
	if err != nil {
		log.Error("retention failed", "err", err)
		return
	}
	log.Info("retention done", "posts", res.Posts, "captures", res.Captures, "bytes_freed", res.BytesFreed)
}

// daemonLogger logs JSON when w is not a terminal, text otherwise.
func daemonLogger(w io.Writer, c LogConfig) *slog.Logger {
	var level slog.Level
	switch c.Level {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	format := c.Format
	if format == "auto" {
		format = "json"
		if isTerminal(w) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
