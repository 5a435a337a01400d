package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify"
	"github.com/guazheng/guazheng/crawler"
	"github.com/guazheng/guazheng/crawler/jsonl"
	"github.com/guazheng/guazheng/crawler/memfrontier"
	"github.com/guazheng/guazheng/crawler/stats"
	"github.com/guazheng/guazheng/store/sqlite"
)

// defaultDB is the database used when neither --db nor data.db is given.
const defaultDB = "data/guazheng.db"

// crawlFlags are the flags shared by crawl and run.
type crawlFlags struct {
	config, db, out, rules      string
	memory, verbose, noClassify bool
}

func (f *crawlFlags) register(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&f.config, "config", "", "crawler configuration `FILE` (YAML; a `crawler:` key of a larger file is read too)")
	fs.StringVar(&f.db, "db", "", "SQLite `FILE` for the frontier, runs and evidence (default: data.db of the config, else "+defaultDB+")")
	fs.StringVar(&f.out, "out", "", "write posts as JSON lines to `FILE` instead of the evidence store")
	fs.StringVar(&f.rules, "rules", "", "rule `DIR` of the classifier (default: the rules embedded in the binary)")
	fs.BoolVar(&f.memory, "memory", false, "keep the frontier in memory (nothing survives the process; needs --out)")
	fs.BoolVar(&f.noClassify, "no-classify", false, "store posts without classifying them (to try out site definitions)")
	fs.BoolVar(&f.verbose, "v", false, "log debug messages")
}

func runCrawl(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "crawl")
	var f crawlFlags
	f.register(fs)
	site := fs.String("site", "", "crawl only the site `NAME` (default: every enabled site)")
	once := fs.Bool("once", true, "crawl what is due once and exit (use 'guazheng run' to keep crawling)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: guazheng crawl --config FILE [--site NAME] --once [--db FILE] [--out FILE.jsonl]\n\n"+
			"Crawls every URL that is due, follows links, hands each page to the classifier and the store,\n"+
			"and prints a summary per site and host. Progress is shown on a terminal.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if !*once {
		return fmt.Errorf("%w: crawl runs once; use 'guazheng run' to crawl on the sites' schedules", errUsage)
	}
	cfg, err := loadCrawlConfig(f.config)
	if err != nil {
		return err
	}
	var names []string
	if *site != "" {
		s := cfg.Site(*site)
		if s == nil {
			return fmt.Errorf("%w: no site %q in %s", errUsage, *site, f.config)
		}
		names = []string{s.Name}
	}

	prog := newProgress(e.stderr)
	log := newLogger(prog, f.verbose)
	deps, err := openCrawlDeps(ctx, cfg, f, log)
	if err != nil {
		return err
	}
	defer deps.close()
	c, err := crawler.New(cfg, crawler.Options{Frontier: deps.frontier, Runs: deps.runs, Sink: deps.sink, Logger: log, Exclusive: deps.exclusive})
	if err != nil {
		return err
	}
	stop := prog.start(c)
	runs, err := c.CrawlAll(ctx, names)
	stop()
	if werr := stats.WriteTable(e.stdout, runs); werr != nil {
		err = errors.Join(err, werr)
	}
	now := time.Now()
	for _, st := range runs {
		if n, perr := deps.frontier.Pending(context.WithoutCancel(ctx), st.Site, now); perr == nil && n > 0 {
			fmt.Fprintf(e.stdout, "site %q: %d URLs still due (page budget or interruption); the next crawl continues\n", st.Site, n)
		}
	}
	if ctx.Err() != nil {
		return errors.New("interrupted; claimed URLs were released")
	}
	return err
}

func loadCrawlConfig(path string) (*crawler.Config, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: --config FILE is required", errUsage)
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	defer fh.Close()
	return crawler.ParseConfig(path, fh)
}

// crawlDeps are the crawler's collaborators.
type crawlDeps struct {
	exclusive bool // this process holds the database's crawl lock
	frontier  guazheng.Frontier
	runs      guazheng.RunLog
	sink      guazheng.Sink
	closers   []func() error
}

func (d *crawlDeps) close() error {
	var err error
	for i := len(d.closers) - 1; i >= 0; i-- {
		err = errors.Join(err, d.closers[i]())
	}
	return err
}

// openCrawlDeps wires the frontier, the run log and the sink (classifier +
// store) of a crawl. This is the one place to swap implementations.
func openCrawlDeps(ctx context.Context, cfg *crawler.Config, f crawlFlags, log *slog.Logger) (*crawlDeps, error) {
	d := &crawlDeps{}
	if f.out == "" {
		f.out = cfg.Data.Out
	}
	if f.memory && f.out == "" {
		return nil, fmt.Errorf("%w: --memory keeps no evidence: give --out FILE.jsonl", errUsage)
	}
	cls, err := newCrawlClassifier(f.rules, f.noClassify)
	if err != nil {
		return nil, err
	}
	var store guazheng.Ingester
	if f.out != "" {
		if err := os.MkdirAll(filepath.Dir(f.out), 0o755); err != nil {
			return nil, fmt.Errorf("create output directory: %w", err)
		}
		w, err := jsonl.Open(f.out, true)
		if err != nil {
			return nil, err
		}
		d.closers = append(d.closers, w.Close)
		store = w
	}
	if f.memory {
		m := memfrontier.New()
		d.frontier, d.runs = m, m
	} else {
		path := f.db
		if path == "" {
			path = cfg.Data.DB
		}
		if path == "" {
			path = defaultDB
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		lock, ok, err := tryCrawlLock(path)
		if err != nil {
			return nil, err
		}
		if ok {
			d.exclusive = true
			d.closers = append(d.closers, func() error { lock.release(); return nil })
		}
		db, err := sqlite.OpenContext(ctx, path, sqlite.Options{Logger: log})
		if err != nil {
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
		d.closers = append(d.closers, db.Close)
		d.frontier, d.runs = db, db
		if store == nil {
			store = db
		}
	}
	d.sink = &guazheng.Pipeline{Classifier: cls, Store: store}
	return d, nil
}

// newCrawlClassifier loads the classifier used by crawls.
func newCrawlClassifier(rulesDir string, none bool) (guazheng.Classifier, error) {
	if none {
		return noClassifier{}, nil
	}
	eng, err := classify.Load(rulesDir)
	if err != nil {
		return nil, fmt.Errorf("load rules: %w", err)
	}
	return eng, nil
}

// noClassifier flags nothing (--no-classify).
type noClassifier struct{}

func (noClassifier) Classify(title, text string) guazheng.Verdict {
	return guazheng.Verdict{RuleSet: "none"}
}

func newLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// progress shows a crawl's progress on stderr: one redrawn line on a
// terminal, a log line every 30 s otherwise. Log lines written through it
// clear the progress line first.
type progress struct {
	w   io.Writer
	tty bool

	mu   sync.Mutex
	line string
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb" {
			p.tty = true
		}
	}
	return p
}

// Write writes a log line, keeping the progress line below it.
func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.line != "" {
		fmt.Fprint(p.w, "\r\033[K")
	}
	n, err := p.w.Write(b)
	if p.tty && p.line != "" {
		fmt.Fprint(p.w, p.line)
	}
	return n, err
}

func (p *progress) draw(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		p.line = line
		fmt.Fprint(p.w, "\r\033[K"+line)
		return
	}
	fmt.Fprintf(p.w, "time=%s level=INFO msg=progress %s\n", time.Now().UTC().Format(time.RFC3339), line)
}

// start redraws the progress of c until the returned stop is called.
func (p *progress) start(c *crawler.Crawler) (stop func()) {
	every := 30 * time.Second
	if p.tty {
		every = 250 * time.Millisecond
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if line := progressLine(c.Live()); line != "" {
					p.draw(line)
				}
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		p.mu.Lock()
		if p.tty && p.line != "" {
			fmt.Fprint(p.w, "\r\033[K")
			p.line = ""
		}
		p.mu.Unlock()
	}
}

func progressLine(live []crawler.Progress) string {
	parts := make([]string, 0, len(live))
	for _, l := range live {
		c := l.Counters
		parts = append(parts, fmt.Sprintf("%s: %d req %s, %d posts (%d new, %d changed, %d flagged), %d err, %d in flight, %s",
			l.Site, c[stats.Requests], stats.HumanBytes(c[stats.Bytes]), c[stats.Posts], c[stats.NewPosts], c[stats.ChangedPosts],
			c[stats.FlaggedPosts], c[stats.Errors], l.InFlight, time.Since(l.Started).Truncate(time.Second)))
	}
	return strings.Join(parts, " | ")
}
