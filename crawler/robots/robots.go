// Package robots keeps parsed robots.txt files per host for a limited time
// (colly's cache never forgets) and answers whether a URL may be fetched and
// with which Crawl-delay. Parsing is github.com/temoto/robotstxt's.
package robots

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// MaxSize is the most of a robots.txt file read (Google reads 500 KiB).
const MaxSize = 500 << 10

// FetchFunc fetches a robots.txt URL and returns its HTTP status and body.
// An error means no answer at all (network failure, timeout).
type FetchFunc func(ctx context.Context, robotsURL string) (status int, body []byte, err error)

// Verdict is the answer for one URL.
type Verdict struct {
	Allowed    bool
	CrawlDelay time.Duration
	// Fetched is set when this call fetched the robots.txt file.
	Fetched bool
}

// Cache holds robots.txt files per scheme+host for TTL. A file that could
// not be fetched (network error or 5xx) disallows the whole host, as RFC 9309
// says, for ErrorTTL only. At most Max hosts are kept; expired entries are
// dropped first, then the oldest.
type Cache struct {
	ttl      time.Duration
	errorTTL time.Duration
	max      int
	now      func() time.Time

	mu      sync.Mutex
	entries map[string]*entry
}

type entry struct {
	ready   chan struct{} // closed once data is set
	data    *robotstxt.RobotsData
	expires time.Time
	added   time.Time
}

// Options configure a Cache.
type Options struct {
	TTL      time.Duration    // default 24h
	ErrorTTL time.Duration    // default min(TTL, 10m)
	Max      int              // default 1000 hosts
	Now      func() time.Time // default time.Now
}

// New returns an empty cache.
func New(o Options) *Cache {
	if o.TTL <= 0 {
		o.TTL = 24 * time.Hour
	}
	if o.ErrorTTL <= 0 {
		o.ErrorTTL = min(o.TTL, 10*time.Minute)
	}
	if o.Max <= 0 {
		o.Max = 1000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Cache{ttl: o.TTL, errorTTL: o.ErrorTTL, max: o.Max, now: o.Now, entries: map[string]*entry{}}
}

// Check says whether agent may fetch u, fetching the host's robots.txt with
// fetch when it is not cached. agent is the product token matched against
// User-agent lines (e.g. "guazheng").
func (c *Cache) Check(ctx context.Context, u *url.URL, agent string, fetch FetchFunc) (Verdict, error) {
	key := strings.ToLower(u.Scheme + "://" + u.Host)
	data, fetched, err := c.get(ctx, key, fetch)
	if err != nil {
		return Verdict{}, err
	}
	g := data.FindGroup(agent)
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return Verdict{Allowed: data.TestAgent(p, agent), CrawlDelay: g.CrawlDelay, Fetched: fetched}, nil
}

// Len returns the number of hosts cached.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

func (c *Cache) get(ctx context.Context, key string, fetch FetchFunc) (*robotstxt.RobotsData, bool, error) {
	now := c.now()
	c.mu.Lock()
	e := c.entries[key]
	if e != nil {
		select {
		case <-e.ready:
			if now.Before(e.expires) {
				c.mu.Unlock()
				return e.data, false, nil
			}
			e = nil // expired: refetch
		default: // another goroutine is fetching: wait for it
			c.mu.Unlock()
			select {
			case <-e.ready:
				return e.data, false, nil
			case <-ctx.Done():
				return nil, false, ctx.Err()
			}
		}
	}
	e = &entry{ready: make(chan struct{}), added: now}
	c.entries[key] = e
	c.evictLocked(now)
	c.mu.Unlock()

	data, ttl, err := c.load(ctx, key, fetch)
	if err != nil {
		// Cancelled: forget the entry so a later call fetches again.
		c.mu.Lock()
		if c.entries[key] == e {
			delete(c.entries, key)
		}
		c.mu.Unlock()
		e.data, _ = robotstxt.FromStatusAndBytes(503, nil)
		close(e.ready)
		return nil, false, err
	}
	e.data, e.expires = data, c.now().Add(ttl)
	close(e.ready)
	return data, true, nil
}

func (c *Cache) load(ctx context.Context, key string, fetch FetchFunc) (*robotstxt.RobotsData, time.Duration, error) {
	status, body, err := fetch(ctx, key+"/robots.txt")
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		d, _ := robotstxt.FromStatusAndBytes(503, nil) // unreachable: full disallow, briefly
		return d, c.errorTTL, nil
	}
	if len(body) > MaxSize {
		body = body[:MaxSize]
	}
	d, perr := robotstxt.FromStatusAndBytes(status, body)
	switch {
	case perr != nil && status >= 200 && status < 300:
		// Unparsable file: RFC 9309 says parse what can be parsed; the
		// library refuses, so treat it as empty (allow all).
		d, _ = robotstxt.FromStatusAndBytes(404, nil)
	case perr != nil: // 1xx/3xx after redirects: treat as unavailable (allow)
		d, _ = robotstxt.FromStatusAndBytes(404, nil)
	}
	if status >= 500 {
		return d, c.errorTTL, nil
	}
	return d, c.ttl, nil
}

func (c *Cache) evictLocked(now time.Time) {
	if len(c.entries) <= c.max {
		return
	}
	for k, e := range c.entries {
		select {
		case <-e.ready:
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		default:
		}
	}
	for len(c.entries) > c.max {
		var oldK string
		var old time.Time
		for k, e := range c.entries {
			if oldK == "" || e.added.Before(old) {
				oldK, old = k, e.added
			}
		}
		delete(c.entries, oldK)
	}
}

// Agent derives the robots.txt product token from a User-Agent string:
// the first token, without its version ("guazheng/0.1 (+…)" → "guazheng").
func Agent(userAgent string) string {
	f := strings.Fields(userAgent)
	if len(f) == 0 {
		return "*"
	}
	tok := f[0]
	if i := strings.IndexByte(tok, '/'); i > 0 {
		tok = tok[:i]
	}
	return strings.ToLower(tok)
}
