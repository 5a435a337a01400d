package crawler

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/crawler/sitetest"
	"github.com/guazheng/guazheng/crawler/stats"
)

const trapsSite = `
  - name: traps
    schedule: "@every 1h"
    start: ["TRAPS/index.html"]
    politeness: {retries: 3}
    limits: {timeout: 300ms, max_body: 64KiB, max_redirects: 3, max_depth: 3}
    links:
      lists: [{selector: "a.list"}]
      posts: [{selector: "a.post"}]
      stop_when_nothing_new: STOP
    extract: {title: h1.title, text: div.desc, contact: div.contact}
`

var trapPosts = []string{"/post/busy.html", "/post/flaky.html", "/post/slow.html", "/post/big.html", "/post/loop.html",
	"/post/challenge.html", "/post/a/b/a/b/a/b/1.html", "/post/ok.html?PHPSESSID=0123456789abcdef&id=1", "/post/garbled.html"}

func trapSite(t *testing.T) (*sitetest.Site, string) {
	site, srv := fixtureSite(t, "traps")
	page := func(title string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(sitePage(title, title+"的正文", "电话 13500001111"))
		})
	}
	site.Handle("/post/busy.html", sitetest.RateLimited(1, "1", page("限流")))
	site.Handle("/post/flaky.html", sitetest.Flaky(2, http.StatusServiceUnavailable, page("时好时坏")))
	site.Handle("/post/slow.html", sitetest.Slow(5*time.Second, page("很慢")))
	site.Handle("/post/big.html", sitetest.Oversized(1<<20))
	site.Handle("/post/loop.html", sitetest.RedirectLoop("/post/loop2.html"))
	site.Handle("/post/loop2.html", sitetest.RedirectLoop("/post/loop.html"))
	site.Handle("/post/challenge.html", sitetest.Challenge(1, page("验证之后")))
	site.Handle("/post/a/*", page("重复路径"))
	// A GBK page damaged beyond decoding: reported, still handed on.
	site.Handle("/post/garbled.html", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=gbk")
		w.Write([]byte("<html><body><h1 class=\"title\">garbled</h1><div class=\"desc\">"))
		w.Write([]byte(strings.Repeat("\xff\xfe ", 200)))
		w.Write([]byte("</div></body></html>"))
	}))
	site.Handle("/post/ok.html", page("正常"))
	site.Handle("/trap/list", sitetest.PaginationTrap("/trap/list", trapPosts))
	site.Handle("/calendar/*", sitetest.Calendar("/calendar"))
	return site, srv.URL
}

func TestTraps(t *testing.T) {
	site, base := trapSite(t)
	h := newHarness(t, testDefaults+"sites:"+trapsSite, "TRAPS", base, "STOP", "true")
	start := time.Now()
	st := h.crawl(t, "traps")
	t.Logf("traps crawl took %v", time.Since(start))

	counts := map[string]int{
		"/post/busy.html": 2, "/post/flaky.html": 3, "/post/slow.html": 4, "/post/big.html": 1,
		"/post/challenge.html": 2, "/post/a/b/a/b/a/b/1.html": 0, "/post/ok.html?id=1": 1,
		"/trap/list?page=2": 1, "/trap/list?page=3": 0, "/calendar/2024-05": 1, "/calendar/2024-06": 0, "/calendar/2024-04": 0,
	}
	for p, want := range counts {
		if got := site.Count(p); got != want {
			t.Errorf("%s requested %d times, want %d", p, got, want)
		}
	}
	if n := site.Count("/post/loop.html") + site.Count("/post/loop2.html"); n != 4 {
		t.Errorf("redirect loop: %d requests, want 4 (limit 3 redirects, no retry)", n)
	}
	// Retry-After: 1 is honoured.
	var busy []time.Time
	for _, hit := range site.Hits() {
		if hit.Path == "/post/busy.html" {
			busy = append(busy, hit.Time)
		}
	}
	if len(busy) == 2 && busy[1].Sub(busy[0]) < time.Second {
		t.Errorf("retried after %v despite Retry-After: 1", busy[1].Sub(busy[0]))
	}
	// What came through.
	for _, key := range []string{"/post/busy.html", "/post/flaky.html", "/post/big.html", "/post/challenge.html", "/post/ok.html?id=1"} {
		if _, ok := h.store.Post("traps", base+key); !ok {
			t.Errorf("no post %s", key)
		}
	}
	if p, _ := h.store.Post("traps", base+"/post/challenge.html"); p.Title != "验证之后" {
		t.Errorf("challenge page taken as content: %+v", p)
	}
	for _, c := range h.store.CaptureList() {
		if strings.HasSuffix(c.URL, "/post/big.html") && (!c.Truncated || len(c.Body) != 64<<10) {
			t.Errorf("big page: truncated=%v len=%d", c.Truncated, len(c.Body))
		}
	}
	want := map[string]int64{stats.Truncated: 1, stats.Challenges: 1, stats.DecodeFailures: 1, stats.Retries: 1 + 2 + 3 + 1, stats.Errors: 2,
		stats.TrapRejected: 2, stats.PaginationStops: 2}
	for k, v := range want {
		if got := counter(st, k); got != v {
			t.Errorf("%s = %d, want %d (%v)", k, got, v, st.Counters)
		}
	}
	if st.Statuses[429] != 1 || st.Statuses[503] != 2 {
		t.Errorf("statuses %v", st.Statuses)
	}
	// The failed URLs are not lost: due again after error_retry.
	u, state, _ := h.frontier.Get("traps", base+"/post/slow.html")
	if state != "done" || u.NextFetch.IsZero() || u.LastStatus != 0 {
		t.Errorf("slow URL after failure: %s %+v", state, u)
	}
	if u, _, _ := h.frontier.Get("traps", base+"/post/loop.html"); u.Kind != guazheng.KindPost || u.NextFetch.IsZero() {
		t.Errorf("loop URL after failure: %+v", u)
	}
}

// Without the nothing-new rule, depth bounds the calendar and the trap.
func TestTrapsDepthLimit(t *testing.T) {
	site, base := trapSite(t)
	h := newHarness(t, testDefaults+"sites:"+trapsSite, "TRAPS", base, "STOP", "false")
	site.Handle("/post/*", http.NotFoundHandler()) // only the list traps matter here
	st := h.crawl(t, "traps")
	cal, trap := 0, 0
	for _, hit := range site.Hits() {
		switch {
		case strings.HasPrefix(hit.Path, "/calendar/"):
			cal++
		case strings.HasPrefix(hit.Path, "/trap/list"):
			trap++
		}
	}
	// depth 1: 2024-05; 2: 04, 06; 3: 03, 07. Trap pages 2, 3, 4.
	if cal != 5 || trap != 3 || counter(st, stats.DepthLimited) == 0 {
		t.Errorf("calendar pages %d (want 5), trap pages %d (want 3), depth-limited %d", cal, trap, counter(st, stats.DepthLimited))
	}
}
