package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
	evpkg "github.com/guazheng/guazheng/store/evidence"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func dirSize(t testing.TB, dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// benchPages returns n distinct pages of 30–80 KB with one post each.
func benchPages(n int) ([]*guazheng.Capture, []guazheng.ClassifiedPost, int64) {
	rng := rand.New(rand.NewPCG(1, 2))
	caps := make([]*guazheng.Capture, n)
	cps := make([]guazheng.ClassifiedPost, n)
	var raw int64
	for i := range n {
		body := realisticPage(rng, 30000+rng.IntN(50000))
		raw += int64(len(body))
		url := fmt.Sprintf("http://bench.example/job/%d.html", i)
		caps[i] = testCapture("bench", url, t0.Add(time.Duration(i)*time.Second), body)
		v := cleanVerdict()
		if i%3 == 0 {
			v = flaggedVerdict(6, fmt.Sprintf("139%08d", i%997), fmt.Sprintf("wx%d", i%503))
		}
		text := fmt.Sprintf("招聘一级建造师（市政）%d 名，要求持证，年薪面议。联系电话 139%08d。%s", i%5, i%997, string(body[2000:2600]))
		cps[i] = guazheng.ClassifiedPost{Post: post("bench", url, fmt.Sprintf("招聘建造师 %d", i), text), Verdict: v}
	}
	return caps, cps, raw
}

// BenchmarkIngest stores 30–80 KB pages (WARC request, response and
// metadata records, capture, posts, versions, verdicts, entities, hits,
// audit entries) and reports posts/s, the process CPU time per post, and the
// bytes stored (WARC files + database growth) relative to the raw page
// bytes. posts=1 is a detail page with one ad (the worst case per post);
// posts=10 a forum thread page with ten floors.
func BenchmarkIngest(b *testing.B) {
	for _, per := range []int{1, 10} {
		b.Run(fmt.Sprintf("posts=%d", per), func(b *testing.B) { benchIngest(b, per) })
	}
}

func benchIngest(b *testing.B, perPage int) {
	ctx := context.Background()
	pages := max(1, b.N/perPage)
	caps, cps, _ := benchPages(min(pages, 4000))
	dir := b.TempDir()
	db, err := Open(filepath.Join(dir, "bench.db"), Options{Logger: quietLogger()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	base := dirSize(b, dir)
	var raw int64
	b.ResetTimer()
	start := time.Now()
	cpu0 := cpuTime()
	posts := 0
	for i := 0; posts < b.N; i++ {
		j := i % len(caps)
		c := *caps[j]
		if i >= len(caps) {
			c.URL = fmt.Sprintf("%s?r=%d", c.URL, i)
			c.FinalURL = c.URL
		}
		n := min(perPage, b.N-posts)
		batch := make([]guazheng.ClassifiedPost, n)
		for k := range batch {
			batch[k] = cps[(j+k)%len(cps)]
			batch[k].Post.Key = fmt.Sprintf("%s#floor-%d", c.URL, k)
		}
		raw += int64(len(c.Body))
		if _, err := db.Ingest(ctx, &c, batch); err != nil {
			b.Fatal(err)
		}
		posts += n
	}
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "posts/s")
	// CPU time of the process per post: what the machine must give each
	// post, whatever else runs on it.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N)/1000, "cpu-ms/post")
	db.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	stored := dirSize(b, dir) - base
	b.ReportMetric(float64(stored)/float64(raw)*100, "stored%")
	b.ReportMetric(float64(dirSize(b, db.WARCDir()))/float64(raw)*100, "warc%")
	b.ReportMetric(float64(raw)/float64(b.N)*float64(perPage)/1024, "rawKB/page")
}

// BenchmarkIngestParallel stores one-post pages from several goroutines,
// as a crawl with concurrency does: compression runs in parallel, the
// commits one at a time.
func BenchmarkIngestParallel(b *testing.B) {
	ctx := context.Background()
	caps, cps, _ := benchPages(min(b.N, 2000))
	db, err := Open(filepath.Join(b.TempDir(), "bench.db"), Options{Logger: quietLogger()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var next atomic.Int64
	b.SetParallelism(2)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1))
			c := *caps[i%len(caps)]
			c.URL = fmt.Sprintf("%s?r=%d", c.URL, i)
			c.FinalURL = c.URL
			cp := cps[i%len(cps)]
			cp.Post.Key = c.URL
			if _, err := db.Ingest(ctx, &c, []guazheng.ClassifiedPost{cp}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "posts/s")
}

// BenchmarkVerify re-reads and checks every record of a store of 1,000
// pages; the reported MB/s is of compressed WARC bytes.
func BenchmarkVerify(b *testing.B) {
	ctx := context.Background()
	caps, cps, _ := benchPages(1000)
	db, err := Open(filepath.Join(b.TempDir(), "v.db"), Options{Logger: quietLogger(), WARCMaxSize: 16 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for i := range caps {
		if _, err := db.Ingest(ctx, caps[i], cps[i:i+1]); err != nil {
			b.Fatal(err)
		}
	}
	warcBytes := dirSize(b, db.WARCDir())
	b.SetBytes(warcBytes)
	b.ResetTimer()
	cpu0 := cpuTime()
	start := time.Now()
	var inflated int64
	for i := 0; i < b.N; i++ {
		rep, err := evpkg.Verify(ctx, db, evpkg.VerifyOptions{})
		if err != nil || !rep.OK() {
			b.Fatal(err, rep.Problems)
		}
		inflated += rep.Inflated
	}
	cpu := cpuTime() - cpu0
	// The same rate counted in uncompressed WARC record bytes.
	b.ReportMetric(float64(inflated)/1e6/time.Since(start).Seconds(), "inflated-MB/s")
	// MB of WARC checked per CPU-second: the rate on a machine with one
	// free core, whatever else runs.
	b.ReportMetric(float64(warcBytes)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
}

// BenchmarkFrontierClaim claims and completes batches of 10 URLs from a
// frontier of 100,000.
func BenchmarkFrontierClaim(b *testing.B) {
	ctx := context.Background()
	db, err := Open(filepath.Join(b.TempDir(), "f.db"), Options{Logger: quietLogger()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	urls := make([]guazheng.FrontierURL, 0, 100000)
	for i := range 100000 {
		urls = append(urls, guazheng.FrontierURL{Site: "s", URL: fmt.Sprintf("http://s/%d", i), Kind: guazheng.KindPost})
	}
	if _, err := db.Add(ctx, urls); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got, err := db.Claim(ctx, "s", 10, t0, time.Minute)
		if err != nil || len(got) == 0 {
			b.Fatal(err, len(got))
		}
		for _, u := range got {
			u.Fetches++
			u.NextFetch = t0.Add(time.Hour)
			if err := db.Done(ctx, u); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*10)/b.Elapsed().Seconds(), "urls/s")
}
