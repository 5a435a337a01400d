package polite

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestDelayBetweenRequests(t *testing.T) {
	l := New(nil)
	const delay = 30 * time.Millisecond
	var mu sync.Mutex
	var starts []time.Time
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, err := l.Acquire(context.Background(), "h:1", delay, 3)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			starts = append(starts, time.Now())
			mu.Unlock()
			time.Sleep(time.Millisecond)
			release()
		}()
	}
	wg.Wait()
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < delay {
			t.Errorf("gap %v < delay %v", gap, delay)
		}
	}
}

func TestConcurrencyPerHost(t *testing.T) {
	l := New(nil)
	var cur, peak atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			host := "a"
			if i%2 == 1 {
				host = "b" // another host does not share a's slots
			}
			release, _ := l.Acquire(context.Background(), host, 0, 2)
			if host == "a" {
				n := cur.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				time.Sleep(2 * time.Millisecond)
				cur.Add(-1)
			}
			release()
		}()
	}
	wg.Wait()
	if p := peak.Load(); p != 2 {
		t.Errorf("peak concurrency on host a = %d, want 2", p)
	}
	if l.Hosts() != 2 {
		t.Errorf("hosts = %d", l.Hosts())
	}
}

func TestBackoffAndCancel(t *testing.T) {
	l := New(nil)
	release, _ := l.Acquire(context.Background(), "h", 0, 1)
	release()
	l.Backoff("h", time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := l.Acquire(ctx, "h", 0, 1); err == nil {
		t.Fatal("acquired during backoff")
	}
	// The slot was given back: another host is unaffected, and this host's
	// slot is free once the backoff is over.
	if r, err := l.Acquire(context.Background(), "other", 0, 1); err != nil {
		t.Fatal(err)
	} else {
		r()
	}
}

func TestExponential(t *testing.T) {
	base, cap := time.Second, 10*time.Second
	for attempt, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second} {
		for range 20 {
			got := Exponential(base, cap, attempt)
			if got < want*9/10-1 || got > min(cap, want*11/10+1) {
				t.Errorf("attempt %d: %v not within 10%% of %v", attempt, got, want)
			}
		}
	}
	if Exponential(0, time.Second, 3) != 0 {
		t.Error("zero base")
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{"", 0, false},
		{"120", 2 * time.Minute, true},
		{"86400", 10 * time.Minute, true}, // capped
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"soon", 0, false},
		{"-5", 0, false},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.value != "" {
			h.Set("Retry-After", tt.value)
		}
		got, ok := RetryAfter(h, now, 10*time.Minute)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RetryAfter(%q) = %v, %v; want %v, %v", tt.value, got, ok, tt.want, tt.ok)
		}
	}
}
