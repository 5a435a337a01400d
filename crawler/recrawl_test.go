package crawler

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/guazheng/guazheng"
)

func TestRecrawlIntervals(t *testing.T) {
	h := newHarness(t, testDefaults+"sites:"+jobboardSite, "JOBBOARD", "http://127.0.0.1:1")
	r := newRun(h.c, h.c.cfg.Site("jobboard"))
	now := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	ok := &guazheng.Capture{Status: 200, ResponseHeader: http.Header{"Etag": {`"x"`}, "Last-Modified": {"Mon, 06 May 2024 12:00:00 GMT"}}}
	nm := &guazheng.Capture{Status: 304, ResponseHeader: http.Header{}}
	// list_min 1m, list_max 1h, post_recheck 1h × 3, error_retry 1h.
	tests := []struct {
		name     string
		in       guazheng.FrontierURL
		capt     *guazheng.Capture
		changed  bool
		interval time.Duration
		never    bool
	}{
		{"first list fetch", guazheng.FrontierURL{Kind: guazheng.KindList, Fetches: 1}, ok, true, time.Minute, false},
		{"list unchanged doubles", guazheng.FrontierURL{Kind: guazheng.KindList, Interval: 4 * time.Minute}, nm, false, 8 * time.Minute, false},
		{"list unchanged capped", guazheng.FrontierURL{Kind: guazheng.KindList, Interval: 50 * time.Minute}, nm, false, time.Hour, false},
		{"list changed halves", guazheng.FrontierURL{Kind: guazheng.KindList, Interval: 40 * time.Minute}, ok, true, 20 * time.Minute, false},
		{"list changed floored", guazheng.FrontierURL{Kind: guazheng.KindList, Interval: time.Minute}, ok, true, time.Minute, false},
		{"post rechecked", guazheng.FrontierURL{Kind: guazheng.KindPost, Fetches: 3}, ok, true, time.Hour, false},
		{"post checked enough", guazheng.FrontierURL{Kind: guazheng.KindPost, Fetches: 4}, nm, false, time.Hour, true},
	}
	for _, tt := range tests {
		u := r.reschedule(tt.in, tt.capt, tt.changed, now)
		if u.Interval != tt.interval || u.NextFetch.IsZero() != tt.never || (!tt.never && !u.NextFetch.Equal(now.Add(tt.interval))) {
			t.Errorf("%s: interval %v next %v", tt.name, u.Interval, u.NextFetch)
		}
		if tt.capt == ok && (u.ETag != `"x"` || u.LastModified == "") {
			t.Errorf("%s: validators not kept: %+v", tt.name, u)
		}
	}

	// Failures: error_retry, doubling while failing, given up after max_errors (5).
	u := guazheng.FrontierURL{Kind: guazheng.KindPost, Fetches: 1}
	var got []string
	for range 8 {
		u = r.failed(u, 503)
		u.Fetches++
		if u.NextFetch.IsZero() {
			got = append(got, "never")
			break
		}
		got = append(got, u.Interval.String())
	}
	if want := "1h0m0s 2h0m0s 4h0m0s 8h0m0s 16h0m0s 32h0m0s never"; strings.Join(got, " ") != want {
		t.Errorf("failure intervals %q, want %q", strings.Join(got, " "), want)
	}
}
