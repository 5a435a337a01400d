package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify"
	"github.com/guazheng/guazheng/crawler/fetch"
	"github.com/guazheng/guazheng/store/evidence"
	"github.com/guazheng/guazheng/store/sqlite"
	"github.com/guazheng/guazheng/web"
	"github.com/guazheng/guazheng/web/pagecapture"
	"github.com/guazheng/guazheng/web/report"
	"github.com/guazheng/guazheng/web/ruleconsole"
)

// cst is China Standard Time, the zone of the UI and of the monthly job.
var cst = time.FixedZone("CST", 8*3600)

// webOptions configure the web UI; `guazheng serve` and `guazheng run`
// share them.
type webOptions struct {
	addr, sandboxAddr, sandboxURL string
	rulesDir, rulesEval           string
	reportDir, unit               string
	signKey, tsa                  string
	secureCookies, allowPrivate   bool
	// rules, when set, is the classifier the UI shares with the crawl
	// pipeline (guazheng run); nil loads rulesDir.
	rules *classify.Reloader
	// wrap, when set, wraps the UI handler (guazheng run adds /metrics and
	// /healthz).
	wrap func(http.Handler, *classify.Reloader) http.Handler
	// reloadEvery is how often the rule directory is checked (default 5s).
	reloadEvery time.Duration
}

func (o *webOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "`HOST:PORT` of the web UI")
	fs.StringVar(&o.sandboxAddr, "sandbox-addr", "", "`HOST:PORT` serving raw captured pages (default: the UI's port + 1); must be another origin than the UI")
	fs.StringVar(&o.sandboxURL, "sandbox-url", "", "public base `URL` of the sandbox address, when behind a proxy (default: http://SANDBOX-ADDR)")
	fs.StringVar(&o.rulesDir, "rules", "", "rule `DIR`, reloaded when it changes (default: the rules embedded in the binary)")
	fs.StringVar(&o.rulesEval, "rules-eval", "", "JSON report of `guazheng rules test --json` shown in the rules console (default: rules-eval.json beside the database)")
	fs.StringVar(&o.reportDir, "reports", "", "`DIR` of the monthly tables (default: reports beside the database)")
	fs.StringVar(&o.unit, "unit", "", "reporting unit (填报单位) printed on the monthly table")
	fs.StringVar(&o.signKey, "sign-key", "", "Ed25519 private key `FILE` (PEM) signing lead packages")
	fs.StringVar(&o.tsa, "tsa", "", "RFC 3161 time-stamping authority `URL` for lead packages")
	fs.BoolVar(&o.secureCookies, "secure-cookies", false, "mark cookies Secure (set when a TLS proxy fronts the UI)")
	fs.BoolVar(&o.allowPrivate, "allow-private-capture", false, "let complaint URLs point at loopback and private addresses (tests, demo)")
}

// sandboxDefaults fills the sandbox address and URL from the UI address.
func (o *webOptions) sandboxDefaults() error {
	if o.sandboxAddr == "" {
		host, port, err := net.SplitHostPort(o.addr)
		if err != nil {
			return fmt.Errorf("%w: --addr %q: %v", errUsage, o.addr, err)
		}
		p, err := strconv.Atoi(port)
		if err != nil || p == 0 {
			return fmt.Errorf("%w: give --sandbox-addr when --addr has no fixed port", errUsage)
		}
		o.sandboxAddr = net.JoinHostPort(host, strconv.Itoa(p+1))
	}
	if o.sandboxAddr == o.addr && !strings.HasSuffix(o.addr, ":0") {
		return fmt.Errorf("%w: --sandbox-addr must differ from --addr", errUsage)
	}
	return nil
}

// sandboxBase is the sandbox's URL as the browser reaches it: --sandbox-url,
// or http:// and the address the sandbox listens on.
func sandboxBase(o webOptions, ln net.Addr) string {
	if o.sandboxURL != "" {
		return o.sandboxURL
	}
	host, port, err := net.SplitHostPort(ln.String())
	if err != nil {
		return "http://" + ln.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// webApp is a running web UI's parts.
type webApp struct {
	srv      *web.Server
	rules    *classify.Reloader
	reports  report.Dir
	reportOp report.Options
}

// newWebApp builds the web UI over db: rules console, complaint capturer,
// report directory.
func newWebApp(db *sqlite.DB, o webOptions, log *slog.Logger) (*webApp, error) {
	rl := o.rules
	if rl == nil {
		var err error
		if rl, err = classify.NewReloader(o.rulesDir, log); err != nil {
			return nil, err
		}
	}
	var err error
	base := filepath.Dir(db.Path())
	if o.reportDir == "" {
		o.reportDir = filepath.Join(base, "reports")
	}
	if o.rulesEval == "" {
		o.rulesEval = filepath.Join(base, "rules-eval.json")
	}
	var key ed25519.PrivateKey
	if o.signKey != "" {
		if key, err = evidence.LoadSignKey(o.signKey); err != nil {
			return nil, err
		}
	}
	capt := &pagecapture.Capturer{Fetcher: fetch.New(nil, nil), Sink: &guazheng.Pipeline{Classifier: rl, Store: db},
		AllowPrivate: o.allowPrivate}
	srv, err := web.New(web.Config{Store: db, Rules: ruleconsole.New(rl, o.rulesDir, o.rulesEval), Capturer: capt,
		SandboxURL: o.sandboxURL, ReportDir: o.reportDir, Unit: o.unit, EvidenceSignKey: key, EvidenceTSA: o.tsa,
		SecureCookies: o.secureCookies, Location: cst, Logger: log})
	if err != nil {
		return nil, err
	}
	return &webApp{srv: srv, rules: rl, reports: report.Dir{Path: o.reportDir},
		reportOp: report.Options{Unit: o.unit, Location: cst}}, nil
}

// serveWeb serves the UI and the sandbox origin, watches the rule files and
// writes last month's table at 08:00 on the 2nd, until ctx ends.
func serveWeb(ctx context.Context, db *sqlite.DB, o webOptions, log *slog.Logger, ready func(app, sandbox net.Addr)) error {
	if err := o.sandboxDefaults(); err != nil {
		return err
	}
	appLn, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", o.addr, err)
	}
	sbLn, err := net.Listen("tcp", o.sandboxAddr)
	if err != nil {
		appLn.Close()
		return fmt.Errorf("listen %s: %w", o.sandboxAddr, err)
	}
	o.sandboxURL = sandboxBase(o, sbLn.Addr())
	app, err := newWebApp(db, o, log)
	if err != nil {
		appLn.Close()
		sbLn.Close()
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	every := o.reloadEvery
	if every <= 0 {
		every = 5 * time.Second
	}
	go app.rules.Watch(ctx, every)
	c := cron.New(cron.WithLocation(cst))
	if _, err := c.AddFunc(report.Schedule, func() { report.Job(db, app.reports, app.reportOp, log)(ctx) }); err != nil {
		return fmt.Errorf("schedule monthly report: %w", err)
	}
	c.Start()
	defer c.Stop()

	handler := app.srv.Handler()
	if o.wrap != nil {
		handler = o.wrap(handler, app.rules)
	}
	servers := []*http.Server{
		{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)},
		{Handler: app.srv.SandboxHandler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)},
	}
	errc := make(chan error, 2)
	for i, ln := range []net.Listener{appLn, sbLn} {
		go func() { errc <- servers[i].Serve(ln) }()
	}
	log.Info("web UI listening", "addr", "http://"+appLn.Addr().String(), "sandbox", o.sandboxURL)
	if ready != nil {
		ready(appLn.Addr(), sbLn.Addr())
	}
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer scancel()
	for _, s := range servers {
		s.Shutdown(sctx)
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("web UI: %w", err)
	}
	return nil
}

// openWebStore opens (creating if needed) the database of the web commands.
func openWebStore(ctx context.Context, path string, log *slog.Logger) (*sqlite.DB, error) {
	db, err := sqlite.OpenContext(ctx, path, sqlite.Options{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return db, nil
}

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve")
	dbPath := fs.String("db", defaultDB, "SQLite database `FILE`")
	verbose := fs.Bool("v", false, "log debug messages")
	var o webOptions
	o.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: guazheng serve [--db FILE] [--addr HOST:PORT] [--sandbox-addr HOST:PORT] [flags]\n\n"+
			"Serves the review web UI. Raw captured pages are served from a second address (the sandbox\n"+
			"origin) and shown only inside sandboxed frames. Create accounts with 'guazheng user add'.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	log := newLogger(e.stderr, *verbose)
	db, err := openWebStore(ctx, *dbPath, log)
	if err != nil {
		return err
	}
	defer db.Close()
	return serveWeb(ctx, db, o, log, nil)
}

func userUsage(w interface{ Write([]byte) (int, error) }) {
	fmt.Fprintln(w, "usage: guazheng user add NAME --role R [--db FILE] [--password-stdin]\n"+
		"       guazheng user passwd NAME [--db FILE] [--password-stdin]\n"+
		"       guazheng user disable|enable NAME [--db FILE]\n"+
		"       guazheng user list [--db FILE]\n\n"+
		"Roles: reviewer (审核员), police (公安民警), operator (规则运维), admin (管理员).\n"+
		"Without --password-stdin a random password is generated and printed once.")
}

// splitName takes the account name from args wherever it stands among the
// flags (user add NAME --role R, or user add --role R NAME).
func splitName(args []string, valued map[string]bool) (string, []string) {
	var rest []string
	name := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			rest = append(rest, a)
			if valued[strings.TrimLeft(a, "-")] && !strings.Contains(a, "=") && i+1 < len(args) {
				i++
				rest = append(rest, args[i])
			}
			continue
		}
		if name == "" {
			name = a
			continue
		}
		rest = append(rest, a)
	}
	return name, rest
}

func readPassword(e *env, fromStdin bool) (string, bool, error) {
	if !fromStdin {
		pw, err := web.GeneratePassword()
		return pw, true, err
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", false, fmt.Errorf("read password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), false, nil
}

func runUser(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		userUsage(e.stderr)
		if len(args) == 0 {
			return fmt.Errorf("%w: want user add|passwd|disable|enable|list", errUsage)
		}
		return nil
	}
	sub := args[0]
	name, rest := splitName(args[1:], map[string]bool{"role": true, "db": true})
	fs := newFlagSet(e, "user "+sub)
	fs.Usage = func() { userUsage(fs.Output()) }
	dbPath := fs.String("db", defaultDB, "SQLite database `FILE`")
	role := fs.String("role", "", "role: reviewer, police, operator or admin")
	stdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	switch sub {
	case "add", "passwd", "disable", "enable":
		if name == "" {
			return fmt.Errorf("%w: user %s needs a NAME", errUsage, sub)
		}
	case "list":
	default:
		return fmt.Errorf("%w: unknown user subcommand %q (want add, passwd, disable, enable or list)", errUsage, sub)
	}
	if sub == "add" && !web.Role(*role).Valid() {
		return fmt.Errorf("%w: --role must be reviewer, police, operator or admin", errUsage)
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, err := openWebStore(ctx, *dbPath, log)
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "list":
		users, err := db.ListUsers(ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			state := "active"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(e.stdout, "%-20s %-9s %-8s %s\n", u.Name, u.Role, state, u.Created.In(cst).Format("2006-01-02 15:04"))
		}
		return nil
	case "disable", "enable":
		u, err := db.GetUser(ctx, name)
		if err != nil {
			return err
		}
		u.Disabled = sub == "disable"
		if err := db.UpdateUser(ctx, u); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %s %sd\n", name, sub)
		return nil
	}
	pw, generated, err := readPassword(e, *stdin)
	if err != nil {
		return err
	}
	hash, err := web.HashPassword(pw, 0)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if sub == "add" {
		if _, err := db.CreateUser(ctx, guazheng.User{Name: name, Role: *role, PasswordHash: hash}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %s added with role %s\n", name, *role)
	} else {
		u, err := db.GetUser(ctx, name)
		if err != nil {
			return err
		}
		u.PasswordHash = hash
		if err := db.UpdateUser(ctx, u); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "password of %s changed\n", name)
	}
	if generated {
		fmt.Fprintf(e.stdout, "password: %s\n", pw)
	}
	return nil
}

func runReport(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "monthly" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(e.stderr, "usage: guazheng report monthly --month YYYY-MM --out FILE.xlsx [--db FILE] [--unit NAME]")
			return nil
		}
		return fmt.Errorf("%w: want report monthly --month YYYY-MM --out FILE.xlsx", errUsage)
	}
	fs := newFlagSet(e, "report monthly")
	dbPath := fs.String("db", defaultDB, "SQLite database `FILE`")
	month := fs.String("month", "", "`YYYY-MM` to report (default: last month)")
	out := fs.String("out", "", "XLSX `FILE` to write")
	unit := fs.String("unit", "", "reporting unit (填报单位)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: guazheng report monthly --month YYYY-MM --out FILE.xlsx [--db FILE] [--unit NAME]\n\n"+
			"Writes the monthly 汇总表 (处理汇总表) of the handled cases of a month, as the plan requires by the 2nd.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *out == "" {
		return fmt.Errorf("%w: --out FILE.xlsx is required", errUsage)
	}
	m := report.PreviousMonth(time.Now(), cst)
	if *month != "" {
		var err error
		if m, err = report.ParseMonth(*month, cst); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("database %s: %w", *dbPath, err)
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, err := openWebStore(ctx, *dbPath, log)
	if err != nil {
		return err
	}
	defer db.Close()
	dir := filepath.Dir(*out)
	tmp, err := os.CreateTemp(dir, ".report-*.xlsx")
	if err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	defer os.Remove(tmp.Name())
	if err := report.Write(ctx, db, m, tmp, report.Options{Unit: *unit, Location: cst}); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	if _, err := db.Audit().Append(ctx, "cli", "report", "report:"+m.Format("2006-01"), map[string]any{"file": *out}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d年%d月)\n", *out, m.Year(), int(m.Month()))
	return nil
}
