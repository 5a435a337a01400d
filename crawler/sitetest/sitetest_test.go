package sitetest

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func get(t *testing.T, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestSite(t *testing.T) {
	fsys := fstest.MapFS{
		"index.html":      {Data: []byte("<p>home</p>")},
		"gbk/a.html":      {Data: []byte{0xb9, 0xd2, 0xd6, 0xa4}},
		"api/list-2.json": {Data: []byte(`{"list":[]}`)},
		"_headers":        {Data: []byte("# comment\n/gbk/*\n  Content-Type: text/html\n  X-Test: 1\n/gbk/a.html\n  X-Test: 2\n")},
		"_private/x.html": {Data: []byte("no")},
	}
	s, err := New(fsys)
	if err != nil {
		t.Fatal(err)
	}
	s.Handle("/api/list", s.Paged("page", "api/list-%d.json"))
	s.Handle("/slow", Slow(30*time.Millisecond, RedirectLoop("/slow")))
	srv := s.Start()
	defer srv.Close()

	resp, body := get(t, srv.URL+"/")
	if body != "<p>home</p>" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("index: %q %v", body, resp.Header)
	}
	etag := resp.Header.Get("ETag")
	if resp, _ := get(t, srv.URL+"/", "If-None-Match", etag); resp.StatusCode != 304 {
		t.Errorf("conditional GET: %d", resp.StatusCode)
	}
	resp, _ = get(t, srv.URL+"/gbk/a.html")
	if resp.Header.Get("Content-Type") != "text/html" || resp.Header.Get("X-Test") != "2" {
		t.Errorf("_headers: %v", resp.Header)
	}
	if resp, body := get(t, srv.URL+"/api/list?page=2"); resp.StatusCode != 200 || body != `{"list":[]}` {
		t.Errorf("paged: %d %q", resp.StatusCode, body)
	}
	if resp, _ := get(t, srv.URL+"/api/list?page=9"); resp.StatusCode != 404 {
		t.Errorf("missing page: %d", resp.StatusCode)
	}
	for _, p := range []string{"/_headers", "/_private/x.html", "/nope"} {
		if resp, _ := get(t, srv.URL+p); resp.StatusCode != 404 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	s.Remove("/gbk/a.html", http.StatusGone)
	if resp, _ := get(t, srv.URL+"/gbk/a.html"); resp.StatusCode != 410 {
		t.Errorf("removed: %d", resp.StatusCode)
	}
	s.Replace("/", "<p>该帖已被删除</p>")
	if _, body := get(t, srv.URL+"/"); body != "<p>该帖已被删除</p>" {
		t.Errorf("replaced: %q", body)
	}
	if s.Count("/") != 3 || s.Count("/api/list?page=2") != 1 {
		t.Errorf("counts: %d %d", s.Count("/"), s.Count("/api/list?page=2"))
	}
}

func TestBehaviours(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	tests := []struct {
		name    string
		h       http.Handler
		path    string
		want    []int
		wantHdr string
	}{
		{"rate limited", RateLimited(1, "3", ok), "/", []int{429, 200}, "3"},
		{"flaky", Flaky(2, 503, ok), "/", []int{503, 503, 200}, ""},
		{"challenge", Challenge(1, ok), "/", []int{200, 200}, ""},
		{"calendar", Calendar("/cal"), "/cal/2024-05", []int{200}, ""},
		{"calendar bad month", Calendar("/cal"), "/cal/x", []int{404}, ""},
		{"trap", PaginationTrap("/l", []string{"/p/1"}), "/l?page=7", []int{200}, ""},
		{"generated list", Generated(45, 20), "/gen/list?page=3", []int{200}, ""},
		{"generated past the end", Generated(45, 20), "/gen/list?page=4", []int{404}, ""},
		{"generated post", Generated(45, 20), "/gen/post/45", []int{200}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := New(fstest.MapFS{})
			s.Handle("/*", tt.h)
			srv := s.Start()
			defer srv.Close()
			for i, want := range tt.want {
				resp, body := get(t, srv.URL+tt.path)
				if resp.StatusCode != want {
					t.Errorf("request %d: %d, want %d (%q)", i, resp.StatusCode, want, body)
				}
				if i == 0 && tt.wantHdr != "" && resp.Header.Get("Retry-After") != tt.wantHdr {
					t.Errorf("Retry-After %q", resp.Header.Get("Retry-After"))
				}
				if tt.name == "trap" && !strings.Contains(body, `href="/l?page=8"`) {
					t.Errorf("trap page: %s", body)
				}
				if tt.name == "calendar" && !strings.Contains(body, "/cal/2024-06") {
					t.Errorf("calendar page: %s", body)
				}
			}
		})
	}
	big := Oversized(100 << 10)
	s, _ := New(fstest.MapFS{})
	s.Handle("/big", big)
	srv := s.Start()
	defer srv.Close()
	if _, body := get(t, srv.URL+"/big"); len(body) < 100<<10 || !strings.HasSuffix(body, "</body></html>\n") {
		t.Errorf("oversized: %d bytes", len(body))
	}
}
