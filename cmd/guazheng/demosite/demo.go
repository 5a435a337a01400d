package demosite

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Site names, as in Site.Name and PostRef.Site.
const (
	SiteZhucai = "zhucai"   // 筑才招聘网: UTF-8 job board
	SiteForum  = "jzsforum" // 建造师论坛: GBK forum
	SiteGcyc   = "gcyc"     // 工程英才网: JSON-endpoint board
)

// Site is one running demo site.
type Site struct {
	Name    string // zhucai, jzsforum or gcyc
	Title   string // the site's Chinese name
	BaseURL string // http://127.0.0.1:PORT, no trailing slash
	// StartURLs are where a crawl of the site begins: the first list page
	// (zhucai, gcyc's JSON endpoint) or every board page (jzsforum).
	StartURLs []string
	// SearchURL is the site's search URL with a {kw} placeholder; "" when
	// the site has no search.
	SearchURL string
	// Charset is the encoding of the site's pages: utf-8 or gbk.
	Charset string
	// Disallowed are the path prefixes the site's robots.txt disallows.
	Disallowed []string
}

// Hits counts the requests a site has answered.
type Hits struct {
	Requests   int64 // every request
	Disallowed int64 // requests for paths robots.txt disallows
}

// Demo runs the three demo sites on loopback. Its methods are safe for
// concurrent use.
type Demo struct {
	sites   []Site
	servers []*http.Server
	hits    map[string]*hitCounter
	st      atomic.Pointer[state]
	phase2  *state
	truth   Truth
	serving sync.WaitGroup
	closing chan struct{} // closed by Close; ends the ctx watcher

	closeOnce sync.Once
	mu        sync.Mutex // guards closeErr
	closeErr  error
}

type hitCounter struct {
	requests, disallowed atomic.Int64
}

// siteSpec is what Start needs to run one site.
type siteSpec struct {
	name, title, charset string
	disallowed           []string
	handler              func(env siteEnv) http.Handler
	template             string
	startURLs            func(base string) []string
	search               string
}

func specs(ds *dataset) []siteSpec {
	return []siteSpec{
		{
			name: SiteZhucai, title: "筑才招聘网", charset: "utf-8", disallowed: []string{"/admin/"},
			handler: newZhucai, template: "templates/zhucai.html",
			startURLs: func(base string) []string { return []string{base + "/jobs?page=1"} },
			search:    "/search?kw={kw}",
		},
		{
			name: SiteForum, title: "建造师论坛", charset: "gbk",
			disallowed: []string{"/home.php", "/search.php", "/admin.php"},
			handler:    newForum, template: "templates/jzsforum.html",
			startURLs: func(base string) []string {
				urls := make([]string, len(ds.forum.Boards))
				for i, b := range ds.forum.Boards {
					urls[i] = fmt.Sprintf("%s/forum-%d.html", base, b.ID)
				}
				return urls
			},
		},
		{
			name: SiteGcyc, title: "工程英才网", charset: "utf-8", disallowed: []string{"/user/"},
			handler: newGcyc, template: "templates/gcyc.html",
			startURLs: func(base string) []string { return []string{base + "/api/list?page=1"} },
		},
	}
}

// Start starts the three demo sites, each on its own http.Server listening
// on 127.0.0.1 with a random port, in phase 1. The sites stop when ctx is
// done or Close is called.
func Start(ctx context.Context) (*Demo, error) {
	ds, err := loadData()
	if err != nil {
		return nil, err
	}
	d := &Demo{hits: map[string]*hitCounter{}, phase2: buildState(ds, 2), closing: make(chan struct{})}
	d.st.Store(buildState(ds, 1))

	var lc net.ListenConfig
	var listeners []net.Listener
	closeAll := func() {
		for _, ln := range listeners {
			ln.Close()
		}
	}
	for _, sp := range specs(ds) {
		tmpl, err := parseTemplates(sp.template)
		if err != nil {
			closeAll()
			return nil, err
		}
		ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("demo site %s: listen: %w", sp.name, err)
		}
		listeners = append(listeners, ln)
		base := "http://" + ln.Addr().String()
		site := Site{Name: sp.name, Title: sp.title, BaseURL: base, StartURLs: sp.startURLs(base),
			Charset: sp.charset, Disallowed: sp.disallowed}
		if sp.search != "" {
			site.SearchURL = base + sp.search
		}
		d.sites = append(d.sites, site)
		hc := &hitCounter{}
		d.hits[sp.name] = hc
		env := siteEnv{base: base, demo: d, tmpl: tmpl, robots: robotsTxt(sp.disallowed)}
		h := counting(hc, sp.disallowed, sp.handler(env))
		d.servers = append(d.servers, &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       time.Minute,
			BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		})
	}
	d.truth = buildTruth(ds, d.sites)
	for i, srv := range d.servers {
		d.serving.Add(1)
		go func(srv *http.Server, ln net.Listener) {
			defer d.serving.Done()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				d.setServeErr(fmt.Errorf("demo site %s: serve: %w", d.sites[i].Name, err))
			}
		}(srv, listeners[i])
	}
	go func() {
		select {
		case <-ctx.Done():
			d.Close()
		case <-d.closing:
		}
	}()
	return d, nil
}

func (d *Demo) setServeErr(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closeErr = errors.Join(d.closeErr, err)
}

// Sites returns the running sites: zhucai, jzsforum, gcyc.
func (d *Demo) Sites() []Site {
	out := make([]Site, len(d.sites))
	for i, s := range d.sites {
		s.StartURLs = append([]string(nil), s.StartURLs...)
		s.Disallowed = append([]string(nil), s.Disallowed...)
		out[i] = s
	}
	return out
}

// Site returns the running site of that name.
func (d *Demo) Site(name string) (Site, bool) {
	for _, s := range d.Sites() {
		if s.Name == name {
			return s, true
		}
	}
	return Site{}, false
}

// Advance moves every site from phase 1 to phase 2: some posts vanish, some
// change, new ones appear (see Truth). A request is answered wholly from one
// phase. Advancing again does nothing.
func (d *Demo) Advance() { d.st.Store(d.phase2) }

// Phase is the sites' current phase: 1 or 2.
func (d *Demo) Phase() int { return d.st.Load().phase }

// Hits returns how many requests the named site has answered.
func (d *Demo) Hits(site string) Hits {
	hc, ok := d.hits[site]
	if !ok {
		return Hits{}
	}
	return Hits{Requests: hc.requests.Load(), Disallowed: hc.disallowed.Load()}
}

// Close stops the sites at once and waits for their servers to return.
// It is safe to call more than once.
func (d *Demo) Close() error {
	d.closeOnce.Do(func() {
		close(d.closing)
		var errs []error
		for i, srv := range d.servers {
			if err := srv.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close demo site %s: %w", d.sites[i].Name, err))
			}
		}
		d.serving.Wait()
		d.mu.Lock()
		defer d.mu.Unlock()
		d.closeErr = errors.Join(append([]error{d.closeErr}, errs...)...)
	})
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.closeErr
}

// state returns the phase every site serves now.
func (d *Demo) state() *state { return d.st.Load() }

// siteEnv is what a site's handler needs.
type siteEnv struct {
	base   string // the site's base URL
	demo   *Demo  // for the current phase
	tmpl   *template.Template
	robots string // robots.txt
}

// counting counts each request, and those for robots-disallowed paths.
func counting(hc *hitCounter, disallowed []string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hc.requests.Add(1)
		for _, p := range disallowed {
			if strings.HasPrefix(r.URL.Path, p) {
				hc.disallowed.Add(1)
				break
			}
		}
		h.ServeHTTP(w, r)
	})
}

// robotsTxt is a robots.txt disallowing the given prefixes for everyone.
func robotsTxt(disallowed []string) string {
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	for _, p := range disallowed {
		b.WriteString("Disallow: " + p + "\n")
	}
	return b.String()
}
