package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// openTest opens a fresh database in a temp dir and closes it at the end of the test.
func openTest(t testing.TB, opts Options) *DB {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "guazheng.db"), opts)
}

func openAt(t testing.TB, path string, opts Options) *DB {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quietLogger()
	}
	db, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func urlsOf(us []guazheng.FrontierURL) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.URL
	}
	return out
}

func TestFrontierAdd(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Options{})
	tests := []struct {
		name string
		in   []guazheng.FrontierURL
		want int
	}{
		{"new", []guazheng.FrontierURL{{Site: "a", URL: "http://a/1", Kind: guazheng.KindList}, {Site: "a", URL: "http://a/2", Kind: guazheng.KindPost, Depth: 1}}, 2},
		{"known left alone", []guazheng.FrontierURL{{Site: "a", URL: "http://a/1", Kind: guazheng.KindPost, Depth: 7}}, 0},
		{"duplicate within batch", []guazheng.FrontierURL{{Site: "a", URL: "http://a/3"}, {Site: "a", URL: "http://a/3"}}, 1},
		{"same URL other site", []guazheng.FrontierURL{{Site: "b", URL: "http://a/1"}}, 1},
		{"empty", nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := db.Add(ctx, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if n != tc.want {
				t.Errorf("Add = %d, want %d", n, tc.want)
			}
		})
	}
	e, err := db.FrontierGet(ctx, "a", "http://a/1")
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind != guazheng.KindList || e.Depth != 0 || e.State != StateFresh {
		t.Errorf("known URL was changed: %+v", e)
	}
	if _, err := db.FrontierGet(ctx, "a", "http://nope"); !errors.Is(err, guazheng.ErrNotFound) {
		t.Errorf("FrontierGet unknown: %v, want ErrNotFound", err)
	}
	if _, err := db.Add(ctx, []guazheng.FrontierURL{{Site: "", URL: "x"}}); err == nil {
		t.Error("Add with empty site: want error")
	}
}

func TestFrontierLifecycle(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Options{})
	if _, err := db.Add(ctx, []guazheng.FrontierURL{
		{Site: "s", URL: "u1", Kind: guazheng.KindList},
		{Site: "s", URL: "u2", Kind: guazheng.KindPost},
		{Site: "s", URL: "u3", Kind: guazheng.KindPost},
		{Site: "other", URL: "o1"},
	}); err != nil {
		t.Fatal(err)
	}
	lease := time.Minute
	type step struct {
		name string
		do   func(t *testing.T)
	}
	claim := func(at time.Time, n int, want ...string) func(t *testing.T) {
		return func(t *testing.T) {
			got, err := db.Claim(ctx, "s", n, at, lease)
			if err != nil {
				t.Fatal(err)
			}
			if g := urlsOf(got); !reflect.DeepEqual(g, append([]string{}, want...)) && !(len(g) == 0 && len(want) == 0) {
				t.Errorf("Claim at %v = %v, want %v", at.Sub(t0), g, want)
			}
		}
	}
	pending := func(at time.Time, want int) func(t *testing.T) {
		return func(t *testing.T) {
			n, err := db.Pending(ctx, "s", at)
			if err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Errorf("Pending at %v = %d, want %d", at.Sub(t0), n, want)
			}
		}
	}
	steps := []step{
		{"all fresh pending", pending(t0, 3)},
		{"claim two", claim(t0, 2, "u1", "u2")},
		{"one left pending", pending(t0, 1)},
		{"claim rest", claim(t0, 10, "u3")},
		{"nothing while leased", claim(t0.Add(30*time.Second), 10)},
		{"done u1 recrawl in 1h", func(t *testing.T) {
			if err := db.Done(ctx, guazheng.FrontierURL{Site: "s", URL: "u1", Kind: guazheng.KindList, ETag: `"e1"`,
				LastModified: "Sun, 01 Mar 2026 07:00:00 GMT", ContentHash: "h1", Fetches: 1, Interval: time.Hour,
				NextFetch: t0.Add(time.Hour), LastStatus: 200}); err != nil {
				t.Fatal(err)
			}
		}},
		{"done u2 never again", func(t *testing.T) {
			if err := db.Done(ctx, guazheng.FrontierURL{Site: "s", URL: "u2", Fetches: 1, LastStatus: 200}); err != nil {
				t.Fatal(err)
			}
		}},
		{"release u3", func(t *testing.T) {
			if err := db.Release(ctx, "s", []string{"u3", "u2"}); err != nil {
				t.Fatal(err)
			}
		}},
		{"u3 due again, u2 stays done", claim(t0.Add(40*time.Second), 10, "u3")},
		{"expired lease reclaimable", claim(t0.Add(40*time.Second+lease), 10, "u3")},
		{"u1 not due before NextFetch (only u3, lease expired)", pending(t0.Add(59*time.Minute), 1)},
		{"u1 and u3 due after NextFetch", pending(t0.Add(2*time.Hour), 2)},
		{"recrawl claims u3 (expired earlier) then u1", claim(t0.Add(2*time.Hour), 10, "u1", "u3")},
		{"other site untouched", func(t *testing.T) {
			n, err := db.Pending(ctx, "other", t0)
			if err != nil || n != 1 {
				t.Errorf("Pending(other) = %d, %v; want 1", n, err)
			}
		}},
	}
	for _, s := range steps {
		t.Run(s.name, s.do)
	}
	e, err := db.FrontierGet(ctx, "s", "u1")
	if err != nil {
		t.Fatal(err)
	}
	want := guazheng.FrontierURL{Site: "s", URL: "u1", Kind: guazheng.KindList, ETag: `"e1"`,
		LastModified: "Sun, 01 Mar 2026 07:00:00 GMT", ContentHash: "h1", Fetches: 1, Interval: time.Hour,
		NextFetch: t0.Add(time.Hour), LastStatus: 200}
	if !reflect.DeepEqual(e.FrontierURL, want) {
		t.Errorf("u1 = %+v\nwant %+v", e.FrontierURL, want)
	}
	if e.State != StateClaimed || !e.LeaseUntil.Equal(t0.Add(2*time.Hour+lease)) {
		t.Errorf("u1 state %s until %v", e.State, e.LeaseUntil)
	}
	counts, err := db.FrontierCounts(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(counts, map[string]int{StateClaimed: 2, StateDone: 1}) {
		t.Errorf("counts = %v", counts)
	}
}

func TestFrontierDoneUnknownURL(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Options{})
	if err := db.Done(ctx, guazheng.FrontierURL{Site: "s", URL: "new", NextFetch: t0}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Claim(ctx, "s", 5, t0, time.Minute)
	if err != nil || len(got) != 1 || got[0].URL != "new" {
		t.Fatalf("Claim = %v, %v", got, err)
	}
}

// TestFrontierClaimConcurrent claims from many goroutines over two handles
// on one file (as two processes would) and checks that no URL is handed out
// twice and none is lost.
func TestFrontierClaimConcurrent(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "f.db")
	db1 := openAt(t, path, Options{})
	db2 := openAt(t, path, Options{})
	const total = 600
	var urls []guazheng.FrontierURL
	for i := range total {
		urls = append(urls, guazheng.FrontierURL{Site: "s", URL: fmt.Sprintf("http://s/%d", i)})
	}
	if n, err := db1.Add(ctx, urls); err != nil || n != total {
		t.Fatalf("Add = %d, %v", n, err)
	}
	var (
		mu   sync.Mutex
		seen = map[string]int{}
		wg   sync.WaitGroup
	)
	for w := range 8 {
		db := db1
		if w%2 == 1 {
			db = db2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				got, err := db.Claim(ctx, "s", 7, t0, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, u := range got {
					seen[u.URL]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != total {
		t.Errorf("claimed %d distinct URLs, want %d", len(seen), total)
	}
	for u, n := range seen {
		if n != 1 {
			t.Errorf("%s claimed %d times", u, n)
		}
	}
}

func TestRunLog(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Options{})
	id, err := db.StartRun(ctx, "jobs", t0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   guazheng.RunStats
	}{
		{"full", guazheng.RunStats{ID: id, Site: "jobs", Started: t0, Finished: t0.Add(time.Minute),
			Counters:        map[string]int64{"requests": 10, "new_posts": 3},
			Statuses:        map[int]int64{200: 9, 404: 1},
			Hosts:           map[string]map[string]int64{"a.example": {"requests": 10}},
			RobotsConflicts: []string{"/search disallowed"}, Error: "boom"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := db.FinishRun(ctx, &tc.in); err != nil {
				t.Fatal(err)
			}
			got, err := db.Run(ctx, tc.in.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.in) {
				t.Errorf("Run = %+v\nwant %+v", got, tc.in)
			}
		})
	}
	if err := db.FinishRun(ctx, &guazheng.RunStats{ID: 999}); !errors.Is(err, guazheng.ErrNotFound) {
		t.Errorf("FinishRun unknown = %v", err)
	}
	id2, _ := db.StartRun(ctx, "forum", t0.Add(time.Hour))
	runs, err := db.Runs(ctx, "", 10)
	if err != nil || len(runs) != 2 || runs[0].ID != id2 || !runs[0].Finished.IsZero() {
		t.Errorf("Runs = %+v, %v", runs, err)
	}
	runs, _ = db.Runs(ctx, "jobs", 10)
	if len(runs) != 1 {
		t.Errorf("Runs(jobs) = %d", len(runs))
	}
}

func TestFrontierReleaseClaims(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, Options{})
	db.Add(ctx, []guazheng.FrontierURL{{Site: "s", URL: "a"}, {Site: "s", URL: "b"}, {Site: "s", URL: "c"}, {Site: "t", URL: "x"}})
	now := time.Now()
	if got, _ := db.Claim(ctx, "s", 2, now, time.Hour); len(got) != 2 {
		t.Fatalf("claimed %d", len(got))
	}
	db.Claim(ctx, "t", 1, now, time.Hour)
	// A crashed crawler's claims keep the URLs from being due for an hour …
	if n, _ := db.Pending(ctx, "s", now); n != 1 {
		t.Fatalf("pending before release = %d, want 1", n)
	}
	// … unless the only crawler ends them.
	n, err := db.ReleaseClaims(ctx, "s")
	if err != nil || n != 2 {
		t.Fatalf("ReleaseClaims = %d, %v", n, err)
	}
	if n, _ := db.Pending(ctx, "s", now); n != 3 {
		t.Fatalf("pending after release = %d, want 3", n)
	}
	if n, _ := db.Pending(ctx, "t", now); n != 0 {
		t.Fatalf("another site's claims were released: pending %d", n)
	}
	var _ guazheng.ClaimReleaser = db
}
