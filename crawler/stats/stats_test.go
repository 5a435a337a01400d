package stats

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
)

func TestRunAndTable(t *testing.T) {
	r := New("board", time.Date(2024, 5, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600)))
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Add("a.example:80", Requests, 1)
			r.Add("a.example:80", Bytes, 2048)
			r.Status("a.example:80", 200)
		}()
	}
	wg.Wait()
	r.Add("b.example", Requests, 1)
	r.Status("b.example", 429)
	r.Add("b.example", Retries, 1)
	r.Add("", NewPosts, 3)
	r.Add("", Errors, 0) // zero adds nothing
	for range 3 {
		r.Conflict("start URL http://a.example/x is disallowed by robots.txt")
	}
	st := r.Snapshot(7, time.Date(2024, 5, 1, 1, 0, 0, 0, time.UTC), "")
	if st.ID != 7 || st.Counters[Requests] != 11 || st.Statuses[200] != 10 || st.Hosts["b.example"]["status_429"] != 1 ||
		len(st.RobotsConflicts) != 1 || st.Started.Location() != time.UTC || st.Finished.IsZero() {
		t.Fatalf("snapshot %+v", st)
	}
	if _, ok := st.Counters[Errors]; ok {
		t.Error("zero counter stored")
	}
	var b strings.Builder
	if err := WriteTable(&b, []*guazheng.RunStats{st}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"site / host", "board", "a.example:80", "20.0KiB", "200:10", "429:1", "robots conflict: site \"board\""} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestHumanBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0B", 1023: "1023B", 1536: "1.5KiB", 5 << 20: "5.0MiB", 3 << 30: "3.00GiB"} {
		if got := HumanBytes(n); got != want {
			t.Errorf("HumanBytes(%d) = %q", n, got)
		}
	}
}
