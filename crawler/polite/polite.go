// Package polite spaces requests per host: one limiter per host (not one
// shared semaphore for every host matching a glob, as colly's LimitRule is).
// With a delay, requests to a host go one at a time, each starting the delay
// after the previous one ended; without, a concurrency bound applies. Backoff
// pushed by the caller after 429/503/challenge answers holds every request to
// the host. Waiting happens in the caller's goroutine: nothing is spawned per
// queued URL.
package polite

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limiter holds the politeness state of every host seen.
type Limiter struct {
	now func() time.Time

	mu    sync.Mutex
	hosts map[string]*host
}

type host struct {
	sem    chan struct{}
	serial chan struct{} // held by the one request in flight when a delay applies
	mu     sync.Mutex
	next   time.Time // earliest start of the next request
}

// New returns a limiter. now may be nil (time.Now).
func New(now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{now: now, hosts: map[string]*host{}}
}

func (l *Limiter) host(key string, conc int) *host {
	if conc < 1 {
		conc = 1
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.hosts[key]
	if h == nil {
		h = &host{sem: make(chan struct{}, conc), serial: make(chan struct{}, 1)}
		l.hosts[key] = h
	}
	return h
}

// Acquire waits until a request to host may start and returns the function
// that ends it (call it once the response is read). With delay > 0 requests
// to the host go one at a time, each starting delay after the previous one
// ended: the host never sees two requests closer than delay, whatever the
// network and the scheduler do. With delay 0 up to conc requests (fixed by
// the first caller) run at once. Backoff pushed by Backoff is waited out in
// both cases.
func (l *Limiter) Acquire(ctx context.Context, hostKey string, delay time.Duration, conc int) (release func(), err error) {
	h := l.host(hostKey, conc)
	slot := h.sem
	if delay > 0 {
		slot = h.serial
	}
	select {
	case slot <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			if delay > 0 {
				h.mu.Lock()
				if end := l.now().Add(delay); end.After(h.next) {
					h.next = end
				}
				h.mu.Unlock()
			}
			<-slot
		})
	}
	h.mu.Lock()
	now := l.now()
	start := h.next
	if start.Before(now) {
		start = now
	}
	h.next = start.Add(delay)
	h.mu.Unlock()
	if wait := start.Sub(now); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			release()
			return nil, ctx.Err()
		}
	}
	return release, nil
}

// Backoff keeps every request to host waiting until at least d from now.
func (l *Limiter) Backoff(hostKey string, d time.Duration) {
	h := l.host(hostKey, 1)
	h.mu.Lock()
	if until := l.now().Add(d); until.After(h.next) {
		h.next = until
	}
	h.mu.Unlock()
}

// Hosts returns the number of hosts tracked.
func (l *Limiter) Hosts() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.hosts)
}

// Exponential returns base·2^attempt (attempt counted from 0), capped at
// max, with ±20 % jitter so that parallel crawlers do not retry in step.
func Exponential(base, max time.Duration, attempt int) time.Duration {
	if base <= 0 {
		return 0
	}
	d := base
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	if max > 0 && d > max {
		d = max
	}
	jitter := time.Duration(rand.Int64N(int64(d)/5+1)) - d/10
	if d+jitter < 0 {
		return d
	}
	d += jitter
	if max > 0 && d > max {
		d = max
	}
	return d
}

// RetryAfter reads a Retry-After header (seconds or an HTTP date) relative to
// now, capped at max. ok is false when the header is absent or unreadable.
func RetryAfter(h http.Header, now time.Time, max time.Duration) (d time.Duration, ok bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
		if d < 0 {
			d = 0
		}
	} else {
		return 0, false
	}
	if max > 0 && d > max {
		d = max
	}
	return d, true
}
