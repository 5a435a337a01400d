package crawler

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/guazheng/guazheng/crawler/memfrontier"
	"github.com/guazheng/guazheng/crawler/stats"
)

func TestJobBoard(t *testing.T) {
	site, srv := fixtureSite(t, "jobboard")
	h := newHarness(t, testDefaults+"sites:"+jobboardSite, "JOBBOARD", srv.URL)
	st := h.crawl(t, "jobboard")

	var want []string
	for _, id := range []string{"1001", "1002", "1003", "1004", "1005", "1006"} {
		want = append(want, srv.URL+"/jobs/"+id+".html")
	}
	if got := h.store.Keys(); !slices.Equal(got, want) {
		t.Fatalf("post keys:\n got %q\nwant %q", got, want)
	}
	p, _ := h.store.Post("jobboard", srv.URL+"/jobs/1002.html")
	if p.Title != "高价收二建机电、一建市政，不坐班" || !strings.Contains(p.Text, "不坐班不考勤") ||
		!strings.Contains(p.Text, "13812345678") || p.Author != "建才咨询服务部" {
		t.Errorf("post 1002 = %+v", p)
	}
	if want := time.Date(2024, 5, 6, 3, 2, 0, 0, time.UTC); !p.Published.Equal(want) {
		t.Errorf("published = %v, want %v", p.Published, want)
	}
	// Session ids and tracking parameters are stripped: each page is fetched once.
	for _, path := range []string{"/jobs/list-2.html", "/jobs/1001.html", "/jobs/1002.html", "/robots.txt"} {
		if n := site.Count(path); n != 1 {
			t.Errorf("%s fetched %d times, want 1", path, n)
		}
	}
	for _, hit := range site.Hits() {
		if strings.ContainsAny(hit.Path, ";?") {
			t.Errorf("fetched %s with session or tracking parameters", hit.Path)
		}
		if ua := hit.Header.Get("User-Agent"); !strings.HasPrefix(ua, "guazheng-test/1.0") {
			t.Errorf("User-Agent %q", ua)
		}
	}
	// robots.txt disallows /private/: never fetched, counted and reported.
	if n := site.Count("/private/7001.html"); n != 0 {
		t.Errorf("robots-disallowed page fetched %d times", n)
	}
	if counter(st, stats.RobotsBlocked) != 1 || len(st.RobotsConflicts) != 1 || !strings.Contains(st.RobotsConflicts[0], "/private/7001.html") {
		t.Errorf("robots: blocked %d, conflicts %q", counter(st, stats.RobotsBlocked), st.RobotsConflicts)
	}
	if counter(st, stats.NewPosts) != 6 || st.Statuses[200] != 9 {
		t.Errorf("counters %v statuses %v", st.Counters, st.Statuses)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	if st.Hosts[host][stats.Requests] != 9 || st.Hosts[host]["status_200"] != 9 {
		t.Errorf("host counters %v", st.Hosts)
	}
	// Every capture field is filled.
	for _, c := range h.store.CaptureList() {
		if c.Site != "jobboard" || c.Method != "GET" || c.FinalURL != c.URL || c.Proto != "HTTP/1.1" ||
			c.ServerIP != "127.0.0.1" || c.Status != 200 || c.Charset != "utf-8" || len(c.Body) == 0 ||
			c.FetchedAt.Location() != time.UTC || c.FetchedAt.IsZero() || c.Duration <= 0 ||
			c.RequestHeader.Get("User-Agent") == "" || c.RequestHeader.Get("Host") != host ||
			c.RequestHeader.Get("Accept-Encoding") != "gzip" || c.ResponseHeader.Get("ETag") == "" {
			t.Errorf("capture %s incomplete: %+v", c.URL, *c)
		}
	}
	runs := h.frontier.Runs()
	if len(runs) != 1 || runs[0].Finished.IsZero() || runs[0].Counters[stats.Requests] != 9 {
		t.Errorf("run log: %+v", runs)
	}
	if c := h.frontier.Counts("jobboard"); c[memfrontier.Claimed] != 0 || c[memfrontier.Fresh] != 0 {
		t.Errorf("frontier after crawl: %v", c)
	}
}

func TestJobBoardRecrawl(t *testing.T) {
	site, srv := fixtureSite(t, "jobboard")
	h := newHarness(t, testDefaults+"sites:"+jobboardSite, "JOBBOARD", srv.URL)
	h.crawl(t, "jobboard")

	// Nothing is due right after a crawl.
	st := h.crawl(t, "jobboard")
	if counter(st, stats.Requests) != 0 {
		t.Fatalf("immediate recrawl made %d requests", counter(st, stats.Requests))
	}

	// Between two crawls: 1004 is deleted (404), 1006 shows the site's
	// "expired" page, 1001 is edited.
	site.Remove("/jobs/1004.html", http.StatusNotFound)
	site.Replace("/jobs/1006.html", `<html><head><meta charset="utf-8"></head><body><div class="msg">信息已过期</div></body></html>`)
	site.Replace("/jobs/1001.html", string(sitePage("诚聘项目经理（市政方向）", "岗位职责：负责市政道路项目现场管理。薪资面议。", "电话：0571-88886666")))
	h.clock.Advance(2 * time.Hour)
	st = h.crawl(t, "jobboard")

	gone := h.store.TakeDowns()
	var goneURLs []string
	for _, c := range gone {
		goneURLs = append(goneURLs, c.URL)
	}
	slices.Sort(goneURLs)
	if want := []string{srv.URL + "/jobs/1004.html", srv.URL + "/jobs/1006.html"}; !slices.Equal(goneURLs, want) {
		t.Errorf("taken down %q, want %q", goneURLs, want)
	}
	if len(gone) > 0 && gone[0].FetchedAt.IsZero() {
		t.Error("takedown capture has no time")
	}
	if counter(st, stats.TakenDown) != 2 || counter(st, stats.ChangedPosts) != 1 || counter(st, stats.NewPosts) != 0 {
		t.Errorf("recrawl counters %v", st.Counters)
	}
	// Unchanged pages answer 304 to the conditional GET and are not re-ingested.
	if counter(st, stats.NotModified) != 5 {
		t.Errorf("304s = %d, want 5 (2 lists, 3 posts): %v", counter(st, stats.NotModified), st.Statuses)
	}
	for _, hit := range site.Hits()[len(site.Hits())-8:] {
		if hit.Path == "/jobs/1003.html" && hit.Header.Get("If-None-Match") == "" {
			t.Error("recrawl sent no If-None-Match")
		}
	}
	// A taken-down URL is not fetched again.
	h.clock.Advance(2 * time.Hour)
	before := site.Count("/jobs/1004.html")
	h.crawl(t, "jobboard")
	if site.Count("/jobs/1004.html") != before {
		t.Error("taken-down URL fetched again")
	}
}
