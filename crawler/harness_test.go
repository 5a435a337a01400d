package crawler

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/crawler/crawltest"
	"github.com/guazheng/guazheng/crawler/memfrontier"
	"github.com/guazheng/guazheng/crawler/sitetest"
)

// fixtureSite serves one directory of testdata/sites.
func fixtureSite(t testing.TB, dir string) (*sitetest.Site, *httptest.Server) {
	t.Helper()
	s, err := sitetest.Sub(os.DirFS("../testdata/sites"), dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := s.Start()
	t.Cleanup(srv.Close)
	return s, srv
}

// testDefaults keep the suite fast: no delay, tiny backoff, short timeouts.
const testDefaults = `
user_agent: "guazheng-test/1.0 (+https://example.org/bot)"
keywords: [挂证]
defaults:
  politeness: {delay: 0s, concurrency: 4, robots: true, backoff_base: 10ms, backoff_cap: 50ms, retry_after_cap: 2s, retries: 3}
  limits: {timeout: 2s, max_pages: 200, max_depth: 5, lease: 1m, max_body: 256KiB}
  recrawl: {list_min: 1m, list_max: 1h, post_recheck: 1h, max_rechecks: 3, error_retry: 1h}
`

const jobboardSite = `
  - name: jobboard
    schedule: "@every 30m"
    start: ["JOBBOARD/jobs/list-1.html"]
    links:
      lists: [{selector: "div.pager a"}]
      posts: [{selector: "a.job", pattern: '/(jobs|private)/\d+\.html$'}]
    extract:
      title: h1.title
      text: div.desc
      author: span.company
      published: span.time
      contact: div.contact
`

// clock is a settable test clock that otherwise follows real time.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

type harness struct {
	c        *Crawler
	frontier *memfrontier.Frontier
	store    *crawltest.Store
	clock    *clock
}

func quiet() *slog.Logger {
	if os.Getenv("CRAWLER_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// newHarness parses yaml (with placeholders replaced) and builds a crawler
// over an in-memory frontier and store.
func newHarness(t testing.TB, yaml string, repl ...string) *harness {
	t.Helper()
	yaml = strings.NewReplacer(repl...).Replace(yaml)
	cfg, err := ParseConfig("test.yaml", strings.NewReader(yaml))
	if err != nil {
		t.Fatalf("config: %v\n%s", err, yaml)
	}
	h := &harness{frontier: memfrontier.New(), store: crawltest.NewStore(true), clock: &clock{}}
	h.c, err = New(cfg, Options{Frontier: h.frontier, Runs: h.frontier, Logger: quiet(), Now: h.clock.Now,
		Sink: &guazheng.Pipeline{Classifier: crawltest.NopClassifier{}, Store: h.store}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *harness) crawl(t testing.TB, site string) *guazheng.RunStats {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := h.c.Crawl(ctx, site)
	if err != nil {
		t.Fatalf("crawl %s: %v", site, err)
	}
	return st
}

func counter(st *guazheng.RunStats, name string) int64 { return st.Counters[name] }
