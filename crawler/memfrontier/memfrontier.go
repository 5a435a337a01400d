// Package memfrontier is an in-memory guazheng.Frontier and guazheng.RunLog
// for tests, benchmarks and crawls that need no persistence. It has the same
// lease semantics as the SQLite frontier: fresh, claimed until a lease runs
// out, done until NextFetch.
package memfrontier

import (
	"container/heap"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/guazheng/guazheng"
)

var (
	_ guazheng.Frontier = (*Frontier)(nil)
	_ guazheng.RunLog   = (*Frontier)(nil)
)

// States of a frontier URL.
const (
	Fresh   = "fresh"
	Claimed = "claimed"
	Done    = "done"
)

type entry struct {
	u     guazheng.FrontierURL
	state string
	due   time.Time // claimed: lease end; done: NextFetch (zero: never)
	gen   int       // bumped at every change; stale queue items are skipped
	seq   int64     // insertion order
}

type item struct {
	e   *entry
	gen int
	due time.Time // the entry's due time when queued (the entry's own may change)
}

type timed []item

func (h timed) Len() int { return len(h) }
func (h timed) Less(i, j int) bool {
	if !h[i].due.Equal(h[j].due) {
		return h[i].due.Before(h[j].due)
	}
	return h[i].e.seq < h[j].e.seq
}
func (h timed) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *timed) Push(x any)   { *h = append(*h, x.(item)) }
func (h *timed) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

type site struct {
	urls  map[string]*entry
	fresh []item // FIFO of fresh entries
	head  int
	timed timed // claimed (by lease end) and done-with-NextFetch (by NextFetch)
	seq   int64
}

// Frontier is an in-memory frontier and run log, safe for concurrent use.
type Frontier struct {
	mu    sync.Mutex
	sites map[string]*site
	runs  []guazheng.RunStats
}

// New returns an empty frontier.
func New() *Frontier { return &Frontier{sites: map[string]*site{}} }

func (f *Frontier) site(name string) *site {
	s := f.sites[name]
	if s == nil {
		s = &site{urls: map[string]*entry{}}
		f.sites[name] = s
	}
	return s
}

// Add inserts unknown URLs as fresh and returns how many were new.
func (f *Frontier) Add(ctx context.Context, urls []guazheng.FrontierURL) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, u := range urls {
		if u.Site == "" || u.URL == "" {
			return n, fmt.Errorf("frontier add: empty site or URL (%q, %q)", u.Site, u.URL)
		}
		s := f.site(u.Site)
		if s.urls[u.URL] != nil {
			continue
		}
		s.seq++
		e := &entry{u: u, state: Fresh, seq: s.seq}
		s.urls[u.URL] = e
		s.fresh = append(s.fresh, item{e: e, gen: e.gen})
		n++
	}
	return n, nil
}

// Claim leases up to n URLs of site that are due at now.
func (f *Frontier) Claim(ctx context.Context, siteName string, n int, now time.Time, lease time.Duration) ([]guazheng.FrontierURL, error) {
	if lease <= 0 {
		lease = 10 * time.Minute
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.site(siteName)
	var out []guazheng.FrontierURL
	claim := func(e *entry) {
		e.state, e.due = Claimed, now.Add(lease)
		e.gen++
		heap.Push(&s.timed, item{e, e.gen, e.due})
		out = append(out, e.u)
	}
	for len(out) < n && s.head < len(s.fresh) {
		it := s.fresh[s.head]
		s.fresh[s.head] = item{}
		s.head++
		if it.gen == it.e.gen && it.e.state == Fresh {
			claim(it.e)
		}
	}
	for len(out) < n && s.timed.Len() > 0 && !s.timed[0].due.After(now) {
		it := heap.Pop(&s.timed).(item)
		if it.gen == it.e.gen {
			claim(it.e)
		}
	}
	if s.head > 1024 && s.head*2 > len(s.fresh) {
		s.fresh = append([]item(nil), s.fresh[s.head:]...)
		s.head = 0
	}
	return out, nil
}

// Done stores the URL's new state and ends its lease.
func (f *Frontier) Done(ctx context.Context, u guazheng.FrontierURL) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.site(u.Site)
	e := s.urls[u.URL]
	if e == nil {
		s.seq++
		e = &entry{seq: s.seq}
		s.urls[u.URL] = e
	}
	e.u, e.state, e.due = u, Done, u.NextFetch
	e.gen++
	if !u.NextFetch.IsZero() {
		heap.Push(&s.timed, item{e, e.gen, e.due})
	}
	return nil
}

// Release makes claimed URLs fresh again.
func (f *Frontier) Release(ctx context.Context, siteName string, urls []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.site(siteName)
	for _, raw := range urls {
		e := s.urls[raw]
		if e == nil || e.state != Claimed {
			continue
		}
		e.state, e.due = Fresh, time.Time{}
		e.gen++
		s.fresh = append(s.fresh, item{e: e, gen: e.gen})
	}
	return nil
}

func due(e *entry, now time.Time) bool {
	switch e.state {
	case Fresh:
		return true
	default:
		return !e.due.IsZero() && !e.due.After(now)
	}
}

// Pending counts the URLs of site due at now.
func (f *Frontier) Pending(ctx context.Context, siteName string, now time.Time) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, e := range f.site(siteName).urls {
		if due(e, now) {
			n++
		}
	}
	return n, nil
}

// Get returns a URL's state and recrawl data (for tests).
func (f *Frontier) Get(siteName, raw string) (guazheng.FrontierURL, string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.site(siteName).urls[raw]
	if e == nil {
		return guazheng.FrontierURL{}, "", false
	}
	return e.u, e.state, true
}

// Counts returns how many URLs of site are in each state.
func (f *Frontier) Counts(siteName string) map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := map[string]int{}
	for _, e := range f.site(siteName).urls {
		m[e.state]++
	}
	return m
}

// StartRun records the start of a run.
func (f *Frontier) StartRun(ctx context.Context, siteName string, at time.Time) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.runs = append(f.runs, guazheng.RunStats{ID: int64(len(f.runs) + 1), Site: siteName, Started: at})
	return int64(len(f.runs)), nil
}

// FinishRun stores a run's stats.
func (f *Frontier) FinishRun(ctx context.Context, st *guazheng.RunStats) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if st.ID < 1 || int(st.ID) > len(f.runs) {
		return fmt.Errorf("finish run %d: unknown run", st.ID)
	}
	f.runs[st.ID-1] = *st
	return nil
}

// Runs returns the recorded runs, oldest first.
func (f *Frontier) Runs() []guazheng.RunStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]guazheng.RunStats(nil), f.runs...)
}
