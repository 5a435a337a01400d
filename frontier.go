package guazheng

import (
	"context"
	"time"
)

// URLKind says what the crawler expects behind a frontier URL.
type URLKind string

// Kinds of frontier URL.
const (
	KindList URLKind = "list" // list, search or pagination page: recrawled on an adaptive interval
	KindPost URLKind = "post" // detail page or thread page carrying posts
	// KindCheck is the own page of a post read from elsewhere (a JSON board's
	// item): fetched only to see whether it still exists, so that its
	// takedown is recorded.
	KindCheck URLKind = "check"
)

// FrontierURL is one URL in a site's crawl frontier with its recrawl state.
type FrontierURL struct {
	Site         string        `json:"site"`
	URL          string        `json:"url"`
	Kind         URLKind       `json:"kind"`
	Depth        int           `json:"depth"`
	Referrer     string        `json:"referrer,omitempty"`
	ETag         string        `json:"etag,omitempty"`
	LastModified string        `json:"last_modified,omitempty"`
	ContentHash  string        `json:"content_hash,omitempty"` // hash of the last body fetched
	Fetches      int           `json:"fetches"`
	Interval     time.Duration `json:"interval,omitempty"`  // current recrawl interval
	NextFetch    time.Time     `json:"next_fetch,omitzero"` // zero: never again
	LastStatus   int           `json:"last_status,omitempty"`
}

// Frontier is a crash-safe crawl frontier: every URL is fresh, claimed (with a
// lease) or done, unique per site. A claimed URL whose lease has expired is
// fresh again, so a crawl killed at any moment loses nothing.
type Frontier interface {
	// Add inserts URLs not yet known for their site and leaves known ones
	// alone; it returns how many were new.
	Add(ctx context.Context, urls []FrontierURL) (int, error)
	// Claim leases up to n URLs of site that are due at now: never fetched,
	// released, lease expired, or NextFetch reached.
	Claim(ctx context.Context, site string, n int, now time.Time, lease time.Duration) ([]FrontierURL, error)
	// Done stores the URL's new recrawl state and ends its lease.
	Done(ctx context.Context, u FrontierURL) error
	// Release ends the leases of URLs not fetched (shutdown), leaving them due.
	Release(ctx context.Context, site string, urls []string) error
	// Pending counts the URLs of site that are due at now.
	Pending(ctx context.Context, site string, now time.Time) (int, error)
}

// RunStats counts one crawl run of one site. Counter names are the crawler's
// (requests, bytes, retries, robots_blocked, decode_failures, challenges,
// truncated, not_modified, new_posts, changed_posts, taken_down, errors …).
type RunStats struct {
	ID              int64                       `json:"id"`
	Site            string                      `json:"site"`
	Started         time.Time                   `json:"started"`
	Finished        time.Time                   `json:"finished,omitzero"`
	Counters        map[string]int64            `json:"counters"`
	Statuses        map[int]int64               `json:"statuses"`
	Hosts           map[string]map[string]int64 `json:"hosts"` // counters per host
	RobotsConflicts []string                    `json:"robots_conflicts,omitempty"`
	Error           string                      `json:"error,omitempty"`
}

// RunLog records crawl runs and their stats.
type RunLog interface {
	StartRun(ctx context.Context, site string, at time.Time) (int64, error)
	FinishRun(ctx context.Context, s *RunStats) error
}

// ClaimReleaser is a Frontier that can end every lease of a site at once.
// A crawler that knows it is the only one working on the frontier (it holds
// the crawl lock) calls it when a run starts, so that URLs claimed by a
// process killed with kill -9 are fetched now rather than when their lease
// expires.
type ClaimReleaser interface {
	ReleaseClaims(ctx context.Context, site string) (int, error)
}
