package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guazheng/guazheng/crawler/sitetest"
)

const crawlTestConfig = `
user_agent: "guazheng-test/1.0"
defaults:
  politeness: {delay: 0s, concurrency: 4, backoff_base: 10ms, backoff_cap: 50ms}
  limits: {timeout: 2s}
sites:
  - name: jobboard
    schedule: "@every 30m"
    start: ["URL/jobs/list-1.html"]
    links:
      lists: [{selector: "div.pager a"}]
      posts: [{selector: "a.job", pattern: '/(jobs|private)/\d+\.html$'}]
    extract: {title: h1.title, text: div.desc, author: span.company, published: span.time, contact: div.contact}
`

func jobboard(t *testing.T) string {
	t.Helper()
	s, err := sitetest.Sub(os.DirFS("../../testdata/sites"), "jobboard")
	if err != nil {
		t.Fatal(err)
	}
	srv := s.Start()
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	path := filepath.Join(dir, "sites.yaml")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(crawlTestConfig, "URL", srv.URL)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := realMain(args, &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb})
	return code, out.String(), errb.String()
}

func TestCrawlJSONL(t *testing.T) {
	cfg := jobboard(t)
	out := filepath.Join(t.TempDir(), "posts.jsonl")
	code, stdout, stderr := runCmd("crawl", "--config", cfg, "--once", "--memory", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"site / host", "jobboard", "robots conflict: site \"jobboard\"", "/private/7001.html"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	b, _ := os.ReadFile(out)
	if n := strings.Count(string(b), `"kind":"post"`); n != 6 {
		t.Errorf("%d posts in JSONL:\n%s", n, b)
	}
	if !strings.Contains(string(b), `"verdict":{`) {
		t.Error("posts carry no verdict")
	}
	// The real rules flag the board's 挂证 ads (1002, 1004, 1006) and not its jobs.
	if n := strings.Count(string(b), `"flagged":true`); n < 2 {
		t.Errorf("%d posts flagged", n)
	}
}

func TestCrawlSQLite(t *testing.T) {
	cfg := jobboard(t)
	db := filepath.Join(t.TempDir(), "data", "g.db")
	code, stdout, stderr := runCmd("crawl", "--config", cfg, "--site", "jobboard", "--db", db, "--no-classify")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "jobboard") {
		t.Errorf("summary:\n%s", stdout)
	}
	// A second crawl right away finds nothing due.
	code, stdout, _ = runCmd("crawl", "--config", cfg, "--db", db, "--no-classify")
	if code != 0 || !strings.Contains(stdout, "jobboard") {
		t.Errorf("second crawl exit %d:\n%s", code, stdout)
	}
}

func TestCrawlUsage(t *testing.T) {
	cfg := jobboard(t)
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte(strings.Replace(crawlTestConfig, "text: div.desc", "text: \"\"", 1)), 0o644)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"crawl"}, 2, "--config FILE is required"},
		{[]string{"crawl", "--config", cfg, "--site", "nope"}, 2, `no site "nope"`},
		{[]string{"crawl", "--config", cfg, "--once=false"}, 2, "guazheng run"},
		{[]string{"crawl", "--config", cfg, "--memory"}, 2, "--memory keeps no evidence"},
		{[]string{"crawl", "--config", bad}, 1, `site "jobboard": field "extract.text": empty selector`},
		{[]string{"crawl", "--config", "/nonexistent.yaml"}, 1, "read config"},
		{[]string{"run"}, 2, "want: guazheng run --config FILE"},
	}
	for _, tt := range tests {
		code, _, stderr := runCmd(tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d, %q", tt.args, code, stderr, tt.code, tt.want)
		}
	}
}
