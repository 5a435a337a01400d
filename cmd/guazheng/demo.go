package main

import (
	"context"

	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify"
	"github.com/guazheng/guazheng/cmd/guazheng/demosite"
	"github.com/guazheng/guazheng/crawler"
	"github.com/guazheng/guazheng/crawler/stats"
	"github.com/guazheng/guazheng/store/sqlite"
	"github.com/guazheng/guazheng/web"
)

// demoConfig is the crawl configuration of the bundled demo sites. The
// recrawl intervals are seconds so that the recrawl right after the sites
// change re-checks every list and post page.
const demoConfig = `# Crawl configuration of the bundled demo sites (written by guazheng demo).
user_agent: "guazheng-demo/1.0 (+loopback demo)"
keywords: [挂证, 二建, 一建]
defaults:
  politeness: {delay: 0s, concurrency: 4, robots: true, retries: 2, backoff_base: 100ms, backoff_cap: 1s}
  limits: {timeout: 10s, max_pages: 2000, max_depth: 6, lease: 1m}
  recrawl: {list_min: 1s, list_max: 2s, post_recheck: 1s, max_rechecks: 5, error_retry: 1s}
sites:
  - name: zhucai
    schedule: "@every 30m"
    start: ["{{zhucai}}/jobs?page=1"]
    links:
      lists: [{selector: "a.next", pattern: '/jobs\?page=\d+$'}]
      posts: [{selector: "li.job-item a.job-link", pattern: '/job/\d+\.html$'}]
    extract:
      title: h1.job-title
      text: .job-body
      author: ".job-meta .company"
      published: {selector: ".published time", attr: datetime}
      contact: ul.contact
    deleted_markers: ["{{zhucai_deleted}}"]
  - name: jzsforum
    schedule: "@every 30m"
    start: [{{forum_start}}]
    links:
      posts: [{selector: "tr.thread a.thread-link, span.tps a", pattern: 'thread-\d+-\d+\.html$'}]
    extract:
      item: div.floor
      title: h1.thread-title
      text: div.floor-content
      author: a.author
      published: {selector: ".floor-time em"}
      floor_id: a.floor-no
      thread:
        next: a.nxt
        page_regexp: '-\d+\.html$'
        page_replace: '-1.html'
    deleted_markers: ["{{forum_deleted}}"]
  - name: gcyc
    schedule: "@every 30m"
    start: ["{{gcyc}}/api/list?page=1"]
    json:
      list: items
      url: "/post/{id}"
      check: true
      fields: {title: title, text: content, author: company, published: time, contact: contact}
      pagination: {param: page, start: 1, max: 50}
`

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "demo")
	dir := fs.String("dir", "", "data `DIR` for the demo database and WARC files (default: a new directory under the system temp dir)")
	addr := fs.String("addr", "127.0.0.1:8080", "`HOST:PORT` of the web UI (another free port is used if it is taken)")
	noServe := fs.Bool("no-serve", false, "exit after the crawls instead of serving the web UI")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: guazheng demo [--dir DIR] [--addr HOST:PORT] [--no-serve]\n\n"+
			"Starts three bundled demo sites on loopback (a job board, a GBK forum, a JSON board),\n"+
			"crawls them with the real crawler and the default rules into a fresh database,\n"+
			"changes the sites and recrawls, then serves the web UI with a demo account.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	out := e.stdout
	if *dir == "" {
		d, err := os.MkdirTemp("", "guazheng-demo-")
		if err != nil {
			return err
		}
		*dir = d
	} else if _, err := os.Stat(filepath.Join(*dir, "guazheng.db")); err == nil {
		return fmt.Errorf("%s already holds a database; the demo needs a fresh directory", *dir)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	sites, err := demosite.Start(ctx)
	if err != nil {
		return fmt.Errorf("start demo sites: %w", err)
	}
	defer sites.Close()
	cfgText := demoCrawlConfig(sites)
	cfgPath := filepath.Join(*dir, "demo-sites.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o644); err != nil {
		return err
	}
	cfg, err := crawler.ParseConfig(cfgPath, strings.NewReader(cfgText))
	if err != nil {
		return fmt.Errorf("demo crawl configuration: %w", err)
	}
	fmt.Fprintf(out, "demo sites:\n")
	for _, s := range sites.Sites() {
		fmt.Fprintf(out, "  %-9s %s  %s\n", s.Name, s.BaseURL, s.Title)
	}
	dbPath := filepath.Join(*dir, "guazheng.db")
	db, err := sqlite.OpenContext(ctx, dbPath, sqlite.Options{Logger: log})
	if err != nil {
		return err
	}
	defer db.Close()
	rules, err := classify.NewReloader("", log)
	if err != nil {
		return err
	}
	c, err := crawler.New(cfg, crawler.Options{Frontier: db, Runs: db, Sink: &guazheng.Pipeline{Classifier: rules, Store: db}, Logger: log})
	if err != nil {
		return err
	}
	start := time.Now()
	fmt.Fprintf(out, "\nfirst crawl …\n")
	runs, err := c.CrawlAll(ctx, nil)
	if err != nil {
		return fmt.Errorf("first crawl: %w", err)
	}
	printDemoRuns(out, runs)
	fmt.Fprintf(out, "first crawl done in %.1fs\n", time.Since(start).Seconds())

	sites.Advance()
	time.Sleep(1100 * time.Millisecond) // let the recrawl intervals (1s) come due
	fmt.Fprintf(out, "\nthe demo sites changed (posts deleted, edited, added); recrawl …\n")
	runs, err = c.CrawlAll(ctx, nil)
	if err != nil {
		return fmt.Errorf("recrawl: %w", err)
	}
	printDemoRuns(out, runs)

	counts, err := db.CountByState(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%d hits in the review queue (%d expected ads on the demo sites); database %s\n",
		counts[guazheng.HitPending]+counts[guazheng.HitConfirmed]+counts[guazheng.HitDismissed]+counts[guazheng.HitReferred],
		len(sites.Truth().Ads), dbPath)

	password, err := web.GeneratePassword()
	if err != nil {
		return err
	}
	hash, err := web.HashPassword(password, 10)
	if err != nil {
		return err
	}
	if _, err := db.CreateUser(ctx, guazheng.User{Name: "demo", Role: string(web.RoleAdmin), PasswordHash: hash}); err != nil {
		return fmt.Errorf("create demo account: %w", err)
	}
	if *noServe {
		fmt.Fprintf(out, "demo account: demo / %s (serve with: guazheng serve --db %s)\n", password, dbPath)
		return nil
	}
	if ln, err := net.Listen("tcp", *addr); err == nil {
		ln.Close()
	} else {
		*addr = "127.0.0.1:0"
	}
	o := webOptions{addr: *addr, sandboxAddr: "127.0.0.1:0", rules: rules, allowPrivate: true}
	return serveWeb(ctx, db, o, log, func(app, sandbox net.Addr) {
		fmt.Fprintf(out, "\nweb UI: http://%s/   (captured pages are shown from %s)\n", app, sandbox)
		fmt.Fprintf(out, "log in as: demo   password: %s\n", password)
		fmt.Fprintf(out, "press Ctrl-C to stop; the data stays in %s\n", *dir)
	})
}

// demoCrawlConfig fills the demo sites' addresses into demoConfig.
func demoCrawlConfig(d *demosite.Demo) string {
	base := map[string]string{}
	var forum []string
	for _, s := range d.Sites() {
		base[s.Name] = s.BaseURL
		if s.Name == demosite.SiteForum {
			for _, u := range s.StartURLs {
				forum = append(forum, fmt.Sprintf("%q", u))
			}
		}
	}
	r := strings.NewReplacer("{{zhucai}}", base[demosite.SiteZhucai], "{{gcyc}}", base[demosite.SiteGcyc],
		"{{forum_start}}", strings.Join(forum, ", "),
		"{{zhucai_deleted}}", demosite.ZhucaiDeleted, "{{forum_deleted}}", demosite.ForumDeleted)
	return r.Replace(demoConfig)
}

func printDemoRuns(w io.Writer, runs []*guazheng.RunStats) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "site\trequests\tposts new\tchanged\tflagged\ttaken down\trobots blocked\terrors\t")
	for _, st := range runs {
		if st == nil {
			continue
		}
		k := st.Counters
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", st.Site, k[stats.Requests], k[stats.NewPosts], k[stats.ChangedPosts],
			k[stats.FlaggedPosts], k[stats.TakenDown], k[stats.RobotsBlocked], k[stats.Errors])
	}
	tw.Flush()
}
