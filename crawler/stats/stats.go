// Package stats counts what a crawl run does, per site and per host, and
// prints the end-of-crawl summary table.
package stats

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/guazheng/guazheng"
)

// Counter names, as stored in guazheng.RunStats.
const (
	Requests        = "requests"
	Bytes           = "bytes"
	HostBudgetStops = "host_budget_stops" // URLs deferred: their host's byte budget was spent
	Checks          = "checks"            // existence checks of JSON items' pages that found them in place
	Retries         = "retries"
	RobotsBlocked   = "robots_blocked"
	RobotsFetches   = "robots_fetches"
	DecodeFailures  = "decode_failures"
	CharsetMismatch = "charset_mismatch"
	Challenges      = "challenges"
	Truncated       = "truncated"
	NotModified     = "not_modified"
	Unchanged       = "unchanged_pages"
	Pages           = "pages"
	Posts           = "posts"
	NewPosts        = "new_posts"
	ChangedPosts    = "changed_posts"
	FlaggedPosts    = "flagged_posts"
	TakenDown       = "taken_down"
	Errors          = "errors"
	SinkErrors      = "sink_errors"
	LinksAdded      = "links_added"
	DepthLimited    = "depth_limited"
	TrapRejected    = "trap_rejected"
	Offsite         = "offsite"
	PaginationStops = "pagination_stops"
	BudgetStops     = "budget_stops"
)

// MaxConflicts bounds the robots conflicts recorded per run.
const MaxConflicts = 50

// Run counts one crawl run of one site. It is safe for concurrent use.
type Run struct {
	mu        sync.Mutex
	site      string
	started   time.Time
	counters  map[string]int64
	statuses  map[int]int64
	hosts     map[string]map[string]int64
	conflicts []string
}

// New starts counting a run of site.
func New(site string, started time.Time) *Run {
	return &Run{site: site, started: started.UTC(), counters: map[string]int64{}, statuses: map[int]int64{},
		hosts: map[string]map[string]int64{}}
}

// Add adds n to counter name of the site and, if host is not "", of host.
func (r *Run) Add(host, name string, n int64) {
	if n == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counters[name] += n
	if host != "" {
		r.hostLocked(host)[name] += n
	}
}

func (r *Run) hostLocked(host string) map[string]int64 {
	h := r.hosts[host]
	if h == nil {
		h = map[string]int64{}
		r.hosts[host] = h
	}
	return h
}

// Status counts one response status from host.
func (r *Run) Status(host string, code int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.statuses[code]++
	if host != "" {
		r.hostLocked(host)["status_"+strconv.Itoa(code)]++
	}
}

// Conflict records, once, that robots.txt forbids something the operator
// configured (a start URL, a post pattern).
func (r *Run) Conflict(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.conflicts) >= MaxConflicts || slices.Contains(r.conflicts, msg) {
		return
	}
	r.conflicts = append(r.conflicts, msg)
}

// HostGet returns counter name of host.
func (r *Run) HostGet(host, name string) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hosts[host][name]
}

// Get returns counter name of the site.
func (r *Run) Get(name string) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.counters[name]
}

// Snapshot returns the run's stats as a guazheng.RunStats.
func (r *Run) Snapshot(id int64, finished time.Time, errMsg string) *guazheng.RunStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	hosts := make(map[string]map[string]int64, len(r.hosts))
	for h, m := range r.hosts {
		hosts[h] = maps.Clone(m)
	}
	st := &guazheng.RunStats{
		ID: id, Site: r.site, Started: r.started, Counters: maps.Clone(r.counters),
		Statuses: maps.Clone(r.statuses), Hosts: hosts, RobotsConflicts: slices.Clone(r.conflicts), Error: errMsg,
	}
	if !finished.IsZero() {
		st.Finished = finished.UTC()
	}
	return st
}

// columns of the summary table: header and counter.
var columns = []struct{ head, name string }{
	{"requests", Requests}, {"bytes", Bytes}, {"retries", Retries}, {"robots", RobotsBlocked},
	{"decode-fail", DecodeFailures}, {"challenges", Challenges}, {"truncated", Truncated},
	{"304", NotModified}, {"new", NewPosts}, {"changed", ChangedPosts}, {"flagged", FlaggedPosts}, {"gone", TakenDown},
	{"errors", Errors},
}

// WriteTable prints one row per site and one per host of each site, then the
// statuses and robots conflicts.
func WriteTable(w io.Writer, runs []*guazheng.RunStats) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"site / host"}
	for _, c := range columns {
		head = append(head, c.head)
	}
	head = append(head, "statuses")
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, st := range runs {
		row(tw, st.Site, st.Counters, statusText(st.Statuses))
		for _, h := range slices.Sorted(maps.Keys(st.Hosts)) {
			m := st.Hosts[h]
			codes := map[int]int64{}
			for k, v := range m {
				if c, ok := strings.CutPrefix(k, "status_"); ok {
					n, _ := strconv.Atoi(c)
					codes[n] = v
				}
			}
			row(tw, "  "+h, m, statusText(codes))
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	for _, st := range runs {
		for _, c := range st.RobotsConflicts {
			fmt.Fprintf(w, "robots conflict: site %q: %s\n", st.Site, c)
		}
		if st.Error != "" {
			fmt.Fprintf(w, "error: site %q: %s\n", st.Site, st.Error)
		}
	}
	return nil
}

func row(w io.Writer, label string, m map[string]int64, statuses string) {
	cells := []string{label}
	for _, c := range columns {
		if c.name == Bytes {
			cells = append(cells, HumanBytes(m[c.name]))
			continue
		}
		cells = append(cells, strconv.FormatInt(m[c.name], 10))
	}
	cells = append(cells, statuses)
	fmt.Fprintln(w, strings.Join(cells, "\t")+"\t")
}

func statusText(m map[int]int64) string {
	if len(m) == 0 {
		return "-"
	}
	parts := make([]string, 0, len(m))
	for _, c := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%d:%d", c, m[c]))
	}
	return strings.Join(parts, " ")
}

// HumanBytes formats a byte count as B, KiB, MiB or GiB.
func HumanBytes(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%dB", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1fKiB", float64(n)/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.1fMiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.2fGiB", float64(n)/(1<<30))
}
