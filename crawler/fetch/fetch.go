// Package fetch performs one HTTP exchange and records it whole as a
// guazheng.Capture: the request header as written on the wire, the response
// header and raw body (cut at a size limit, with a truncated flag), the final
// URL and redirect chain, the server's IP address, the protocol, the time and
// the duration. Redirects are bounded, every request has a timeout, and
// conditional GET validators are sent when known.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync"
	"time"

	"github.com/guazheng/guazheng"
)

// Errors that end a redirect chain.
var (
	ErrTooManyRedirects = errors.New("too many redirects")
	ErrRedirectRefused  = errors.New("redirect refused")
)

// Request is one fetch to make.
type Request struct {
	Site         string
	URL          string
	UserAgent    string
	ETag         string // sent as If-None-Match
	LastModified string // sent as If-Modified-Since
	Timeout      time.Duration
	MaxRedirects int
	MaxBody      int64 // bytes kept; more is cut and flagged (0: no limit)
	// CheckRedirect may refuse a redirect target (robots, URL traps, other
	// hosts); its error ends the fetch.
	CheckRedirect func(target *url.URL) error
}

// Fetcher performs requests over one shared client (connection reuse).
type Fetcher struct {
	client *http.Client
	now    func() time.Time
}

// New returns a fetcher over transport (nil: a transport tuned for crawling
// many hosts politely). now may be nil (time.Now).
func New(transport http.RoundTripper, now func() time.Time) *Fetcher {
	if transport == nil {
		transport = DefaultTransport()
	}
	if now == nil {
		now = time.Now
	}
	f := &Fetcher{now: now}
	f.client = &http.Client{Transport: transport, CheckRedirect: checkRedirect}
	return f
}

// DefaultTransport returns a transport with bounded dial, TLS and header
// timeouts and a few idle connections per host.
func DefaultTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

type exchangeKey struct{}

// exchange collects what the trace hooks and redirect checks see.
type exchange struct {
	req *Request

	mu        sync.Mutex
	header    http.Header // as written for the latest request of the chain
	serverIP  string
	redirects []string
}

func checkRedirect(r *http.Request, via []*http.Request) error {
	x, _ := r.Context().Value(exchangeKey{}).(*exchange)
	if x == nil {
		return nil
	}
	x.mu.Lock()
	x.redirects = append(x.redirects, via[len(via)-1].URL.String())
	x.mu.Unlock()
	if len(via) > x.req.MaxRedirects {
		return fmt.Errorf("%w: stopped after %d", ErrTooManyRedirects, x.req.MaxRedirects)
	}
	if x.req.CheckRedirect != nil {
		if err := x.req.CheckRedirect(r.URL); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrRedirectRefused, r.URL, err)
		}
	}
	// Validators belong to the first URL only.
	r.Header.Del("If-None-Match")
	r.Header.Del("If-Modified-Since")
	return nil
}

// Fetch performs req. A response with any status is a capture; an error
// means no complete exchange (network failure, timeout, redirect limit,
// cancelled context).
func (f *Fetcher) Fetch(ctx context.Context, req Request) (*guazheng.Capture, error) {
	if req.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, req.Timeout)
		defer cancel()
	}
	x := &exchange{req: &req}
	trace := &httptrace.ClientTrace{
		GetConn: func(string) {
			x.mu.Lock()
			x.header = http.Header{}
			x.mu.Unlock()
		},
		GotConn: func(info httptrace.GotConnInfo) {
			if info.Conn == nil {
				return
			}
			ip := info.Conn.RemoteAddr().String()
			if h, _, err := net.SplitHostPort(ip); err == nil {
				ip = h
			}
			x.mu.Lock()
			x.serverIP = ip
			x.mu.Unlock()
		},
		WroteHeaderField: func(k string, v []string) {
			x.mu.Lock()
			if x.header == nil {
				x.header = http.Header{}
			}
			x.header[k] = append(x.header[k], v...)
			x.mu.Unlock()
		},
	}
	ctx = httptrace.WithClientTrace(context.WithValue(ctx, exchangeKey{}, x), trace)
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("build request %s: %w", req.URL, err)
	}
	if req.UserAgent != "" {
		hr.Header.Set("User-Agent", req.UserAgent)
	}
	hr.Header.Set("Accept", "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8")
	hr.Header.Set("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5")
	if req.ETag != "" {
		hr.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hr.Header.Set("If-Modified-Since", req.LastModified)
	}

	start := f.now()
	resp, err := f.client.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", req.URL, err)
	}
	defer resp.Body.Close()

	var body []byte
	truncated := false
	if req.MaxBody > 0 {
		body, err = io.ReadAll(io.LimitReader(resp.Body, req.MaxBody+1))
		if int64(len(body)) > req.MaxBody {
			body, truncated = body[:req.MaxBody], true
			err = nil
		}
	} else {
		body, err = io.ReadAll(resp.Body)
	}
	if err != nil {
		return nil, fmt.Errorf("read body of %s: %w", req.URL, err)
	}
	end := f.now()

	x.mu.Lock()
	reqHeader := x.header
	if len(reqHeader) == 0 { // transports without trace support
		reqHeader = resp.Request.Header.Clone()
	}
	if reqHeader.Get("Host") == "" && len(x.header) > 0 {
		reqHeader.Set("Host", resp.Request.Host)
	}
	c := &guazheng.Capture{
		Site:           req.Site,
		Method:         http.MethodGet,
		URL:            req.URL,
		FinalURL:       resp.Request.URL.String(),
		Redirects:      append([]string(nil), x.redirects...),
		Proto:          resp.Proto,
		RequestHeader:  reqHeader,
		Status:         resp.StatusCode,
		ResponseHeader: resp.Header,
		Body:           body,
		Truncated:      truncated,
		ServerIP:       x.serverIP,
		FetchedAt:      start.UTC(),
		Duration:       end.Sub(start),
	}
	x.mu.Unlock()
	return c, nil
}

// Transient reports whether a fetch error is worth retrying: timeouts,
// resets and other network failures, but not redirect limits, refused
// redirects or a cancelled crawl.
func Transient(err error) bool {
	return err != nil && !errors.Is(err, context.Canceled) &&
		!errors.Is(err, ErrTooManyRedirects) && !errors.Is(err, ErrRedirectRefused)
}
