package crawler

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/crawler/memfrontier"
	"github.com/guazheng/guazheng/crawler/sitetest"
	"github.com/guazheng/guazheng/crawler/stats"
)

// minGap returns the smallest gap between two requests the site received.
func minGap(hits []sitetest.Hit) time.Duration {
	gap := time.Duration(1 << 62)
	for i := 1; i < len(hits); i++ {
		gap = min(gap, hits[i].Time.Sub(hits[i-1].Time))
	}
	return gap
}

// With politeness on, the host never sees two requests closer than the delay.
func TestPolitenessDelay(t *testing.T) {
	site, srv := fixtureSite(t, "jobboard")
	const delay = 40 * time.Millisecond
	h := newHarness(t, testDefaults+"sites:"+jobboardSite+"    politeness: {delay: 40ms, concurrency: 1}\n", "JOBBOARD", srv.URL)
	h.crawl(t, "jobboard")
	hits := site.Hits()
	if len(hits) != 9 {
		t.Fatalf("%d requests", len(hits))
	}
	if gap := minGap(hits); gap < delay {
		t.Errorf("closest requests %v apart, delay %v", gap, delay)
	}
}

// Crawl-delay in robots.txt raises the site's delay.
func TestCrawlDelay(t *testing.T) {
	site, srv := fixtureSite(t, "jobboard")
	site.Handle("/robots.txt", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("User-agent: guazheng-test\nCrawl-delay: 0.1\nDisallow: /private/\n"))
	}))
	h := newHarness(t, testDefaults+"sites:"+jobboardSite+"    politeness: {concurrency: 2}\n", "JOBBOARD", srv.URL)
	h.crawl(t, "jobboard")
	// The robots.txt request itself precedes the crawl-delay.
	if gap := minGap(site.Hits()[1:]); gap < 100*time.Millisecond {
		t.Errorf("closest requests %v apart, Crawl-delay 0.1s", gap)
	}
}

// A cancelled crawl releases every URL it claimed and did not finish.
func TestShutdownReleases(t *testing.T) {
	s, err := sitetest.New(os.DirFS(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	var served atomic.Int32
	gen := sitetest.Generated(200, 20)
	s.Handle("/gen/*", sitetest.Slow(20*time.Millisecond, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		gen.ServeHTTP(w, r)
	})))
	srv := s.Start()
	defer srv.Close()
	h := newHarness(t, testDefaults+genSite, "GEN", srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for served.Load() < 15 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	st, err := h.c.Crawl(ctx, "gen")
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(st.Error, "interrupted") {
		t.Fatalf("err %v, run error %q", err, st.Error)
	}
	c := h.frontier.Counts("gen")
	if c[memfrontier.Claimed] != 0 || c[memfrontier.Fresh] == 0 {
		t.Errorf("after shutdown: %v", c)
	}
	// The next crawl picks up where this one stopped.
	st = h.crawl(t, "gen")
	if h.store.Len() != 200 || len(h.store.DuplicateNew()) != 0 {
		t.Errorf("after resume: %d posts, duplicates %q (%v)", h.store.Len(), h.store.DuplicateNew(), st.Counters)
	}
	if runs := h.frontier.Runs(); len(runs) != 2 || !strings.HasPrefix(runs[0].Error, "interrupted") {
		t.Errorf("run log %+v", runs)
	}
}

const genSite = `
sites:
  - name: gen
    schedule: "@every 1s"
    start: ["GEN/gen/list?page=1"]
    politeness: {robots: false}
    limits: {max_depth: 1000}
    links:
      lists: [{selector: "div.pager a"}]
      posts: [{selector: "a.job"}]
    extract: {title: h1.title, text: div.desc, author: span.company, published: span.time, contact: div.contact}
`

// The page budget ends a run; the next run continues.
func TestPageBudget(t *testing.T) {
	s, _ := sitetest.New(os.DirFS(t.TempDir()))
	s.Handle("/gen/*", sitetest.Generated(50, 10))
	srv := s.Start()
	defer srv.Close()
	h := newHarness(t, testDefaults+strings.Replace(genSite, "max_depth: 1000", "max_depth: 1000, max_pages: 7", 1), "GEN", srv.URL)
	total := 0
	for i := range 20 {
		st := h.crawl(t, "gen")
		if n := counter(st, stats.Requests); n > 7 {
			t.Fatalf("run %d made %d requests, budget 7", i, n)
		}
		if h.store.Len() == 50 {
			total = i + 1
			break
		}
	}
	if total == 0 || total > 9 {
		t.Errorf("50 posts took %d runs of 7 pages", total)
	}
}

// One site never runs twice at once.
func TestNoConcurrentRuns(t *testing.T) {
	s, _ := sitetest.New(os.DirFS(t.TempDir()))
	s.Handle("/gen/*", sitetest.Slow(100*time.Millisecond, sitetest.Generated(5, 10)))
	srv := s.Start()
	defer srv.Close()
	h := newHarness(t, testDefaults+genSite, "GEN", srv.URL)
	done := make(chan error)
	go func() {
		_, err := h.c.Crawl(context.Background(), "gen")
		done <- err
	}()
	for len(h.c.Live()) == 0 {
		time.Sleep(time.Millisecond)
	}
	if _, err := h.c.Crawl(context.Background(), "gen"); !errors.Is(err, ErrRunning) {
		t.Errorf("second crawl: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// The scheduler runs a site on its cron spec, skips ticks while it still
// runs, and stops cleanly.
func TestSchedule(t *testing.T) {
	s, _ := sitetest.New(os.DirFS(t.TempDir()))
	s.Handle("/gen/*", sitetest.Slow(300*time.Millisecond, sitetest.Generated(3, 10)))
	srv := s.Start()
	defer srv.Close()
	h := newHarness(t, testDefaults+genSite, "GEN", srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	var runs atomic.Int32
	err := h.c.Schedule(ctx, ScheduleOptions{RunAtStart: true, OnRun: func(site string, st *guazheng.RunStats, err error) {
		runs.Add(1)
	}})
	if err != nil {
		t.Fatal(err)
	}
	// A run of 4 pages at 300 ms each (1 list, then 3 posts in parallel) takes
	// ~0.6 s: ticks every second plus the start run give 2–3 runs in 2.5 s.
	if n := runs.Load(); n < 2 || n > 4 {
		t.Errorf("%d runs", n)
	}
	if c := h.frontier.Counts("gen"); c[memfrontier.Claimed] != 0 {
		t.Errorf("claimed URLs left after stop: %v", c)
	}
	if len(h.c.Live()) != 0 {
		t.Error("crawls still running after Schedule returned")
	}
}

// A host that has sent max_host_bytes in a run gets no more requests in that
// run (only those already in flight finish); its URLs wait for a later run,
// which continues.
func TestHostByteBudget(t *testing.T) {
	s, _ := sitetest.New(os.DirFS(t.TempDir()))
	s.Handle("/gen/*", sitetest.Generated(50, 10))
	srv := s.Start()
	defer srv.Close()
	largest := int64(0)
	for _, p := range []string{"/gen/list?page=1", "/gen/list?page=3", "/gen/post/7"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		largest = max(largest, n)
	}
	const budget = 6 << 10
	h := newHarness(t, testDefaults+strings.Replace(genSite, "max_depth: 1000", "max_depth: 1000, max_host_bytes: 6KiB", 1), "GEN", srv.URL)
	host := strings.TrimPrefix(srv.URL, "http://")
	runs := 0
	for h.store.Len() < 50 && runs < 40 {
		st := h.crawl(t, "gen")
		runs++
		got := st.Hosts[host][stats.Bytes]
		// at most the requests in flight when the budget was reached finish
		if limit := budget + 4*largest; got > limit {
			t.Fatalf("run %d: host sent %d bytes, budget %d (+%d in flight)", runs, got, budget, 4*largest)
		}
		if runs == 1 && st.Hosts[host][stats.HostBudgetStops] == 0 {
			t.Fatalf("first run: no URL deferred by the byte budget (%d bytes fetched)", got)
		}
		h.clock.Advance(time.Minute) // list_min: deferred URLs come due
	}
	if h.store.Len() != 50 {
		t.Fatalf("after %d runs %d of 50 posts stored", runs, h.store.Len())
	}
	if runs < 3 {
		t.Errorf("all posts in %d runs: the budget did not limit a run", runs)
	}
	t.Logf("50 posts in %d runs of at most %d bytes (largest response %d)", runs, budget, largest)
}
