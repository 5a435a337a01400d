package crawler

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gocolly/colly/v2"
	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/crawler/crawltest"
	"github.com/guazheng/guazheng/crawler/memfrontier"
	"github.com/guazheng/guazheng/crawler/sitetest"
)

// Both benchmarks crawl the same generated loopback site (benchPosts posts,
// 20 per list page) with the same concurrency and politeness off.
const (
	benchPosts   = 2000
	benchPerPage = 20
	benchWorkers = 8
)

func benchServer(b *testing.B) *httptest.Server {
	s, err := sitetest.New(os.DirFS(b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	s.KeepHits(false)
	s.Handle("/gen/*", sitetest.Generated(benchPosts, benchPerPage))
	srv := s.Start()
	b.Cleanup(srv.Close)
	return srv
}

const benchSite = `
user_agent: "guazheng-bench/1.0"
defaults:
  politeness: {delay: 0s, concurrency: 8, robots: false}
  limits: {max_pages: 1000000, max_depth: 100000}
sites:
  - name: gen
    schedule: "@hourly"
    start: ["GEN/gen/list?page=1"]
    links:
      lists: [{selector: "div.pager a"}]
      posts: [{selector: "a.job"}]
    extract: {title: h1.title, text: div.desc, author: span.company, published: span.time, contact: div.contact}
`

// BenchmarkPipeline: fetch, decode, extract, classify (keyword stand-in),
// store (in memory), frontier (in memory).
func BenchmarkPipeline(b *testing.B) {
	srv := benchServer(b)
	cfg, err := ParseConfig("bench.yaml", strings.NewReader(strings.ReplaceAll(benchSite, "GEN", srv.URL)))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	pages := 0
	for b.Loop() {
		f := memfrontier.New()
		store := crawltest.NewStore(false)
		c, err := New(cfg, Options{Frontier: f, Runs: f, Logger: quiet(), Workers: benchWorkers,
			Sink: &guazheng.Pipeline{Classifier: crawltest.KeywordClassifier{"挂证", "不坐班", "收二级建造师"}, Store: store}})
		if err != nil {
			b.Fatal(err)
		}
		st, err := c.Crawl(context.Background(), "gen")
		if err != nil {
			b.Fatal(err)
		}
		if store.Len() != benchPosts {
			b.Fatalf("%d posts (%v)", store.Len(), st.Counters)
		}
		pages += int(st.Counters["requests"])
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkBareColly: colly fetching the same pages with the same
// parallelism, parsing them (goquery via OnHTML) and following the same links.
func BenchmarkBareColly(b *testing.B) {
	srv := benchServer(b)
	b.ResetTimer()
	pages := 0
	for b.Loop() {
		var n, posts atomic.Int64
		c := colly.NewCollector(colly.Async(true), colly.MaxDepth(0))
		c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: benchWorkers})
		c.OnResponse(func(r *colly.Response) { n.Add(1) })
		c.OnHTML("a.job, div.pager a", func(e *colly.HTMLElement) { e.Request.Visit(e.Attr("href")) })
		c.OnHTML("div.job-detail", func(e *colly.HTMLElement) {
			if e.ChildText("h1.title") != "" && e.ChildText("div.desc") != "" {
				posts.Add(1)
			}
		})
		if err := c.Visit(srv.URL + "/gen/list?page=1"); err != nil {
			b.Fatal(err)
		}
		c.Wait()
		if posts.Load() != benchPosts {
			b.Fatalf("colly parsed %d posts of %d pages", posts.Load(), n.Load())
		}
		pages += int(n.Load())
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}
