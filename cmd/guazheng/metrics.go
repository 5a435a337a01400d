package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/classify"
)

// metrics keeps the daemon's counters and writes them in the Prometheus text
// exposition format. Gauges that live in the store (hits per review state)
// are read at scrape time.
type metrics struct {
	mu       sync.Mutex
	counters map[string]map[string]float64 // name → rendered labels → value
	gauges   map[string]map[string]float64
	help     map[string]string
}

func newMetrics() *metrics {
	return &metrics{counters: map[string]map[string]float64{}, gauges: map[string]map[string]float64{}, help: map[string]string{}}
}

// labels renders label pairs ("site", "x") as {site="x"} with escaping.
func labels(kv ...string) string {
	if len(kv) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		v := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(kv[i+1])
		fmt.Fprintf(&b, `%s="%s"`, kv[i], v)
	}
	b.WriteByte('}')
	return b.String()
}

func (m *metrics) add(name, help string, v float64, kv ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counters[name] == nil {
		m.counters[name] = map[string]float64{}
		m.help[name] = help
	}
	m.counters[name][labels(kv...)] += v
}

func (m *metrics) set(name, help string, v float64, kv ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gauges[name] == nil {
		m.gauges[name] = map[string]float64{}
		m.help[name] = help
	}
	m.gauges[name][labels(kv...)] = v
}

// recordRun adds one crawl run's stats.
func (m *metrics) recordRun(site string, st *guazheng.RunStats, err error) {
	m.add("guazheng_crawl_runs_total", "Crawl runs finished, by site and outcome.", 1, "site", site, "outcome", map[bool]string{true: "error", false: "ok"}[err != nil])
	if st == nil {
		return
	}
	names := make([]string, 0, len(st.Counters))
	for k := range st.Counters {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		m.add("guazheng_crawl_"+k+"_total", "Crawl counter "+k+", by site.", float64(st.Counters[k]), "site", site)
	}
	for code, n := range st.Statuses {
		m.add("guazheng_crawl_responses_total", "HTTP responses by site and status.", float64(n), "site", site, "status", fmt.Sprint(code))
	}
	m.set("guazheng_crawl_robots_conflicts", "Configured URLs robots.txt forbids, in the site's last run.", float64(len(st.RobotsConflicts)), "site", site)
	m.set("guazheng_crawl_last_run_timestamp_seconds", "End of the site's last crawl run.", float64(time.Now().Unix()), "site", site)
}

// write renders every metric; extra gauges come from the store.
func (m *metrics) write(w io.Writer, extra func(set func(name, help string, v float64, kv ...string))) {
	if extra != nil {
		extra(m.set)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	dump := func(kind string, all map[string]map[string]float64) {
		names := make([]string, 0, len(all))
		for n := range all {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", n, m.help[n], n, kind)
			ls := make([]string, 0, len(all[n]))
			for l := range all[n] {
				ls = append(ls, l)
			}
			sort.Strings(ls)
			for _, l := range ls {
				fmt.Fprintf(w, "%s%s %g\n", n, l, all[n][l])
			}
		}
	}
	dump("counter", m.counters)
	dump("gauge", m.gauges)
}

// countingClassifier counts classifications and flags by role.
type countingClassifier struct {
	c guazheng.Classifier
	m *metrics
}

func (cc countingClassifier) Classify(title, text string) guazheng.Verdict {
	start := time.Now()
	v := cc.c.Classify(title, text)
	cc.m.add("guazheng_classify_posts_total", "Posts classified.", 1)
	cc.m.add("guazheng_classify_seconds_total", "Time spent classifying.", time.Since(start).Seconds())
	if v.Flagged {
		cc.m.add("guazheng_classify_flagged_total", "Posts flagged, by role.", 1, "role", string(v.Role))
	}
	return v
}

// countingStore counts what ingest did, by site.
type countingStore struct {
	s guazheng.Ingester
	m *metrics
}

func (cs countingStore) Ingest(ctx context.Context, c *guazheng.Capture, posts []guazheng.ClassifiedPost) ([]guazheng.PostChange, error) {
	ch, err := cs.s.Ingest(ctx, c, posts)
	if err != nil {
		cs.m.add("guazheng_store_ingest_errors_total", "Captures the store failed to ingest, by site.", 1, "site", c.Site)
		return ch, err
	}
	cs.m.add("guazheng_store_captures_total", "Captures stored, by site.", 1, "site", c.Site)
	for _, x := range ch {
		kind := map[guazheng.PostChange]string{guazheng.PostNew: "new", guazheng.PostChanged: "changed", guazheng.PostUnchanged: "unchanged"}[x]
		cs.m.add("guazheng_store_posts_total", "Posts stored, by site and change.", 1, "site", c.Site, "change", kind)
	}
	return ch, nil
}

func (cs countingStore) TakeDown(ctx context.Context, c *guazheng.Capture) (int, error) {
	n, err := cs.s.TakeDown(ctx, c)
	if err == nil {
		cs.m.add("guazheng_store_taken_down_total", "Posts recorded as taken down, by site.", float64(n), "site", c.Site)
	}
	return n, err
}

// observability serves /metrics and /healthz in front of the web UI.
func observability(next http.Handler, m *metrics, store guazheng.HitStore, rules *classify.Reloader) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		m.write(w, func(set func(name, help string, v float64, kv ...string)) {
			ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
			defer cancel()
			if counts, err := store.CountByState(ctx); err == nil {
				for _, s := range guazheng.HitStates {
					set("guazheng_review_hits", "Hits in the review queue, by state.", float64(counts[s]), "state", string(s))
				}
			}
			if rules != nil {
				st := rules.Status()
				set("guazheng_rules_info", "Rule set in use (value 1).", 1, "version", st.Version)
				failed := 0.0
				if st.LastError != "" {
					failed = 1
				}
				set("guazheng_rules_last_reload_failed", "1 when the last rules reload failed and old rules keep serving.", failed)
			}
		})
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if _, err := store.CountByState(ctx); err != nil {
			http.Error(w, "database: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("/", next)
	return mux
}
