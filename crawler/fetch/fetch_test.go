package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func server(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<p>挂证</p>")
	})
	mux.HandleFunc("/r1", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/r2", http.StatusMovedPermanently) })
	mux.HandleFunc("/r2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/page", http.StatusFound) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(strings.Repeat("x", 10000))) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		// The transport asks for gzip; an identity answer is fine too.
		fmt.Fprint(w, r.Header.Get("Accept-Encoding"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestFetch(t *testing.T) {
	srv := server(t)
	f := New(nil, nil)
	ctx := context.Background()
	req := Request{Site: "s", UserAgent: "guazheng-test/1", Timeout: time.Second, MaxRedirects: 5, MaxBody: 1 << 20}

	r := req
	r.URL = srv.URL + "/r1"
	c, err := f.Fetch(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != 200 || string(c.Body) != "<p>挂证</p>" || c.URL != srv.URL+"/r1" || c.FinalURL != srv.URL+"/page" ||
		strings.Join(c.Redirects, " ") != srv.URL+"/r1 "+srv.URL+"/r2" || c.ServerIP != "127.0.0.1" || c.Proto != "HTTP/1.1" ||
		c.Truncated || c.Method != "GET" || c.Site != "s" || c.Duration <= 0 || c.FetchedAt.Location() != time.UTC ||
		c.ResponseHeader.Get("ETag") != `"v1"` {
		t.Errorf("capture %+v", *c)
	}
	// The request header as written on the wire, Host and Accept-Encoding included.
	h := c.RequestHeader
	if h.Get("User-Agent") != "guazheng-test/1" || h.Get("Host") != strings.TrimPrefix(srv.URL, "http://") ||
		h.Get("Accept-Encoding") != "gzip" || h.Get("Accept-Language") == "" {
		t.Errorf("request header %v", h)
	}

	// Conditional GET.
	r = req
	r.URL, r.ETag, r.LastModified = srv.URL+"/page", `"v1"`, "Mon, 06 May 2024 12:00:00 GMT"
	c, err = f.Fetch(ctx, r)
	if err != nil || c.Status != 304 || c.RequestHeader.Get("If-None-Match") != `"v1"` || c.RequestHeader.Get("If-Modified-Since") == "" {
		t.Errorf("conditional: %v %+v", err, c)
	}

	// Body cut at the limit, flagged.
	r = req
	r.URL, r.MaxBody = srv.URL+"/big", 4096
	c, err = f.Fetch(ctx, r)
	if err != nil || !c.Truncated || len(c.Body) != 4096 {
		t.Errorf("big: %v truncated=%v len=%d", err, c.Truncated, len(c.Body))
	}
	r.MaxBody = 10000
	if c, _ = f.Fetch(ctx, r); c.Truncated || len(c.Body) != 10000 {
		t.Errorf("exact size flagged: %v %d", c.Truncated, len(c.Body))
	}
}

func TestFetchErrors(t *testing.T) {
	srv := server(t)
	f := New(nil, nil)
	tests := []struct {
		name      string
		req       Request
		transient bool
		is        error
	}{
		{"redirect loop", Request{URL: srv.URL + "/loop", MaxRedirects: 3, Timeout: time.Second}, false, ErrTooManyRedirects},
		{"redirect refused", Request{URL: srv.URL + "/r1", MaxRedirects: 3, Timeout: time.Second,
			CheckRedirect: func(u *url.URL) error { return errors.New("robots") }}, false, ErrRedirectRefused},
		{"timeout", Request{URL: srv.URL + "/slow", Timeout: 100 * time.Millisecond}, true, context.DeadlineExceeded},
		{"connection refused", Request{URL: "http://127.0.0.1:1/x", Timeout: time.Second}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := f.Fetch(context.Background(), tt.req)
			if err == nil {
				t.Fatal("no error")
			}
			if Transient(err) != tt.transient || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Errorf("err %v: transient=%v", err, Transient(err))
			}
			if time.Since(start) > time.Second {
				t.Errorf("took %v", time.Since(start))
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.Fetch(ctx, Request{URL: srv.URL + "/page"}); Transient(err) {
		t.Errorf("cancelled fetch is transient: %v", err)
	}
}
