package robots

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type fakeSite struct {
	status int
	body   string
	err    error
	calls  atomic.Int32
}

func (f *fakeSite) fetch(ctx context.Context, u string) (int, []byte, error) {
	f.calls.Add(1)
	return f.status, []byte(f.body), f.err
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestCheck(t *testing.T) {
	const robots = "User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n\nUser-agent: guazheng\nDisallow: /search?\nAllow: /\nCrawl-delay: 0.5\n"
	tests := []struct {
		name, url, agent string
		status           int
		body             string
		err              error
		allowed          bool
		delay            time.Duration
	}{
		{"own group allows", "http://h/private/x", "guazheng", 200, robots, nil, true, 500 * time.Millisecond},
		{"own group forbids query", "http://h/search?kw=1", "guazheng", 200, robots, nil, false, 500 * time.Millisecond},
		{"star group forbids", "http://h/private/x", "otherbot", 200, robots, nil, false, 2 * time.Second},
		{"star group allows", "http://h/jobs/1.html", "otherbot", 200, robots, nil, true, 2 * time.Second},
		{"404 allows all", "http://h/private/x", "guazheng", 404, "", nil, true, 0},
		{"403 allows all", "http://h/private/x", "guazheng", 403, "", nil, true, 0},
		{"503 disallows all", "http://h/jobs/1.html", "guazheng", 503, "", nil, false, 0},
		{"unreachable disallows all", "http://h/jobs/1.html", "guazheng", 0, "", errors.New("connection refused"), false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Options{})
			f := &fakeSite{status: tt.status, body: tt.body, err: tt.err}
			v, err := c.Check(context.Background(), mustURL(tt.url), tt.agent, f.fetch)
			if err != nil {
				t.Fatal(err)
			}
			if v.Allowed != tt.allowed || v.CrawlDelay != tt.delay || !v.Fetched {
				t.Errorf("verdict %+v, want allowed=%v delay=%v", v, tt.allowed, tt.delay)
			}
		})
	}
}

func TestCacheLifetime(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	c := New(Options{TTL: time.Hour, ErrorTTL: time.Minute, Now: clock})
	f := &fakeSite{status: 200, body: "User-agent: *\nDisallow: /a\n"}
	u := mustURL("http://h/a")
	for range 3 {
		if v, _ := c.Check(context.Background(), u, "g", f.fetch); v.Allowed {
			t.Fatal("allowed")
		}
	}
	if f.calls.Load() != 1 {
		t.Fatalf("fetched %d times within TTL", f.calls.Load())
	}
	advance(61 * time.Minute)
	f.body = "User-agent: *\nAllow: /\n"
	if v, _ := c.Check(context.Background(), u, "g", f.fetch); !v.Allowed || f.calls.Load() != 2 {
		t.Fatalf("after TTL: %+v, %d fetches", v, f.calls.Load())
	}
	// Server errors are cached briefly.
	f.status = 503
	advance(61 * time.Minute)
	c.Check(context.Background(), u, "g", f.fetch)
	advance(2 * time.Minute)
	f.status = 200
	if v, _ := c.Check(context.Background(), u, "g", f.fetch); !v.Allowed || f.calls.Load() != 4 {
		t.Fatalf("after error TTL: %+v, %d fetches", v, f.calls.Load())
	}
}

func TestCacheBounded(t *testing.T) {
	c := New(Options{Max: 10})
	f := &fakeSite{status: 404}
	for i := range 100 {
		c.Check(context.Background(), mustURL("http://h"+string(rune('a'+i%26))+string(rune('a'+i/26))+"/x"), "g", f.fetch)
	}
	if n := c.Len(); n > 10 {
		t.Errorf("cache holds %d hosts, max 10", n)
	}
}

func TestConcurrentFetchOnce(t *testing.T) {
	c := New(Options{})
	f := &fakeSite{status: 200, body: "User-agent: *\nAllow: /\n"}
	slow := func(ctx context.Context, u string) (int, []byte, error) {
		time.Sleep(20 * time.Millisecond)
		return f.fetch(ctx, u)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Check(context.Background(), mustURL("http://h/x"), "g", slow)
		}()
	}
	wg.Wait()
	if f.calls.Load() != 1 {
		t.Errorf("robots.txt fetched %d times by concurrent checks", f.calls.Load())
	}
}

func TestAgent(t *testing.T) {
	for ua, want := range map[string]string{"guazheng/0.1 (+https://x)": "guazheng", "Mozilla/5.0 (X11)": "mozilla", "": "*"} {
		if got := Agent(ua); got != want {
			t.Errorf("Agent(%q) = %q", ua, got)
		}
	}
}
