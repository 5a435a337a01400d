// Package crawler finds new posts on many sites at once: it keeps each
// site's frontier in a guazheng.Frontier (crash-safe with leases), fetches
// politely (robots.txt, one limiter per host, Retry-After, backoff), decodes
// Chinese pages whatever their encoding, extracts posts with CSS selectors or
// JSON paths, and hands every page with its raw HTTP exchange to a
// guazheng.Sink. It knows neither rules nor SQL.
//
// Fetching uses net/http directly rather than colly's Collector: charset
// detection, robots.txt, per-host politeness, retries, the frontier and
// body truncation are the parts colly v2.3.0 gets wrong, and the Collector
// offers no per-request context for cancellation and tracing. colly's URL
// resolution is used for links, and colly is the baseline of the throughput
// benchmark.
package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/crawler/fetch"
	"github.com/guazheng/guazheng/crawler/polite"
	"github.com/guazheng/guazheng/crawler/robots"
)

// ErrRunning is returned when a site is asked to crawl while it is crawling.
var ErrRunning = errors.New("site is already being crawled")

// Options are the crawler's collaborators.
type Options struct {
	// Frontier keeps every site's URLs (required).
	Frontier guazheng.Frontier
	// Runs records runs and their stats (optional).
	Runs guazheng.RunLog
	// Sink receives pages with their posts, and pages gone (required).
	Sink guazheng.Sink
	// Logger receives progress and problems (default slog.Default()).
	Logger *slog.Logger
	// Transport performs HTTP (default: fetch.DefaultTransport()).
	Transport http.RoundTripper
	// Now is the clock (default time.Now); tests move it to reach recrawls.
	Now func() time.Time
	// Workers bounds the pages in flight per site (default: the site's
	// concurrency per host times its hosts, at most 32).
	Workers int
	// Exclusive says this crawler is the only one using the frontier (the
	// caller holds a lock): a run then first ends the leases left by a
	// crashed process, if the frontier is a guazheng.ClaimReleaser.
	Exclusive bool
}

// Crawler crawls the sites of one configuration. Its methods are safe for
// concurrent use; one site never runs twice at once.
type Crawler struct {
	cfg     *Config
	o       Options
	log     *slog.Logger
	fetcher *fetch.Fetcher
	limiter *polite.Limiter
	robots  *robots.Cache

	mu      sync.Mutex
	running map[string]*run
}

// New returns a crawler for a validated configuration.
func New(cfg *Config, o Options) (*Crawler, error) {
	if cfg == nil {
		return nil, errors.New("crawler: nil config")
	}
	if o.Frontier == nil || o.Sink == nil {
		return nil, errors.New("crawler: a frontier and a sink are required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	ttl := cfg.Defaults.Politeness.RobotsTTL.D()
	for i := range cfg.Sites {
		if cfg.Sites[i].canon == nil {
			return nil, errors.New("crawler: configuration not validated (call Validate)")
		}
		ttl = max(ttl, cfg.Sites[i].Politeness.RobotsTTL.D())
	}
	return &Crawler{
		cfg: cfg, o: o, log: o.Logger,
		fetcher: fetch.New(o.Transport, o.Now),
		limiter: polite.New(o.Now),
		robots:  robots.New(robots.Options{TTL: ttl, Now: o.Now}),
		running: map[string]*run{},
	}, nil
}

// Config returns the crawler's configuration.
func (c *Crawler) Config() *Config { return c.cfg }

// Crawl runs one crawl of the named site: it adds the start URLs to the
// frontier and fetches every URL that is due, following links, until
// nothing is due, the page budget is spent or ctx is cancelled (claimed URLs
// not fetched are then released). It returns the run's stats; the error is
// ErrRunning, a frontier failure or ctx's error.
func (c *Crawler) Crawl(ctx context.Context, name string) (*guazheng.RunStats, error) {
	site := c.cfg.Site(name)
	if site == nil {
		return nil, fmt.Errorf("crawl: unknown site %q", name)
	}
	r := newRun(c, site)
	c.mu.Lock()
	if c.running[name] != nil {
		c.mu.Unlock()
		return nil, fmt.Errorf("crawl %s: %w", name, ErrRunning)
	}
	c.running[name] = r
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.running, name)
		c.mu.Unlock()
	}()
	if rel, ok := c.o.Frontier.(guazheng.ClaimReleaser); ok && c.o.Exclusive {
		n, err := rel.ReleaseClaims(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("crawl %s: %w", name, err)
		}
		if n > 0 {
			c.log.Info("resumed URLs claimed by an interrupted crawl", "site", name, "urls", n)
		}
	}
	return r.execute(ctx)
}

// CrawlAll crawls the named sites (all enabled sites when names is empty)
// at the same time and returns their stats in the order of names.
func (c *Crawler) CrawlAll(ctx context.Context, names []string) ([]*guazheng.RunStats, error) {
	if len(names) == 0 {
		for _, s := range c.cfg.Sites {
			if s.IsEnabled() {
				names = append(names, s.Name)
			}
		}
	}
	out := make([]*guazheng.RunStats, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = c.Crawl(ctx, n)
		}()
	}
	wg.Wait()
	res := out[:0]
	for _, st := range out {
		if st != nil {
			res = append(res, st)
		}
	}
	return res, errors.Join(errs...)
}

// Progress is a live view of one running crawl.
type Progress struct {
	Site     string
	Started  time.Time
	InFlight int
	Counters map[string]int64
}

// Live returns the progress of the crawls running now, by site name.
func (c *Crawler) Live() []Progress {
	c.mu.Lock()
	runs := make([]*run, 0, len(c.running))
	for _, r := range c.running {
		runs = append(runs, r)
	}
	c.mu.Unlock()
	out := make([]Progress, 0, len(runs))
	for _, r := range runs {
		st := r.stats.Snapshot(0, time.Time{}, "")
		out = append(out, Progress{Site: r.site.Name, Started: st.Started, InFlight: int(r.inflight.Load()), Counters: st.Counters})
	}
	slices.SortFunc(out, func(a, b Progress) int { return strings.Compare(a.Site, b.Site) })
	return out
}
