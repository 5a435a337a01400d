package memfrontier

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
)

func urls(us []guazheng.FrontierURL) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.URL)
	}
	return out
}

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	f := New()
	t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	n, err := f.Add(ctx, []guazheng.FrontierURL{{Site: "s", URL: "a"}, {Site: "s", URL: "b"}, {Site: "s", URL: "a"}, {Site: "t", URL: "a"}})
	if err != nil || n != 3 {
		t.Fatalf("Add = %d, %v", n, err)
	}
	if n, _ := f.Add(ctx, []guazheng.FrontierURL{{Site: "s", URL: "b", Kind: guazheng.KindPost}}); n != 0 {
		t.Fatal("known URL added again")
	}
	got, _ := f.Claim(ctx, "s", 10, t0, time.Minute)
	if !slices.Equal(urls(got), []string{"a", "b"}) {
		t.Fatalf("claim %q", urls(got))
	}
	if got, _ := f.Claim(ctx, "s", 10, t0.Add(30*time.Second), time.Minute); len(got) != 0 {
		t.Fatalf("claimed under lease: %q", urls(got))
	}
	// a is done until NextFetch; b is released; then b's lease state is gone.
	a := got0(t, f, "s", "a")
	a.NextFetch = t0.Add(time.Hour)
	f.Done(ctx, a)
	f.Release(ctx, "s", []string{"b", "a"})
	if p, _ := f.Pending(ctx, "s", t0); p != 1 {
		t.Errorf("pending %d, want 1", p)
	}
	if got, _ := f.Claim(ctx, "s", 10, t0, time.Minute); !slices.Equal(urls(got), []string{"b"}) {
		t.Fatalf("after release: %q", urls(got))
	}
	// b's lease expires: claimable again.
	if got, _ := f.Claim(ctx, "s", 10, t0.Add(2*time.Minute), time.Minute); !slices.Equal(urls(got), []string{"b"}) {
		t.Fatalf("after lease expiry: %q", urls(got))
	}
	// a comes due at NextFetch (b's second lease ran out before: earliest first).
	if got, _ := f.Claim(ctx, "s", 10, t0.Add(time.Hour), time.Minute); !slices.Equal(urls(got), []string{"b", "a"}) {
		t.Fatalf("at NextFetch: %q", urls(got))
	}
	// Done with zero NextFetch: never again.
	f.Done(ctx, guazheng.FrontierURL{Site: "s", URL: "a"})
	f.Done(ctx, guazheng.FrontierURL{Site: "s", URL: "b"})
	if got, _ := f.Claim(ctx, "s", 10, t0.Add(1000*time.Hour), time.Minute); len(got) != 0 {
		t.Fatalf("done-forever URLs claimed: %q", urls(got))
	}
	if c := f.Counts("s"); c[Done] != 2 || c[Claimed] != 0 {
		t.Errorf("counts %v", c)
	}
	id, _ := f.StartRun(ctx, "s", t0)
	if err := f.FinishRun(ctx, &guazheng.RunStats{ID: id, Site: "s"}); err != nil || len(f.Runs()) != 1 {
		t.Errorf("runs %v %v", f.Runs(), err)
	}
	if err := f.FinishRun(ctx, &guazheng.RunStats{ID: 99}); err == nil {
		t.Error("unknown run finished")
	}
}

func got0(t *testing.T, f *Frontier, site, u string) guazheng.FrontierURL {
	x, _, ok := f.Get(site, u)
	if !ok {
		t.Fatalf("no %s", u)
	}
	return x
}

func TestConcurrentClaim(t *testing.T) {
	ctx := context.Background()
	f := New()
	var in []guazheng.FrontierURL
	for i := range 1000 {
		in = append(in, guazheng.FrontierURL{Site: "s", URL: string(rune(0x4e00 + i))})
	}
	f.Add(ctx, in)
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				got, _ := f.Claim(ctx, "s", 7, time.Now(), time.Hour)
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
	if len(seen) != 1000 {
		t.Fatalf("claimed %d distinct URLs", len(seen))
	}
	for u, n := range seen {
		if n != 1 {
			t.Fatalf("%s claimed %d times", u, n)
		}
	}
}
