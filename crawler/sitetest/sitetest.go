// Package sitetest serves fixture sites: the static files of an fs.FS (one
// site per directory, response headers from a Netlify-style _headers file,
// ETag and Last-Modified with conditional GET) plus dynamic behaviours that
// real sites show and a crawler must survive: rate limiting with
// Retry-After, flaky 5xx, slow and oversized responses, redirect loops,
// challenge pages, pagination traps, infinite calendars, paged JSON
// endpoints, posts deleted between two crawls, and generated sites of any
// size. Tests use it with httptest; the demo serves the same sites.
package sitetest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"sync"
	"time"
)

// Hit is one request the site received.
type Hit struct {
	Time   time.Time
	Path   string // path and query
	Host   string
	Header http.Header
}

// Site serves one fixture site. It is safe for concurrent use.
type Site struct {
	fsys     fs.FS
	rules    []headerRule
	modified time.Time

	mu       sync.Mutex
	handlers map[string]http.Handler // exact path → handler
	prefixes []prefixHandler
	removed  map[string]removal
	hits     []Hit
	keepHits bool
}

type prefixHandler struct {
	prefix string
	h      http.Handler
}

type removal struct {
	status int
	body   string
}

type headerRule struct {
	pattern string
	header  http.Header
}

// New returns a site serving the files of fsys (rooted at the site's
// directory). A _headers file, if present, sets response headers by path.
func New(fsys fs.FS) (*Site, error) {
	s := &Site{fsys: fsys, handlers: map[string]http.Handler{}, removed: map[string]removal{}, keepHits: true,
		modified: time.Date(2024, 5, 6, 12, 0, 0, 0, time.UTC)}
	if b, err := fs.ReadFile(fsys, "_headers"); err == nil {
		rules, err := parseHeaders(b)
		if err != nil {
			return nil, fmt.Errorf("sitetest: _headers: %w", err)
		}
		s.rules = rules
	}
	return s, nil
}

// Sub is New for the directory dir of fsys.
func Sub(fsys fs.FS, dir string) (*Site, error) {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("sitetest: %s: %w", dir, err)
	}
	return New(sub)
}

func parseHeaders(b []byte) ([]headerRule, error) {
	var rules []headerRule
	sc := bufio.NewScanner(bytes.NewReader(b))
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' {
			rules = append(rules, headerRule{pattern: t, header: http.Header{}})
			continue
		}
		k, v, ok := strings.Cut(t, ":")
		if !ok || len(rules) == 0 {
			return nil, fmt.Errorf("line %d: want \"Name: value\" under a path", n)
		}
		rules[len(rules)-1].header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return rules, sc.Err()
}

// Handle serves pattern with h instead of a file: an exact path, or a
// prefix when pattern ends with "*".
func (s *Site) Handle(pattern string, h http.Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		s.prefixes = append(s.prefixes, prefixHandler{p, h})
		return
	}
	s.handlers[pattern] = h
}

// Remove makes later requests for path answer status (404, 410) — a post
// deleted between two crawls.
func (s *Site) Remove(path string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removed[path] = removal{status: status, body: "<html><body><h1>404 页面不存在</h1></body></html>"}
}

// Replace makes later requests for path answer 200 with body — a site's own
// "deleted" page (该帖已被删除, 信息已过期) or an edited post.
func (s *Site) Replace(path, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removed[path] = removal{status: http.StatusOK, body: body}
}

// KeepHits turns the request log on or off (off for long generated crawls).
func (s *Site) KeepHits(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keepHits = on
	if !on {
		s.hits = nil
	}
}

// Hits returns the requests received so far.
func (s *Site) Hits() []Hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Hit(nil), s.hits...)
}

// Count returns how many requests asked for p (path, with its query if any).
func (s *Site) Count(p string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, h := range s.hits {
		if h.Path == p {
			n++
		}
	}
	return n
}

// Start serves the site on a loopback httptest server.
func (s *Site) Start() *httptest.Server { return httptest.NewServer(s) }

// ServeHTTP serves dynamic handlers first, then removals, then files.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.keepHits {
		s.hits = append(s.hits, Hit{Time: time.Now(), Path: r.URL.RequestURI(), Host: r.Host, Header: r.Header.Clone()})
	}
	h := s.handlers[r.URL.Path]
	if h == nil {
		best := ""
		for _, p := range s.prefixes {
			if strings.HasPrefix(r.URL.Path, p.prefix) && len(p.prefix) >= len(best) {
				best, h = p.prefix, p.h
			}
		}
	}
	rm, gone := s.removed[r.URL.Path]
	s.mu.Unlock()
	switch {
	case gone:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(rm.status)
		fmt.Fprint(w, rm.body)
	case h != nil:
		h.ServeHTTP(w, r)
	default:
		s.ServeFile(w, r, r.URL.Path)
	}
}

// ServeFile serves the file at urlPath ("/" means index.html) with its
// _headers, an ETag and Last-Modified, answering 304 to a matching
// conditional GET.
func (s *Site) ServeFile(w http.ResponseWriter, r *http.Request, urlPath string) {
	name := strings.TrimPrefix(path.Clean("/"+urlPath), "/")
	if name == "" || strings.HasSuffix(urlPath, "/") {
		name = path.Join(name, "index.html")
	}
	for _, seg := range strings.Split(name, "/") {
		if strings.HasPrefix(seg, "_") || strings.HasPrefix(seg, ".") { // _headers and the like
			http.NotFound(w, r)
			return
		}
	}
	b, err := fs.ReadFile(s.fsys, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	s.Write(w, r, "/"+name, b)
}

// Write answers with body as if it were the file at urlPath: _headers,
// ETag, Last-Modified and conditional GET.
func (s *Site) Write(w http.ResponseWriter, r *http.Request, urlPath string, body []byte) {
	h := w.Header()
	if ct := mime.TypeByExtension(path.Ext(urlPath)); ct != "" {
		h.Set("Content-Type", ct)
	}
	for _, rule := range s.rules {
		if p, ok := strings.CutSuffix(rule.pattern, "*"); (ok && strings.HasPrefix(urlPath, p)) || rule.pattern == urlPath {
			for k, v := range rule.header {
				h[k] = v
			}
		}
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	h.Set("ETag", etag)
	h.Set("Last-Modified", s.modified.Format(http.TimeFormat))
	if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(body)
}
