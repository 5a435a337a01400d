package crashtest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/crawler"
	"github.com/guazheng/guazheng/crawler/crawltest"
	"github.com/guazheng/guazheng/crawler/jsonl"
	"github.com/guazheng/guazheng/crawler/sitetest"
	"github.com/guazheng/guazheng/store/sqlite"
)

const (
	envChild = "GUAZHENG_CRASHTEST_CHILD"
	envURL   = "GUAZHENG_CRASHTEST_URL"
	envDir   = "GUAZHENG_CRASHTEST_DIR"
	posts    = 240
)

const config = `
user_agent: "guazheng-crashtest/1.0"
defaults:
  politeness: {delay: 0s, concurrency: 4, robots: false, backoff_base: 10ms, backoff_cap: 50ms}
  limits: {timeout: 5s, max_pages: 100000, max_depth: 100, lease: 1s}
sites:
  - name: gen
    schedule: "@every 1h"
    start: ["URL/gen/list?page=1"]
    links:
      lists: [{selector: "div.pager a"}]
      posts: [{selector: "a.job"}]
    extract: {title: h1.title, text: div.desc, contact: div.contact}
`

// TestCrawlChild is the crawl run in the child process.
func TestCrawlChild(t *testing.T) {
	if os.Getenv(envChild) == "" {
		t.Skip("runs only as the child of TestKill9")
	}
	dir := os.Getenv(envDir)
	cfg, err := crawler.ParseConfig("crash.yaml", strings.NewReader(strings.ReplaceAll(config, "URL", os.Getenv(envURL))))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(filepath.Join(dir, "crawl.db"), sqlite.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rec, err := jsonl.Open(filepath.Join(dir, "posts.jsonl"), true)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	c, err := crawler.New(cfg, crawler.Options{Frontier: db, Runs: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Sink: &guazheng.Pipeline{Classifier: crawltest.NopClassifier{}, Store: rec}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Crawl(context.Background(), "gen"); err != nil {
		t.Fatal(err)
	}
}

func child(t *testing.T, url, dir string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrawlChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envChild+"=1", envURL+"="+url, envDir+"="+dir)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd
}

func lines(path string) int {
	b, _ := os.ReadFile(path)
	return strings.Count(string(b), "\n")
}

func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	site, err := sitetest.New(os.DirFS(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	site.Handle("/gen/*", sitetest.Slow(15*time.Millisecond, sitetest.Generated(posts, 20)))
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	out := filepath.Join(dir, "posts.jsonl")

	// First run: killed with SIGKILL in the middle of the crawl.
	cmd := child(t, srv.URL, dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for lines(out) < posts/4+7 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killedAt := lines(out)
	if killedAt >= posts {
		t.Fatalf("crawl finished (%d posts) before the kill", killedAt)
	}
	fetchedAtKill := postFetches(site)
	t.Logf("killed after %d of %d posts recorded, %d post pages requested", killedAt, posts, fetchedAtKill)

	// Second run after the 1 s lease: it resumes and finishes.
	time.Sleep(1100 * time.Millisecond)
	cmd = child(t, srv.URL, dir)
	if err := cmd.Run(); err != nil {
		t.Fatalf("restarted crawl: %v", err)
	}

	// Every post delivered, each exactly once as new.
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	newCount := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r jsonl.Record
		if json.Unmarshal(sc.Bytes(), &r) != nil || r.Post == nil {
			continue // a line torn by the kill
		}
		if r.Change != "new" {
			t.Errorf("%s recorded as %s", r.Post.Key, r.Change)
		}
		newCount[r.Post.Key]++
	}
	for i := 1; i <= posts; i++ {
		key := fmt.Sprintf("%s/gen/post/%d", srv.URL, i)
		if n := newCount[key]; n != 1 {
			t.Errorf("%s delivered as new %d times", key, n)
		}
	}
	if len(newCount) != posts {
		t.Errorf("%d distinct posts, want %d", len(newCount), posts)
	}

	// No URL lost: every list and post page fetched, the frontier all done.
	for i := 1; i <= posts; i++ {
		if site.Count(fmt.Sprintf("/gen/post/%d", i)) == 0 {
			t.Errorf("post %d never fetched", i)
		}
	}
	db, err := sqlite.Open(filepath.Join(dir, "crawl.db"), sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	counts, err := db.FrontierCounts(context.Background(), "gen")
	if err != nil {
		t.Fatal(err)
	}
	if want := posts + posts/20; counts[sqlite.StateDone] != want || counts[sqlite.StateFresh]+counts[sqlite.StateClaimed] != 0 {
		t.Errorf("frontier %v, want %d done", counts, want)
	}
	n := postFetches(site)
	t.Logf("%d post fetches for %d posts (fetched again after the kill: %d)", n, posts, n-posts)
}

func postFetches(site *sitetest.Site) int {
	n := 0
	for _, h := range site.Hits() {
		if strings.HasPrefix(h.Path, "/gen/post/") {
			n++
		}
	}
	return n
}
