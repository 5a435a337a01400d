package demosite

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestZhucaiPagination(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	z := site(t, d, SiteZhucai)
	n := len(d.state().zhucai.listed)
	last := (n + perPage - 1) / perPage
	tests := []struct {
		name      string
		query     string
		items     int
		next      string
		prev      bool
		emptyNote bool
	}{
		{"first", "page=1", perPage, "/jobs?page=2", false, false},
		{"no page", "", perPage, "/jobs?page=2", false, false},
		{"junk page", "page=abc", perPage, "/jobs?page=2", false, false},
		{"zero page", "page=0", perPage, "/jobs?page=2", false, false},
		{"second", "page=2", perPage, "/jobs?page=3", true, false},
		{"last", "page=" + itoa(last), n - (last-1)*perPage, "/jobs?page=" + itoa(last+1), true, false},
		{"after last", "page=" + itoa(last+1), 0, "/jobs?page=" + itoa(last+2), true, true},
		{"far after", "page=999", 0, "/jobs?page=1000", true, true},
		{"huge", "page=9223372036854775807", 0, "/jobs?page=1048577", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, z.BaseURL+"/jobs?"+tt.query)
			body := string(r.body)
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("status %d, type %q", r.status, r.header.Get("Content-Type"))
			}
			if got := strings.Count(body, `<li class="job-item">`); got != tt.items {
				t.Errorf("%d items, want %d", got, tt.items)
			}
			if !strings.Contains(body, `<a class="next" href="`+tt.next+`">下一页</a>`) {
				t.Errorf("no 下一页 link to %s", tt.next)
			}
			if got := strings.Contains(body, `class="prev"`); got != tt.prev {
				t.Errorf("prev link %v, want %v", got, tt.prev)
			}
			if got := strings.Contains(body, `<p class="empty">`); got != tt.emptyNote {
				t.Errorf("empty note %v, want %v", got, tt.emptyNote)
			}
		})
	}
	// pages hold every listed post once, newest first
	seen := map[string]bool{}
	for p := 1; p <= last; p++ {
		for _, m := range jobHref.FindAllStringSubmatch(string(get(t, z.BaseURL+"/jobs?page="+itoa(p)).body), -1) {
			if seen[m[1]] {
				t.Errorf("post %s on two pages", m[1])
			}
			seen[m[1]] = true
		}
	}
	if len(seen) != n {
		t.Errorf("pages list %d posts, want %d", len(seen), n)
	}
}

func TestZhucaiDetail(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	z := site(t, d, SiteZhucai)
	var ad PostRef
	for _, p := range d.Truth().Ads {
		if p.Site == SiteZhucai && strings.Contains(p.Title, "筑英") {
			ad = p
		}
	}
	if ad.URL == "" {
		t.Fatal("no 筑英 ad on zhucai")
	}
	r := get(t, ad.URL)
	body := string(r.body)
	for _, want := range []string{
		`<h1 class="job-title">` + ad.Title + `</h1>`,
		`<span class="company">河南筑英人力资源服务有限公司</span>`,
		`<time datetime="2025-`,
		`<div class="job-body">`,
		`<li class="contact-phone">电话：`,
		`<li class="contact-wechat">微信：zyhr_2019</li>`,
		`href="/admin/report?id=`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("detail page lacks %s", want)
		}
	}
	tests := []struct {
		path   string
		status int
	}{
		{"/job/abc.html", http.StatusNotFound},
		{"/job/0" + strings.TrimPrefix(ad.URL, z.BaseURL+"/job/"), http.StatusNotFound},
		{"/job/1.html", http.StatusNotFound},
		{strings.TrimSuffix(strings.TrimPrefix(ad.URL, z.BaseURL), ".html"), http.StatusNotFound},
		{"/nowhere", http.StatusNotFound},
		{"/", http.StatusOK},
		{"/admin/", http.StatusOK},
	}
	for _, tt := range tests {
		if r := get(t, z.BaseURL+tt.path); r.status != tt.status {
			t.Errorf("%s: status %d, want %d", tt.path, r.status, tt.status)
		}
	}
}

func TestZhucaiConditional(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	z := site(t, d, SiteZhucai)
	var changed PostRef
	for _, p := range d.Truth().Changed {
		if p.Site == SiteZhucai {
			changed = p
			break
		}
	}
	first := get(t, changed.URL)
	etag, lastMod := first.header.Get("ETag"), first.header.Get("Last-Modified")
	if etag == "" || lastMod == "" {
		t.Fatalf("ETag %q, Last-Modified %q", etag, lastMod)
	}
	tests := []struct {
		name   string
		url    string
		hdr    []string
		status int
	}{
		{"etag", changed.URL, []string{"If-None-Match", etag}, http.StatusNotModified},
		{"last-modified", changed.URL, []string{"If-Modified-Since", lastMod}, http.StatusNotModified},
		{"other etag", changed.URL, []string{"If-None-Match", `"nope"`}, http.StatusOK},
		{"list etag", z.BaseURL + "/jobs?page=1", []string{"If-None-Match", get(t, z.BaseURL+"/jobs?page=1").header.Get("ETag")}, http.StatusNotModified},
	}
	for _, tt := range tests {
		if r := get(t, tt.url, tt.hdr...); r.status != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, r.status, tt.status)
		}
	}
	d.Advance()
	if r := get(t, changed.URL, "If-None-Match", etag); r.status != http.StatusOK {
		t.Errorf("changed post with its old ETag: status %d, want 200", r.status)
	}
	if r := get(t, changed.URL, "If-Modified-Since", lastMod); r.status != http.StatusOK {
		t.Errorf("changed post with its old Last-Modified: status %d, want 200", r.status)
	}
}

func TestZhucaiSearch(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	z := site(t, d, SiteZhucai)
	if z.SearchURL != z.BaseURL+"/search?kw={kw}" {
		t.Errorf("SearchURL %q", z.SearchURL)
	}
	tests := []struct {
		kw       string
		min, max int  // results on the first page
		next     bool // a 下一页 link
	}{
		{"二建", 20, 20, true},
		{"挂靠", 1, 20, false},
		{"GO后端", 1, 3, false}, // case-insensitive
		{"没有这种职位啊", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.kw, func(t *testing.T) {
			r := get(t, strings.Replace(z.SearchURL, "{kw}", url.QueryEscape(tt.kw), 1))
			body := string(r.body)
			n := strings.Count(body, `<li class="job-item">`)
			if r.status != http.StatusOK || n < tt.min || n > tt.max {
				t.Errorf("status %d, %d results, want %d–%d", r.status, n, tt.min, tt.max)
			}
			if got := strings.Contains(body, `class="next"`); got != tt.next {
				t.Errorf("next link %v, want %v", got, tt.next)
			}
		})
	}
}
