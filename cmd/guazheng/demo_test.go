package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/cmd/guazheng/demosite"
	"github.com/guazheng/guazheng/store/sqlite"
)

// syncBuffer is a bytes.Buffer safe for a writer and a poller.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDemoEndToEnd runs the whole demo: demo sites, crawl, recrawl after the
// sites change, the web UI answering a logged-in user; then checks the
// database against what the demo sites contain.
func TestDemoEndToEnd(t *testing.T) {
	dir := t.TempDir()
	var out, errOut syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		done <- runDemo(ctx, &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut}, []string{"--dir", dir, "--addr", "127.0.0.1:0"})
	}()
	uiRE := regexp.MustCompile(`web UI: (http://\S+/)`)
	pwRE := regexp.MustCompile(`log in as: demo\s+password: (\S+)`)
	var base, password string
	for deadline := time.Now().Add(150 * time.Second); base == ""; time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("demo ended early: %v\n%s\n%s", err, out.String(), errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo did not start the web UI in time:\n%s\n%s", out.String(), errOut.String())
		}
		if m := uiRE.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			password = pwRE.FindStringSubmatch(out.String())[1]
		}
	}
	t.Logf("demo ready in %v:\n%s", time.Since(start), out.String())
	if !strings.Contains(out.String(), "first crawl done in") {
		t.Errorf("no first-crawl summary in the output")
	}

	// The UI answers the demo account.
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 60 * time.Second} // bcrypt under -race on a loaded machine is slow
	get := func(path string) string {
		resp, err := hc.Get(base + strings.TrimPrefix(path, "/"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		return string(b)
	}
	login := get("/login")
	token := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(login)
	if token == nil {
		t.Fatalf("no CSRF token on the login page")
	}
	resp, err := hc.PostForm(base+"login", url.Values{"csrf": {token[1]}, "name": {"demo"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	queue := get("/queue")
	if !strings.Contains(queue, "待审核") {
		t.Fatalf("the queue page does not show 待审核")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("demo: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("demo did not stop after cancel")
	}

	// Compare the database with the demo sites' own truth (by URL path:
	// the ports differ from run to run).
	truthSites, err := demosite.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	truth := truthSites.Truth()
	truthSites.Close()
	db, err := sqlite.OpenContext(context.Background(), filepath.Join(dir, "guazheng.db"), sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pathKey := func(raw string) string {
		u, err := url.Parse(raw)
		if err != nil {
			return raw
		}
		k := u.Path
		if u.RawQuery != "" {
			k += "?" + u.RawQuery
		}
		if u.Fragment != "" {
			k += "#" + u.Fragment
		}
		return k
	}
	var hits []guazheng.Hit
	for off := 0; ; off += 200 {
		page, _, err := db.ListHits(context.Background(), guazheng.HitFilter{Limit: 200, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		hits = append(hits, page...)
		if len(page) < 200 {
			break
		}
	}
	flagged := map[string]guazheng.Hit{}
	for _, h := range hits {
		flagged[h.Site+" "+pathKey(h.Key)] = h
	}
	found := 0
	for _, ad := range truth.Ads {
		if _, ok := flagged[ad.Site+" "+pathKey(ad.Key)]; ok {
			found++
		}
	}
	t.Logf("demo: %d of %d ads flagged, %d hits in all", found, len(truth.Ads), len(hits))
	if found < len(truth.Ads)*85/100 {
		t.Errorf("only %d of %d demo ads were flagged", found, len(truth.Ads))
	}
	isAd := map[string]bool{}
	for _, ad := range truth.Ads {
		isAd[ad.Site+" "+pathKey(ad.Key)] = true
	}
	fp := 0
	for k := range flagged {
		if !isAd[k] {
			fp++
			t.Logf("flagged but not an ad: %s", k)
		}
	}
	if fp > len(hits)/10 {
		t.Errorf("%d of %d hits are not ads", fp, len(hits))
	}

	// Posts that vanished are recorded as taken down and keep their
	// versions; edited posts have a second version.
	takenDown := 0
	for _, v := range truth.Vanished {
		if v.Site == demosite.SiteGcyc {
			continue // JSON-board items are read from the list endpoint only
		}
		for _, h := range hits {
			if h.Site == v.Site && pathKey(h.Key) == pathKey(v.Key) && !h.TakenDown.IsZero() && h.Versions >= 1 {
				takenDown++
			}
		}
	}
	if takenDown == 0 {
		t.Errorf("no vanished ad was recorded as taken down")
	}
}

// TestDemoBinaryStandsAlone copies the built binary into an empty directory
// and runs the demo there with no source tree and no module cache.
func TestDemoBinaryStandsAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	build := t.TempDir()
	bin := filepath.Join(build, "guazheng")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	empty := t.TempDir()
	copied := filepath.Join(empty, "guazheng")
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(copied, b, 0o755); err != nil {
		t.Fatal(err)
	}
	run := exec.Command(copied, "demo", "--no-serve", "--dir", filepath.Join(empty, "data"))
	run.Dir = empty
	run.Env = []string{"HOME=" + empty, "PATH=/usr/bin:/bin", "GOPATH=" + filepath.Join(empty, "nogopath"), "GOMODCACHE=" + filepath.Join(empty, "nomodcache"), "TMPDIR=" + empty}
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("demo from a copied binary: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`[1-9]\d* hits in the review queue`).Match(out) || !strings.Contains(string(out), "demo account: demo /") {
		t.Fatalf("unexpected demo output:\n%s", out)
	}
}
