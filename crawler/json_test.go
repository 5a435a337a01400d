package crawler

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guazheng/guazheng/crawler/stats"
)

const jsonSite = `
  - name: jsonboard
    schedule: "@every 1h"
    start: ["JSON/api/search?kw={kw}&page=1"]
    json:
      list: data.list
      url: "/job/{id}.html"
      fields: {title: title, text: content, author: company.name, published: ctime, contact: tel}
      pagination: {param: page, start: 1, max: 10}
`

func TestJSONBoard(t *testing.T) {
	site, srv := fixtureSite(t, "jsonboard")
	site.Handle("/api/search", site.Paged("page", "api/search-%d.json"))
	h := newHarness(t, testDefaults+"sites:"+jsonSite, "JSON", srv.URL)
	st := h.crawl(t, "jsonboard")

	var want []string
	for _, id := range []string{"88001", "88002", "88003", "88004", "88005"} {
		want = append(want, srv.URL+"/job/"+id+".html")
	}
	if got := h.store.Keys(); !slices.Equal(got, want) {
		t.Fatalf("keys:\n got %q\nwant %q", got, want)
	}
	p, _ := h.store.Post("jsonboard", srv.URL+"/job/88001.html")
	if p.Author != "鼎盛企业管理咨询" || !strings.Contains(p.Text, "3年45万") || !strings.Contains(p.Text, "15800001234") ||
		!p.Published.Equal(time.Unix(1714960800, 0)) {
		t.Errorf("item 88001 = %+v", p)
	}
	p3, _ := h.store.Post("jsonboard", srv.URL+"/job/88003.html")
	if want := time.Date(2024, 5, 4, 10, 20, 0, 0, time.UTC); !p3.Published.Equal(want) {
		t.Errorf("string date = %v, want %v", p3.Published, want)
	}
	// Keyword expanded and query-escaped; pagination ends at the empty page 3.
	if site.Count("/api/search?kw=%E6%8C%82%E8%AF%81&page=1") != 1 || site.Count("/api/search?kw=%E6%8C%82%E8%AF%81&page=3") != 1 ||
		site.Count("/api/search?kw=%E6%8C%82%E8%AF%81&page=4") != 0 {
		for _, hh := range site.Hits() {
			t.Log(hh.Path)
		}
		t.Error("pagination walk wrong")
	}
	if counter(st, stats.NewPosts) != 5 || counter(st, stats.PaginationStops) != 1 {
		t.Errorf("counters %v", st.Counters)
	}
}

// With json.check, each item's own page is fetched once found and then every
// post_recheck: an item whose page later answers 404, 410 or a deleted
// marker is recorded as taken down; pages that never answered are not.
func TestJSONBoardTakedownChecks(t *testing.T) {
	site, srv := fixtureSite(t, "jsonboard")
	site.Handle("/api/search", site.Paged("page", "api/search-%d.json"))
	var mu sync.Mutex
	state := map[string]int{ // item page status; 0: a page that says it was deleted
		"88001": 200, "88002": 200, "88003": 200, "88004": 200, "88005": 404,
	}
	site.Handle("/job/*", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/job/"), ".html")
		mu.Lock()
		code := state[id]
		mu.Unlock()
		switch code {
		case 0:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<html><body><p>该信息已删除</p></body></html>")
		case 200:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, "<html><body><h1>职位 %s</h1></body></html>", id)
		default:
			w.WriteHeader(code)
		}
	}))
	h := newHarness(t, testDefaults+"sites:"+strings.Replace(jsonSite, "      pagination:", "      check: true\n      pagination:", 1), "JSON", srv.URL)
	st := h.crawl(t, "jsonboard")
	if counter(st, stats.NewPosts) != 5 || counter(st, stats.Checks) != 4 {
		t.Fatalf("first run: counters %v", st.Counters)
	}
	for _, id := range []string{"88001", "88005"} {
		if n := site.Count("/job/" + id + ".html"); n != 1 {
			t.Errorf("item page %s fetched %d times in the first run, want 1", id, n)
		}
	}
	if len(h.store.TakeDowns()) != 0 {
		t.Fatal("a takedown recorded on the first look")
	}

	// The site removes three items in three ways; 88005 never existed as a page.
	mu.Lock()
	state["88001"], state["88002"], state["88003"] = 404, 410, 0
	mu.Unlock()
	h.clock.Advance(2 * time.Hour) // past post_recheck (1h)
	h.crawl(t, "jsonboard")
	var gone []string
	for _, c := range h.store.TakeDowns() {
		gone = append(gone, strings.TrimPrefix(c.URL, srv.URL))
	}
	slices.Sort(gone)
	if want := []string{"/job/88001.html", "/job/88002.html", "/job/88003.html"}; !slices.Equal(gone, want) {
		t.Errorf("taken down %q, want %q", gone, want)
	}
	// Without json.check no item page is requested.
	site2, srv2 := fixtureSite(t, "jsonboard")
	site2.Handle("/api/search", site2.Paged("page", "api/search-%d.json"))
	h2 := newHarness(t, testDefaults+"sites:"+jsonSite, "JSON", srv2.URL)
	h2.crawl(t, "jsonboard")
	if n := site2.Count("/job/88001.html"); n != 0 {
		t.Errorf("item page fetched %d times without json.check", n)
	}
}
