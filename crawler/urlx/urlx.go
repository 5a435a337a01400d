// Package urlx canonicalises crawl URLs and rejects crawler traps: it strips
// session and tracking parameters (query and ;jsessionid-style path
// parameters), drops fragments and default ports, sorts the query, and checks
// a URL's length and repeated path segments.
package urlx

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"
)

// DefaultStrip lists the session and tracking parameters removed by default.
// A trailing * matches any suffix; matching ignores case.
var DefaultStrip = []string{
	"utm_*", "spm", "jsessionid", "phpsessid", "sessionid", "session_id", "sid", "aspsessionid*",
	"_ga", "fbclid", "gclid", "from_share", "share_token",
}

// Errors returned by Check.
var (
	ErrTooLong   = errors.New("URL too long")
	ErrRepeated  = errors.New("repeated path segments")
	ErrNotHTTP   = errors.New("not an http(s) URL")
	ErrNoHost    = errors.New("URL has no host")
	ErrMalformed = errors.New("malformed URL")
)

// Canonicalizer rewrites URLs into their canonical form.
type Canonicalizer struct {
	exact  map[string]bool
	prefix []string
}

// NewCanonicalizer returns a canonicalizer that strips the given parameter
// names (case-insensitive; a trailing * matches any suffix).
func NewCanonicalizer(strip []string) *Canonicalizer {
	c := &Canonicalizer{exact: map[string]bool{}}
	for _, s := range strip {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == "" {
			continue
		}
		if strings.HasSuffix(s, "*") {
			c.prefix = append(c.prefix, strings.TrimSuffix(s, "*"))
		} else {
			c.exact[s] = true
		}
	}
	return c
}

// Strips reports whether parameter name is stripped.
func (c *Canonicalizer) Strips(name string) bool {
	name = strings.ToLower(name)
	if c.exact[name] {
		return true
	}
	for _, p := range c.prefix {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// Canonical returns the canonical form of raw: scheme and host lower-cased,
// default port and fragment dropped, empty path made "/", stripped
// parameters removed from the query and from ;name=value path parameters,
// and the remaining query sorted by name (stable for equal names).
func (c *Canonicalizer) Canonical(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return c.CanonicalURL(u)
}

// CanonicalURL is Canonical for a parsed URL; u is not modified.
func (c *Canonicalizer) CanonicalURL(in *url.URL) (string, error) {
	u := *in
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", ErrNotHTTP
	}
	if u.Host == "" {
		return "", ErrNoHost
	}
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	if u.Path == "" {
		u.Path = "/"
	}
	if strings.Contains(u.Path, ";") {
		u.Path = c.stripPathParams(u.Path)
		u.RawPath = ""
	}
	if u.RawQuery != "" || u.ForceQuery {
		u.RawQuery = c.query(u.RawQuery)
		u.ForceQuery = false
	}
	return u.String(), nil
}

func (c *Canonicalizer) stripPathParams(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		parts := strings.Split(s, ";")
		keep := parts[:1]
		for _, param := range parts[1:] {
			name, _, _ := strings.Cut(param, "=")
			if !c.Strips(name) {
				keep = append(keep, param)
			}
		}
		segs[i] = strings.Join(keep, ";")
	}
	return strings.Join(segs, "/")
}

func (c *Canonicalizer) query(raw string) string {
	type kv struct{ k, raw string }
	var kept []kv
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		name, _, _ := strings.Cut(part, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if c.Strips(name) {
			continue
		}
		kept = append(kept, kv{name, part})
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].k < kept[j].k })
	parts := make([]string, len(kept))
	for i, p := range kept {
		parts[i] = p.raw
	}
	return strings.Join(parts, "&")
}

// Check rejects URLs longer than maxLen bytes or whose path repeats one
// segment more than maxRepeat times (/a/b/a/b/a/…, calendars and relative
// link loops). Zero limits are not checked.
func Check(raw string, maxLen, maxRepeat int) error {
	if maxLen > 0 && len(raw) > maxLen {
		return fmt.Errorf("%w: %d bytes > %d", ErrTooLong, len(raw), maxLen)
	}
	if maxRepeat <= 0 {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	counts := map[string]int{}
	for _, s := range strings.Split(path.Clean("/"+u.Path), "/") {
		if s == "" {
			continue
		}
		counts[s]++
		if counts[s] > maxRepeat {
			return fmt.Errorf("%w: %q appears %d times", ErrRepeated, s, counts[s])
		}
	}
	return nil
}

// Host returns the host:port key of a URL used for politeness and stats.
func Host(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}
