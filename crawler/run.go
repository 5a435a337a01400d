package crawler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/guazheng/guazheng"
	"github.com/guazheng/guazheng/crawler/decode"
	"github.com/guazheng/guazheng/crawler/extract"
	"github.com/guazheng/guazheng/crawler/fetch"
	"github.com/guazheng/guazheng/crawler/polite"
	"github.com/guazheng/guazheng/crawler/robots"
	"github.com/guazheng/guazheng/crawler/stats"
	"github.com/guazheng/guazheng/crawler/urlx"
)

// run is one crawl of one site.
type run struct {
	c       *Crawler
	site    *Site
	stats   *stats.Run
	log     *slog.Logger
	hosts   map[string]bool
	agent   string
	workers int

	inflight atomic.Int64
	claimed  int // URLs claimed so far (page budget); dispatcher only

	mu        sync.Mutex
	conflicts map[guazheng.URLKind]bool
}

func newRun(c *Crawler, s *Site) *run {
	r := &run{c: c, site: s, stats: stats.New(s.Name, c.o.Now()), hosts: map[string]bool{},
		agent: robots.Agent(s.UserAgent), conflicts: map[guazheng.URLKind]bool{},
		log: c.log.With("site", s.Name)}
	for _, h := range s.Hosts {
		r.hosts[strings.ToLower(h)] = true
	}
	for _, raw := range c.cfg.StartURLs(s) {
		if canon, err := s.canon.Canonical(raw); err == nil {
			r.hosts[urlx.Host(canon)] = true
		}
	}
	r.workers = c.o.Workers
	if r.workers <= 0 {
		r.workers = min(32, max(1, s.Politeness.Concurrency*len(r.hosts)))
	}
	return r
}

func (r *run) now() time.Time { return r.c.o.Now() }

func (r *run) execute(ctx context.Context) (*guazheng.RunStats, error) {
	var id int64
	bg := context.WithoutCancel(ctx)
	if r.c.o.Runs != nil {
		var err error
		if id, err = r.c.o.Runs.StartRun(ctx, r.site.Name, r.now()); err != nil {
			return nil, fmt.Errorf("crawl %s: start run: %w", r.site.Name, err)
		}
	}
	r.log.Info("crawl started", "run", id, "workers", r.workers)
	err := r.seed(ctx)
	if err == nil {
		err = r.loop(ctx)
	}
	msg := ""
	switch {
	case err != nil && ctx.Err() != nil:
		msg = "interrupted: " + context.Cause(ctx).Error()
	case err != nil:
		msg = err.Error()
	}
	st := r.stats.Snapshot(id, r.now(), msg)
	if r.c.o.Runs != nil {
		if ferr := r.c.o.Runs.FinishRun(bg, st); ferr != nil {
			err = errors.Join(err, fmt.Errorf("crawl %s: finish run: %w", r.site.Name, ferr))
		}
	}
	r.log.Info("crawl finished", "run", id, "requests", st.Counters[stats.Requests],
		"new_posts", st.Counters[stats.NewPosts], "changed_posts", st.Counters[stats.ChangedPosts], "error", msg)
	return st, err
}

// seed adds the start URLs (keywords expanded) as list pages of depth 0.
func (r *run) seed(ctx context.Context) error {
	var urls []guazheng.FrontierURL
	for _, raw := range r.c.cfg.StartURLs(r.site) {
		if fu, ok := r.admit(raw, guazheng.KindList, 0, ""); ok {
			urls = append(urls, fu)
		}
	}
	if _, err := r.c.o.Frontier.Add(ctx, urls); err != nil {
		return fmt.Errorf("crawl %s: add start URLs: %w", r.site.Name, err)
	}
	return nil
}

// loop claims due URLs and processes them with at most r.workers in flight.
func (r *run) loop(ctx context.Context) error {
	var (
		wg       sync.WaitGroup
		finished = make(chan struct{}, r.workers)
		inflight int
		loopErr  error
		budget   = r.site.Limits.MaxPages
		lease    = r.site.Limits.Lease.D()
	)
	wait := func() bool {
		select {
		case <-finished:
			inflight--
			return true
		case <-ctx.Done():
			return false
		}
	}
	for ctx.Err() == nil {
		n := min(r.workers-inflight, budget-r.claimed)
		if n <= 0 {
			if budget-r.claimed <= 0 && r.stats.Get(stats.BudgetStops) == 0 {
				r.stats.Add("", stats.BudgetStops, 1)
				r.log.Info("page budget spent", "max_pages", budget)
			}
			if inflight == 0 || !wait() {
				break
			}
			continue
		}
		batch, err := r.c.o.Frontier.Claim(ctx, r.site.Name, n, r.now(), lease)
		if err != nil {
			if ctx.Err() == nil {
				loopErr = fmt.Errorf("crawl %s: claim: %w", r.site.Name, err)
			}
			break
		}
		if len(batch) == 0 {
			if inflight == 0 || !wait() {
				break
			}
			continue
		}
		for _, u := range batch {
			inflight++
			r.claimed++
			r.inflight.Add(1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				r.handle(ctx, u)
				r.inflight.Add(-1)
				finished <- struct{}{}
			}()
		}
	}
	wg.Wait()
	if loopErr != nil {
		return loopErr
	}
	return ctx.Err()
}

// handle processes one claimed URL and either completes it (Done) or, when
// the crawl is cancelled before it was fetched, releases it.
func (r *run) handle(ctx context.Context, u guazheng.FrontierURL) {
	next, ok := r.process(ctx, u)
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if !ok {
		if err := r.c.o.Frontier.Release(bg, r.site.Name, []string{u.URL}); err != nil {
			r.log.Error("release URL", "url", u.URL, "err", err)
		}
		return
	}
	if err := r.c.o.Frontier.Done(bg, next); err != nil {
		r.stats.Add("", stats.Errors, 1)
		r.log.Error("frontier done", "url", u.URL, "err", err)
	}
}

// outcome is what fetching one URL came to.
type outcome struct {
	capt      *guazheng.Capture
	dec       decode.Result
	err       error
	challenge bool
}

// process fetches u and hands what it found on. It returns u's new frontier
// state, or ok=false when ctx was cancelled before the work was complete.
func (r *run) process(ctx context.Context, u guazheng.FrontierURL) (guazheng.FrontierURL, bool) {
	now := r.now()
	pu, err := url.Parse(u.URL)
	if err != nil || pu.Host == "" {
		r.stats.Add("", stats.Errors, 1)
		r.log.Warn("bad frontier URL", "url", u.URL, "err", err)
		u.NextFetch = time.Time{}
		return u, true
	}
	host := strings.ToLower(pu.Host)
	delay := r.site.Politeness.Delay.D()
	if r.site.Politeness.Robots {
		v, err := r.c.robots.Check(ctx, pu, r.agent, r.robotsFetch(host))
		if err != nil {
			return u, false // cancelled
		}
		if !v.Allowed {
			r.robotsBlocked(host, u)
			u.NextFetch = now.Add(r.site.Politeness.RobotsTTL.D())
			return u, true
		}
		delay = max(delay, v.CrawlDelay)
	}
	if budget := int64(r.site.Limits.MaxHostBytes); budget > 0 && r.stats.HostGet(host, stats.Bytes) >= budget {
		// the host's byte budget is spent: the URL waits for a later run
		if r.stats.HostGet(host, stats.HostBudgetStops) == 0 {
			r.log.Info("host byte budget spent", "host", host, "max_host_bytes", budget)
		}
		r.stats.Add(host, stats.HostBudgetStops, 1)
		u.NextFetch = now.Add(r.site.Recrawl.ListMin.D())
		return u, true
	}

	o := r.fetchWithRetries(ctx, u, host, delay)
	if ctx.Err() != nil {
		return u, false
	}
	now = r.now()
	u.Fetches++
	switch {
	case o.err != nil:
		r.stats.Add(host, stats.Errors, 1)
		r.log.Warn("fetch failed", "url", u.URL, "err", o.err)
		return r.failed(u, 0), true
	case o.capt.Status == 304:
		r.stats.Add(host, stats.NotModified, 1)
		return r.reschedule(u, o.capt, false, now), true
	case o.challenge:
		r.log.Warn("challenge page, giving up for now", "url", u.URL, "status", o.capt.Status)
		return r.failed(u, o.capt.Status), true
	case o.capt.Status >= 200 && o.capt.Status < 300:
		return r.page(ctx, u, host, o, now)
	case o.capt.Status == 404 || o.capt.Status == 410:
		if seenWithPosts(u) || seenAlive(u) {
			r.gone(ctx, host, u, o.capt)
		}
		u.LastStatus, u.NextFetch = o.capt.Status, time.Time{}
		return u, true
	default:
		return r.failed(u, o.capt.Status), true
	}
}

// seenAlive reports whether a check URL answered 2xx at its last fetch (its
// LastStatus still holds it): only then does a 404 mean a takedown.
func seenAlive(u guazheng.FrontierURL) bool {
	return u.Kind == guazheng.KindCheck && u.LastStatus >= 200 && u.LastStatus < 300
}

// seenWithPosts reports whether a post URL was fetched before with content
// (a content hash is kept only for pages handed on): only then does a 404
// mean a takedown rather than a dead link. u.Fetches counts this fetch.
func seenWithPosts(u guazheng.FrontierURL) bool {
	return u.Kind == guazheng.KindPost && u.Fetches > 1 && u.ContentHash != ""
}

// fetchWithRetries fetches u, retrying transient failures with backoff:
// network errors and timeouts, 408, 429, 5xx, 403 and challenge pages.
func (r *run) fetchWithRetries(ctx context.Context, u guazheng.FrontierURL, host string, delay time.Duration) outcome {
	p := r.site.Politeness
	var o outcome
	for attempt := 0; ; attempt++ {
		release, err := r.c.limiter.Acquire(ctx, host, delay, p.Concurrency)
		if err != nil {
			return outcome{err: err}
		}
		capt, err := r.c.fetcher.Fetch(ctx, r.request(u))
		release()
		if ctx.Err() != nil {
			return outcome{err: ctx.Err()}
		}
		o = outcome{capt: capt, err: err}
		retry := false
		var wait time.Duration
		if err != nil {
			retry = fetch.Transient(err)
		} else {
			r.count(host, capt)
			switch s := capt.Status; {
			case s == 429 || s == 503 || s == 403 || s == 408 || s == 500 || s == 502 || s == 504:
				retry = true
				if d, ok := polite.RetryAfter(capt.ResponseHeader, r.now(), p.RetryAfterCap.D()); ok && (s == 429 || s == 503) {
					wait = d
				}
			case s >= 200 && s < 300:
				o.dec = r.decode(host, capt)
				if r.isChallenge(o.dec.Text) {
					o.challenge = true
					retry = true
					r.stats.Add(host, stats.Challenges, 1)
				}
			}
		}
		if !retry || attempt >= p.Retries {
			return o
		}
		if wait == 0 {
			wait = polite.Exponential(p.BackoffBase.D(), p.BackoffCap.D(), attempt)
		}
		r.c.limiter.Backoff(host, wait)
		r.stats.Add(host, stats.Retries, 1)
		status := 0
		if capt != nil {
			status = capt.Status
		}
		r.log.Debug("retrying", "url", u.URL, "attempt", attempt+1, "status", status, "err", err, "wait", wait)
	}
}

func (r *run) request(u guazheng.FrontierURL) fetch.Request {
	l := r.site.Limits
	return fetch.Request{
		Site: r.site.Name, URL: u.URL, UserAgent: r.site.UserAgent, ETag: u.ETag, LastModified: u.LastModified,
		Timeout: l.Timeout.D(), MaxRedirects: l.MaxRedirects, MaxBody: int64(l.MaxBody),
		CheckRedirect: func(t *url.URL) error {
			canon, err := r.site.canon.CanonicalURL(t)
			if err != nil {
				return err
			}
			return urlx.Check(canon, l.MaxURLLength, l.MaxRepeatedSegments)
		},
	}
}

// count records one response in the stats.
func (r *run) count(host string, c *guazheng.Capture) {
	r.stats.Add(host, stats.Requests, 1)
	r.stats.Add(host, stats.Bytes, int64(len(c.Body)))
	r.stats.Status(host, c.Status)
	if c.Truncated {
		r.stats.Add(host, stats.Truncated, 1)
		r.log.Warn("body truncated", "url", c.URL, "max_body", int64(r.site.Limits.MaxBody))
	}
}

func (r *run) decode(host string, c *guazheng.Capture) decode.Result {
	d := decode.Decode(c.Body, c.ResponseHeader.Get("Content-Type"), r.site.Charset)
	c.Charset = d.Charset
	if d.Mismatch != "" {
		r.stats.Add(host, stats.CharsetMismatch, 1)
		r.log.Debug("charset declaration did not decode", "url", c.URL, "declared", d.Mismatch, "used", d.Charset)
	}
	if d.Bad {
		r.stats.Add(host, stats.DecodeFailures, 1)
		r.log.Warn("page decodes badly", "url", c.URL, "charset", d.Charset, "replacements", d.Replacements, "runes", d.Runes)
	}
	return d
}

// challengeProbe is how much of a large page is searched for challenge
// markers; anti-bot pages are small, and a big page is searched in its
// title only, so that a word like "captcha" in a script does not hide content.
const challengeProbe = 32 << 10

func (r *run) isChallenge(text string) bool {
	probe := text
	if len(probe) > challengeProbe {
		probe = htmlTitle(text)
	}
	low := strings.ToLower(probe)
	for _, m := range r.site.ChallengeMarkers {
		if strings.Contains(low, strings.ToLower(m)) {
			return true
		}
	}
	return false
}

func htmlTitle(text string) string {
	head := text
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	low := strings.ToLower(head)
	i := strings.Index(low, "<title")
	if i < 0 {
		return ""
	}
	j := strings.Index(low[i:], "</title>")
	if j < 0 {
		return ""
	}
	return head[i : i+j]
}

// robotsFetch fetches robots.txt through the host's limiter and counts it.
func (r *run) robotsFetch(host string) robots.FetchFunc {
	return func(ctx context.Context, robotsURL string) (int, []byte, error) {
		release, err := r.c.limiter.Acquire(ctx, host, r.site.Politeness.Delay.D(), r.site.Politeness.Concurrency)
		if err != nil {
			return 0, nil, err
		}
		defer release()
		l := r.site.Limits
		c, err := r.c.fetcher.Fetch(ctx, fetch.Request{Site: r.site.Name, URL: robotsURL, UserAgent: r.site.UserAgent,
			Timeout: l.Timeout.D(), MaxRedirects: l.MaxRedirects, MaxBody: robots.MaxSize})
		r.stats.Add(host, stats.RobotsFetches, 1)
		if err != nil {
			return 0, nil, err
		}
		r.count(host, c)
		return c.Status, c.Body, nil
	}
}

// robotsBlocked counts a URL robots.txt forbids and reports a conflict when
// the operator configured it: a start URL, or post pages of the site.
func (r *run) robotsBlocked(host string, u guazheng.FrontierURL) {
	r.stats.Add(host, stats.RobotsBlocked, 1)
	switch {
	case u.Depth == 0:
		r.stats.Conflict("start URL " + u.URL + " is disallowed by robots.txt")
	default:
		r.mu.Lock()
		first := !r.conflicts[u.Kind]
		r.conflicts[u.Kind] = true
		r.mu.Unlock()
		if first {
			r.stats.Conflict(fmt.Sprintf("%s pages matched by links.%ss are disallowed by robots.txt (first: %s)", u.Kind, u.Kind, u.URL))
		}
	}
	r.log.Info("disallowed by robots.txt", "url", u.URL)
}

// failed schedules a URL whose fetch failed: again after error_retry,
// doubling while it keeps failing, and never again after max_errors.
func (r *run) failed(u guazheng.FrontierURL, status int) guazheng.FrontierURL {
	rc := r.site.Recrawl
	base := rc.ErrorRetry.D()
	wasError := u.LastStatus == 0 || u.LastStatus >= 400
	if wasError && u.Interval >= base && u.Fetches > 1 {
		u.Interval *= 2
	} else {
		u.Interval = base
	}
	u.LastStatus = status
	if u.Interval > base<<rc.MaxErrors {
		u.NextFetch = time.Time{}
		r.log.Info("giving up on URL", "url", u.URL, "status", status)
	} else {
		u.NextFetch = r.now().Add(u.Interval)
	}
	return u
}

// reschedule sets the recrawl state after a good answer: list pages on an
// interval that halves when they changed and doubles when not (bounded);
// post pages re-checked every post_recheck, max_rechecks times.
func (r *run) reschedule(u guazheng.FrontierURL, c *guazheng.Capture, changed bool, now time.Time) guazheng.FrontierURL {
	rc := r.site.Recrawl
	u.LastStatus = c.Status
	if c.Status != 304 {
		u.ETag = c.ResponseHeader.Get("ETag")
		u.LastModified = c.ResponseHeader.Get("Last-Modified")
	}
	switch u.Kind {
	case guazheng.KindList:
		switch {
		case u.Interval < rc.ListMin.D() || u.Interval > rc.ListMax.D():
			u.Interval = rc.ListMin.D()
		case changed:
			u.Interval = max(rc.ListMin.D(), u.Interval/2)
		default:
			u.Interval = min(rc.ListMax.D(), u.Interval*2)
		}
		u.NextFetch = now.Add(u.Interval)
	default:
		u.Interval = rc.PostRecheck.D()
		if u.Interval > 0 && u.Fetches <= rc.MaxRechecks {
			u.NextFetch = now.Add(u.Interval)
		} else {
			u.NextFetch = time.Time{}
		}
	}
	return u
}

func (r *run) gone(ctx context.Context, host string, u guazheng.FrontierURL, c *guazheng.Capture) {
	if err := r.c.o.Sink.Gone(ctx, c); err != nil {
		r.stats.Add(host, stats.SinkErrors, 1)
		r.log.Error("sink gone", "url", u.URL, "err", err)
		return
	}
	r.stats.Add(host, stats.TakenDown, 1)
	r.log.Info("post taken down", "url", u.URL, "status", c.Status)
}

// page handles a 2xx answer: unchanged content is skipped; otherwise posts
// and links are extracted, new links added, and the page handed to the sink.
func (r *run) page(ctx context.Context, u guazheng.FrontierURL, host string, o outcome, now time.Time) (guazheng.FrontierURL, bool) {
	c := o.capt
	if u.Kind == guazheng.KindCheck {
		// an existence check: nothing is extracted or stored unless the
		// post is gone
		if r.deletedPage(o.dec.Text) {
			if seenAlive(u) {
				r.gone(ctx, host, u, c)
			}
			u.LastStatus, u.NextFetch = c.Status, time.Time{}
			return u, true
		}
		r.stats.Add(host, stats.Checks, 1)
		return r.reschedule(u, c, false, now), true
	}
	sum := sha256.Sum256(c.Body)
	hash := hex.EncodeToString(sum[:])
	if u.ContentHash == hash {
		r.stats.Add(host, stats.Unchanged, 1)
		return r.reschedule(u, c, false, now), true
	}
	r.stats.Add(host, stats.Pages, 1)
	ex, err := r.extract(u, c, o.dec, now)
	if err != nil {
		r.stats.Add(host, stats.Errors, 1)
		r.log.Warn("extract failed", "url", u.URL, "err", err)
	}
	if len(ex.posts) == 0 && u.Kind == guazheng.KindPost && r.deletedPage(o.dec.Text) {
		if seenWithPosts(u) {
			r.gone(ctx, host, u, c)
		}
		u.LastStatus, u.ContentHash, u.NextFetch = c.Status, hash, time.Time{}
		return u, true
	}

	newPosts := r.addLinks(ctx, host, ex.postLinks, guazheng.KindPost, u.Depth+1, u.URL)
	if len(ex.checks) > 0 {
		r.addLinks(ctx, host, ex.checks, guazheng.KindCheck, u.Depth, u.URL)
	}
	res, err := r.c.o.Sink.Page(ctx, c, ex.posts)
	if err != nil {
		if ctx.Err() != nil {
			return u, false
		}
		r.stats.Add(host, stats.SinkErrors, 1)
		r.log.Error("sink page", "url", u.URL, "err", err)
		return r.failed(u, c.Status), true
	}
	r.stats.Add(host, stats.Posts, int64(len(ex.posts)))
	r.stats.Add(host, stats.NewPosts, int64(res.New))
	r.stats.Add(host, stats.ChangedPosts, int64(res.Changed))
	r.stats.Add(host, stats.FlaggedPosts, int64(res.Flagged))

	// Pagination ends at a page that brought nothing new.
	fresh := res.New + res.Changed
	switch {
	case len(ex.listLinks) > 0:
		if r.site.stopWhenNothingNew() && u.Depth > 0 && newPosts == 0 && fresh == 0 {
			r.stats.Add(host, stats.PaginationStops, 1)
			r.log.Debug("pagination stops: nothing new", "url", u.URL)
		} else {
			r.addLinks(ctx, host, ex.listLinks, guazheng.KindList, u.Depth+1, u.URL)
		}
	case ex.threadNext != "":
		if len(ex.posts) > 0 && fresh > 0 {
			r.addLinks(ctx, host, []string{ex.threadNext}, guazheng.KindPost, u.Depth, u.URL)
		} else {
			r.stats.Add(host, stats.PaginationStops, 1)
		}
	case ex.jsonNext != "":
		if ex.items > 0 && (fresh > 0 || !r.site.stopWhenNothingNew()) {
			r.addLinks(ctx, host, []string{ex.jsonNext}, guazheng.KindList, u.Depth+1, u.URL)
		} else {
			r.stats.Add(host, stats.PaginationStops, 1)
		}
	}
	u.ContentHash = hash
	return r.reschedule(u, c, true, now), true
}

func (r *run) deletedPage(text string) bool {
	probe := text
	if len(probe) > challengeProbe {
		probe = probe[:challengeProbe]
	}
	for _, m := range r.site.DeletedMarkers {
		if strings.Contains(probe, m) {
			return true
		}
	}
	return false
}

// extracted is what one page yielded.
type extracted struct {
	posts      []guazheng.Post
	postLinks  []string
	listLinks  []string
	threadNext string
	jsonNext   string
	items      int
	checks     []string // own pages of JSON items, to check for takedown
}

func (r *run) extract(u guazheng.FrontierURL, c *guazheng.Capture, dec decode.Result, now time.Time) (extracted, error) {
	var ex extracted
	s := r.site
	base, err := url.Parse(c.FinalURL)
	if err != nil {
		return ex, fmt.Errorf("parse final URL: %w", err)
	}
	pg := extract.Page{Site: s.Name, URL: u.URL, Loc: s.loc, Now: now}
	if s.JSON != nil && s.JSON.Handles(u.URL, u.Kind == guazheng.KindList) {
		posts, items, err := s.JSON.Posts([]byte(dec.Text), base, pg, r.canonical)
		if err != nil {
			return ex, err
		}
		ex.posts, ex.items = posts, items
		if s.JSON.Check {
			for _, p := range posts {
				if p.URL != "" && p.URL != u.URL {
					ex.checks = append(ex.checks, p.URL)
				}
			}
		}
		if ju, err := url.Parse(u.URL); err == nil {
			ex.jsonNext = s.JSON.NextPage(ju)
		}
		return ex, nil
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(dec.Text))
	if err != nil {
		return ex, fmt.Errorf("parse HTML: %w", err)
	}
	base = extract.BaseURL(doc, base)
	switch u.Kind {
	case guazheng.KindList:
		ex.postLinks = extract.Links(doc, base, s.Links.Posts, r.canonical)
		ex.listLinks = extract.Links(doc, base, s.Links.Lists, r.canonical)
	default:
		if s.Extract != nil {
			ex.posts = s.Extract.Posts(doc, pg)
			if href := s.Extract.ThreadNext(doc); href != "" {
				ex.threadNext = extract.Resolve(base, href)
			}
		}
	}
	return ex, nil
}

// canonical is the site's canonical form of a URL, or the URL itself.
func (r *run) canonical(raw string) string {
	if c, err := r.site.canon.Canonical(raw); err == nil {
		return c
	}
	return raw
}

// admit turns a found link into a frontier URL, or refuses it (other host,
// trap, too deep), counting why.
func (r *run) admit(raw string, kind guazheng.URLKind, depth int, referrer string) (guazheng.FrontierURL, bool) {
	canon, err := r.site.canon.Canonical(raw)
	if err != nil {
		return guazheng.FrontierURL{}, false
	}
	host := urlx.Host(canon)
	if !r.hosts[host] {
		r.stats.Add("", stats.Offsite, 1)
		return guazheng.FrontierURL{}, false
	}
	l := r.site.Limits
	if err := urlx.Check(canon, l.MaxURLLength, l.MaxRepeatedSegments); err != nil {
		r.stats.Add(host, stats.TrapRejected, 1)
		r.log.Debug("URL refused", "url", canon, "err", err)
		return guazheng.FrontierURL{}, false
	}
	if depth > l.MaxDepth {
		r.stats.Add(host, stats.DepthLimited, 1)
		return guazheng.FrontierURL{}, false
	}
	return guazheng.FrontierURL{Site: r.site.Name, URL: canon, Kind: kind, Depth: depth, Referrer: referrer}, true
}

// addLinks adds admitted links to the frontier and returns how many were new.
func (r *run) addLinks(ctx context.Context, host string, links []string, kind guazheng.URLKind, depth int, referrer string) int {
	if len(links) == 0 {
		return 0
	}
	urls := make([]guazheng.FrontierURL, 0, len(links))
	for _, l := range links {
		if fu, ok := r.admit(l, kind, depth, referrer); ok && fu.URL != referrer {
			urls = append(urls, fu)
		}
	}
	n, err := r.c.o.Frontier.Add(ctx, urls)
	if err != nil {
		r.stats.Add(host, stats.Errors, 1)
		r.log.Error("frontier add", "err", err)
		return 0
	}
	r.stats.Add(host, stats.LinksAdded, int64(n))
	return n
}
