package crashtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/crawler"
	"github.com/guazheng/guazheng/crawler/crawltest"
	"github.com/guazheng/guazheng/crawler/sitetest"
	"github.com/guazheng/guazheng/store/sqlite"
)

// procStatus reads a kB field of /proc/self/status (VmRSS, VmHWM) in MiB.
func procStatus(field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// TestLongCrawlMemory crawls a generated site into the SQLite frontier and
// checks that memory stays flat: the heap after the whole crawl is no larger
// than after its first tenth (plus slack), and peak RSS stays under 150 MB.
// GUAZHENG_SOAK_PAGES sets the size (default 1,500 posts; the target figure
// is measured with 100000).
func TestLongCrawlMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test")
	}
	posts := 1500
	if v := os.Getenv("GUAZHENG_SOAK_PAGES"); v != "" {
		posts, _ = strconv.Atoi(v)
	}
	site, _ := sitetest.New(os.DirFS(t.TempDir()))
	site.KeepHits(false)
	site.Handle("/gen/*", sitetest.Generated(posts, 50))
	srv := site.Start()
	defer srv.Close()

	yaml := strings.ReplaceAll(strings.ReplaceAll(config, "URL", srv.URL), "lease: 1s", "lease: 10m")
	yaml = strings.Replace(yaml, "concurrency: 4", "concurrency: 8", 1)
	yaml = strings.Replace(yaml, "max_pages: 100000, max_depth: 100,", "max_pages: 10000000, max_depth: 1000000,", 1)
	cfg, err := crawler.ParseConfig("soak.yaml", strings.NewReader(yaml))
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "soak.db"), sqlite.Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := &countingStore{}
	c, err := crawler.New(cfg, crawler.Options{Frontier: db, Runs: db, Logger: quiet,
		Sink: &guazheng.Pipeline{Classifier: crawltest.KeywordClassifier{"不坐班"}, Store: store}})
	if err != nil {
		t.Fatal(err)
	}

	// Sample the live heap (after GC) at each tenth of the crawl.
	var mu sync.Mutex
	var samples []float64
	done := make(chan struct{})
	go func() {
		next := posts / 10
		for {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if int(store.posts.Load()) >= next {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				mu.Lock()
				samples = append(samples, float64(ms.HeapInuse)/(1<<20))
				mu.Unlock()
				next += posts / 10
			}
		}
	}()
	start := time.Now()
	st, err := c.Crawl(context.Background(), "gen")
	close(done)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	final := float64(ms.HeapInuse) / (1 << 20)
	pages := st.Counters["requests"]
	peak := procStatus("VmHWM")
	mu.Lock()
	defer mu.Unlock()
	t.Logf("%d pages in %v (%.0f pages/s); heap in use at each tenth (MiB): %s; final %.1f; peak RSS %.1f MiB (test server included)",
		pages, elapsed.Round(time.Millisecond), float64(pages)/elapsed.Seconds(), fmtList(samples), final, peak)
	if n := store.posts.Load(); n != int64(posts) {
		t.Fatalf("%d posts of %d", n, posts)
	}
	if len(samples) > 0 && final > samples[0]*1.5+8 {
		t.Errorf("heap grew from %.1f MiB to %.1f MiB", samples[0], final)
	}
	if peak > 150 {
		t.Errorf("peak RSS %.1f MiB > 150 MiB", peak)
	}
}

// countingStore counts posts and keeps nothing, so that the heap measured
// is the crawler's (every page of the generated site is fetched once).
type countingStore struct{ posts atomic.Int64 }

func (s *countingStore) Ingest(ctx context.Context, c *guazheng.Capture, posts []guazheng.ClassifiedPost) ([]guazheng.PostChange, error) {
	s.posts.Add(int64(len(posts)))
	out := make([]guazheng.PostChange, len(posts))
	for i := range out {
		out[i] = guazheng.PostNew
	}
	return out, nil
}

func (s *countingStore) TakeDown(ctx context.Context, c *guazheng.Capture) (int, error) {
	return 0, nil
}

func fmtList(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.1f", x)
	}
	return strings.Join(parts, " ")
}
