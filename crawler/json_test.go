package crawler

import (
	"slices"
	"strings"
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
