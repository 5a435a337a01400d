package crashtest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/crawler"
	"github.com/guazheng/guazheng/crawler/crawltest"
	"github.com/guazheng/guazheng/crawler/sitetest"
	"github.com/guazheng/guazheng/store/sqlite"
)

// BenchmarkPipelineSQLite crawls the generated site of crawler's
// BenchmarkPipeline (2,000 posts, 20 per list page, 8 in flight, politeness
// off) into the real SQLite frontier, run log and evidence store (WARC
// writing included), with a keyword classifier.
func BenchmarkPipelineSQLite(b *testing.B) {
	site, _ := sitetest.New(os.DirFS(b.TempDir()))
	site.KeepHits(false)
	site.Handle("/gen/*", sitetest.Generated(2000, 20))
	srv := site.Start()
	defer srv.Close()
	yaml := strings.ReplaceAll(strings.ReplaceAll(config, "URL", srv.URL), "concurrency: 4", "concurrency: 8")
	yaml = strings.Replace(yaml, "max_depth: 100,", "max_depth: 100000,", 1)
	cfg, err := crawler.ParseConfig("bench.yaml", strings.NewReader(yaml))
	if err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	pages := 0
	for b.Loop() {
		db, err := sqlite.Open(filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{Logger: quiet})
		if err != nil {
			b.Fatal(err)
		}
		c, err := crawler.New(cfg, crawler.Options{Frontier: db, Runs: db, Logger: quiet, Workers: 8,
			Sink: &guazheng.Pipeline{Classifier: crawltest.KeywordClassifier{"不坐班"}, Store: db}})
		if err != nil {
			b.Fatal(err)
		}
		st, err := c.Crawl(context.Background(), "gen")
		if err != nil {
			b.Fatal(err)
		}
		if st.Counters["new_posts"] != 2000 {
			b.Fatalf("counters %v", st.Counters)
		}
		pages += int(st.Counters["requests"])
		db.Close()
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}
